/**
 * Dynamical mean-field theory of dx/dt = -x + J phi(x) with i.i.d.-like couplings (THEORY §3): the single
 * site (1 + d/dt) x = eta, eta Gaussian with covariance g^2 C^phi (g = g_eff for the random-mode model and
 * with gains, §3.2). x is Gaussian with variance q = C^x(0) and autocovariance c = C^x(tau).
 *
 *   C^phi(tau) = F(C^x(tau); q),  F(c; q) = E[phi(x) phi(y)], (x, y) Gaussian, var q, cov c
 *   (1 - d^2/dtau^2) C^x = g^2 C^phi                      (square the single-site equation)
 *   energy condition: q^2 / 2 = g^2 Var[Phi(x)],  Phi' = phi,  x ~ N(0, q)   (V(q; q) = V(0; q), §3.3-3.4)
 *   <phi'> = E[phi'(x)],  nu = g^2 <phi'>^2
 *
 * Numerics (§3.3, the Newtonian-particle route with caution (a)): q from the energy condition by bisection
 * (1-D quadratures only); then C'' = C - g^2 F(C; q) integrated from (q, 0) by RK4 (step 0.005) with F at
 * the fixed variance q. The decaying solution is a separatrix: errors grow like exp(kappa tau),
 * kappa = sqrt(1 - nu), so the integration stops once C < 1e-3 q (or turns) and the tail is continued as
 * the linearised solution C(tau_s) exp(-kappa (tau - tau_s)). The lag functions are then sampled on a
 * periodic grid (for the frequency-space formulas of src/theory/dimension.ts). Gaussian averages
 * use a uniform trapezoid grid in the standard-normal variable on [-10, 10] (Gauss–Hermite is inaccurate at
 * large q for tanh, whose poles sit at distance pi / (2 sqrt q)). F(c; q) for tanh needs a 2-D integral: it is
 * tabulated once per q on a c-grid (F(c) = E_z[h_c(z) h_{±c}(z)] with 1-D inner averages h) and
 * interpolated by cubic Hermite splines (q < 10); for q >= 10 as the exact arcsin of the sign function plus a
 * tabulated O(1/sqrt q) correction (tanhCovarianceLargeQ), which keeps any g accurate. For erf(sqrt(pi) x / 2)
 * F is the closed form (M1), F = (2/pi) arcsin(c / (q + 2/pi)), and <phi'> = 1/sqrt(1 + pi q / 2).
 * g <= 1: the quiescent solution (q = 0) is returned explicitly.
 */
import { ConvergenceError, checkFinite, checkOneOf, invalid, checkG } from "../errors.ts";
import { erf } from "../backend/special.ts";
import type { PhiName } from "../backend/types.ts";

export { ConvergenceError };

const SQRT_PI_2 = Math.sqrt(Math.PI) / 2;
/** largest automatic lag step near g = 1, in units of 1/kappa: pi / dt >= 17.6 kappa */
const DT_KAPPA_MAX = Math.PI / 17.6;
const formatShort = (v: number) => Number(v.toPrecision(3)).toString();
/** standard-normal trapezoid grid */
const Z_MAX = 10,
  DZ = 0.02;
const ZS = Float64Array.from({ length: Math.round((2 * Z_MAX) / DZ) + 1 }, (_, k) => -Z_MAX + k * DZ);
const WZ = ZS.map((z) => (DZ * Math.exp((-z * z) / 2)) / Math.sqrt(2 * Math.PI));

function dphiOf(kind: PhiName): (x: number) => number {
  return kind === "tanh" ? (x) => 1 / Math.cosh(x) ** 2 : (x) => Math.exp((-Math.PI / 4) * x * x);
}
/** Phi with Phi' = phi: log cosh x (computed without overflow), or x erf(a x) + exp(-a^2 x^2)/(a sqrt pi). */
function bigPhiOf(kind: PhiName): (x: number) => number {
  if (kind === "tanh") return (x) => Math.abs(x) + Math.log1p(Math.exp(-2 * Math.abs(x))) - Math.LN2;
  return (x) => x * erf(SQRT_PI_2 * x) + (2 / Math.PI) * Math.exp((-Math.PI / 4) * x * x);
}

/** E[f(sqrt(q) z)], z ~ N(0, 1), trapezoid on [-10, 10]; with `scale`, the grid step in x = sqrt(q) z is
 *  capped at 0.02 / scale, for integrands (sech^2) narrower than the Gaussian at large q. */
export function gaussianAverage(f: (x: number) => number, q: number, scale = 0): number {
  const s = Math.sqrt(Math.max(q, 0));
  if (scale > 0 && s * DZ > 0.02 / scale) {
    const h = 0.02 / scale / s; // step in z
    const K = Math.ceil(Z_MAX / h);
    let acc = 0;
    for (let k = -K; k <= K; k++) {
      const z = k * h;
      acc += Math.exp((-z * z) / 2) * f(s * z);
    }
    return (acc * h) / Math.sqrt(2 * Math.PI);
  }
  let acc = 0;
  for (let k = 0; k < ZS.length; k++) acc += WZ[k] * f(s * ZS[k]);
  return acc;
}

/** The nonzero root q of q^2/2 = g^2 Var[Phi(sqrt(q) z)] (g > 1), by bisection on a bracket. */
export function varianceFromEnergy(g: number, kind: PhiName): number {
  if (g <= 1) return 0;
  const P = bigPhiOf(kind);
  const f = (q: number) => {
    const m = gaussianAverage(P, q),
      m2 = gaussianAverage((x) => P(x) ** 2, q);
    return (q * q) / 2 - g * g * (m2 - m * m);
  };
  let lo = 1e-8,
    hi = 1;
  while (f(hi) < 0) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-14 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** From this variance on (g >~ 3.9), tanh's F(c; q) comes from tanhCovarianceLargeQ, more accurate there
 *  than the uniform 2-D table (3e-8 vs 4e-4 at q = 71); below, the 2-D table (5e-7 vs 1.5e-6 at q = 1). */
const LARGE_Q = 10;
/** Gauss–Legendre nodes and weights on [0, 16] (96 points; by Golub–Welsch-free Newton iteration on P_n) */
const GL = (() => {
  const n = 96,
    L = 16,
    x = new Float64Array(n),
    w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5)),
      dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1,
        p1 = t;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k];
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    x[i] = (L * (1 - t)) / 2;
    w[i] = L / (1 - t * t) / (dp * dp);
  }
  return { x, w };
})();
/** rho(u) = tanh u - sgn u for u > 0, i.e. -2 / (e^{2u} + 1): tanh's distance from the sign function */
const rhoPos = (u: number) => -2 / (Math.exp(2 * u) + 1);

/** int_a^b f by 96-point Gauss–Legendre */
function gl(a: number, b: number, f: (x: number) => number): number {
  let acc = 0;
  const h = (b - a) / 16;
  for (let i = 0; i < GL.x.length; i++) acc += GL.w[i] * f(a + h * GL.x[i]);
  return acc * h;
}

/**
 * G(c; q) = F(c; q) - (2/pi) arcsin(c / q) for tanh, c in [0, q] (see tanhCovarianceLargeQ). When the
 * conditional spread s of y given x is below 2, the integrals are split where they are steep: the x-range at
 * the point where erf(mu / (s sqrt 2)) reaches 1, and R(mu) is integrated in z = (y - mu) / s on [-9, 9],
 * split at the jump of rho at y = 0.
 */
export function tanhCorrection(c: number, q: number): number {
  const s2 = Math.max(q - (c * c) / q, 0),
    s = Math.sqrt(s2);
  const nq = (x: number) => Math.exp((-x * x) / (2 * q)) / Math.sqrt(2 * Math.PI * q);
  const rho = (u: number) => (u > 0 ? rhoPos(u) : u < 0 ? -rhoPos(-u) : 0);
  if (s === 0) return 2 * (2 * gl(0, 16, (x) => nq(x) * rhoPos(x)) + gl(0, 16, (x) => nq(x) * rhoPos(x) ** 2));
  const R = (mu: number) => {
    if (s >= 2)
      return (
        gl(0, 16, (y) => rhoPos(y) * (Math.exp(-((y - mu) ** 2) / (2 * s2)) - Math.exp(-((y + mu) ** 2) / (2 * s2)))) /
        Math.sqrt(2 * Math.PI * s2)
      );
    const f = (z: number) => (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * rho(mu + s * z);
    const z0 = -mu / s;
    return z0 > -9 && z0 < 9 ? gl(-9, z0, f) + gl(z0, 9, f) : gl(-9, 9, f);
  };
  const integrand = (x: number) => {
    const mu = (c * x) / q;
    return nq(x) * rhoPos(x) * (2 * erf(mu / (s * Math.SQRT2)) + R(mu));
  };
  // erf(mu / (s sqrt 2)) = 1 to double precision once mu > 8.5 s, i.e. x > 8.5 s q / c
  const knee = c > 0 ? (8.5 * s * q) / c : Infinity;
  return 2 * (knee < 16 ? gl(0, knee, integrand) + gl(knee, 16, integrand) : gl(0, 16, integrand));
}

/**
 * tanh's F(c; q) = E[tanh x tanh y] for large q (x, y Gaussian, variance q, covariance c), from
 * tanh = sgn + rho with rho(u) = tanh u - sgn u odd and localised (|rho| < 1e-13 beyond |u| = 16):
 *   F = (2/pi) arcsin(c / q) + G,   G = 2 E[rho(x) sgn y] + E[rho(x) rho(y)],
 *   E[rho(x) sgn y] = 2 int_0^16 N(x; q) rho(x) erf(mu / (s sqrt 2)) dx,
 *   E[rho(x) rho(y)] = 2 int_0^16 N(x; q) rho(x) R(mu) dx,  R(mu) = int_0^16 [N(y - mu; s^2) - N(y + mu; s^2)] rho(y) dy,
 * with y | x ~ N(mu = c x / q, s^2 = q - c^2 / q). The arcsin (the g -> infinity sign limit, with its infinite
 * slope at c = q) is exact; only the O(1/sqrt q) correction G is tabulated, on c = q cos theta with
 * theta = (pi/2) t^2, t uniform on [0, 1]: G varies on the scale theta ~ 1/sqrt q near c = q (where s ~ 1),
 * which this grid resolves for any q; G is odd in c. Each integrand is smooth on [0, 16] (rho is analytic in
 * |Im u| < pi/2) while s >~ 1, true on the grid except at c = q (s = 0, y = x): 96-point Gauss–Legendre.
 * Used for q >= 10 (LARGE_Q).
 */
export function tanhCovarianceLargeQ(q: number): (c: number) => number {
  const P = 200;
  const G = new Float64Array(P + 1); // G at t_k = k / P, c_k = q cos((pi/2) t_k^2)
  for (let k = 0; k <= P; k++) G[k] = tanhCorrection(k === 0 ? q : q * Math.cos((Math.PI / 2) * (k / P) ** 2), q);
  // derivatives in t (per grid step) by central differences; G is even in t at t = 0 (it depends on
  // theta = (pi/2) t^2), and at t = 1 (c = 0, G odd in c, c linear in t there) the one-sided difference is used
  const D = Float64Array.from(G, (_, k) => (k === 0 ? 0 : k === P ? G[P] - G[P - 1] : (G[k + 1] - G[k - 1]) / 2));
  return (c: number) => {
    const sign = c < 0 ? -1 : 1;
    const r = Math.min(1, Math.abs(c) / q);
    const t = Math.sqrt(Math.acos(r) / (Math.PI / 2));
    return sign * ((2 / Math.PI) * Math.asin(r) + hermiteAt(G, D, Math.min(P - 1e-9, t * P)));
  };
}

/** F(c; q) = E[phi(x) phi(y)] as a function of c in [-q, q]. */
export function phiCovariance(kind: PhiName, q: number): (c: number) => number {
  if (kind === "erf") return (c) => (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, c / (q + 2 / Math.PI))));
  if (q >= LARGE_Q) return tanhCovarianceLargeQ(q);
  // tanh: tabulate F on a c-grid, F(c) = E_z[h(z) h(s z)], h(z) = E_x[tanh(sqrt(q - |c|) x + sqrt|c| z)];
  // F is odd in c (tanh odd), so only c >= 0 is computed. Trapezoid rule on [-10, 10] with dz =
  // 0.25 / sqrt(max(q, 1)): for an integrand analytic in the strip |Im z| < d against the Gaussian weight the
  // trapezoid error is ~exp(-2 pi d / dz), and tanh(a z + y) has its poles at d = pi / (2a), a <= sqrt q, so
  // this step leaves ~exp(-40). The authors' fixed dz = 0.04 agrees with it to 3e-15 for q in [0.05, 10]
  // (measured, all 201 c-points) at 1/4 to 1/40 of the cost, which matters to the sampler's control variate
  // (one table per iteration, selfcoupled.ts).
  const P = 200;
  const dz = 0.25 / Math.sqrt(Math.max(q, 1));
  const nz = 2 * Math.ceil(10 / dz) + 1;
  const zs = Float64Array.from({ length: nz }, (_, k) => -10 + k * (20 / (nz - 1)));
  const wz = zs.map((z) => ((20 / (nz - 1)) * Math.exp((-z * z) / 2)) / Math.sqrt(2 * Math.PI));
  const Fs = new Float64Array(2 * P + 1);
  const h = new Float64Array(zs.length);
  for (let k = 0; k <= P; k++) {
    const c = (k / P) * q,
      a = Math.sqrt(Math.max(q - c, 0)),
      b = Math.sqrt(c);
    // h is odd in z (tanh odd, the x-grid symmetric): compute z >= 0 and mirror
    const mid = (zs.length - 1) / 2;
    for (let j = mid; j < zs.length; j++) {
      let acc = 0;
      const y = b * zs[j];
      for (let i = 0; i < zs.length; i++) acc += wz[i] * Math.tanh(a * zs[i] + y);
      h[j] = acc;
      h[2 * mid - j] = -acc;
    }
    let acc = 0;
    for (let j = 0; j < zs.length; j++) acc += wz[j] * h[j] * h[j];
    Fs[P + k] = acc;
    Fs[P - k] = -acc;
  }
  return hermite(Fs, q);
}

/** Cubic Hermite interpolation (finite-difference slopes) of F tabulated at c = (k / P - 1) q, k = 0..2P. */
function hermite(Fs: Float64Array, q: number): (c: number) => number {
  const P = (Fs.length - 1) / 2;
  const last = Fs.length - 1;
  const D = Float64Array.from(Fs, (_, k) =>
    k === 0 ? Fs[1] - Fs[0] : k === last ? Fs[k] - Fs[k - 1] : (Fs[k + 1] - Fs[k - 1]) / 2,
  );
  return (c: number) => hermiteAt(Fs, D, Math.max(0, Math.min(2 * P - 1e-9, (c / q) * P + P)));
}

/** Cubic Hermite interpolation of values F with derivatives D (both per grid step) at grid position u. */
function hermiteAt(F: Float64Array, D: Float64Array, u: number): number {
  const k = Math.floor(u),
    t = u - k;
  const t2 = t * t,
    t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * F[k] + (t3 - 2 * t2 + t) * D[k] + (-2 * t3 + 3 * t2) * F[k + 1] + (t3 - t2) * D[k + 1];
}

export interface DmftOptions {
  /** lag step of the periodic grid (default 0.1) */
  dt?: number;
  /** grid points, a power of two (default: the smallest of 4096 ... 8192 whose frequency step
   *  2 pi / (points dt) resolves the width 1 - nu of the near-critical factor 1/|X - nu|^2 by 1.5 bins;
   *  closer to g = 1, when dt is not given, the lag step grows instead (up to pi / (17.6 kappa), where the
   *  band-limited spectra are below 1e-12), and then the grid, up to 32768 points) */
  points?: number;
}

/** The DMFT fixed point: C^x(tau), C^phi(tau) on a lag grid and their equal-time values. */
export interface DmftSolution {
  g: number;
  phi: PhiName;
  /** C^x(0) = q from the energy condition */
  q: number;
  /** lags 0, dt, 2 dt, ... (half the periodic grid) */
  tau: Float64Array;
  cX: Float64Array;
  cPhi: Float64Array;
  meanPhiPrime: number;
  nu: number;
  quiescent: boolean;
  /** where the integration handed over to the exponential tail, and the tail's rate sqrt(1 - nu) */
  tauSwitch: number;
  kappa: number;
  params: { dt: number; points: number; quadrature: string };
}

/** the last solution and its arguments: `strand theory` asks for the same fixed point twice (the observables and the
 *  maximal exponent); a solution is never mutated after it is returned */
let lastSolution: { key: string; solution: DmftSolution } | null = null;

/** Solve the single-site DMFT for C^x(tau), C^phi(tau), <phi'> (see the module comment). The returned arrays are
 *  shared with later calls with the same arguments: read them, do not write them. */
export function solveDmft(g: number, phi: PhiName = "tanh", opts: DmftOptions = {}): DmftSolution {
  const key = `${g} ${phi} ${opts.dt} ${opts.points}`;
  if (lastSolution?.key === key) return lastSolution.solution;
  const solution = solveDmftUncached(g, phi, opts);
  lastSolution = { key, solution };
  return solution;
}

function solveDmftUncached(g: number, phi: PhiName, opts: DmftOptions): DmftSolution {
  checkG("g", g);
  checkOneOf("phi", phi, ["tanh", "erf"] as const);
  let dt = checkFinite("dt", opts.dt ?? 0.1, { positive: true });
  if (
    opts.points !== undefined &&
    (!Number.isInteger(opts.points) || opts.points < 64 || (opts.points & (opts.points - 1)) !== 0)
  ) {
    throw invalid("points", "must be a power of two >= 64", opts.points);
  }
  let M = opts.points ?? 4096;
  const gridFor = (m: number) => {
    const half = m / 2;
    return {
      half,
      tau: Float64Array.from({ length: half + 1 }, (_, k) => k * dt),
      params: { dt, points: m, quadrature: `trapezoid z in [-${Z_MAX}, ${Z_MAX}], dz = ${DZ}` },
    };
  };
  let { half, tau, params } = gridFor(M);
  if (g <= 1) {
    // quiescent: x = 0, <phi'> = phi'(0) = 1 for both nonlinearities
    return {
      g,
      phi,
      q: 0,
      tau,
      cX: new Float64Array(half + 1),
      cPhi: new Float64Array(half + 1),
      meanPhiPrime: 1,
      nu: g * g,
      quiescent: true,
      tauSwitch: 0,
      kappa: Math.sqrt(Math.max(0, 1 - g * g)),
      params,
    };
  }
  const q = varianceFromEnergy(g, phi);
  const F = phiCovariance(phi, q);
  const meanPhiPrime0 = phi === "erf" ? 1 / Math.sqrt(1 + (Math.PI * q) / 2) : gaussianAverage(dphiOf(phi), q, 1);
  const nu0 = g * g * meanPhiPrime0 ** 2;
  if (!(nu0 < 1))
    throw new ConvergenceError(
      `nu = g^2 <phi'>^2 = ${nu0} >= 1 at g = ${g}: no decaying solution (quadrature failure?)`,
      { nu: nu0 },
    );
  const kappa = Math.sqrt(1 - nu0);
  if (opts.points === undefined) {
    // the frequency step 2 pi / (M dt) must resolve the ridge of 1/|X - nu|^2 (width 1 - nu) by 1.5 bins
    const span = (1.5 * 2 * Math.PI) / (1 - nu0);
    while (M * dt < span && M < 8192) M *= 2;
    if (M * dt < span && opts.dt === undefined) {
      // near g = 1 the functions are slow and band-limited (C^x ~ sech(kappa tau), spectrum ~ exp(-pi w / (2 kappa)))
      // so the lag step can grow: keep the Nyquist frequency pi / dt above 17.6 kappa (spectrum < 1e-12 there).
      dt = Math.min(span / M, DT_KAPPA_MAX / kappa);
    }
    while (M * dt < span && M < 32768) M *= 2;
    if (M * dt < span) {
      throw invalid(
        "g",
        `is too close to the transition for the frequency grid (1 - nu = ` +
          `${(1 - nu0).toExponential(2)} needs ${2 ** Math.ceil(Math.log2(span / dt))} points at dt = ` +
          `${formatShort(dt)}; at most 32768 are used) — near g = 1, PR ~ (g - 1)^3 / 4.27 (tanh, ` +
          `THEORY §4.5)`,
        g,
      );
    }
    ({ half, tau, params } = gridFor(M));
  }
  // RK4 on (C, C'), C'' = C - g^2 F(C)
  const sub = Math.max(1, Math.ceil(dt / 0.005 - 1e-9)),
    h = dt / sub; // RK4 step <= 0.005, an exact divisor of dt
  const acc = (cv: number) => cv - g * g * F(cv);
  const cX = new Float64Array(half + 1);
  let C = q,
    V = 0,
    k: number,
    stopped = -1;
  cX[0] = q;
  for (k = 1; k <= half; k++) {
    for (let s2 = 0; s2 < sub; s2++) {
      const k1c = V,
        k1v = acc(C);
      const k2c = V + 0.5 * h * k1v,
        k2v = acc(C + 0.5 * h * k1c);
      const k3c = V + 0.5 * h * k2v,
        k3v = acc(C + 0.5 * h * k2c);
      const k4c = V + h * k3v,
        k4v = acc(C + h * k3c);
      C += (h / 6) * (k1c + 2 * k2c + 2 * k3c + k4c);
      V += (h / 6) * (k1v + 2 * k2v + 2 * k3v + k4v);
    }
    cX[k] = C;
    if (C < 1e-3 * q || V >= 0) {
      stopped = k;
      break;
    }
  }
  if (stopped < 0)
    throw new ConvergenceError(`C^x(tau) had not decayed by tau = ${half * dt} at g = ${g}: increase points`, {
      tauMax: half * dt,
    });
  for (let j = stopped + 1; j <= half; j++) cX[j] = cX[stopped] * Math.exp(-kappa * (j - stopped) * dt);
  const cPhi = cX.map((v) => F(v));
  return {
    g,
    phi,
    q,
    tau,
    cX,
    cPhi,
    meanPhiPrime: meanPhiPrime0,
    nu: nu0,
    quiescent: false,
    tauSwitch: stopped * dt,
    kappa,
    params,
  };
}

/** C^x(k dt), k = 0 .. count - 1, of a solution, linearly interpolated from its lag grid (0 past its end): the
 *  starting point of the fixed-point iterations on other grids (the driven DMFT, the Euler map's discrete DMFT). */
export function cXOnGrid(sol: DmftSolution, dt: number, count: number): Float64Array {
  const h = sol.tau[1];
  return Float64Array.from({ length: count }, (_, k) => {
    const u = (k * dt) / h,
      i = Math.floor(u);
    return i + 1 < sol.cX.length ? sol.cX[i] + (u - i) * (sol.cX[i + 1] - sol.cX[i]) : 0;
  });
}

/**
 * The phi statistics of a Gaussian x with autocovariance cX (lags 0, dt, ...): C^phi(tau) = F(C^x(tau); q),
 * q = C^x(0), and <phi'>. The sampling solver's control variate (selfcoupled.ts) uses it for the exact
 * statistics of the uncoupled site under the current noise.
 */
export function gaussianPhiStats(kind: PhiName, cX: Float64Array): { cPhi: Float64Array; meanPhiPrime: number } {
  const q = cX[0];
  const F = phiCovariance(kind, q);
  const cPhi = cX.map((c) => F(Math.max(-q, Math.min(q, c))));
  const meanPhiPrime = kind === "erf" ? 1 / Math.sqrt(1 + (Math.PI * q) / 2) : gaussianAverage(dphiOf(kind), q, 1);
  return { cPhi, meanPhiPrime };
}
