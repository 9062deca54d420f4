/**
 * How well one N x N covariance matches another (LINEAR.md §3): over the off-diagonal entries, the Pearson correlation
 * and the least-squares slope of the reference (simulated) on the candidate (predicted); the relative Frobenius error
 * ||C_candidate - C_reference||_F / ||C_reference||_F over all entries; over the diagonal, the correlation and the
 * ratio of means. And a covariance's spectrum in brief: PR / N = (sum lambda)^2 / (N sum lambda^2) = (tr C)^2 /
 * (N ||C||_F^2) (exactly, no eigenvalues needed), the leading eigenvalues and the bulk's quantiles.
 */
import type { Backend } from "../backend/types.ts";
import { pcSpectrum } from "../simulate/pc-spectrum.ts";

/** One covariance against a reference. */
export interface Agreement {
  /** Pearson correlation of the off-diagonal entries */
  correlation: number;
  /** least-squares slope of the reference's off-diagonal entries on the candidate's */
  slope: number;
  /** ||C - C_ref||_F / ||C_ref||_F */
  relativeFrobenius: number;
  /** Pearson correlation of the diagonals */
  diagonalCorrelation: number;
  /** mean diagonal / the reference's */
  varianceRatio: number;
}

/**
 * The agreement of `candidate` with `reference` (both n x n row-major, symmetric).
 *
 * @param n the order
 * @param candidate e.g. the prediction
 * @param reference e.g. the simulation
 */
export function agreement(n: number, candidate: Float64Array, reference: Float64Array): Agreement {
  const pairs = (n * (n - 1)) / 2;
  const op = new Float64Array(pairs),
    os = new Float64Array(pairs),
    dp = new Float64Array(n),
    ds = new Float64Array(n);
  let diff2 = 0,
    ref2 = 0,
    k = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const p = candidate[i * n + j],
        s = reference[i * n + j];
      diff2 += (p - s) ** 2;
      ref2 += s * s;
      if (i === j) {
        dp[i] = p;
        ds[i] = s;
      } else if (j > i) {
        op[k] = p;
        os[k++] = s;
      }
    }
  const off = moments(op, os),
    diag = moments(dp, ds);
  return {
    correlation: off.cov / Math.sqrt(off.vx * off.vy),
    slope: off.cov / off.vx,
    relativeFrobenius: Math.sqrt(diff2 / ref2),
    diagonalCorrelation: diag.cov / Math.sqrt(diag.vx * diag.vy),
    varianceRatio: diag.mx / diag.my,
  };
}

/** Means, and the centred sums of products and squares (two passes), of paired samples x, y. */
function moments(x: Float64Array, y: Float64Array): { mx: number; my: number; cov: number; vx: number; vy: number } {
  let mx = 0,
    my = 0;
  for (let i = 0; i < x.length; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= x.length;
  my /= y.length;
  let cov = 0,
    vx = 0,
    vy = 0;
  for (let i = 0; i < x.length; i++) {
    cov += (x[i] - mx) * (y[i] - my);
    vx += (x[i] - mx) ** 2;
    vy += (y[i] - my) ** 2;
  }
  return { mx, my, cov, vx, vy };
}

/** PR / N of a covariance from its trace and Frobenius norm. */
export function participationRatio(n: number, C: Float64Array): number {
  let tr = 0,
    f2 = 0;
  for (let i = 0; i < n; i++) tr += C[i * n + i];
  for (const v of C) f2 += v * v;
  return (tr * tr) / (n * f2);
}

/** A covariance's spectrum in brief. */
export interface SpectrumBrief {
  /** PR / N */
  pr: number;
  /** every eigenvalue, descending */
  eigenvalues: number[];
  /** the leading five */
  top: number[];
  /** eigenvalue quantiles at 10, 50, 90 % of the ranks (the bulk) */
  quantiles: { q10: number; q50: number; q90: number };
}

/** The spectrum of a symmetric covariance (the backend's eigenvalue kernels; O(n^3)). */
export function spectrumBrief(n: number, C: Float64Array, be: Backend): SpectrumBrief {
  const { eigenvalues } = pcSpectrum(n, C, be);
  const at = (q: number) => eigenvalues[Math.min(n - 1, Math.floor((1 - q) * n))];
  return {
    pr: participationRatio(n, C),
    eigenvalues,
    top: eigenvalues.slice(0, 5),
    quantiles: { q10: at(0.1), q50: at(0.5), q90: at(0.9) },
  };
}
