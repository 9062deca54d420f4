// The self-coupled single site of the sampling DMFT (THEORY §3.2, §3.5; PRX (47)-(49), (H16)):
//
//   (1 + d/dt) x(t) = eta(t) + int_0^inf R(u) phi(x(t - u)) du,
//
// for p independent paths at once (time-major layout: row t holds the p paths at time t h, so the SIMD
// lanes run over paths and every step is elementwise). eta is given on the grid; the causal convolution is
// the trapezoid rule with weights w_k = h R(k h) (w_0 = h R(0+) / 2, the caller folds both in), history
// before t = 0 counts as phi = 0. Heun's method (explicit trapezoid, O(h^2)): with F_t = sum_k w_k phi_{t-k},
//
//   f_t = -x_t + eta_t + F_t,   x~ = x_t + h f_t,
//   G   = sum_{k>=1} w_k phi_{t+1-k}   (known: phi up to t),   f~ = -x~ + eta_{t+1} + G + w_0 phi(x~),
//   x_{t+1} = x_t + (h/2)(f_t + f~),    F_{t+1} = G + w_0 phi(x_{t+1}),
//
// so each step costs one pass over the kernel (klen taps x p paths) — the whole cost of the sampler.
// Paths go in blocks of 8 (four f64x2 accumulators, one 64-byte cache line of a history row per tap), then
// pairs, then a scalar tail. Unchecked: xs, ph, eta are (steps + 1) x p; row 0 of xs holds x_0 on entry;
// ph receives phi(x) for every row; gs is scratch (p values, the pending G of each path).

import { __splat, __madd } from "./inline/simd";
import { __phi_v, __phi_s } from "./phi";

// @ts-ignore: decorator
@inline function __conv2(klen: i32, t1: i32, p: i32, i: i32, w: usize, ph: usize): v128 {
  // sum_{k=1}^{min(klen-1, t1)} w_k phi_{t1-k}, lanes i, i+1
  let a = f64x2.splat(0);
  let kmax = min(klen - 1, t1);
  for (let k = 1; k <= kmax; k++) {
    a = __madd<f64>(a, f64x2.splat(load<f64>(w + (<usize>k << 3))), v128.load(ph + ((<usize>(t1 - k) * <usize>p + <usize>i) << 3)));
  }
  return a;
}

// @ts-ignore: decorator
@inline function __heun2(kind: i32, h: f64, w0: f64, x: v128, e0: v128, e1: v128, phx: v128, gOld: v128, g: v128): v128 {
  let hv = f64x2.splat(h), w0v = f64x2.splat(w0);
  let f0 = v128.add<f64>(v128.sub<f64>(e0, x), __madd<f64>(gOld, w0v, phx));
  let xt = __madd<f64>(x, hv, f0);
  let f1 = v128.add<f64>(v128.sub<f64>(e1, xt), __madd<f64>(g, w0v, __phi_v<f64>(kind, xt)));
  return __madd<f64>(x, f64x2.splat(0.5 * h), v128.add<f64>(f0, f1));
}

/** Integrate p self-coupled single-site paths for `steps` Heun steps of size h (see the header). */
export function self_site_f64(p: i32, steps: i32, klen: i32, kind: i32, h: f64, eta: usize, w: usize, xs: usize, ph: usize, gs: usize): void {
  let w0 = klen > 0 ? load<f64>(w) : 0.0;
  let rowBytes = <usize>p << 3;
  // row 0: phi(x_0), no history yet
  for (let i = 0; i < p; i++) {
    store<f64>(ph + (<usize>i << 3), __phi_s<f64>(kind, load<f64>(xs + (<usize>i << 3))));
    store<f64>(gs + (<usize>i << 3), 0.0);
  }
  for (let t = 0; t < steps; t++) {
    let r0 = <usize>t * rowBytes, r1 = r0 + rowBytes;
    let i = 0;
    // blocks of 8 paths: the convolution with four accumulators
    for (; i + 8 <= p; i += 8) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let kmax = min(klen - 1, t + 1);
      for (let k = 1; k <= kmax; k++) {
        let wk = f64x2.splat(load<f64>(w + (<usize>k << 3)));
        let row = ph + ((<usize>(t + 1 - k) * <usize>p + <usize>i) << 3);
        a0 = __madd<f64>(a0, wk, v128.load(row));
        a1 = __madd<f64>(a1, wk, v128.load(row, 16));
        a2 = __madd<f64>(a2, wk, v128.load(row, 32));
        a3 = __madd<f64>(a3, wk, v128.load(row, 48));
      }
      for (let j = 0; j < 4; j++) {
        let o = (<usize>(i + 2 * j)) << 3;
        let g = j == 0 ? a0 : j == 1 ? a1 : j == 2 ? a2 : a3;
        let xn = __heun2(kind, h, w0, v128.load(xs + r0 + o), v128.load(eta + r0 + o), v128.load(eta + r1 + o), v128.load(ph + r0 + o), v128.load(gs + o), g);
        v128.store(xs + r1 + o, xn);
        v128.store(ph + r1 + o, __phi_v<f64>(kind, xn));
        v128.store(gs + o, g);
      }
    }
    // pairs
    for (; i + 2 <= p; i += 2) {
      let o = <usize>i << 3;
      let g = __conv2(klen, t + 1, p, i, w, ph);
      let xn = __heun2(kind, h, w0, v128.load(xs + r0 + o), v128.load(eta + r0 + o), v128.load(eta + r1 + o), v128.load(ph + r0 + o), v128.load(gs + o), g);
      v128.store(xs + r1 + o, xn);
      v128.store(ph + r1 + o, __phi_v<f64>(kind, xn));
      v128.store(gs + o, g);
    }
    // scalar tail: the same lane code on a splat, so a tail path matches what it would get in a block
    for (; i < p; i++) {
      let o = <usize>i << 3;
      let g = 0.0;
      let kmax = min(klen - 1, t + 1);
      for (let k = 1; k <= kmax; k++) g += load<f64>(w + (<usize>k << 3)) * load<f64>(ph + ((<usize>(t + 1 - k) * <usize>p + <usize>i) << 3));
      let xn = f64x2.extract_lane(__heun2(kind, h, w0, f64x2.splat(load<f64>(xs + r0 + o)), f64x2.splat(load<f64>(eta + r0 + o)),
        f64x2.splat(load<f64>(eta + r1 + o)), f64x2.splat(load<f64>(ph + r0 + o)), f64x2.splat(load<f64>(gs + o)), f64x2.splat(g)), 0);
      store<f64>(xs + r1 + o, xn);
      store<f64>(ph + r1 + o, __phi_s<f64>(kind, xn));
      store<f64>(gs + o, g);
    }
  }
}
