/**
 * simulate() on worker threads: the same numbers as the single-threaded run (groups are summed in a fixed
 * order and each trial's arithmetic does not depend on where it runs), errors from a worker, and abort.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { workerExecutor } from "../../src/io/parallel.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { SimulationError, simulate } from "../../src/simulate/simulate.ts";
import { diverging } from "../helpers.ts";

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
    const net = diverging();
    await expect(
      simulate(net, { trials: 2, duration: 20, burnIn: 5, lags: 2, blocks: 2, executor: workerExecutor(2) }),
    ).rejects.toThrow(SimulationError);
  });

  it("terminates the workers when aborted", async () => {
    const ctrl = new AbortController();
    const net = makeNetwork({ coupling: "iid", n: 100, g: 2, seed: 1 });
    const p = simulate(net, { trials: 2, duration: 100000, signal: ctrl.signal, executor: workerExecutor(2) });
    setTimeout(() => ctrl.abort(), 300);
    await expect(p).rejects.toThrow(/abort/i);
  });

  it("keeps its workers between calls, and they survive a group's error and replace an aborted one", async () => {
    const executor = workerExecutor(2);
    const net = makeNetwork({ coupling: "iid", n: 60, g: 3, seed: 2 });
    const opts = { trials: 4, duration: 30, burnIn: 5, lags: 2, blocks: 4, seed: 4, executor };
    const first = await simulate(net, opts);
    const second = await simulate(net, opts);
    expect(second.results.prPhi).toBe(first.results.prPhi);
    expect(executor.threadsStarted()).toBe(2);
    // an error inside a group leaves the worker usable; an abort terminates it and the next call starts another
    await expect(simulate(diverging(), { ...opts, duration: 20 })).rejects.toThrow(SimulationError);
    expect(executor.threadsStarted()).toBe(2);
    const ctrl = new AbortController();
    const p = simulate(net, { ...opts, duration: 100000, signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 200);
    await expect(p).rejects.toThrow(/abort/i);
    const third = await simulate(net, opts);
    expect(third.results.prPhi).toBe(first.results.prPhi);
    expect(executor.threadsStarted()).toBe(4); // both workers of the aborted call were replaced
  });

  it("never keeps the process alive once the simulation is done", () => {
    // a child process that simulates on two workers and then has nothing left to do must exit by itself
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
    const dir = mkdtempSync(path.join(os.tmpdir(), "strand-exit-"));
    const script = path.join(dir, "run.mts");
    const src = (f: string) => JSON.stringify(pathToFileURL(path.join(root, f)).href);
    writeFileSync(
      script,
      `import { workerExecutor } from ${src("src/io/parallel.ts")};
import { makeNetwork } from ${src("src/network/ensembles.ts")};
import { simulate } from ${src("src/simulate/simulate.ts")};
const net = makeNetwork({ coupling: "iid", n: 50, g: 3, seed: 1 });
const r = await simulate(net, { trials: 2, duration: 20, burnIn: 5, lags: 2, blocks: 2, executor: workerExecutor(2) });
console.log(r.results.prPhi > 0 ? "done" : "bad");`,
    );
    try {
      const out = execFileSync(process.execPath, ["--import", "tsx", script], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(out.trim()).toBe("done");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
