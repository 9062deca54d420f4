/**
 * Strength spectra and gain profiles: targets met exactly on the discrete spectrum, and the continuum
 * formulas of THEORY §2.4 recovered as independent large-M limits.
 */
import { describe, expect, it } from "vitest";
import {
  exponentialProfile,
  participationRatio,
  powerLawProfile,
  solveExponentialBeta,
  solvePowerLawGamma,
  stepProfile,
} from "../../src/network/spectra.ts";

describe("strength spectra", () => {
  it("approach PR^D = tanh(beta)/beta for the exponential profile at large M (error O(1/M))", () => {
    for (const beta of [0.5, 2, 8]) {
      const pr = participationRatio(exponentialProfile(200_000, beta));
      // the Riemann sum's relative error is O(beta / M) < 1e-4
      expect(Math.abs(pr - Math.tanh(beta) / beta)).toBeLessThan(1e-4);
    }
  });

  it("approach PR^D = (1 - 4 gamma)/(1 - 2 gamma)^2 for the power law with gamma < 1/4 at large M", () => {
    for (const gamma of [0.05, 0.1, 0.15]) {
      const pr = participationRatio(powerLawProfile(400_000, gamma));
      // the singularity at u -> 0 makes the sum converge like M^(4 gamma - 1): < 2e-2 relative at gamma = 0.15
      expect(Math.abs(pr / ((1 - 4 * gamma) / (1 - 2 * gamma) ** 2) - 1)).toBeLessThan(0.02);
    }
  });

  it("meets a target PR exactly on the discrete spectrum by bisection", () => {
    for (const m of [10, 101, 2000]) {
      for (const target of [0.9, 0.5, 0.2]) {
        expect(participationRatio(exponentialProfile(m, solveExponentialBeta(m, target)))).toBeCloseTo(target, 10);
        expect(participationRatio(powerLawProfile(m, solvePowerLawGamma(m, target)))).toBeCloseTo(target, 10);
      }
    }
    expect(solveExponentialBeta(50, 1)).toBe(0);
  });

  it("gives a step spectrum whose PR is the kept fraction", () => {
    expect(participationRatio(stepProfile(1000, 60))).toBeCloseTo(0.06, 12);
    expect(participationRatio(new Float64Array(5))).toBe(0);
  });
});
