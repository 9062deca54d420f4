// Generic SIMD helpers shared by every kernel (inlined; `__` prefix marks them internal).
//
// T is f32 (4 lanes per v128) or f64 (2 lanes). Everything here is resolved at compile time, so the
// generic source produces straight f32x4 / f64x2 code with no runtime dispatch.
//
// __exp<T>: e^x for a whole v128, used by tanh, sech^2, erf and erf'. Method (see: Cody & Waite range
// reduction, as in musl/fdlibm exp): x = k ln2 + r with k = round(x / ln2), |r| <= ln2/2, ln2 split in a
// high and a low part so k*ln2 is exact to working precision; e^r by Taylor/Horner (degree 12 for f64:
// truncation r^13/13! < 2e-16 relative; degree 7 for f32: < 3e-9); 2^k built directly in the exponent
// field. k is found with the "magic number" trick (x/ln2 + 1.5*2^p - 1.5*2^p rounds to nearest), and the
// same sum's low mantissa bits hold k as an integer, so no float->int conversion is needed.
// x is clamped first to the range where 2^k is a normal number; the clamp uses min/max, which propagate
// NaN in WebAssembly (unlike pmin/pmax or a compare+select), so exp(NaN) = NaN.

// @ts-ignore: decorator
@inline export function __lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

// @ts-ignore: decorator
@inline export function __shift<T>(): i32 {
  return sizeof<T>() == 8 ? 3 : 2;
}

// Horizontal sum of all lanes.
// @ts-ignore: decorator
@inline export function __hsum<T>(v: v128): T {
  if (sizeof<T>() == 8) {
    return v128.extract_lane<T>(v, 0) + v128.extract_lane<T>(v, 1);
  } else {
    return (v128.extract_lane<T>(v, 0) + v128.extract_lane<T>(v, 1)) +
           (v128.extract_lane<T>(v, 2) + v128.extract_lane<T>(v, 3));
  }
}

// a + b * c, lane-wise. Baseline WASM SIMD has no FMA: two rounded operations (mul, then add), the build
// every runtime with SIMD runs (build/strand.wasm). The relaxed-SIMD build (build/strand-fma.wasm, compiled
// with --enable relaxed-simd) uses relaxed_madd, which V8 lowers to one vfmadd on x86 with FMA3 and to the
// same mul + add elsewhere: one rounding instead of two, and half the instructions in the products' inner
// loops (measured here: the batched product 1.1-1.4x, one RK4 trajectory 1.2-1.6x faster; bench/README.md).
// ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so each build holds one form only.
// @ts-ignore: decorator
@inline export function __madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(b, c, a);
  return v128.add<T>(a, v128.mul<T>(b, c));
}

// a + b * c for scalars, rounded as one lane of __madd: fused in the relaxed-SIMD build (through a lane of
// relaxed_madd: wasm has no scalar FMA), two roundings otherwise. For scalar tails whose results must match the
// vector body's bit for bit: the lag-0 covariance sums S_ij and S_ji come from the same products in the same
// order, one through a vector lane and one through a tail, and covLagAccum's lag-0 sums stay symmetric bit for
// bit (the simulation's summary reads covSymAccum's upper triangle instead and mirrors it).
// @ts-ignore: decorator
@inline export function __madd_s<T>(a: T, b: T, c: T): T {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.extract_lane<T>(v128.relaxed_madd<T>(v128.splat<T>(b), v128.splat<T>(c), v128.splat<T>(a)), 0);
  return a + b * c;
}

// @ts-ignore: decorator
@inline export function __splat<T>(x: f64): v128 {
  return v128.splat<T>(<T>x);
}

// sum_j x_j y_j over len float64 values: two f64x2 accumulators (4 values per pass), scalar tail.
// @ts-ignore: decorator
@inline export function __dot_f64(len: i32, x: usize, y: usize): f64 {
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    let o = <usize>j << 3;
    c0 = __madd<f64>(c0, v128.load(x + o), v128.load(y + o));
    c1 = __madd<f64>(c1, v128.load(x + o, 16), v128.load(y + o, 16));
  }
  let c = v128.add<f64>(c0, c1);
  let s = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  for (; j < len; j++) s += load<f64>(x + (<usize>j << 3)) * load<f64>(y + (<usize>j << 3));
  return s;
}

// Lane-wise e^x (see the module comment). Max relative error ~2 ulp for |x| in the clamped range.
// @ts-ignore: decorator
@inline export function __exp<T>(x: v128): v128 {
  if (sizeof<T>() == 8) {
    // clamp to [-708, 709]: k + 1023 stays in [1, 2046]
    let xc = v128.max<f64>(v128.min<f64>(x, f64x2.splat(709.0)), f64x2.splat(-708.0));
    // 0x1.8p52 = 6755399441055744: adding it rounds x/ln2 to an integer held in the low mantissa bits
    let t = v128.add<f64>(v128.mul<f64>(xc, f64x2.splat(1.4426950408889634)), f64x2.splat(6755399441055744.0));
    let k = v128.sub<f64>(t, f64x2.splat(6755399441055744.0));
    // ln2 = LN2_HI + LN2_LO; LN2_HI has trailing zero bits so k * LN2_HI is exact for |k| < 2^11
    let r = v128.sub<f64>(xc, v128.mul<f64>(k, f64x2.splat(6.93147180369123816490e-01)));
    r = v128.sub<f64>(r, v128.mul<f64>(k, f64x2.splat(1.90821492927058770002e-10)));
    // e^r, Taylor to degree 12, Horner
    let p = f64x2.splat(2.08767569878680989792e-9); // 1/12!
    p = __madd<f64>(f64x2.splat(2.50521083854417187751e-8), p, r); // 1/11!
    p = __madd<f64>(f64x2.splat(2.75573192239858906526e-7), p, r); // 1/10!
    p = __madd<f64>(f64x2.splat(2.75573192239858906526e-6), p, r); // 1/9!
    p = __madd<f64>(f64x2.splat(2.48015873015873015873e-5), p, r); // 1/8!
    p = __madd<f64>(f64x2.splat(1.98412698412698412698e-4), p, r); // 1/7!
    p = __madd<f64>(f64x2.splat(1.38888888888888888889e-3), p, r); // 1/6!
    p = __madd<f64>(f64x2.splat(8.33333333333333333333e-3), p, r); // 1/5!
    p = __madd<f64>(f64x2.splat(4.16666666666666666667e-2), p, r); // 1/4!
    p = __madd<f64>(f64x2.splat(1.66666666666666666667e-1), p, r); // 1/3!
    p = __madd<f64>(f64x2.splat(0.5), p, r);
    p = __madd<f64>(f64x2.splat(1.0), p, r);
    p = __madd<f64>(f64x2.splat(1.0), p, r);
    // 2^k: (k + 1023) << 52; the low 12 bits of t's bit pattern are k mod 2^12
    let scale = v128.shl<i64>(v128.add<i64>(t, i64x2.splat(1023)), 52);
    return v128.mul<f64>(p, scale);
  } else {
    // clamp to [-87, 88]: k + 127 stays in [1, 254]
    let xc = v128.max<f32>(v128.min<f32>(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
    // 0x1.8p23 = 12582912
    let t = v128.add<f32>(v128.mul<f32>(xc, f32x4.splat(1.44269504)), f32x4.splat(12582912.0));
    let k = v128.sub<f32>(t, f32x4.splat(12582912.0));
    // ln2 split for float32: 0.693359375 has 9 significant bits, so k * it is exact for |k| < 2^8
    let r = v128.sub<f32>(xc, v128.mul<f32>(k, f32x4.splat(0.693359375)));
    r = v128.sub<f32>(r, v128.mul<f32>(k, f32x4.splat(-2.12194440e-4)));
    let p = f32x4.splat(1.98412698e-4); // 1/7!
    p = __madd<f32>(f32x4.splat(1.38888889e-3), p, r);
    p = __madd<f32>(f32x4.splat(8.33333333e-3), p, r);
    p = __madd<f32>(f32x4.splat(4.16666667e-2), p, r);
    p = __madd<f32>(f32x4.splat(1.66666667e-1), p, r);
    p = __madd<f32>(f32x4.splat(0.5), p, r);
    p = __madd<f32>(f32x4.splat(1.0), p, r);
    p = __madd<f32>(f32x4.splat(1.0), p, r);
    let scale = v128.shl<i32>(v128.add<i32>(t, i32x4.splat(127)), 23);
    return v128.mul<f32>(p, scale);
  }
}

// y[0..len) += alpha x[0..len), float64 (two v128 per iteration, scalar tail)
// @ts-ignore: decorator
@inline export function __axpy_f64(len: i32, alpha: f64, x: usize, y: usize): void {
  let va = f64x2.splat(alpha);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    let o = <usize>j << 3;
    v128.store(y + o, __madd<f64>(v128.load(y + o), va, v128.load(x + o)));
    v128.store(y + o, __madd<f64>(v128.load(y + o, 16), va, v128.load(x + o, 16)), 16);
  }
  for (; j < len; j++) {
    let o = <usize>j << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}
