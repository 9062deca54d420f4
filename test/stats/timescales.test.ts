/**
 * PC-timescale summaries (THEORY §4.1, PRX (27)-(28)): the 1/e time on a grid, and its limits in the theory.
 */
import { describe, expect, it } from "vitest";
import { decayTime, theory } from "../../src/theory/index.ts";
import { valueAt } from "../../src/stats/timescales.ts";

describe("decayTime", () => {
  it("finds the 1/e time of an exponential, interpolating linearly between grid points", () => {
    const tau = Array.from({ length: 200 }, (_, k) => k * 0.01);
    // on a 0.01 grid, linear interpolation of exp(-t/0.5) near t = 0.5 errs by < (0.01)^2 / (8 * 0.5^2) relative
    expect(
      decayTime(
        tau,
        tau.map((t) => 3 * Math.exp(-t / 0.5)),
      ),
    ).toBeCloseTo(0.5, 4);
    // an exact straight line is interpolated exactly
    expect(decayTime([0, 1, 2], [1, 0.5, 0])).toBeCloseTo(2 * (1 - 1 / Math.E), 14);
  });

  it("is null when the function does not fall to 1/e within the lags, or starts at or below zero", () => {
    expect(decayTime([0, 1, 2], [1, 0.9, 0.8])).toBeNull();
    expect(decayTime([0, 1], [0, -1])).toBeNull();
    expect(decayTime([], [])).toBeNull();
  });
});

describe("theory PC timescales", () => {
  it("near g = 1 give C^phi's 1/e time arccosh(e) sqrt(3) / eps (PRL: C = eps sech(eps tau / sqrt 3))", () => {
    // leading order in eps = g - 1: r(eps) = tau_1/e eps / (sqrt 3 arccosh e) = 1 + O(eps) (1.036 at eps =
    // 0.02). Extrapolated to eps -> 0 by the quadratic through eps = 0.02, 0.03, 0.04 (Lagrange weights 6, -8,
    // 3), as for the PR law: the O(eps^3) remainder ~ 1e-3 plus the lag grid's linear interpolation (step
    // dt ~ 0.07 tau_1/e here: relative error ~ dt^2 / (8 tau^2) ~ 6e-4) stay below the 5e-3 allowed.
    const ratio = (g: number) => theory(g).results.timescales.cPhi! / ((Math.acosh(Math.E) * Math.sqrt(3)) / (g - 1));
    const [a, b, c] = [1.02, 1.03, 1.04].map(ratio);
    expect(a).toBeLessThan(c);
    expect(Math.abs(6 * a - 8 * b + 3 * c - 1)).toBeLessThan(5e-3);
  });

  it("make the leading PCs slower than single neurons, more so at low effective rank (PRX Fig. 4b, 9)", () => {
    const iid = theory(6, { phi: "erf" }).results.timescales;
    const low = theory(6, { phi: "erf", effectiveRank: 0.3 }).results.timescales;
    expect(iid.psiPhi!).toBeGreaterThan(iid.cPhi!);
    expect(low.cPhi).toBe(iid.cPhi); // C^phi does not depend on the effective rank
    expect(low.psiPhi!).toBeGreaterThan(iid.psiPhi!);
  });
});

describe("valueAt", () => {
  it("interpolates linearly between lags and holds the end values outside the grid", () => {
    const tau = [0, 0.5, 1],
      f = [1, 0.5, 0.25];
    expect(valueAt(tau, f, 0.25)).toBeCloseTo(0.75, 15);
    expect(valueAt(tau, f, 0.5)).toBe(0.5);
    expect(valueAt(tau, f, 3)).toBe(0.25);
    expect(valueAt(tau, f, -1)).toBe(1);
  });
});
