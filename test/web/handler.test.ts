/**
 * The serverless handler (src/web/handler.ts) as a platform would call it: Request in, Response out.
 */
import { describe, expect, it } from "vitest";
import { handle } from "../../src/web/handler.ts";
import { liveParams, liveRun } from "../../src/web/live.ts";

const post = (body: unknown, method = "POST") =>
  new Request("http://localhost/api/run", {
    method,
    body: method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

describe("serverless handler", () => {
  const small = { n: 80, g: 3, rounds: 3, duration: 40, burnIn: 20, lags: 5, seed: 4 };

  it("answers theory and a bounded simulation as JSON, the same numbers as the library (same seed)", async () => {
    const r = await handle(post(small));
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/application\/json/);
    const doc = await r.json();
    const direct = await liveRun(liveParams(small));
    expect(doc.simulation.perRound).toEqual(direct.simulation.perRound);
    expect(doc.simulation.prPhi.mean).toBe(direct.simulation.prPhi.mean);
    expect(doc.theory.prPhi).toBeCloseTo(0.04465, 4); // THEORY §5.4, tanh g = 3
    expect(doc.provenance).toMatchObject({ package: "strand", backend: "wasm" });
    // the rounds are independent replicates; their spread gives the standard error
    expect(doc.simulation.prPhi.se).toBeGreaterThan(0);
  });

  it("keeps no state between requests: the same request twice gives the same answer", async () => {
    const a = await (await handle(post(small))).text();
    await handle(post({ ...small, seed: 9, n: 120 }));
    const b = await (await handle(post(small))).text();
    expect(b).toBe(a);
  });

  it("refuses bad input with 400 and oversize work with 413, naming the parameter", async () => {
    const cases: [unknown, number, RegExp][] = [
      ["{not json", 400, /not valid JSON/],
      [[1, 2], 400, /`params` must be a JSON object/],
      [{ n: -3 }, 400, /`n` must be a non-negative integer/],
      [{ g: "six" }, 400, /`g` must be a finite number/],
      [{ g: 1e308 }, 400, /`g` must be <= 10000/], // spun forever before G_MAX
      [{ phi: "relu" }, 400, /`phi` must be one of/],
      [{ colour: "red" }, 400, /`colour` is not a parameter/],
      [{ n: 5000 }, 413, /above this server's limit of 1000 neurons/],
      [{ n: 1000, rounds: 100, duration: 1000 }, 413, /coupling multiply-adds/],
      ["x".repeat(20000), 413, /request body of 20000 bytes/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await handle(post(body));
      expect(r.status, JSON.stringify(body).slice(0, 40)).toBe(status);
      expect((await r.json()).error).toMatch(msg);
    }
    expect((await handle(post(null, "GET"))).status).toBe(405);
  });
});
