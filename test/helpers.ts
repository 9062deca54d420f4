/**
 * Shared test builders: the backends (both wasm builds and js), seeded random inputs, and the tolerances of the conformance suite.
 *
 * Tolerances (set once per dtype, here):
 *  - UNIT_ROUNDOFF u = 2^-24 (float32), 2^-53 (float64).
 *  - A sum of n rounded products, in any order, is within gamma_n = n u / (1 - n u) times the sum of the
 *    absolute values of its terms of the exact sum (Higham, "Accuracy and Stability of Numerical
 *    Algorithms", 2nd ed., eq. 3.5). JsBackend accumulates float32 data in float64, WasmBackend in the
 *    working precision, so their difference is bounded by (n + 2) u * sum|terms| (one more u for the final
 *    rounding of each side). `sumTol` returns exactly that bound: rigorous, so it never flakes, and still
 *    orders of magnitude below the O(1) errors that a wrong index, stride or tail loop produces.
 *  - PHI_ERROR: the accuracy each nonlinearity must meet against the exact function (the bound:
 *    1e-6 float32, 1e-13 float64); two implementations that both meet it differ by at most twice that.
 */
import { JsBackend } from "../src/backend/js.ts";
import { createWasmBackend } from "../src/backend/wasm-load.ts";
import { fillNormal, seedState } from "../src/backend/rng.ts";
import type { Backend } from "../src/backend/types.ts";
import type { DType, FloatArray } from "../src/errors.ts";
import { makeNetwork, type Network } from "../src/network/ensembles.ts";

export const DTYPES: DType[] = ["float32", "float64"];
export const UNIT_ROUNDOFF: Record<DType, number> = { float32: 2 ** -24, float64: 2 ** -53 };
export const PHI_ERROR: Record<DType, number> = { float32: 1e-6, float64: 1e-13 };
/** Lengths from the issue: empty, single, odd, around and not multiples of the SIMD width, large. */
export const LENGTHS = [0, 1, 3, 4, 5, 17, 1000];

/** Bound on |a - b| for two evaluations of a length-n sum whose absolute terms add up to `scale`. */
export function sumTol(dtype: DType, n: number, scale: number): number {
  return (n + 2) * UNIT_ROUNDOFF[dtype] * scale;
}

/**
 * The backends every conformance suite runs: the wasm kernels' two builds (plain SIMD, and relaxed SIMD with
 * fused multiply-adds, which test/setup.ts makes available on Node 20) and the TypeScript reference.
 */
export const BACKEND_LABELS = ["wasm", "wasm fma", "js"] as const;
export type BackendLabel = (typeof BACKEND_LABELS)[number];

export function label(be: Backend): BackendLabel {
  return be.name === "js" ? "js" : be.fma ? "wasm fma" : "wasm";
}

export async function backends(): Promise<Backend[]> {
  return [await createWasmBackend({ fma: false }), await createWasmBackend({ fma: true }), new JsBackend()];
}

export function makeArray(dtype: DType, n: number): FloatArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/** n seeded N(mean, std^2) values (test inputs; a fixed stream per call site via `seed`). */
export function randn(dtype: DType, n: number, seed: number, std = 1, mean = 0): FloatArray {
  const out = makeArray(dtype, n);
  fillNormal(seedState(seed, 99), n, mean, std, out);
  return out;
}

/** Put an array into a backend buffer. */
export function put(be: Backend, a: FloatArray) {
  const b = be.alloc(a instanceof Float32Array ? "float32" : "float64", a.length);
  be.write(b, a);
  return b;
}

/** Index and size of the largest violation of |a_i - b_i| <= tol_i, or null when all pass. */
export function worst(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tol: (i: number) => number,
): { i: number; diff: number; tol: number } | null {
  let bad: { i: number; diff: number; tol: number } | null = null;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    const t = tol(i);
    if (!(diff <= t) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
      if (!bad || diff - t > bad.diff - bad.tol) bad = { i, diff, tol: t };
    }
  }
  return bad;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** A network whose state leaves |x| <= 1e6: the i.i.d. one scaled to g = 1e7, beyond what makeNetwork accepts (G_MAX) —
 *  e.g. a connectome's raw weights. */
export function diverging(): Network {
  const net = makeNetwork({ coupling: "iid", n: 20, g: 2, seed: 1 });
  if (net.coupling.kind !== "dense") throw new Error("dense expected");
  net.coupling.J.forEach((v, i, a) => (a[i] = v * 5e6));
  return { ...net, summary: { ...net.summary, g: 1e7 } };
}
