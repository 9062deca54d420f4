/**
 * Singular values of a dense square matrix (THEORY §2.3, §6: ranked singular values, PR^S).
 *
 * Stage 1 (O(n^3), backend kernel `bidiag`): Householder bidiagonalisation A = U B V^T.
 * Stage 2 (O(n^2) per sweep, here): the Golub–Kahan implicit-shift QR iteration on the bidiagonal B
 * (Wilkinson shift from the trailing 2 x 2 of B^T B, chasing the bulge with Givens rotations; negligible
 * superdiagonal entries split the problem, negligible diagonal entries are deflated by rotations), in the
 * form of LINPACK's dsvdc / JAMA's SingularValueDecomposition restricted to values.
 * Backward stable: every computed singular value is within a few ulp of ||A||_2 of an exact one, so
 * small singular values are accurate in absolute (not relative) terms, as with LAPACK's dgesvd.
 *
 * Singular vectors (svd below): the backend forms U^T and V^T from the stage-1 reflectors (kernel
 * bidiagVectors, 8n^3/3 flops), and every rotation of stage 2 is applied to their rows (kernels rotSeq /
 * rotPair: the rows of U^T, V^T are the vectors, so a rotation is two contiguous SIMD row updates; one
 * kernel call per QR sweep). Stage 2 then costs ~12 n^3 flops instead of O(n^2), as in LAPACK's dbdsqr.
 */
import { withBuffers } from "../backend/buffers.ts";
import type { Backend } from "../backend/types.ts";
import { ConvergenceError, checkArray, checkSize } from "../errors.ts";
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { transposed } from "../backend/buffers.ts";
import { realProduct } from "./complex.ts";

export { ConvergenceError };

/** The checks every dense decomposition makes: n a size, A an n x n float64 array of finite values. */
export function checkSquareMatrix(n: number, A: Float64Array): void {
  checkSize("n", n);
  checkArray("A", A, n * n, "float64");
  for (let k = 0; k < A.length; k++)
    if (!Number.isFinite(A[k]))
      throw new RangeError(`invalid argument: \`A\` must hold finite values; got \`${A[k]}\` at index ${k}`);
}

/** Singular values of the n x n row-major matrix A (not modified), sorted in decreasing order. */
export function singularValues(n: number, A: Float64Array, be: Backend): Float64Array {
  checkSquareMatrix(n, A);
  const f64 = (length: number) => ({ dtype: "float64" as const, length });
  const { s, sup } = withBuffers(be, [A, f64(n), f64(n), f64(2 * n)], ([a, d, e, w]) => {
    be.bidiag(n, a, d, e, w);
    return { s: be.read(d) as Float64Array, sup: be.read(e) as Float64Array };
  });
  bidiagonalValues(s, sup);
  return s.sort((x, y) => y - x);
}

/**
 * Receives the plane rotations of the QR stage so that the caller can apply them to the singular vectors:
 * `pair` (deflation: rows r1, r2 of U^T or V^T), `sweep` (one QR sweep: adjacent rows first..first+count of
 * V^T with (cv, sv) and of U^T with (cu, su), filled by bidiagonalValues before the call), `negate` (V^T row).
 */
export interface Rotations {
  cv: Float64Array;
  sv: Float64Array;
  cu: Float64Array;
  su: Float64Array;
  pair(which: "u" | "v", r1: number, r2: number, c: number, s: number): void;
  sweep(first: number, count: number): void;
  negate(row: number): void;
}

/**
 * Singular values of the upper bidiagonal matrix with diagonal s and superdiagonal e (e[k] couples s[k] and
 * s[k+1]; e[n-1] ignored), in place into s (absolute values, unsorted).
 */
export function bidiagonalValues(s: Float64Array, e: Float64Array, maxSweeps = 75, rot?: Rotations): void {
  const n = s.length;
  if (n === 0) return;
  e[n - 1] = 0;
  const eps = 2 ** -52,
    tiny = 2 ** -966;
  let p = n,
    iter = 0;
  while (p > 0) {
    let k: number, kase: number;
    // find the largest k with a negligible e[k]
    for (k = p - 2; k >= 0; k--) {
      if (Math.abs(e[k]) <= tiny + eps * (Math.abs(s[k]) + Math.abs(s[k + 1]))) {
        e[k] = 0;
        break;
      }
    }
    if (k === p - 2) kase = 4;
    else {
      let ks: number;
      for (ks = p - 1; ks > k; ks--) {
        const t = (ks !== p ? Math.abs(e[ks]) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
        if (Math.abs(s[ks]) <= tiny + eps * t) {
          s[ks] = 0;
          break;
        }
      }
      if (ks === k) kase = 3;
      else if (ks === p - 1) kase = 1;
      else {
        kase = 2;
        k = ks;
      }
    }
    k++;
    if (kase === 1) {
      // s[p-1] negligible: chase e[p-2] up and out
      let f = e[p - 2];
      e[p - 2] = 0;
      for (let j = p - 2; j >= k; j--) {
        const t = Math.hypot(s[j], f),
          cs = s[j] / t,
          sn = f / t;
        s[j] = t;
        if (j !== k) {
          f = -sn * e[j - 1];
          e[j - 1] = cs * e[j - 1];
        }
        rot?.pair("v", j, p - 1, cs, sn);
      }
    } else if (kase === 2) {
      // s[k-1] negligible: split, chase e[k-1] down
      let f = e[k - 1];
      e[k - 1] = 0;
      for (let j = k; j < p; j++) {
        const t = Math.hypot(s[j], f),
          cs = s[j] / t,
          sn = f / t;
        s[j] = t;
        f = -sn * e[j];
        e[j] = cs * e[j];
        rot?.pair("u", j, k - 1, cs, sn);
      }
    } else if (kase === 3) {
      // one implicit-shift QR sweep on rows/columns k..p-1
      const scale = Math.max(
        Math.abs(s[p - 1]),
        Math.abs(s[p - 2]),
        Math.abs(e[p - 2]),
        Math.abs(s[k]),
        Math.abs(e[k]),
      );
      const sp = s[p - 1] / scale,
        spm1 = s[p - 2] / scale,
        epm1 = e[p - 2] / scale,
        sk = s[k] / scale,
        ek = e[k] / scale;
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2,
        c = sp * epm1 * (sp * epm1);
      let shift = 0;
      if (b !== 0 || c !== 0) {
        shift = Math.sqrt(b * b + c);
        if (b < 0) shift = -shift;
        shift = c / (b + shift);
      }
      let f = (sk + sp) * (sk - sp) + shift,
        g = sk * ek;
      for (let j = k; j < p - 1; j++) {
        let t = Math.hypot(f, g),
          cs = f / t,
          sn = g / t;
        if (j !== k) e[j - 1] = t;
        f = cs * s[j] + sn * e[j];
        e[j] = cs * e[j] - sn * s[j];
        g = sn * s[j + 1];
        s[j + 1] = cs * s[j + 1];
        if (rot) {
          rot.cv[j - k] = cs;
          rot.sv[j - k] = sn;
        }
        t = Math.hypot(f, g);
        cs = f / t;
        sn = g / t;
        s[j] = t;
        if (rot) {
          rot.cu[j - k] = cs;
          rot.su[j - k] = sn;
        }
        f = cs * e[j] + sn * s[j + 1];
        s[j + 1] = -sn * e[j] + cs * s[j + 1];
        g = sn * e[j + 1];
        e[j + 1] = cs * e[j + 1];
      }
      e[p - 2] = f;
      rot?.sweep(k, p - 1 - k);
      if (++iter > maxSweeps * n) {
        throw new ConvergenceError(`the bidiagonal SVD did not converge after ${iter} QR sweeps (${p} values left)`, {
          sweeps: iter,
          remaining: p,
        });
      }
    } else {
      // converged: s[k] is a singular value
      if (s[k] < 0) {
        s[k] = -s[k];
        rot?.negate(k);
      }
      iter = 0;
      p--;
    }
  }
}

export interface Svd {
  /** singular values, decreasing */
  s: Float64Array;
  /** n x n row-major; row a is the left singular vector u_a (U^T) */
  ut: Float64Array;
  /** n x n row-major; row a is the right singular vector v_a (V^T) */
  vt: Float64Array;
}

/** Full SVD A = U diag(s) V^T of the n x n row-major matrix A (not modified); vectors as rows (see Svd). */
export function svd(n: number, A: Float64Array, be: Backend): Svd {
  checkSquareMatrix(n, A);
  const bufs = {
    a: be.alloc("float64", n * n),
    d: be.alloc("float64", n),
    e: be.alloc("float64", n),
    w: be.alloc("float64", 2 * n),
    ut: be.alloc("float64", n * n),
    vt: be.alloc("float64", n * n),
    cs: be.alloc("float64", n),
    sn: be.alloc("float64", n),
  };
  try {
    const { a, d, e, w, ut, vt, cs, sn } = bufs;
    be.write(a, A);
    be.bidiag(n, a, d, e, w);
    be.bidiagVectors(n, a, d, ut, vt, w);
    const s = be.read(d) as Float64Array,
      sup = be.read(e) as Float64Array;
    const negated = new Uint8Array(n);
    const rot: Rotations = {
      cv: new Float64Array(n),
      sv: new Float64Array(n),
      cu: new Float64Array(n),
      su: new Float64Array(n),
      pair: (which, r1, r2, c, sgn) => be.rotPair(n, which === "u" ? ut : vt, r1, r2, c, sgn),
      sweep: (first, count) => {
        be.write(cs, rot.cv.subarray(0, count));
        be.write(sn, rot.sv.subarray(0, count));
        be.rotSeq(n, vt, first, count, cs, sn);
        be.write(cs, rot.cu.subarray(0, count));
        be.write(sn, rot.su.subarray(0, count));
        be.rotSeq(n, ut, first, count, cs, sn);
      },
      negate: (row) => {
        negated[row] ^= 1;
      },
    };
    bidiagonalValues(s, sup, 75, rot);
    const U = be.read(ut) as Float64Array,
      V = be.read(vt) as Float64Array;
    const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => s[y] - s[x]);
    const out = { s: Float64Array.from(order, (k) => s[k]), ut: new Float64Array(n * n), vt: new Float64Array(n * n) };
    order.forEach((k, a) => {
      out.ut.set(U.subarray(k * n, k * n + n), a * n);
      const row = V.subarray(k * n, k * n + n);
      if (negated[k]) for (let i = 0; i < n; i++) out.vt[a * n + i] = -row[i];
      else out.vt.set(row, a * n);
    });
    return out;
  } finally {
    for (const b of Object.values(bufs)) be.free(b);
  }
}

/**
 * The non-zero singular values of a factored n x n matrix L diag(D) R^T (L, R n x m row-major, m <= n), without
 * forming it: with the Cholesky factors L^T L = C_L C_L^T and R^T R = C_R C_R^T, L = Q_L C_L^T and R = Q_R C_R^T with
 * orthonormal Q_L, Q_R, so L diag(D) R^T = Q_L (C_L^T diag(D) C_R) Q_R^T has the singular values of the m x m middle
 * factor. Cost 4 n m^2 + O(m^3) instead of O(n^3): PRX Fig. 8's alpha = 0.005 at N = 30000 (m = 150). The Gram
 * matrices square the factors' condition numbers: fine for random modes (condition ~ (1 + sqrt(m/n))/(1 - sqrt(m/n))).
 */
export function factoredSingularValues(
  be: Backend,
  n: number,
  m: number,
  L: Float64Array,
  D: Float64Array,
  R: Float64Array,
): Float64Array {
  checkArray("L", L, n * m, "float64");
  checkArray("R", R, n * m, "float64");
  checkArray("D", D, m, "float64");
  const factor = (X: Float64Array) => {
    const Xt = transposed(X, n, m);
    const G = realProduct(be, m, n, m, Xt, Xt);
    const c = new CholeskyDecomposition(
      new Matrix(Array.from({ length: m }, (_, i) => Array.from(G.subarray(i * m, (i + 1) * m)))),
    );
    if (!c.isPositiveDefinite()) throw new RangeError("invalid argument: the factors must have full column rank");
    return c.lowerTriangularMatrix;
  };
  const cl = factor(L),
    cr = factor(R);
  const B = new Float64Array(m * m);
  // B_ab = sum_c (C_L^T)_ac D_c (C_R)_cb = sum_c C_L[c][a] D_c C_R[c][b]
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let c = Math.max(a, b); c < m; c++) s += cl.get(c, a) * D[c] * cr.get(c, b);
      B[a * m + b] = s;
    }
  return singularValues(m, B, be);
}
