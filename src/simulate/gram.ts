/**
 * The streaming statistics in sample space (THEORY §5.1; stats.ts chooses the space): with S stored samples
 * a(t_r) (all trials, in trial order) and their Gram matrix K_rs = a(t_r) . a(t_s) (S x S, float64), every sum of
 * the N x N path is a sum over K:
 *
 *   tr S^(b) = sum_{r in b} K_rr                         (block b's lag-0 sum S^(b) = sum_{r in b} a a^T)
 *   G_ab = sum_ij S^(a)_ij S^(b)_ij = sum_{r in a, s in b} K_rs^2        (||X_a X_b^T||_F^2)
 *   mu^T S^(b) mu = sum_{r in b} p_r^2,   p_r = a(t_r) . mu
 *   <S_l, S_0> = sum_{pairs (r, r - l) within a trial} sum_s K_rs K_{r-l,s}      (shifted Gram products)
 *   mu^T S_l mu = sum_{pairs} p_r p_{r-l}
 *
 * and the summary (C^(b) = S^(b) / n_b - mu mu^T about the pooled mean, as in summary.ts) follows with the same
 * formulas: O(S N + S^2) memory and O(S^2 N) work instead of O(B N^2) and O(S N^2). K is formed on the backend
 * by its lag-0 kernel applied to the transposed samples, 32 neurons per call (each neuron is a "sample" of
 * length S there): with float32 samples the products and their partial sums over 32 terms are float32, added
 * to float64 — the same rounding as the N x N path's rank-32 updates; with float64 samples it is float64 throughout.
 * Reweighted observables (diag(w) C diag(w), the gain observables of THEORY §4.6) are the same sums over the
 * Gram matrix of the samples w ⊙ a(t_r).
 */
import type { Backend, Buf } from "../backend/types.ts";
import { jackknife } from "../stats/estimators.ts";
import type { AccumulatorState, CovarianceSummary } from "./stats.ts";

type Samples = Float32Array | Float64Array;

// neurons per lag-0 kernel call: the N x N path's flush size (same float32 partial sums)
const NEURONS_PER_CALL = 32;

/**
 * K = X X^T for the samples (the arrays' rows of n values, in order; S rows in all), optionally of w ⊙ a,
 * on the backend as a whole S x S float64 matrix; `use` reads it (the buffer and a view of it), then it is freed.
 */
export function withGram<R>(
  be: Backend,
  samples: Samples[],
  n: number,
  weights: Float64Array | null,
  use: (k: Buf, view: Float64Array) => R,
): R {
  const S = samples.reduce((a, x) => a + x.length / n, 0);
  const dtype = samples[0] instanceof Float32Array ? "float32" : "float64";
  let xt: Buf | null = be.alloc(dtype, n * S);
  let kb: Buf | null = null;
  try {
    // X^T: row i holds neuron i's S values (in tiles of 64 samples, so the reads stay in cache)
    const t = be.view(xt);
    let r0 = 0;
    for (const a of samples) {
      const rows = a.length / n;
      for (let rb = 0; rb < rows; rb += 64) {
        const re = Math.min(rows, rb + 64);
        for (let i = 0; i < n; i++) {
          const w = weights ? weights[i] : 1,
            o = i * S + r0;
          for (let r = rb; r < re; r++) t[o + r] = a[r * n + i] * w;
        }
      }
      r0 += rows;
    }
    kb = be.alloc("float64", S * S);
    be.fill(kb, 0);
    for (let i0 = 0; i0 < n; i0 += NEURONS_PER_CALL) {
      const k = Math.min(NEURONS_PER_CALL, n - i0);
      be.covSymAccum(S, k, be.sub(xt, i0 * S, k * S), kb);
    }
    be.free(xt); // before use(), which may allocate
    xt = null;
    const view = be.view(kb) as Float64Array;
    mirrorUpper(view, S);
    return use(kb, view);
  } finally {
    if (xt) be.free(xt);
    if (kb) be.free(kb);
  }
}

/** The cross-block sums of one Gram matrix (see the module comment): per block tr S^(b) and mu^T S^(b) mu, the
 *  block Gram G_ab (whole, B x B), and from them the summary's cross-block estimates. */
function crossBlockSums(
  K: Float64Array,
  S: number,
  n: number,
  block: Int32Array,
  count: number[],
  p: Float64Array,
  mu2: number,
): {
  traceRaw: Float64Array;
  quad: Float64Array;
  gram: Float64Array;
  blockTrace: Float64Array;
  cross: number;
  pr: number;
  se: number;
} {
  const B = count.length;
  const traceRaw = new Float64Array(B),
    quad = new Float64Array(B),
    gram = new Float64Array(B * B);
  const rowSums = new Float64Array(B);
  for (let r = 0; r < S; r++) {
    const a = block[r],
      o = r * S;
    traceRaw[a] += K[o + r];
    quad[a] += p[r] * p[r];
    rowSums.fill(0);
    for (let s = 0; s < S; s++) rowSums[block[s]] += K[o + s] * K[o + s];
    for (let b = 0; b < B; b++) gram[a * B + b] += rowSums[b];
  }
  const blockTrace = Float64Array.from(traceRaw, (t, b) => t / count[b] - mu2);
  const pairTraces = new Float64Array(B * B);
  let cross = 0,
    pairs = 0;
  for (let a = 0; a < B; a++)
    for (let b = a + 1; b < B; b++) {
      const v = gram[a * B + b] / (count[a] * count[b]) - quad[a] / count[a] - quad[b] / count[b] + mu2 * mu2;
      pairTraces[a * B + b] = pairTraces[b * B + a] = v;
      cross += v;
      pairs++;
    }
  cross = pairs ? cross / pairs : NaN;
  let mt = 0;
  for (const t of blockTrace) mt += t / B;
  return {
    traceRaw,
    quad,
    gram,
    blockTrace,
    cross,
    pr: (mt * mt) / (n * cross),
    se: jackknife(n, blockTrace, pairTraces),
  };
}

/** p_r = (w ⊙ a(t_r)) . (w ⊙ mu) for every stored sample, and (no weights) each neuron's sum of squares. */
function projections(
  samples: Samples[],
  n: number,
  mean: Float64Array,
  weights: Float64Array | null,
): { p: Float64Array; sumSq: Float64Array } {
  const S = samples.reduce((a, x) => a + x.length / n, 0);
  const m = weights ? mean.map((v, i) => v * weights[i] * weights[i]) : mean;
  const p = new Float64Array(S),
    sumSq = new Float64Array(n);
  let r = 0;
  for (const a of samples)
    for (let o = 0; o < a.length; o += n, r++) {
      let d = 0;
      for (let i = 0; i < n; i++) {
        const v = a[o + i];
        d += v * m[i];
        sumSq[i] += v * v;
      }
      p[r] = d;
    }
  return { p, sumSq };
}

/** summarize() for groups accumulated in sample space (see the module comment); the groups' arrays are kept by
 *  the summary (stored), not copied. */
export function summarizeSamples(groups: AccumulatorState[], be: Backend): CovarianceSummary {
  const g0 = groups[0];
  const n = g0.n,
    L = g0.lags,
    Lf = g0.fullLags,
    T = g0.samplesPerTrial,
    B = g0.blocks;
  const trials = groups.reduce((a, g) => a + g.trials, 0);
  const S = trials * T;
  const add = (arrays: Float64Array[]) => {
    const out = Float64Array.from(arrays[0]);
    for (const a of arrays.slice(1)) for (let i = 0; i < out.length; i++) out[i] += a[i];
    return out;
  };
  const diag = add(groups.map((g) => g.diag)),
    sum = add(groups.map((g) => g.sum));
  const samples = groups.map((g) => g.samples!);
  const block = new Int32Array(S);
  let o = 0;
  for (const g of groups) {
    block.set(g.sampleBlock!, o);
    o += g.sampleBlock!.length;
  }
  const blockCount = Array.from({ length: B }, (_, b) => groups.reduce((a, g) => a + g.blockCount[b], 0));
  const pairs = Float64Array.from({ length: L + 1 }, (_, l) => trials * Math.max(0, T - l));
  const mean = sum.map((v) => v / S);
  let mu2 = 0;
  for (const v of mean) mu2 += v * v;
  const { p, sumSq } = projections(samples, n, mean, null);
  const variance = sumSq.map((v, i) => v / S - mean[i] * mean[i]);
  const autocovariance = Float64Array.from({ length: L + 1 }, (_, l) => (diag[l] / pairs[l] - mu2) / n);
  const withinTrial = withinTrialAutocovariance(groups, diag, pairs, n);
  const psi = new Float64Array(Lf + 1);
  const c = withGram(be, samples, n, null, (kb, K) => {
    const cb = crossBlockSums(K, S, n, block, blockCount, p, mu2);
    let tr = 0,
      fro2 = 0,
      q = 0;
    for (let b = 0; b < B; b++) {
      tr += cb.traceRaw[b];
      q += cb.quad[b];
      for (let a = 0; a < B; a++) fro2 += cb.gram[a * B + b];
    }
    // ||C_0||_F^2 = ||S_0||^2 / S^2 - 2 mu^T S_0 mu / S + |mu|^4, and <C_l, C_0> likewise (module comment)
    const fro = fro2 / (S * S) - (2 * q) / S + mu2 * mu2;
    psi[0] = fro / n;
    for (let l = 1; l <= Lf; l++) {
      let lagged = 0,
        mm = 0;
      for (let k = 0; k < trials; k++)
        for (let s = l; s < T; s++) {
          const r = k * T + s;
          lagged += be.dot(S, be.sub(kb, r * S, S), be.sub(kb, (r - l) * S, S));
          mm += p[r] * p[r - l];
        }
      psi[l] = (lagged / (pairs[l] * S) - mm / pairs[l] - q / S + mu2 * mu2) / n;
    }
    return { ...cb, tr0: tr / S - mu2, fro };
  });
  return {
    n,
    lags: L,
    blocks: B,
    samples: S,
    space: "samples",
    c0: null,
    mean,
    variance,
    autocovariance,
    withinTrial,
    psi,
    prPlugin: (c.tr0 * c.tr0) / (n * c.fro),
    prCrossBlock: c.pr,
    prCrossBlockSE: c.se,
    blockTrace: c.blockTrace,
    crossBlockTrace2: c.cross,
    blockS: null,
    blockCount,
    stored: { samples, block },
  };
}

/** The cross-block PR of diag(w) C diag(w) from a sample-space summary's stored samples. */
export function sampleReweightedPr(s: CovarianceSummary, be: Backend, w: Float64Array): number {
  const { samples, block } = s.stored!;
  const mw = s.mean.map((v, i) => v * w[i]);
  let mu2 = 0;
  for (const v of mw) mu2 += v * v;
  const { p } = projections(samples, s.n, s.mean, w);
  return withGram(be, samples, s.n, w, (_, K) => crossBlockSums(K, s.samples, s.n, block, s.blockCount, p, mu2).pr);
}

/** C_0 = (1/S) sum_r a(t_r) a(t_r)^T - mu mu^T (n x n, whole) from a sample-space summary's stored samples, by
 *  the backend's lag-0 kernel (32 samples per call, as the N x N path accumulates). */
export function sampleCovariance(s: CovarianceSummary, be: Backend): Float64Array {
  const n = s.n,
    samples = s.stored!.samples;
  const dtype = samples[0] instanceof Float32Array ? "float32" : "float64";
  const acc = be.alloc("float64", n * n),
    rows = be.alloc(dtype, 32 * n);
  try {
    be.fill(acc, 0);
    for (const a of samples)
      for (let r0 = 0; r0 < a.length / n; r0 += 32) {
        const k = Math.min(32, a.length / n - r0);
        be.write(rows, a.subarray(r0 * n, (r0 + k) * n));
        be.covSymAccum(n, k, be.sub(rows, 0, k * n), acc);
      }
    const c = be.read(acc) as Float64Array;
    mirrorUpper(c, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j] / s.samples - s.mean[i] * s.mean[j];
    return c;
  } finally {
    be.free(acc);
    be.free(rows);
  }
}

/** The within-trial autocovariance (CovarianceSummary.withinTrial) from the pooled lagged diagonal sums and each
 *  trial's squared mean. */
export function withinTrialAutocovariance(
  groups: AccumulatorState[],
  diag: Float64Array,
  pairs: Float64Array,
  n: number,
): Float64Array {
  let m2 = 0,
    trials = 0;
  for (const g of groups)
    for (const q of g.trialMeanSq) {
      m2 += q;
      trials++;
    }
  return Float64Array.from(diag, (d, l) => (d / pairs[l] - m2 / trials) / n);
}

/** Copy the upper triangle of the symmetric n x n row-major S into its lower triangle, in 32 x 32 tiles (the rows
 *  read and the rows written stay in cache). */
export function mirrorUpper(S: Float64Array, n: number): void {
  const T = 32;
  for (let ib = 0; ib < n; ib += T)
    for (let jb = 0; jb <= ib; jb += T)
      for (let i = ib; i < Math.min(ib + T, n); i++)
        for (let j = jb, end = Math.min(jb + T, i); j < end; j++) S[i * n + j] = S[j * n + i];
}
