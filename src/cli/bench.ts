/**
 * Kernel benchmarks (benchmark.js), shared by `strand bench` (short) and `npm run bench` (full sweep).
 *
 * Each case times one kernel call on one backend with benchmark.js (repeated until the relative margin of
 * error settles or maxTime runs out) and reports the mean time per call, a rate, and the wasm/js speed
 * ratio measured in the same run. Rates: GFLOP/s for products (2 flops per multiply-add: matvec 2 N^2,
 * batched matmat 2 N^2 K, low-rank 4 N M per trajectory, Euler ~2 N^2, RK4 ~8 N^2 for dense J, lagged
 * covariance 2 (L+1) k N^2 per flush, sum of squares 2 N^2, the self-coupled single site 2 p steps klen), million
 * elements per second for element-wise
 * kernels (phi, phi') and million numbers per second for the RNG. Single-threaded: one kernel call on one
 * core. Inputs are seeded; every call writes its result to backend memory, which no engine can elide.
 */
import os from "node:os";
import Benchmark from "benchmark";
import { createBackend } from "../backend/select.ts";
import { seedState } from "../backend/rng.ts";
import type { Backend, Buf } from "../backend/types.ts";
import type { DType } from "../errors.ts";

export interface BenchCase {
  kernel: string;
  n: number;
  /** extra size parameters (k trajectories, m modes, lags) */
  extra: Record<string, number>;
  dtype: DType;
  backend: string;
  /** seconds per call (mean) */
  seconds: number;
  /** relative margin of error of the mean, percent */
  rme: number;
  rate: number;
  unit: "GFLOP/s" | "Melem/s";
  /** wasm time / this time is the speed-up; filled on wasm rows: js seconds / wasm seconds */
  wasmOverJs?: number;
}

interface CaseSpec {
  kernel: string;
  n: number;
  extra: Record<string, number>;
  /** work units per call (flops or elements) */
  work: number;
  unit: "GFLOP/s" | "Melem/s";
  setup(be: Backend, dtype: DType): { run(): void; bufs: Buf[] };
}

function randomBuf(be: Backend, dtype: DType, length: number, seed: number, std = 1): Buf {
  const b = be.alloc(dtype, length);
  const rng = be.rngCreate(seedState(seed, 7));
  be.rngNormal(rng, length, 0, std, b);
  be.rngFree(rng);
  return b;
}

export function caseSpecs(sizes: number[], opts: { batchN: number[]; covN: number[]; k: number }): CaseSpec[] {
  const specs: CaseSpec[] = [];
  for (const n of sizes) {
    specs.push({
      kernel: "matvec",
      n,
      extra: {},
      work: 2 * n * n,
      unit: "GFLOP/s",
      setup: (be, dt) => {
        const a = randomBuf(be, dt, n * n, 1, 1 / Math.sqrt(n)),
          x = randomBuf(be, dt, n, 2),
          y = be.alloc(dt, n);
        return { run: () => be.matvec(n, n, a, x, y), bufs: [a, x, y] };
      },
    });
  }
  for (const n of opts.batchN) {
    for (const k of [1, opts.k]) {
      specs.push({
        kernel: "matmat",
        n,
        extra: { k },
        work: 2 * n * n * k,
        unit: "GFLOP/s",
        setup: (be, dt) => {
          const a = randomBuf(be, dt, n * n, 1, 1 / Math.sqrt(n)),
            x = randomBuf(be, dt, k * n, 2),
            y = be.alloc(dt, k * n);
          return { run: () => be.matmat(n, n, k, a, x, y), bufs: [a, x, y] };
        },
      });
    }
  }
  for (const n of sizes) {
    const m = Math.max(1, Math.round(n / 10));
    specs.push({
      kernel: "lowrank",
      n,
      extra: { m },
      work: 4 * n * m,
      unit: "GFLOP/s",
      setup: (be, dt) => {
        // L (n x m) and R^T (m x n, the backends' layout), i.i.d. entries
        const l = randomBuf(be, dt, n * m, 1),
          d = randomBuf(be, dt, m, 2),
          rt = randomBuf(be, dt, n * m, 3);
        const v = randomBuf(be, dt, n, 4),
          z = be.alloc(dt, m),
          y = be.alloc(dt, n);
        return { run: () => be.lowrank(n, m, 1, l, d, rt, v, z, y), bufs: [l, d, rt, v, z, y] };
      },
    });
    for (const [name, kind] of [
      ["phi:tanh", 0],
      ["phi:erf", 1],
    ] as const) {
      specs.push({
        kernel: name,
        n,
        extra: {},
        work: n,
        unit: "Melem/s",
        setup: (be, dt) => {
          const x = randomBuf(be, dt, n, 5, 3),
            y = be.alloc(dt, n);
          return { run: () => be.phi(kind, n, 1, x, null, y), bufs: [x, y] };
        },
      });
    }
    specs.push({
      kernel: "dphi:tanh",
      n,
      extra: {},
      work: n,
      unit: "Melem/s",
      setup: (be, dt) => {
        const x = randomBuf(be, dt, n, 5, 3),
          y = be.alloc(dt, n);
        return { run: () => be.dphi(0, n, x, y), bufs: [x, y] };
      },
    });
    for (const method of ["euler", "rk4"] as const) {
      specs.push({
        kernel: `${method}:dense`,
        n,
        extra: {},
        work: (method === "rk4" ? 8 : 2) * n * n,
        unit: "GFLOP/s",
        setup: (be, dt) => {
          const j = randomBuf(be, dt, n * n, 1, 2 / Math.sqrt(n)),
            x = randomBuf(be, dt, n, 2);
          const s = { p: be.alloc(dt, n), h: be.alloc(dt, n), xs: be.alloc(dt, n), acc: be.alloc(dt, n) };
          const c = { kind: "dense" as const, j };
          const run =
            method === "rk4"
              ? () => be.rk4(n, 1, 0, 0.05, c, x, null, null, s)
              : () => be.euler(n, 1, 0, 0.05, c, x, null, null, s);
          return { run, bufs: [j, x, s.p, s.h, s.xs, s.acc] };
        },
      });
    }
    specs.push({
      kernel: "sumsq",
      n,
      extra: {},
      work: 2 * n * n,
      unit: "GFLOP/s",
      setup: (be) => {
        const a = randomBuf(be, "float64", n * n, 1);
        return { run: () => void be.sumsq(n * n, a), bufs: [a] };
      },
    });
    {
      // the sampling single site: p = 32 paths, 100 Heun steps, a causal kernel of klen = n / 4 taps (f64)
      const p = 32,
        steps = 100,
        klen = Math.max(1, n >> 2);
      specs.push({
        kernel: "selfSite",
        n,
        extra: { p, steps, klen },
        work: 2 * p * steps * klen,
        unit: "GFLOP/s",
        setup: (be) => {
          const eta = randomBuf(be, "float64", (steps + 1) * p, 1),
            w = randomBuf(be, "float64", klen, 2, 0.01 / klen);
          const xs = be.alloc("float64", (steps + 1) * p),
            ph = be.alloc("float64", (steps + 1) * p),
            gs = be.alloc("float64", p);
          return { run: () => be.selfSite(p, steps, klen, 0, 0.05, eta, w, xs, ph, gs), bufs: [eta, w, xs, ph, gs] };
        },
      });
    }
    specs.push({
      kernel: "rng:normal",
      n,
      extra: {},
      work: n,
      unit: "Melem/s",
      setup: (be, dt) => {
        const rng = be.rngCreate(seedState(1)),
          y = be.alloc(dt, n);
        return { run: () => be.rngNormal(rng, n, 0, 1, y), bufs: [y] };
      },
    });
  }
  for (const n of opts.covN) {
    const lags = 2,
      k = 16;
    specs.push({
      kernel: "covLagAccum",
      n,
      extra: { k, lags },
      work: 2 * (lags + 1) * k * n * n,
      unit: "GFLOP/s",
      setup: (be, dt) => {
        const h = randomBuf(be, dt, (lags + k) * n, 1),
          acc = be.alloc("float64", (lags + 1) * n * n);
        return { run: () => be.covLagAccum(n, k, lags, h, acc), bufs: [h, acc] };
      },
    });
  }
  return specs;
}

export interface BenchOptions {
  sizes: number[];
  batchN: number[];
  covN: number[];
  k: number;
  dtypes: DType[];
  backends: ("wasm" | "js")[];
  /** seconds of timing per case (benchmark.js maxTime) */
  maxTime: number;
  /** skip js cases above this much work per call (the reference is ~50x slower) */
  jsMaxWork: number;
  filter?: RegExp;
  onCase?: (c: BenchCase) => void;
}

export async function runBench(opts: BenchOptions): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  const bes = new Map<string, Backend>();
  for (const name of opts.backends) bes.set(name, await createBackend(name));
  for (const spec of caseSpecs(opts.sizes, opts)) {
    if (opts.filter && !opts.filter.test(spec.kernel)) continue;
    for (const dtype of opts.dtypes) {
      if ((spec.kernel === "sumsq" || spec.kernel === "selfSite") && dtype === "float32") continue; // float64-only kernels
      const row: Record<string, BenchCase> = {};
      for (const [name, be] of bes) {
        if (name === "js" && spec.work > opts.jsMaxWork) continue;
        const { run, bufs } = spec.setup(be, dtype);
        run(); // warm-up (JIT tiers, page faults)
        const b = new Benchmark(`${spec.kernel}:n=${spec.n}`, run, {
          maxTime: opts.maxTime,
          minSamples: 5,
          initCount: 1,
        });
        b.run();
        const seconds = b.stats.mean;
        const c: BenchCase = {
          kernel: spec.kernel,
          n: spec.n,
          extra: spec.extra,
          dtype,
          backend: name,
          seconds,
          rme: b.stats.rme,
          rate: spec.work / seconds / (spec.unit === "GFLOP/s" ? 1e9 : 1e6),
          unit: spec.unit,
        };
        for (const buf of bufs) be.free(buf);
        row[name] = c;
      }
      if (row.wasm && row.js) row.wasm.wasmOverJs = row.js.seconds / row.wasm.seconds;
      for (const c of Object.values(row)) {
        out.push(c);
        opts.onCase?.(c);
      }
    }
  }
  return out;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function formatRow(c: BenchCase): string {
  const extra = Object.entries(c.extra)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const us = c.seconds * 1e6;
  return [
    c.kernel.padEnd(12),
    String(c.n).padStart(5),
    extra.padEnd(12),
    c.dtype.padEnd(8),
    c.backend.padEnd(5),
    (us < 10 ? us.toFixed(3) : us < 1000 ? us.toFixed(1) : us.toFixed(0)).padStart(10),
    `±${c.rme.toFixed(1)}%`.padStart(7),
    `${c.rate.toFixed(2)} ${c.unit}`.padStart(17),
    c.wasmOverJs ? `${c.wasmOverJs.toFixed(1)}x`.padStart(8) : "",
  ].join("  ");
}

export const TABLE_HEADER = [
  "kernel".padEnd(12),
  "N".padStart(5),
  "extra".padEnd(12),
  "dtype".padEnd(8),
  "back".padEnd(5),
  "us/call".padStart(10),
  "rme".padStart(7),
  "rate".padStart(17),
  "wasm/js".padStart(8),
].join("  ");
