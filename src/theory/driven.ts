/**
 * The DMFT of a noise-driven network (LINEAR.md §1): dx_i/dt = -x_i + sum_j J_ij phi(x_j) + eta_i(t),
 * <eta_i(t) eta_j(t')> = sigma^2 delta_ij delta(t - t'), i.i.d. J of strength g (g_eff for the random-mode model).
 * The single site is x driven by a Gaussian field of spectrum g^2 C^phi(w) plus the white noise:
 *
 *   (1 + w^2) C^x(w) = g^2 C^phi(w) + sigma^2,   C^phi(tau) = F(C^x(tau); C^x(0))   (dmft.ts phiCovariance)
 *   C^x(tau) = sigma^2/2 e^-|tau| + g^2 (K * C^phi)(tau),   K(tau) = e^-|tau| / 2
 *
 * Numerics: the Ornstein-Uhlenbeck term sigma^2/2 e^-|tau| is exact in tau (its cusp at 0 would alias on a grid);
 * the smooth g^2 K * C^phi by FFT on a periodic lag grid (its spectrum falls like 1/w^4); the fixed point by
 * Anderson-accelerated iteration (anderson.ts) from the noise-free solution plus the OU term. With drive the state
 * fluctuates at every g (no quiescent phase) and C^x(0) > sigma^2 / 2; sigma = 0 is the noise-free DMFT (solveDmft).
 * The dimension with drive (drivenDimension): a hypothesis, not a derivation — the noise-free four-point formula of
 * THEORY §4.3-4.4, Psi^phi*(w1, w2) = C^phi_1 C^phi_2 |X|^2 / |X - nu|^2 (X = (1 + i w1)(1 + i w2), nu = g^2
 * <phi'>^2) and its random-mode form, evaluated with the driven single site's C^phi and <phi'>: the noise enters
 * the cavity argument as one more source independent across units, like the residuals that already carry the
 * single-site statistics. It gives PR^phi only (PR^x's closed form uses C^x = g^2 |K|^2 C^phi, which the drive
 * breaks). test/theory/driven.test.ts checks it against driven simulations and says where it fails.
 */
import { ConvergenceError, checkFinite, checkG, checkOneOf } from "../errors.ts";
import type { PhiName } from "../backend/types.ts";
import { cXOnGrid, gaussianPhiStats, solveDmft, type DmftSolution } from "./dmft.ts";
import { dimensionTheory, harmonicPr } from "./dimension.ts";
import type { Backend } from "../backend/types.ts";
import { evenSpectrum, lagsOfSpectrum } from "./fft.ts";
import { andersonFixedPoint } from "./anderson.ts";

/** The driven single site's statistics on a lag grid. */
export interface DrivenDmft {
  g: number;
  phi: PhiName;
  sigma: number;
  /** C^x(0) */
  q: number;
  /** lags 0, dt, 2 dt, ... */
  tau: Float64Array;
  cX: Float64Array;
  cPhi: Float64Array;
  /** <phi'(x)> at variance q */
  meanPhiPrime: number;
  params: { dt: number; points: number };
}

/**
 * Solve the noise-driven DMFT (see the module comment).
 *
 * @param g coupling strength (g_eff)
 * @param phi "tanh" or "erf"
 * @param sigma the noise amplitude (sigma^2 the white noise's intensity), >= 0
 * @param options dt (lag step, default 0.05), points (a power of two, default 8192: lags up to 204.8)
 */
export function solveDrivenDmft(
  g: number,
  phi: PhiName,
  sigma: number,
  options: { dt?: number; points?: number } = {},
): DrivenDmft {
  checkG("g", g);
  checkOneOf("phi", phi, ["tanh", "erf"] as const);
  checkFinite("sigma", sigma, { min: 0 });
  const dt = options.dt ?? 0.05,
    M = options.points ?? 8192,
    half = M / 2;
  const tau = Float64Array.from({ length: half + 1 }, (_, k) => k * dt);
  const ou = tau.map((t) => ((sigma * sigma) / 2) * Math.exp(-t));
  // 1 / (1 + w_k^2) on the periodic grid's frequencies
  const filter = Float64Array.from({ length: M }, (_, k) => {
    const w = (2 * Math.PI * (k <= M / 2 ? k : k - M)) / (M * dt);
    return 1 / (1 + w * w);
  });
  const sweep = (cX: Float64Array): Float64Array => {
    const { cPhi } = gaussianPhiStats(phi, cX);
    const spec = evenSpectrum(
      cPhi.map((v) => g * g * v),
      M,
      dt,
    );
    const smooth = lagsOfSpectrum(
      spec.map((v, k) => v * filter[k]),
      new Float64Array(M),
      dt,
    );
    return ou.map((v, k) => v + smooth[k]);
  };
  // start: the noise-free chaotic solution (g > 1) plus the OU term
  const free = g > 1 ? cXOnGrid(solveDmft(g, phi), dt, half + 1) : null;
  const start = ou.map((v, k) => v + (free ? free[k] : 0));
  if (sigma === 0 && g <= 1)
    return {
      g,
      phi,
      sigma,
      q: 0,
      tau,
      cX: new Float64Array(half + 1),
      cPhi: new Float64Array(half + 1),
      meanPhiPrime: 1,
      params: { dt, points: M },
    };
  const cX = andersonFixedPoint(sweep, start, { tol: (x) => 1e-10 * x[0] });
  if (!cX) throw new ConvergenceError(`the driven DMFT did not converge at g = ${g}, sigma = ${sigma}`, { g, sigma });
  const { cPhi, meanPhiPrime } = gaussianPhiStats(phi, cX);
  return { g, phi, sigma, q: cX[0], tau, cX, cPhi, meanPhiPrime, params: { dt, points: M } };
}

/**
 * PR^phi with drive under the hypothesis of the module comment: dimensionTheory (src/theory/dimension.ts) on the
 * driven single site, for i.i.d. couplings (effectiveRank Infinity) or the random-mode model (alpha PR^D).
 *
 * @param d a solveDrivenDmft solution
 * @param effectiveRank alpha PR^D (Infinity: i.i.d.)
 * @param be the backend for the frequency double sums
 */
export function drivenDimension(d: DrivenDmft, effectiveRank = Infinity, be?: Backend): { prPhi: number } {
  const nu = d.g * d.g * d.meanPhiPrime ** 2;
  const sol: DmftSolution = {
    g: d.g,
    phi: d.phi,
    q: d.q,
    tau: d.tau,
    cX: d.cX,
    cPhi: d.cPhi,
    meanPhiPrime: d.meanPhiPrime,
    nu,
    quiescent: false,
    tauSwitch: 0,
    kappa: Math.sqrt(Math.max(0, 1 - nu)),
    params: { ...d.params, quadrature: "driven" },
  };
  const dim = dimensionTheory(sol, effectiveRank, 0, be);
  return { prPhi: Number.isFinite(effectiveRank) ? harmonicPr(dim.prPhiIid, dim.kPhi, effectiveRank) : dim.prPhiIid };
}
