/**
 * The streaming statistics in sample space (THEORY §5.1; stats.ts chooses the space): with S stored samples
 * a(t_r) (all trials, in trial order), their pooled mean mu and the centred samples y_r = a(t_r) - mu, every sum of
 * the N x N path is a sum over the centred Gram matrix K_rs = y_r . y_s (S x S, float64). The summary's block
 * covariances are C^(b) = S^(b) / n_b - mu mu^T (as in summary.ts); with a = y + mu,
 *
 *   C^(b) = A_b + u_b mu^T + mu u_b^T,   A_b = (1/n_b) sum_{r in b} y_r y_r^T,   u_b = (1/n_b) sum_{r in b} y_r,
 *   tr C^(b) = tr A_b + 2 mu . u_b,                    tr A_b = (1/n_b) sum_{r in b} K_rr,
 *   tr(C^(a) C^(b)) = tr(A_a A_b) + 2 mu^T A_a u_b + 2 mu^T A_b u_a + 2 (mu . u_a)(mu . u_b) + 2 |mu|^2 u_a . u_b,
 *     tr(A_a A_b) = sum_{r in a, s in b} K_rs^2 / (n_a n_b)                  (||Y_a Y_b^T||_F^2)
 *     mu^T A_a u_b = sum_{r in a} p_r sum_{s in b} K_rs / (n_a n_b),   u_a . u_b = sum_{r in a, s in b} K_rs / (n_a n_b),
 *     p_r = mu . y_r;
 *   C_0 = Y^T Y / S (the pooled covariance, centred exactly):  ||C_0||_F^2 = ||K||_F^2 / S^2;
 *   <C_l, C_0> = sum_{pairs (r, r - l)} sum_s K_rs K_{r-l,s} / (n_l S) + (sum_{r leading} q_r + sum_{r lagged} q_r) / (n_l S),
 *     q = K p   (the mean terms of C_l = A_l + v_l mu^T + mu w_l^T; Psi from shifted Gram products).
 *
 * Every term is a sum of centred quantities: no |mu|^4 is subtracted from a sum of that size, so a large mean (an
 * input, x itself) costs no accuracy — the N x N path's expansion loses digits there, this one does not. Memory is
 * O(S N + S^2) and work O(S^2 N) instead of O(B N^2) and O(S N^2). K is formed on the backend by its lag-0 kernel
 * applied to the transposed centred samples, 32 neurons per call (each neuron a "sample" of length S there).
 * Reweighted observables (diag(w) C diag(w), the gain observables of THEORY §4.6) are the same sums for the samples
 * w ⊙ a(t_r), whose mean is w ⊙ mu.
 */
import type { Backend, Buf } from "../backend/types.ts";
import { jackknife } from "../stats/estimators.ts";
import type { AccumulatorState, CovarianceSummary } from "./stats.ts";

type Samples = Float32Array | Float64Array;

// neurons per lag-0 kernel call: the N x N path's flush size (same float32 partial sums)
const NEURONS_PER_CALL = 32;

/**
 * K = Y Y^T for the centred samples y_r = w ⊙ (a(t_r) - mu) (the arrays' rows of n values, in order; S rows in
 * all; w = 1 without weights), on the backend as a whole S x S float64 matrix; `use` reads it (the buffer and a view
 * of it), then it is freed.
 */
export function withGram<R>(
  be: Backend,
  samples: Samples[],
  n: number,
  mean: Float64Array,
  weights: Float64Array | null,
  use: (k: Buf, view: Float64Array) => R,
): R {
  const S = samples.reduce((a, x) => a + x.length / n, 0);
  const dtype = samples[0] instanceof Float32Array ? "float32" : "float64";
  let xt: Buf | null = be.alloc(dtype, n * S);
  let kb: Buf | null = null;
  try {
    // Y^T: row i holds neuron i's S centred values (in tiles of 64 samples, so the reads stay in cache)
    const t = be.view(xt);
    let r0 = 0;
    for (const a of samples) {
      const rows = a.length / n;
      for (let rb = 0; rb < rows; rb += 64) {
        const re = Math.min(rows, rb + 64);
        for (let i = 0; i < n; i++) {
          const w = weights ? weights[i] : 1,
            m = mean[i],
            o = i * S + r0;
          for (let r = rb; r < re; r++) t[o + r] = (a[r * n + i] - m) * w;
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

/** The cross-block sums of one centred Gram matrix (see the module comment), with p_r = mu . y_r and |mu|^2: the
 *  blocks' traces and pair traces tr(C^(a) C^(b)), the cross-block PR and its jackknife error, ||K||_F^2 and K p. */
function crossBlockSums(
  K: Float64Array,
  S: number,
  n: number,
  block: Int32Array,
  count: number[],
  p: Float64Array,
  mu2: number,
): { blockTrace: Float64Array; cross: number; pr: number; se: number; trace: number; fro2: number; q: Float64Array } {
  const B = count.length;
  const traceA = new Float64Array(B), // sum_{r in b} K_rr
    pu = new Float64Array(B), // sum_{r in b} p_r
    gram = new Float64Array(B * B), // sum_{r in a, s in b} K_rs^2
    sums = new Float64Array(B * B), // sum_{r in a, s in b} K_rs
    pk = new Float64Array(B * B); // sum_{r in a} p_r sum_{s in b} K_rs
  const q = new Float64Array(S);
  const sq = new Float64Array(B),
    plain = new Float64Array(B);
  for (let r = 0; r < S; r++) {
    const a = block[r],
      o = r * S;
    traceA[a] += K[o + r];
    pu[a] += p[r];
    sq.fill(0);
    plain.fill(0);
    let qr = 0;
    for (let s = 0; s < S; s++) {
      const v = K[o + s],
        b = block[s];
      sq[b] += v * v;
      plain[b] += v;
      qr += v * p[s];
    }
    q[r] = qr;
    for (let b = 0; b < B; b++) {
      gram[a * B + b] += sq[b];
      sums[a * B + b] += plain[b];
      pk[a * B + b] += p[r] * plain[b];
    }
  }
  // tr C^(b) = tr A_b + 2 mu . u_b
  const blockTrace = Float64Array.from(traceA, (t, b) => (t + 2 * pu[b]) / count[b]);
  const pairTraces = new Float64Array(B * B);
  let cross = 0,
    pairs = 0;
  for (let a = 0; a < B; a++)
    for (let b = a + 1; b < B; b++) {
      const nn = count[a] * count[b];
      const v =
        gram[a * B + b] / nn +
        (2 * (pk[a * B + b] + pk[b * B + a])) / nn +
        (2 * pu[a] * pu[b]) / nn +
        (2 * mu2 * sums[a * B + b]) / nn;
      pairTraces[a * B + b] = pairTraces[b * B + a] = v;
      cross += v;
      pairs++;
    }
  cross = pairs ? cross / pairs : NaN;
  let mt = 0,
    trace = 0,
    fro2 = 0;
  for (const t of blockTrace) mt += t / B;
  for (const t of traceA) trace += t;
  for (const g of gram) fro2 += g;
  return {
    blockTrace,
    cross,
    pr: (mt * mt) / (n * cross),
    se: jackknife(n, blockTrace, pairTraces),
    trace,
    fro2,
    q,
  };
}

/** p_r = (w ⊙ (a(t_r) - mu)) . (w ⊙ mu) for every stored sample, and each neuron's sum of squared deviations. */
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
        const v = a[o + i] - mean[i];
        d += v * m[i];
        sumSq[i] += v * v;
      }
      p[r] = d;
    }
  return { p, sumSq };
}

/** The groups' sums added element by element in group order, into the first array (summarize() owns the groups'
 *  arrays): the same numbers however the trials were grouped. */
export function addInOrder(arrays: Float64Array[]): Float64Array {
  const out = arrays[0];
  for (const a of arrays.slice(1)) for (let i = 0; i < out.length; i++) out[i] += a[i];
  return out;
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
  const diag = addInOrder(groups.map((g) => g.diag)),
    sum = addInOrder(groups.map((g) => g.sum));
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
  const variance = sumSq.map((v) => v / S);
  const autocovariance = Float64Array.from({ length: L + 1 }, (_, l) => (diag[l] / pairs[l] - mu2) / n);
  const withinTrial = withinTrialAutocovariance(groups, diag, pairs, n);
  const psi = new Float64Array(Lf + 1);
  const c = withGram(be, samples, n, mean, null, (kb, K) => {
    const cb = crossBlockSums(K, S, n, block, blockCount, p, mu2);
    // C_0 = Y^T Y / S: ||C_0||_F^2 = ||K||_F^2 / S^2
    const fro = cb.fro2 / (S * S);
    psi[0] = fro / n;
    for (let l = 1; l <= Lf; l++) {
      let lagged = 0,
        means = 0;
      for (let k = 0; k < trials; k++)
        for (let s = l; s < T; s++) {
          const r = k * T + s;
          lagged += be.dot(S, be.sub(kb, r * S, S), be.sub(kb, (r - l) * S, S));
          means += cb.q[r] + cb.q[r - l]; // the leading and the lagged sample of the pair
        }
      psi[l] = (lagged + means) / (pairs[l] * S) / n;
    }
    return { ...cb, tr0: cb.trace / S, fro };
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
  let mu2 = 0;
  for (let i = 0; i < s.n; i++) mu2 += (s.mean[i] * w[i]) ** 2;
  const { p } = projections(samples, s.n, s.mean, w);
  return withGram(
    be,
    samples,
    s.n,
    s.mean,
    w,
    (_, K) => crossBlockSums(K, s.samples, s.n, block, s.blockCount, p, mu2).pr,
  );
}

/** C_0 = (1/S) sum_r y_r y_r^T (n x n, whole), y_r = a(t_r) - mu, from a sample-space summary's stored samples, by
 *  the backend's lag-0 kernel on the centred samples (32 per call, as the N x N path accumulates). */
export function sampleCovariance(s: CovarianceSummary, be: Backend): Float64Array {
  const n = s.n,
    samples = s.stored!.samples;
  const dtype = samples[0] instanceof Float32Array ? "float32" : "float64";
  const acc = be.alloc("float64", n * n),
    rows = be.alloc(dtype, 32 * n);
  const centred = dtype === "float32" ? new Float32Array(32 * n) : new Float64Array(32 * n);
  try {
    be.fill(acc, 0);
    for (const a of samples)
      for (let r0 = 0; r0 < a.length / n; r0 += 32) {
        const k = Math.min(32, a.length / n - r0);
        for (let q = 0; q < k * n; q++) centred[q] = a[r0 * n + q] - s.mean[q % n];
        be.write(rows, centred.subarray(0, k * n));
        be.covSymAccum(n, k, be.sub(rows, 0, k * n), acc);
      }
    const c = be.read(acc) as Float64Array;
    mirrorUpper(c, n);
    for (let q = 0; q < n * n; q++) c[q] /= s.samples;
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
