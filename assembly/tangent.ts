// Tangent dynamics for Lyapunov spectra (CHAOS.md §1-2): one step of the state and an N x k frame together, and the
// frame's QR re-orthonormalisation.
//
//   state:   dx/dt = -x + J (G ⊙ phi(x)) + I
//   tangent: dQ/dt = -Q + J (D ⊙ Q),  D = G ⊙ phi'(x)   (each column of Q; J D is never formed)
//
// Layout: one (k + 1) x n block X, row 0 the state, rows 1..k the frame's vectors (trajectory-major, like k + 1
// trajectories). Both equations have the form f = -z + J p, so a stage is: p_0 = G ⊙ phi(x_0), D = G ⊙ phi'(x_0),
// p_b = D ⊙ x_b (b >= 1); then ONE batched product H = J P over the k + 1 rows (the matmat / low-rank kernels of
// matvec.ts, so J is streamed once per stage for the state and the whole frame); then the element-wise RK4 or Euler
// update of ode.ts (the input I on row 0 only).
//   RK4 (rk4 = 1): the four stages above on the joint system, D taken at each stage's state: the exact derivative of
//   the numerical RK4 map. Euler (rk4 = 0): Q <- (1 - dt) Q + dt J (D ⊙ Q), D at the old state: the Euler map's
//   Jacobian M = (1 - dt) I + dt J D.
// phi' comes from __dphi_v (1/cosh^2 for tanh, never 1 - tanh^2, which is exactly 0 for |x| > ~9 in float32).
//
// QR: classical Gram-Schmidt twice ("CGS2": project out the earlier vectors, then once more), the rows being the
// vectors, in float64 — as stable as Householder for a well-conditioned frame (Giraud, Langou et al. 2005), and each
// projection a contiguous dot product. log |R_jj| goes to logr[j]; a vector that vanishes gives -inf (the caller
// stops with an error).

import { __lanes, __shift, __hsum, __madd } from "./inline/simd";
import { __phi_gain, __dphi_v, __dphi_s } from "./phi";
import { __matmat, __lowrank } from "./matvec";
import { __euler_update, __rk4_combine } from "./ode";

// p_0 = G ⊙ phi(x_0); dd = G ⊙ phi'(x_0); p_b = dd ⊙ x_b for b = 1..k1-1, on columns [c0, c0 + cols) of rows of n
// (a team thread's own columns; c0 = 0, cols = n for all)
// @ts-ignore: decorator
@inline export function __tangent_p<T>(kind: i32, n: i32, c0: i32, cols: i32, k1: i32, x: usize, g: usize, p: usize,
                                       dd: usize): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  let nv = cols & ~(L - 1);
  let o = <usize>c0 << S;
  __phi_gain<T>(kind, cols, 1, x + o, g != 0 ? g + o : 0, p + o);
  let i = 0;
  for (; i < nv; i += L) {
    let off = o + (<usize>i << S);
    let v = __dphi_v<T>(kind, v128.load(x + off));
    v128.store(dd + off, g != 0 ? v128.mul<T>(v, v128.load(g + off)) : v);
  }
  for (; i < cols; i++) {
    let off = o + (<usize>i << S);
    let v = __dphi_s<T>(kind, load<T>(x + off));
    store<T>(dd + off, g != 0 ? v * load<T>(g + off) : v);
  }
  for (let b = 1; b < k1; b++) {
    let base = ((<usize>b * <usize>n) << S) + o;
    let j = 0;
    for (; j < nv; j += L) {
      let off = <usize>j << S;
      v128.store(p + base + off, v128.mul<T>(v128.load(dd + o + off), v128.load(x + base + off)));
    }
    for (; j < cols; j++) {
      let off = <usize>j << S;
      store<T>(p + base + off, load<T>(dd + o + off) * load<T>(x + base + off));
    }
  }
}

// @ts-ignore: decorator
@inline function __tangent_step<T>(rk4: bool, lowrank: bool, n: i32, m: i32, k1: i32, kind: i32, dt: T, j: usize, d: usize,
                                   rt: usize, x: usize, g: usize, inp: usize, p: usize, h: usize, xs: usize, acc: usize,
                                   z: usize, dd: usize): void {
  const S = __shift<T>();
  let row = <usize>n << S;
  if (!rk4) {
    __tangent_p<T>(kind, n, 0, n, k1, x, g, p, dd);
    if (lowrank) __lowrank<T>(n, m, k1, j, d, rt, p, z, h);
    else __matmat<T>(n, n, k1, j, p, h);
    __euler_update<T>(n, 1, dt, x, h, inp);
    if (k1 > 1) __euler_update<T>(n, k1 - 1, dt, x + row, h + row, 0);
    return;
  }
  for (let s = 0; s < 4; s++) {
    let xin = s == 0 ? x : xs;
    __tangent_p<T>(kind, n, 0, n, k1, xin, g, p, dd);
    if (lowrank) __lowrank<T>(n, m, k1, j, d, rt, p, z, h);
    else __matmat<T>(n, n, k1, j, p, h);
    __rk4_combine<T>(s, n, 1, dt, x, xin, h, inp, acc, xs);
    if (k1 > 1) __rk4_combine<T>(s, n, k1 - 1, dt, x + row, xin + row, h + row, 0, acc + row, xs + row);
  }
}

/** One RK4 (rk4 = 1) or Euler (0) step of the state (row 0 of x) and k1 - 1 tangent vectors (rows 1..), dense J
 *  (lowrank = 0: j is J, n x n) or J = L diag(d) R^T (lowrank = 1: j is L, n x m; rt is R^T, m x n), float32.
 *  g, inp: 0 for none. Scratch p, h, xs, acc: k1 x n; z: k1 x m (low-rank); dd: n. */
export function tangent_step_f32(rk4: i32, lowrank: i32, n: i32, m: i32, k1: i32, kind: i32, dt: f32, j: usize, d: usize,
                                 rt: usize, x: usize, g: usize, inp: usize, p: usize, h: usize, xs: usize, acc: usize,
                                 z: usize, dd: usize): void {
  if (lowrank) {
    if (rk4) __tangent_step<f32>(true, true, n, m, k1, kind, dt, j, d, rt, x, g, inp, p, h, xs, acc, z, dd);
    else __tangent_step<f32>(false, true, n, m, k1, kind, dt, j, d, rt, x, g, inp, p, h, xs, acc, z, dd);
  } else {
    if (rk4) __tangent_step<f32>(true, false, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p, h, xs, acc, 0, dd);
    else __tangent_step<f32>(false, false, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p, h, xs, acc, 0, dd);
  }
}
/** float64 version of tangent_step_f32. */
export function tangent_step_f64(rk4: i32, lowrank: i32, n: i32, m: i32, k1: i32, kind: i32, dt: f64, j: usize, d: usize,
                                 rt: usize, x: usize, g: usize, inp: usize, p: usize, h: usize, xs: usize, acc: usize,
                                 z: usize, dd: usize): void {
  if (lowrank) {
    if (rk4) __tangent_step<f64>(true, true, n, m, k1, kind, dt, j, d, rt, x, g, inp, p, h, xs, acc, z, dd);
    else __tangent_step<f64>(false, true, n, m, k1, kind, dt, j, d, rt, x, g, inp, p, h, xs, acc, z, dd);
  } else {
    if (rk4) __tangent_step<f64>(true, false, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p, h, xs, acc, 0, dd);
    else __tangent_step<f64>(false, false, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p, h, xs, acc, 0, dd);
  }
}

// sum_i a_i b_i over n float64 values (two accumulators, then the scalar tail)
// @ts-ignore: decorator
@inline function __dot64(n: i32, a: usize, b: usize): f64 {
  let nv = n & ~3;
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
  let i = 0;
  for (; i < nv; i += 4) {
    let off = <usize>i << 3;
    c0 = __madd<f64>(c0, v128.load(a + off), v128.load(b + off));
    c1 = __madd<f64>(c1, v128.load(a + off, 16), v128.load(b + off, 16));
  }
  let s = __hsum<f64>(f64x2.add(c0, c1));
  for (; i < n; i++) s += load<f64>(a + (<usize>i << 3)) * load<f64>(b + (<usize>i << 3));
  return s;
}

// a -= r b over n float64 values
// @ts-ignore: decorator
@inline function __axpy64(n: i32, r: f64, b: usize, a: usize): void {
  let nv = n & ~1;
  let vr = f64x2.splat(-r);
  let i = 0;
  for (; i < nv; i += 2) {
    let off = <usize>i << 3;
    v128.store(a + off, __madd<f64>(v128.load(a + off), vr, v128.load(b + off)));
  }
  for (; i < n; i++) store<f64>(a + (<usize>i << 3), load<f64>(a + (<usize>i << 3)) - r * load<f64>(b + (<usize>i << 3)));
}

// v_b -= sum_i r[b, i] q_i for the B rows v_b (b < B) against the j0 rows q_i: 4 rows of v per load of q_i
// @ts-ignore: decorator
@inline function __subtract_projections(n: i32, j0: i32, B: i32, q: usize, v: usize, r: usize): void {
  let row = <usize>n << 3;
  let nv = n & ~1;
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    let v0 = v + <usize>b * row, v1 = v0 + row, v2 = v1 + row, v3 = v2 + row;
    let r0 = r + ((<usize>b * <usize>j0) << 3);
    let r1 = r0 + (<usize>j0 << 3), r2 = r1 + (<usize>j0 << 3), r3 = r2 + (<usize>j0 << 3);
    for (let i = 0; i < j0; i++) {
      let qi = q + <usize>i * row;
      let io = <usize>i << 3;
      let c0 = f64x2.splat(-load<f64>(r0 + io)), c1 = f64x2.splat(-load<f64>(r1 + io));
      let c2 = f64x2.splat(-load<f64>(r2 + io)), c3 = f64x2.splat(-load<f64>(r3 + io));
      let t = 0;
      for (; t < nv; t += 2) {
        let off = <usize>t << 3;
        let qv = v128.load(qi + off);
        v128.store(v0 + off, __madd<f64>(v128.load(v0 + off), c0, qv));
        v128.store(v1 + off, __madd<f64>(v128.load(v1 + off), c1, qv));
        v128.store(v2 + off, __madd<f64>(v128.load(v2 + off), c2, qv));
        v128.store(v3 + off, __madd<f64>(v128.load(v3 + off), c3, qv));
      }
      for (; t < n; t++) {
        let off = <usize>t << 3;
        let qs = load<f64>(qi + off);
        store<f64>(v0 + off, load<f64>(v0 + off) - load<f64>(r0 + io) * qs);
        store<f64>(v1 + off, load<f64>(v1 + off) - load<f64>(r1 + io) * qs);
        store<f64>(v2 + off, load<f64>(v2 + off) - load<f64>(r2 + io) * qs);
        store<f64>(v3 + off, load<f64>(v3 + off) - load<f64>(r3 + io) * qs);
      }
    }
  }
  for (; b < B; b++) {
    let vb = v + <usize>b * row;
    let rb = r + ((<usize>b * <usize>j0) << 3);
    for (let i = 0; i < j0; i++) __axpy64(n, load<f64>(rb + (<usize>i << 3)), q + <usize>i * row, vb);
  }
}

/** The Gram-Schmidt block: vectors are orthogonalised against all earlier ones in blocks of GS_BLOCK (two passes of
 *  one matmat for the projections and one fused update), then among themselves one by one. */
const GS_BLOCK = 16;

/** Orthonormalise the k rows of q (k x n, float64) in place by block CGS2; logr[j] = log |R_jj|. Scratch r:
 *  k x 16 values. */
export function gram_schmidt_f64(n: i32, k: i32, q: usize, r: usize, logr: usize): void {
  let row = <usize>n << 3;
  for (let j0 = 0; j0 < k; j0 += GS_BLOCK) {
    let B = min(GS_BLOCK, k - j0);
    let v = q + <usize>j0 * row;
    if (j0 > 0) {
      for (let pass = 0; pass < 2; pass++) {
        // r[b, i] = q_i . v_b (i < j0), then v_b -= sum_i r[b, i] q_i
        __matmat<f64>(j0, n, B, q, v, r);
        __subtract_projections(n, j0, B, q, v, r);
      }
    }
    for (let jb = 0; jb < B; jb++) {
      let j = j0 + jb;
      let qj = q + <usize>j * row;
      for (let pass = 0; pass < 2; pass++) {
        for (let i = j0; i < j; i++) store<f64>(r + (<usize>(i - j0) << 3), __dot64(n, q + <usize>i * row, qj));
        for (let i = j0; i < j; i++) __axpy64(n, load<f64>(r + (<usize>(i - j0) << 3)), q + <usize>i * row, qj);
      }
      let norm = Math.sqrt(__dot64(n, qj, qj));
      store<f64>(logr + (<usize>j << 3), Math.log(norm));
      let inv = 1.0 / norm;
      let vi = f64x2.splat(inv);
      let nv = n & ~1;
      let i = 0;
      for (; i < nv; i += 2) v128.store(qj + (<usize>i << 3), f64x2.mul(v128.load(qj + (<usize>i << 3)), vi));
      for (; i < n; i++) store<f64>(qj + (<usize>i << 3), load<f64>(qj + (<usize>i << 3)) * inv);
    }
  }
}
