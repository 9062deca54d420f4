/**
 * The live page's estimates carry a status: a mean over rounds that is not positive or within two standard errors
 * of zero is reported as unreliable with its reason, never as a number (src/web/live.ts).
 */
import { describe, expect, it } from "vitest";
import { liveRun, liveStatus } from "../../src/web/live.ts";

describe("liveStatus", () => {
  it("is ok for a mean well above twice its standard error, and says why otherwise", () => {
    expect(liveStatus(0.05, 0.01, false, "ok")).toBe("ok");
    expect(liveStatus(0.05, 0.03, false, "ok")).toMatch(/^unreliable: the standard error is 60 % of the mean/);
    expect(liveStatus(-0.01, 0.03, false, "ok")).toMatch(/^unreliable: the mean over rounds is not positive/);
    expect(liveStatus(0.05, 0.01, true, "ok")).toMatch(/^unreliable: the network is quiescent/);
    // one round: no spread over rounds, so the round's own (block) status
    expect(liveStatus(0.05, null, false, "unreliable: 2 blocks give no error bar")).toBe(
      "unreliable: 2 blocks give no error bar",
    );
  });

  it("marks two short rounds at N = 400 unreliable and a longer run ok", async () => {
    const base = { n: 400, g: 3, phi: "tanh", effectiveRank: null, seed: 1, dt: 0.1, burnIn: 20, lags: 4 } as const;
    // 2 rounds x 2 trials x 10 samples: 20 samples per round against N = 400 — the estimate is noise
    const short = await liveRun({ ...base, duration: 10, trialsPerRound: 2, rounds: 2 });
    expect(short.simulation.status.prPhi).toMatch(/^unreliable: /);
    const long = await liveRun({ ...base, duration: 200, trialsPerRound: 4, rounds: 3 });
    expect(long.simulation.status).toEqual({ prPhi: "ok", prX: "ok" });
  }, 60_000);
});
