/**
 * Eigenvalues and singular vectors (ml-matrix) as used for connectome structure: exact cases, the circular
 * law's radius for i.i.d. couplings, the diagonal-overlap band, overlaps recovered from a constructed SVD,
 * and the stand-in network built from measured overlaps.
 */
import { describe, expect, it } from "vitest";
import { eigenvalues, modeOverlaps, singularVectors } from "../../src/linalg/dense.ts";
import { denseJ, makeNetwork, standInNetwork, type LowRankCoupling } from "../../src/network/ensembles.ts";

describe("eigenvalues", () => {
  it("are exact for a rotation and a triangular matrix, sorted by modulus", () => {
    const c = Math.cos(1), s = Math.sin(1);
    const ev = eigenvalues(2, Float64Array.from([2 * c, -2 * s, 2 * s, 2 * c]));
    expect(ev.spectralRadius).toBeCloseTo(2, 12);
    expect(Math.abs(ev.im[0])).toBeCloseTo(2 * s, 12);
    const tri = eigenvalues(3, Float64Array.from([1, 5, 7, 0, -3, 2, 0, 0, 2]));
    expect(Array.from(tri.re)).toEqual([expect.closeTo(-3, 12), expect.closeTo(2, 12), expect.closeTo(1, 12)]);
  });

  it("fill the disk of radius g for i.i.d. couplings (circular law), N = 300", () => {
    const n = 300, g = 1.5;
    const ev = eigenvalues(n, denseJ(makeNetwork({ coupling: "iid", n, g, seed: 2 })));
    // finite-N edge: the radius exceeds g by O(N^(-1/2)) fluctuations; 8 % is > 3 sd at N = 300
    expect(Math.abs(ev.spectralRadius / g - 1)).toBeLessThan(0.08);
    let tr = 0, sumRe = 0;
    const J = denseJ(makeNetwork({ coupling: "iid", n, g, seed: 2 }));
    for (let i = 0; i < n; i++) tr += J[i * n + i];
    for (const v of ev.re) sumRe += v;
    expect(sumRe).toBeCloseTo(tr, 9);
  });

  it("refuse matrices above the size limit with a message naming n", () => {
    expect(() => eigenvalues(3, new Float64Array(9), { maxN: 2 })).toThrow(/`n` is above the eigenvalue limit maxN = 2/);
  });
});

describe("singular vectors and mode overlaps", () => {
  it("reconstruct A = U diag(s) V^T", () => {
    const n = 40;
    const A = denseJ(makeNetwork({ coupling: "iid", n, g: 1, seed: 5 }));
    const { s, U, V } = singularVectors(n, A);
    let err = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let a = 0; a < n; a++) v += U[i * n + a] * s[a] * V[j * n + a];
        err = Math.max(err, Math.abs(v - A[i * n + j]));
      }
    expect(err).toBeLessThan(1e-12);
  });

  it("give diagonal overlaps +1 for a symmetric positive-definite matrix and -1 for a negative-definite one", () => {
    const n = 30;
    const X = denseJ(makeNetwork({ coupling: "iid", n, g: 1, seed: 6 }));
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let v = 0; for (let k = 0; k < n; k++) v += X[i * n + k] * X[j * n + k]; S[i * n + j] = v + (i === j ? 0.1 : 0); }
    for (const sign of [1, -1]) {
      const o = modeOverlaps(n, singularVectors(n, S.map((v) => sign * v)));
      for (const v of o.diagonal) expect(v).toBeCloseTo(sign, 9);
    }
  });

  it("put about 1.2 % of an i.i.d. matrix's diagonal overlaps outside the band 2.5/sqrt(N)", () => {
    const n = 400;
    const o = modeOverlaps(n, singularVectors(n, denseJ(makeNetwork({ coupling: "iid", n, g: 1, seed: 7 }))));
    expect(o.band).toBeCloseTo(2.5 / 20, 12);
    // u_a . v_a ~ N(0, 1/N): P(|z| > 2.5) = 1.24 %; binomial count over 400 modes: mean 5, sd 2.2
    expect(o.outsideBand).toBeLessThanOrEqual(5 + 5 * 2.2);
    expect(o.block.length).toBe(50 * 50);
  });

  it("shift the diagonal overlaps of a random-mode network with strong positive rho_a, and a stand-in keeps them", () => {
    const n = 300;
    const net = makeNetwork({ coupling: "rmm", n, g: 2, alpha: 1, prD: 0.3, overlap: { gamma: 0.8 }, seed: 3 });
    const sv = singularVectors(n, denseJ(net));
    const o = modeOverlaps(n, sv);
    // the leading (strongest) modes carry rho ~ +0.8: their singular-vector overlaps are far above the band
    let lead = 0;
    for (let a = 0; a < 10; a++) lead += o.diagonal[a] / 10;
    expect(lead).toBeGreaterThan(3 * o.band);
    const stand = standInNetwork(sv.s, 9, o.diagonal);
    const c = stand.coupling as LowRankCoupling;
    expect(c.D[0]).toBeCloseTo(sv.s[0], 12);
    expect(stand.rho![0]).toBeCloseTo(Math.min(1, o.diagonal[0]), 12);
  });
});
