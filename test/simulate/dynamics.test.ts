/**
 * The kind of state a run sampled (src/simulate/dynamics.ts): quiescent, a fixed point per trial, a periodic orbit,
 * or fluctuating — and no dimension printed for the first three (the cases: g just above 1 at N = 100,
 * N = 2, Euler at dt = 1 oscillating with period 2).
 */
import { describe, expect, it } from "vitest";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { simulate } from "../../src/simulate/simulate.ts";
import { classifyDynamics } from "../../src/simulate/dynamics.ts";

describe("classifyDynamics", () => {
  it("tells quiescence, fixed points, periodic orbits and fluctuations apart from the x statistics", () => {
    expect(classifyDynamics(1e-9, [1e-9, 1e-9], 1).dynamics).toBe("quiescent");
    expect(classifyDynamics(NaN, [NaN], 1).dynamics).toBe("quiescent");
    // the pooled variance is the spread between trials' fixed points: within each trial almost nothing moves
    expect(classifyDynamics(0.07, [6e-7, 5e-6], 1).dynamics).toBe("fixed point");
    // period 2: r(1) = -1, r(2) = 1
    expect(classifyDynamics(1, [1, -0.99, 0.995, -0.98], 0.5)).toMatchObject({ dynamics: "periodic", period: 1 });
    // slow chaos: r decays and never comes back; a fast one returns only to noise
    expect(classifyDynamics(1, [1, 0.995, 0.98, 0.95, 0.9], 1).dynamics).toBe("fluctuating");
    expect(classifyDynamics(1, [1, 0.4, 0.05, -0.02, 0.03], 1).dynamics).toBe("fluctuating");
  });
});

describe("simulate on states without a dimension", () => {
  const run = { trials: 8, duration: 50, burnIn: 100, lags: 10, seed: 1 };

  it("reports trials sitting at fixed points (g = 1.05, N = 100; N = 2) with no PR, never a number", async () => {
    for (const spec of [
      { coupling: "iid", n: 100, g: 1.05, seed: 1 },
      { coupling: "iid", n: 2, g: 2, seed: 1 },
    ] as const) {
      const r = await simulate(makeNetwork(spec), run);
      expect(r.results.dynamics).toBe("fixed point");
      expect(r.results.prPhi).toBeNull();
      expect(r.results.prX).toBeNull();
      expect(r.results.timescales).toEqual({ cPhi: null, psiPhi: null });
      expect(r.results.status.prPhi).toMatch(/^unreliable: each trial sits at a fixed point/);
    }
  });

  it("reports the period-2 orbit of the Euler map at dt = 1 (g = 1.1, N = 100)", async () => {
    const net = makeNetwork({ coupling: "iid", n: 100, g: 1.1, seed: 1 });
    const r = await simulate(net, { ...run, trials: 4, method: "euler", dt: 1 });
    expect(r.results).toMatchObject({ dynamics: "periodic", period: 2, prPhi: null });
    expect(r.results.status.prX).toMatch(
      /^unreliable: the trajectories are periodic \(they repeat after 2 time units\)/,
    );
  });

  it("keeps the dimension of a chaotic run (g = 2, N = 200)", async () => {
    const r = await simulate(makeNetwork({ coupling: "iid", n: 200, g: 2, seed: 1 }), run);
    expect(r.results.dynamics).toBe("fluctuating");
    expect(r.results.period).toBeNull();
    expect(r.results.prPhi).toBeGreaterThan(0);
  });
});
