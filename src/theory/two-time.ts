/**
 * The four-point function at unequal lags, Psi^phi(tau1, tau2) and its off-diagonal part psi^phi(tau1, tau2) (PRL
 * Fig. 3; docs/TWO_TIME.md has the derivation). The DMFT gives the whole two-frequency function (PRX (38), THEORY
 * §4.3-4.4), with X = (1 + i w1)(1 + i w2) and nu = g_eff^2 <phi'>^2:
 *
 *   Psi^phi(w1, w2) = C^phi(w1) C^phi(w2) (|X|^2 + nu^2 / (alpha PR^D)) / |X - nu|^2
 *   Psi^phi(tau1, tau2) = int int dw1 dw2 / (2 pi)^2 e^{i (w1 tau1 + w2 tau2)} Psi^phi(w1, w2)
 *   psi^phi(tau1, tau2) = Psi^phi(tau1, tau2) - C^phi(tau1) C^phi(tau2)     (the i = j terms: uniform variances)
 *
 * Its restrictions are the one-lag functions strand already has (src/theory/dimension.ts): tau2 = 0 is Psi(tau, 0),
 * tau1 = tau2 is the slow diagonal Psi(tau, tau); the tests check both edges against them.
 *
 * Numerics: on the DMFT's periodic grid (M points, step dt), one row w1 at a time: the row is built (real), inverse
 * transformed over w2 (M log M), and only the columns tau2 = k stride dt, |k| <= L, are kept; then each kept column
 * is inverse transformed over w1. M + (2L + 1) transforms of M points (M = 4096: ~0.4 s) and M (2L + 1) complex
 * numbers of memory instead of the M^2 of a full 2D transform.
 */
import { angularFrequencies, evenSpectrum, fftInterleaved, lagsOfSpectrum } from "./fft.ts";
import type { DmftSolution } from "./dmft.ts";
import { invalid } from "../errors.ts";

export interface TwoTimePsi {
  /** the lags of both axes, -L stride dt ... L stride dt */
  tau: Float64Array;
  /** Psi^phi(tau[i1], tau[i2]) at [i1 * tau.length + i2] (with the diagonal i = j; PRX's object) */
  psiPhi: Float64Array;
  /** psi^phi = Psi^phi - C^phi(tau1) C^phi(tau2) (off-diagonal, i != j; PRL's object) */
  psiPhiOff: Float64Array;
  /** sqrt(psi^phi(tau, tau)) at tau[L ...] (PRL Fig. 3's psi_RMS) */
  rms: { tau: Float64Array; psi: Float64Array };
  params: { g: number; effectiveRank: number; dt: number; points: number; stride: number; lags: number };
}

/**
 * Psi^phi(tau1, tau2) on the square of lags |tau| <= lags * stride * dt from one DMFT solution (module comment).
 * `lags` (default 40) and `stride` (default 1) are in grid steps; lags * stride must stay below M / 4.
 */
export function twoTimePsi(
  sol: DmftSolution,
  options: { effectiveRank?: number; lags?: number; stride?: number } = {},
): TwoTimePsi {
  const { dt, points: M } = sol.params;
  const L = options.lags ?? 40,
    stride = options.stride ?? 1,
    effectiveRank = options.effectiveRank ?? Infinity;
  if (!Number.isInteger(L) || L < 1) throw invalid("lags", "must be a positive integer", L);
  if (!Number.isInteger(stride) || stride < 1) throw invalid("stride", "must be a positive integer", stride);
  if (L * stride >= M / 4)
    throw invalid("lags", `times stride must be below a quarter of the grid (${M / 4})`, L * stride);
  if (!(effectiveRank > 0)) throw invalid("effectiveRank", "must be positive (Infinity: i.i.d.)", effectiveRank);
  const inv = Number.isFinite(effectiveRank) ? 1 / effectiveRank : 0;
  const nu = sol.nu;
  const Cp = evenSpectrum(sol.cPhi, M, dt);
  const w = angularFrequencies(M, dt);
  const K = 2 * L + 1;
  const col = (k: number) => ((((k - L) * stride) % M) + M) % M; // grid index of lag k - L
  // G[(a * K + k)]: the row a's inverse transform over w2 at lag k (interleaved complex)
  const G = new Float64Array(2 * M * K);
  const row = new Float64Array(2 * M),
    out = new Float64Array(2 * M);
  for (let a = 0; a < M; a++) {
    const wa = w[a],
      ca = Cp[a],
      xa = 1 + wa * wa;
    for (let b = 0; b < M; b++) {
      const wb = w[b];
      const re = 1 - wa * wb - nu,
        im = wa + wb;
      row[2 * b] = (ca * Cp[b] * (xa * (1 + wb * wb) + inv * nu * nu)) / (re * re + im * im);
      row[2 * b + 1] = 0;
    }
    fftInterleaved(out, row, true); // divides by M
    for (let k = 0; k < K; k++) {
      const j = col(k);
      G[2 * (a * K + k)] = out[2 * j] * M;
      G[2 * (a * K + k) + 1] = out[2 * j + 1] * M;
    }
  }
  const meas = 1 / (M * dt);
  const psiPhi = new Float64Array(K * K);
  for (let k2 = 0; k2 < K; k2++) {
    for (let a = 0; a < M; a++) {
      row[2 * a] = G[2 * (a * K + k2)];
      row[2 * a + 1] = G[2 * (a * K + k2) + 1];
    }
    fftInterleaved(out, row, true);
    for (let k1 = 0; k1 < K; k1++) psiPhi[k1 * K + k2] = out[2 * col(k1)] * M * meas * meas;
  }
  const tau = Float64Array.from({ length: K }, (_, k) => (k - L) * stride * dt);
  const c = (k: number) => sol.cPhi[Math.abs(k - L) * stride];
  const psiPhiOff = psiPhi.map((v, i) => v - c(Math.floor(i / K)) * c(i % K));
  const diag = Float64Array.from({ length: L + 1 }, (_, l) => psiPhiOff[(L + l) * K + L + l]);
  return {
    tau,
    psiPhi,
    psiPhiOff,
    rms: { tau: tau.slice(L), psi: diag.map((v) => Math.sqrt(Math.max(v, 0))) },
    params: { g: sol.g, effectiveRank, dt, points: M, stride, lags: L },
  };
}

/** The three sources of psi^phi(tau, tau) (PRL Fig. 5; docs/TWO_TIME.md "Three sources"), on lags 0 .. lags. */
export interface DiagonalSources {
  tau: Float64Array;
  /** direct couplings J_ij, J_ji: u + conj(u) */
  direct: Float64Array;
  /** reverberation, chains of two or more couplings from one unit to the other: u^2/(1 - u) + c.c. */
  reverberation: Float64Array;
  /** shared input, chains from a common source to both (the cavity fields' correlation): |u|^2/|1 - u|^2 */
  sharedInput: Float64Array;
  /** their sum: psi^phi(tau, tau) = Psi^phi(tau, tau) - C^phi(tau)^2 */
  total: Float64Array;
}

/**
 * psi^phi(tau, tau) of i.i.d. couplings split by the paths that correlate two units (docs/TWO_TIME.md): with
 * u = g^2 S^phi_12 = nu / conj(X), X = (1 + i w1)(1 + i w2), psi^phi(w1, w2) = C_1 C_2 (1/|1 - u|^2 - 1) and
 *
 *   1/|1 - u|^2 - 1 = (u + u*) + (u^2/(1 - u) + c.c.) + |u|^2/|1 - u|^2      (direct, reverberation, shared input)
 *
 * each summed along the anti-diagonals w1 + w2 = Omega and inverse transformed (as dimensionTheory's diagonal).
 * O(M^2) per call (M = 4096: ~0.5 s).
 */
export function diagonalSources(sol: DmftSolution, lags = 100): DiagonalSources {
  const { dt, points: M } = sol.params;
  if (!Number.isInteger(lags) || lags < 0 || lags > M / 2)
    throw invalid("lags", `must be an integer from 0 to ${M / 2}`, lags);
  const nu = sol.nu;
  const Cp = evenSpectrum(sol.cPhi, M, dt);
  const w = angularFrequencies(M, dt);
  const direct = new Float64Array(M),
    reverb = new Float64Array(M),
    shared = new Float64Array(M);
  for (let a = 0; a < M; a++) {
    for (let b = 0; b < M; b++) {
      const c = Cp[a] * Cp[b];
      // X = xr + i xi; u = nu / conj(X) = nu X / |X|^2
      const xr = 1 - w[a] * w[b],
        xi = w[a] + w[b];
      const x2 = xr * xr + xi * xi;
      const ur = (nu * xr) / x2,
        ui = (nu * xi) / x2;
      // 1 - u, u^2, u^2 / (1 - u)
      const dr = 1 - ur,
        di = -ui,
        d2 = dr * dr + di * di;
      const sr = ur * ur - ui * ui,
        si = 2 * ur * ui;
      const rr = (sr * dr + si * di) / d2;
      const o = (a + b) % M;
      direct[o] += c * 2 * ur;
      reverb[o] += c * 2 * rr;
      shared[o] += (c * (ur * ur + ui * ui)) / d2;
    }
  }
  const meas = 1 / (M * dt),
    zero = new Float64Array(M);
  const lagsOf = (f: Float64Array) => lagsOfSpectrum(f, zero, dt / meas).slice(0, lags + 1);
  const d = lagsOf(direct),
    r = lagsOf(reverb),
    s = lagsOf(shared);
  return {
    tau: Float64Array.from({ length: lags + 1 }, (_, l) => l * dt),
    direct: d,
    reverberation: r,
    sharedInput: s,
    total: d.map((v, l) => v + r[l] + s[l]),
  };
}
