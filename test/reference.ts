/**
 * Independent float64 oracles for the conformance suite, written plainly (no shared code with src/):
 * exact nonlinearities, products, one Euler / RK4 step in the textbook form, lagged covariances.
 */
import type { FloatArray } from "../src/errors.ts";

/** erf by the all-positive series erf y = (2/sqrt pi) e^{-y^2} sum_n 2^n y^{2n+1} / (2n+1)!!: no
 *  cancellation, relative error ~ (terms) x 2^-53 < 2e-14 for |y| <= 6; |erf y| = 1 to 2e-17 beyond. */
export function erfExact(y: number): number {
  if (Number.isNaN(y)) return NaN;
  const a = Math.abs(y);
  if (a > 6) return Math.sign(y);
  let term = a;
  let sum = a;
  for (let n = 1; n < 400; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  return Math.sign(y) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}

export function phiExact(kind: "tanh" | "erf", x: number): number {
  return kind === "tanh" ? Math.tanh(x) : erfExact((Math.sqrt(Math.PI) / 2) * x);
}

/** phi': sech^2 from its exponential form 4 e^{-2|x|} / (1 + e^{-2|x|})^2; exp(-pi x^2 / 4) for erf. */
export function dphiExact(kind: "tanh" | "erf", x: number): number {
  if (kind === "erf") return Math.exp((-Math.PI / 4) * x * x);
  const e = Math.exp(-2 * Math.abs(x));
  return (4 * e) / ((1 + e) * (1 + e));
}

/** Y[b, i] = sum_j A[i, j] X[b, j] and the matching sums of |terms|. */
export function matmatRef(m: number, n: number, k: number, A: FloatArray, X: FloatArray) {
  const y = new Float64Array(k * m);
  const scale = new Float64Array(k * m);
  for (let b = 0; b < k; b++)
    for (let i = 0; i < m; i++) {
      let s = 0,
        t = 0;
      for (let j = 0; j < n; j++) {
        s += A[i * n + j] * X[b * n + j];
        t += Math.abs(A[i * n + j] * X[b * n + j]);
      }
      y[b * m + i] = s;
      scale[b * m + i] = t;
    }
  return { y, scale };
}

export interface StepProblem {
  n: number;
  k: number;
  dt: number;
  kind: "tanh" | "erf";
  /** dense J (n x n) or factors */
  J: Float64Array;
  gains: FloatArray | null;
  input: FloatArray | null;
}

/** f(x) = -x + J (G ⊙ phi(x)) + I for one trajectory, exact phi, float64. */
export function rhs(p: StepProblem, x: Float64Array): Float64Array {
  const { n, J, gains, input } = p;
  const ph = new Float64Array(n);
  for (let j = 0; j < n; j++) ph[j] = phiExact(p.kind, x[j]) * (gains ? gains[j] : 1);
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += J[i * n + j] * ph[j];
    f[i] = -x[i] + s + (input ? input[i] : 0);
  }
  return f;
}

/** One step for every trajectory: Euler x + dt f, or RK4 x + dt/6 (k1 + 2 k2 + 2 k3 + k4). */
export function stepRef(p: StepProblem, method: "euler" | "rk4", x: FloatArray): Float64Array {
  const out = new Float64Array(p.k * p.n);
  for (let b = 0; b < p.k; b++) {
    const x0 = Float64Array.from(x.subarray(b * p.n, (b + 1) * p.n));
    const add = (a: Float64Array, c: number, v: Float64Array) => a.map((ai, i) => ai + c * v[i]);
    let x1: Float64Array;
    if (method === "euler") x1 = add(x0, p.dt, rhs(p, x0));
    else {
      const k1 = rhs(p, x0);
      const k2 = rhs(p, add(x0, p.dt / 2, k1));
      const k3 = rhs(p, add(x0, p.dt / 2, k2));
      const k4 = rhs(p, add(x0, p.dt, k3));
      x1 = x0.map((v, i) => v + (p.dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
    }
    out.set(x1, b * p.n);
  }
  return out;
}

/**
 * The self-coupled single site (assembly/selfsite.ts) written the plain way: Heun steps of
 * (1 + d/dt) x = eta + sum_k w_k phi(x_{t-k}) with the whole convolution recomputed at both stages
 * (no carried partial sums), in float64 with the exact phi.
 */
export function selfSiteRef(
  p: number,
  steps: number,
  klen: number,
  kind: "tanh" | "erf",
  h: number,
  eta: FloatArray,
  w: FloatArray,
  x0: FloatArray,
) {
  const xs = new Float64Array((steps + 1) * p),
    ph = new Float64Array((steps + 1) * p);
  for (let i = 0; i < p; i++) {
    xs[i] = x0[i];
    ph[i] = phiExact(kind, x0[i]);
  }
  const conv = (t: number, i: number, phiNow: number) => {
    let s = klen > 0 ? w[0] * phiNow : 0;
    for (let k = 1; k < klen && k <= t; k++) s += w[k] * ph[(t - k) * p + i];
    return s;
  };
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < p; i++) {
      const x = xs[t * p + i];
      const f0 = eta[t * p + i] - x + conv(t, i, ph[t * p + i]);
      const xt = x + h * f0;
      const f1 = eta[(t + 1) * p + i] - xt + conv(t + 1, i, phiExact(kind, xt));
      xs[(t + 1) * p + i] = x + 0.5 * h * (f0 + f1);
      ph[(t + 1) * p + i] = phiExact(kind, xs[(t + 1) * p + i]);
    }
  }
  return { xs, ph };
}

/** The dimension theory's frequency double sums (assembly/psi.ts), written from the complex form: X = (1 + i w_a)(1 + i w_b),
 *  terms C_b |X|^2 / |X - nu|^2 etc. Returns the sums and the sums of absolute terms (for the tolerance). */
export function psiSumsRef(
  m: number,
  a0: number,
  a1: number,
  nu: number,
  w: FloatArray,
  cp: FloatArray,
  cx: FloatArray,
  sa: FloatArray,
  anti0: FloatArray,
) {
  const rows = new Float64Array(4 * m),
    rowsAbs = new Float64Array(4 * m);
  const anti = Float64Array.from(anti0),
    antiAbs = Float64Array.from(anti0, Math.abs);
  for (let a = a0; a < a1; a++) {
    for (let b = 0; b < m; b++) {
      const xr = 1 - w[a] * w[b],
        xi = w[a] + w[b]; // X = (1 + i wa)(1 + i wb)
      const absX2 = xr * xr + xi * xi,
        den = (xr - nu) ** 2 + xi * xi;
      const terms = [(cp[b] * absX2) / den, cp[b] / den, (cx[b] * (2 * absX2 - nu * nu)) / den, (cx[b] * absX2) / den];
      terms.forEach((t, k) => {
        rows[k * m + a] += t;
        rowsAbs[k * m + a] += Math.abs(t);
      });
      const j = (a + b) % m;
      for (const [k, t] of [
        [0, sa[a] * terms[0]],
        [1, sa[a] * terms[1]],
      ]) {
        anti[k * m + j] += t;
        antiAbs[k * m + j] += Math.abs(t);
      }
    }
  }
  return { rows, rowsAbs, anti, antiAbs };
}
