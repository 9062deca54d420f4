/**
 * The eigendecomposition J = V diag(lambda) V^{-1} of a real non-symmetric matrix, in complex form, for the
 * linear-equivalence covariance of one network (LINEAR.md §2, src/theory/linear-equivalence.ts).
 *
 * The decomposition is ml-matrix's (JAMA: Householder Hessenberg reduction, Francis QR with the vectors
 * accumulated, back-substitution in the real Schur form), which returns V in real form: a complex pair
 * lambda = d +/- i e (e > 0 listed first) has the columns a, b with J a = d a - e b, J b = e a + d b, so
 * v = a + i b belongs to d + i e and its conjugate to d - i e. V^{-1} is the inverse of the real V (LU), and
 * its rows r_k, r_{k+1} of a pair give the left vectors u = (r_k -/+ i r_{k+1}) / 2, so that u_k . v_l =
 * delta_kl (bilinear, no conjugate). Cost: ~30 (N / 1000)^3 s for the decomposition and ~6 (N / 1000)^3 s for
 * the inverse in plain JavaScript (measured, this machine); a wasm route is the next step (docs/THEORY_MAP.md).
 *
 * The eigenvalue condition numbers kappa_k = |u_k| |v_k| (1 for a normal matrix) say how far the decomposition
 * can be trusted: a (nearly) defective matrix — a connectome with repeated zero eigenvalues in Jordan blocks —
 * has kappa of order 1 / sqrt(eps) or worse, and every product through V^{-1} loses that many digits.
 */
import { EigenvalueDecomposition, Matrix, inverse } from "ml-matrix";
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
 * The complex eigendecomposition of the n x n row-major real matrix A (not modified).
 *
 * @param n the order
 * @param A n x n row-major float64, finite
 * @returns eigenvalues, V, V^{-1} (split complex) and the largest eigenvalue condition number
 */
export function eigenDecomposition(n: number, A: Float64Array): EigenDecomposition {
  checkSquareMatrix(n, A);
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, A[i * n + j]);
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: false });
  const re = Float64Array.from(evd.realEigenvalues);
  const im = Float64Array.from(evd.imaginaryEigenvalues);
  const Vr = evd.eigenvectorMatrix;
  const Ur = inverse(Vr);
  const vRe = new Float64Array(n * n),
    vIm = new Float64Array(n * n),
    uRe = new Float64Array(n * n),
    uIm = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    if (im[k] > 0 && k + 1 < n) {
      // the pair (k, k + 1): v = a +/- i b, u = (r_k -/+ i r_{k+1}) / 2
      for (let i = 0; i < n; i++) {
        const a = Vr.get(i, k),
          b = Vr.get(i, k + 1);
        vRe[i * n + k] = a;
        vIm[i * n + k] = b;
        vRe[i * n + k + 1] = a;
        vIm[i * n + k + 1] = -b;
        const rk = Ur.get(k, i) / 2,
          rl = Ur.get(k + 1, i) / 2;
        uRe[k * n + i] = rk;
        uIm[k * n + i] = -rl;
        uRe[(k + 1) * n + i] = rk;
        uIm[(k + 1) * n + i] = rl;
      }
      k++;
    } else {
      for (let i = 0; i < n; i++) {
        vRe[i * n + k] = Vr.get(i, k);
        uRe[k * n + i] = Ur.get(k, i);
      }
    }
  }
  let condition = 0;
  for (let k = 0; k < n; k++) {
    let v2 = 0,
      u2 = 0;
    for (let i = 0; i < n; i++) {
      v2 += vRe[i * n + k] ** 2 + vIm[i * n + k] ** 2;
      u2 += uRe[k * n + i] ** 2 + uIm[k * n + i] ** 2;
    }
    condition = Math.max(condition, Math.sqrt(v2 * u2));
  }
  return { n, re, im, vRe, vIm, uRe, uIm, condition: Number.isFinite(condition) ? condition : Infinity };
}
