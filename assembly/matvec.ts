// Dense and low-rank coupling products.
//
//   matvec:   y = A x                       A: m x n row-major, x: n, y: m
//   matmat:   Y_b = A X_b  for b < k         X: k x n (trajectory-major: each trajectory contiguous), Y: k x m
//   lowrank:  y = L (d ⊙ (R^T v))            L: n x m, R^T: m x n row-major (R stored transposed), d: m,
//                                            cost O(n m) instead of O(n^2)
//   lowrank (batched): the same for k trajectories, V and Y k x n, scratch Z k x m
//
// The low-rank product is two matmats (z = R^T v, then y = L (d ⊙ z)): with R^T stored, both stream
// contiguous rows into dot products. The earlier form accumulated z += v_i R[i, :] over the rows of R (n x m)
// and fell to 1-3 GFLOP/s once L and R left the cache (N = 4000, M = 400: 2.7 ms vs 0.46 ms per product).
//
// Register blocking: matvec does 4 rows of A per pass, so each load of x feeds 4 products; matmat does 2 rows
// x 4 trajectories per pass (8 accumulators), so each load of A feeds 4 products and A is streamed from
// memory once per 4 trajectories instead of once per trajectory. Each pass ends with a scalar tail over the
// n mod lanes leftover columns. Accumulation is in the working precision T (as BLAS sgemv/dgemv).
// Aliasing: outputs must not alias inputs. No alignment is assumed (v128.load is unaligned-safe).

import { __lanes, __shift, __hsum, __madd } from "./inline/simd";

// y[i] = sum_j A[i, j] x[j]
export function __matvec<T>(m: i32, n: i32, a: usize, x: usize, y: usize): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  let nv = n & ~(L - 1);
  let rowBytes = <usize>n << S;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let a0 = a + <usize>i * rowBytes;
    let a1 = a0 + rowBytes;
    let a2 = a1 + rowBytes;
    let a3 = a2 + rowBytes;
    let c0 = v128.splat<T>(0);
    let c1 = v128.splat<T>(0);
    let c2 = v128.splat<T>(0);
    let c3 = v128.splat<T>(0);
    let j = 0;
    for (; j < nv; j += L) {
      let off = <usize>j << S;
      let xv = v128.load(x + off);
      c0 = __madd<T>(c0, v128.load(a0 + off), xv);
      c1 = __madd<T>(c1, v128.load(a1 + off), xv);
      c2 = __madd<T>(c2, v128.load(a2 + off), xv);
      c3 = __madd<T>(c3, v128.load(a3 + off), xv);
    }
    let s0 = __hsum<T>(c0);
    let s1 = __hsum<T>(c1);
    let s2 = __hsum<T>(c2);
    let s3 = __hsum<T>(c3);
    for (; j < n; j++) {
      let off = <usize>j << S;
      let xj = load<T>(x + off);
      s0 += load<T>(a0 + off) * xj;
      s1 += load<T>(a1 + off) * xj;
      s2 += load<T>(a2 + off) * xj;
      s3 += load<T>(a3 + off) * xj;
    }
    let yo = y + (<usize>i << S);
    store<T>(yo, s0);
    store<T>(yo, s1, 1 << S);
    store<T>(yo, s2, 2 << S);
    store<T>(yo, s3, 3 << S);
  }
  for (; i < m; i++) {
    let a0 = a + <usize>i * rowBytes;
    let c0 = v128.splat<T>(0);
    let j = 0;
    for (; j < nv; j += L) {
      let off = <usize>j << S;
      c0 = __madd<T>(c0, v128.load(a0 + off), v128.load(x + off));
    }
    let s0 = __hsum<T>(c0);
    for (; j < n; j++) {
      let off = <usize>j << S;
      s0 += load<T>(a0 + off) * load<T>(x + off);
    }
    store<T>(y + (<usize>i << S), s0);
  }
}

// Y[b, i] = sum_j A[i, j] X[b, j]; trajectory b's outputs start at y + b ldy (ldy = m: contiguous; a team thread
// writes its rows of every trajectory of a wider output with ldy > m)
export function __matmat<T>(m: i32, n: i32, k: i32, a: usize, x: usize, y: usize, ldy: i32 = m): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  let nv = n & ~(L - 1);
  let rowBytes = <usize>n << S;
  let outBytes = <usize>ldy << S;
  let b = 0;
  for (; b + 4 <= k; b += 4) {
    let x0 = x + <usize>b * rowBytes;
    let x1 = x0 + rowBytes;
    let x2 = x1 + rowBytes;
    let x3 = x2 + rowBytes;
    let y0 = y + <usize>b * outBytes;
    let i = 0;
    for (; i + 2 <= m; i += 2) {
      let a0 = a + <usize>i * rowBytes;
      let a1 = a0 + rowBytes;
      let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0), c02 = v128.splat<T>(0), c03 = v128.splat<T>(0);
      let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0), c12 = v128.splat<T>(0), c13 = v128.splat<T>(0);
      let j = 0;
      for (; j < nv; j += L) {
        let off = <usize>j << S;
        let av0 = v128.load(a0 + off);
        let av1 = v128.load(a1 + off);
        let xv0 = v128.load(x0 + off);
        let xv1 = v128.load(x1 + off);
        let xv2 = v128.load(x2 + off);
        let xv3 = v128.load(x3 + off);
        c00 = __madd<T>(c00, av0, xv0);
        c01 = __madd<T>(c01, av0, xv1);
        c02 = __madd<T>(c02, av0, xv2);
        c03 = __madd<T>(c03, av0, xv3);
        c10 = __madd<T>(c10, av1, xv0);
        c11 = __madd<T>(c11, av1, xv1);
        c12 = __madd<T>(c12, av1, xv2);
        c13 = __madd<T>(c13, av1, xv3);
      }
      let s00 = __hsum<T>(c00), s01 = __hsum<T>(c01), s02 = __hsum<T>(c02), s03 = __hsum<T>(c03);
      let s10 = __hsum<T>(c10), s11 = __hsum<T>(c11), s12 = __hsum<T>(c12), s13 = __hsum<T>(c13);
      for (; j < n; j++) {
        let off = <usize>j << S;
        let av0 = load<T>(a0 + off);
        let av1 = load<T>(a1 + off);
        let xv0 = load<T>(x0 + off);
        let xv1 = load<T>(x1 + off);
        let xv2 = load<T>(x2 + off);
        let xv3 = load<T>(x3 + off);
        s00 += av0 * xv0; s01 += av0 * xv1; s02 += av0 * xv2; s03 += av0 * xv3;
        s10 += av1 * xv0; s11 += av1 * xv1; s12 += av1 * xv2; s13 += av1 * xv3;
      }
      let yo = y0 + (<usize>i << S);
      store<T>(yo, s00);
      store<T>(yo + outBytes, s01);
      store<T>(yo + 2 * outBytes, s02);
      store<T>(yo + 3 * outBytes, s03);
      store<T>(yo, s10, 1 << S);
      store<T>(yo + outBytes, s11, 1 << S);
      store<T>(yo + 2 * outBytes, s12, 1 << S);
      store<T>(yo + 3 * outBytes, s13, 1 << S);
    }
    if (i < m) {
      // last row when m is odd: 1 row x 4 trajectories
      let a0 = a + <usize>i * rowBytes;
      let c0 = v128.splat<T>(0), c1 = v128.splat<T>(0), c2 = v128.splat<T>(0), c3 = v128.splat<T>(0);
      let j = 0;
      for (; j < nv; j += L) {
        let off = <usize>j << S;
        let av = v128.load(a0 + off);
        c0 = __madd<T>(c0, av, v128.load(x0 + off));
        c1 = __madd<T>(c1, av, v128.load(x1 + off));
        c2 = __madd<T>(c2, av, v128.load(x2 + off));
        c3 = __madd<T>(c3, av, v128.load(x3 + off));
      }
      let s0 = __hsum<T>(c0), s1 = __hsum<T>(c1), s2 = __hsum<T>(c2), s3 = __hsum<T>(c3);
      for (; j < n; j++) {
        let off = <usize>j << S;
        let av = load<T>(a0 + off);
        s0 += av * load<T>(x0 + off);
        s1 += av * load<T>(x1 + off);
        s2 += av * load<T>(x2 + off);
        s3 += av * load<T>(x3 + off);
      }
      let yo = y0 + (<usize>i << S);
      store<T>(yo, s0);
      store<T>(yo + outBytes, s1);
      store<T>(yo + 2 * outBytes, s2);
      store<T>(yo + 3 * outBytes, s3);
    }
  }
  for (; b < k; b++) {
    __matvec<T>(m, n, a, x + <usize>b * rowBytes, y + <usize>b * outBytes);
  }
}

// Y[b] = L (d ⊙ (R^T V[b])) for b < k; R^T is stored (m x n), so both halves are matmat's dot products over
// contiguous rows; scratch z holds k x m values.
export function __lowrank<T>(n: i32, m: i32, k: i32, l: usize, d: usize, rt: usize, v: usize, z: usize, y: usize): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  __matmat<T>(m, n, k, rt, v, z);
  let mv = m & ~(L - 1);
  let mBytes = <usize>m << S;
  for (let b = 0; b < k; b++) {
    let zb = z + <usize>b * mBytes;
    let a = 0;
    for (; a < mv; a += L) {
      let off = <usize>a << S;
      v128.store(zb + off, v128.mul<T>(v128.load(zb + off), v128.load(d + off)));
    }
    for (; a < m; a++) {
      let off = <usize>a << S;
      store<T>(zb + off, load<T>(zb + off) * load<T>(d + off));
    }
  }
  __matmat<T>(n, m, k, l, z, y);
}

/** y = A x; A m x n row-major (float32). y must not alias A or x. */
export function matvec_f32(m: i32, n: i32, a: usize, x: usize, y: usize): void {
  __matvec<f32>(m, n, a, x, y);
}
/** float64 version of matvec_f32. */
export function matvec_f64(m: i32, n: i32, a: usize, x: usize, y: usize): void {
  __matvec<f64>(m, n, a, x, y);
}
/** Y[b] = A X[b] for k trajectories; X k x n, Y k x m (float32). Y must not alias A or X. */
export function matmat_f32(m: i32, n: i32, k: i32, a: usize, x: usize, y: usize): void {
  __matmat<f32>(m, n, k, a, x, y);
}
/** float64 version of matmat_f32. */
export function matmat_f64(m: i32, n: i32, k: i32, a: usize, x: usize, y: usize): void {
  __matmat<f64>(m, n, k, a, x, y);
}
/** Y[b] = L (d ⊙ (R^T V[b])) for k trajectories; L n x m, R^T m x n; V, Y k x n; scratch Z k x m (float32). */
export function lowrank_f32(n: i32, m: i32, k: i32, l: usize, d: usize, rt: usize, v: usize, z: usize, y: usize): void {
  __lowrank<f32>(n, m, k, l, d, rt, v, z, y);
}
/** float64 version of lowrank_f32. */
export function lowrank_f64(n: i32, m: i32, k: i32, l: usize, d: usize, rt: usize, v: usize, z: usize, y: usize): void {
  __lowrank<f64>(n, m, k, l, d, rt, v, z, y);
}
