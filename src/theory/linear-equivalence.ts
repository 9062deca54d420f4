/**
 * The covariance of one given network by linear equivalence (LINEAR.md §2, a hypothesis strand tests): the
 * N x N covariance of dx/dt = -x + J phi(x) + eta is that of a linear network with the same J,
 *
 *   phi(w) = T(w) n(w),  T(w) = (I - S(w) J)^{-1},  S(w) = a / (1 + i w),  a = <phi'(x)> (the DMFT's)
 *   C^phi(w) = D(w) T T^†,             D   = C^phi*(w) - a^2 C^x*(w) + a^2 sigma^2 / (1 + w^2)
 *   C^x(w)   = [sigma^2 T T^† + D_r (T J)(T J)^†] / (1 + w^2),   D_r = C^phi*(w) - a^2 C^x*(w)
 *   C(tau)   = int dw/2pi e^{i w tau} C(w) = 2 Re int_0^inf dw/2pi e^{i w tau} C(w)   (J real)
 *
 * with the single site's spectra C^phi*, C^x* from the (driven) DMFT at g_eff = ||J||_F / sqrt(N).
 *
 * Mode form. Both coupling kinds are written T = I + A diag(h) B^T and T J = A diag(p) B^T with m modes:
 *   dense J = V diag(lambda) V^{-1}:     A = V, B^T = V^{-1}, h_k = a lambda_k / (1 + i w - a lambda_k),  p_k = lambda_k f_k
 *   random-mode J = L diag(D) R^T:       E = diag(D) R^T L = P diag(lambda) P^{-1} (M x M), A = L P,
 *                                         B^T = P^{-1} diag(D) R^T,  h_k = a / (1 + i w - a lambda_k),  p_k = f_k
 * (f_k = (1 + i w) / (1 + i w - a lambda_k); the second is Woodbury's identity with E diagonalised: an M x M
 * problem instead of N x N). Then, with G = B^T conj(B) (m x m),
 *   C^phi(tau) = c0(tau) I + Y(tau) + Y(-tau)^T + 2 Re[A (K_hh ∘ G) A^†],
 *   Y(tau) = 2 Re[A diag(k_h) B^T],  k_h = int_0^inf dw/2pi D e^{iw tau} h_k,  K_hh = int_0^inf dw/2pi D e^{iw tau} h_k conj(h_l)
 * and C^x the same with the weights sigma^2 / (1 + w^2) (c0 = sigma^2 e^{-|tau|} / 2) plus the T J term with weight
 * D_r / (1 + w^2). c0(tau) = int dw/2pi e^{i w tau} D is exact from the DMFT's lag functions. Every m x m kernel is
 * one complex product over the frequency grid; the N x N results are a few products on the backend (matmat).
 *
 * The single site and the frequency grid: src/theory/equivalent-site.ts.
 *
 * A (nearly) defective J (connectomes) is decomposed after a 1e-7 perturbation, twice with two seeds (mode-form.ts);
 * the relative difference of the two predictions is reported and must stay below 1e-4.
 *
 * Refused: a margin <= 0 (the linear network is unstable: no stationary covariance), a decomposition still
 * ill-conditioned after the perturbation (condition number above 1e8) or not reproducible under it, gains and
 * reciprocal structure (no single site here), sigma = 0 with g_eff <= 1 (no fluctuations).
 */
import type { Backend, PhiName } from "../backend/types.ts";
import { checkFinite, checkOneOf } from "../errors.ts";
import type { Network } from "../network/ensembles.ts";
import { CONDITION_MAX, modeForm, type ModeForm } from "./mode-form.ts";
import { complexProduct, realProduct, transposeC, type CMatrix } from "../linalg/complex.ts";
import { atLag, frequencyGrid, linearSite, residualSpectra, singleSite, type SingleSite } from "./equivalent-site.ts";
import { NotPredictedError } from "./predict.ts";
import { decayTime } from "../stats/timescales.ts";

export { frequencyGrid, linearSite, singleSite, type SingleSite };

/** Options of networkCovariance. */
export interface CovarianceOptions {
  phi?: PhiName;
  /** white-noise amplitude: <eta_i(t) eta_j(t')> = sigma^2 delta_ij delta(t - t') (default 0) */
  sigma?: number;
  /** lags tau >= 0 at which C^phi(tau) (and C^x(tau)) are wanted besides tau = 0 */
  lags?: number[];
  /** also C^x (default true) */
  withX?: boolean;
}

/** One network's predicted covariance. */
export interface NetworkCovariance {
  params: {
    n: number;
    phi: PhiName | "linear";
    sigma: number;
    kind: "dense" | "lowrank";
    modes: number;
    lags: number[];
    frequencies: number;
  };
  results: {
    gEff: number;
    /** <phi'> of the single site */
    a: number;
    /** 1 - a max Re lambda(J) */
    margin: number;
    maxReLambda: number;
    condition: number;
    /** a (nearly) defective J's perturbation (module comment): its size, the two seeds, J's condition number before
     *  it and the two predictions' largest difference relative to the largest entry of C^phi(0); null otherwise */
    perturbation: { epsilon: number; seeds: [number, number]; conditionBefore: number; difference: number } | null;
    /** the DMFT's C^phi(0), C^x(0): what the diagonal averages to as N grows */
    dmftCPhi0: number;
    dmftCX0: number;
    /** N x N row-major, lag 0 */
    cPhi: Float64Array;
    cX: Float64Array | null;
    /** one N x N matrix per lag of params.lags: C(tau)_ij = <phi_i(t + tau) phi_j(t)> */
    laggedPhi: Float64Array[];
    laggedX: Float64Array[];
  };
}

/**
 * The linear-equivalence prediction of one network's covariance (module comment).
 *
 * @param network a drawn network or a connectome (dense or low-rank; no gains, no reciprocal structure)
 * @param be the backend for the N x N products
 * @param options phi, sigma, lags, withX
 * @throws NotPredictedError when the equivalent linear network is unstable (margin <= 0), J is nearly defective,
 *   or the network has gains or reciprocal structure
 */
export function networkCovariance(network: Network, be: Backend, options: CovarianceOptions = {}): NetworkCovariance {
  const phi = checkOneOf("phi", options.phi ?? "tanh", ["tanh", "erf"] as const);
  const sigma = checkFinite("sigma", options.sigma ?? 0, { min: 0, max: 1e3 });
  checkLags(options.lags);
  return checkedCovariance(equivalentNetwork(network, be, phi, sigma), be, options);
}

/** What equivalentNetwork gives: J in mode form, its single site, and (for a perturbed, nearly defective J) the same
 *  J decomposed with a second perturbation. */
export interface EquivalentNetwork {
  form: ModeForm;
  site: SingleSite;
  twin: ModeForm | null;
}

/**
 * The network's J in mode form and its single site at g_eff = ||J||_F / sqrt(N), after refusing what the theory does
 * not cover: gains, reciprocal structure (partial symmetry, mode overlaps), no drive at g_eff <= 1.
 */
export function equivalentNetwork(network: Network, be: Backend, phi: PhiName, sigma: number): EquivalentNetwork {
  if (network.gains)
    throw new NotPredictedError("gains have no linear-equivalence theory here (the single site has no gains)");
  if (network.rho || (network.spec.coupling === "iid" && (network.spec.symmetry ?? 0) !== 0))
    throw new NotPredictedError(
      "reciprocal structure (partial symmetry, mode overlaps) changes the single site's transfer function; " +
        "its linear equivalence is unverified (LINEAR.md §2) and not offered",
    );
  const form = modeForm(network, be, 1);
  const site = singleSite(Math.sqrt(form.frobenius2 / form.n), phi, sigma);
  checkEquivalent(form, site.a);
  return { form, site, twin: form.perturbation ? modeForm(network, be, 2) : null };
}

/** the largest relative difference of two predictions of a perturbed J accepted */
export const PERTURBATION_DIFFERENCE_MAX = 1e-4;

/**
 * covarianceOf for an equivalentNetwork, with the perturbation check: a perturbed J's C^phi(0) is predicted from both
 * decompositions, their difference reported, and refused above PERTURBATION_DIFFERENCE_MAX.
 */
export function checkedCovariance(
  eq: EquivalentNetwork,
  be: Backend,
  options: { lags?: number[]; withX?: boolean } = {},
): NetworkCovariance {
  const r = covarianceOf(eq.form, eq.site, be, options);
  if (!eq.twin || !eq.form.perturbation) return r;
  const other = covarianceOf(eq.twin, eq.site, be, { withX: false }).results.cPhi;
  let d = 0,
    scale = 0;
  for (let i = 0; i < other.length; i++) {
    d = Math.max(d, Math.abs(other[i] - r.results.cPhi[i]));
    scale = Math.max(scale, Math.abs(r.results.cPhi[i]));
  }
  const p = eq.form.perturbation;
  r.results.perturbation = {
    epsilon: p.epsilon,
    seeds: [p.seed, eq.twin.perturbation?.seed ?? NaN],
    conditionBefore: p.conditionBefore,
    difference: d / scale,
  };
  if (!(d / scale <= PERTURBATION_DIFFERENCE_MAX))
    throw new NotPredictedError(
      `J is nearly defective (eigenvector condition number ${p.conditionBefore.toExponential(2)}) and its prediction is ` +
        `not reproducible: two perturbations of relative size ${p.epsilon} give covariances ${(d / scale).toExponential(2)} ` +
        `apart (at most ${PERTURBATION_DIFFERENCE_MAX})`,
    );
  return r;
}

function checkLags(lags: unknown): void {
  if (lags === undefined) return;
  if (!Array.isArray(lags) || lags.length > 64)
    throw new TypeError(`invalid argument: \`lags\` must be an array of at most 64 lags; got ${String(lags)}`);
  for (const t of lags) checkFinite("lags", t, { min: 0, max: 1e3 });
}

/** The stability margin 1 - a max Re lambda(J), refused when not positive; the decomposition's condition checked. */
function checkEquivalent(form: ModeForm, a: number): number {
  const margin = 1 - a * form.maxReLambda;
  if (!(margin > 0))
    throw new NotPredictedError(
      `the equivalent linear network is unstable: its margin 1 - a max Re lambda(J) = ${margin.toPrecision(3)} ` +
        `(a = <phi'> = ${a.toPrecision(4)}, max Re lambda(J) = ${form.maxReLambda.toPrecision(4)}) is not positive; ` +
        "no stationary covariance to predict (redraw J, or add drive: --sigma lowers a)",
    );
  if (!(form.condition <= CONDITION_MAX))
    throw new NotPredictedError(
      `J is defective: its eigenvector condition number is ${form.condition.toExponential(2)}` +
        (form.perturbation ? ` after a perturbation of relative size ${form.perturbation.epsilon}` : "") +
        ` (at most ${CONDITION_MAX.toExponential(0)}); the eigenvector route would lose that many digits`,
    );
  return margin;
}

/**
 * The covariance of the linear network equivalent to J in mode form, given the single site (module comment).
 *
 * @param form modeForm(network)
 * @param site singleSite(g_eff, phi, sigma), or linearSite(sigma) for phi(x) = x
 * @param be the backend for the products
 * @param options lags, withX
 */
export function covarianceOf(
  form: ModeForm,
  site: SingleSite,
  be: Backend,
  options: { lags?: number[]; withX?: boolean } = {},
): NetworkCovariance {
  checkLags(options.lags);
  const lags = options.lags ?? [];
  const { a, sigma, dt } = site;
  const n = form.n;
  const margin = checkEquivalent(form, a);
  const grid = frequencyGrid(margin);
  const { d, dr } = residualSpectra(site, grid.w);
  const G = complexProduct(be, form.Bt, form.Bt, true);
  type Weights = [number, number][];
  // per-frequency complex weights: grid weight x spectrum x e^{i sign w tau}
  const weights = (tau: number, sign: number, spectrum: (j: number) => number): Weights =>
    Array.from(grid.w, (x, j) => {
      const v = grid.weight[j] * spectrum(j);
      return [v * Math.cos(sign * x * tau), v * Math.sin(sign * x * tau)];
    });
  const solve = (tau: number) => {
    const dPhi = (j: number) => d[j];
    const cPhi = assemble(be, form, grid.w, a, G, {
      c0: atLag(site.residual, dt, tau) + (a * a * sigma * sigma * Math.exp(-tau)) / 2,
      linear: [weights(tau, 1, dPhi), weights(tau, -1, dPhi)],
      quadratic: [{ weights: weights(tau, 1, dPhi), which: "h" }],
    });
    let cX: Float64Array | null = null;
    if (options.withX ?? true) {
      const ou = (j: number) => (sigma * sigma) / (1 + grid.w[j] ** 2);
      const res = (j: number) => dr[j] / (1 + grid.w[j] ** 2);
      cX = assemble(be, form, grid.w, a, G, {
        c0: (sigma * sigma * Math.exp(-tau)) / 2,
        linear: sigma > 0 ? [weights(tau, 1, ou), weights(tau, -1, ou)] : null,
        quadratic: [
          ...(sigma > 0 ? [{ weights: weights(tau, 1, ou), which: "h" as const }] : []),
          { weights: weights(tau, 1, res), which: "p" as const },
        ],
      });
    }
    return { cPhi, cX };
  };
  // C(0) is symmetric; the antisymmetric part the assembly leaves is rounding, amplified by a nearly defective J's
  // eigenvectors (a connectome's: up to ~5e-4 of an entry). Its symmetric part is the nearest symmetric matrix.
  const zero = solve(0);
  symmetrisePart(n, zero.cPhi);
  if (zero.cX) symmetrisePart(n, zero.cX);
  const lagged = lags.map(solve);
  return {
    params: { n, phi: site.phi, sigma, kind: form.kind, modes: form.m, lags, frequencies: grid.w.length },
    results: {
      gEff: site.gEff,
      a,
      margin,
      maxReLambda: form.maxReLambda,
      condition: form.condition,
      perturbation: null,
      dmftCPhi0: site.cPhi0,
      dmftCX0: site.cX0,
      cPhi: zero.cPhi,
      cX: zero.cX,
      laggedPhi: lagged.map((l) => l.cPhi),
      laggedX: lagged.filter((l) => l.cX).map((l) => l.cX as Float64Array),
    },
  };
}

/** C <- (C + C^T) / 2, in place (n x n row-major). */
function symmetrisePart(n: number, C: Float64Array): void {
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) C[i * n + j] = C[j * n + i] = 0.5 * (C[i * n + j] + C[j * n + i]);
}

/** h_k(w) and p_k(w) of the mode form on the grid (m x nw each; module comment). */
function modeFunctions(form: ModeForm, w: Float64Array, a: number): { H: CMatrix; P: CMatrix } {
  const m = form.m,
    nw = w.length;
  const H: CMatrix = { rows: m, cols: nw, re: new Float64Array(m * nw), im: new Float64Array(m * nw) };
  const P: CMatrix = { rows: m, cols: nw, re: new Float64Array(m * nw), im: new Float64Array(m * nw) };
  for (let k = 0; k < m; k++) {
    const lr = form.lambdaRe[k],
      li = form.lambdaIm[k];
    const [mr, mi] = form.kind === "dense" ? [lr, li] : [1, 0];
    for (let j = 0; j < nw; j++) {
      // 1 / (1 + i w - a lambda)
      const dr = 1 - a * lr,
        di = w[j] - a * li,
        q = dr * dr + di * di;
      const ir = dr / q,
        ii = -di / q;
      H.re[k * nw + j] = a * (mr * ir - mi * ii);
      H.im[k * nw + j] = a * (mr * ii + mi * ir);
      // f = (1 + i w) / (...), p = mu f
      const fr = ir - w[j] * ii,
        fi = ii + w[j] * ir;
      P.re[k * nw + j] = mr * fr - mi * fi;
      P.im[k * nw + j] = mr * fi + mi * fr;
    }
  }
  return { H, P };
}

/**
 * c0 I + Y(+) + Y(-)^T + 2 Re[A (K ∘ G) A^†], K the sum of the quadratic kernels (module comment), given per
 * frequency complex weights (the grid weight, the spectrum and the phase e^{i w tau}).
 */
function assemble(
  be: Backend,
  form: ModeForm,
  w: Float64Array,
  a: number,
  G: CMatrix,
  parts: {
    c0: number;
    /** weights of Y(tau) and of Y(-tau), or null */
    linear: [[number, number][], [number, number][]] | null;
    quadratic: { weights: [number, number][]; which: "h" | "p" }[];
  },
): Float64Array {
  const { n, m, A, Bt } = form;
  const nw = w.length;
  const { H, P: Pm } = modeFunctions(form, w, a);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = parts.c0;
  if (parts.linear) {
    const BtT = transposeC(Bt); // B (n x m): the products below take Y^T
    for (const [s, weights] of parts.linear.entries()) {
      // Y = 2 Re[A diag(k) B^T], k_k = sum_j weight_j h_k(w_j)
      const kr = new Float64Array(m),
        ki = new Float64Array(m);
      for (let k = 0; k < m; k++)
        for (let j = 0; j < nw; j++) {
          const [cr, ci] = weights[j];
          kr[k] += cr * H.re[k * nw + j] - ci * H.im[k * nw + j];
          ki[k] += cr * H.im[k * nw + j] + ci * H.re[k * nw + j];
        }
      // Re[(A diag(k)) B^T] = Re(A k) Bt_re - Im(A k) Bt_im, as products X Y^T with Y = Bt^T
      const Xr = new Float64Array(n * m),
        Xi = new Float64Array(n * m);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < m; k++) {
          const ar = A.re[i * m + k],
            ai = A.im[i * m + k];
          Xr[i * m + k] = 2 * (ar * kr[k] - ai * ki[k]);
          Xi[i * m + k] = -2 * (ar * ki[k] + ai * kr[k]);
        }
      const r1 = realProduct(be, n, m, n, Xr, BtT.re),
        r2 = realProduct(be, n, m, n, Xi, BtT.im);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const v = r1[i * n + j] + r2[i * n + j];
          if (s === 0) out[i * n + j] += v;
          else out[j * n + i] += v;
        }
    }
  }
  // K = sum over parts of (F ∘ weights) F^†, F = H or P
  const K: CMatrix = { rows: m, cols: m, re: new Float64Array(m * m), im: new Float64Array(m * m) };
  for (const q of parts.quadratic) {
    const F = q.which === "h" ? H : Pm;
    const X: CMatrix = { rows: m, cols: nw, re: new Float64Array(m * nw), im: new Float64Array(m * nw) };
    for (let k = 0; k < m; k++)
      for (let j = 0; j < nw; j++) {
        const [cr, ci] = q.weights[j];
        X.re[k * nw + j] = cr * F.re[k * nw + j] - ci * F.im[k * nw + j];
        X.im[k * nw + j] = cr * F.im[k * nw + j] + ci * F.re[k * nw + j];
      }
    const part = complexProduct(be, X, F, true);
    for (let i = 0; i < m * m; i++) {
      K.re[i] += part.re[i];
      K.im[i] += part.im[i];
    }
  }
  // Q = 2 Re[(A (K ∘ G)) A^†]
  const KG: CMatrix = {
    rows: m,
    cols: m,
    re: K.re.map((v, i) => v * G.re[i] - K.im[i] * G.im[i]),
    im: K.re.map((v, i) => v * G.im[i] + K.im[i] * G.re[i]),
  };
  const Z = complexProduct(be, A, transposeC(KG)); // A (K ∘ G): n x m
  const q1 = realProduct(be, n, m, n, Z.re, A.re),
    q2 = realProduct(be, n, m, n, Z.im, A.im);
  for (let i = 0; i < n * n; i++) out[i] += 2 * (q1[i] + q2[i]);
  return out;
}

/**
 * The static-linear control of LINEAR.md §2 (what the frequency dependence is tested against):
 * (I - a J)^{-1} (I - a J)^{-T}, scaled so that its mean diagonal is `variance` (the DMFT's C^phi(0)).
 */
export function staticLinearCovariance(form: ModeForm, a: number, variance: number, be: Backend): Float64Array {
  const { n, m, A, Bt } = form;
  // T0 = I + Re[A diag(h(0)) B^T], h(0) = a mu / (1 - a lambda)
  const Xr = new Float64Array(n * m),
    Xi = new Float64Array(n * m);
  for (let k = 0; k < m; k++) {
    const lr = form.lambdaRe[k],
      li = form.lambdaIm[k];
    const [mr, mi] = form.kind === "dense" ? [lr, li] : [1, 0];
    const dr = 1 - a * lr,
      di = -a * li,
      q = dr * dr + di * di;
    const hr = (a * (mr * dr + mi * di)) / q,
      hi = (a * (mi * dr - mr * di)) / q;
    for (let i = 0; i < n; i++) {
      const ar = A.re[i * m + k],
        ai = A.im[i * m + k];
      Xr[i * m + k] = ar * hr - ai * hi;
      Xi[i * m + k] = -(ar * hi + ai * hr);
    }
  }
  const BtT = transposeC(Bt);
  const r1 = realProduct(be, n, m, n, Xr, BtT.re),
    r2 = realProduct(be, n, m, n, Xi, BtT.im);
  const T0 = r1.map((v, i) => v + r2[i]);
  for (let i = 0; i < n; i++) T0[i * n + i] += 1;
  const C = realProduct(be, n, n, n, T0, T0);
  let tr = 0;
  for (let i = 0; i < n; i++) tr += C[i * n + i];
  const s = (variance * n) / tr;
  return C.map((v) => v * s);
}

/**
 * The predicted autocovariance along given directions, v^T C^phi(tau) v, and its 1/e time — the per-PC timescales
 * of the prediction for, e.g., a simulation's leading PCs. Along a unit v, C^phi(w) gives the scalar spectrum
 * D(w) ||T(w)^† v||^2 with T^† v = v + conj(B) (conj(h) ∘ A^† v): the integral of D alone is c0(tau) (exact, as in
 * covarianceOf) and the rest, D (2 Re v.z + |z|^2) with z = conj(B)(conj(h) ∘ A^† v), by the quadrature — one
 * batched complex product for all directions and frequencies, no N x N matrix per lag.
 *
 * @param form the network's mode form
 * @param site its single site
 * @param be the backend for the products
 * @param V k unit directions, k x n row-major
 * @param k how many
 * @param tauMax the lag window (1/e times beyond it are null)
 * @returns per direction: the lag grid's autocovariance and its 1/e time
 */
export function directionTimescales(
  form: ModeForm,
  site: SingleSite,
  be: Backend,
  V: Float64Array,
  k: number,
  tauMax = 50,
): { tau: (number | null)[]; autocovariance: number[][]; lags: number[] } {
  const { n, m, A, Bt } = form;
  const margin = checkEquivalent(form, site.a);
  const grid = frequencyGrid(margin);
  const { d } = residualSpectra(site, grid.w);
  const nw = grid.w.length;
  const H = modeFunctions(form, grid.w, site.a).H;
  // alpha = A^† v (k x m): conj(A)^T v
  const At = transposeC(A);
  const aRe = realProduct(be, k, n, m, V, At.re),
    aIm = realProduct(be, k, n, m, V, At.im).map((x) => -x);
  // X_{(v, j), l} = conj(h_l(w_j)) alpha_{v, l}
  const X: CMatrix = { rows: k * nw, cols: m, re: new Float64Array(k * nw * m), im: new Float64Array(k * nw * m) };
  for (let v = 0; v < k; v++)
    for (let j = 0; j < nw; j++)
      for (let l = 0; l < m; l++) {
        const hr = H.re[l * nw + j],
          hi = -H.im[l * nw + j],
          ar = aRe[v * m + l],
          ai = aIm[v * m + l],
          o = (v * nw + j) * m + l;
        X.re[o] = hr * ar - hi * ai;
        X.im[o] = hr * ai + hi * ar;
      }
  // Z = X conj(B)^T: (k nw) x n
  const Z = complexProduct(be, X, transposeC(Bt), true);
  const lags = Array.from({ length: Math.round(tauMax / 0.05) + 1 }, (_, l) => l * 0.05);
  const tau: (number | null)[] = [],
    autocovariance: number[][] = [];
  for (let v = 0; v < k; v++) {
    const s = new Float64Array(nw);
    for (let j = 0; j < nw; j++) {
      let dot = 0,
        z2 = 0;
      for (let i = 0; i < n; i++) {
        const zr = Z.re[(v * nw + j) * n + i],
          zi = Z.im[(v * nw + j) * n + i];
        dot += V[v * n + i] * zr;
        z2 += zr * zr + zi * zi;
      }
      s[j] = grid.weight[j] * d[j] * (2 * dot + z2);
    }
    const c = lags.map((t) => {
      let q = atLag(site.residual, site.dt, t) + (site.a * site.a * site.sigma * site.sigma * Math.exp(-t)) / 2;
      for (let j = 0; j < nw; j++) q += 2 * s[j] * Math.cos(grid.w[j] * t);
      return q;
    });
    autocovariance.push(c);
    tau.push(decayTime(lags, c));
  }
  return { tau, autocovariance, lags };
}
