/**
 * The eigendecomposition J = V diag(lambda) V^{-1} of a real non-symmetric matrix, in complex form, for the
 * linear-equivalence covariance of one network (LINEAR.md §2, src/theory/linear-equivalence.ts), on a backend:
 *
 *  1. Householder reduction A = Q H Q^T, Q accumulated (kernel `hessenberg`: 10/3 n^3 + 4/3 n^3 flops);
 *  2. the eigenvalues of H (dense.ts `eigenvalues`, kernel `eig`: Francis double-shift QR; on an already
 *     Hessenberg matrix its reduction costs O(n^2));
 *  3. for each eigenvalue with Im >= 0, its right and left eigenvectors of H by inverse iteration (kernel
 *     `hessInvit`: a complex Hessenberg LU, O(n^2), and two solves each way); a conjugate eigenvalue takes the
 *     conjugate vectors;
 *  4. v_k = Q y_k, u_k = Q z_k / (z_k . y_k) (bilinear: u_k . v_k = 1; Q is orthogonal, so z . y in H's basis is the
 *     same number), as two real products Y^T Q^T, Z^T Q^T on the backend.
 * O(n^3) with the heavy parts on the backend (wasm: 5.3 s at n = 1000 here, against 36 s for ml-matrix's JAMA
 * decomposition plus the inverse of V, measured; the js backend runs the same algorithm in TypeScript, ~7x slower).
 *
 * The eigenvalue condition numbers kappa_k = |u_k| |v_k| (1 for a normal matrix) say how far the decomposition can
 * be trusted: a (nearly) defective matrix — a connectome with repeated zero eigenvalues in Jordan blocks — has
 * kappa of order 1 / sqrt(eps) or worse (its inverse iteration returns nearly parallel vectors), and every product
 * through V^{-1} loses that many digits; src/theory/mode-form.ts perturbs such a matrix before decomposing it.
 */
import { transposed, withBuffers } from "../backend/buffers.ts";
import type { Backend } from "../backend/types.ts";
import { realProduct } from "./complex.ts";
import { eigenvalues } from "./dense.ts";
import { checkSquareMatrix } from "./svd.ts";

/** A complex eigendecomposition: n x n complex matrices in split form (row-major real and imaginary parts). */
export interface EigenDecomposition {
  n: number;
  /** eigenvalues lambda_k = re[k] + i im[k] (JAMA order: conjugate pairs adjacent, positive imaginary first) */
  re: Float64Array;
  im: Float64Array;
  /** V: column k is the right eigenvector v_k */
  vRe: Float64Array;
  vIm: Float64Array;
  /** U = V^{-1}: row k is the left eigenvector u_k, u_k . v_l = delta_kl */
  uRe: Float64Array;
  uIm: Float64Array;
  /** max_k |u_k| |v_k|: the largest eigenvalue condition number (1 for a normal matrix) */
  condition: number;
}

/**
 * The complex eigendecomposition of the n x n row-major real matrix A (not modified), on a backend.
 *
 * @param n the order
 * @param A n x n row-major float64, finite
 * @param be the backend (its hessenberg, eig, hessInvit and matmat kernels)
 * @returns eigenvalues, V, V^{-1} (split complex) and the largest eigenvalue condition number
 * @throws ConvergenceError when the QR iteration for the eigenvalues does not converge
 */
export function eigenDecomposition(n: number, A: Float64Array, be: Backend): EigenDecomposition {
  checkSquareMatrix(n, A);
  const f64 = (length: number) => ({ dtype: "float64" as const, length });
  if (n === 0) {
    const e = new Float64Array(0);
    return { n, re: e, im: e, vRe: e, vIm: e, uRe: e, uIm: e, condition: 0 };
  }
  // 1. H and Q
  const { H, Q } = withBuffers(be, [A, f64(n * n), f64(2 * n)], ([a, q, w]) => {
    be.hessenberg(n, a, q, w);
    return { H: be.read(a) as Float64Array, Q: be.read(q) as Float64Array };
  });
  // 2. the eigenvalues of H (ordered by modulus: a conjugate pair adjacent, the positive imaginary part first)
  const { re, im } = eigenvalues(n, H, be);
  // 3. right and left vectors of H, rows of Y^T and Z^T (split complex)
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = Math.max(0, i - 1); j < n; j++) s += Math.abs(H[i * n + j]);
    norm = Math.max(norm, s);
  }
  const eps1 = Number.EPSILON * Math.max(norm, Number.MIN_VALUE);
  const yr = new Float64Array(n * n),
    yi = new Float64Array(n * n),
    zr = new Float64Array(n * n),
    zi = new Float64Array(n * n);
  let condition = 0;
  withBuffers(be, [H, f64(2 * n), f64(2 * n), f64(2 * n * n), f64(3 * n)], ([h, y, z, u, wk]) => {
    for (let k = 0; k < n; k++) {
      if (im[k] < 0 && k > 0 && im[k - 1] === -im[k] && re[k - 1] === re[k]) {
        // the conjugate of the previous eigenvalue: conjugate vectors
        for (let j = 0; j < n; j++) {
          yr[k * n + j] = yr[(k - 1) * n + j];
          yi[k * n + j] = -yi[(k - 1) * n + j];
          zr[k * n + j] = zr[(k - 1) * n + j];
          zi[k * n + j] = -zi[(k - 1) * n + j];
        }
        continue;
      }
      be.hessInvit(n, h, re[k], im[k], eps1, y, z, u, wk);
      const Y = be.read(y) as Float64Array,
        Z = be.read(z) as Float64Array;
      // s = z . y (bilinear); u_k = z / s, so that u_k . v_k = 1
      let sr = 0,
        si = 0;
      for (let j = 0; j < n; j++) {
        sr += Z[j] * Y[j] - Z[n + j] * Y[n + j];
        si += Z[j] * Y[n + j] + Z[n + j] * Y[j];
      }
      const d = sr * sr + si * si;
      const cr = sr / d,
        ci = -si / d; // 1 / s
      condition = Math.max(condition, Math.sqrt(1 / d)); // |u_k| |v_k| = 1 / |s| (unit y, z)
      for (let j = 0; j < n; j++) {
        yr[k * n + j] = Y[j];
        yi[k * n + j] = Y[n + j];
        zr[k * n + j] = Z[j] * cr - Z[n + j] * ci;
        zi[k * n + j] = Z[j] * ci + Z[n + j] * cr;
      }
    }
  });
  // 4. V^T = Y^T Q^T, U = Z^T Q^T
  const vRe = transposed(realProduct(be, n, n, n, yr, Q), n, n),
    vIm = transposed(realProduct(be, n, n, n, yi, Q), n, n);
  return {
    n,
    re,
    im,
    vRe,
    vIm,
    uRe: realProduct(be, n, n, n, zr, Q),
    uIm: realProduct(be, n, n, n, zi, Q),
    condition: Number.isFinite(condition) ? condition : Infinity,
  };
}
