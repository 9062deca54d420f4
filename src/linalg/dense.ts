/**
 * Eigenvalues and singular vectors of a dense matrix for the structure analyses of THEORY §2.3 and §6:
 * complex eigenvalues of J (spectral radius, real outliers), and the left/right singular-vector overlap
 * matrix O_ab = u_a . v_b, whose diagonal is compared with the random band +/- 2.5/sqrt(N) (for random
 * modes, u_a . v_b ~ N(0, 1/N)).
 *
 * These use ml-matrix (JAMA's Hessenberg/Francis QR and Golub–Kahan SVD in plain JavaScript): correct and
 * well kept, but O(N^3) in scalar JS, ~1 s at N = 300 and ~30 s at N = 1000, so calls above `maxN`
 * (default 1200) are refused with a message rather than left running for many minutes. The singular
 * *values* alone have a fast path (src/linalg/svd.ts, wasm).
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from "ml-matrix";
import { checkArray, checkSize, invalid } from "../errors.ts";

function toMatrix(n: number, A: Float64Array): Matrix {
  const M = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j]);
  return M;
}

function checkInput(n: number, A: Float64Array, maxN: number, what: string) {
  checkSize("n", n);
  checkArray("A", A, n * n, "float64");
  if (n > maxN) throw invalid("n", `is above the ${what} limit maxN = ${maxN} (the dense JS solver is O(N^3): ~30 s at N = 1000); raise maxN to proceed`, n);
  for (let k = 0; k < A.length; k++) if (!Number.isFinite(A[k])) throw invalid("A", `must hold finite values (index ${k})`, A[k]);
}

export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
  /** max |lambda| */
  spectralRadius: number;
}

/** All (complex) eigenvalues of the n x n row-major matrix A, in decreasing order of modulus. */
export function eigenvalues(n: number, A: Float64Array, opts: { maxN?: number } = {}): Eigenvalues {
  checkInput(n, A, opts.maxN ?? 1200, "eigenvalue");
  if (n === 0) return { re: new Float64Array(0), im: new Float64Array(0), spectralRadius: 0 };
  const evd = new EigenvalueDecomposition(toMatrix(n, A));
  const order = evd.realEigenvalues.map((r, k) => [r, evd.imaginaryEigenvalues[k]] as const).sort((a, b) => Math.hypot(b[0], b[1]) - Math.hypot(a[0], a[1]));
  return {
    re: Float64Array.from(order, (p) => p[0]),
    im: Float64Array.from(order, (p) => p[1]),
    spectralRadius: Math.hypot(order[0][0], order[0][1]),
  };
}

export interface SingularVectors {
  /** singular values, decreasing */
  s: Float64Array;
  /** n x n row-major; column a is the left singular vector u_a */
  U: Float64Array;
  /** n x n row-major; column a is the right singular vector v_a */
  V: Float64Array;
}

/** Full SVD A = U diag(s) V^T. */
export function singularVectors(n: number, A: Float64Array, opts: { maxN?: number } = {}): SingularVectors {
  checkInput(n, A, opts.maxN ?? 1200, "SVD");
  if (n === 0) return { s: new Float64Array(0), U: new Float64Array(0), V: new Float64Array(0) };
  const svd = new SingularValueDecomposition(toMatrix(n, A), { autoTranspose: false });
  const U = svd.leftSingularVectors, V = svd.rightSingularVectors;
  return { s: Float64Array.from(svd.diagonal), U: Float64Array.from(U.to1DArray()), V: Float64Array.from(V.to1DArray()) };
}

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
  const { U, V } = sv;
  const dot = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += U[i * n + a] * V[i * n + b];
    return s;
  };
  const diagonal = Float64Array.from({ length: n }, (_, a) => dot(a, a));
  const block = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) block[a * k + b] = dot(a, b);
  const band = 2.5 / Math.sqrt(n);
  return { diagonal, block, k, band, outsideBand: diagonal.filter((v) => Math.abs(v) > band).length };
}
