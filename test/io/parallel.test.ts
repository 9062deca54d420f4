/**
 * simulate() on worker threads: the same numbers as the single-threaded run (groups are summed in a fixed
 * order and each trial's arithmetic does not depend on where it runs), errors from a worker, and abort.
 */
import { describe, expect, it } from "vitest";
import { workerExecutor } from "../../src/io/parallel.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { SimulationError, simulate } from "../../src/simulate/simulate.ts";

describe("simulate on worker threads", () => {
  it("gives results identical to a single-threaded run for the same seed, noise included", async () => {
    const net = makeNetwork({ coupling: "rmm", n: 80, g: 3, alpha: 0.3, seed: 1, gains: { prG: 0.6 } });
    const opts = { trials: 5, duration: 40, burnIn: 10, lags: 3, blocks: 4, seed: 3, sigma: 0.1, keepTrajectory: true };
    const a = await simulate(net, opts);
    const b = await simulate(net, { ...opts, executor: workerExecutor(2) });
    expect(b.results.prPhi).toBe(a.results.prPhi);
    expect(b.results.prX).toBe(a.results.prX);
    expect(b.results.autocorrelation).toEqual(a.results.autocorrelation);
    expect(b.results.collective).toEqual(a.results.collective);
    expect(b.results.gains).toEqual(a.results.gains);
    expect(Array.from(b.trajectory!.x)).toEqual(Array.from(a.trajectory!.x));
  });

  it("passes a worker's divergence error through as a SimulationError", async () => {
    const net = makeNetwork({ coupling: "iid", n: 20, g: 1e7, seed: 1 });
    await expect(simulate(net, { trials: 2, duration: 20, burnIn: 5, lags: 2, blocks: 2, executor: workerExecutor(2) })).rejects.toThrow(SimulationError);
  });

  it("terminates the workers when aborted", async () => {
    const ctrl = new AbortController();
    const net = makeNetwork({ coupling: "iid", n: 100, g: 2, seed: 1 });
    const p = simulate(net, { trials: 2, duration: 100000, signal: ctrl.signal, executor: workerExecutor(2) });
    setTimeout(() => ctrl.abort(), 300);
    await expect(p).rejects.toThrow(/abort/i);
  });
});
