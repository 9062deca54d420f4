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
 * double sums run over the half plane w1 >= 0 of the M^2 grid (the summand is even under (w1, w2) -> (-w1, -w2);
 * M = 4096: 8.4e6 terms) in the backend kernel assembly/psi.ts — one reciprocal per term, f64x2 — about
 * 25 ms with the wasm backend, ~3x that with the js one (the default when no backend is passed).
 */
import { withBuffers } from "../backend/buffers.ts";
import { angularFrequencies, evenSpectrum as spectrum, lagsOfSpectrum } from "./fft.ts";
import type { DmftSolution } from "./dmft.ts";
import { referenceBackend } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";

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

/** The effective-rank-independent pieces of the dimension theory of one DMFT solution: PR_iid, K, and
 *  Psi^phi(tau, 0), Psi^phi(tau, tau) split as A(tau) + B(tau) / (alpha PR^D) (both are linear in 1/(alpha PR^D)). */
interface DimensionParts extends Omit<DimensionTheory, "collective" | "diagonal"> {
  collectiveA: Float64Array;
  collectiveB: Float64Array;
  diagonalA: Float64Array;
  diagonalB: Float64Array;
}

const partsCache = new WeakMap<DmftSolution, Map<string, DimensionParts>>();

function dimensionParts(sol: DmftSolution, be: Backend): DimensionParts {
  const cached = partsCache.get(sol)?.get(be.name);
  if (cached) return cached;
  const { dt, points: M } = sol.params;
  const nu = sol.nu;
  const Cp = spectrum(sol.cPhi, M, dt),
    Cx = spectrum(sol.cX, M, dt);
  const w = angularFrequencies(M, dt);
  const meas = 1 / (M * dt);
  // The summand is unchanged by (w1, w2) -> (-w1, -w2) (the spectra are even, |X - nu|^2 and |X|^2 are too), so
  // only rows w1 >= 0 are summed (w1 = 0 and the Nyquist row, their own mirrors, with weight 1/2) and every
  // result is that half plus its mirror: rows and anti-diagonals are even in their frequency, and the
  // scalar sums are twice the half. The M x (M/2 + 1) terms run in the backend (assembly/psi.ts).
  const half = M / 2;
  const weight = (a: number) => (a === 0 || a === half ? 0.5 : 1);
  const sa = Float64Array.from(Cp, (c, a) => weight(a) * c); // rows a <= M/2 only are read
  const specs = [
    w,
    Cp,
    Cx,
    w.map((v) => 1 + v * v),
    sa,
    { dtype: "float64" as const, length: 4 * M },
    { dtype: "float64" as const, length: 2 * M },
  ];
  const { rows, anti } = withBuffers(be, specs, ([wb, cp, cx, xb, sab, rowsBuf, antiBuf]) => {
    be.psiSums(M, 0, half + 1, nu, wb, cp, cx, xb, sab, rowsBuf, antiBuf);
    return { rows: Float64Array.from(be.read(rowsBuf)), anti: Float64Array.from(be.read(antiBuf)) };
  });
  let psiP = 0,
    psiX = 0,
    dP = 0,
    dX = 0;
  const rowA = new Float64Array(M),
    rowB = new Float64Array(M);
  for (let a = 0; a <= half; a++) {
    const cpa = sa[a],
      cxa = weight(a) * Cx[a];
    psiP += cpa * rows[a];
    dP += cpa * rows[M + a];
    psiX += cxa * rows[2 * M + a];
    dX += cxa * rows[3 * M + a];
    rowA[a] = cpa * rows[a] * meas;
    rowB[a] = cpa * nu * nu * rows[M + a] * meas;
  }
  const antiA = anti.subarray(0, M),
    antiB = anti.subarray(M);
  for (const arr of [rowA, rowB, antiA, antiB]) {
    for (let a = 1; a < half; a++) arr[a] += arr[M - a];
    arr[0] *= 2;
    arr[half] *= 2;
    for (let a = 1; a < half; a++) arr[M - a] = arr[a];
  }
  for (let j = 0; j < M; j++) antiB[j] *= nu * nu;
  psiP *= 2;
  dP *= 2;
  psiX *= 2;
  dX *= 2;
  const m2 = meas * meas;
  psiP *= m2;
  psiX *= m2;
  dP *= nu * nu * m2;
  dX *= m2;
  const cp0 = sol.cPhi[0],
    cx0 = sol.cX[0];
  // Psi^phi(tau, 0) = sum_w1 meas e^{i w1 tau} row(w1) (rows already carry meas: the lags of a spectrum);
  // Psi^phi(tau, tau) = sum_Omega e^{i Omega tau} anti(Omega) m2, i.e. the lags of anti with step dt / meas
  const zero = new Float64Array(M);
  const parts: DimensionParts = {
    prPhiIid: (cp0 * cp0) / psiP,
    prXIid: (cx0 * cx0) / psiX,
    kPhi: (cp0 * cp0) / dP,
    kX: (cx0 * cx0) / dX,
    psiPhi00Iid: psiP,
    psiX00Iid: psiX,
    collectiveA: lagsOfSpectrum(rowA, zero, dt),
    collectiveB: lagsOfSpectrum(rowB, zero, dt),
    diagonalA: lagsOfSpectrum(antiA, zero, dt / meas),
    diagonalB: lagsOfSpectrum(antiB, zero, dt / meas),
  };
  if (!partsCache.has(sol)) partsCache.set(sol, new Map());
  partsCache.get(sol)!.set(be.name, parts);
  return parts;
}

/** PR_iid, K and Psi(tau, 0) from a DMFT solution; `effectiveRank` sets the collective function's amplitude.
 *  The O(M^2) frequency sums run once per solution (cached); other effective ranks cost O(lags). */
export function dimensionTheory(
  sol: DmftSolution,
  effectiveRank = Infinity,
  collectiveLags = 40,
  be: Backend = referenceBackend(),
): DimensionTheory {
  const P = dimensionParts(sol, be);
  const { dt, points: M } = sol.params;
  const inv = Number.isFinite(effectiveRank) ? 1 / effectiveRank : 0;
  const L = Math.min(collectiveLags, M / 2);
  const tau = Float64Array.from({ length: L + 1 }, (_, k) => k * dt);
  const psiTau = Float64Array.from({ length: L + 1 }, (_, k) => P.collectiveA[k] + inv * P.collectiveB[k]);
  const psiDiag = Float64Array.from({ length: L + 1 }, (_, k) => P.diagonalA[k] + inv * P.diagonalB[k]);
  const { prPhiIid, prXIid, kPhi, kX, psiPhi00Iid, psiX00Iid } = P;
  return {
    diagonal: { tau, psiPhi: psiDiag, psiPhiNormalized: psiDiag.map((v) => v / psiDiag[0]) },
    prPhiIid,
    prXIid,
    kPhi,
    kX,
    psiPhi00Iid,
    psiX00Iid,
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
