/**
 * The mean-field maximal Lyapunov exponent of the flow (CHAOS.md §4; Sompolinsky, Crisanti & Sommers 1988):
 *
 *   C^d(tau) = E[phi'(x) phi'(y)], (x, y) Gaussian with variance q = C^x(0) and covariance C^x(tau)
 *   H psi = E psi,  H = -d^2/dtau^2 + V(tau),  V(tau) = 1 - g^2 C^d(tau)
 *   lambda_max = -1 + sqrt(1 - E_0)
 *
 * Self-check: differentiating the DMFT equation (1 - d^2/dtau^2) C^x = g^2 C^phi gives H C^x'(tau) = 0; C^x' is odd
 * with one node, so it is the first excited state and E_1 = 0 exactly. E_0 < 0 (lambda_max > 0) exactly when g > 1.
 * Below g = 1 the quiescent state x = 0 has V = 1 - g^2 phi'(0)^2 constant: lambda_max = -1 + g (phi'(0) = 1; the
 * spectral edge of J, radius g, in the mean field).
 *
 * Numerics: C^x(tau) from solveDmft (dmft.ts) on its lag grid; C^d(c) for erf in closed form,
 * 1 / sqrt((1 + pi q / 2)^2 - (pi c / 2)^2), for tanh (phi' = 1/cosh^2, even, so C^d(c) = C^d(|c|)) as
 * E_z[h(z)^2], h(z) = E_u[sech^2(sqrt(q - c) u + sqrt(c) z)], tabulated on 129 c-points and interpolated by cubic
 * Hermite splines. H by central differences on |tau| <= L, L = 40 / kappa (kappa = sqrt(V(inf)) = sqrt(1 - nu),
 * the bound states' decay rate: their amplitude at the wall is below e^-40) with psi = 0 beyond (V continued by its
 * large-lag limit 1 - g^2 <phi'>^2); the two lowest eigenvalues of the symmetric tridiagonal matrix by Sturm
 * bisection; the O(h^2) discretisation error removed by Richardson extrapolation from steps h and h / 2.
 */
import { ConvergenceError, checkG, checkOneOf, invalid } from "../errors.ts";
import type { PhiName } from "../backend/types.ts";
import { cXOnGrid, gaussianPhiStats, solveDmft, type DmftSolution } from "./dmft.ts";
import { andersonFixedPoint } from "./anderson.ts";

/** The mean-field maximal exponent and its self-check. */
export interface MaximalExponent {
  g: number;
  phi: PhiName;
  /** lambda_max = -1 + sqrt(1 - E_0), per unit time (the flow) */
  lambdaMax: number;
  /** the ground-state energy E_0 of H */
  e0: number;
  /** the first excited energy, 0 in exact arithmetic (the self-check) */
  e1: number;
  /** |<psi_1, C^x'>| / (|psi_1| |C^x'|) on the grid: 1 when the first excited state is C^x' */
  overlap: number;
  quiescent: boolean;
  params: { h: number; L: number; points: number };
}

/** C^d(c; q) = E[phi'(x) phi'(y)] as a function of c in [-q, q] (see the module comment). */
export function gainCovariance(kind: PhiName, q: number): (c: number) => number {
  if (kind === "erf") {
    const a = 1 + (Math.PI * q) / 2;
    return (c) => 1 / Math.sqrt(a * a - ((Math.PI * c) / 2) ** 2);
  }
  // tabulated in t = sqrt(1 - |c| / q) (t = 0 at c = q, where C^d varies on a scale ~1/q in c/q for large q)
  const P = q <= 4 ? 24 : q <= 30 ? 32 : 64;
  const F = new Float64Array(P + 1);
  for (let k = 0; k <= P; k++) {
    const c = q * (1 - (k / P) ** 2);
    F[k] = q <= 4 ? sech2CovarianceSmallQ(q, c) : sech2CovarianceLattice(q, c);
  }
  const D = Float64Array.from(F, (_, k) =>
    k === 0 ? F[1] - F[0] : k === P ? F[P] - F[P - 1] : (F[k + 1] - F[k - 1]) / 2,
  );
  return (c) => {
    const u = Math.min(P - 1e-9, Math.sqrt(Math.max(0, 1 - Math.abs(c) / q)) * P);
    const k = Math.floor(u),
      t = u - k;
    const t2 = t * t,
      t3 = t2 * t;
    return (
      (2 * t3 - 3 * t2 + 1) * F[k] + (t3 - 2 * t2 + t) * D[k] + (-2 * t3 + 3 * t2) * F[k + 1] + (t3 - t2) * D[k + 1]
    );
  };
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** E_z[h(sqrt(c) z)^2], h(y) = E_u[sech^2(sqrt(q - c) u + y)], trapezoid in u and z on [-10, 10] (q <= 4: sech^2
 *  is then wide against the Gaussians' steps) */
function sech2CovarianceSmallQ(q: number, c: number): number {
  // trapezoid error ~ exp(-pi^2 / (a dz)) (sech^2's poles at distance pi / (2a) from the real u-axis): < e^-30
  const dz = 0.15 / Math.sqrt(Math.max(q, 1));
  const nz = 2 * Math.ceil(10 / dz) + 1;
  const step = 20 / (nz - 1);
  const a = Math.sqrt(Math.max(q - c, 0)),
    b = Math.sqrt(c);
  const w = Float64Array.from({ length: nz }, (_, i) => (step * Math.exp(-((-10 + i * step) ** 2) / 2)) / SQRT_2PI);
  let outer = 0;
  for (let j = 0; j < nz; j++) {
    if (w[j] < 1e-300) continue;
    const y = b * (-10 + j * step);
    let h = 0;
    for (let i = 0; i < nz; i++) {
      // sech^2 v = 4 e / (1 + e)^2, e = exp(-2 |v|)
      const e = Math.exp(-2 * Math.abs(a * (-10 + i * step) + y));
      h += (w[i] * 4 * e) / ((1 + e) * (1 + e));
    }
    outer += w[j] * h * h;
  }
  return outer;
}

/** The same for q > 4 in x-space, where sech^2 (width ~1) is narrow against the Gaussians: h(y) = (sech^2 *
 *  N(0, q - c))(y) on a lattice of step 0.2 (a discrete convolution), then the integral of h(y)^2 against N(0, c)
 *  on the same lattice; for c < 1/16 (N(0, c) narrower than 5 lattice steps) in z = y / sqrt(c) instead. */
function sech2CovarianceLattice(q: number, c: number): number {
  // trapezoid errors: sech^2 (poles pi/2 off the axis) ~ exp(-pi^2 / dx) = e^-49; a Gaussian of sd s >= 1/4 ~
  // exp(-2 pi^2 s^2 / dx^2) < e^-30
  const dx = 0.2,
    I = 60; // x in [-12, 12], where sech^2 > 1.5e-10
  const S = Float64Array.from({ length: 2 * I + 1 }, (_, i) => 1 / Math.cosh((i - I) * dx) ** 2);
  const a2 = q - c,
    a = Math.sqrt(Math.max(a2, 0));
  const hAt = (y: number) => {
    if (a < 0.25) {
      // narrow kernel: average sech^2 over u directly
      let h = 0;
      for (let u = -100; u <= 100; u++) h += Math.exp(-((u * 0.1) ** 2) / 2) / Math.cosh(a * u * 0.1 + y) ** 2;
      return (h * 0.1) / SQRT_2PI;
    }
    let h = 0;
    for (let i = 0; i <= 2 * I; i++) h += S[i] * Math.exp(-(((i - I) * dx - y) ** 2) / (2 * a2));
    return (h * dx) / (a * SQRT_2PI);
  };
  if (c < 1 / 16) {
    const b = Math.sqrt(c);
    let outer = 0;
    for (let zi = -100; zi <= 100; zi++) {
      const z = zi * 0.1;
      outer += ((0.1 * Math.exp((-z * z) / 2)) / SQRT_2PI) * hAt(b * z) ** 2;
    }
    return outer;
  }
  // h on the lattice |y| <= 12 + 8a (beyond, h^2 N(0, c) < e^-30 of the bulk): y_j = j dx
  const J = Math.ceil((12 + 8 * a) / dx);
  let outer = 0;
  if (a < 0.25) {
    for (let j = -J; j <= J; j++) outer += hAt(j * dx) ** 2 * Math.exp(-((j * dx) ** 2) / (2 * c));
  } else {
    const K = Float64Array.from({ length: I + J + 1 }, (_, d) => Math.exp(-((d * dx) ** 2) / (2 * a2)));
    const norm = dx / (a * SQRT_2PI);
    for (let j = -J; j <= J; j++) {
      let h = 0;
      for (let i = -I; i <= I; i++) h += S[i + I] * K[Math.abs(i - j)];
      h *= norm;
      outer += h * h * Math.exp(-((j * dx) ** 2) / (2 * c));
    }
  }
  return (outer * dx) / Math.sqrt(2 * Math.PI * c);
}

/** Number of eigenvalues below x of the symmetric tridiagonal matrix (diagonal a, off-diagonal b), Sturm count. */
function countBelow(a: Float64Array, b: number, x: number): number {
  let count = 0,
    d = 1;
  for (let i = 0; i < a.length; i++) {
    d = a[i] - x - (i > 0 ? (b * b) / d : 0);
    if (d === 0) d = 1e-300;
    if (d < 0) count++;
  }
  return count;
}

/** The j-th lowest eigenvalue (j = 0, 1, …) of the tridiagonal matrix, by bisection on [lo, hi]. */
function eigenvalue(a: Float64Array, b: number, j: number, lo: number, hi: number): number {
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo) + Math.abs(hi)); it++) {
    const mid = (lo + hi) / 2;
    if (countBelow(a, b, mid) > j) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** The eigenvector of eigenvalue e by one step of inverse iteration from a ramp (Thomas algorithm). */
function eigenvector(a: Float64Array, b: number, e: number): Float64Array {
  const n = a.length;
  let v = Float64Array.from({ length: n }, (_, i) => (i - n / 2) / n);
  for (let it = 0; it < 3; it++) {
    const c = new Float64Array(n),
      d = new Float64Array(n);
    const shift = e - 1e-10;
    let m = a[0] - shift;
    c[0] = b / m;
    d[0] = v[0] / m;
    for (let i = 1; i < n; i++) {
      m = a[i] - shift - b * c[i - 1];
      c[i] = b / m;
      d[i] = (v[i] - b * d[i - 1]) / m;
    }
    const out = new Float64Array(n);
    out[n - 1] = d[n - 1];
    for (let i = n - 2; i >= 0; i--) out[i] = d[i] - c[i] * out[i + 1];
    const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0));
    v = out.map((x) => x / norm);
  }
  return v;
}

/**
 * The mean-field maximal Lyapunov exponent of the flow for i.i.d. couplings of strength g (g_eff for the
 * random-mode model and gains), with the E_1 = 0 self-check (see the module comment).
 *
 * @param g coupling strength (g_eff)
 * @param phi "tanh" or "erf"
 * @param dmft a solveDmft(g, phi) solution to reuse (optional; its lag step is the operator's finest grid step)
 * @param options window: half-width L of the tau interval in units of 1/kappa (default 40: the bound states'
 *   amplitude at the wall below e^-40)
 */
export function maximalExponent(
  g: number,
  phi: PhiName = "tanh",
  dmft?: DmftSolution,
  options: { window?: number } = {},
): MaximalExponent {
  checkG("g", g);
  checkOneOf("phi", phi, ["tanh", "erf"] as const);
  if (g <= 1)
    return {
      g,
      phi,
      lambdaMax: -1 + g,
      e0: 1 - g * g,
      e1: 1 - g * g,
      overlap: 1,
      quiescent: true,
      params: { h: 0, L: 0, points: 0 },
    };
  // the lag step resolves C^x(tau), whose width shrinks like 1/g at strong coupling
  const sol = dmft ?? (g > 5 ? solveDmft(g, phi, { dt: 0.5 / g }) : solveDmft(g, phi));
  const Cd = gainCovariance(phi, sol.q);
  const dtau = sol.tau[1];
  const vInf = 1 - g * g * Cd(0);
  const kappa = Math.sqrt(Math.max(vInf, 1e-12));
  const L = Math.min((options.window ?? 40) / kappa, (sol.tau.length - 1) * dtau);
  /** H on steps of h = stride x the DMFT's lag step: V at |tau|, continued by V(inf) past the DMFT grid */
  const solveAt = (stride: number) => {
    const h = stride * dtau;
    const half = Math.floor(L / h);
    const n = 2 * half + 1;
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const lag = Math.abs(i - half) * stride;
      const v = lag < sol.cX.length ? 1 - g * g * Cd(sol.cX[lag]) : vInf;
      a[i] = 2 / (h * h) + v;
    }
    const b = -1 / (h * h);
    const lo = Math.min(...a) - 4 / (h * h),
      hi = vInf + 1;
    const e0 = eigenvalue(a, b, 0, lo, hi),
      e1 = eigenvalue(a, b, 1, lo, hi);
    return { e0, e1, a, b, half, h, n };
  };
  const coarse = solveAt(2),
    fine = solveAt(1);
  const e0 = (4 * fine.e0 - coarse.e0) / 3,
    e1 = (4 * fine.e1 - coarse.e1) / 3;
  // the first excited state against C^x'(tau) (central differences; odd in tau)
  const psi1 = eigenvector(fine.a, fine.b, fine.e1);
  const dC = Float64Array.from({ length: fine.n }, (_, i) => {
    const lag = i - fine.half;
    const at = (l: number) => (Math.abs(l) < sol.cX.length ? sol.cX[Math.abs(l)] : 0);
    return (at(lag + 1) - at(lag - 1)) / (2 * dtau);
  });
  let dot = 0,
    nd = 0;
  for (let i = 0; i < fine.n; i++) {
    dot += psi1[i] * dC[i];
    nd += dC[i] * dC[i];
  }
  return {
    g,
    phi,
    lambdaMax: -1 + Math.sqrt(1 - e0),
    e0,
    e1,
    overlap: Math.abs(dot) / Math.sqrt(nd),
    quiescent: false,
    params: { h: fine.h, L, points: fine.n },
  };
}

/** The discrete-time DMFT of the Euler map x_{n+1} = (1 - delta) x_n + delta J phi(x_n) (CHAOS.md §4):
 *  (1 + b^2) C(n) - b [C(n + 1) + C(n - 1)] = delta^2 g^2 F(C(n); C(0)), b = 1 - delta, for lags n = 0..K. Solved by
 *  the fixed-point iteration C = G * (delta^2 g^2 F(C)), G(n) = b^|n| / (1 - b^2) the Green's function of the left
 *  side (a forward and a backward first-order recursion, O(K) per sweep), from the flow's C(0) and Anderson-accelerated
 *  (the plain iteration contracts by only ~0.97 per sweep). */
export function discreteDmft(g: number, phi: PhiName, delta: number): { q: number; c: Float64Array } {
  const b = 1 - delta;
  // lags until both b^n and the correlations are negligible (the flow's decay rate at most ~1 per unit time)
  const K = Math.min(200000, Math.ceil(Math.max(60 / delta, Math.abs(b) > 0 ? 40 / -Math.log(Math.abs(b)) : 0)) + 8);
  // start from the flow's C^x(tau) at tau = n delta (the limit delta -> 0), linearly interpolated
  const c = cXOnGrid(solveDmft(g, phi), delta, K + 1);
  const norm = 1 / (1 - b * b);
  /** one sweep of the map C -> G * (delta^2 g^2 F(C; C(0))) */
  const sweep = (cIn: Float64Array): Float64Array => {
    const S = gaussianPhiStats(phi, cIn).cPhi.map((v) => delta * delta * g * g * v);
    // C(n) = sum_m b^|n - m| S(m) / (1 - b^2) over m in [-K, K], S even: a forward and a backward recursion
    const fwd = new Float64Array(2 * K + 1);
    for (let i = 0; i <= 2 * K; i++) fwd[i] = S[Math.abs(i - K)] + (i > 0 ? b * fwd[i - 1] : 0);
    const out = new Float64Array(K + 1);
    let bwd = 0;
    for (let i = 2 * K; i >= K; i--) {
      bwd = S[Math.abs(i - K)] + (i < 2 * K ? b * bwd : 0);
      out[i - K] = (fwd[i] + bwd - S[Math.abs(i - K)]) * norm;
    }
    return out;
  };
  // Anderson-accelerated: the plain iteration contracts by only ~0.97 per sweep
  const solved = andersonFixedPoint(sweep, c, { tol: (x) => 1e-11 * x[0] });
  if (solved) return { q: solved[0], c: solved };
  throw new ConvergenceError(`the Euler map's DMFT did not converge at g = ${g}, delta = ${delta}`, { g, delta });
}

/**
 * The mean-field maximal exponent of the Euler map with step delta (CHAOS.md §4): lambda_1 is the s at which the
 * lowest eigenvalue of T_s psi = (1 + a_s^2) psi - a_s [psi(n + 1) + psi(n - 1)] - c_s C^d(n) psi,
 * a_s = (1 - delta) e^{-delta s}, c_s = delta^2 g^2 e^{-2 delta s}, crosses zero (bisection on s with Sturm counts).
 * At delta = 1 it is log(g sqrt(C^d(0))) in closed form; as delta -> 0 it tends to the flow's value.
 */
export function maximalExponentEuler(g: number, phi: PhiName, delta: number): { lambdaMax: number; q: number } {
  checkG("g", g);
  checkOneOf("phi", phi, ["tanh", "erf"] as const);
  if (!(delta > 0 && delta <= 1)) throw invalid("dt", "must be in (0, 1] for the Euler map's theory", delta);
  if (g <= 1) return { lambdaMax: Math.log(Math.abs(1 - delta + delta * g)) / delta, q: 0 };
  const { q, c } = discreteDmft(g, phi, delta);
  const Cd = gainCovariance(phi, q);
  const K = c.length - 1;
  const cd = Float64Array.from({ length: 2 * K + 1 }, (_, i) => Cd(c[Math.abs(i - K)]));
  // the number of eigenvalues of T_s below 0
  const below = (s: number) => {
    const a = (1 - delta) * Math.exp(-delta * s),
      cs = delta * delta * g * g * Math.exp(-2 * delta * s);
    const diag = Float64Array.from(cd, (v) => 1 + a * a - cs * v);
    return countBelow(diag, -a, 0);
  };
  let lo = -1,
    hi = 1;
  while (below(lo) === 0 && lo > -1e3) lo *= 2;
  while (below(hi) > 0 && hi < 1e3) hi *= 2;
  for (let it = 0; it < 100 && hi - lo > 1e-13; it++) {
    const mid = (lo + hi) / 2;
    if (below(mid) > 0) lo = mid;
    else hi = mid;
  }
  return { lambdaMax: (lo + hi) / 2, q };
}
