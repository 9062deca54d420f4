// Seeded Gaussian random numbers: xoshiro128** (Blackman & Vigna 2018) for uniform 32-bit words, two words
// per 53-bit uniform, and Marsaglia's polar method for pairs of standard normals:
//   v1, v2 uniform in (-1, 1), s = v1^2 + v2^2, accept 0 < s < 1, f = sqrt(-2 ln s / s): (v1 f, v2 f).
// The state (4 x u32) lives in memory at `state` and is advanced in place.
//
// Bit-for-bit agreement with the TypeScript backend: every operation here is an IEEE-754 basic operation
// (+ - * / sqrt, correctly rounded in WebAssembly and in JavaScript), and ln is our own __ln below rather
// than the platform's Math.log (AssemblyScript's musl port and V8's fdlibm port may differ in the last
// bit). The TS backend performs the same operations in the same order, so both give identical numbers.
// A fill of an odd count discards the second normal of the last pair.
// The generator is serial by nature (each word depends on the last) and runs as scalar code; its cost is a
// few ns per number, paid once per coupling matrix or initial state, not per time step.

// @ts-ignore: decorator
@inline function __rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

// @ts-ignore: decorator
@inline function __next(state: usize): u32 {
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  let result = __rotl(s1 * 5, 7) * 9;
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = __rotl(s3, 11);
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  return result;
}

// uniform in [0, 1) with 53 random bits
// @ts-ignore: decorator
@inline function __uniform53(state: usize): f64 {
  let a = __next(state) >>> 5; // 27 bits
  let b = __next(state) >>> 6; // 26 bits
  return (<f64>a * 67108864.0 + <f64>b) * 1.1102230246251565e-16; // / 2^53
}

// ln(x) for normal x > 0: x = 2^e m, m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(f / (2 + f)), f = m - 1,
// series in u^2 (u^2 <= 0.0295) to u^23 (truncation < 1e-19 relative); e ln2 with ln2 split hi + lo.
// @ts-ignore: decorator
@inline export function __ln(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  let f = m - 1.0;
  let u = f / (2.0 + f);
  let u2 = u * u;
  let p = 1.0 / 23.0;
  p = p * u2 + 1.0 / 21.0;
  p = p * u2 + 1.0 / 19.0;
  p = p * u2 + 1.0 / 17.0;
  p = p * u2 + 1.0 / 15.0;
  p = p * u2 + 1.0 / 13.0;
  p = p * u2 + 1.0 / 11.0;
  p = p * u2 + 1.0 / 9.0;
  p = p * u2 + 1.0 / 7.0;
  p = p * u2 + 1.0 / 5.0;
  p = p * u2 + 1.0 / 3.0;
  p = p * u2 + 1.0;
  let ef = <f64>e;
  return ef * 6.93147180369123816490e-01 + (2.0 * u * p + ef * 1.90821492927058770002e-10);
}

// @ts-ignore: decorator
@inline function __fill_normal<T>(n: i32, state: usize, mean: f64, std: f64, out: usize): void {
  const S: usize = sizeof<T>() == 8 ? 3 : 2;
  let i = 0;
  while (i < n) {
    let v1 = 2.0 * __uniform53(state) - 1.0;
    let v2 = 2.0 * __uniform53(state) - 1.0;
    let s = v1 * v1 + v2 * v2;
    if (s >= 1.0 || s == 0.0) continue;
    let f = Math.sqrt(-2.0 * __ln(s) / s);
    store<T>(out + (<usize>i << S), <T>(mean + std * (v1 * f)));
    i++;
    if (i < n) {
      store<T>(out + (<usize>i << S), <T>(mean + std * (v2 * f)));
      i++;
    }
  }
}

/** Fill out[0..n) with mean + std * N(0, 1) draws (float32); advances the xoshiro128** state at `state`. */
export function rng_normal_f32(n: i32, state: usize, mean: f64, std: f64, out: usize): void {
  __fill_normal<f32>(n, state, mean, std, out);
}
/** float64 version of rng_normal_f32. */
export function rng_normal_f64(n: i32, state: usize, mean: f64, std: f64, out: usize): void {
  __fill_normal<f64>(n, state, mean, std, out);
}
/** Fill out[0..n) with uniform [0, 1) float64 values (53 random bits each). */
export function rng_uniform_f64(n: i32, state: usize, out: usize): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), __uniform53(state));
}
