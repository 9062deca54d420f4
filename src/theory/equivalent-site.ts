/**
 * The single site of the linear-equivalence covariance (src/theory/linear-equivalence.ts, LINEAR.md §2): a = <phi'>
 * and the residual spectra of the (driven) DMFT at g_eff,
 *   D(w) = C^phi*(w) - a^2 C^x*(w) + a^2 sigma^2 / (1 + w^2),   D_r(w) = C^phi*(w) - a^2 C^x*(w),
 * on the frequency grid the mode integrals use.
 *
 * Frequency grid: the integrands peak at w = a Im(lambda) with width 1 - a Re(lambda) >= the stability margin
 * 1 - a max Re lambda(J), narrowest near w = 0. w = w0 sinh(u), u uniform (step 0.04), w0 = margin / 2 (at most
 * 0.25), up to w = 400: the trapezoid rule on an analytic integrand converges exponentially once the spacing is a
 * fraction of the narrowest width (spacing / width <= 0.2 here). The single-site spectra are the transforms of the
 * DMFT's lag functions taken piecewise linear (sinc^2-weighted trapezoid: exact for the driven cusp at tau = 0),
 * continued as 1/w^2 (the cusp's tail) beyond half the lag grid's Nyquist frequency.
 */
import type { PhiName } from "../backend/types.ts";
import { checkFinite } from "../errors.ts";
import { solveDrivenDmft } from "./driven.ts";
import { NotPredictedError } from "./predict.ts";

/** The single site's statistics the prediction needs (module comment). */
export interface SingleSite {
  gEff: number;
  phi: PhiName | "linear";
  sigma: number;
  /** a = <phi'(x)> */
  a: number;
  /** the lag step of `residual` */
  dt: number;
  /** D_r(tau) = C^phi(tau) - a^2 C^x(tau) on lags 0, dt, 2 dt, ... (decayed to ~0 at the end) */
  residual: Float64Array;
  /** the single site's C^phi(0), C^x(0) (what the prediction's diagonal averages to as N grows) */
  cPhi0: number;
  cX0: number;
}

/** The (driven) DMFT single site at g_eff, phi, sigma (refuses sigma = 0 at g_eff <= 1: no fluctuations). */
export function singleSite(gEff: number, phi: PhiName, sigma: number): SingleSite {
  if (sigma === 0 && !(gEff > 1))
    throw new NotPredictedError(
      `without drive a network with g_eff = ${gEff.toPrecision(4)} <= 1 is quiescent (x = 0): its covariance is 0`,
    );
  const dmft = solveDrivenDmft(gEff, phi, sigma);
  const a = dmft.meanPhiPrime;
  const residual = dmft.cPhi.map((v, k) => v - a * a * dmft.cX[k]);
  return { gEff, phi, sigma, a, dt: dmft.params.dt, residual, cPhi0: dmft.cPhi[0], cX0: dmft.q };
}

/**
 * The single site of a linear network phi(x) = x driven by white noise: a = 1 and no residual, so the prediction is
 * the exact covariance of dx/dt = (J - I) x + eta (the Lyapunov equation's solution) — the identity the tests check
 * the machinery against. cPhi0 = cX0 = NaN (no mean field is involved).
 */
export function linearSite(sigma: number): SingleSite {
  checkFinite("sigma", sigma, { positive: true, max: 1e3 });
  return { gEff: NaN, phi: "linear", sigma, a: 1, dt: 0.05, residual: new Float64Array(4097), cPhi0: NaN, cX0: NaN };
}

/** int dtau e^{-i w tau} f(|tau|) of a lag function taken piecewise linear on its grid (dt apart, f(end) ~ 0). */
function evenTransform(f: Float64Array, dt: number, w: number): number {
  let s = f[0] / 2;
  const c = Math.cos(w * dt),
    s1 = Math.sin(w * dt);
  // cos(k w dt) by the rotation recurrence (re-seeded every 256 steps against drift)
  let cr = 1,
    ci = 0;
  for (let k = 1; k < f.length; k++) {
    if ((k & 255) === 0) {
      cr = Math.cos(k * w * dt);
      ci = Math.sin(k * w * dt);
    } else {
      const t = cr * c - ci * s1;
      ci = cr * s1 + ci * c;
      cr = t;
    }
    s += f[k] * cr;
  }
  const x = (w * dt) / 2;
  const sinc = x === 0 ? 1 : Math.sin(x) / x;
  return 2 * dt * s * sinc * sinc;
}

/** The frequency grid (module comment): points w_j >= 0 and trapezoid weights including the 1/2pi. */
export function frequencyGrid(margin: number, step = 0.04, wMax = 400): { w: Float64Array; weight: Float64Array } {
  const w0 = Math.min(0.25, margin / 2);
  const U = Math.asinh(wMax / w0);
  const count = Math.ceil(U / step) + 1;
  const h = U / (count - 1);
  const w = new Float64Array(count),
    weight = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    w[j] = w0 * Math.sinh(j * h);
    weight[j] = ((j === 0 || j === count - 1 ? 0.5 : 1) * h * w0 * Math.cosh(j * h)) / (2 * Math.PI);
  }
  return { w, weight };
}

/** D(w) and D_r(w) of the single site on the grid (module comment). */
export function residualSpectra(site: SingleSite, w: Float64Array): { d: Float64Array; dr: Float64Array } {
  const dt = site.dt;
  const wCut = Math.PI / (2 * dt);
  const a2s2 = site.a * site.a * site.sigma * site.sigma;
  const atCut = evenTransform(site.residual, dt, wCut);
  const dr = w.map((x) => (x <= wCut ? evenTransform(site.residual, dt, x) : (atCut * wCut * wCut) / (x * x)));
  const d = dr.map((v, j) => v + a2s2 / (1 + w[j] * w[j]));
  return { d, dr };
}

/** Linear interpolation of a lag function at |tau|. */
export function atLag(f: Float64Array, dt: number, tau: number): number {
  const x = Math.abs(tau) / dt,
    k = Math.floor(x);
  if (k >= f.length - 1) return f[f.length - 1];
  return f[k] + (x - k) * (f[k + 1] - f[k]);
}
