/**
 * The PC spectrum of a simulation (issue 27, part 4): the eigenvalues of the sampled equal-time covariance C^phi(0),
 * descending — the ranked covariance eigenvalues of PRX Fig. 9-10 — from the backend's eigenvalue kernels (dense.ts)
 * (Householder Hessenberg + Francis QR; on a symmetric matrix the imaginary parts vanish to rounding). Their
 * participation ratio (sum lambda)^2 / (N sum lambda^2) is the plug-in PR^phi exactly, the check the test makes.
 * O(N^3): opt-in (simulate's pcSpectrum), N <= PC_SPECTRUM_N_MAX.
 */
import type { Backend } from "../backend/types.ts";
import { eigenvalues } from "../linalg/dense.ts";

/** the largest N whose covariance spectrum simulate computes (O(N^3): ~1 min at 4096 on this machine's wasm) */
export const PC_SPECTRUM_N_MAX = 4096;

/** The ranked eigenvalues of a symmetric n x n covariance (row-major float64), descending, and their share of the
 *  total variance. */
export function pcSpectrum(
  n: number,
  C: Float64Array,
  be: Backend,
): { eigenvalues: number[]; varianceFraction: number[] } {
  const re = Array.from(eigenvalues(n, C, be).re);
  const ranked = re.sort((a, b) => b - a);
  const total = ranked.reduce((s, v) => s + v, 0);
  return { eigenvalues: ranked, varianceFraction: ranked.map((v) => v / total) };
}
