/**
 * The PC spectrum of a simulation (issue 27, part 4): the eigenvalues of the sampled equal-time covariance C^phi(0),
 * descending — the ranked covariance eigenvalues of PRX Fig. 9-10 — and, for the PCs' dynamics, its eigenvectors.
 * Their participation ratio (sum lambda)^2 / (N sum lambda^2) is the plug-in PR^phi exactly, the check the test makes.
 *
 * Both from the symmetric eigendecomposition (src/linalg/symmetric.ts: Householder tridiagonalisation on the backend,
 * then implicit-shift QR on the tridiagonal): pcSpectrum the values only (the O(N^3) reduction and an O(N^2)
 * iteration), principalComponents the vectors too (their rotations applied on the backend, SIMD rows). It replaced
 * the nonsymmetric eig for the values and an SVD for the vectors (N = 2000, this machine, measured beside a
 * running job: values 23.8 s -> 7.6 s, vectors 25.2 s -> 16.4 s; bench/README.md).
 * O(N^3): opt-in (simulate's pcSpectrum), N <= PC_SPECTRUM_N_MAX.
 */
import type { Backend } from "../backend/types.ts";
import { symmetricEigen } from "../linalg/symmetric.ts";

/** the largest N whose covariance spectrum simulate computes (O(N^3): at 4096 on this machine, 15 s for the values and
 *  75 s with the vectors) */
export const PC_SPECTRUM_N_MAX = 4096;

/** The ranked eigenvalues of a symmetric n x n covariance (row-major float64), descending, and their share of the
 *  total variance. */
export function pcSpectrum(
  n: number,
  C: Float64Array,
  be: Backend,
): { eigenvalues: number[]; varianceFraction: number[] } {
  return ranked(Array.from(symmetricEigen(n, C, be, { name: "C" }).values));
}

/** The eigenvalues of a symmetric n x n matrix (row-major float64), descending, their share of the total, and the
 *  eigenvectors as the rows of `axes` (n x n row-major, in the same order): the PCs of a covariance. */
export function principalComponents(
  n: number,
  C: Float64Array,
  be: Backend,
): { eigenvalues: number[]; varianceFraction: number[]; axes: Float64Array } {
  const { values, vectors } = symmetricEigen(n, C, be, { vectors: true, name: "C" });
  return { ...ranked(Array.from(values)), axes: vectors! };
}

/** values sorted descending and each one's share of their sum */
function ranked(values: number[]): { eigenvalues: number[]; varianceFraction: number[] } {
  const sorted = values.sort((a, b) => b - a);
  const total = sorted.reduce((s, v) => s + v, 0);
  return { eigenvalues: sorted, varianceFraction: sorted.map((v) => v / total) };
}
