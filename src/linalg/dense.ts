/**
 * Eigenvalues and singular vectors of a dense matrix for the structure analyses of THEORY §2.3 and §6:
 * complex eigenvalues of J (spectral radius, real outliers), and the left/right singular-vector overlap
 * matrix O_ab = u_a . v_b, whose diagonal is compared with the random band +/- 2.5/sqrt(N) (for random
 * modes, u_a . v_b ~ N(0, 1/N)).
 *
 * Both run on a Backend. Singular vectors: src/linalg/svd.ts (Householder bidiagonalisation, reflectors
 * accumulated into U^T and V^T, Golub–Kahan QR rotations applied to their rows). Eigenvalues: Householder
 * reduction to Hessenberg form and the Francis double-shift QR iteration, values only (assembly/eig.ts);
 * the js backend delegates to ml-matrix (JAMA), an independent implementation the tests compare against.
 */
import { withBuffers } from "../backend/buffers.ts";
import type { Backend } from "../backend/types.ts";
import { ConvergenceError } from "../errors.ts";
import { checkSquareMatrix, svd } from "./svd.ts";

/** The complex eigenvalues of a square matrix (real and imaginary parts) and the spectral radius. */
export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
  /** max |lambda| */
  spectralRadius: number;
}

/** All (complex) eigenvalues of the n x n row-major matrix A, in decreasing order of modulus, on the backend
 *  (wasm: Hessenberg + Francis QR kernels; js: ml-matrix). */
export function eigenvalues(n: number, A: Float64Array, be: Backend): Eigenvalues {
  checkSquareMatrix(n, A);
  const f64 = (length: number) => ({ dtype: "float64" as const, length });
  const { re, im } = withBuffers(be, [A, f64(n), f64(n), f64(2 * n)], ([a, wr, wi, w]) => {
    if (be.eig(n, a, wr, wi, w) !== 0)
      throw new ConvergenceError(`the QR iteration for the eigenvalues did not converge (n = ${n})`, { n });
    return { re: be.read(wr) as Float64Array, im: be.read(wi) as Float64Array };
  });
  const order = Array.from({ length: n }, (_, k) => k).sort(
    (x, y) => Math.hypot(re[y], im[y]) - Math.hypot(re[x], im[x]) || re[y] - re[x] || im[y] - im[x],
  );
  return {
    re: Float64Array.from(order, (k) => re[k]),
    im: Float64Array.from(order, (k) => im[k]),
    spectralRadius: n ? Math.hypot(re[order[0]], im[order[0]]) : 0,
  };
}

/** The full SVD A = U diag(S) V^T. */
export interface SingularVectors {
  /** singular values, decreasing */
  s: Float64Array;
  /** n x n row-major; row a is the left singular vector u_a (U^T) */
  ut: Float64Array;
  /** n x n row-major; row a is the right singular vector v_a (V^T) */
  vt: Float64Array;
}

/** Full SVD A = U diag(s) V^T on the backend (src/linalg/svd.ts: wasm Householder + QR with vectors). */
export function singularVectors(n: number, A: Float64Array, be: Backend): SingularVectors {
  return svd(n, A, be);
}

/** Left/right singular-vector overlaps u_a · v_a against the random band. */
export interface ModeOverlaps {
  /** O_aa = u_a . v_a for every mode a */
  diagonal: Float64Array;
  /** the leading k x k block of O_ab = u_a . v_b, row-major */
  block: Float64Array;
  k: number;
  /** the random-overlap band: 2.5 / sqrt(N) */
  band: number;
  /** modes with |O_aa| > band */
  outsideBand: number;
}

/** Left/right singular-vector overlaps (THEORY §6, PRX Fig. 6). */
export function modeOverlaps(n: number, sv: SingularVectors, k = Math.min(n, 50)): ModeOverlaps {
  const { ut, vt } = sv;
  const dot = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += ut[a * n + i] * vt[b * n + i];
    return s;
  };
  const diagonal = Float64Array.from({ length: n }, (_, a) => dot(a, a));
  const block = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) block[a * k + b] = dot(a, b);
  const band = 2.5 / Math.sqrt(n);
  return { diagonal, block, k, band, outsideBand: diagonal.filter((v) => Math.abs(v) > band).length };
}
