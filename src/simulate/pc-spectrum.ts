/**
 * The PC spectrum of a simulation (issue 27, part 4): the eigenvalues of the sampled equal-time covariance C^phi(0),
 * descending — the ranked covariance eigenvalues of PRX Fig. 9-10 — and, for the PCs' dynamics, its eigenvectors.
 * Their participation ratio (sum lambda)^2 / (N sum lambda^2) is the plug-in PR^phi exactly, the check the test makes.
 *
 * Two routes, both on the backend:
 *  - pcSpectrum, values only, of any symmetric matrix (a predicted covariance too): Householder Hessenberg + Francis
 *    QR (dense.ts `eigenvalues`; on a symmetric matrix the imaginary parts vanish to rounding).
 *  - principalComponents, values and vectors in one decomposition: the SVD C = U S V^T (src/linalg/svd.ts; its
 *    rotations run on contiguous rows, SIMD). For a symmetric C with eigenpairs (lambda_k, v_k), C v_k = lambda_k v_k =
 *    s_k u_k, so s_k = |lambda_k|, the right singular vectors are the eigenvectors and u_k = sign(lambda_k) v_k: the
 *    sign of u_k . v_k restores the eigenvalue's (exact unless lambda and -lambda are both eigenvalues: among a
 *    rank-deficient covariance's rounding-level eigenvalues, where the sign is rounding anyway). It replaced an
 *    eigenvalue run beside ml-matrix's symmetric decomposition for the vectors: one O(N^3) decomposition instead of
 *    two (N = 1000: 2.4-3.5 s instead of 1.7 s + 7.4 s; numpy's eigh 0.13 s, bench/README.md).
 * O(N^3): opt-in (simulate's pcSpectrum), N <= PC_SPECTRUM_N_MAX.
 */
import type { Backend } from "../backend/types.ts";
import { eigenvalues } from "../linalg/dense.ts";
import { svd } from "../linalg/svd.ts";

/** the largest N whose covariance spectrum simulate computes (O(N^3): ~2-3 min at 4096 on this machine's wasm) */
export const PC_SPECTRUM_N_MAX = 4096;

/** The ranked eigenvalues of a symmetric n x n covariance (row-major float64), descending, and their share of the
 *  total variance. */
export function pcSpectrum(
  n: number,
  C: Float64Array,
  be: Backend,
): { eigenvalues: number[]; varianceFraction: number[] } {
  return ranked(Array.from(eigenvalues(n, C, be).re));
}

/** The eigenvalues of a symmetric n x n matrix (row-major float64), descending, their share of the total, and the
 *  eigenvectors as the rows of `axes` (n x n row-major, in the same order): the PCs of a covariance. */
export function principalComponents(
  n: number,
  C: Float64Array,
  be: Backend,
): { eigenvalues: number[]; varianceFraction: number[]; axes: Float64Array } {
  const { s, ut, vt } = svd(n, C, be);
  const signed = Array.from(s, (sk, k) => {
    let d = 0;
    for (let i = 0; i < n; i++) d += ut[k * n + i] * vt[k * n + i];
    return d < 0 ? -sk : sk;
  });
  const order = signed.map((_, k) => k).sort((a, b) => signed[b] - signed[a]);
  const axes = new Float64Array(n * n);
  order.forEach((k, r) => axes.set(vt.subarray(k * n, (k + 1) * n), r * n));
  return { ...ranked(order.map((k) => signed[k])), axes };
}

/** values sorted descending and each one's share of their sum */
function ranked(values: number[]): { eigenvalues: number[]; varianceFraction: number[] } {
  const sorted = values.sort((a, b) => b - a);
  const total = sorted.reduce((s, v) => s + v, 0);
  return { eigenvalues: sorted, varianceFraction: sorted.map((v) => v / total) };
}
