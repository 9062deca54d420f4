/**
 * Coupling ensembles: realised moments against their targets within derived standard errors,
 * determinism in the seed, independence of streams, the paper's parameter recipes, and argument checks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../src/backend/select.ts";
import type { Backend } from "../../src/backend/types.ts";
import { denseJ, makeNetwork, standInNetwork, type LowRankCoupling } from "../../src/network/ensembles.ts";
import { moment, participationRatio } from "../../src/network/spectra.ts";
import { couplingStructure } from "../../src/network/structure.ts";

let be: Backend;
beforeAll(async () => {
  be = await createBackend("auto");
});

describe("the i.i.d. ensemble", () => {
  it("has mean 0 and N Var(J_ij) = g^2 within 5 standard errors", () => {
    const n = 600,
      g = 1.7;
    const net = makeNetwork({ coupling: "iid", n, g, seed: 11 });
    const s = couplingStructure(net, be);
    // mean of N^2 entries of variance g^2/N: SE = g / N^1.5; sample variance: SE(N Var) = g^2 sqrt(2) / N
    expect(Math.abs(s.meanJ)).toBeLessThan((5 * g) / n ** 1.5);
    expect(Math.abs(s.gEff2 - g * g)).toBeLessThan((5 * g * g * Math.SQRT2) / n);
  });

  it.each([-0.5, 0.3, 0.8])("has corr(J_ij, J_ji) = rho = %s and N Var(J_ij) = g^2 when partially symmetric", (rho) => {
    const n = 500,
      g = 2;
    const net = makeNetwork({ coupling: "iid", n, g, symmetry: rho, seed: 3 });
    const J = denseJ(net);
    let sxy = 0,
      sxx = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        sxy += J[i * n + j] * J[j * n + i];
        sxx += J[i * n + j] ** 2 + J[j * n + i] ** 2;
      }
    const corr = sxy / (sxx / 2);
    // SE of a correlation over P = N(N-1)/2 pairs: (1 - rho^2) / sqrt(P)
    expect(Math.abs(corr - rho)).toBeLessThan((5 * (1 - rho * rho)) / Math.sqrt((n * (n - 1)) / 2) + 1e-12);
    // pairs make entries dependent: SE(N Var) <= g^2 sqrt(2 (1 + rho^2)) / N
    expect(Math.abs(couplingStructure(net, be).gEff2 - g * g)).toBeLessThan(
      (5 * g * g * Math.sqrt(2 * (1 + rho * rho))) / n,
    );
  });

  it("is exactly symmetric off the diagonal at rho = 1", () => {
    const n = 40;
    const J = denseJ(makeNetwork({ coupling: "iid", n, g: 1, symmetry: 1, seed: 5 }));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(J[i * n + j]).toBe(J[j * n + i]);
  });

  it("is reproducible from its seed, and gains come from their own stream", () => {
    const a = makeNetwork({ coupling: "iid", n: 30, g: 1.5, seed: 9 });
    const b = makeNetwork({ coupling: "iid", n: 30, g: 1.5, seed: 9, gains: { prG: 0.5 } });
    const c = makeNetwork({ coupling: "iid", n: 30, g: 1.5, seed: 10 });
    expect(Array.from(denseJ(a))).toEqual(Array.from(denseJ(makeNetwork({ coupling: "iid", n: 30, g: 1.5, seed: 9 }))));
    // unit-q2 gains leave J untouched
    expect(Array.from(denseJ(b))).toEqual(Array.from(denseJ(a)));
    expect(Array.from(denseJ(c))).not.toEqual(Array.from(denseJ(a)));
  });
});

describe("the random-mode model", () => {
  it("follows the paper's effective-rank recipe: alpha = 1 and exponential D below 1, flat D and alpha = target above", () => {
    const low = makeNetwork({ coupling: "rmm", n: 400, g: 3, effectiveRank: 0.3, seed: 1 });
    expect(low.summary.alpha).toBe(1);
    expect(low.summary.prD).toBeCloseTo(0.3, 10);
    expect(low.summary.effectiveRank).toBeCloseTo(0.3, 10);
    expect(low.summary.betaD).toBeGreaterThan(0);
    const high = makeNetwork({ coupling: "rmm", n: 400, g: 3, effectiveRank: 2.5, seed: 1 });
    expect(high.summary.alpha).toBe(2.5);
    expect(high.summary.prD).toBeCloseTo(1, 12);
    expect((high.coupling as LowRankCoupling).m).toBe(1000);
  });

  it("rescales D so that alpha r_2 q_2 = g^2 exactly, for every spectrum", () => {
    const specs = [
      { spectrum: "flat" as const, alpha: 0.2 },
      { spectrum: "exponential" as const, betaD: 3 },
      { spectrum: "step" as const, prD: 0.1 },
      { spectrum: "powerlaw" as const, gamma: 0.2, alpha: 0.5 },
      { spectrum: Float64Array.from({ length: 50 }, (_, a) => 1 / (a + 1)) },
    ];
    for (const s of specs) {
      const net = makeNetwork({ coupling: "rmm", n: 200, g: 6, seed: 2, ...s });
      const { alpha, r2, q2, prD, r4 } = net.summary;
      expect(alpha * r2 * q2).toBeCloseTo(36, 9);
      expect(prD).toBeCloseTo((r2 * r2) / r4, 12);
      expect(participationRatio(net.strengths!)).toBeCloseTo(prD, 12);
    }
  });

  it("keeps zero-strength modes out of the factors but in the moments (step spectrum)", () => {
    const net = makeNetwork({ coupling: "rmm", n: 500, g: 2, spectrum: "step", prD: 0.06, seed: 4 });
    const c = net.coupling as LowRankCoupling;
    expect(c.m).toBe(30);
    expect(net.summary.modes).toBe(500);
    expect(net.summary.prD).toBeCloseTo(0.06, 12);
  });

  it.each([0.1, 0.5, 2])("realises N Var(J_ij) = g_eff^2 within 5 standard errors at effective rank %s", (er) => {
    const n = 800,
      g = 2;
    const s = couplingStructure(makeNetwork({ coupling: "rmm", n, g, effectiveRank: er, seed: 21 }), be);
    // ||J||_F^2 / N = (1/N) sum_ab D_a D_b (l_a.l_b)(r_a.r_b): the a = b terms fluctuate with relative
    // variance 4 / (N M PR^D) (|l|^2, |r|^2 each 2/N), the a != b terms add 2 / N^2, so
    // SE(g_eff^2 / g^2) = sqrt(4 / (alpha PR^D) + 2) / N (checked against 20 seeds: within 1.0-1.4x).
    expect(Math.abs(s.gEff2 / (g * g) - 1)).toBeLessThan((5 * Math.sqrt(4 / er + 2)) / n);
  });

  it("recovers the sampled diagonal overlaps l_a . r_a = rho_a, with <D rho> = 0 and no O(1) autapses", () => {
    const n = 1000;
    const net = makeNetwork({ coupling: "rmm", n, g: 6, alpha: 1, prD: 0.8, overlap: { gamma: 0.6 }, seed: 8 });
    const c = net.coupling as LowRankCoupling,
      rho = net.rho!;
    let dr = 0;
    for (let a = 0; a < c.m; a++) dr += c.D[a] * rho[a];
    expect(Math.abs(dr) / c.m).toBeLessThan(1e-10);
    expect(rho[0]).toBeGreaterThan(0.5);
    expect(rho[c.m - 1]).toBeLessThan(-0.5);
    let worst = 0;
    for (let a = 0; a < c.m; a++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += c.L[i * c.m + a] * c.R[i * c.m + a];
      // l.r = sum of N products of correlated N(0, 1/N) pairs: SE = sqrt((1 + rho^2) / N)
      worst = Math.max(worst, Math.abs(dot - rho[a]) / Math.sqrt((1 + rho[a] ** 2) / n));
    }
    // the largest of M = 1000 standardised deviations: P(max > 4.5) < 1000 * 7e-6 < 1 %
    expect(worst).toBeLessThan(4.5);
    // <J_ii> = alpha <D rho> = 0 up to O(1/sqrt N) fluctuations: SE of the mean of N diagonal entries
    const s = couplingStructure(net, be);
    expect(Math.abs(s.meanDiagonal)).toBeLessThan((5 * 6) / Math.sqrt(n) / Math.sqrt(n));
  });

  it("draws gains with PR^G equal to the target and <G^2> = 1", () => {
    const net = makeNetwork({ coupling: "rmm", n: 300, g: 3, effectiveRank: 1, gains: { prG: 0.3 }, seed: 1 });
    expect(net.summary.prG).toBeCloseTo(0.3, 10);
    expect(moment(net.gains!, 2)).toBeCloseTo(1, 12);
    const user = Float64Array.from({ length: 300 }, (_, i) => 1 + (i % 3));
    const net2 = makeNetwork({ coupling: "rmm", n: 300, g: 3, effectiveRank: 1, gains: user, seed: 1 });
    expect(net2.summary.alpha * net2.summary.r2 * net2.summary.q2).toBeCloseTo(9, 9);
  });
});

describe("a random-mode stand-in for a measured matrix", () => {
  it("uses the singular values as strengths unchanged, with g_eff^2 = sum S^2 / N", () => {
    const S = Float64Array.from([5, 3, 2, 1, 0.5, 0, 0, 0]);
    const net = standInNetwork(S, 4);
    const c = net.coupling as LowRankCoupling;
    expect(Array.from(c.D)).toEqual([5, 3, 2, 1, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(net.summary.alpha).toBe(1);
    expect(net.summary.g ** 2).toBeCloseTo((25 + 9 + 4 + 1 + 0.25) / 8, 12);
  });
});

describe("ensemble arguments", () => {
  it("are validated with messages naming the argument and the value", () => {
    expect(() => makeNetwork({ coupling: "iid", n: 1, g: 1, seed: 1 })).toThrow(
      /`n` must be an integer from 2 to 16777216.*`1`/,
    );
    expect(() => makeNetwork({ coupling: "iid", n: 10, g: -1, seed: 1 })).toThrow(/`g` must be >= 0; got `-1`/);
    expect(() => makeNetwork({ coupling: "iid", n: 10, g: 1, symmetry: 1.5, seed: 1 })).toThrow(
      /`symmetry` must be <= 1/,
    );
    expect(() => makeNetwork({ coupling: "full" as "iid", n: 10, g: 1, seed: 1 })).toThrow(
      /`coupling` must be one of "iid", "rmm"/,
    );
    expect(() => makeNetwork({ coupling: "iid", n: 10, g: 1 } as never)).toThrow(/`seed`/);
    expect(() => makeNetwork({ coupling: "rmm", n: 10, g: 1, effectiveRank: 0, seed: 1 })).toThrow(
      /`effectiveRank` must be a positive finite number/,
    );
    expect(() => makeNetwork({ coupling: "rmm", n: 10, g: 1, effectiveRank: 0.5, alpha: 2, seed: 1 })).toThrow(
      /`alpha` cannot be combined with `effectiveRank`/,
    );
    expect(() => makeNetwork({ coupling: "rmm", n: 100, g: 1, spectrum: "step", seed: 1 })).toThrow(
      /`prD` is needed for a step spectrum/,
    );
    expect(() => makeNetwork({ coupling: "rmm", n: 100, g: 1, prD: 1.5, seed: 1 })).toThrow(/`prD` must be in/);
    expect(() => makeNetwork({ coupling: "rmm", n: 100, g: 1, spectrum: "zipf" as "flat", seed: 1 })).toThrow(
      /`spectrum` must be one of/,
    );
    expect(() => makeNetwork({ coupling: "rmm", n: 100, g: 1, gains: { prG: 0 }, seed: 1 })).toThrow(/`gains.prG`/);
    expect(() => makeNetwork({ coupling: "rmm", n: 100, g: 1, overlap: { gamma: 2 }, seed: 1 })).toThrow(
      /`overlap.gamma` must be <= 1/,
    );
  });
});
