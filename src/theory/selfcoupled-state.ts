/**
 * The sampling single site's iterate (src/theory/selfcoupled.ts): the state on the frequency grid (C^phi(w), the
 * response S(w), C^x(w), <phi'>), the exact Gaussian state it starts from, running averages, the estimate of a new
 * state from the chunks' Welch sums (the control variate added back), the lag window that keeps the kernel's
 * support finite, and the relative changes that decide convergence.
 */
import { evenSpectrum, fft } from "./fft.ts";
import { type WelchAcc } from "./selfcoupled-chunk.ts";

export interface SamplerState {
  /** C^phi(w_k), S^phi(w_k) on the M-point grid (k = 0 .. M-1, w_k = 2 pi k / (M dt), wrapped) */
  cPhiW: Float64Array;
  sRe: Float64Array;
  sIm: Float64Array;
  /** C^x(w_k) = <|E + R Phi|^2> / (1 + w^2), from the same transforms */
  cXW: Float64Array;
  meanPhiPrime: number;
}

export function freqOf(k: number, M: number, dt: number): number {
  return ((k <= M / 2 ? k : k - M) * 2 * Math.PI) / (M * dt);
}

/** The Gaussian (uncoupled) site's state: C^phi(w) from its lags (0 .. M/2), S^phi = <phi'>/(1 + i w). */
export function gaussianState(cPhiLag: Float64Array, meanPhiPrime: number, M: number, dt: number): SamplerState {
  const st = zeroState(M);
  st.cPhiW.set(evenSpectrum(cPhiLag, M, dt));
  st.meanPhiPrime = meanPhiPrime;
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    st.sRe[k] = meanPhiPrime / d;
    st.sIm[k] = (-meanPhiPrime * w) / d;
  }
  return st;
}

export function zeroState(M: number): SamplerState {
  return {
    cPhiW: new Float64Array(M),
    sRe: new Float64Array(M),
    sIm: new Float64Array(M),
    cXW: new Float64Array(M),
    meanPhiPrime: 0,
  };
}
export function addScaled(acc: SamplerState, s: SamplerState, w: number): void {
  for (let k = 0; k < acc.cPhiW.length; k++) {
    acc.cPhiW[k] += w * s.cPhiW[k];
    acc.sRe[k] += w * s.sRe[k];
    acc.sIm[k] += w * s.sIm[k];
    acc.cXW[k] += w * s.cXW[k];
  }
  acc.meanPhiPrime += w * s.meanPhiPrime;
}

/** C^phi(w), S^phi(w) (regression on the sampled eta spectrum `ee`), C^x(w) from one set of sums. */
export function estimate(
  acc: WelchAcc,
  ee: Float64Array,
  norm: number,
  meanPhiPrime: number,
  rRe: Float64Array,
  rIm: Float64Array,
  rInst: number,
  M: number,
  dt: number,
): SamplerState {
  const est = zeroState(M);
  est.meanPhiPrime = meanPhiPrime;
  let eeMax = 0;
  for (let k = 0; k < M; k++) eeMax = Math.max(eeMax, ee[k]);
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    const ar = rRe[k] + rInst,
      ai = rIm[k];
    // <|E + R Phi|^2> / (1 + w^2)
    est.cXW[k] = ((ee[k] + (ar * ar + ai * ai) * acc.pp[k] + 2 * (ar * acc.peRe[k] - ai * acc.peIm[k])) * norm) / d;
    est.cPhiW[k] = acc.pp[k] * norm;
    if (ee[k] > 1e-7 * eeMax) {
      est.sRe[k] = acc.peRe[k] / ee[k];
      est.sIm[k] = acc.peIm[k] / ee[k];
    } else {
      est.sRe[k] = meanPhiPrime / d;
      est.sIm[k] = (-meanPhiPrime * w) / d;
    }
  }
  return est;
}

export function lagWindow(est: SamplerState, cLag: Float64Array, M: number, dt: number, tauCut: number): void {
  const jc = Math.min(M / 2 - 1, Math.round(tauCut / dt));
  const taper = (j: number) =>
    j <= jc / 2 ? 1 : j >= jc ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (j - jc / 2)) / (jc / 2));
  const c = new Float64Array(M);
  for (let j = 0; j <= M / 2; j++) {
    const v = cLag[j] * taper(j);
    c[j] = v;
    if (j > 0 && j < M / 2) c[M - j] = v;
  }
  est.cPhiW.set(evenSpectrum(c, M, dt));
  for (let k = 0; k < M; k++) est.cPhiW[k] = Math.max(est.cPhiW[k], 0);
  const a = est.meanPhiPrime;
  const rr = new Float64Array(M),
    ri = new Float64Array(M);
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    rr[k] = est.sRe[k] - a / d;
    ri[k] = est.sIm[k] + (a * w) / d;
  }
  fft(rr, ri, true); // rest(tau_j) dt
  for (let j = 0; j < M; j++) {
    const keep = j === 0 ? 0.5 : j <= jc ? taper(j) : 0;
    rr[j] *= keep;
    ri[j] = 0;
  }
  fft(rr, ri);
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    est.sRe[k] = rr[k] + a / d;
    est.sIm[k] = ri[k] - (a * w) / d;
  }
}

export function relChange(a: Float64Array, b: Float64Array): number {
  let d = 0,
    s = 0;
  for (let k = 0; k < a.length; k++) {
    d += (a[k] - b[k]) ** 2;
    s += b[k] ** 2;
  }
  return Math.sqrt(d / s);
}
export function relChange2(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): number {
  let d = 0,
    s = 0;
  for (let k = 0; k < ar.length; k++) {
    d += (ar[k] - br[k]) ** 2 + (ai[k] - bi[k]) ** 2;
    s += br[k] ** 2 + bi[k] ** 2;
  }
  return Math.sqrt(d / s);
}
