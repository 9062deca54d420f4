/**
 * createTeam (Node helper threads) under simulate(): a one-trial run whose steps a two-thread team shares gives
 * exactly the one-thread run's results (the team kernels are bit-identical, and the statistics see the same
 * samples), with noise, gains and input too, and for low-rank couplings; runs the team cannot step (a group of
 * several trials, another wasm build) ignore it and say so in params.stepThreads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import type { Team } from "../../src/backend/team.ts";
import { createTeam } from "../../src/io/team-pool.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { simulate } from "../../src/simulate/simulate.ts";

let team: Team;
beforeAll(async () => {
  team = await createTeam(2, { fma: true });
});
afterAll(async () => {
  await team.close();
});

const run = { trials: 1, duration: 40, burnIn: 7, lags: 3, blocks: 4, dt: 0.05, seed: 5 };

describe("simulate on a team", () => {
  it("gives the one-thread run's results exactly for one trial, with noise, gains and input", async () => {
    const be = await createWasmBackend({ fma: true });
    const net = makeNetwork({ coupling: "iid", n: 90, g: 2.5, seed: 2, gains: { prG: 0.5 } });
    for (const opts of [{}, { sigma: 0.2, input: 0.1, method: "euler" as const, dtype: "float64" as const }]) {
      const one = await simulate(net, { ...run, ...opts, backend: be, keepTrajectory: true });
      const two = await simulate(net, { ...run, ...opts, backend: be, keepTrajectory: true, team });
      expect(two.params.stepThreads).toBe(2);
      expect(one.params.stepThreads).toBe(1);
      expect(two.results.prPhi).toBe(one.results.prPhi);
      expect(two.results.autocorrelation).toEqual(one.results.autocorrelation);
      expect(two.results.gains).toEqual(one.results.gains);
      expect(Array.from(two.trajectory!.x)).toEqual(Array.from(one.trajectory!.x));
    }
  });

  it("gives the one-thread results for a low-rank network (the O(N M) path shared)", async () => {
    const be = await createWasmBackend({ fma: true });
    const lowrank = makeNetwork({ coupling: "rmm", n: 81, g: 3, alpha: 0.25, seed: 1 });
    const one = await simulate(lowrank, { ...run, backend: be });
    const two = await simulate(lowrank, { ...run, backend: be, team });
    expect(two.params.coupling).toMatch(/^lowrank/);
    expect(two.params.stepThreads).toBe(2);
    expect(two.results.prPhi).toBe(one.results.prPhi);
    expect(two.results.collective).toEqual(one.results.collective);
  });

  it("ignores the team where it cannot step, and reports one thread", async () => {
    const plain = await createWasmBackend({ fma: false });
    const iid = makeNetwork({ coupling: "iid", n: 40, g: 2, seed: 1 });
    expect((await simulate(iid, { ...run, trials: 3, groups: 1, team })).params.stepThreads).toBe(1);
    expect((await simulate(iid, { ...run, backend: plain, team })).params.stepThreads).toBe(1);
  });
});
