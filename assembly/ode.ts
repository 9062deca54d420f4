// Fused integration steps for dx/dt = f(x) = -x + J (G ⊙ phi(x)) + I, for k trajectories at once.
//
//   Euler:  x <- x + dt f(x)
//   RK4:    k1 = f(x), k2 = f(x + dt/2 k1), k3 = f(x + dt/2 k2), k4 = f(x + dt k3)
//           x <- x + dt (k1/6 + k2/3 + k3/3 + k4/6)          (classical tableau, RK4_NODE / RK4_WEIGHT)
//
// J is dense (n x n row-major) or low-rank J = L diag(d) R^T (L n x m, R stored
// transposed, m x n; O(n m) per product). G (gains, n
// values) and I (constant input, n values, shared by all trajectories) are optional: pointer 0 means G = 1,
// I = 0. The state x holds k trajectories of n values each (trajectory-major) and is updated in place.
// Scratch (all k x n unless noted): p = G ⊙ phi(state), h = J p, and for RK4 xs (stage state) and acc (the
// weighted sum of stages); the low-rank path also needs z (k x m). Scratch must not alias x or each other.
// Each stage is one phi pass, one (batched) coupling product and one fused element-wise pass.

import { __lanes, __shift, __splat, __madd } from "./inline/simd";
import { __phi_gain } from "./phi";
import { __matmat, __lowrank } from "./matvec";

// c_2..c_4 (the stage nodes) and b_1..b_4 (the weights) of the classical RK4 tableau
const RK4_NODE: StaticArray<f64> = [0.5, 0.5, 1.0];
const RK4_WEIGHT: StaticArray<f64> = [1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0];

// h = J p for the dense (lowrank = false) or factored coupling
// @ts-ignore: decorator
@inline function __coupling<T>(lowrank: bool, n: i32, m: i32, k: i32, j: usize, d: usize, rt: usize, p: usize, z: usize, h: usize): void {
  if (lowrank) __lowrank<T>(n, m, k, j, d, rt, p, z, h);
  else __matmat<T>(n, n, k, j, p, h);
}

// f = -xin + h + I for one element vector
// @ts-ignore: decorator
@inline function __rhs_v<T>(xin: v128, h: v128, inp: usize, off: usize): v128 {
  let f = v128.sub<T>(h, xin);
  return inp != 0 ? v128.add<T>(f, v128.load(inp + off)) : f;
}
// @ts-ignore: decorator
@inline function __rhs_s<T>(xin: T, h: T, inp: usize, off: usize): T {
  let f = h - xin;
  return inp != 0 ? f + load<T>(inp + off) : f;
}

// x <- x + dt (-x + h + I)
// @ts-ignore: decorator
@inline export function __euler_update<T>(n: i32, k: i32, dt: T, x: usize, h: usize, inp: usize): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  let nv = n & ~(L - 1);
  let vdt = v128.splat<T>(dt);
  for (let b = 0; b < k; b++) {
    let base = (<usize>b * <usize>n) << S;
    let i = 0;
    for (; i < nv; i += L) {
      let off = <usize>i << S;
      let xv = v128.load(x + base + off);
      let f = __rhs_v<T>(xv, v128.load(h + base + off), inp, off);
      v128.store(x + base + off, __madd<T>(xv, vdt, f));
    }
    for (; i < n; i++) {
      let off = <usize>i << S;
      let xv = load<T>(x + base + off);
      store<T>(x + base + off, xv + dt * __rhs_s<T>(xv, load<T>(h + base + off), inp, off));
    }
  }
}

// One RK4 stage's element-wise work (stage s in 0..3; xin = x for s = 0, xs otherwise):
//   f = -xin + h + I;  acc = (s == 0 ? 0 : acc) + b_s f;
//   s < 3: xs = x + c_{s+1} dt f;   s == 3: x = x + dt (acc + b_4 f)
// @ts-ignore: decorator
@inline export function __rk4_combine<T>(stage: i32, n: i32, k: i32, dt: T, x: usize, xin: usize, h: usize, inp: usize, acc: usize, xs: usize): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  let nv = n & ~(L - 1);
  let w = <T>unchecked(RK4_WEIGHT[stage]);
  let c = stage < 3 ? <T>unchecked(RK4_NODE[stage]) * dt : <T>0;
  let vw = v128.splat<T>(w);
  let vc = v128.splat<T>(c);
  let vdt = v128.splat<T>(dt);
  for (let b = 0; b < k; b++) {
    let base = (<usize>b * <usize>n) << S;
    let i = 0;
    for (; i < nv; i += L) {
      let off = <usize>i << S;
      let at = base + off;
      let f = __rhs_v<T>(v128.load(xin + at), v128.load(h + at), inp, off);
      if (stage == 0) {
        v128.store(acc + at, v128.mul<T>(vw, f));
        v128.store(xs + at, __madd<T>(v128.load(x + at), vc, f));
      } else if (stage < 3) {
        v128.store(acc + at, __madd<T>(v128.load(acc + at), vw, f));
        v128.store(xs + at, __madd<T>(v128.load(x + at), vc, f));
      } else {
        let total = __madd<T>(v128.load(acc + at), vw, f);
        v128.store(x + at, __madd<T>(v128.load(x + at), vdt, total));
      }
    }
    for (; i < n; i++) {
      let off = <usize>i << S;
      let at = base + off;
      let f = __rhs_s<T>(load<T>(xin + at), load<T>(h + at), inp, off);
      if (stage == 0) {
        store<T>(acc + at, w * f);
        store<T>(xs + at, load<T>(x + at) + c * f);
      } else if (stage < 3) {
        store<T>(acc + at, load<T>(acc + at) + w * f);
        store<T>(xs + at, load<T>(x + at) + c * f);
      } else {
        store<T>(x + at, load<T>(x + at) + dt * (load<T>(acc + at) + w * f));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function __euler<T>(lowrank: bool, n: i32, m: i32, k: i32, kind: i32, dt: T, j: usize, d: usize, rt: usize,
                            x: usize, g: usize, inp: usize, p: usize, h: usize, z: usize): void {
  __phi_gain<T>(kind, n, k, x, g, p);
  __coupling<T>(lowrank, n, m, k, j, d, rt, p, z, h);
  __euler_update<T>(n, k, dt, x, h, inp);
}

// @ts-ignore: decorator
@inline function __rk4<T>(lowrank: bool, n: i32, m: i32, k: i32, kind: i32, dt: T, j: usize, d: usize, rt: usize,
                          x: usize, g: usize, inp: usize, p: usize, h: usize, xs: usize, acc: usize, z: usize): void {
  for (let s = 0; s < 4; s++) {
    let xin = s == 0 ? x : xs;
    __phi_gain<T>(kind, n, k, xin, g, p);
    __coupling<T>(lowrank, n, m, k, j, d, rt, p, z, h);
    __rk4_combine<T>(s, n, k, dt, x, xin, h, inp, acc, xs);
  }
}

/** One Euler step, dense J (n x n), k trajectories in x (k x n), float32. g, inp: 0 for none. Scratch p, h: k x n. */
export function euler_dense_f32(n: i32, k: i32, kind: i32, dt: f32, j: usize, x: usize, g: usize, inp: usize, p: usize, h: usize): void {
  __euler<f32>(false, n, 0, k, kind, dt, j, 0, 0, x, g, inp, p, h, 0);
}
/** float64 version of euler_dense_f32. */
export function euler_dense_f64(n: i32, k: i32, kind: i32, dt: f64, j: usize, x: usize, g: usize, inp: usize, p: usize, h: usize): void {
  __euler<f64>(false, n, 0, k, kind, dt, j, 0, 0, x, g, inp, p, h, 0);
}
/** One Euler step, J = L diag(d) R^T (L n x m, R^T given as rt: m x n), float32. Scratch p, h: k x n; z: k x m. */
export function euler_lowrank_f32(n: i32, m: i32, k: i32, kind: i32, dt: f32, l: usize, d: usize, rt: usize,
                                  x: usize, g: usize, inp: usize, p: usize, h: usize, z: usize): void {
  __euler<f32>(true, n, m, k, kind, dt, l, d, rt, x, g, inp, p, h, z);
}
/** float64 version of euler_lowrank_f32. */
export function euler_lowrank_f64(n: i32, m: i32, k: i32, kind: i32, dt: f64, l: usize, d: usize, rt: usize,
                                  x: usize, g: usize, inp: usize, p: usize, h: usize, z: usize): void {
  __euler<f64>(true, n, m, k, kind, dt, l, d, rt, x, g, inp, p, h, z);
}
/** One RK4 step (four stages), dense J, float32. Scratch p, h, xs, acc: k x n each. */
export function rk4_dense_f32(n: i32, k: i32, kind: i32, dt: f32, j: usize, x: usize, g: usize, inp: usize,
                              p: usize, h: usize, xs: usize, acc: usize): void {
  __rk4<f32>(false, n, 0, k, kind, dt, j, 0, 0, x, g, inp, p, h, xs, acc, 0);
}
/** float64 version of rk4_dense_f32. */
export function rk4_dense_f64(n: i32, k: i32, kind: i32, dt: f64, j: usize, x: usize, g: usize, inp: usize,
                              p: usize, h: usize, xs: usize, acc: usize): void {
  __rk4<f64>(false, n, 0, k, kind, dt, j, 0, 0, x, g, inp, p, h, xs, acc, 0);
}
/** One RK4 step, J = L diag(d) R^T, float32. Scratch p, h, xs, acc: k x n; z: k x m. */
export function rk4_lowrank_f32(n: i32, m: i32, k: i32, kind: i32, dt: f32, l: usize, d: usize, rt: usize, x: usize, g: usize,
                                inp: usize, p: usize, h: usize, xs: usize, acc: usize, z: usize): void {
  __rk4<f32>(true, n, m, k, kind, dt, l, d, rt, x, g, inp, p, h, xs, acc, z);
}
/** float64 version of rk4_lowrank_f32. */
export function rk4_lowrank_f64(n: i32, m: i32, k: i32, kind: i32, dt: f64, l: usize, d: usize, rt: usize, x: usize, g: usize,
                                inp: usize, p: usize, h: usize, xs: usize, acc: usize, z: usize): void {
  __rk4<f64>(true, n, m, k, kind, dt, l, d, rt, x, g, inp, p, h, xs, acc, z);
}
