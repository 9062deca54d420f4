// Streaming (lagged) covariance accumulation and the matrix reductions that turn it into dimensions.
//
//   cov_lag_accum:  C_l += sum_{s<k} a(t_s) a(t_s - l)^T   for l = l0..lags    (C_l: n x n, float64)
//   cov_sym_accum:  C_0 += sum_{s<k} a(t_s) a(t_s)^T on and above the diagonal (C_0 is symmetric: half the work)
//   row_sum_accum:  mu  += sum_{s<k} a(t_s)                                     (mu: n, float64)
//   trace:          tr C;   sumsq: ||C||_F^2 = sum C_ij^2;   dot: sum A_ij B_ij = tr(A B^T);
//   trace_prod:     tr(A B) = sum_ij A_ij B_ji   (the cross-block estimator's tr(C_a C_b))
//   gram_upper:     G_ac += sum_ij S_a,ij S_c,ij and q_a += mu^T S_a mu over a band of rows of symmetric
//                   matrices, from their upper triangles (the diagonal once, the rest twice): the summary's
//                   cross-block sums, O(B^2 N^2 / 4), computed here rather than in JS (~10x)
//
// The history buffer H holds lags + k samples (rows of n values, dtype T), oldest first: rows 0..lags-1 are
// the lags samples before this batch, rows lags..lags+k-1 the k new samples. Row lags+s pairs with rows
// lags+s-l. The caller shifts the last lags rows to the front afterwards (a ring buffer of lags+1 samples,
// flushed k samples at a time). Accumulating k samples per pass makes each C_l update a rank-k product:
// every accumulator element is loaded and stored once per k samples instead of once per sample, so the
// cost is arithmetic, not memory traffic. float64 samples: a 2 rows x 8 columns tile (8 f64x2 accumulators),
// all sums float64. float32 samples (cov_lag_accum_f32): the batch's products and partial sums in float32
// (f32x4: twice the lanes), added to the float64 accumulator once per batch.

import { __shift, __madd, __madd_s, __dot_f64 } from "./inline/simd";

// two consecutive samples as f64x2
// @ts-ignore: decorator
@inline function __load2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// @ts-ignore: decorator
@inline function __cov_lag_accum<T>(n: i32, k: i32, l0: i32, lags: i32, hist: usize, acc: usize, upper: bool): void {
  const S = __shift<T>();
  let rowT = <usize>n << S; // bytes per sample row
  let rowC = <usize>n << 3; // bytes per accumulator row
  let n8 = n & ~7;
  let n2 = n & ~1;
  for (let l = l0; l <= lags; l++) {
    let c = acc + <usize>(l - l0) * <usize>n * rowC;
    let aBase = hist + <usize>lags * rowT; // row of a(t_0)
    let bBase = hist + <usize>(lags - l) * rowT; // row of a(t_0 - l)
    let i = 0;
    for (; i < n; i += 2) {
      let two = i + 1 < n;
      let c0 = c + <usize>i * rowC;
      let c1 = c0 + rowC;
      let ai = aBase + (<usize>i << S);
      let j = upper ? i & ~7 : 0; // upper: from the tile holding the diagonal (same tiles, same sums as the full pass)
      for (; j < n8; j += 8) {
        let cj0 = c0 + (<usize>j << 3);
        let cj1 = c1 + (<usize>j << 3);
        let p0 = v128.load(cj0), p1 = v128.load(cj0, 16), p2 = v128.load(cj0, 32), p3 = v128.load(cj0, 48);
        let q0 = f64x2.splat(0), q1 = f64x2.splat(0), q2 = f64x2.splat(0), q3 = f64x2.splat(0);
        if (two) { q0 = v128.load(cj1); q1 = v128.load(cj1, 16); q2 = v128.load(cj1, 32); q3 = v128.load(cj1, 48); }
        let bj = bBase + (<usize>j << S);
        for (let s = 0; s < k; s++) {
          let as = <usize>s * rowT;
          let b0 = __load2<T>(bj + as);
          let b1 = __load2<T>(bj + as + (2 << S));
          let b2 = __load2<T>(bj + as + (4 << S));
          let b3 = __load2<T>(bj + as + (6 << S));
          let a0 = f64x2.splat(<f64>load<T>(ai + as));
          p0 = __madd<f64>(p0, a0, b0); p1 = __madd<f64>(p1, a0, b1);
          p2 = __madd<f64>(p2, a0, b2); p3 = __madd<f64>(p3, a0, b3);
          if (two) {
            let a1 = f64x2.splat(<f64>load<T>(ai + as + (1 << S)));
            q0 = __madd<f64>(q0, a1, b0); q1 = __madd<f64>(q1, a1, b1);
            q2 = __madd<f64>(q2, a1, b2); q3 = __madd<f64>(q3, a1, b3);
          }
        }
        v128.store(cj0, p0); v128.store(cj0, p1, 16); v128.store(cj0, p2, 32); v128.store(cj0, p3, 48);
        if (two) { v128.store(cj1, q0); v128.store(cj1, q1, 16); v128.store(cj1, q2, 32); v128.store(cj1, q3, 48); }
      }
      for (; j < n2; j += 2) {
        let cj0 = c0 + (<usize>j << 3);
        let cj1 = c1 + (<usize>j << 3);
        let p0 = v128.load(cj0);
        let q0 = two ? v128.load(cj1) : f64x2.splat(0);
        let bj = bBase + (<usize>j << S);
        for (let s = 0; s < k; s++) {
          let as = <usize>s * rowT;
          let b0 = __load2<T>(bj + as);
          p0 = __madd<f64>(p0, f64x2.splat(<f64>load<T>(ai + as)), b0);
          if (two) q0 = __madd<f64>(q0, f64x2.splat(<f64>load<T>(ai + as + (1 << S))), b0);
        }
        v128.store(cj0, p0);
        if (two) v128.store(cj1, q0);
      }
      for (; j < n; j++) {
        let cj0 = c0 + (<usize>j << 3);
        let cj1 = c1 + (<usize>j << 3);
        let p0 = load<f64>(cj0);
        let q0 = two ? load<f64>(cj1) : 0.0;
        let bj = bBase + (<usize>j << S);
        for (let s = 0; s < k; s++) {
          let as = <usize>s * rowT;
          let b0 = <f64>load<T>(bj + as);
          p0 = __madd_s<f64>(p0, <f64>load<T>(ai + as), b0); // as a vector lane: S stays symmetric
          if (two) q0 = __madd_s<f64>(q0, <f64>load<T>(ai + as + (1 << S)), b0);
        }
        store<f64>(cj0, p0);
        if (two) store<f64>(cj1, q0);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function __row_sum_accum<T>(n: i32, k: i32, x: usize, sum: usize): void {
  const S = __shift<T>();
  let rowT = <usize>n << S;
  let n2 = n & ~1;
  for (let s = 0; s < k; s++) {
    let xs = x + <usize>s * rowT;
    let j = 0;
    for (; j < n2; j += 2) {
      let o = sum + (<usize>j << 3);
      v128.store(o, v128.add<f64>(v128.load(o), __load2<T>(xs + (<usize>j << S))));
    }
    for (; j < n; j++) {
      let o = sum + (<usize>j << 3);
      store<f64>(o, load<f64>(o) + <f64>load<T>(xs + (<usize>j << S)));
    }
  }
}

// C[j..j+3] (float64) += the four float32 lanes of v
// @ts-ignore: decorator
@inline function __add4(c: usize, v: v128): void {
  v128.store(c, f64x2.add(v128.load(c), f64x2.promote_low_f32x4(v)));
  v128.store(c, f64x2.add(v128.load(c, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))), 16);
}

/** C_l += sum_s a(t_s) a(t_s - l)^T, l = l0..lags; history (lags + k) x n float32, acc (lags - l0 + 1) n x n float64
 *  (acc starts at C_l0: a caller that keeps lag 0 elsewhere passes l0 = 1).
 *  float32 samples: the k products and their partial sum are float32 (f32x4, twice the lanes of f64x2; the
 *  samples themselves carry float32 rounding, and a batch of k <= 32 terms (FLUSH) adds at most (k + 2) u_32 of its
 *  absolute sum), added to the float64 accumulator once per batch, where the long sums over time happen.
 *  Tile: 2 rows x 16 columns (8 f32x4 accumulators), then 2 x 4, then a scalar tail. */
export function cov_lag_accum_f32(n: i32, k: i32, l0: i32, lags: i32, hist: usize, acc: usize): void {
  __cov_lag_accum_f32(n, k, l0, lags, hist, acc, false);
}

// @ts-ignore: decorator
@inline function __cov_lag_accum_f32(n: i32, k: i32, l0: i32, lags: i32, hist: usize, acc: usize, upper: bool): void {
  let rowT = <usize>n << 2;
  let rowC = <usize>n << 3;
  let n16 = n & ~15;
  let n4 = n & ~3;
  for (let l = l0; l <= lags; l++) {
    let c = acc + <usize>(l - l0) * <usize>n * rowC;
    let aBase = hist + <usize>lags * rowT;
    let bBase = hist + <usize>(lags - l) * rowT;
    for (let i = 0; i < n; i += 2) {
      let two = i + 1 < n;
      let c0 = c + <usize>i * rowC;
      let c1 = c0 + rowC;
      let ai = aBase + (<usize>i << 2);
      let j = upper ? i & ~15 : 0; // upper: from the tile holding the diagonal (same tiles, same sums as the full pass)
      for (; j < n16; j += 16) {
        let p0 = f32x4.splat(0), p1 = f32x4.splat(0), p2 = f32x4.splat(0), p3 = f32x4.splat(0);
        let q0 = f32x4.splat(0), q1 = f32x4.splat(0), q2 = f32x4.splat(0), q3 = f32x4.splat(0);
        let bj = bBase + (<usize>j << 2);
        if (two) {
          for (let s = 0; s < k; s++) {
            let as = <usize>s * rowT;
            let b0 = v128.load(bj + as), b1 = v128.load(bj + as, 16), b2 = v128.load(bj + as, 32), b3 = v128.load(bj + as, 48);
            let a0 = f32x4.splat(load<f32>(ai + as)), a1 = f32x4.splat(load<f32>(ai + as, 4));
            p0 = __madd<f32>(p0, a0, b0); p1 = __madd<f32>(p1, a0, b1); p2 = __madd<f32>(p2, a0, b2); p3 = __madd<f32>(p3, a0, b3);
            q0 = __madd<f32>(q0, a1, b0); q1 = __madd<f32>(q1, a1, b1); q2 = __madd<f32>(q2, a1, b2); q3 = __madd<f32>(q3, a1, b3);
          }
        } else {
          for (let s = 0; s < k; s++) {
            let as = <usize>s * rowT;
            let a0 = f32x4.splat(load<f32>(ai + as));
            p0 = __madd<f32>(p0, a0, v128.load(bj + as)); p1 = __madd<f32>(p1, a0, v128.load(bj + as, 16));
            p2 = __madd<f32>(p2, a0, v128.load(bj + as, 32)); p3 = __madd<f32>(p3, a0, v128.load(bj + as, 48));
          }
        }
        let cj0 = c0 + (<usize>j << 3);
        __add4(cj0, p0); __add4(cj0 + 32, p1); __add4(cj0 + 64, p2); __add4(cj0 + 96, p3);
        if (two) {
          let cj1 = c1 + (<usize>j << 3);
          __add4(cj1, q0); __add4(cj1 + 32, q1); __add4(cj1 + 64, q2); __add4(cj1 + 96, q3);
        }
      }
      for (; j < n4; j += 4) {
        let p0 = f32x4.splat(0), q0 = f32x4.splat(0);
        let bj = bBase + (<usize>j << 2);
        for (let s = 0; s < k; s++) {
          let as = <usize>s * rowT;
          let b0 = v128.load(bj + as);
          p0 = __madd<f32>(p0, f32x4.splat(load<f32>(ai + as)), b0);
          if (two) q0 = __madd<f32>(q0, f32x4.splat(load<f32>(ai + as, 4)), b0);
        }
        __add4(c0 + (<usize>j << 3), p0);
        if (two) __add4(c1 + (<usize>j << 3), q0);
      }
      for (; j < n; j++) {
        let cj0 = c0 + (<usize>j << 3);
        let cj1 = c1 + (<usize>j << 3);
        let p0: f32 = 0, q0: f32 = 0;
        let bj = bBase + (<usize>j << 2);
        for (let s = 0; s < k; s++) {
          let as = <usize>s * rowT;
          let b0 = load<f32>(bj + as);
          p0 = __madd_s<f32>(p0, load<f32>(ai + as), b0); // as a vector lane: S stays symmetric
          if (two) q0 = __madd_s<f32>(q0, load<f32>(ai + as, 4), b0);
        }
        store<f64>(cj0, load<f64>(cj0) + <f64>p0);
        if (two) store<f64>(cj1, load<f64>(cj1) + <f64>q0);
      }
    }
  }
}
/** float64-history version of cov_lag_accum_f32. */
export function cov_lag_accum_f64(n: i32, k: i32, l0: i32, lags: i32, hist: usize, acc: usize): void {
  __cov_lag_accum<f64>(n, k, l0, lags, hist, acc, false);
}
/** The lag-0 sums C += sum_s a(t_s) a(t_s)^T on and above the diagonal only (C is symmetric; entries below the
 *  diagonal are left partly updated and must not be read): the tiles of cov_lag_accum_f32 that meet the upper
 *  triangle, so every entry j >= i is bit for bit the full kernel's, at about half its arithmetic and traffic.
 *  History k x n float32 (the k new samples), acc n x n float64. */
export function cov_sym_accum_f32(n: i32, k: i32, hist: usize, acc: usize): void {
  __cov_lag_accum_f32(n, k, 0, 0, hist, acc, true);
}
/** float64-history version of cov_sym_accum_f32. */
export function cov_sym_accum_f64(n: i32, k: i32, hist: usize, acc: usize): void {
  __cov_lag_accum<f64>(n, k, 0, 0, hist, acc, true);
}
/** sum[j] += sum_{s<k} x[s, j]; x k x n float32, sum n float64. */
export function row_sum_accum_f32(n: i32, k: i32, x: usize, sum: usize): void {
  __row_sum_accum<f32>(n, k, x, sum);
}
/** float64 version of row_sum_accum_f32. */
export function row_sum_accum_f64(n: i32, k: i32, x: usize, sum: usize): void {
  __row_sum_accum<f64>(n, k, x, sum);
}

/** tr A for an n x n float64 matrix. */
export function trace_f64(n: i32, a: usize): f64 {
  let s = 0.0;
  let step = (<usize>n + 1) << 3;
  for (let i = 0; i < n; i++) s += load<f64>(a + <usize>i * step);
  return s;
}

/** sum_i a_i b_i over len float64 values (= tr(A B^T) for matrices; sumsq when a = b). */
export function dot_f64(len: i32, a: usize, b: usize): f64 {
  return __dot_f64(len, a, b);
}

/** ||A||_F^2 = sum_i a_i^2 over len float64 values. */
export function sumsq_f64(len: i32, a: usize): f64 {
  return dot_f64(len, a, a);
}

/** tr(A B) = sum_ij A_ij B_ji for n x n float64 matrices, in 2 x 2 tiles (B read transposed). */
export function trace_prod_f64(n: i32, a: usize, b: usize): f64 {
  let row = <usize>n << 3;
  let n2 = n & ~1;
  let acc = f64x2.splat(0);
  let s = 0.0;
  for (let i = 0; i < n2; i += 2) {
    let a0 = a + <usize>i * row;
    let a1 = a0 + row;
    let j = 0;
    for (; j < n2; j += 2) {
      // A[i:i+2, j:j+2] against B[j:j+2, i:i+2]^T
      let av0 = v128.load(a0 + (<usize>j << 3));
      let av1 = v128.load(a1 + (<usize>j << 3));
      let b0 = v128.load(b + <usize>j * row + (<usize>i << 3));
      let b1 = v128.load(b + <usize>(j + 1) * row + (<usize>i << 3));
      let bt0 = v128.shuffle<f64>(b0, b1, 0, 2); // (B[j][i], B[j+1][i])
      let bt1 = v128.shuffle<f64>(b0, b1, 1, 3); // (B[j][i+1], B[j+1][i+1])
      acc = __madd<f64>(acc, av0, bt0);
      acc = __madd<f64>(acc, av1, bt1);
    }
    if (j < n) {
      s += load<f64>(a0 + (<usize>j << 3)) * load<f64>(b + <usize>j * row + (<usize>i << 3));
      s += load<f64>(a1 + (<usize>j << 3)) * load<f64>(b + <usize>j * row + (<usize>(i + 1) << 3));
    }
  }
  if (n2 < n) {
    let i = n2;
    let ai = a + <usize>i * row;
    for (let j = 0; j < n; j++) s += load<f64>(ai + (<usize>j << 3)) * load<f64>(b + <usize>j * row + (<usize>i << 3));
  }
  return s + f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/**
 * Gram sums of nb symmetric n x n float64 matrices over rows r0 .. r0 + rows - 1, from their upper triangles.
 * s holds the band of each matrix in turn (nb x rows x n: row r0 + i of S_a at s + (a rows + i) n). Adds, for
 * a < c, sum_i (S_a,ii S_c,ii + 2 sum_{j>i} S_a,ij S_c,ij) to gram[a nb + c] (entries a >= c untouched), and
 * sum_i mu_i (S_a,ii mu_i + 2 sum_{j>i} S_a,ij mu_j) to quad[a]. Each band row of every matrix is read nb times
 * while it is in cache.
 */
export function gram_upper_f64(n: i32, nb: i32, r0: i32, rows: i32, s: usize, mu: usize, gram: usize, quad: usize): void {
  let row = <usize>n << 3;
  let band = <usize>rows * row;
  for (let i = 0; i < rows; i++) {
    let gi = r0 + i;
    let off = <usize>i * row + (<usize>gi << 3); // S_a,ii within matrix a's band
    let len = n - gi - 1;
    let mi = load<f64>(mu + (<usize>gi << 3));
    let muj = mu + (<usize>(gi + 1) << 3);
    for (let a = 0; a < nb; a++) {
      let pa = s + <usize>a * band + off;
      let da = load<f64>(pa);
      let q = quad + (<usize>a << 3);
      store<f64>(q, load<f64>(q) + mi * (da * mi + 2 * __dot_f64(len, pa + 8, muj)));
      for (let c = a + 1; c < nb; c++) {
        let pc = s + <usize>c * band + off;
        let g = gram + (<usize>(a * nb + c) << 3);
        store<f64>(g, load<f64>(g) + (da * load<f64>(pc) + 2 * __dot_f64(len, pa + 8, pc + 8)));
      }
    }
  }
}
