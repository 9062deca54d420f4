// The frequency double sums of the dimension theory (THEORY §4.3-4.4; src/theory/dimension.ts): on a periodic
// grid of m frequencies w_b with spectra C^phi_b, C^x_b and xb_b = 1 + w_b^2 (= |1 + i w_b|^2), for rows a in
// [a0, a1) and every column b,
//
//   inv = 1 / |X - nu|^2 = 1 / ((1 - w_a w_b - nu)^2 + (w_a + w_b)^2),   X2 = |X|^2 = xb_a xb_b,
//   rows[0 m + a] = sum_b C^phi_b inv X2            rows[1 m + a] = sum_b C^phi_b inv
//   rows[2 m + a] = sum_b C^x_b inv (2 X2 - nu^2)    rows[3 m + a] = sum_b C^x_b inv X2
//   anti[j] += sa_a C^phi_b inv X2,  anti[m + j] += sa_a C^phi_b inv,   j = (a + b) mod m
//
// (row sums give PR_iid, K and Psi(tau, 0); the anti-diagonal sums Psi(tau, tau)). One division per term
// (the reciprocal, then products). Columns run in two contiguous segments so that the anti-diagonal index
// needs no modulo: b < m - a writes anti[a + b], b >= m - a writes anti[a + b - m]. f64x2 main loop, scalar
// tail. Unchecked; rows (4 m) is overwritten for rows a0..a1-1, anti (2 m) is accumulated.

import { __hsum } from "./inline/simd";

// @ts-ignore: decorator
@inline function __segment(b0: i32, b1: i32, j0: i32, m: i32, nu: f64, wa: f64, xa: f64, s: f64, w: usize, cp: usize, cx: usize, xb: usize, anti: usize, acc: usize): void {
  // acc: 4 f64x2 partial sums (sp, sdp, sx, sdx) in memory, carried between the two segments
  let sp = v128.load(acc), sdp = v128.load(acc, 16), sx = v128.load(acc, 32), sdx = v128.load(acc, 48);
  let one = f64x2.splat(1.0 - nu), wav = f64x2.splat(wa), xav = f64x2.splat(xa), sv = f64x2.splat(s), nu2 = f64x2.splat(nu * nu);
  let two = f64x2.splat(2.0);
  let b = b0;
  let antiB = anti + (<usize>m << 3);
  for (; b + 2 <= b1; b += 2) {
    let o = <usize>b << 3, oj = <usize>(b + j0) << 3;
    let wb = v128.load(w + o);
    let re = f64x2.sub(one, f64x2.mul(wav, wb)), im = f64x2.add(wav, wb);
    let inv = f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.mul(re, re), f64x2.mul(im, im)));
    let x2 = f64x2.mul(xav, v128.load(xb + o));
    let p = f64x2.mul(v128.load(cp + o), inv), q = f64x2.mul(v128.load(cx + o), inv);
    let px2 = f64x2.mul(p, x2);
    sp = f64x2.add(sp, px2);
    sdp = f64x2.add(sdp, p);
    sx = f64x2.add(sx, f64x2.mul(q, f64x2.sub(f64x2.mul(two, x2), nu2)));
    sdx = f64x2.add(sdx, f64x2.mul(q, x2));
    v128.store(anti + oj, f64x2.add(v128.load(anti + oj), f64x2.mul(sv, px2)));
    v128.store(antiB + oj, f64x2.add(v128.load(antiB + oj), f64x2.mul(sv, p)));
  }
  let tp = 0.0, tdp = 0.0, tx = 0.0, tdx = 0.0;
  for (; b < b1; b++) {
    let o = <usize>b << 3, oj = <usize>(b + j0) << 3;
    let wb = load<f64>(w + o);
    let re = 1.0 - nu - wa * wb, im = wa + wb;
    let inv = 1.0 / (re * re + im * im);
    let x2 = xa * load<f64>(xb + o);
    let p = load<f64>(cp + o) * inv, q = load<f64>(cx + o) * inv;
    tp += p * x2;
    tdp += p;
    tx += q * (2.0 * x2 - nu * nu);
    tdx += q * x2;
    store<f64>(anti + oj, load<f64>(anti + oj) + s * p * x2);
    store<f64>(antiB + oj, load<f64>(antiB + oj) + s * p);
  }
  v128.store(acc, f64x2.add(sp, f64x2.replace_lane(f64x2.splat(0.0), 0, tp)));
  v128.store(acc, f64x2.add(sdp, f64x2.replace_lane(f64x2.splat(0.0), 0, tdp)), 16);
  v128.store(acc, f64x2.add(sx, f64x2.replace_lane(f64x2.splat(0.0), 0, tx)), 32);
  v128.store(acc, f64x2.add(sdx, f64x2.replace_lane(f64x2.splat(0.0), 0, tdx)), 48);
}

// 64 bytes of scratch for the segment accumulators (static data: the kernel allocates nothing)
const ACC = memory.data(64, 16);

/** The frequency double sums over rows a0 <= a < a1 (see the header). */
export function psi_sums_f64(m: i32, a0: i32, a1: i32, nu: f64, w: usize, cp: usize, cx: usize, xb: usize, sa: usize, rows: usize, anti: usize): void {
  for (let a = a0; a < a1; a++) {
    let oa = <usize>a << 3;
    let wa = load<f64>(w + oa), xa = load<f64>(xb + oa), s = load<f64>(sa + oa);
    memory.fill(ACC, 0, 64);
    __segment(0, m - a, a, m, nu, wa, xa, s, w, cp, cx, xb, anti, ACC);
    __segment(m - a, m, a - m, m, nu, wa, xa, s, w, cp, cx, xb, anti, ACC);
    store<f64>(rows + oa, __hsum<f64>(v128.load(ACC)));
    store<f64>(rows + oa + (<usize>m << 3), __hsum<f64>(v128.load(ACC, 16)));
    store<f64>(rows + oa + (<usize>(2 * m) << 3), __hsum<f64>(v128.load(ACC, 32)));
    store<f64>(rows + oa + (<usize>(3 * m) << 3), __hsum<f64>(v128.load(ACC, 48)));
  }
}
