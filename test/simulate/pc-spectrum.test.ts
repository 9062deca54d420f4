/**
 * The PCs of a covariance (src/simulate/pc-spectrum.ts principalComponents, through the symmetric eigendecomposition
 * of src/linalg/symmetric.ts), on both backends, against an independent implementation (ml-matrix's symmetric
 * eigendecomposition, JAMA's tridiagonal QL) and the eigen-equation itself.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { pcSpectrum, principalComponents } from "../../src/simulate/pc-spectrum.ts";
import { BACKEND_LABELS, backends, label, randn } from "../helpers.ts";

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

/** a symmetric n x n matrix X^T diag(w) X / s from s random rows (w = 1: a rank-s sample covariance) */
function symmetric(n: number, s: number, seed: number, weight: (t: number) => number = () => 1): Float64Array {
  const X = randn("float64", s * n, seed);
  const C = new Float64Array(n * n);
  for (let t = 0; t < s; t++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) C[i * n + j] += (weight(t) * X[t * n + i] * X[t * n + j]) / s;
  return C;
}

/** max over k of ||C v_k - lambda_k v_k|| / ||C||_F and max |v_k . v_l - delta_kl|. Householder reductions and QR
 *  rotations are backward stable: both are O(n eps) (Golub & Van Loan, 4th ed., §8.3), bounded in the tests by
 *  100 n eps (the largest constant measured here is ~20) */
function residuals(n: number, C: Float64Array, lambda: number[], V: Float64Array) {
  let norm = 0;
  for (const c of C) norm += c * c;
  norm = Math.sqrt(norm);
  let eq = 0,
    orth = 0;
  for (let k = 0; k < n; k++) {
    let r = 0;
    for (let i = 0; i < n; i++) {
      let cv = 0;
      for (let j = 0; j < n; j++) cv += C[i * n + j] * V[k * n + j];
      r += (cv - lambda[k] * V[k * n + i]) ** 2;
    }
    eq = Math.max(eq, Math.sqrt(r) / norm);
    for (let l = 0; l <= k; l++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += V[k * n + i] * V[l * n + i];
      orth = Math.max(orth, Math.abs(d - (k === l ? 1 : 0)));
    }
  }
  return { eq, orth };
}

describe.each(BACKEND_LABELS)("principalComponents on the %s backend", (name) => {
  let be: Backend;
  beforeAll(() => {
    be = all.find((b) => label(b) === name)!;
  });

  it("gives a sample covariance's eigenvalues and eigenvectors, equal to ml-matrix's symmetric decomposition", () => {
    const n = 80;
    const C = symmetric(n, 200, 5);
    const pcs = principalComponents(n, C, be);
    const ref = new EigenvalueDecomposition(
      new Matrix(Array.from({ length: n }, (_, i) => C.subarray(i * n, (i + 1) * n))),
      { assumeSymmetric: true },
    );
    const refValues = [...ref.realEigenvalues].sort((a, b) => b - a);
    // backward-stable decompositions: eigenvalues within a few ulp of ||C||_2 (~3.3 here) of each other
    pcs.eigenvalues.forEach((v, k) => expect(Math.abs(v - refValues[k])).toBeLessThan(1e-12));
    // the eigenvalues are distinct (gaps >= 1e-3 here), so each eigenvector is the reference's up to sign
    const V = ref.eigenvectorMatrix;
    for (let k = 0; k < n; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += pcs.axes[k * n + i] * V.get(i, n - 1 - k);
      expect(1 - Math.abs(d)).toBeLessThan(1e-9);
    }
    const { eq, orth } = residuals(n, C, pcs.eigenvalues, pcs.axes);
    expect(eq).toBeLessThan(100 * n * Number.EPSILON);
    expect(orth).toBeLessThan(100 * n * Number.EPSILON);
    expect(pcs.varianceFraction.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("keeps the signs of an indefinite matrix's eigenvalues and agrees with the values-only route", () => {
    const n = 50;
    // X^T diag(w) X with w = +1 on 30 rows and -1 on 20: 30 positive and 20 negative eigenvalues
    const C = symmetric(n, 50, 9, (t) => (t < 30 ? 1 : -1));
    const pcs = principalComponents(n, C, be);
    expect(pcs.eigenvalues.filter((v) => v > 0)).toHaveLength(30);
    expect(pcs.eigenvalues.filter((v) => v < 0)).toHaveLength(20);
    const values = pcSpectrum(n, C, be).eigenvalues;
    pcs.eigenvalues.forEach((v, k) => expect(Math.abs(v - values[k])).toBeLessThan(1e-12));
    expect(residuals(n, C, pcs.eigenvalues, pcs.axes).eq).toBeLessThan(100 * n * Number.EPSILON);
  });

  it("returns a rank-deficient covariance's null space as rounding-level eigenvalues", () => {
    const n = 60;
    const pcs = principalComponents(n, symmetric(n, 20, 3), be);
    // rank 20: the other 40 eigenvalues are zero to rounding (a few ulp of ||C||_2), of either sign
    for (let k = 20; k < n; k++) expect(Math.abs(pcs.eigenvalues[k])).toBeLessThan(1e-13 * pcs.eigenvalues[0]);
    expect(pcs.eigenvalues[19]).toBeGreaterThan(1e-3 * pcs.eigenvalues[0]);
  });
});
