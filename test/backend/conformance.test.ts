/**
 * One conformance suite for every kernel, run against both backends (wasm SIMD and the TypeScript
 * reference), float32 and float64, on seeded random inputs of lengths 0, 1, 3, 4, 5, 17 and 1000 (empty,
 * single, odd, around and off the SIMD width of 4 / 2 lanes, large). Each backend is held to an
 * independent float64 oracle (test/reference.ts) with the tolerances of test/helpers.ts.
 */
import { describe, expect, it, beforeAll } from "vitest";
import type { Backend, Coupling } from "../../src/backend/types.ts";
import { PHI_KINDS } from "../../src/backend/types.ts";
import type { DType, FloatArray } from "../../src/errors.ts";
import {
  DTYPES,
  LENGTHS,
  PHI_ERROR,
  UNIT_ROUNDOFF,
  BACKEND_LABELS,
  backends,
  label,
  makeArray,
  maxAbs,
  put,
  randn,
  sumTol,
  worst,
} from "../helpers.ts";
import { dphiExact, matmatRef, phiExact, psiSumsRef, selfSiteRef, stepRef, type StepProblem } from "../reference.ts";
import { transposed } from "../../src/backend/buffers.ts";

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

/**
 * The lagged-covariance oracle (float64 sums of the exact products, and the sums of their absolute values for
 * the tolerance), computed once per case and shared by the three backends: at n = 1000 it is most of the
 * suite's time.
 */
const lagOracles = new Map<string, { H: FloatArray; C0: Float64Array; exact: Float64Array; scale: Float64Array }>();
function lagOracle(dtype: DType, n: number, k: number, lags: number, first: number) {
  const key = `${dtype} ${n} ${k} ${lags} ${first}`;
  let o = lagOracles.get(key);
  if (!o) {
    const H = randn(dtype, (lags + k) * n, 19 + k);
    const C0 = randn("float64", (lags - first + 1) * n * n, 20) as Float64Array;
    const exact = Float64Array.from(C0),
      scale = C0.map(Math.abs);
    for (let l = first; l <= lags; l++)
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const idx = ((l - first) * n + i) * n + j;
          for (let t = 0; t < k; t++) {
            const p = H[(lags + t) * n + i] * H[(lags + t - l) * n + j];
            exact[idx] += p;
            scale[idx] += Math.abs(p);
          }
        }
    lagOracles.set(key, (o = { H, C0, exact, scale }));
  }
  return o;
}

describe.each(BACKEND_LABELS)("the %s backend", (name) => {
  const be = () => all.find((b) => label(b) === name)!;

  describe.each(DTYPES)("in %s", (dtype) => {
    const u = UNIT_ROUNDOFF[dtype];

    it.each(LENGTHS)("computes matvec for an m x n matrix with n = %i", (n) => {
      const m = n === 1000 ? 301 : n + 2; // a non-square shape, odd row counts included
      const A = randn(dtype, m * n, 1 + n),
        x = randn(dtype, n, 2 + n);
      const a = put(be(), A),
        xb = put(be(), x),
        y = be().alloc(dtype, m);
      be().matvec(m, n, a, xb, y);
      const ref = matmatRef(m, n, 1, A, x);
      expect(worst(be().read(y), ref.y, (i) => sumTol(dtype, n, ref.scale[i]))).toBeNull();
    });

    it.each(LENGTHS)("computes batched matmat for k = 1..9 trajectories at n = %i", (n) => {
      const m = n === 1000 ? 257 : n + 3;
      for (const k of n === 1000 ? [1, 5, 8] : [0, 1, 2, 3, 4, 5, 8, 9]) {
        const A = randn(dtype, m * n, 3 + n),
          X = randn(dtype, k * n, 4 + k);
        const a = put(be(), A),
          xb = put(be(), X),
          y = be().alloc(dtype, k * m);
        be().matmat(m, n, k, a, xb, y);
        const ref = matmatRef(m, n, k, A, X);
        expect(
          worst(be().read(y), ref.y, (i) => sumTol(dtype, n, ref.scale[i])),
          `k = ${k}`,
        ).toBeNull();
      }
    });

    it.each(LENGTHS)(
      "applies a low-rank coupling L diag(d) R^T in O(n m) at n = %i (R given transposed, m x n)",
      (n) => {
        for (const [m, k] of [
          [0, 1],
          [1, 1],
          [3, 2],
          [7, 5],
          [n === 1000 ? 100 : 17, 4],
        ]) {
          const L = randn(dtype, n * m, 5),
            d = randn(dtype, m, 6),
            R = randn(dtype, n * m, 7),
            V = randn(dtype, k * n, 8);
          const y = be().alloc(dtype, k * n),
            z = be().alloc(dtype, k * m);
          be().lowrank(n, m, k, put(be(), L), put(be(), d), put(be(), transposed(R, n, m)), put(be(), V), z, y);
          // oracle: z_a = sum_j R_ja v_j, y_i = sum_a L_ia d_a z_a; the scale bounds both stages, since
          // |z_a| <= zabs_a = sum_j |R_ja v_j|: |error| <= (n + m + 4) u sum_a |L_ia d_a| zabs_a
          const got = be().read(y);
          for (let b = 0; b < k; b++) {
            const z = new Float64Array(m),
              zabs = new Float64Array(m);
            for (let j = 0; j < n; j++)
              for (let a = 0; a < m; a++) {
                z[a] += R[j * m + a] * V[b * n + j];
                zabs[a] += Math.abs(R[j * m + a] * V[b * n + j]);
              }
            const exact = new Float64Array(n),
              scale = new Float64Array(n);
            for (let i = 0; i < n; i++)
              for (let a = 0; a < m; a++) {
                exact[i] += L[i * m + a] * d[a] * z[a];
                scale[i] += Math.abs(L[i * m + a] * d[a]) * zabs[a];
              }
            expect(
              worst(got.subarray(b * n, (b + 1) * n), exact, (i) => (n + m + 4) * u * scale[i]),
              `m=${m} k=${k} b=${b}`,
            ).toBeNull();
          }
        }
      },
    );

    it.each(["tanh", "erf"] as const)("evaluates phi = %s with and without gains, k blocks of n", (phi) => {
      for (const n of LENGTHS) {
        const k = 3;
        const x = randn(dtype, k * n, 9, 3);
        const g = randn(dtype, n, 10, 1, 1);
        for (const gains of [null, g]) {
          const out = be().alloc(dtype, k * n);
          be().phi(PHI_KINDS[phi], n, k, put(be(), x), gains ? put(be(), gains) : null, out);
          const got = be().read(out);
          const bad = worst(
            got,
            Array.from(x, (v, i) => phiExact(phi, v) * (gains ? gains[i % n] : 1)),
            (i) => PHI_ERROR[dtype] * (gains ? Math.abs(gains[i % n]) : 1) + u,
          );
          expect(bad, `n = ${n}, gains = ${!!gains}`).toBeNull();
        }
      }
    });

    it.each(["tanh", "erf"] as const)("evaluates phi' for phi = %s elementwise", (phi) => {
      for (const n of LENGTHS) {
        const x = randn(dtype, n, 11, 3);
        const out = be().alloc(dtype, n);
        be().dphi(PHI_KINDS[phi], n, put(be(), x), out);
        expect(
          worst(
            be().read(out),
            Array.from(x, (v) => dphiExact(phi, v)),
            () => PHI_ERROR[dtype] + u,
          ),
          `n = ${n}`,
        ).toBeNull();
      }
    });

    // Integration steps. Tolerance: each stage value f_i = -x_i + sum_j J_ij p_j + I_i is an (n+2)-term sum
    // whose |terms| add up to at most S_i = |x_i| + rowAbs_i * max|G| + |I_i| (|phi| <= 1); phi's own error
    // enters through J, also bounded by rowAbs_i. With dt * max rowAbs <= 0.5 (ensured below) an error in a
    // stage input moves the next stage by at most half of itself, so propagation at most doubles the
    // per-stage error, and the weights b_s sum to 1: |x_new - exact| <= u |x| + dt * 2 * E_i * S_i with
    // E_i = (n + 8) u + 2 PHI_ERROR. We assert 2x that for the final rounding chain.
    describe.each(["euler", "rk4"] as const)("the %s step", (method) => {
      it.each(LENGTHS)("advances k trajectories with dense or low-rank J, gains and input at n = %i", (n) => {
        for (const lowrank of [false, true]) {
          for (const phi of ["tanh", "erf"] as const) {
            const k = 3;
            const m = lowrank ? Math.max(1, Math.min(40, Math.floor(n / 4))) : 0;
            const g = 1.5;
            const dt = 0.05;
            let J: Float64Array;
            const rowAbs = new Float64Array(n);
            let coupling: Coupling;
            if (!lowrank) {
              const Jd = randn(dtype, n * n, 12, g / Math.sqrt(Math.max(n, 1)));
              J = Float64Array.from(Jd);
              coupling = { kind: "dense", j: put(be(), Jd) };
              for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rowAbs[i] += Math.abs(J[i * n + j]);
            } else {
              const L = randn(dtype, n * m, 13, 1 / Math.sqrt(n)),
                R = randn(dtype, n * m, 14, 1 / Math.sqrt(n));
              const d = randn(dtype, m, 15, g / Math.sqrt(Math.max(m / n, 1e-9)) / 2, 0);
              J = new Float64Array(n * n);
              for (let i = 0; i < n; i++)
                for (let j = 0; j < n; j++) {
                  let s = 0;
                  for (let a = 0; a < m; a++) s += L[i * m + a] * d[a] * R[j * m + a];
                  J[i * n + j] = s;
                }
              for (let i = 0; i < n; i++) {
                let s = 0;
                for (let a = 0; a < m; a++) {
                  let r = 0;
                  for (let j = 0; j < n; j++) r += Math.abs(R[j * m + a]);
                  s += Math.abs(L[i * m + a] * d[a]) * r;
                }
                rowAbs[i] = s;
              }
              coupling = { kind: "lowrank", m, l: put(be(), L), d: put(be(), d), rt: put(be(), transposed(R, n, m)) };
            }
            const maxRow = maxAbs(rowAbs);
            const dtUse = Math.min(dt, 0.5 / Math.max(maxRow, 1e-12));
            const gains = randn(dtype, n, 16, 0.3, 1);
            const input = randn(dtype, n, 17, 0.5);
            const x = randn(dtype, k * n, 18, 2);
            const problem: StepProblem = { n, k, dt: dtUse, kind: phi, J, gains, input };
            const xb = put(be(), x);
            const s = {
              p: be().alloc(dtype, k * n),
              h: be().alloc(dtype, k * n),
              xs: be().alloc(dtype, k * n),
              acc: be().alloc(dtype, k * n),
              z: be().alloc(dtype, k * Math.max(m, 1)),
            };
            const args = [n, k, PHI_KINDS[phi], dtUse, coupling, xb, put(be(), gains), put(be(), input), s] as const;
            if (method === "euler") be().euler(...args);
            else be().rk4(...args);
            const ref = stepRef(problem, method, x);
            const gmax = maxAbs(gains);
            const E = (n + 8) * u + 2 * PHI_ERROR[dtype];
            const bad = worst(be().read(xb), ref, (i) => {
              const j = i % n;
              const S = Math.abs(x[i]) + rowAbs[j] * gmax + Math.abs(input[j]);
              return 2 * (u * Math.abs(x[i]) + dtUse * 2 * E * S);
            });
            expect(bad, `lowrank=${lowrank} phi=${phi}`).toBeNull();
          }
        }
      });
    });

    it.each([1, 5, 17, 100])(
      "steps the state and k tangent vectors together: the state as the plain step, the vectors as the step's " +
        "derivative by central differences, at n = %i",
      (n) => {
        for (const method of ["euler", "rk4"] as const)
          for (const lowrank of [false, true])
            for (const phi of ["tanh", "erf"] as const) {
              const k = 3,
                dt = 0.05,
                m = lowrank ? Math.max(1, Math.floor(n / 4)) : 0;
              let J: Float64Array, coupling: Coupling;
              if (!lowrank) {
                const Jd = randn(dtype, n * n, 31, 2 / Math.sqrt(n));
                J = Float64Array.from(Jd);
                coupling = { kind: "dense", j: put(be(), Jd) };
              } else {
                const L = randn(dtype, n * m, 32, 1 / Math.sqrt(n)),
                  R = randn(dtype, n * m, 33, 1 / Math.sqrt(n)),
                  d = randn(dtype, m, 34, 2, 1);
                J = new Float64Array(n * n);
                for (let i = 0; i < n; i++)
                  for (let j = 0; j < n; j++)
                    for (let a = 0; a < m; a++) J[i * n + j] += L[i * m + a] * d[a] * R[j * m + a];
                coupling = { kind: "lowrank", m, l: put(be(), L), d: put(be(), d), rt: put(be(), transposed(R, n, m)) };
              }
              const gains = randn(dtype, n, 35, 0.3, 1),
                input = randn(dtype, n, 36, 0.5);
              const x = randn(dtype, (k + 1) * n, 37, 1.5);
              const xb = put(be(), x);
              const rows = (k + 1) * n;
              const s = {
                p: be().alloc(dtype, rows),
                h: be().alloc(dtype, rows),
                xs: be().alloc(dtype, rows),
                acc: be().alloc(dtype, rows),
                z: be().alloc(dtype, Math.max(1, (k + 1) * m)),
                dd: be().alloc(dtype, n),
              };
              be().tangentStep(method, n, k, PHI_KINDS[phi], dt, coupling, xb, put(be(), gains), put(be(), input), s);
              const got = be().read(xb);
              const problem: StepProblem = { n, k: 1, dt, kind: phi, J, gains, input };
              const x0 = Float64Array.from(x.subarray(0, n));
              const state = stepRef(problem, method, x0);
              // the derivative of the float64 reference step along v: error eps^2 |third derivative| + u / eps
              const eps = 1e-5;
              const tol = dtype === "float64" ? 1e-7 : 2e-4;
              expect(
                worst(got.subarray(0, n), state, () => tol),
                `${method} lowrank=${lowrank} ${phi} state`,
              ).toBeNull();
              for (let b = 1; b <= k; b++) {
                const v = x.subarray(b * n, (b + 1) * n);
                const plus = stepRef(
                  problem,
                  method,
                  x0.map((xi, i) => xi + eps * v[i]),
                );
                const minus = stepRef(
                  problem,
                  method,
                  x0.map((xi, i) => xi - eps * v[i]),
                );
                const fd = plus.map((pv, i) => (pv - minus[i]) / (2 * eps));
                const bad = worst(got.subarray(b * n, (b + 1) * n), fd, (i) => tol * (1 + Math.abs(fd[i])));
                expect(bad, `${method} lowrank=${lowrank} ${phi} vector ${b}`).toBeNull();
              }
            }
      },
    );

    it.each(LENGTHS)("accumulates lagged covariances C_l += a(t) a(t-l)^T as rank-k updates at n = %i", (n) => {
      const lags = 3;
      for (const k of n === 1000 ? [5] : [1, 4, 7]) {
        for (const first of n === 1000 ? [1] : [0, 1, 3]) {
          const { H, C0, exact, scale } = lagOracle(dtype, n, k, lags, first);
          const acc = put(be(), C0);
          be().covLagAccum(n, k, lags, put(be(), H), acc, first);
          // float32 samples are multiplied and summed per batch in float32 (assembly/cov.ts): the dtype's bound
          const bad = worst(be().read(acc), exact, (idx) => sumTol(dtype, k, scale[idx]));
          expect(bad, `k = ${k}, first lag ${first}`).toBeNull();
        }
      }
    });

    it("forms lag-0 sums that are symmetric bit for bit", () => {
      // S_ij and S_ji are the same products in the same order; in the wasm kernels one goes through a vector
      // lane and the other, for the last n mod 4 columns, through a scalar tail, which must round alike (the
      // fma build fuses both). n = 50, 17, 6: tails of 2, 1, 2 columns, 16-wide tiles and an odd last row.
      for (const n of [50, 17, 6]) {
        const k = 9;
        const acc = be().alloc("float64", n * n);
        be().covLagAccum(n, k, 0, put(be(), randn(dtype, k * n, 40 + n, 1, 0.3)), acc, 0);
        const S = be().read(acc);
        let asymmetric = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < i; j++) if (!Object.is(S[i * n + j], S[j * n + i])) asymmetric++;
        expect(asymmetric, `n = ${n}`).toBe(0);
      }
    });

    it.each([...LENGTHS, 50])(
      "forms the upper triangle of the lag-0 sums as the full kernel does, bit for bit, at n = %i",
      (n) => {
        // covSymAccum skips the tiles below the diagonal; on and above it every entry must be the full kernel's
        // (same tiles, same order), starting from the same non-zero sums (as at a second flush)
        const k = 9,
          H = put(be(), randn(dtype, k * n, 45 + n, 1, 0.3)),
          C0 = randn("float64", n * n, 46 + n);
        const full = put(be(), C0),
          upper = put(be(), C0);
        be().covLagAccum(n, k, 0, H, full, 0);
        be().covSymAccum(n, k, H, upper);
        const F = be().read(full),
          U = be().read(upper);
        let differ = 0;
        for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (!Object.is(F[i * n + j], U[i * n + j])) differ++;
        expect(differ, `n = ${n}`).toBe(0);
      },
    );

    it.each(LENGTHS)("accumulates running sums of samples at n = %i", (n) => {
      const k = 5;
      const X = randn(dtype, k * n, 21),
        S0 = randn("float64", n, 22);
      const sum = put(be(), S0);
      be().rowSumAccum(n, k, put(be(), X), sum);
      const ref = Array.from(S0, (v, j) => {
        let s = v;
        for (let t = 0; t < k; t++) s += X[t * n + j];
        return s;
      });
      expect(worst(be().read(sum), ref, (j) => sumTol("float64", k, Math.abs(S0[j]) + k * 5))).toBeNull();
    });

    it.each(LENGTHS)("reduces trace, sum of squares, tr(A B^T) and tr(A B) at n = %i", (n) => {
      const A = randn("float64", n * n, 23) as Float64Array,
        B = randn("float64", n * n, 24) as Float64Array;
      const a = put(be(), A),
        b = put(be(), B);
      let tr = 0,
        trAbs = 0,
        ss = 0,
        dt = 0,
        dtAbs = 0,
        tp = 0,
        tpAbs = 0;
      for (let i = 0; i < n; i++) {
        tr += A[i * n + i];
        trAbs += Math.abs(A[i * n + i]);
      }
      for (let i = 0; i < n * n; i++) {
        ss += A[i] * A[i];
        dt += A[i] * B[i];
        dtAbs += Math.abs(A[i] * B[i]);
      }
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          tp += A[i * n + j] * B[j * n + i];
          tpAbs += Math.abs(A[i * n + j] * B[j * n + i]);
        }
      expect(Math.abs(be().trace(n, a) - tr)).toBeLessThanOrEqual(sumTol("float64", n, trAbs));
      expect(Math.abs(be().sumsq(n * n, a) - ss)).toBeLessThanOrEqual(sumTol("float64", n * n, ss));
      expect(Math.abs(be().dot(n * n, a, b) - dt)).toBeLessThanOrEqual(sumTol("float64", n * n, dtAbs));
      expect(Math.abs(be().traceProd(n, a, b) - tp)).toBeLessThanOrEqual(sumTol("float64", n * n, tpAbs));
    });
  });

  it.each(LENGTHS)("sums the Gram matrix and mu^T S mu of symmetric matrices band by band at n = %i", (n) => {
    // nb = 5 symmetric matrices, rows taken in bands of 3 (odd; the last band shorter), against the full sums
    // sum_ij S_a,ij S_c,ij and sum_ij mu_i S_a,ij mu_j over all n^2 entries
    const nb = 5,
      band = 3;
    const S = Array.from({ length: nb }, (_, a) => {
      const R = randn("float64", n * n, 25 + a) as Float64Array;
      return Float64Array.from({ length: n * n }, (_, k) => R[k] + R[(k % n) * n + Math.floor(k / n)]);
    });
    const mu = randn("float64", n, 30) as Float64Array;
    const g = put(be(), new Float64Array(nb * nb).fill(7)),
      q = put(be(), new Float64Array(nb)),
      m = put(be(), mu);
    for (let r0 = 0; r0 < n; r0 += band) {
      const rows = Math.min(band, n - r0);
      const s = put(
        be(),
        Float64Array.from(
          { length: nb * rows * n },
          (_, k) => S[Math.floor(k / (rows * n))][r0 * n + (k % (rows * n))],
        ),
      );
      be().gramUpper(n, nb, r0, rows, s, m, g, q);
      be().free(s);
    }
    const G = be().read(g),
      Q = be().read(q);
    for (let a = 0; a < nb; a++) {
      let qa = 0,
        qAbs = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          qa += mu[i] * S[a][i * n + j] * mu[j];
          qAbs += Math.abs(mu[i] * S[a][i * n + j] * mu[j]);
        }
      expect(Math.abs(Q[a] - qa), `quad ${a}`).toBeLessThanOrEqual(sumTol("float64", n * n, qAbs));
      for (let c = 0; c < nb; c++) {
        if (c <= a) {
          expect(G[a * nb + c], `gram ${a} ${c} untouched`).toBe(7);
          continue;
        }
        let gac = 0,
          gAbs = 0;
        for (let k = 0; k < n * n; k++) {
          gac += S[a][k] * S[c][k];
          gAbs += Math.abs(S[a][k] * S[c][k]);
        }
        expect(Math.abs(G[a * nb + c] - 7 - gac), `gram ${a} ${c}`).toBeLessThanOrEqual(
          sumTol("float64", n * n, gAbs + 7),
        );
      }
    }
  });
});

describe.each(BACKEND_LABELS)("the %s backend's self-coupled single site", (name) => {
  const be = () => all.find((b) => label(b) === name)!;
  // p paths: empty, single, odd, one pair, one block of 8 and one more, blocks + pair + tail; kernels
  // with no taps, only w_0, and longer than the run (history shorter than the kernel at the start).
  it.each([0, 1, 2, 3, 5, 8, 9, 19])("integrates p = %i paths like the plain Heun reference", (p) => {
    for (const kind of ["tanh", "erf"] as const) {
      for (const klen of [0, 1, 2, 7, 60]) {
        const steps = 40,
          h = 0.05;
        const eta = randn("float64", (steps + 1) * p, 70 + p, 1.5),
          x0 = randn("float64", p, 71 + p);
        const w = randn("float64", klen, 72 + klen, 0.3 * h);
        const xs = be().alloc("float64", (steps + 1) * p),
          ph = be().alloc("float64", (steps + 1) * p);
        be().write(xs, x0);
        be().selfSite(
          p,
          steps,
          klen,
          PHI_KINDS[kind],
          h,
          put(be(), eta),
          put(be(), w),
          xs,
          ph,
          be().alloc("float64", p),
        );
        const ref = selfSiteRef(p, steps, klen, kind, h, eta, w, x0);
        // Tolerance: each step adds at most (klen + 8) rounded operations on values <= scale = max|x| + max|eta|
        // (plus the phi error), and an error E in x and in the phi history is amplified per step by at most
        // lip = 1 + a (1 + a/2), a = h (1 + sum|w_k|) (|phi'| <= 1; the predictor's error enters the
        // corrector once more), so the total stays below steps lip^steps ((klen + 8) u scale + PHI_ERROR)
        // (~1e-10 here: lip^40 ~ 30).
        let sw = 0;
        for (const v of w) sw += Math.abs(v);
        const a = h * (1 + sw),
          lip = 1 + a * (1 + a / 2);
        const scale = maxAbs(ref.xs) + maxAbs(eta) + 1;
        const tol = steps * lip ** steps * ((klen + 8) * UNIT_ROUNDOFF.float64 * scale + PHI_ERROR.float64);
        expect(worst(be().read(xs), ref.xs, () => tol)).toBeNull();
        expect(worst(be().read(ph), ref.ph, () => tol)).toBeNull();
      }
    }
  });
});

describe.each(BACKEND_LABELS)("the %s backend's frequency double sums", (name) => {
  const be = () => all.find((b) => label(b) === name)!;
  // grids of every parity around the f64x2 width; row ranges that start at 0, in the middle, and cover the
  // wrap of the anti-diagonal index (a + b >= m) at every offset
  it.each([1, 2, 3, 4, 5, 17, 64])("match the complex-form reference on an m = %i grid", (m) => {
    for (const [a0, a1] of [
      [0, m],
      [Math.floor(m / 3), Math.ceil((2 * m) / 3)],
      [m - 1, m],
      [0, 0],
    ]) {
      const w = randn("float64", m, 80 + m, 3),
        cp = randn("float64", m, 81 + m),
        cx = randn("float64", m, 82 + m);
      const sa = randn("float64", m, 83 + m),
        anti0 = randn("float64", 2 * m, 84 + m),
        nu = 0.9;
      const rows = be().alloc("float64", 4 * m),
        anti = put(be(), anti0);
      be().fill(rows, 0);
      be().psiSums(
        m,
        a0,
        a1,
        nu,
        put(be(), w),
        put(be(), cp),
        put(be(), cx),
        put(
          be(),
          Float64Array.from(w, (v) => 1 + v * v),
        ),
        put(be(), sa),
        rows,
        anti,
      );
      const ref = psiSumsRef(m, a0, a1, nu, w, cp, cx, sa, anti0);
      // Tolerance: each term takes <= 10 rounded operations (relative error <= 10 u) and a row sums m of them
      // ((m + 2) u of the absolute sum, test/helpers.ts): (m + 12) u times the sum of absolute terms. An
      // anti-diagonal entry adds one term per row to its initial value: (rows + 12) u likewise.
      expect(worst(be().read(rows), ref.rows, (i) => (m + 12) * UNIT_ROUNDOFF.float64 * ref.rowsAbs[i])).toBeNull();
      expect(
        worst(be().read(anti), ref.anti, (i) => (a1 - a0 + 12) * UNIT_ROUNDOFF.float64 * ref.antiAbs[i]),
      ).toBeNull();
    }
  });
});

describe("the plain wasm build and the js backend", () => {
  it("agree bit for bit on integration steps in float64 when J = 0 (no summation-order differences left)", () => {
    // With J = 0 the step is element-wise: -x + 0 + I, the same rounded operations in both backends. (The fma
    // build rounds each fused multiply-add once, so it is held to ode.test.ts's tolerances instead.)
    const n = 17,
      k = 2,
      dtype: DType = "float64";
    const x = randn(dtype, k * n, 30),
      input = randn(dtype, n, 31);
    const out: FloatArray[] = [];
    for (const be of all.filter((b) => label(b) !== "wasm fma")) {
      const xb = put(be, x);
      const s = {
        p: be.alloc(dtype, k * n),
        h: be.alloc(dtype, k * n),
        xs: be.alloc(dtype, k * n),
        acc: be.alloc(dtype, k * n),
      };
      be.rk4(n, k, 0, 0.1, { kind: "dense", j: be.alloc(dtype, n * n) }, xb, null, put(be, input), s);
      out.push(be.read(xb));
    }
    expect(Array.from(out[0])).toEqual(Array.from(out[1]));
    void makeArray;
  });
});

describe.each(BACKEND_LABELS)("the %s backend's QR of a frame", (name) => {
  it("orthonormalises k rows by CGS2 and returns log |R_jj|: Q Q^T = I and each row's coordinates triangular", () => {
    const be = all.find((b) => label(b) === name)!;
    for (const [n, k] of [
      [1, 1],
      [5, 3],
      [17, 17],
      [50, 37],
      [300, 40],
    ]) {
      // an ill-conditioned frame: rows scaled over 12 orders of magnitude and nearly parallel
      const A = randn("float64", k * n, 41) as Float64Array;
      for (let j = 0; j < k; j++)
        for (let t = 0; t < n; t++) A[j * n + t] = 10 ** (-12 * (j / Math.max(1, k - 1))) * (A[j * n + t] + 3 * A[t]);
      const q = put(be, A),
        r = be.alloc("float64", 16 * k),
        logr = be.alloc("float64", k);
      be.gramSchmidt(n, k, q, r, logr);
      const Q = be.read(q),
        LR = be.read(logr);
      const dot = (X: ArrayLike<number>, i: number, Y: ArrayLike<number>, j: number) => {
        let s = 0;
        for (let t = 0; t < n; t++) s += X[i * n + t] * Y[j * n + t];
        return s;
      };
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) expect(Math.abs(dot(Q, i, Q, j) - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      // A_j = sum_{i <= j} R_ji q_i: zero coordinates past j, |R_jj| = exp(logr_j) (relative to the row's norm)
      for (let j = 0; j < k; j++) {
        const norm = Math.sqrt(dot(A, j, A, j));
        for (let i = j + 1; i < k; i++) expect(Math.abs(dot(A, j, Q, i)) / norm).toBeLessThan(1e-12);
        expect(Math.abs(Math.abs(dot(A, j, Q, j)) - Math.exp(LR[j])) / norm).toBeLessThan(1e-12);
      }
    }
  });
});

describe.each(BACKEND_LABELS)("the %s backend's eigenvector kernels", (name) => {
  it("reduce A to upper Hessenberg H with an orthogonal Q, A = Q H Q^T", () => {
    const be = all.find((b) => label(b) === name)!;
    for (const n of [1, 2, 3, 5, 17, 60]) {
      const A = randn("float64", n * n, 43) as Float64Array;
      const a = put(be, A),
        q = be.alloc("float64", n * n),
        w = be.alloc("float64", 2 * n);
      be.hessenberg(n, a, q, w);
      const H = be.read(a),
        Q = be.read(q);
      for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) expect(H[i * n + j]).toBe(0);
      // Q Q^T = I and Q H Q^T = A, to rounding (products of O(n) terms of size ~sqrt(n))
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let qq = 0,
            qhq = 0;
          for (let k = 0; k < n; k++) {
            qq += Q[i * n + k] * Q[j * n + k];
            for (let l = 0; l < n; l++) qhq += Q[i * n + k] * H[k * n + l] * Q[j * n + l];
          }
          expect(Math.abs(qq - (i === j ? 1 : 0))).toBeLessThan(1e-13);
          expect(Math.abs(qhq - A[i * n + j])).toBeLessThan(1e-12);
        }
    }
  });

  it("find each eigenvalue's right and left eigenvectors of a Hessenberg matrix by inverse iteration", () => {
    const be = all.find((b) => label(b) === name)!;
    const n = 40;
    const a = put(be, randn("float64", n * n, 47) as Float64Array),
      q = be.alloc("float64", n * n),
      w = be.alloc("float64", 2 * n);
    be.hessenberg(n, a, q, w);
    const H = be.read(a) as Float64Array;
    const wr = be.alloc("float64", n),
      wi = be.alloc("float64", n);
    expect(be.eig(n, put(be, H), wr, wi, w)).toBe(0);
    const re = be.read(wr),
      im = be.read(wi);
    const h = put(be, H),
      y = be.alloc("float64", 2 * n),
      z = be.alloc("float64", 2 * n),
      u = be.alloc("float64", 2 * n * n),
      wk = be.alloc("float64", 3 * n);
    let norm = 0;
    for (const v of H) norm = Math.max(norm, Math.abs(v));
    for (let k = 0; k < n; k++) {
      be.hessInvit(n, h, re[k], im[k], 1e-16 * norm, y, z, u, wk);
      const Y = be.read(y),
        Z = be.read(z);
      // |(H - lambda I) y| and |z^T (H - lambda I)| at the backward-error level of a unit vector: ~n eps ||H||
      let ry = 0,
        rz = 0;
      for (let i = 0; i < n; i++) {
        let sr = -(re[k] * Y[i] - im[k] * Y[n + i]),
          si = -(re[k] * Y[n + i] + im[k] * Y[i]),
          tr = -(re[k] * Z[i] - im[k] * Z[n + i]),
          ti = -(re[k] * Z[n + i] + im[k] * Z[i]);
        for (let j = 0; j < n; j++) {
          sr += H[i * n + j] * Y[j];
          si += H[i * n + j] * Y[n + j];
          tr += H[j * n + i] * Z[j];
          ti += H[j * n + i] * Z[n + j];
        }
        ry = Math.max(ry, Math.hypot(sr, si));
        rz = Math.max(rz, Math.hypot(tr, ti));
      }
      expect(ry).toBeLessThan(1e-12 * norm * n);
      expect(rz).toBeLessThan(1e-12 * norm * n);
    }
  });
});
