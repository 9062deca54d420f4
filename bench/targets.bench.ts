/**
 * Issue 8's strand-side targets, each a ratio measured in this run (float32, RK4; min of 3 timings):
 *   single trajectory dense float32 RK4 at N = 1000, strand on both cores (a team: rows of J split between two
 *                     threads, src/backend/team.ts) and on one core vs NumPy (bench/numpy_step.py; target >= 0.6x)
 *   lowrank-vs-dense  RK4 per step on a random-mode network with M = N/10 vs strand's dense RK4 at the same N
 *                     (target >= 0.8 x N / (2M) = 4x)
 *   batched           the dense float32 product for K = 8 trajectories vs K = 1, per trajectory, N = 4000 (target >= 2x)
 *   cores             a simulation with 8 trials on 2 worker threads vs 1 thread, N = 1000 and 2000 (target >= 1.7x;
 *                     the issue names no N); one trial (8 time blocks) on a two-thread team vs 1 thread, N = 1000
 *   statistics        the same simulation with L = 20 lags vs lags = 0 (the equal-time covariance only; strand
 *                     has no statistics-free mode) at N = 1000 (target: <= +50 % time)
 *   theory            one (g, alpha PR^D) point after the first call (target < 50 ms), and 30 values of g
 *                     (target < 2 s)
 * Run: npx tsx bench/targets.bench.ts
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createBackend } from "../src/backend/select.ts";
import type { Coupling } from "../src/backend/types.ts";
import { machine } from "../src/cli/bench.ts";
import { workerExecutor } from "../src/io/parallel.ts";
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";
import { createTeam } from "../src/io/team-pool.ts";
import { createWasmBackend } from "../src/backend/wasm-load.ts";
import { Kernels } from "../src/kernels.ts";
import { transposed } from "../src/backend/buffers.ts";
import { makeNetwork } from "../src/network/ensembles.ts";
import { simulate } from "../src/simulate/simulate.ts";
import { theory } from "../src/theory/index.ts";
import { hasNumpy } from "./python.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

const best = async (f: () => unknown | Promise<unknown>, reps = 3) => {
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
};
const m = machine();
const fma = enableRelaxedSimd();
console.log(
  `issue 8 targets — ${m.cpu}, ${m.cores} cores, ${m.node}; float32; wasm build: ` +
    `${fma ? "fused multiply-adds (relaxed SIMD)" : "plain SIMD"}`,
);
const k = new Kernels(await createBackend("wasm"));
let be = k.backend;
/** ms per RK4 step of one trajectory on the backend, the coupling already in wasm memory (no copies per step) */
async function rk4Ms(n: number, c: Coupling, m = 0): Promise<number> {
  const x = be.alloc("float32", n);
  be.write(x, k.normal(n, { seed: 4, dtype: "float32" }));
  const s = {
    p: be.alloc("float32", n),
    h: be.alloc("float32", n),
    xs: be.alloc("float32", n),
    acc: be.alloc("float32", n),
    z: be.alloc("float32", Math.max(1, m)),
  };
  const steps = Math.max(20, Math.round(2e9 / (8 * n * (m ? 2 * m : n))));
  const t = await best(() => {
    for (let i = 0; i < steps; i++) be.rk4(n, 1, 0, 0.05, c, x, null, null, s);
  });
  for (const b of [x, ...Object.values(s)]) be.free(b);
  return t / steps;
}
const put = (a: Float32Array) => {
  const b = be.alloc("float32", a.length);
  be.write(b, a);
  return b;
};
for (const n of [2000, 4000]) {
  const M = n / 10;
  const J = put(k.normal(n * n, { seed: 1, std: 2 / Math.sqrt(n), dtype: "float32" }) as Float32Array);
  // L (n x M) and R^T (M x n, the backends' layout), i.i.d. entries
  const L = put(k.normal(n * M, { seed: 2, std: 1 / Math.sqrt(n), dtype: "float32" }) as Float32Array),
    Rt = put(k.normal(n * M, { seed: 3, std: 1 / Math.sqrt(n), dtype: "float32" }) as Float32Array);
  const d = put(new Float32Array(M).fill(2 / Math.sqrt(0.1)));
  const dense = await rk4Ms(n, { kind: "dense", j: J });
  const low = await rk4Ms(n, { kind: "lowrank", m: M, l: L, d, rt: Rt }, M);
  for (const b of [J, L, Rt, d]) be.free(b);
  console.log(
    `lowrank-vs-dense  N = ${n}, M = ${M}: dense ${dense.toFixed(2)} ms/step, low-rank ` +
      `${low.toFixed(3)} ms/step, ratio ${(dense / low).toFixed(1)}x (target >= ` +
      `${((0.8 * n) / (2 * M)).toFixed(1)}x)`,
  );
}
{
  // batched trajectories: the dense product for K = 8 trajectories at once vs K = 1, per trajectory, N = 4000 (J,
  // 64 MB of float32, streams from memory once per call either way)
  const n = 4000;
  const J = put(k.normal(n * n, { seed: 1, std: 1 / Math.sqrt(n), dtype: "float32" }) as Float32Array);
  const X = put(k.normal(8 * n, { seed: 2, dtype: "float32" }) as Float32Array),
    Y = be.alloc("float32", 8 * n);
  const perTrajectory = async (K: number) =>
    (await best(() => {
      for (let r = 0; r < 10; r++) be.matmat(n, n, K, J, X, Y);
    }, 5)) /
    (10 * K);
  const one = await perTrajectory(1),
    eight = await perTrajectory(8);
  for (const b of [J, X, Y]) be.free(b);
  console.log(
    `batched           N = ${n}, dense f32 product: K = 1 ${one.toFixed(2)} ms, K = 8 ` +
      `${eight.toFixed(2)} ms per trajectory, ${(one / eight).toFixed(2)}x per-trajectory ` +
      `throughput (target >= 2x)`,
  );
}
{
  // one trajectory, dense float32 RK4, N = 1000: strand on one core vs NumPy (OpenBLAS on every core); the
  // plain SIMD build beside it (what runtimes without relaxed SIMD get)
  const n = 1000;
  const Jn = k.normal(n * n, { seed: 1, std: 3 / Math.sqrt(n), dtype: "float32" }) as Float32Array;
  let J = put(Jn);
  const ms = await rk4Ms(n, { kind: "dense", j: J });
  be.free(J);
  // the same steps on a two-thread team (20 steps per call, as simulate() calls it between samples)
  const team = await createTeam(2, { fma });
  const tr = team.trajectory({
    n,
    dtype: "float32",
    method: "rk4",
    phi: "tanh",
    coupling: { kind: "dense", J: Jn },
    x0: k.normal(n, { seed: 4, dtype: "float32" }) as Float32Array,
  });
  const teamSteps = 2000;
  const teamMs =
    (await best(() => {
      for (let i = 0; i < teamSteps; i += 20) tr.steps(20, 0.05);
    })) / teamSteps;
  tr.free();
  await team.close();
  const main = be;
  be = await createWasmBackend({ fma: false });
  J = put(Jn);
  const plainMs = await rk4Ms(n, { kind: "dense", j: J });
  be.free(J);
  be = main;
  let line =
    `single trajectory N = ${n}, dense f32 RK4: strand ${teamMs.toFixed(3)} ms/step on 2 ` +
    `threads, ${ms.toFixed(3)} on one core (${(ms / teamMs).toFixed(2)}x; plain SIMD build ` +
    `${plainMs.toFixed(3)} on one)`;
  if (hasNumpy()) {
    const py = JSON.parse(
      execFileSync("python3", [path.join(here, "numpy_step.py"), String(n), "3", "0.05", "float32", "2000"], {
        encoding: "utf8",
      }),
    );
    line +=
      `, NumPy ${py.msPerStep.toFixed(3)} ms/step (both cores): strand/NumPy throughput ` +
      `${(py.msPerStep / teamMs).toFixed(2)}x on 2 threads, ${(py.msPerStep / ms).toFixed(2)}x on ` +
      `one core (plain ${(py.msPerStep / plainMs).toFixed(2)}x; target >= 0.6x)`;
  }
  console.log(line);
  // one low-rank trajectory (M = N/10, RK4), one core vs a two-thread team
  for (const n of [2000, 4000]) {
    const M = n / 10;
    const spec = {
      kind: "lowrank" as const,
      m: M,
      L: k.normal(n * M, { seed: 2, std: 1 / Math.sqrt(n), dtype: "float32" }) as Float32Array,
      D: new Float32Array(M).fill(2 / Math.sqrt(0.1)),
      R: k.normal(n * M, { seed: 3, std: 1 / Math.sqrt(n), dtype: "float32" }) as Float32Array,
    };
    const c = { kind: "lowrank" as const, m: M, l: put(spec.L), d: put(spec.D), rt: put(transposed(spec.R, n, M)) };
    const oneMs = await rk4Ms(n, c, M);
    for (const b of [c.l, c.d, c.rt]) be.free(b);
    const t2 = await createTeam(2, { fma });
    const lr = t2.trajectory({
      n,
      dtype: "float32",
      method: "rk4",
      phi: "tanh",
      coupling: spec,
      x0: k.normal(n, { seed: 4, dtype: "float32" }) as Float32Array,
    });
    const lrMs =
      (await best(() => {
        for (let i = 0; i < 2000; i += 20) lr.steps(20, 0.05);
      })) / 2000;
    lr.free();
    await t2.close();
    console.log(
      `single trajectory N = ${n}, low-rank M = ${M} f32 RK4: one core ${oneMs.toFixed(3)} ` +
        `ms/step, 2 threads ${lrMs.toFixed(3)} ms/step (${(oneMs / lrMs).toFixed(2)}x)`,
    );
  }
}
{
  // one executor: its first call starts the two worker threads, later calls reuse them (src/io/parallel.ts)
  const executor = workerExecutor(2);
  for (const [n, duration] of [
    [1000, 50],
    [2000, 20],
  ]) {
    const net = makeNetwork({ coupling: "iid", n, g: 3, seed: 1 });
    const opts = { trials: 8, duration, burnIn: 10, dt: 0.05, seed: 1, lags: 1 };
    const one = await best(() => simulate(net, opts), 2);
    const cold = n === 1000 ? await best(() => simulate(net, { ...opts, executor }), 1) : NaN;
    const two = await best(() => simulate(net, { ...opts, executor }), 2);
    const first = n === 1000 ? ` (first call, starting the threads: ${(cold / 1000).toFixed(2)} s)` : "";
    console.log(
      `cores             N = ${n}, 8 trials: 1 thread ${(one / 1000).toFixed(2)} s, 2 workers ` +
        `${(two / 1000).toFixed(2)} s${first}, speed-up ` +
        `${(one / two).toFixed(2)}x${n === 1000 ? ` (first call ${(one / cold).toFixed(2)}x)` : ""} ` +
        `(target >= 1.7x)`,
    );
  }
  {
    // one trial, its 8 time blocks: one thread vs a two-thread team sharing the steps (same numbers)
    const team = await createTeam(2, { fma });
    const net = makeNetwork({ coupling: "iid", n: 1000, g: 3, seed: 1 });
    const opts = { trials: 1, duration: 200, burnIn: 10, dt: 0.05, seed: 1, lags: 1 };
    const one = await best(() => simulate(net, opts), 2);
    const two = await best(() => simulate(net, { ...opts, team }), 2);
    await team.close();
    console.log(
      `cores             N = 1000, 1 trial x 200 time units (8 blocks): 1 thread ` +
        `${(one / 1000).toFixed(2)} s, team of 2 ${(two / 1000).toFixed(2)} s, speed-up ` +
        `${(one / two).toFixed(2)}x (target >= 1.7x)`,
    );
  }
  const net = makeNetwork({ coupling: "iid", n: 1000, g: 3, seed: 1 });
  const opts = { trials: 8, duration: 50, burnIn: 10, dt: 0.05, seed: 1 };
  const none = await best(() => simulate(net, { ...opts, lags: 0, groups: 1 }), 2);
  const stats = await best(() => simulate(net, { ...opts, lags: 20, groups: 1 }), 2);
  console.log(
    `statistics        N = 1000, 20 RK4 steps per sample: lags 0 ${(none / 1000).toFixed(2)} s, ` +
      `lags 20 ${(stats / 1000).toFixed(2)} s, ` +
      `${stats >= none ? "+" : ""}${(100 * (stats / none - 1)).toFixed(0)} % (target <= +50 %)`,
  );
}
{
  const wasm = k.backend,
    js = await createBackend("js");
  theory(6, { phi: "erf", effectiveRank: 1, backend: wasm });
  const again = await best(() => theory(6, { phi: "erf", effectiveRank: 0.3, backend: wasm }));
  // a g grid no earlier call has solved (theory() caches the DMFT solution and its frequency sums per g)
  const curve = async (be: typeof wasm, offset: number) =>
    best(() => {
      for (let i = 0; i < 30; i++) theory(1.5 + offset + i * 0.5, { phi: "erf", backend: be });
    }, 1);
  const tw = await curve(wasm, 0.01),
    tj = await curve(js, 0.02);
  console.log(
    `theory            one point after the first call ${again.toFixed(1)} ms (target < 50 ms); ` +
      `30 values of g (erf): wasm ${(tw / 1000).toFixed(2)} s (target < 2 s), js ` +
      `${(tj / 1000).toFixed(2)} s (${(tj / tw).toFixed(1)}x)`,
  );
}
process.exit(0);
