/**
 * The mean-field maximal exponent (CHAOS.md §4): the built-in self-check E_1 = 0 with C^x' as the first excited
 * state, the sign of lambda_max against g = 1, the onset law lambda_max ~ (g - 1)^2 / 2, and the gain correlation
 * C^d against independent quadratures at its ends and in closed form (erf).
 */
import { describe, expect, it } from "vitest";
import { gainCovariance, maximalExponent, maximalExponentEuler } from "../../src/theory/lyapunov.ts";
import { gaussianAverage, solveDmft } from "../../src/theory/dmft.ts";

describe("maximalExponent", () => {
  it.each(["tanh", "erf"] as const)(
    "reproduces E_1 = 0 with C^x'(tau) as the first excited state for %s at g = 1.2 ... 20",
    (phi) => {
      for (const g of [1.2, 2, 5, 10, 20]) {
        const r = maximalExponent(g, phi);
        // E_1 is 0 exactly; the discretisation (Richardson-extrapolated) and C^d's tabulation leave ~1e-6
        expect(Math.abs(r.e1), `g = ${g}`).toBeLessThan(1e-5);
        expect(r.overlap, `g = ${g}`).toBeGreaterThan(0.9999);
        expect(r.e0).toBeLessThan(0);
        expect(r.lambdaMax).toBeGreaterThan(0);
      }
    },
  );

  it("does not depend on the tau window or the lag step (tanh, g = 2 and 5)", () => {
    for (const g of [2, 5]) {
      const ref = maximalExponent(g).lambdaMax;
      // the bound states decay like e^{-kappa |tau|}: a window of 20 / kappa leaves e^-20 at the wall
      for (const window of [20, 80])
        expect(Math.abs(maximalExponent(g, "tanh", undefined, { window }).lambdaMax - ref)).toBeLessThan(1e-8);
      // a DMFT on half the lag step (the operator's grid h and h/2 with it): the DMFT's own lag discretisation moves
      // lambda_max by up to ~2.5e-4 relative (measured: g = 5, 0.4336859 at dt 0.1, 0.4335766 at 0.05, 0.4335765
      // at 0.025; g = 2 within 2e-6)
      const fine = maximalExponent(g, "tanh", solveDmft(g, "tanh", { dt: 0.05 })).lambdaMax;
      expect(Math.abs(fine - ref) / ref).toBeLessThan(5e-4);
    }
  });

  it("is the quiescent state's -1 + g below the transition", () => {
    expect(maximalExponent(0.5).lambdaMax).toBeCloseTo(-0.5, 14);
    expect(maximalExponent(1).lambdaMax).toBe(0);
  });

  it.each(["tanh", "erf"] as const)("vanishes at onset like (g - 1)^2 / 2 for %s", (phi) => {
    // c(g) = lambda / (g - 1)^2 is linear in g - 1 near 1: extrapolated from g = 1.02 and 1.03 to g = 1
    const c = (g: number) => maximalExponent(g, phi).lambdaMax / (g - 1) ** 2;
    const c2 = c(1.02),
      c3 = c(1.03);
    const c0 = c2 - (c3 - c2) * 2;
    expect(Math.abs(c0 - 0.5)).toBeLessThan(0.01);
    expect(c2).toBeGreaterThan(c3);
  });

  it("grows with g (tanh and erf)", () => {
    for (const phi of ["tanh", "erf"] as const) {
      const l = [1.5, 2, 3, 5].map((g) => maximalExponent(g, phi).lambdaMax);
      for (let i = 1; i < l.length; i++) expect(l[i]).toBeGreaterThan(l[i - 1]);
    }
  });
});

describe("gainCovariance", () => {
  it("equals <phi'>^2 at c = 0 and <phi'^2> at c = q (tanh, 1-D quadratures), at small and large q", () => {
    for (const q of [0.3, 2, 4, 4.5, 30, 200]) {
      const Cd = gainCovariance("tanh", q);
      const sech2 = (x: number) => 1 / Math.cosh(x) ** 2;
      const m1 = gaussianAverage(sech2, q, 1),
        m2 = gaussianAverage((x) => sech2(x) ** 2, q, 1);
      expect(Math.abs(Cd(0) - m1 * m1) / (m1 * m1), `q = ${q}, c = 0`).toBeLessThan(1e-6);
      expect(Math.abs(Cd(q) - m2) / m2, `q = ${q}, c = q`).toBeLessThan(1e-6);
      expect(Cd(-q / 3)).toBe(Cd(q / 3)); // phi' even: C^d even in c
    }
  });

  it("matches a 2-D quadrature in between, and the erf closed form", () => {
    for (const kind of ["tanh", "erf"] as const)
      for (const q of [1, 10]) {
        const Cd = gainCovariance(kind, q);
        const dphi =
          kind === "tanh" ? (x: number) => 1 / Math.cosh(x) ** 2 : (x: number) => Math.exp((-Math.PI / 4) * x * x);
        for (const c of [0.3 * q, 0.8 * q, 0.97 * q]) {
          // x = sqrt(q - c) u + sqrt(c) z, y = sqrt(q - c) v + sqrt(c) z: a 3-D trapezoid in (u, v, z) on [-8, 8]
          const h = 0.05 / Math.sqrt(q);
          const K = Math.round(8 / h);
          const a = Math.sqrt(q - c),
            b = Math.sqrt(c);
          let total = 0;
          for (let zi = -K; zi <= K; zi += 4) {
            const z = zi * h;
            let inner = 0;
            for (let ui = -K; ui <= K; ui++) {
              const u = ui * h;
              inner += Math.exp((-u * u) / 2) * dphi(a * u + b * z);
            }
            inner *= h / Math.sqrt(2 * Math.PI);
            total += ((4 * h * Math.exp((-z * z) / 2)) / Math.sqrt(2 * Math.PI)) * inner * inner;
          }
          expect(Math.abs(Cd(c) - total) / total, `${kind} q = ${q} c = ${c}`).toBeLessThan(1e-4);
        }
      }
  });
});

describe("maximalExponentEuler", () => {
  it("has the closed form log(g sqrt(C^d(0))) at delta = 1, with q = g^2 <phi^2> (tanh and erf)", () => {
    for (const phi of ["tanh", "erf"] as const)
      for (const g of [2, 4]) {
        const r = maximalExponentEuler(g, phi, 1);
        const f = phi === "tanh" ? Math.tanh : (x: number) => erfOf(x);
        const dphi =
          phi === "tanh" ? (x: number) => 1 / Math.cosh(x) ** 2 : (x: number) => Math.exp((-Math.PI / 4) * x * x);
        // at delta = 1 the map is x_{n+1} = J phi(x_n): q = g^2 <phi(x)^2> at variance q, and no lagged correlation;
        // the DMFT's F(q; q) comes from its 2-D table (trapezoid step 0.25 / sqrt q), this from a 1-D quadrature:
        // they differ by ~3e-8
        expect(Math.abs(r.q - g * g * gaussianAverage((x) => f(x) ** 2, r.q, 1)) / r.q).toBeLessThan(1e-6);
        const cd0 = gaussianAverage((x) => dphi(x) ** 2, r.q, 1);
        expect(Math.abs(r.lambdaMax - Math.log(g * Math.sqrt(cd0)))).toBeLessThan(1e-6);
      }
  });

  it("tends to the flow's exponent linearly in delta (erf, g = 3)", () => {
    const flow = maximalExponent(3, "erf").lambdaMax;
    const d1 = flow - maximalExponentEuler(3, "erf", 0.1).lambdaMax,
      d2 = flow - maximalExponentEuler(3, "erf", 0.05).lambdaMax;
    // O(delta): halving delta halves the gap (to 10 %, the O(delta^2) term)
    expect(Math.abs(d2 / d1 - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(d2)).toBeLessThan(0.02 * flow);
  });
});

/** erf(sqrt(pi) x / 2) through its series-free relation to the normal CDF (an independent evaluation) */
function erfOf(x: number): number {
  // erf(y) = 2 Phi(y sqrt 2) - 1, Phi by Gauss-Legendre-free trapezoid of the density on [0, |y| sqrt 2]
  const y = (Math.sqrt(Math.PI) / 2) * x;
  const t = Math.abs(y) * Math.SQRT2,
    steps = 2000;
  let s = 0;
  for (let i = 0; i <= steps; i++) {
    const u = (i / steps) * t;
    s += (i === 0 || i === steps ? 0.5 : 1) * Math.exp((-u * u) / 2);
  }
  const half = (s * (t / steps)) / Math.sqrt(2 * Math.PI);
  return Math.sign(y) * 2 * half;
}
