/**
 * The linear-equivalence covariance of one network (LINEAR.md §2) against what can be computed independently: the
 * exact covariance of a linear network (phi(x) = x: the Lyapunov equation, and e^{A tau} X for a lag), Woodbury's
 * M x M route against the dense N x N one on the same random-mode J, the diagonal against the DMFT as N grows, and
 * the refusals. The comparison with simulations of the same J is test/science (gated) and docs/VALIDATION.md.
 */
import { Matrix, solve } from "ml-matrix";
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { denseJ, makeNetwork, type Network } from "../../src/network/ensembles.ts";
import { eigenDecomposition } from "../../src/linalg/eigenvectors.ts";
import {
  checkedCovariance,
  covarianceOf,
  directionTimescales,
  equivalentNetwork,
  linearSite,
  networkCovariance,
  staticLinearCovariance,
} from "../../src/theory/linear-equivalence.ts";
import { modeForm } from "../../src/theory/mode-form.ts";
import { NotPredictedError } from "../../src/theory/predict.ts";
import { BACKEND_LABELS, backends, label } from "../helpers.ts";

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

/** the exact stationary covariance of dx/dt = (J - I) x + eta: A X + X A^T + sigma^2 I = 0, by the n^2 x n^2 solve */
function lyapunov(n: number, J: Float64Array, sigma: number): Float64Array {
  const A = (i: number, j: number) => J[i * n + j] - (i === j ? 1 : 0);
  const K = Matrix.zeros(n * n, n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        K.set(i * n + j, k * n + j, K.get(i * n + j, k * n + j) + A(i, k));
        K.set(i * n + j, i * n + k, K.get(i * n + j, i * n + k) + A(j, k));
      }
  const rhs = Matrix.zeros(n * n, 1);
  for (let i = 0; i < n; i++) rhs.set(i * n + i, 0, -sigma * sigma);
  return Float64Array.from(solve(K, rhs).getColumn(0));
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("eigenDecomposition", () => {
  it("gives V and V^{-1} with J V = V diag(lambda) and V^{-1} V = I, conjugate pairs included", () => {
    const n = 30;
    const J = denseJ(makeNetwork({ coupling: "iid", n, g: 1.5, seed: 4 }));
    const e = eigenDecomposition(n, J, all[0]);
    expect(Array.from(e.im).some((v) => v !== 0)).toBe(true);
    let res = 0,
      id = 0;
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        // (J V)_ik - lambda_k V_ik
        let sr = 0,
          si = 0;
        for (let j = 0; j < n; j++) {
          sr += J[i * n + j] * e.vRe[j * n + k];
          si += J[i * n + j] * e.vIm[j * n + k];
        }
        const lr = e.re[k] * e.vRe[i * n + k] - e.im[k] * e.vIm[i * n + k],
          li = e.re[k] * e.vIm[i * n + k] + e.im[k] * e.vRe[i * n + k];
        res = Math.max(res, Math.hypot(sr - lr, si - li));
        // (U V)_ik
        let ur = 0,
          ui = 0;
        for (let j = 0; j < n; j++) {
          ur += e.uRe[i * n + j] * e.vRe[j * n + k] - e.uIm[i * n + j] * e.vIm[j * n + k];
          ui += e.uRe[i * n + j] * e.vIm[j * n + k] + e.uIm[i * n + j] * e.vRe[j * n + k];
        }
        id = Math.max(id, Math.hypot(ur - (i === k ? 1 : 0), ui));
      }
    expect(res).toBeLessThan(1e-12);
    expect(id).toBeLessThan(1e-12);
    expect(e.condition).toBeGreaterThanOrEqual(1);
  });
});

describe.each(BACKEND_LABELS)("the linear-equivalence covariance on the %s backend", (name) => {
  let be: Backend;
  beforeAll(() => {
    be = all.find((b) => label(b) === name)!;
  });

  it("is the Lyapunov equation's solution for a linear network phi(x) = x driven by white noise", () => {
    const n = 12,
      sigma = 0.8;
    const net = makeNetwork({ coupling: "iid", n, g: 0.6, seed: 3 });
    const J = denseJ(net);
    const exact = lyapunov(n, J, sigma);
    const r = covarianceOf(modeForm(net, be), linearSite(sigma), be);
    // the frequency quadrature converges exponentially (module comment); 1e-8 of the O(0.5) entries
    expect(maxAbs(r.results.cPhi, exact)).toBeLessThan(1e-8);
    expect(maxAbs(r.results.cX!, exact)).toBeLessThan(1e-8);
  });

  it("gives the lagged covariance e^{(J - I) tau} X of the linear network", () => {
    const n = 10,
      sigma = 1,
      tau = 0.7;
    const net = makeNetwork({ coupling: "iid", n, g: 0.8, seed: 5 });
    const J = denseJ(net);
    let Y = lyapunov(n, J, sigma);
    // e^{A tau} X by RK4 in 700 steps (local error ~ h^5: below 1e-13)
    const f = (Z: Float64Array) => {
      const o = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = -Z[i * n + j];
          for (let k = 0; k < n; k++) s += J[i * n + k] * Z[k * n + j];
          o[i * n + j] = s;
        }
      return o;
    };
    const h = tau / 700;
    for (let s = 0; s < 700; s++) {
      const k1 = f(Y),
        k2 = f(Y.map((v, i) => v + (h / 2) * k1[i])),
        k3 = f(Y.map((v, i) => v + (h / 2) * k2[i])),
        k4 = f(Y.map((v, i) => v + h * k3[i]));
      Y = Y.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
    }
    const r = covarianceOf(modeForm(net, be), linearSite(sigma), be, { lags: [tau] });
    // the phase e^{i w tau} is resolved less finely than the equal-time integrand at large w: 1e-6
    expect(maxAbs(r.results.laggedPhi[0], Y)).toBeLessThan(1e-6);
    // C(tau) is not symmetric, and C(0) is
    expect(maxAbs(r.results.laggedPhi[0], transpose(n, r.results.laggedPhi[0]))).toBeGreaterThan(1e-3);
    expect(maxAbs(r.results.cPhi, transpose(n, r.results.cPhi))).toBeLessThan(1e-12);
  });

  it("decomposes a defective J (a Jordan chain off a random core) after a perturbation, still exactly", () => {
    // a 9-unit random core feeding a chain 2 -> 9 -> 10 -> 11 that sends nothing back: a Jordan block of size 3 at 0
    const n = 12,
      core = 9;
    const c = denseJ(makeNetwork({ coupling: "iid", n: core, g: 0.6, seed: 3 }));
    const J = new Float64Array(n * n);
    for (let i = 0; i < core; i++) for (let j = 0; j < core; j++) J[i * n + j] = c[i * core + j];
    J[9 * n + 2] = 0.7;
    J[10 * n + 9] = 0.8;
    J[11 * n + 10] = -0.6;
    const net: Network = { ...makeNetwork({ coupling: "iid", n, g: 0.6, seed: 3 }), coupling: { kind: "dense", n, J } };
    const form = modeForm(net, be, 1),
      twin = modeForm(net, be, 2);
    expect(form.perturbation!.conditionBefore).toBeGreaterThan(1e8);
    const r = checkedCovariance({ form, site: linearSite(1), twin }, be);
    // the perturbation moves C by O(eps) = 1e-7 and rounding through V^{-1} costs ~u kappa^2 (kappa ~ 1e5 after
    // it: ~1e-6 at most); measured 4e-8
    expect(maxAbs(r.results.cPhi, lyapunov(n, J, 1))).toBeLessThan(1e-6);
    expect(r.results.perturbation!.difference).toBeLessThan(1e-6);
  });

  it("gives the same covariance by Woodbury (M x M) as by the dense N x N route on a random-mode J", () => {
    const rmm = makeNetwork({ coupling: "rmm", n: 40, g: 3, alpha: 0.5, seed: 2 });
    const dense: Network = { ...rmm, coupling: { kind: "dense", n: 40, J: denseJ(rmm) } };
    const lr = networkCovariance(rmm, be, { sigma: 1, lags: [1] });
    const dn = networkCovariance(dense, be, { sigma: 1, lags: [1] });
    expect(lr.params.kind).toBe("lowrank");
    expect(lr.params.modes).toBe(20);
    expect(dn.params.kind).toBe("dense");
    expect(lr.results.gEff).toBeCloseTo(dn.results.gEff, 12);
    // two decompositions of the same J (20 x 20 vs 40 x 40, its 20 zero eigenvalues included); the dense one's
    // condition number (~1e2) costs about that many ulps
    for (const [x, y] of [
      [lr.results.cPhi, dn.results.cPhi],
      [lr.results.cX!, dn.results.cX!],
      [lr.results.laggedPhi[0], dn.results.laggedPhi[0]],
    ])
      expect(maxAbs(x, y)).toBeLessThan(1e-10);
  });
});

function transpose(n: number, C: Float64Array): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = C[i * n + j];
  return out;
}

describe("directionTimescales", () => {
  it("is v^T C^phi(tau) v of the full prediction along any unit direction (dense and Woodbury), with its 1/e time", () => {
    const be = all[0];
    for (const spec of [
      { coupling: "iid" as const, n: 60, g: 2, seed: 7 },
      { coupling: "rmm" as const, n: 60, g: 3, alpha: 0.5, seed: 2 },
    ]) {
      const { form, site } = equivalentNetwork(makeNetwork(spec), be, "tanh", 1.5);
      const n = form.n,
        k = 3;
      const V = new Float64Array(k * n);
      for (let v = 0; v < k; v++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (V[v * n + i] = Math.sin(7 * i + 3 * v + 1)) ** 2;
        for (let i = 0; i < n; i++) V[v * n + i] /= Math.sqrt(s);
      }
      const full = covarianceOf(form, site, be, { lags: [0.7, 2], withX: false }).results;
      const d = directionTimescales(form, site, be, V, k);
      [full.cPhi, ...full.laggedPhi].forEach((C, li) => {
        const l = Math.round([0, 0.7, 2][li] / 0.05);
        for (let v = 0; v < k; v++) {
          let q = 0;
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q += V[v * n + i] * C[i * n + j] * V[v * n + j];
          // the same quadrature and c0 term by two routes (N x N matrices vs projected spectra): rounding only
          expect(Math.abs(d.autocovariance[v][l] - q)).toBeLessThan(1e-12);
        }
      });
      for (let v = 0; v < k; v++) {
        const c = d.autocovariance[v],
          t = d.tau[v]!;
        const at = c[Math.floor(t / 0.05)] / c[0];
        expect(at).toBeGreaterThanOrEqual(1 / Math.E - 1e-12);
        expect(c[Math.floor(t / 0.05) + 1] / c[0]).toBeLessThanOrEqual(1 / Math.E + 1e-12);
      }
    }
  });
});

describe("networkCovariance (tanh, i.i.d. J)", () => {
  let be: Backend;
  beforeAll(() => {
    be = all[0];
  });

  it("has a diagonal that averages to the DMFT's C^phi(0), closer as N grows (g = 2, sigma = 2)", () => {
    // (1/N) tr[(I - S J)^{-1}(I - S J)^{-†}] -> 1 / (1 - g^2 |S|^2) as N -> infinity (LINEAR.md §2), so the mean
    // diagonal tends to C^phi*(0); at finite N it scatters with the spectrum's edge (measured RMS 5 % at N = 50,
    // 0.8 % at N = 400, about N^{-1/2}-N^{-1}): the N = 400 RMS must be below half the N = 50 one (a factor 2.8
    // at the slowest rate), and within 3 % of the DMFT.
    const rms = (n: number, seeds: number) => {
      let s2 = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        const r = networkCovariance(makeNetwork({ coupling: "iid", n, g: 2, seed }), be, { sigma: 2, withX: false });
        let tr = 0;
        for (let i = 0; i < n; i++) tr += r.results.cPhi[i * n + i];
        s2 += (tr / n / r.results.dmftCPhi0 - 1) ** 2;
      }
      return Math.sqrt(s2 / seeds);
    };
    const small = rms(50, 8),
      large = rms(400, 3);
    expect(large).toBeLessThan(small / 2);
    expect(large).toBeLessThan(0.03);
  }, 60_000);

  it("is symmetric, positive definite, and differs from the static-linear control", () => {
    const n = 60;
    const net = makeNetwork({ coupling: "iid", n, g: 3, seed: 1 });
    const r = networkCovariance(net, be, { sigma: 0 });
    const C = r.results.cPhi;
    expect(maxAbs(C, transpose(n, C))).toBeLessThan(1e-12);
    const e = eigenDecomposition(n, C, be);
    expect(Math.min(...e.re)).toBeGreaterThan(0);
    const control = staticLinearCovariance(modeForm(net, be), r.results.a, r.results.dmftCPhi0, be);
    expect(maxAbs(control, C)).toBeGreaterThan(1e-3);
  });

  it("refuses an unstable equivalent network with its margin, and gains and reciprocal structure", () => {
    // a mean coupling of 3 / N gives J an outlier eigenvalue near 3: a max Re lambda > 1
    const n = 50;
    const net = makeNetwork({ coupling: "iid", n, g: 2, seed: 1 });
    const J = denseJ(net).map((v) => v + 3 / n);
    const shifted: Network = { ...net, coupling: { kind: "dense", n, J } };
    expect(() => networkCovariance(shifted, be)).toThrow(/unstable: its margin 1 - a max Re lambda\(J\) = -/);
    expect(() => networkCovariance(shifted, be)).toThrow(NotPredictedError);
    expect(() =>
      networkCovariance(makeNetwork({ coupling: "iid", n, g: 2, seed: 1, gains: { prG: 0.5 } }), be),
    ).toThrow(/gains/);
    expect(() => networkCovariance(makeNetwork({ coupling: "iid", n, g: 2, seed: 1, symmetry: 0.3 }), be)).toThrow(
      /reciprocal structure/,
    );
    expect(() => networkCovariance(makeNetwork({ coupling: "iid", n, g: 0.5, seed: 1 }), be)).toThrow(/quiescent/);
    expect(() => networkCovariance(net, be, { sigma: -1 })).toThrow(/`sigma` must be >= 0/);
  });
});
