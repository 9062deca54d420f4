/**
 * Eigenvalues (ml-matrix) and singular vectors (wasm and js backends) as used for connectome structure: exact cases, the circular
 * law's radius for i.i.d. couplings, the diagonal-overlap band, overlaps recovered from a constructed SVD,
 * and the stand-in network built from measured overlaps.
 */
import { SingularValueDecomposition, Matrix } from "ml-matrix";
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { eigenvalues, modeOverlaps, singularVectors } from "../../src/linalg/dense.ts";
import { BACKEND_LABELS, backends, label, LENGTHS } from "../helpers.ts";
import { denseJ, makeNetwork, standInNetwork, type LowRankCoupling } from "../../src/network/ensembles.ts";

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

describe.each(BACKEND_LABELS)("eigenvalues on the %s backend", (name) => {
  let be: Backend;
  beforeAll(() => {
    be = all.find((b) => label(b) === name)!;
  });

  it("are exact for a rotation and a triangular matrix, sorted by modulus", () => {
    const c = Math.cos(1),
      s = Math.sin(1);
    const ev = eigenvalues(2, Float64Array.from([2 * c, -2 * s, 2 * s, 2 * c]), be);
    expect(ev.spectralRadius).toBeCloseTo(2, 12);
    expect(Math.abs(ev.im[0])).toBeCloseTo(2 * s, 12);
    const tri = eigenvalues(3, Float64Array.from([1, 5, 7, 0, -3, 2, 0, 0, 2]), be);
    expect(Array.from(tri.re)).toEqual([expect.closeTo(-3, 12), expect.closeTo(2, 12), expect.closeTo(1, 12)]);
    expect(eigenvalues(0, new Float64Array(0), be).spectralRadius).toBe(0);
    expect(Array.from(eigenvalues(1, Float64Array.from([-4]), be).re)).toEqual([-4]);
  });

  it("fill the disk of radius g for i.i.d. couplings (circular law), N = 300, and sum to the trace", () => {
    const n = 300,
      g = 1.5;
    const J = denseJ(makeNetwork({ coupling: "iid", n, g, seed: 2 }));
    const ev = eigenvalues(n, J, be);
    // finite-N edge: the radius exceeds g by O(N^(-1/2)) fluctuations; 8 % is > 3 sd at N = 300
    expect(Math.abs(ev.spectralRadius / g - 1)).toBeLessThan(0.08);
    let tr = 0,
      sumRe = 0,
      sumIm = 0;
    for (let i = 0; i < n; i++) tr += J[i * n + i];
    for (const v of ev.re) sumRe += v;
    for (const v of ev.im) sumIm += v;
    expect(sumRe).toBeCloseTo(tr, 9);
    expect(sumIm).toBeCloseTo(0, 9);
  });

  it.each(LENGTHS.filter((n) => n <= 200))(
    "agree with the other backend's independent solver at n = %i (sum of |lambda|^2 and each value)",
    (n) => {
      const J = Float64Array.from({ length: n * n }, (_, k) => Math.sin(1.3 * k + 0.7) + (k % 5 === 0 ? 1 : 0));
      const mine = eigenvalues(n, J, be),
        other = eigenvalues(
          n,
          J,
          all.find((b) => label(b) !== name)!,
        );
      // eigenvalues of a non-normal matrix are accurate to ~ u ||A|| cond(lambda); for this smooth matrix the
      // measured agreement is ~1e-12; each value of one list must have a partner in the other within 1e-8 ||A||_F
      let fro = 0;
      for (const v of J) fro += v * v;
      fro = Math.sqrt(fro);
      for (let k = 0; k < n; k++) {
        let best = Infinity;
        for (let j = 0; j < n; j++)
          best = Math.min(best, Math.hypot(mine.re[k] - other.re[j], mine.im[k] - other.im[j]));
        expect(best).toBeLessThan(1e-8 * fro);
      }
    },
  );
});

describe.each(BACKEND_LABELS)("singular vectors and mode overlaps on the %s backend", (name) => {
  let be: Backend;
  beforeAll(() => {
    be = all.find((b) => label(b) === name)!;
  });

  it.each(LENGTHS.filter((n) => n <= 200))(
    "are orthonormal and reconstruct A at n = %i (backward error ~ n u ||A||)",
    (n) => {
      const A = Float64Array.from({ length: n * n }, (_, k) => Math.sin(1.7 * k + 0.3) + (k % 7 === 0 ? 2 : 0));
      const { s, ut, vt } = singularVectors(n, A, be);
      let err = 0,
        orth = 0,
        norm = 0;
      for (const v of A) norm = Math.max(norm, Math.abs(v));
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let v = 0,
            uu = 0,
            vv = 0;
          for (let a = 0; a < n; a++) {
            v += ut[a * n + i] * s[a] * vt[a * n + j];
            uu += ut[i * n + a] * ut[j * n + a];
            vv += vt[i * n + a] * vt[j * n + a];
          }
          err = Math.max(err, Math.abs(v - A[i * n + j]));
          orth = Math.max(orth, Math.abs(uu - (i === j ? 1 : 0)), Math.abs(vv - (i === j ? 1 : 0)));
        }
      // Householder + Givens QR is backward stable (Demmel & Kahan; Higham Thm 19.4): errors c n u with modest
      // c; 10 (n + 1) u covers it (measured: 1e-14 at n = 400)
      expect(orth).toBeLessThan(10 * (n + 1) * 2 ** -52);
      expect(err).toBeLessThan(10 * (n + 1) * 2 ** -52 * Math.max(1, s[0] ?? 0));
      for (let a = 1; a < n; a++) expect(s[a]).toBeLessThanOrEqual(s[a - 1]);
    },
  );

  it("agree with an independent SVD (ml-matrix, JAMA) up to the sign of each pair (u_a, v_a)", () => {
    const n = 60;
    const A = denseJ(makeNetwork({ coupling: "rmm", n, g: 2, alpha: 1, prD: 0.3, seed: 11 }));
    const ref = new SingularValueDecomposition(
      new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n)))),
      { autoTranspose: false },
    );
    const { s, ut, vt } = singularVectors(n, A, be);
    const U = ref.leftSingularVectors,
      V = ref.rightSingularVectors;
    for (let a = 0; a < 10; a++) {
      expect(s[a]).toBeCloseTo(ref.diagonal[a], 12);
      let du = 0,
        dv = 0;
      for (let i = 0; i < n; i++) {
        du += ut[a * n + i] * U.get(i, a);
        dv += vt[a * n + i] * V.get(i, a);
      }
      // |u . u_ref| = 1 for a simple singular value; the pair's sign is shared: du = dv = +-1
      expect(Math.abs(du)).toBeCloseTo(1, 9);
      expect(dv).toBeCloseTo(du, 9);
    }
  });

  it("reconstruct A = U diag(s) V^T", () => {
    const n = 40;
    const A = denseJ(makeNetwork({ coupling: "iid", n, g: 1, seed: 5 }));
    const { s, ut, vt } = singularVectors(n, A, be);
    let err = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let a = 0; a < n; a++) v += ut[a * n + i] * s[a] * vt[a * n + j];
        err = Math.max(err, Math.abs(v - A[i * n + j]));
      }
    expect(err).toBeLessThan(1e-12);
  });

  it("give diagonal overlaps +1 for a symmetric positive-definite matrix and -1 for a negative-definite one", () => {
    const n = 30;
    const X = denseJ(makeNetwork({ coupling: "iid", n, g: 1, seed: 6 }));
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += X[i * n + k] * X[j * n + k];
        S[i * n + j] = v + (i === j ? 0.1 : 0);
      }
    for (const sign of [1, -1]) {
      const o = modeOverlaps(
        n,
        singularVectors(
          n,
          S.map((v) => sign * v),
          be,
        ),
      );
      for (const v of o.diagonal) expect(v).toBeCloseTo(sign, 9);
    }
  });

  it("put about 1.2 % of an i.i.d. matrix's diagonal overlaps outside the band 2.5/sqrt(N)", () => {
    const n = 400;
    const o = modeOverlaps(n, singularVectors(n, denseJ(makeNetwork({ coupling: "iid", n, g: 1, seed: 7 })), be));
    expect(o.band).toBeCloseTo(2.5 / 20, 12);
    // u_a . v_a ~ N(0, 1/N): P(|z| > 2.5) = 1.24 %; binomial count over 400 modes: mean 5, sd 2.2
    expect(o.outsideBand).toBeLessThanOrEqual(5 + 5 * 2.2);
    expect(o.block.length).toBe(50 * 50);
  });

  it("shift the diagonal overlaps of a random-mode network with strong positive rho_a, and a stand-in keeps them", () => {
    const n = 300;
    const net = makeNetwork({ coupling: "rmm", n, g: 2, alpha: 1, prD: 0.3, overlap: { gamma: 0.8 }, seed: 3 });
    const sv = singularVectors(n, denseJ(net), be);
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
