/**
 * The symmetric eigendecomposition (src/linalg/symmetric.ts): the backends' tridiagonalisation kernels against the
 * identity A = Q T Q^T and against each other (the wasm kernel is fused, the js one is not: they agree to rounding
 * only), the QR stage against matrices built from a known spectrum (repeated and negative eigenvalues included),
 * trace identities, and ml-matrix's independent symmetric decomposition (JAMA's tred2 + tql2).
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { beforeAll, describe, expect, it } from "vitest";
import { transposed, withBuffers } from "../../src/backend/buffers.ts";
import { realProduct } from "../../src/linalg/complex.ts";
import type { Backend } from "../../src/backend/types.ts";
import { symmetricEigen, tridiagonalEigen } from "../../src/linalg/symmetric.ts";
import { BACKEND_LABELS, backends, label, LENGTHS, randn } from "../helpers.ts";

const eps = Number.EPSILON;
let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

/** a random symmetric n x n matrix (A + A^T) / 2 with N(0, 1) entries */
function randomSymmetric(n: number, seed: number): Float64Array {
  const X = randn("float64", n * n, seed) as Float64Array;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = 0.5 * (X[i * n + j] + X[j * n + i]);
  return A;
}

/** Q diag(lambda) Q^T with Q a product of n random Householder reflections (orthogonal to rounding) */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length;
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const V = randn("float64", n * n, seed);
  for (let r = 0; r < n; r++) {
    const v = V.subarray(r * n, (r + 1) * n);
    let vv = 0;
    for (const x of v) vv += x * x;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let j = 0; j < n; j++) d += Q[i * n + j] * v[j];
      for (let j = 0; j < n; j++) Q[i * n + j] -= (2 * d * v[j]) / vv;
    }
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k] * lambda[k] * Q[j * n + k];
      A[i * n + j] = s;
    }
  return A;
}

const frobenius = (A: ArrayLike<number>) => Math.sqrt(Array.from(A).reduce((s, x) => s + x * x, 0));

describe.each(BACKEND_LABELS)("the symmetric eigendecomposition on the %s backend", (name) => {
  let be: Backend;
  beforeAll(() => {
    be = all.find((b) => label(b) === name)!;
  });

  it.each(LENGTHS.filter((n) => n <= 200).concat([64, 200]))(
    "tridiagonalises A = Q T Q^T with an orthogonal Q at n = %i",
    (n) => {
      const A = randomSymmetric(n, 10 + n);
      const { d, e, Qt } = withBuffers(
        be,
        [A, { dtype: "float64", length: n }, { dtype: "float64", length: n }, { dtype: "float64", length: 2 * n }],
        ([a, db, eb, w]) => {
          be.tridiag(n, a, db, eb, w);
          const qt = be.alloc("float64", n * n);
          try {
            be.tridiagVectors(n, a, qt, w);
            return { d: be.read(db), e: be.read(eb), Qt: be.read(qt) };
          } finally {
            be.free(qt);
          }
        },
      );
      if (n > 0) expect(e[n - 1]).toBe(0);
      // (Q T Q^T)_ij = sum_k Q_ik (d_k Q_jk + e_k Q_j,k+1 + e_k-1 Q_j,k-1), Q_ik = Qt[k][i]
      let err = 0,
        orth = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0,
            o = 0;
          for (let k = 0; k < n; k++) {
            let tq = d[k] * Qt[k * n + j];
            if (k + 1 < n) tq += e[k] * Qt[(k + 1) * n + j];
            if (k > 0) tq += e[k - 1] * Qt[(k - 1) * n + j];
            s += Qt[k * n + i] * tq;
            o += Qt[i * n + k] * Qt[j * n + k];
          }
          err = Math.max(err, Math.abs(s - A[i * n + j]));
          orth = Math.max(orth, Math.abs(o - (i === j ? 1 : 0)));
        }
      // Householder reductions are backward stable: ||A - Q T Q^T|| <= c n u ||A||_F (Higham Thm 19.4); the
      // entrywise error is below the norm bound, and c = 10 is generous (measured ~1)
      expect(err).toBeLessThanOrEqual(10 * (n + 1) * eps * frobenius(A));
      expect(orth).toBeLessThanOrEqual(10 * (n + 1) * eps);
    },
  );

  it("agrees with the other backends' tridiagonal matrix up to the reflectors' signs", () => {
    const n = 37;
    const A = randomSymmetric(n, 3);
    const ref = tridiagonalOn(all[all.length - 1], n, A);
    const mine = tridiagonalOn(be, n, A);
    // the same reflectors in another order of summation: equal to rounding (the entries are O(sqrt n))
    for (let k = 0; k < n; k++) {
      expect(Math.abs(mine.d[k] - ref.d[k])).toBeLessThan(1e3 * eps * n);
      expect(Math.abs(Math.abs(mine.e[k]) - Math.abs(ref.e[k]))).toBeLessThan(1e3 * eps * n);
    }
  });

  it.runIf(name !== "js")("reads the upper triangle only, as its contract says", () => {
    const n = 23;
    const A = randomSymmetric(n, 5);
    const upper = A.slice();
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) upper[i * n + j] = NaN;
    const ref = tridiagonalOn(be, n, A),
      mine = tridiagonalOn(be, n, upper);
    expect(Array.from(mine.d)).toEqual(Array.from(ref.d));
    expect(Array.from(mine.e)).toEqual(Array.from(ref.e));
  });

  it("gives a known spectrum back, repeated and negative eigenvalues included, with orthonormal vectors", () => {
    const lambda = [5, 5, 5, 2, 1e-3, 0, 0, -1, -1, -4, 3, 2.5, 7, -7, 0.5, 1];
    const n = lambda.length;
    const A = withSpectrum(lambda, 21);
    const { values, vectors } = symmetricEigen(n, A, be, { vectors: true });
    const sorted = [...lambda].sort((a, b) => b - a);
    // each computed value is within ~n u ||A||_2 of an exact one (backward stability; ||A||_2 = 7); 100 n u bounds it
    values.forEach((v, k) => expect(Math.abs(v - sorted[k])).toBeLessThan(100 * n * eps * 7));
    for (let k = 0; k < n; k++) {
      let r = 0;
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += A[i * n + j] * vectors![k * n + j];
        r += (av - values[k] * vectors![k * n + i]) ** 2;
      }
      expect(Math.sqrt(r)).toBeLessThan(100 * n * eps * 7);
      for (let l = 0; l <= k; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors![k * n + i] * vectors![l * n + i];
        expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(100 * n * eps);
      }
    }
  });

  it("keeps sum lambda = tr A and sum lambda^2 = ||A||_F^2, and its values equal ml-matrix's", () => {
    const n = 120;
    const A = randomSymmetric(n, 8);
    const { values } = symmetricEigen(n, A, be);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += A[i * n + i];
    const sum = values.reduce((s, v) => s + v, 0),
      sum2 = values.reduce((s, v) => s + v * v, 0);
    const f = frobenius(A);
    // backward error ||dA||_F <= c n u ||A||_F moves tr by <= sqrt(n) ||dA||_F and ||.||_F^2 by <= 2 ||A||_F ||dA||_F
    expect(Math.abs(sum - tr)).toBeLessThan(10 * n * eps * Math.sqrt(n) * f);
    expect(Math.abs(sum2 / (f * f) - 1)).toBeLessThan(20 * n * eps);
    const ref = new EigenvalueDecomposition(
      new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n)))),
      { assumeSymmetric: true },
    );
    const refValues = [...ref.realEigenvalues].sort((a, b) => b - a);
    // two backward-stable decompositions: within c n u ||A||_2 (||A||_2 ~ 2 sqrt(n) ~ 22) of each other
    values.forEach((v, k) => expect(Math.abs(v - refValues[k])).toBeLessThan(100 * n * eps * 22));
  });

  it("is exact on diagonal and 0, 1 and 2 dimensional matrices, and on the zero matrix", () => {
    expect(Array.from(symmetricEigen(0, new Float64Array(0), be, { vectors: true }).values)).toEqual([]);
    const one = symmetricEigen(1, Float64Array.from([-3]), be, { vectors: true });
    expect(Array.from(one.values)).toEqual([-3]);
    expect(Math.abs(one.vectors![0])).toBe(1);
    const diag = symmetricEigen(4, Float64Array.from([3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]), be);
    expect(Array.from(diag.values)).toEqual([3, 2, 0, -1]);
    const two = symmetricEigen(2, Float64Array.from([2, 1, 1, 2]), be, { vectors: true });
    expect(two.values[0]).toBeCloseTo(3, 14);
    expect(two.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(two.vectors![0] * two.vectors![1])).toBeCloseTo(0.5, 14); // (1, 1) / sqrt 2
    const zero = symmetricEigen(5, new Float64Array(25), be, { vectors: true });
    expect(Array.from(zero.values)).toEqual([0, 0, 0, 0, 0]);
    expect(frobenius(zero.vectors!)).toBeCloseTo(Math.sqrt(5), 14);
  });
});

describe("the symmetric eigendecomposition at the PC spectrum's largest N", () => {
  it("converges on a rank-deficient N = 4096 covariance, half its spectrum rounding-level zeros", () => {
    // the case that stalled a deflation test relative to neighbouring entries (>30 sweeps on the first eigenvalue):
    // C = X^T X / S with S = N / 2 samples; one wasm backend, values only (~20 s)
    const n = 4096,
      S = n / 2;
    const be = all[0];
    const Xt = transposed(randn("float64", S * n, 77) as Float64Array, S, n);
    const C = realProduct(be, n, S, n, Xt, Xt).map((v) => v / S);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) C[j * n + i] = C[i * n + j];
    const { values } = symmetricEigen(n, C, be);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += C[i * n + i];
    // backward error c n u ||C||: the trace within it, and the N - S null-space eigenvalues at that level
    // (||C||_2 = lambda_1 ~ (1 + sqrt(N/S))^2 ~ 5.8)
    const bound = 10 * n * eps * values[0];
    expect(Math.abs(values.reduce((a, v) => a + v, 0) - tr)).toBeLessThan(bound * Math.sqrt(n));
    for (let k = S; k < n; k++) expect(Math.abs(values[k])).toBeLessThan(bound);
    expect(values[S - 1]).toBeGreaterThan(1e-3);
  }, 120_000);
});

describe("symmetricEigen's arguments", () => {
  it("refuses a matrix that is not symmetric, naming it, and accepts rounding-level asymmetry", async () => {
    const be = all[0];
    expect(() => symmetricEigen(2, Float64Array.from([1, 2, 3, 4]), be, { name: "C" })).toThrow(
      /`C` must be symmetric; got C\[0\]\[1\] = 2 and C\[1\]\[0\] = 3/,
    );
    const almost = Float64Array.from([1, 2, 2 * (1 + 4 * eps), 4]);
    expect(symmetricEigen(2, almost, be).values).toHaveLength(2);
    expect(() => symmetricEigen(2, Float64Array.from([1, 2, 2, NaN]), be)).toThrow(/finite/);
    expect(() => symmetricEigen(3, new Float64Array(4), be)).toThrow(/`A`/);
  });

  it("stops with a ConvergenceError rather than looping when a sweep budget runs out", () => {
    // a tridiagonal matrix with no negligible off-diagonal entry needs at least one sweep: a budget of 0 cannot do
    const d = Float64Array.from([1, 2, 3]),
      e = Float64Array.from([1, 1, 0]);
    expect(() => tridiagonalEigen(d, e, undefined, undefined, undefined, 0)).toThrow(/did not converge/);
  });
});

function tridiagonalOn(be: Backend, n: number, A: Float64Array) {
  return withBuffers(
    be,
    [A, { dtype: "float64", length: n }, { dtype: "float64", length: n }, { dtype: "float64", length: 2 * n }],
    ([a, d, e, w]) => {
      be.tridiag(n, a, d, e, w);
      return { d: be.read(d), e: be.read(e) };
    },
  );
}
