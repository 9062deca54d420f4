/**
 * Dimension of activity from the DMFT two-point functions (THEORY §4), in frequency space with the PRX
 * convention f(w) = int dtau e^{-i w tau} f(tau), Psi(0,0) = int int dw1 dw2 / (2 pi)^2 Psi(w1, w2).
 * With X = (1 + i w1)(1 + i w2) and nu = g_eff^2 <phi'>^2 (closed forms for T = 1 + d/dt, §4.3-4.4):
 *
 *   i.i.d.:   Psi^phi = C^phi_1 C^phi_2 |X|^2 / |X - nu|^2,     Psi^x = C^x_1 C^x_2 (2|X|^2 - nu^2) / |X - nu|^2
 *   RMM:      Psi^phi += C^phi_1 C^phi_2 (nu^2 / (alpha PR^D)) / |X - nu|^2
 *             Psi^x   += C^x_1 C^x_2 (|X|^2 / (alpha PR^D)) / |X - nu|^2
 *   PR^a = C^a(0)^2 / Psi^a(0, 0);  K^a = C^a(0)^2 / [the coefficient of 1/(alpha PR^D) in Psi^a(0, 0)]
 *   so 1/PR^a = 1/PR^a_iid + 1/(K^a alpha PR^D)  (the harmonic form, exact given (38)) (§4.4-4.5)
 *   gains (§4.6, [derived] forms): PR^{G phi} = [1/(PR^G PR_iid) + 1/(alpha PR^D K)]^-1,
 *   z-scored: [1/PR_iid + (1/(alpha PR^D) + 1/PR^G - 1)/K]^-1, readout: [(1/PR^G - 1)(1 + 1/K) + 1/PR_iid + 1/(alpha PR^D K)]^-1
 *   Psi^phi(tau, 0) = inverse transform in w1 of the row sums over w2; Psi^phi(tau, tau) = inverse transform in
 *   Omega of the sums along anti-diagonals w1 + w2 = Omega (indices added modulo M on the periodic grid).
 *
 * Numerics: C(w_k) = dt Re FFT of the two-sided even lag array on M points (§4.2), measure 1/(M dt); the
 * double sums run over the M^2 grid (M = 4096: 1.7e7 terms, well under a second).
 */
import { evenSpectrum as spectrum, fft } from "./fft.ts";
import type { DmftSolution } from "./dmft.ts";

export interface DimensionTheory {
  prPhiIid: number;
  prXIid: number;
  kPhi: number;
  kX: number;
  /** Psi^phi(0, 0) for i.i.d. couplings (with diagonal) and psi^phi(0,0) = Psi - C^2 (off-diagonal, PRL's) */
  psiPhi00Iid: number;
  psiX00Iid: number;
  /** normalised Psi^phi(tau, 0) / Psi^phi(0, 0) at the given effective rank (Infinity = i.i.d.) */
  collective: { tau: Float64Array; psiPhi: Float64Array; psiPhiNormalized: Float64Array };
  /** Psi^phi(tau, tau) / Psi^phi(0, 0): the slow diagonal (PRL: timescale ~ 1/eps^2 near g = 1) */
  diagonal: { tau: Float64Array; psiPhi: Float64Array; psiPhiNormalized: Float64Array };
}


function activeFrequencies(Cp: Float64Array, Cx: Float64Array, rel: number): Int32Array {
  let mp = 0, mx = 0;
  for (let k = 0; k < Cp.length; k++) {
    mp = Math.max(mp, Math.abs(Cp[k]));
    mx = Math.max(mx, Math.abs(Cx[k]));
  }
  const out: number[] = [];
  for (let k = 0; k < Cp.length; k++) if (Math.abs(Cp[k]) > rel * mp || Math.abs(Cx[k]) > rel * mx) out.push(k);
  return Int32Array.from(out);
}

/** The effective-rank-independent pieces of the dimension theory of one DMFT solution: PR_iid, K, and
 *  Psi^phi(tau, 0), Psi^phi(tau, tau) split as A(tau) + B(tau) / (alpha PR^D) (both are linear in 1/(alpha PR^D)). */
interface DimensionParts extends Omit<DimensionTheory, "collective" | "diagonal"> {
  collectiveA: Float64Array;
  collectiveB: Float64Array;
  diagonalA: Float64Array;
  diagonalB: Float64Array;
}

const partsCache = new WeakMap<DmftSolution, DimensionParts>();

function dimensionParts(sol: DmftSolution): DimensionParts {
  const cached = partsCache.get(sol);
  if (cached) return cached;
  const { dt, points: M } = sol.params;
  const nu = sol.nu;
  const Cp = spectrum(sol.cPhi, M, dt), Cx = spectrum(sol.cX, M, dt);
  const w = Float64Array.from({ length: M }, (_, k) => ((2 * Math.PI) / (M * dt)) * (k < M / 2 ? k : k - M));
  const meas = 1 / (M * dt);
  let psiP = 0, psiX = 0, dP = 0, dX = 0;
  const rowA = new Float64Array(M), rowB = new Float64Array(M);
  const antiA = new Float64Array(M), antiB = new Float64Array(M);
  // Frequencies where both spectra are below 1e-15 of their peak are skipped: every factor multiplying them is
  // O(1) there except (2|X|^2 - nu^2) <= 2 (1 + (pi/dt)^2)^2, so the neglected part is < 1e-9 relative for
  // dt >= 0.05 — and near g = 1, where the spectra are narrow, most of the grid is skipped.
  const active = activeFrequencies(Cp, Cx, 1e-15);
  for (const a of active) {
    const w1 = w[a], A1 = 1 + w1 * w1;
    let sp = 0, sx = 0, sdp = 0, sdx = 0;
    for (const b of active) {
      const w2 = w[b];
      const X2 = A1 * (1 + w2 * w2);
      const re = 1 - w1 * w2 - nu, im = w1 + w2;
      const den = re * re + im * im;
      const cp = Cp[b] / den, cx = Cx[b] / den;
      const j = (a + b) & (M - 1);
      antiA[j] += Cp[a] * cp * X2;
      antiB[j] += Cp[a] * cp * nu * nu;
      sp += cp * X2;
      sdp += cp;
      sx += cx * (2 * X2 - nu * nu);
      sdx += cx * X2;
    }
    psiP += Cp[a] * sp;
    dP += Cp[a] * sdp;
    psiX += Cx[a] * sx;
    dX += Cx[a] * sdx;
    rowA[a] = Cp[a] * sp * meas;
    rowB[a] = Cp[a] * nu * nu * sdp * meas;
  }
  const m2 = meas * meas;
  psiP *= m2;
  psiX *= m2;
  dP *= nu * nu * m2;
  dX *= m2;
  const cp0 = sol.cPhi[0], cx0 = sol.cX[0];
  // Psi^phi(tau, 0) = sum_w1 meas e^{i w1 tau} row(w1); Psi^phi(tau, tau) = sum_Omega e^{i Omega tau} anti(Omega) m2
  const inverse = (arr: Float64Array, scale: number) => {
    const re = Float64Array.from(arr), im = new Float64Array(M);
    fft(re, im, true);
    return re.map((v) => v * scale);
  };
  const parts: DimensionParts = {
    prPhiIid: (cp0 * cp0) / psiP, prXIid: (cx0 * cx0) / psiX, kPhi: (cp0 * cp0) / dP, kX: (cx0 * cx0) / dX,
    psiPhi00Iid: psiP, psiX00Iid: psiX,
    collectiveA: inverse(rowA, M * meas), collectiveB: inverse(rowB, M * meas),
    diagonalA: inverse(antiA, M * m2), diagonalB: inverse(antiB, M * m2),
  };
  partsCache.set(sol, parts);
  return parts;
}

/** PR_iid, K and Psi(tau, 0) from a DMFT solution; `effectiveRank` sets the collective function's amplitude.
 *  The O(M^2) frequency sums run once per solution (cached); other effective ranks cost O(lags). */
export function dimensionTheory(sol: DmftSolution, effectiveRank = Infinity, collectiveLags = 40): DimensionTheory {
  const P = dimensionParts(sol);
  const { dt, points: M } = sol.params;
  const inv = Number.isFinite(effectiveRank) ? 1 / effectiveRank : 0;
  const L = Math.min(collectiveLags, M / 2);
  const tau = Float64Array.from({ length: L + 1 }, (_, k) => k * dt);
  const psiTau = Float64Array.from({ length: L + 1 }, (_, k) => P.collectiveA[k] + inv * P.collectiveB[k]);
  const psiDiag = Float64Array.from({ length: L + 1 }, (_, k) => P.diagonalA[k] + inv * P.diagonalB[k]);
  const { prPhiIid, prXIid, kPhi, kX, psiPhi00Iid, psiX00Iid } = P;
  return {
    diagonal: { tau, psiPhi: psiDiag, psiPhiNormalized: psiDiag.map((v) => v / psiDiag[0]) },
    prPhiIid, prXIid, kPhi, kX, psiPhi00Iid, psiX00Iid,
    collective: { tau, psiPhi: psiTau, psiPhiNormalized: psiTau.map((v) => v / psiTau[0]) },
  };
}

/** 1/PR = 1/PR_iid + 1/(K alpha PR^D) */
export function harmonicPr(prIid: number, k: number, effectiveRank: number): number {
  return 1 / (1 / prIid + (Number.isFinite(effectiveRank) ? 1 / (k * effectiveRank) : 0));
}

/** The three gain observables of THEORY §4.6 from PR^phi_iid, K^phi, alpha PR^D and PR^G. */
export function gainDimensions(prIid: number, k: number, effectiveRank: number, prG: number) {
  const invR = Number.isFinite(effectiveRank) ? 1 / effectiveRank : 0;
  return {
    prPhiUnnormalized: 1 / (1 / (prG * prIid) + invR / k),
    prPhiNormalized: 1 / (1 / prIid + (invR + 1 / prG - 1) / k),
    prPhiReadout: 1 / ((1 / prG - 1) * (1 + 1 / k) + 1 / prIid + invR / k),
  };
}
