// Householder tridiagonalisation of a symmetric matrix (Golub & Van Loan §8.3.1), the O(n^3) first stage of the
// symmetric eigendecomposition: A = Q T Q^T with T tridiagonal (diagonal d, off-diagonal e). The O(n^2) second
// stage (implicit-shift QR on T) runs in TypeScript (src/linalg/symmetric.ts).
//
// Step k: the reflector H_k = I - beta v v^T (v on indices k+1..n-1, alpha = -sign(x_0) ||x|| as in bidiag_f64)
// zeroes A[k+2:, k] = A[k, k+2:]; the trailing block A22 = A[k+1:, k+1:] becomes H A22 H =
// A22 - v w^T - w v^T with p = beta A22 v, w = p - (beta p.v / 2) v. Full storage, row-major: every inner loop runs
// along a row. One pass over the trailing rows per step: each row i gets this step's rank-2 update and then, while
// in cache, its dot with the next reflector (p of step k + 1), so the trailing block is read and written once per
// step (row k + 1 is updated first: the next reflector is its tail). ~2 n^3 flops (LAPACK's dsytrd, using one
// triangle, 4/3 n^3; full rows keep the loops contiguous and SIMD).
// The reflectors are left in the rows above the block (v of step k in a[k][k+1..]), the layout of bidiag_f64's
// right reflectors, so reflector_rows_f64 forms Q^T from them. a (n x n, symmetric) is overwritten; w is 2n
// float64 of scratch. Unchecked, allocation-free.

import { __madd } from "./inline/simd";
import { __dot_f64 as __dot } from "./inline/simd";
import { reflector_rows_f64 } from "./svd";

// a += c1 x + c2 y, then return sum_j a_j u_j (the rank-2 update and the next step's dot in one sweep)
// @ts-ignore: decorator
@inline function __rank2_dot(len: i32, c1: f64, x: usize, c2: f64, y: usize, a: usize, u: usize): f64 {
  let v1 = f64x2.splat(c1), v2 = f64x2.splat(c2);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    let o = <usize>j << 3;
    let a0 = __madd<f64>(__madd<f64>(v128.load(a + o), v1, v128.load(x + o)), v2, v128.load(y + o));
    let a1 = __madd<f64>(__madd<f64>(v128.load(a + o, 16), v1, v128.load(x + o, 16)), v2, v128.load(y + o, 16));
    v128.store(a + o, a0);
    v128.store(a + o, a1, 16);
    s0 = __madd<f64>(s0, a0, v128.load(u + o));
    s1 = __madd<f64>(s1, a1, v128.load(u + o, 16));
  }
  let sv = v128.add<f64>(s0, s1);
  let s = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
  for (; j < len; j++) {
    let o = <usize>j << 3;
    let v = load<f64>(a + o) + c1 * load<f64>(x + o) + c2 * load<f64>(y + o);
    store<f64>(a + o, v);
    s += v * load<f64>(u + o);
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
 * Tridiagonalise the symmetric n x n float64 matrix at a (destroyed; both triangles read): d (n) diagonal, e (n)
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
  // prologue: the reflector of step 0 and p_i = beta A_i[1:] . v for i >= 1
  let beta = __reflector(n, a, e, 0);
  for (let i = 1; i < n; i++) {
    let ri = a + <usize>i * row;
    store<f64>(wcur + (<usize>i << 3), beta * __dot(n - 1, ri + 8, a + 8));
  }
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
    let v1 = load<f64>(v),
      w1 = load<f64>(wcur + tail);
    __rank2_dot(m, -v1, wcur + tail, -w1, v, r1 + tail, v); // the dot is unused
    let betaNext = __reflector(n, a, e, k + 1);
    let tail2 = tail + 8;
    let vNext = r1 + tail2;
    // rows k + 2..: columns k + 2.. (column k + 1 is never read again), then their dot with the next v
    for (let i = k + 2; i < n; i++) {
      let ri = a + <usize>i * row;
      let off = <usize>(i - k - 1) << 3;
      let s = __rank2_dot(m - 1, -load<f64>(v + off), wcur + tail2, -load<f64>(wcur + tail + off), v + 8, ri + tail2, vNext);
      store<f64>(wnext + (<usize>i << 3), betaNext * s);
    }
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
