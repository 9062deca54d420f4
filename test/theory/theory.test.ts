/**
 * Theory against the authors' published numbers (THEORY §5.4, from rnn-lyapunov's bundled data), against
 * independent routes (erf closed forms, the energy condition), and against its limits (§4.5).
 */
import { describe, expect, it } from "vitest";
import { gaussianAverage, phiCovariance, solveDmft, varianceFromEnergy } from "../../src/theory/dmft.ts";
import { dimensionTheory, harmonicPr } from "../../src/theory/dimension.ts";
import { theory } from "../../src/theory/index.ts";

const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe("i.i.d. tanh theory", () => {
  // THEORY §5.4: PR^phi and PR^x to the 4-5 digits published
  const table: [number, number, number][] = [
    [1.25, 0.00146, 0.0014],
    [1.5, 0.00624, 0.00561],
    [2, 0.01974, 0.01592],
    [3, 0.04465, 0.03137],
    [4, 0.06207, 0.04027],
    [6, 0.08264, 0.04908],
    [10, 0.1007, 0.05526],
    [20, 0.11434, 0.05871],
  ];
  it.each(table)("gives the published PR^phi and PR^x at g = %s", (g, prPhi, prX) => {
    const r = theory(g).results;
    // the table is printed to 5 decimals: half a unit (0.5e-5) absolute, plus 1e-4 relative for our
    // quadrature and interpolation (a uniform c-table of tanh's F(c; q) once left 2-7e-4 at g = 10-20: its
    // interpolation missed F's O(1/sqrt q) layer at c -> q; the arcsin-split table of tanhCovarianceLargeQ
    // resolves it, see the tests below)
    const num = 1e-4;
    expect(Math.abs(r.prPhiIid! - prPhi)).toBeLessThan(0.5e-5 + num * prPhi);
    expect(Math.abs(r.prXIid! - prX)).toBeLessThan(0.5e-5 + num * prX);
  });

  it("approaches the near-critical law PR^a = eps^3 / 4.27, C^x(0) = eps, 1 - nu = eps^2 / 3 as g -> 1+ (PRL)", () => {
    // The law is leading order in eps = g - 1, so at g = 1.05 ... 1.2 the ratio PR / (eps^3 / 4.27) is still
    // 0.79 ... 0.46 (it must rise monotonically toward 1). The limit itself: the ratios r(eps) = 1 + a eps +
    // b eps^2 + O(eps^3) at eps = 0.02, 0.03, 0.04, extrapolated to 0 by the quadratic through them
    // (Lagrange weights 6, -8, 3). The O(eps^3) remainder is ~ 1e-3 (the spread between this and the
    // extrapolation from 0.01-0.03, 0.9973 vs 0.9980); 4.27 is given to 3 digits (1.2e-3): tolerance 5e-3
    // for PR, 2e-3 for the exact limits of C^x(0)/eps and 3 (1 - nu)/eps^2.
    const ratios = (g: number) => {
      const r = theory(g).results,
        e = g - 1;
      return [(4.27 * r.prPhiIid!) / e ** 3, (4.27 * r.prXIid!) / e ** 3, r.cX0 / e, (3 * (1 - r.nu)) / e ** 2];
    };
    const coarse = [1.2, 1.1, 1.05].map((g) => ratios(g)[0]);
    expect(coarse[0]).toBeLessThan(coarse[1]);
    expect(coarse[1]).toBeLessThan(coarse[2]);
    const [a, b, c] = [1.02, 1.03, 1.04].map(ratios);
    expect(c[0]).toBeLessThan(1);
    expect(coarse[2]).toBeLessThan(c[0]);
    const limit = a.map((_, i) => 6 * a[i] - 8 * b[i] + 3 * c[i]);
    expect(Math.abs(limit[0] - 1)).toBeLessThan(5e-3);
    expect(Math.abs(limit[1] - 1)).toBeLessThan(5e-3);
    expect(Math.abs(limit[2] - 1)).toBeLessThan(2e-3);
    expect(Math.abs(limit[3] - 1)).toBeLessThan(2e-3);
  });

  it("is converged near g = 1 when the automatic lag step grows (g = 1.1: grid 8192 -> 16384, dt 0.474 -> 0.25)", () => {
    const a = theory(1.1),
      b = theory(1.1, { dt: 0.25, points: 16384 });
    expect(a.params.dt).toBeGreaterThan(0.1);
    expect(rel(a.results.prPhiIid!, b.results.prPhiIid!)).toBeLessThan(2e-4);
    expect(rel(a.results.prXIid!, b.results.prXIid!)).toBeLessThan(2e-4);
  });

  it("is converged in the lag step and grid size (g = 10: dt 0.1 -> 0.05, 4096 -> 8192 points)", () => {
    const a = theory(10).results,
      b = theory(10, { dt: 0.05, points: 8192 }).results;
    expect(rel(a.prPhiIid!, b.prPhiIid!)).toBeLessThan(1e-5);
    expect(rel(a.prXIid!, b.prXIid!)).toBeLessThan(1e-5);
  });

  it("gives the published C^x(0), <tanh'> and off-diagonal psi^phi(0, 0)", () => {
    for (const [g, q, dp] of [
      [2, 1.9248, 0.48682],
      [6, 24.926, 0.15726],
      [10, 71.368, 0.093909],
    ]) {
      const s = solveDmft(g);
      expect(rel(s.q, q)).toBeLessThan(5e-5);
      expect(rel(s.meanPhiPrime, dp)).toBeLessThan(5e-5);
    }
    for (const [g, psi] of [
      [3, 9.91],
      [10, 7.332],
    ]) {
      const r = theory(g).results;
      expect(rel(r.psiPhi00 - r.cPhi0 ** 2, psi)).toBeLessThan(1e-3);
    }
  });

  it("has C^x(tau) decaying from q with the linearised rate sqrt(1 - nu), and C^phi = F(C^x)", () => {
    const s = solveDmft(3);
    expect(s.cX[0]).toBe(s.q);
    for (let k = 1; k < 200; k++) expect(s.cX[k]).toBeLessThan(s.cX[k - 1]);
    const k1 = 300,
      k2 = 400; // deep in the tail
    expect(Math.log(s.cX[k1] / s.cX[k2]) / ((k2 - k1) * s.params.dt)).toBeCloseTo(Math.sqrt(1 - s.nu), 6);
  });
});

describe("tanh's F(c; q) at large variance", () => {
  it("equals a brute-force double integral E[tanh x tanh y] (fine trapezoid, no table) to 1e-7", () => {
    // direct: F = E_z[h(z) h(+-z)], h(z) = E_x tanh(sqrt(q - c) x + sqrt(c) z), trapezoid dz = 0.002 on [-10, 10]
    // in both variables (error ~1e-9 for these smooth Gaussian integrands; tanh's transition at |x| ~ 1/sqrt q
    // is resolved: 0.002 sqrt(q) <= 0.02)
    const q = 80,
      dz = 0.002,
      K = Math.round(10 / dz);
    const zs = Float64Array.from({ length: 2 * K + 1 }, (_, k) => (k - K) * dz);
    const wz = zs.map((z) => (dz * Math.exp((-z * z) / 2)) / Math.sqrt(2 * Math.PI));
    const F = phiCovariance("tanh", q);
    for (const c of [0.3 * q, 0.9 * q, 0.999 * q]) {
      const a = Math.sqrt(q - c),
        b = Math.sqrt(c);
      let acc = 0;
      for (let j = 0; j < zs.length; j += 2) {
        let h = 0;
        for (let i = 0; i < zs.length; i++) h += wz[i] * Math.tanh(a * zs[i] + b * zs[j]);
        acc += 2 * wz[j] * h * h; // every other outer point, weight doubled (the outer integrand is smooth)
      }
      expect(Math.abs(F(c) - acc)).toBeLessThan(1e-7);
    }
  });

  it("reaches the g -> infinity limits with tanh: PR^phi -> 12.6 %, PR^x -> 6.02 % (g = 200 and 1000), as erf does", () => {
    // finite-g corrections: PR^phi is still rising at g = 200 (0.1254) and 1000 (0.1261); both nonlinearities
    // tend to the sign function, so at g = 1000 tanh and erf agree to the size of those corrections (~1e-3)
    const r200 = theory(200).results,
      r1000 = theory(1000).results,
      e1000 = theory(1000, { phi: "erf" }).results;
    expect(r200.prPhiIid!).toBeLessThan(r1000.prPhiIid!);
    expect(Math.abs(r200.prPhiIid! / 0.126 - 1)).toBeLessThan(0.01);
    expect(Math.abs(r200.prXIid! / 0.0602 - 1)).toBeLessThan(0.005);
    expect(Math.abs(r1000.prPhiIid! / 0.126 - 1)).toBeLessThan(0.002);
    expect(Math.abs(r1000.prPhiIid! / e1000.prPhiIid! - 1)).toBeLessThan(1e-3);
    expect(Math.abs(r1000.prXIid! / e1000.prXIid! - 1)).toBeLessThan(1e-3);
    expect(rel(r1000.cX0 / 1e6, 2 * (1 - 2 / Math.PI))).toBeLessThan(1e-3);
  });
});

describe("erf theory (the PRX nonlinearity)", () => {
  it("has q at the zero of the closed-form energy V(q; q) - V(0; q) (PRX (M2))", () => {
    for (const g of [1.5, 3, 10]) {
      const q = varianceFromEnergy(g, "erf");
      const a = q + 2 / Math.PI;
      const V = (c: number) =>
        -(c * c) / 2 + g * g * ((2 / Math.PI) * Math.sqrt(a * a - c * c) + c * (2 / Math.PI) * Math.asin(c / a));
      expect(Math.abs(V(q) - V(0)) / (g * g * q)).toBeLessThan(1e-9);
    }
  });

  it("matches its closed forms for <phi'> and F(q; q) by quadrature", () => {
    const q = 2.3;
    expect(gaussianAverage((x) => Math.exp((-Math.PI / 4) * x * x), q)).toBeCloseTo(
      1 / Math.sqrt(1 + (Math.PI * q) / 2),
      12,
    );
    const F = phiCovariance("erf", q);
    const s = solveDmft(2, "erf");
    expect(F(q)).toBeCloseTo((2 / Math.PI) * Math.asin(q / (q + 2 / Math.PI)), 14);
    expect(s.cPhi[0]).toBeCloseTo(phiCovariance("erf", s.q)(s.q), 14);
  });

  it.each([
    [1.5, 1.079],
    [3, 1.289],
    [10, 1.476],
    [30, 1.519],
  ])("gives K^phi / PR^phi_iid = %s -> %s (THEORY §4.5 [checked])", (g, ratio) => {
    const r = theory(g, { phi: "erf" }).results;
    expect(Math.abs(r.kPhi! / r.prPhiIid! - ratio)).toBeLessThan(1.5e-3);
  });

  it("reaches the g -> infinity limits PR^phi -> 12.6 %, PR^x -> 6.02 %, C^x(0)/g^2 -> 2(1 - 2/pi), nu -> 1/(pi - 2)", () => {
    const g = 1000;
    const r = theory(g, { phi: "erf" });
    expect(Math.abs(r.results.prPhiIid! - 0.126)).toBeLessThan(0.0006);
    expect(Math.abs(r.results.prXIid! - 0.0602)).toBeLessThan(0.0003);
    expect(rel(r.results.cX0 / (g * g), 2 * (1 - 2 / Math.PI))).toBeLessThan(1e-3);
    expect(rel(r.results.nu, 1 / (Math.PI - 2))).toBeLessThan(1e-3);
  });
});

describe("random-mode model and gains", () => {
  it("lowers PR by the harmonic form, which equals the direct double integral", () => {
    const sol = solveDmft(6, "erf");
    const iid = dimensionTheory(sol);
    for (const er of [0.1, 0.5, 3]) {
      const d = dimensionTheory(sol, er);
      const direct = sol.cPhi[0] ** 2 / d.collective.psiPhi[0];
      expect(rel(harmonicPr(iid.prPhiIid, iid.kPhi, er), direct)).toBeLessThan(1e-9);
      expect(direct).toBeLessThan(iid.prPhiIid);
    }
    // low effective rank: PR -> K alpha PR^D (PRX (42))
    const low = theory(6, { phi: "erf", effectiveRank: 1e-4 }).results;
    expect(rel(low.prPhi!, low.kPhi! * 1e-4)).toBeLessThan(1e-3);
  });

  it("gives Psi^phi(tau, tau) and Psi^phi(tau, 0) the same value at 0, with the diagonal the slower (PRL)", () => {
    const r = theory(2).results;
    expect(r.diagonal.psiPhi[0]).toBeCloseTo(r.collective.psiPhi[0], 10);
    // at g = 2 (near-ish criticality) the tau1 = tau2 direction decays more slowly than tau2 = 0
    for (const k of [20, 50, 100])
      expect(r.diagonal.psiPhiNormalized[k]).toBeGreaterThan(r.collective.psiPhiNormalized[k]);
  });

  it("gives PRX Fig. 5b's observable ratios at g_eff = 10, PR^G = 0.1 (plot readings, +-10 %)", () => {
    // THEORY §7 Fig. 5b: PR^{G phi}/PR^phi ~ 0.72 and PR^{G' phi}/PR^phi ~ 0.88 for alpha PR^D = 10 or 1,
    // ~0.82 and ~0.92 for 0.1, PR^phi being the z-scored observable; plot readings are +-10 % (THEORY §11.5)
    for (const [er, a, b] of [
      [10, 0.72, 0.88],
      [1, 0.72, 0.88],
      [0.1, 0.82, 0.92],
    ]) {
      const g = theory(10, { phi: "erf", effectiveRank: er, prG: 0.1 }).results.gains!;
      expect(Math.abs(g.prPhiUnnormalized / g.prPhiNormalized / a - 1)).toBeLessThan(0.1);
      expect(Math.abs(g.prPhiReadout / g.prPhiNormalized / b - 1)).toBeLessThan(0.1);
    }
  });

  it("orders the gain observables normalised > random readout > unnormalised, all 1 at PR^G = 1", () => {
    const r = theory(10, { phi: "erf", effectiveRank: 1, prG: 0.1 }).results.gains!;
    expect(r.prPhiNormalized).toBeGreaterThan(r.prPhiReadout);
    expect(r.prPhiReadout).toBeGreaterThan(r.prPhiUnnormalized);
    const one = theory(10, { phi: "erf", effectiveRank: 1, prG: 1 }).results;
    expect(one.gains!.prPhiUnnormalized).toBeCloseTo(one.prPhi!, 12);
    expect(one.gains!.prPhiNormalized).toBeCloseTo(one.prPhi!, 12);
    expect(one.gains!.prPhiReadout).toBeCloseTo(one.prPhi!, 12);
  });

  it("returns the quiescent solution for g <= 1 and refuses what the solver cannot do", () => {
    const q = theory(0.9).results;
    expect(q.quiescent).toBe(true);
    expect(q.prPhi).toBeNull();
    expect(() => theory(1.0001)).toThrow(/`g` is too close to the transition/);
    expect(() => theory(1.01, { dt: 0.1 })).toThrow(/`g` is too close to the transition/);
    expect(() => theory(2, { effectiveRank: 0 })).toThrow(/`effectiveRank` must be a positive number/);
    expect(() => theory(Number.NaN)).toThrow(/`g` must be a finite number/);
  });
});
