// Householder bidiagonalisation (Golub & Kahan 1965), the O(n^3) first stage of the SVD: A = U B V^T with
// B upper bidiagonal, diagonal d and superdiagonal e. Singular values of A = those of B; the O(n^2)
// second stage (implicit-shift QR on B) runs in TypeScript (src/linalg/svd.ts).
//
// Step k: a left reflector H_k = I - beta v v^T zeroes A[k+1:, k] (d_k = -sign(x_0) ||x||, the sign that
// avoids cancellation in v_0 = x_0 - d_k), applied to the trailing columns as w = v^T A (one pass of
// row axpys into w), A -= beta v w^T (one pass of row axpys); then a right reflector zeroes A[k, k+2:]
// (e_k), applied to each trailing row as A_i -= beta (A_i . u) u while the row is in cache. All inner
// loops run along rows (row-major, unit stride) as f64x2 SIMD with a scalar tail.
// A (n x n, row-major) is overwritten; w is n float64 of scratch. Unchecked, allocation-free.

import { __axpy_f64 as __axpy, __madd, __dot_f64 as __dot } from "./inline/simd";

// a += c w, then return sum_j a_j u_j (left update and the right reflector's dot in one sweep)
// @ts-ignore: decorator
@inline function __update_dot(len: i32, c: f64, w: usize, a: usize, u: usize): f64 {
  let vc = f64x2.splat(c);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    let o = <usize>j << 3;
    let a0 = __madd<f64>(v128.load(a + o), vc, v128.load(w + o));
    let a1 = __madd<f64>(v128.load(a + o, 16), vc, v128.load(w + o, 16));
    v128.store(a + o, a0);
    v128.store(a + o, a1, 16);
    s0 = __madd<f64>(s0, a0, v128.load(u + o));
    s1 = __madd<f64>(s1, a1, v128.load(u + o, 16));
  }
  let sv = v128.add<f64>(s0, s1);
  let s = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
  for (; j < len; j++) {
    let o = <usize>j << 3;
    let v = load<f64>(a + o) + c * load<f64>(w + o);
    store<f64>(a + o, v);
    s += v * load<f64>(u + o);
  }
  return s;
}

// a += c u, then wn += x a (right update and the next step's w in one sweep)
// @ts-ignore: decorator
@inline function __update_acc(len: i32, c: f64, u: usize, a: usize, x: f64, wn: usize): void {
  let vc = f64x2.splat(c), vx = f64x2.splat(x);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    let o = <usize>j << 3;
    let av = __madd<f64>(v128.load(a + o), vc, v128.load(u + o));
    v128.store(a + o, av);
    v128.store(wn + o, __madd<f64>(v128.load(wn + o), vx, av));
  }
  for (; j < len; j++) {
    let o = <usize>j << 3;
    let v = load<f64>(a + o) + c * load<f64>(u + o);
    store<f64>(a + o, v);
    store<f64>(wn + o, load<f64>(wn + o) + x * v);
  }
}

/**
 * Bidiagonalise the n x n float64 matrix at a (destroyed): d (n) diagonal, e (n) superdiagonal, e[n-1] = 0.
 * w: 2n float64 of scratch. One fused pass over the trailing rows per step: each row gets the left update,
 * the right reflector, and then contributes to the next step's w (see the module comment), so the
 * trailing matrix is read and written once per step instead of three times.
 */
export function bidiag_f64(n: i32, a: usize, d: usize, e: usize, w: usize): void {
  let row = <usize>n << 3;
  let wcur = w, wnext = w + row;
  if (n == 0) return;
  // prologue: wraw_0 = sum_i A[i][0] A[i][1..], and ||column 0||^2
  memory.fill(wcur, 0, row);
  let norm2 = 0.0;
  for (let i = 0; i < n; i++) {
    let ri = a + <usize>i * row;
    let x = load<f64>(ri);
    norm2 += x * x;
    __axpy(n - 1, x, ri + 8, wcur + 8);
  }
  for (let k = 0; k < n; k++) {
    let rk = a + <usize>k * row;
    let ck = <usize>k << 3;
    let len = n - k - 1; // trailing columns k+1..n-1
    let tail = <usize>(k + 1) << 3;
    // left reflector of column k (its norm and w were accumulated by the previous pass)
    let x0 = load<f64>(rk + ck);
    let alpha = norm2 > 0 ? (x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2)) : 0.0;
    store<f64>(d + ck, alpha);
    let left = norm2 > 0 && len > 0;
    let beta = 0.0;
    let v0 = x0 - alpha;
    if (left) {
      beta = 2.0 / (norm2 - x0 * x0 + v0 * v0);
      // w = sum_i v_i A_i = wraw - alpha A_k  (v_k = x0 - alpha, v_i = x_i below)
      __axpy(len, -alpha, rk + tail, wcur + tail);
      __axpy(len, -beta * v0, wcur + tail, rk + tail); // row k, left update
    }
    if (len == 0) {
      store<f64>(e + ck, 0.0);
      break;
    }
    // right reflector of row k
    let u = rk + tail;
    let y2 = __dot(len, u, u);
    let y0 = load<f64>(u);
    let alpha2 = y2 > 0 ? (y0 > 0 ? -Math.sqrt(y2) : Math.sqrt(y2)) : 0.0;
    store<f64>(e + ck, alpha2);
    let right = y2 > 0;
    let beta2 = 0.0;
    if (right) {
      let u0 = y0 - alpha2;
      beta2 = 2.0 / (y2 - y0 * y0 + u0 * u0);
      store<f64>(u, u0);
    }
    // fused pass over rows k+1..n-1
    let len2 = len - 1; // columns k+2..n-1 for the next step's w
    let tail2 = tail + 8;
    if (len2 > 0) memory.fill(wnext + tail2, 0, <usize>len2 << 3);
    norm2 = 0.0;
    for (let i = k + 1; i < n; i++) {
      let ri = a + <usize>i * row;
      // sweep 1: left update and the dot with u
      let sdot = left ? __update_dot(len, -beta * load<f64>(ri + ck), wcur + tail, ri + tail, u) : __dot(len, ri + tail, u);
      let c2 = right ? -beta2 * sdot : 0.0;
      // A[i][k+1] after the right update is final: it is x_i of the next left reflector
      let x = load<f64>(ri + tail) + c2 * load<f64>(u);
      store<f64>(ri + tail, x);
      norm2 += x * x;
      // sweep 2: right update of columns k+2.. and the next step's w
      if (len2 > 0) __update_acc(len2, c2, u + 8, ri + tail2, x, wnext + tail2);
    }
    let t = wcur;
    wcur = wnext;
    wnext = t;
  }
}

// The orthogonal factors of A = U B V^T from the reflectors bidiag_f64 leaves in a (LAPACK's layout):
// left reflector k is v = (a[k][k] - d_k, a[k+1][k], ..., a[n-1][k]) with H_k = I - 2 v v^T / |v|^2 on
// indices k..n-1 (at k = n-1 it is the sign flip that gives d_{n-1} its sign); right reflector k is
// u = a[k][k+1..n-1] (its first entry already stored as y_0 - e_k) on indices k+1..n-1.
// U = H_0 H_1 ... H_{n-1}, so U^T = H_{n-1} ... H_0 is formed as ((I H_{n-1}) H_{n-2}) ... H_0: each step
// right-multiplies rows k..n-1 (the only rows with entries in columns >= k) as row -= (2 row.v / |v|^2) v,
// a dot and an axpy along the row, 4 (n - k)^2 flops; likewise V^T = G_{n-2} ... G_0. Output: ut and vt
// (n x n, row-major), row a = the a-th left / right singular vector of B's basis. w: n float64 of scratch.
export function bidiag_vectors_f64(n: i32, a: usize, d: usize, ut: usize, vt: usize, w: usize): void {
  reflector_rows_f64(n, a, d, ut, w, false);
  reflector_rows_f64(n, a, d, vt, w, true);
}

// One orthogonal factor as rows (see bidiag_vectors_f64): the left reflectors' U^T (right = false: column k below
// the diagonal, first entry a[k][k] - d_k) or the right reflectors' V^T (right = true: row k from column k + 1;
// d unused), which is also the Q^T of tridiag_f64 (assembly/tridiag.ts stores its reflectors the same way).
export function reflector_rows_f64(n: i32, a: usize, d: usize, out: usize, w: usize, right: bool): void {
  let row = <usize>n << 3;
  memory.fill(out, 0, <usize>n * row);
  for (let i = 0; i < n; i++) store<f64>(out + <usize>i * row + (<usize>i << 3), 1.0);
  if (right) {
    right_reflector_rows(n, a, out, w);
    return;
  }
  for (let k = n - 1; k >= 0; k--) {
    let start = k; // first index the reflector acts on
    let len = n - start;
    let so = <usize>start << 3;
    let vv = 0.0;
    for (let i = 0; i < len; i++) {
      let x = load<f64>(a + <usize>(start + i) * row + (<usize>k << 3));
      if (i == 0) x -= load<f64>(d + (<usize>k << 3));
      store<f64>(w + (<usize>i << 3), x);
      vv += x * x;
    }
    if (vv == 0) continue;
    let scale = -2.0 / vv;
    for (let r = start; r < n; r++) {
      let rr = out + <usize>r * row + so;
      __axpy(len, scale * __dot(len, rr, w), w, rr);
    }
  }
}

// The right reflectors' product as rows (out = identity on entry): row r of the result is e_r^T H_{n-2} ... H_0, and
// each row depends on itself only, so the reflectors are taken in blocks of b (b rows of a, ~1 MiB, cache-resident)
// and every row of out gets a whole block (in decreasing k) while it is in cache: out is streamed n / b times
// instead of n. Reflector k touches rows and columns k + 1.. only (rows above k + 1 are still e_r there). w: n.
function right_reflector_rows(n: i32, a: usize, out: usize, w: usize): void {
  let row = <usize>n << 3;
  for (let k = 0; k < n - 1; k++) {
    let u = a + <usize>k * row + (<usize>(k + 1) << 3);
    store<f64>(w + (<usize>k << 3), __dot(n - k - 1, u, u));
  }
  let b = max(1, min(64, 131072 / max(n, 1)));
  for (let top = n - 2; top >= 0; top -= b) {
    let k0 = max(0, top - b + 1);
    for (let r = k0 + 1; r < n; r++) {
      let rr = out + <usize>r * row;
      for (let k = min(top, r - 1); k >= k0; k--) {
        let vv = load<f64>(w + (<usize>k << 3));
        if (vv == 0) continue;
        let so = <usize>(k + 1) << 3;
        let u = a + <usize>k * row + so;
        let len = n - k - 1;
        __axpy(len, (-2.0 / vv) * __dot(len, rr + so, u), u, rr + so);
      }
    }
  }
}

// A sequence of plane rotations of adjacent rows of x (n columns): for j = 0..count-1, rows
// (first + j, first + j + 1) <- (c r1 + s r2, c r2 - s r1) with c = cs[j], s = sn[j] (BLAS drot), in order.
// Applies one QR sweep of the bidiagonal SVD to the accumulated singular vectors (rows contiguous).
export function rot_seq_f64(n: i32, x: usize, first: i32, count: i32, cs: usize, sn: usize): void {
  let row = <usize>n << 3;
  for (let j = 0; j < count; j++) {
    let r1 = x + <usize>(first + j) * row;
    __rot(n, r1, r1 + row, load<f64>(cs + (<usize>j << 3)), load<f64>(sn + (<usize>j << 3)));
  }
}

// One plane rotation of rows r1, r2 of x (n columns), as rot_seq_f64.
export function rot_pair_f64(n: i32, x: usize, r1: i32, r2: i32, c: f64, s: f64): void {
  let row = <usize>n << 3;
  __rot(n, x + <usize>r1 * row, x + <usize>r2 * row, c, s);
}

// @ts-ignore: decorator
@inline function __rot(len: i32, p: usize, q: usize, c: f64, s: f64): void {
  let vc = f64x2.splat(c), vs = f64x2.splat(s);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    let o = <usize>j << 3;
    let a = v128.load(p + o), b = v128.load(q + o);
    v128.store(p + o, __madd<f64>(f64x2.mul(vc, a), vs, b));
    v128.store(q + o, f64x2.sub(f64x2.mul(vc, b), f64x2.mul(vs, a)));
  }
  for (; j < len; j++) {
    let o = <usize>j << 3;
    let a = load<f64>(p + o), b = load<f64>(q + o);
    store<f64>(p + o, c * a + s * b);
    store<f64>(q + o, c * b - s * a);
  }
}
