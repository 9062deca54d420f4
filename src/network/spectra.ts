/**
 * Strength spectra D_a of the random-mode model and single-neuron gain profiles (THEORY §2.2, §2.4, §2.5).
 *
 *   r_n = <D^n> = (1/M) sum_a D_a^n,    PR^D = r_2^2 / r_4 = (sum D^2)^2 / (M sum D^4),
 *   effective rank = alpha PR^D,        g_eff = sqrt(alpha r_2)   (x sqrt(q_2) with gains)
 *
 * Spectra (a = 1..M): exponential D_a = exp(-beta_D a / M) (continuum PR^D = tanh(beta_D)/beta_D), step
 * (D_a = 1 for the first round(PR^D M) modes, 0 after), flat (D_a = 1), power law D_a = (a/M)^(-gamma)
 * (continuum PR^D = (1 - 4 gamma)/(1 - 2 gamma)^2 for gamma < 1/4; THEORY marks it [derived, not in paper]).
 * A target PR^D is met on the *discrete* spectrum actually used (bisection on beta_D or gamma, PR^D being
 * monotone in both), not on the continuum formula, so the realised PR^D equals the target to 1e-12.
 * The same exponential profile gives gains G_i = exp(-beta_G i / N) with target PR^G = q_2^2 / q_4.
 */
import { invalid } from "../errors.ts";

/** The shapes of the random-mode model's mode strengths D_a. */
export type SpectrumKind = "exponential" | "step" | "flat" | "powerlaw";
/** Every SpectrumKind. */
export const SPECTRUM_KINDS: readonly SpectrumKind[] = ["exponential", "step", "flat", "powerlaw"];

/** r_n = (1/M) sum_a D_a^n */
export function moment(values: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ** n;
  return values.length ? s / values.length : 0;
}

/** r_2^2 / r_4 (1 for a flat spectrum, ~k/M for k equal nonzero values); 0 for an all-zero spectrum. */
export function participationRatio(values: ArrayLike<number>): number {
  const r4 = moment(values, 4);
  return r4 > 0 ? moment(values, 2) ** 2 / r4 : 0;
}

export function exponentialProfile(count: number, beta: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => Math.exp((-beta * (i + 1)) / count));
}

export function powerLawProfile(count: number, gamma: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => ((i + 1) / count) ** -gamma);
}

export function stepProfile(count: number, kept: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => (i < kept ? 1 : 0));
}

/** Bisection for the parameter p >= 0 at which the (decreasing) PR of profile(p) equals target. */
function solveDecreasing(target: number, pr: (p: number) => number, name: string): number {
  if (target === 1) return 0;
  let hi = 1;
  while (pr(hi) > target) {
    hi *= 2;
    if (hi > 1e6) throw invalid(name, "is below what this profile can reach at this size", target);
  }
  let lo = 0;
  for (let it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (pr(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** beta such that the discrete exponential profile of `count` values has PR = target in (0, 1]. */
export function solveExponentialBeta(count: number, target: number, name = "prD"): number {
  return solveDecreasing(target, (b) => participationRatio(exponentialProfile(count, b)), name);
}

/** gamma such that the discrete power-law profile has PR = target in (0, 1]. */
export function solvePowerLawGamma(count: number, target: number, name = "prD"): number {
  return solveDecreasing(target, (g) => participationRatio(powerLawProfile(count, g)), name);
}
