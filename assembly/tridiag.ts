// Householder tridiagonalisation of a symmetric matrix (Golub & Van Loan §8.3.1), the O(n^3) first stage of the
// symmetric eigendecomposition: A = Q T Q^T with T tridiagonal (diagonal d, off-diagonal e). The O(n^2) second
// stage (implicit-shift QR on T) runs in TypeScript (src/linalg/symmetric.ts).
//
// Step k: the reflector H_k = I - beta v v^T (v on indices k+1..n-1, alpha = -sign(x_0) ||x|| as in bidiag_f64)
// zeroes A[k+2:, k] = A[k, k+2:]; the trailing block A22 = A[k+1:, k+1:] becomes H A22 H =
// A22 - v w^T - w v^T with p = beta A22 v, w = p - (beta p.v / 2) v. Only the upper triangle is read and written
// (row-major: row i from its diagonal, contiguous, so every inner loop runs along a row). One pass over the
// trailing rows per step: each row gets this step's rank-2 update and then, while in cache, its part of the next
// reflector's p = A v (the row's dot with v for p_i, and an axpy into p_j, j > i, for the entries that stand for
// the column below the diagonal), so half the trailing block is read and written once per step (row k + 1 is
// updated first: the next reflector is its tail). 4/3 n^3 flops, as LAPACK's unblocked dsytd2.
// The reflectors are left in the rows above the block (v of step k in a[k][k+1..]), the layout of bidiag_f64's
// right reflectors, so reflector_rows_f64 forms Q^T from them. a (n x n, symmetric) is overwritten; w is 2n
// float64 of scratch. Unchecked, allocation-free.

import { __madd } from "./inline/simd";
import { __dot_f64 as __dot } from "./inline/simd";
import { reflector_rows_f64 } from "./svd";

// One row of the trailing block's upper triangle, a[0..len) = row i from its diagonal: a += c1 x + c2 y (the rank-2
// update), then, for the next step's p = A v in the upper triangle alone, p_j += u_0 a_j for j > 0 (the row's
// entries standing for the column below the diagonal) and the return value sum_j a_j u_j (the row's own dot).
// @ts-ignore: decorator
@inline function __rank2_sym(len: i32, c1: f64, x: usize, c2: f64, y: usize, a: usize, u: usize, p: usize): f64 {
  let a0 = load<f64>(a) + c1 * load<f64>(x) + c2 * load<f64>(y);
  store<f64>(a, a0);
  let ui = load<f64>(u);
  let s = a0 * ui;
  let v1 = f64x2.splat(c1), v2 = f64x2.splat(c2), vu = f64x2.splat(ui);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let j = 1;
  for (; j + 4 <= len; j += 4) {
    let o = <usize>j << 3;
    let a1 = __madd<f64>(__madd<f64>(v128.load(a + o), v1, v128.load(x + o)), v2, v128.load(y + o));
    let a2 = __madd<f64>(__madd<f64>(v128.load(a + o, 16), v1, v128.load(x + o, 16)), v2, v128.load(y + o, 16));
    v128.store(a + o, a1);
    v128.store(a + o, a2, 16);
    s0 = __madd<f64>(s0, a1, v128.load(u + o));
    s1 = __madd<f64>(s1, a2, v128.load(u + o, 16));
    v128.store(p + o, __madd<f64>(v128.load(p + o), vu, a1));
    v128.store(p + o, __madd<f64>(v128.load(p + o, 16), vu, a2), 16);
  }
  let sv = v128.add<f64>(s0, s1);
  s += f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
  for (; j < len; j++) {
    let o = <usize>j << 3;
    let v = load<f64>(a + o) + c1 * load<f64>(x + o) + c2 * load<f64>(y + o);
    store<f64>(a + o, v);
    s += v * load<f64>(u + o);
    store<f64>(p + o, load<f64>(p + o) + ui * v);
  }
  return s;
}

// The reflector of step k from x = a[k][k+1..n-1]: e_k = alpha, v stored over x (only its first entry changes);
// returns beta (0 when x = 0: no reflection, and the stored v is 0).
// @ts-ignore: decorator
@inline function __reflector(n: i32, a: usize, e: usize, k: i32): f64 {
  let x = a + <usize>k * (<usize>n << 3) + (<usize>(k + 1) << 3);
  let norm2 = __dot(n - k - 1, x, x);
  let x0 = load<f64>(x);
  let alpha = norm2 > 0 ? (x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2)) : 0.0;
  store<f64>(e + (<usize>k << 3), alpha);
  if (norm2 == 0) return 0.0;
  let v0 = x0 - alpha;
  store<f64>(x, v0);
  return 2.0 / (norm2 - x0 * x0 + v0 * v0);
}

/**
 * Tridiagonalise the symmetric n x n float64 matrix at a (its upper triangle read, and destroyed): d (n) diagonal, e (n)
 * off-diagonal (e[k] couples k and k + 1; e[n-1] = 0). w: 2n float64 of scratch (p and w of the module comment,
 * this step's and the next's).
 */
export function tridiag_f64(n: i32, a: usize, d: usize, e: usize, w: usize): void {
  if (n == 0) return;
  let row = <usize>n << 3;
  store<f64>(e + (<usize>(n - 1) << 3), 0.0);
  if (n == 1) {
    store<f64>(d, load<f64>(a));
    return;
  }
  let wcur = w, wnext = w + row;
  // prologue: the reflector of step 0 and p = beta A22 v from A22's upper triangle (rows 1.. from the diagonal)
  let beta = __reflector(n, a, e, 0);
  memory.fill(wcur, 0, row);
  for (let i = 1; i < n; i++) {
    let off = <usize>i << 3;
    let s = __rank2_sym(n - i, 0, wcur + off, 0, wcur + off, a + <usize>i * row + off, a + off, wcur + off);
    store<f64>(wcur + off, load<f64>(wcur + off) + s);
  }
  for (let i = 1; i < n; i++) store<f64>(wcur + (<usize>i << 3), beta * load<f64>(wcur + (<usize>i << 3)));
  for (let k = 0; k < n - 1; k++) {
    let rk = a + <usize>k * row;
    let tail = <usize>(k + 1) << 3;
    let m = n - k - 1;
    let v = rk + tail; // v_j at v + (j - k - 1) * 8, i.e. a[k][j]
    store<f64>(d + (<usize>k << 3), load<f64>(rk + (<usize>k << 3)));
    // w = p - (beta p.v / 2) v, in place over p
    let half = 0.5 * beta * __dot(m, wcur + tail, v);
    for (let j = 0; j < m; j++) {
      let o = <usize>j << 3;
      store<f64>(wcur + tail + o, load<f64>(wcur + tail + o) - half * load<f64>(v + o));
    }
    let r1 = rk + row; // row k + 1
    if (m == 1) {
      // the last block is 1 x 1: H a H = a - 2 v w
      let last = load<f64>(r1 + tail) - 2 * load<f64>(v) * load<f64>(wcur + tail);
      store<f64>(d + (<usize>(k + 1) << 3), last);
      break;
    }
    // row k + 1 first (columns k + 1..): its tail is the next reflector's x
    __rank2_sym(m, -load<f64>(v), wcur + tail, -load<f64>(wcur + tail), v, r1 + tail, v, wnext + tail); // p unused
    let betaNext = __reflector(n, a, e, k + 1);
    let tail2 = tail + 8;
    let vNext = r1 + tail2;
    // rows k + 2..: the upper triangle from the diagonal, then their part of the next p (row dot and column axpy)
    memory.fill(wnext + tail2, 0, <usize>(m - 1) << 3);
    for (let i = k + 2; i < n; i++) {
      let ri = a + <usize>i * row;
      let off = <usize>(i - k - 1) << 3; // i's place in v and the trailing vectors
      let at = <usize>i << 3;
      let s = __rank2_sym(n - i, -load<f64>(v + off), wcur + at, -load<f64>(wcur + at), v + off, ri + at, vNext + off - 8, wnext + at);
      store<f64>(wnext + at, load<f64>(wnext + at) + s);
    }
    for (let i = k + 2; i < n; i++) store<f64>(wnext + (<usize>i << 3), betaNext * load<f64>(wnext + (<usize>i << 3)));
    beta = betaNext;
    let t = wcur;
    wcur = wnext;
    wnext = t;
  }
}

// Q^T (n x n, row-major; row a = the a-th column of Q) from the reflectors tridiag_f64 left in a. w: n float64.
export function tridiag_vectors_f64(n: i32, a: usize, qt: usize, w: usize): void {
  reflector_rows_f64(n, a, 0, qt, w, true);
}
