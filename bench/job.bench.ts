/**
 * Issue 8's end-to-end jobs, strand vs the straightforward NumPy script (bench/numpy_job.py) in the same run:
 *   dense:      i.i.d. tanh, N = 1000, g = 3, RK4 dt = 0.05, 1000 sampled time units, burn-in 50. strand: 8
 *               batched trials x 125 time units on both cores (worker threads), float32; NumPy: one
 *               trajectory of 1000 time units (float32 and float64).
 *   structured: random-mode, alpha = 0.1, flat spectrum, g_eff = 2, N = 2000, same protocol; strand uses the
 *               O(N M) path, NumPy forms J = L diag(D) R^T densely.
 * Times are the whole job (simulation + statistics), best of 2; strand's excludes network construction,
 * as NumPy's does. strand runs with lags = 0 (PR needs the lag-0 sums only, and the NumPy script forms no lagged
 * statistics), on its default wasm build (fused multiply-adds, relaxed SIMD) and on the plain SIMD build (what
 * runtimes without relaxed SIMD get); and, for what a CLI user gets by default, with `strand simulate`'s default
 * lags = 10 (C(tau) and Psi^phi(tau, 0) as well). Run: npx tsx bench/job.bench.ts
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { workerExecutor } from "../src/io/parallel.ts";
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";
import { createWasmBackend } from "../src/backend/wasm-load.ts";
import { makeNetwork } from "../src/network/ensembles.ts";
import { simulate } from "../src/simulate/simulate.ts";
import { machine } from "../src/cli/bench.ts";
import { hasNumpy } from "./python.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
enableRelaxedSimd();
const python = hasNumpy();
const m = machine();
console.log(`end-to-end PR^phi jobs — ${m.cpu}, ${m.cores} cores, ${m.node}`);
console.log(
  "job          N     strand s (8x125, f32, 2 workers)   plain SIMD s   lags 10 s   PR      " +
    "numpy f32 s   numpy f64 s   PR(f64)   numpy f32 / strand (plain; lags 10)",
);
const executor = workerExecutor(2);
for (const job of [
  { name: "dense", n: 1000, spec: { coupling: "iid", n: 1000, g: 3, seed: 1 } as const, py: ["dense", "1000", "3"] },
  {
    name: "structured",
    n: 2000,
    spec: { coupling: "rmm", n: 2000, g: 2, alpha: 0.1, spectrum: "flat", seed: 1 } as const,
    py: ["rmm", "2000", "2"],
  },
]) {
  const net = makeNetwork(job.spec);
  let pr = 0;
  const time = async (fma: boolean, lags: number) => {
    const backend = await createWasmBackend({ fma }); // the workers get the same build (GroupTask.fma)
    let best = Infinity;
    for (let rep = 0; rep < 2; rep++) {
      const t = performance.now();
      const r = await simulate(net, {
        trials: 8,
        duration: 125,
        burnIn: 50,
        dt: 0.05,
        lags,
        seed: 1,
        executor,
        backend,
      });
      best = Math.min(best, (performance.now() - t) / 1000);
      if (fma && lags === 0) pr = r.results.prPhi!;
    }
    return best;
  };
  // warm-up: start the worker threads and compile their kernels before any timed run (the configurations are
  // timed one after another, and the first would otherwise carry the start-up)
  await simulate(net, { trials: 8, duration: 10, burnIn: 1, dt: 0.05, lags: 0, seed: 2, executor });
  const best = await time(true, 0),
    plain = await time(false, 0),
    lags10 = await time(true, 10);
  let line =
    `${job.name.padEnd(11)} ${String(job.n).padStart(5)}   ${best.toFixed(2).padStart(12)}      ` +
    `                ${plain.toFixed(2).padStart(10)}   ${lags10.toFixed(2).padStart(9)}   ` +
    `${pr.toFixed(4)}`;
  if (python) {
    const run = (dtype: string) =>
      JSON.parse(
        execFileSync(
          "python3",
          [
            path.join(here, "numpy_job.py"),
            ...job.py,
            "1000",
            "0.05",
            "50",
            dtype,
            "1",
            ...(job.name === "structured" ? ["0.1"] : []),
          ],
          { encoding: "utf8" },
        ),
      );
    const f32 = run("float32"),
      f64 = run("float64");
    line +=
      `  ${f32.seconds.toFixed(2).padStart(11)}   ${f64.seconds.toFixed(2).padStart(11)}   ` +
      `${f64.pr.toFixed(4)}   ${(f32.seconds / best).toFixed(2).padStart(8)}x ` +
      `(${(f32.seconds / plain).toFixed(2)}x; ${(f32.seconds / lags10).toFixed(2)}x)`;
  }
  console.log(line);
}
process.exit(0);
