/**
 * The random-mode model's deterministic parts (THEORY §2.4, §2.6): the mode strengths D_a of a spectrum given by
 * its kind and PR^D (or beta_D, gamma, or the values themselves) and the number of modes alpha N, and the diagonal
 * overlap profile rho_a(gamma_rho, beta_rho) with the flip point u_flip that makes <D rho> = 0.
 */
import { checkFinite, checkOneOf, invalid } from "../errors.ts";
import {
  SPECTRUM_KINDS,
  exponentialProfile,
  powerLawProfile,
  solveExponentialBeta,
  solvePowerLawGamma,
  stepProfile,
} from "./spectra.ts";
import { type RmmSpec } from "./ensembles.ts";

interface ResolvedSpectrum {
  D: Float64Array;
  alpha: number;
  betaD?: number;
  gamma?: number;
}

/** The most modes per neuron (alpha = M / N, and the effective rank alpha PR^D): by alpha = 100 the random-mode
 *  model is the i.i.d. one to within 1 % (1/PR = 1/PR_iid + 1/(K alpha PR^D), THEORY §4.4), and M = alpha N
 *  arrays stay O(N). */
export const ALPHA_MAX = 100;

/** The mode strengths of a random-mode spec (before scaling to g_eff) and the spectrum's parameters. */
export function resolveSpectrum(spec: RmmSpec, n: number): ResolvedSpectrum {
  const given = (k: keyof RmmSpec) => spec[k] !== undefined;
  if (given("effectiveRank")) {
    for (const k of ["alpha", "prD", "betaD", "gamma", "spectrum"] as const) {
      if (given(k))
        throw invalid(k, "cannot be combined with `effectiveRank` (which sets alpha and the spectrum)", spec[k]);
    }
    const er = checkFinite("effectiveRank", spec.effectiveRank, { positive: true, max: ALPHA_MAX });
    if (er < 1) {
      if (er <= 1 / n) throw invalid("effectiveRank", `must be > 1/n = ${1 / n}`, er);
      const betaD = solveExponentialBeta(n, er, "effectiveRank");
      return { D: exponentialProfile(n, betaD), alpha: 1, betaD };
    }
    const m = Math.round(er * n);
    return { D: new Float64Array(m).fill(1), alpha: m / n };
  }
  if (spec.spectrum instanceof Float64Array) {
    for (const k of ["prD", "betaD", "gamma"] as const)
      if (given(k)) throw invalid(k, "cannot be combined with a spectrum array", spec[k]);
    const D = spec.spectrum;
    if (D.length < 1) throw invalid("spectrum", "must hold at least one strength", D);
    for (const v of D)
      if (!Number.isFinite(v) || v < 0) throw invalid("spectrum", "must hold finite strengths >= 0", v);
    const alpha = D.length / n;
    if (spec.alpha !== undefined && Math.abs(checkFinite("alpha", spec.alpha) - alpha) > 1e-12) {
      throw invalid("alpha", `must equal spectrum.length / n = ${alpha} when a spectrum array is given`, spec.alpha);
    }
    return { D: Float64Array.from(D), alpha };
  }
  const alpha = checkFinite("alpha", spec.alpha ?? 1, { positive: true, max: ALPHA_MAX });
  const m = Math.round(alpha * n);
  if (m < 1) throw invalid("alpha", `gives M = round(alpha n) = 0 modes at n = ${n}`, alpha);
  const kind = checkOneOf(
    "spectrum",
    spec.spectrum ?? (given("prD") || given("betaD") ? "exponential" : given("gamma") ? "powerlaw" : "flat"),
    SPECTRUM_KINDS,
  );
  const prD = given("prD") ? checkFinite("prD", spec.prD) : undefined;
  if (prD !== undefined && !(prD > 1 / m && prD <= 1)) throw invalid("prD", `must be in (1/M, 1] = (${1 / m}, 1]`, prD);
  switch (kind) {
    case "flat":
      if (prD !== undefined && prD !== 1) throw invalid("prD", "must be 1 (or omitted) for a flat spectrum", prD);
      return { D: new Float64Array(m).fill(1), alpha: m / n };
    case "step": {
      if (prD === undefined)
        throw invalid("prD", "is needed for a step spectrum (the kept fraction of modes)", prD, TypeError);
      const kept = Math.max(1, Math.round(prD * m));
      return { D: stepProfile(m, kept), alpha: m / n };
    }
    case "exponential": {
      if (prD !== undefined && given("betaD"))
        throw invalid("betaD", "cannot be combined with `prD` (give one)", spec.betaD);
      const betaD =
        prD !== undefined ? solveExponentialBeta(m, prD) : checkFinite("betaD", spec.betaD ?? 0, { min: 0 });
      return { D: exponentialProfile(m, betaD), alpha: m / n, betaD };
    }
    case "powerlaw": {
      if (prD !== undefined && given("gamma"))
        throw invalid("gamma", "cannot be combined with `prD` (give one)", spec.gamma);
      const gamma = prD !== undefined ? solvePowerLawGamma(m, prD) : checkFinite("gamma", spec.gamma ?? 0, { min: 0 });
      return { D: powerLawProfile(m, gamma), alpha: m / n, gamma };
    }
  }
}

/** rho_a = gamma (1 - 2 / (1 + exp(-beta (a/N - u)))), a = 1..M */
export function overlapProfile(m: number, n: number, gamma: number, beta: number, uFlip: number): Float64Array {
  return Float64Array.from({ length: m }, (_, i) => gamma * (1 - 2 / (1 + Math.exp(-beta * ((i + 1) / n - uFlip)))));
}

/** u_flip with <D rho> = 0 (bisection; <D rho> is monotone in u_flip). */
export function solveUFlip(D: Float64Array, n: number, gamma: number, beta: number): number {
  const f = (u: number) => {
    const rho = overlapProfile(D.length, n, gamma, beta, u);
    let s = 0;
    for (let a = 0; a < D.length; a++) s += D[a] * rho[a];
    return s;
  };
  let lo = -1,
    hi = D.length / n + 1;
  const flo = f(lo),
    fhi = f(hi);
  if (Math.sign(flo) === Math.sign(fhi))
    throw invalid("overlap.gamma", "admits no u_flip with <D rho> = 0 for this spectrum", gamma);
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (Math.sign(f(mid)) === Math.sign(flo)) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
