// Nonlinearities phi and their derivatives phi', lane-wise, with optional per-neuron gains.
//
//   kind 0 (PHI_TANH): phi(x) = tanh(x),              phi'(x) = 1 / cosh^2(x)
//   kind 1 (PHI_ERF):  phi(x) = erf(sqrt(pi) x / 2),  phi'(x) = exp(-pi x^2 / 4)
//
// tanh: with E = exp(-2|x|) in (0, 1], tanh|x| = (1 - E) / (1 + E) and sech^2 x = 4E / (1 + E)^2. Both are
// exact identities; the second never computes 1 - tanh^2 (which rounds to exactly 0 for |x| > 9.01 in f32
// and 19.1 in f64) and stays positive in the tails. Below |x| = 1/8 tanh uses its Taylor series instead, so
// small arguments keep full relative accuracy (phi'(0) = 1 exactly, which the fixed point x = 0 relies on).
// erf (z = |y| >= 0): erfc(z) = t exp(-z^2 + g(s)), t = 2/(2+z), s = 2.5 t - 1.5, with g a Chebyshev series
// whose coefficients come from scripts/fit-erf.py (degree 20 for f64, fit error 2.3e-15; degree 9 for f32,
// 3.3e-8); z is clamped to 8 where erfc < 1e-29. erf = sign(y) (1 - erfc), and its Maclaurin series below
// |y| = 1/4. Chebyshev series are evaluated by Clenshaw's recurrence (stable, unlike monomials).
// NaN in gives NaN out: every clamp is a WebAssembly min/max (NaN-propagating), and the sign is restored by
// OR-ing the sign bit into a magnitude, which leaves a NaN a NaN.
//
// Layout: x, out are k consecutive blocks of n values (k trajectories, trajectory-major); gains g has n
// values (pointer 0 = all gains 1) and multiplies phi (not phi'). out may alias x.

import { __lanes, __shift, __splat, __madd, __exp } from "./inline/simd";

export const PHI_TANH: i32 = 0;
export const PHI_ERF: i32 = 1;

// see: scripts/fit-erf.py (ERF_CHEB_F64 / ERF_CHEB_F32)
const ERF_CHEB_F64: StaticArray<f64> = [
  -0.5303140494794477, 0.530602034157949, 0.005376324170959536, -0.0057293598846432465,
  -7.488356253398967e-05, 0.00014886785395957684, -4.924624813072196e-06, -4.6371747860836395e-06,
  5.361054031331186e-07, 1.2574063491655636e-07, -3.324980914669141e-08, -1.3910107241904718e-09,
  1.4990817572635518e-09, -1.2726032510804089e-10, -4.4682443686426993e-11, 1.1156748001310736e-11,
  2.5872467990458716e-13, -4.827205074810853e-13, 5.997602727983817e-14, 9.811845079842135e-15,
  -4.271000657299246e-15,
];
const ERF_CHEB_F32: StaticArray<f64> = [
  -0.5303140494794445, 0.5306020341579394, 0.00537632417089887, -0.005729359884159786,
  -7.488356279448753e-05, 0.00014886784280424166, -4.924580132628373e-06, -4.637047524313372e-06,
  5.346063212006507e-07, 1.2713164544953345e-07,
];

const SQRT_PI_OVER_2: f64 = 0.88622692545275801365; // sqrt(pi) / 2
const PI_OVER_4: f64 = 0.78539816339744830962;

// @ts-ignore: decorator
@inline function __signmask<T>(): v128 {
  return sizeof<T>() == 8 ? i64x2.splat(0x8000000000000000) : i32x4.splat(0x80000000);
}

// tanh x = x (1 + x^2 P(x^2)) for |x| < 1/8: Taylor series to x^15 (next term < 5e-18 relative), so that
// small arguments keep full relative accuracy ((1 - E)/(1 + E) loses it to cancellation as x -> 0).
// @ts-ignore: decorator
@inline function __tanh_small<T>(x: v128): v128 {
  let x2 = v128.mul<T>(x, x);
  let p = __splat<T>(-929569.0 / 638512875.0);
  p = __madd<T>(__splat<T>(21844.0 / 6081075.0), p, x2);
  p = __madd<T>(__splat<T>(-1382.0 / 155925.0), p, x2);
  p = __madd<T>(__splat<T>(62.0 / 2835.0), p, x2);
  p = __madd<T>(__splat<T>(-17.0 / 315.0), p, x2);
  p = __madd<T>(__splat<T>(2.0 / 15.0), p, x2);
  p = __madd<T>(__splat<T>(-1.0 / 3.0), p, x2);
  return __madd<T>(x, v128.mul<T>(x, x2), p);
}

// @ts-ignore: decorator
@inline export function __tanh_v<T>(x: v128): v128 {
  let sign = v128.and(x, __signmask<T>());
  let a = v128.abs<T>(x);
  let e = __exp<T>(v128.mul<T>(a, __splat<T>(-2.0)));
  let one = __splat<T>(1.0);
  let th = v128.or(v128.div<T>(v128.sub<T>(one, e), v128.add<T>(one, e)), sign);
  return v128.bitselect(__tanh_small<T>(x), th, v128.lt<T>(a, __splat<T>(0.125)));
}

// @ts-ignore: decorator
@inline export function __sech2_v<T>(x: v128): v128 {
  let e = __exp<T>(v128.mul<T>(v128.abs<T>(x), __splat<T>(-2.0)));
  let d = v128.add<T>(__splat<T>(1.0), e);
  return v128.div<T>(v128.mul<T>(__splat<T>(4.0), e), v128.mul<T>(d, d));
}

// erf y = (2/sqrt(pi)) y sum_n (-y^2)^n / (n! (2n+1)) for |y| < 1/4, to n = 9 (next term < 2e-18
// relative): full relative accuracy near 0, where 1 - erfc would leave erf(0) = 5.6e-16 instead of 0.
// @ts-ignore: decorator
@inline function __erf_small<T>(y: v128): v128 {
  let y2 = v128.mul<T>(y, y);
  let p = __splat<T>(-1.0 / 6894720.0); // n = 9: 1 / (9! 19)
  p = __madd<T>(__splat<T>(1.0 / 685440.0), p, y2); // 1 / (8! 17)
  p = __madd<T>(__splat<T>(-1.0 / 75600.0), p, y2); // 1 / (7! 15)
  p = __madd<T>(__splat<T>(1.0 / 9360.0), p, y2); // 1 / (6! 13)
  p = __madd<T>(__splat<T>(-1.0 / 1320.0), p, y2); // 1 / (5! 11)
  p = __madd<T>(__splat<T>(1.0 / 216.0), p, y2); // 1 / (4! 9)
  p = __madd<T>(__splat<T>(-1.0 / 42.0), p, y2); // 1 / (3! 7)
  p = __madd<T>(__splat<T>(1.0 / 10.0), p, y2);
  p = __madd<T>(__splat<T>(-1.0 / 3.0), p, y2);
  p = __madd<T>(__splat<T>(1.0), p, y2);
  return v128.mul<T>(v128.mul<T>(y, p), __splat<T>(1.1283791670955126)); // 2 / sqrt(pi)
}

// erf(y), lane-wise
// @ts-ignore: decorator
@inline export function __erf_v<T>(y: v128): v128 {
  let sign = v128.and(y, __signmask<T>());
  let z = v128.min<T>(v128.abs<T>(y), __splat<T>(8.0));
  let t = v128.div<T>(__splat<T>(2.0), v128.add<T>(__splat<T>(2.0), z));
  let s = v128.sub<T>(v128.mul<T>(t, __splat<T>(2.5)), __splat<T>(1.5));
  let s2 = v128.add<T>(s, s);
  // Clenshaw: b_k = c_k + 2 s b_{k+1} - b_{k+2}; g = c_0 + s b_1 - b_2
  let b1 = __splat<T>(0.0);
  let b2 = __splat<T>(0.0);
  let deg = sizeof<T>() == 8 ? ERF_CHEB_F64.length - 1 : ERF_CHEB_F32.length - 1;
  for (let k = deg; k >= 1; k--) {
    let c = sizeof<T>() == 8 ? unchecked(ERF_CHEB_F64[k]) : unchecked(ERF_CHEB_F32[k]);
    let b0 = v128.sub<T>(__madd<T>(__splat<T>(c), s2, b1), b2);
    b2 = b1;
    b1 = b0;
  }
  let c0 = sizeof<T>() == 8 ? unchecked(ERF_CHEB_F64[0]) : unchecked(ERF_CHEB_F32[0]);
  let g = v128.sub<T>(__madd<T>(__splat<T>(c0), s, b1), b2);
  let erfc = v128.mul<T>(t, __exp<T>(v128.sub<T>(g, v128.mul<T>(z, z))));
  let big = v128.or(v128.sub<T>(__splat<T>(1.0), erfc), sign);
  return v128.bitselect(__erf_small<T>(y), big, v128.lt<T>(z, __splat<T>(0.25)));
}

// @ts-ignore: decorator
@inline export function __phi_v<T>(kind: i32, x: v128): v128 {
  if (kind == PHI_ERF) return __erf_v<T>(v128.mul<T>(x, __splat<T>(SQRT_PI_OVER_2)));
  return __tanh_v<T>(x);
}

// @ts-ignore: decorator
@inline export function __dphi_v<T>(kind: i32, x: v128): v128 {
  if (kind == PHI_ERF) return __exp<T>(v128.mul<T>(v128.mul<T>(x, x), __splat<T>(-PI_OVER_4)));
  return __sech2_v<T>(x);
}

// Scalar versions for loop tails: the same lane code on a splatted scalar, so a tail element gets exactly
// the same value as it would inside the SIMD loop.
// @ts-ignore: decorator
@inline export function __phi_s<T>(kind: i32, x: T): T {
  return v128.extract_lane<T>(__phi_v<T>(kind, v128.splat<T>(x)), 0);
}
// @ts-ignore: decorator
@inline export function __dphi_s<T>(kind: i32, x: T): T {
  return v128.extract_lane<T>(__dphi_v<T>(kind, v128.splat<T>(x)), 0);
}

// out[b*n + i] = g[i] * phi(x[b*n + i]) for b < k, i < n (g = 0: no gains).
export function __phi_gain<T>(kind: i32, n: i32, k: i32, x: usize, g: usize, out: usize): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  let nv = n & ~(L - 1);
  for (let b = 0; b < k; b++) {
    let xb = x + ((<usize>b * <usize>n) << S);
    let ob = out + ((<usize>b * <usize>n) << S);
    let i = 0;
    if (g == 0) {
      for (; i < nv; i += L) {
        v128.store(ob + (<usize>i << S), __phi_v<T>(kind, v128.load(xb + (<usize>i << S))));
      }
      for (; i < n; i++) {
        store<T>(ob + (<usize>i << S), __phi_s<T>(kind, load<T>(xb + (<usize>i << S))));
      }
    } else {
      for (; i < nv; i += L) {
        let v = __phi_v<T>(kind, v128.load(xb + (<usize>i << S)));
        v128.store(ob + (<usize>i << S), v128.mul<T>(v, v128.load(g + (<usize>i << S))));
      }
      for (; i < n; i++) {
        store<T>(ob + (<usize>i << S), __phi_s<T>(kind, load<T>(xb + (<usize>i << S))) * load<T>(g + (<usize>i << S)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function __dphi_all<T>(kind: i32, len: i32, x: usize, out: usize): void {
  const L = __lanes<T>();
  const S = __shift<T>();
  let nv = len & ~(L - 1);
  let i = 0;
  for (; i < nv; i += L) {
    v128.store(out + (<usize>i << S), __dphi_v<T>(kind, v128.load(x + (<usize>i << S))));
  }
  for (; i < len; i++) {
    store<T>(out + (<usize>i << S), __dphi_s<T>(kind, load<T>(x + (<usize>i << S))));
  }
}

/** out = g ⊙ phi(x) over k blocks of n (float32). `kind`: 0 tanh, 1 erf. `g` = 0 for unit gains. out may alias x. */
export function phi_f32(kind: i32, n: i32, k: i32, x: usize, g: usize, out: usize): void {
  __phi_gain<f32>(kind, n, k, x, g, out);
}
/** float64 version of phi_f32. */
export function phi_f64(kind: i32, n: i32, k: i32, x: usize, g: usize, out: usize): void {
  __phi_gain<f64>(kind, n, k, x, g, out);
}
/** out = phi'(x), `len` values (float32). out may alias x. */
export function dphi_f32(kind: i32, len: i32, x: usize, out: usize): void {
  __dphi_all<f32>(kind, len, x, out);
}
/** float64 version of dphi_f32. */
export function dphi_f64(kind: i32, len: i32, x: usize, out: usize): void {
  __dphi_all<f64>(kind, len, x, out);
}
