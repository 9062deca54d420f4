/**
 * Streaming covariance statistics of one observable a(t) (x or phi(x)) over K trials (THEORY §4.1, §5.1):
 *
 *   pooled lagged sums   S_l = sum_{trials, s} a(t_s) a(t_s - l)^T,  l = 0..L  (float64, rank-k updates)
 *   block sums           S^(b) = the lag-0 sums of block b (B blocks): either whole trials (trial blocks:
 *                        independent initial conditions make the blocks exactly independent) or consecutive
 *                        time slices pooling all trials (time blocks, when there are fewer trials than blocks)
 *   mean                 mu = (1/n) sum a  (pooled over trials and time)
 *   C_l  = S_l / n_l - mu mu^T            (n_l = number of (t, t - l) pairs)
 *   C^(b) = S^(b) / n_b - mu mu^T         (about the pooled mean: see summary())
 *
 *   plug-in      PR = (tr C_0)^2 / (N ||C_0||_F^2)          (biased low when samples are few, THEORY §5.1)
 *   cross-block  PR = (mean_b tr C^(b))^2 / (N mean_{a != b} tr(C^(a) C^(b)))   (rnn-lyapunov's estimator;
 *                unbiased for independent blocks: E tr(C^(a) C^(b)) = tr(C^2) when a != b)
 *   C^a(tau_l) = (1/N) tr C_l                     (neuron-averaged autocovariance)
 *   Psi^a(tau_l, 0) = (1/N) sum_ij C_l,ij C_0,ij   (collective four-point function, PRX (23))
 *
 * Psi is needed for lags 0..Lf (fullLags; Lf = 0 when only the equal-time covariance is needed, e.g. for x),
 * the neuron-averaged autocovariance (diagonal sums, O(N) per pair) for all lags 0..L. Each trial keeps a
 * history of its last L + F samples (F = flush size); every F samples (and at each block boundary) one
 * covLagAccum call adds the new samples' outer products as a rank-F update. Psi comes one of two ways:
 *
 *   stored samples (4 or more lags and the run's samples take less memory than the lag sums): only S_0 is
 *     accumulated; the samples a(t_s) are kept, and at the end, with y_s = C_0 a(t_s) (C_0 symmetric),
 *       N Psi(tau_l, 0) = <S_l, C_0> / n_l - mu^T C_0 mu,   <S_l, C_0> = sum_{trials, s >= l} y_s . a(t_{s-l}),
 *     one N x N product per sample (a backend matmat, float64) instead of Lf rank-1 updates of N x N sums:
 *     ~1/Lf of the arithmetic and none of the (Lf + 1) N^2 float64 accumulators;
 *   lag sums (1-3 lags, or long runs: more than 2 Lf N float32 samples per trial, Lf N float64): the pooled S_1..S_Lf are accumulated with
 *     the rank-F updates and Psi is <C_l, C_0> directly. Both give the same number up to rounding.
 * History rows before the first sample are zero, so early pairs with t - l < 0 contribute nothing and
 * n_l counts only real pairs. Trial blocks get their own lag-0 rank-F update at each flush (and the pooled
 * S_0 is the sum of the blocks, so no product is computed twice); time-block sums are differences of the
 * pooled S_0 taken at block boundaries. The lag-0 sums are symmetric, so only their upper triangles are
 * accumulated (covSymAccum: half the arithmetic and memory traffic of the full rank-F update, the largest cost
 * after the dynamics at N = 2000). Time blocks: state() mirrors the pooled S_0. Trial blocks: no pooled S_0 is
 * kept; summarize() adds up the blocks (in block order, the same numbers for any grouping of the trials) in the
 * pass that forms their Gram sums, and mirrors it. Block sums stay upper (the cross-block sums read only the
 * upper triangles; blockCovariances() mirrors).
 */
import { jackknife } from "../stats/estimators.ts";
import type { Backend, Buf } from "../backend/types.ts";
import type { DType } from "../errors.ts";

type FloatChunks = (Float32Array | Float64Array)[];

// samples per rank-k update: each accumulator element is loaded and stored once per FLUSH samples (32 measured ~1.7x
// faster than 16 at N = 1000, where the f64 accumulators stream from memory)
export const FLUSH = 32;

// fewest lags for which Psi comes from stored samples: their cost is one float64 N x N product per sample on the
// summarising thread, about as much as 2-4 lags' float32 rank-k updates spread over the trial groups' threads
// (at lags = 1 the dense benchmark job's 1000 samples at N = 1000 would add 1e9 serial float64 multiply-adds)
const STORE_MIN_LAGS = 4;

/** The streaming statistics' results: lagged covariances' traces and the cross-block PR estimates. */
export interface CovarianceSummary {
  n: number;
  lags: number;
  blocks: number;
  samples: number;
  /** C_0, mean-subtracted, n x n row-major (only when kept) */
  c0: Float64Array;
  mean: Float64Array;
  /** (1/N) tr C_l, l = 0..L */
  autocovariance: Float64Array;
  /** (1/N) sum_ij C_l,ij C_0,ij, l = 0..Lf */
  psi: Float64Array;
  prPlugin: number;
  prCrossBlock: number;
  /** delete-one-block jackknife standard error of prCrossBlock */
  prCrossBlockSE: number;
  /** tr C^(b) per block and tr(C^(a) C^(b)) averaged over a != b */
  blockTrace: Float64Array;
  crossBlockTrace2: number;
  /** raw lag-0 sums of the blocks, valid on and above the diagonal only (the kernel fills the upper triangle;
   *  blockCovariances() gives the whole mean-subtracted C^(b)), and their sample counts */
  blockS: Float64Array[];
  blockCount: number[];
}

/** The raw sums of one accumulator (one group of trials), plain arrays: transferable between threads and
 *  added group by group in a fixed order, so a run split over workers equals the same run on one thread. */
export interface AccumulatorState {
  n: number;
  lags: number;
  fullLags: number;
  blocks: number;
  trials: number;
  samplesPerTrial: number;
  /** the pooled lag-0 sums S_0 (n x n, whole), or null with trial blocks: summarize() adds up the blocks */
  s0: Float64Array | null;
  /** the pooled lag sums S_1..S_Lf (lag-sums mode; empty with stored samples or Lf = 0) */
  lagSums: Float64Array;
  /** stored-samples mode: every trial's samples, trials x samplesPerTrial x n (the history dtype); else null */
  samples: Float32Array | Float64Array | null;
  diag: Float64Array;
  sum: Float64Array;
  /** the blocks' lag-0 sums, valid on and above the diagonal only */
  blockS: Float64Array[];
  blockCount: number[];
}

/** Streaming lagged covariance sums over blocks of samples (float64), in backend memory. */
export class CovarianceAccumulator {
  readonly hist: Buf[];
  private readonly pending: number[];
  private readonly pooled: Buf; // S_0 (not with trial blocks: it is the sum of the blocks) and S_1..S_Lf (lag-sums mode), n^2 float64 each
  private readonly lagOffset: number; // where S_1 starts in pooled
  private readonly stored: FloatChunks[] | null; // per trial, its samples in flush-sized chunks (stored-samples mode)
  private readonly diag: Float64Array; // sum_i a_i(t) a_i(t - l), l = 0..L
  private readonly sum: Float64Array;
  private readonly blockS: Float64Array[]; // B x n^2 (time blocks)
  private readonly blockBufs: (Buf | null)[] | null; // B x n^2 in the backend (trial blocks; only this accumulator's trials' blocks)
  private readonly blockCount: number[];
  private snapshot: Float64Array; // pooled S_0 at the last time-block boundary (time blocks only)
  private samplesPerTrial = 0;

  constructor(
    private readonly be: Backend,
    readonly n: number,
    readonly trials: number,
    readonly lags: number,
    readonly fullLags: number,
    readonly blocks: number,
    private readonly dtype: DType,
    /** trial blocks: the block of each of this accumulator's trials (null: time blocks via endBlock) */
    private readonly blockOfTrial: number[] | null = null,
    /** Psi from stored samples or lag sums: `samplesPerTrial` (the samples each trial will push) chooses the
     *  one that takes less memory (see above); `storeSamples` forces a choice; neither: lag sums */
    psiFrom: { samplesPerTrial?: number; storeSamples?: boolean } = {},
  ) {
    if (fullLags > lags)
      throw new RangeError(`invalid argument: \`fullLags\` must be <= lags = ${lags}; got \`${fullLags}\``);
    this.hist = Array.from({ length: trials }, () => be.alloc(dtype, (lags + FLUSH) * n));
    this.pending = new Array(trials).fill(0);
    const store =
      fullLags > 0 &&
      (psiFrom.storeSamples ?? CovarianceAccumulator.storesSamples(n, fullLags, dtype, psiFrom.samplesPerTrial));
    this.stored = store ? Array.from({ length: trials }, () => []) : null;
    this.lagOffset = blockOfTrial ? 0 : n * n;
    this.pooled = be.alloc("float64", this.lagOffset + (store ? 0 : fullLags * n * n));
    this.diag = new Float64Array(lags + 1);
    this.sum = new Float64Array(n);
    this.blockS = Array.from({ length: blocks }, () => new Float64Array(blockOfTrial ? 0 : n * n));
    this.blockBufs = blockOfTrial
      ? Array.from({ length: blocks }, (_, b) => (blockOfTrial.includes(b) ? be.alloc("float64", n * n) : null))
      : null;
    this.blockCount = new Array(blocks).fill(0);
    this.snapshot = new Float64Array(blockOfTrial ? 0 : n * n);
  }

  /** Bytes of memory this accumulator needs at most (for a memory check before allocating; with trial blocks it
   *  holds no pooled S_0, one N^2 float64 less); `blocks`: the block sums
   *  it holds (all of them with time blocks, those of its own trials with trial blocks). */
  static bytes(
    n: number,
    trials: number,
    lags: number,
    fullLags: number,
    blocks: number,
    dtype: DType,
    samplesPerTrial?: number,
  ): number {
    const s = dtype === "float32" ? 4 : 8;
    const lagged = CovarianceAccumulator.storesSamples(n, fullLags, dtype, samplesPerTrial)
      ? trials * samplesPerTrial! * n * s
      : fullLags * n * n * 8;
    return trials * (lags + FLUSH) * n * s + n * n * 8 + lagged + blocks * n * n * 8;
  }

  /** Psi from stored samples when there are at least STORE_MIN_LAGS lags and one trial's T N samples take no
   *  more memory than the Lf N^2 float64 lag sums (which all of a group's trials share; comparing per trial
   *  makes the choice independent of how the trials are grouped, so a run gives the same numbers on any number
   *  of threads). */
  static storesSamples(n: number, fullLags: number, dtype: DType, samplesPerTrial?: number): boolean {
    return (
      fullLags >= STORE_MIN_LAGS &&
      samplesPerTrial !== undefined &&
      samplesPerTrial * n * (dtype === "float32" ? 4 : 8) <= fullLags * n * n * 8
    );
  }

  /** Append one sample per trial: `states` holds trials x n values (backend buffer of the history dtype). */
  push(states: Buf): void {
    const v = this.be.view(states);
    const n = this.n;
    for (let k = 0; k < this.trials; k++) {
      const h = this.be.view(this.hist[k]);
      h.set(v.subarray(k * n, (k + 1) * n), (this.lags + this.pending[k]) * n);
      this.pending[k]++;
      if (this.pending[k] === FLUSH) this.flushTrial(k);
    }
    this.samplesPerTrial++;
  }

  private flushTrial(k: number): void {
    const f = this.pending[k];
    if (f === 0) return;
    const n = this.n,
      L = this.lags,
      Lf = this.fullLags;
    if (this.blockBufs && this.blockOfTrial) {
      // trial blocks: lag 0 goes to the trial's block only (the pooled S_0 is their sum, formed by summarize()),
      // lags 1..Lf to the pooled sums — each product is computed once
      const b = this.blockOfTrial[k];
      this.be.covSymAccum(n, f, this.be.sub(this.hist[k], L * n, f * n), this.blockBufs[b]!);
      this.blockCount[b] += f;
    } else {
      this.be.covSymAccum(n, f, this.be.sub(this.hist[k], L * n, f * n), this.be.sub(this.pooled, 0, n * n));
    }
    if (Lf > 0 && !this.stored)
      this.be.covLagAccum(
        n,
        f,
        Lf,
        this.be.sub(this.hist[k], (L - Lf) * n, (Lf + f) * n),
        this.be.sub(this.pooled, this.lagOffset, Lf * n * n),
        1,
      );
    const h = this.be.view(this.hist[k]);
    this.stored?.[k].push(h.slice(L * n, (L + f) * n));
    for (let s = 0; s < f; s++) {
      const a = (L + s) * n;
      for (let i = 0; i < n; i++) this.sum[i] += h[a + i];
      for (let l = 0; l <= L; l++) {
        const b = (L + s - l) * n;
        let acc = 0;
        for (let i = 0; i < n; i++) acc += h[a + i] * h[b + i];
        this.diag[l] += acc;
      }
    }
    this.be.copyWithin(this.hist[k], 0, f * n, (f + L) * n);
    this.be.fill(this.be.sub(this.hist[k], L * n, FLUSH * n), 0);
    this.pending[k] = 0;
  }

  private block = 0;

  /** Close block b: flush every trial and take the lag-0 sums of the slice since the last boundary. */
  endBlock(): void {
    for (let k = 0; k < this.trials; k++) this.flushTrial(k);
    if (this.blockBufs) return; // trial blocks are complete at every flush
    const p0 = this.be.view(this.pooled).subarray(0, this.n * this.n);
    const dst = this.blockS[this.block];
    for (let i = 0; i < dst.length; i++) {
      dst[i] += p0[i] - this.snapshot[i];
    }
    this.snapshot = Float64Array.from(p0);
    this.blockCount[this.block] = this.samplesPerTrial * this.trials - this.blockCount.reduce((a, b) => a + b, 0);
    if (this.block < this.blocks - 1) this.block++;
  }

  /** Release the accumulator's backend memory. */
  free(): void {
    for (const h of this.hist) this.be.free(h);
    for (const b of this.blockBufs ?? []) if (b) this.be.free(b);
    this.be.free(this.pooled);
  }

  /** A copy of the raw sums. */
  state(): AccumulatorState {
    // trial blocks: a block none of this accumulator's trials belongs to has no sums (count 0, an empty array)
    const blockS = this.blockBufs
      ? this.blockBufs.map((b) => (b ? (this.be.read(b) as Float64Array) : new Float64Array(0)))
      : this.blockS.map((b) => Float64Array.from(b));
    // S_0 (time blocks; trial blocks: summarize() adds up the blocks, so it crosses no thread boundary twice),
    // whole: the lag-0 kernel fills the upper triangle only
    const nn = this.n * this.n;
    let s0: Float64Array | null = null;
    if (!this.blockBufs) {
      s0 = this.be.read(this.be.sub(this.pooled, 0, nn)) as Float64Array;
      mirrorUpper(s0, this.n);
    }
    const lagSums = this.be.read(
      this.be.sub(this.pooled, this.lagOffset, this.stored ? 0 : this.fullLags * nn),
    ) as Float64Array;
    let samples: Float32Array | Float64Array | null = null;
    if (this.stored) {
      const T = this.samplesPerTrial,
        n = this.n;
      samples =
        this.dtype === "float32" ? new Float32Array(this.trials * T * n) : new Float64Array(this.trials * T * n);
      this.stored.forEach((chunks, k) => {
        let o = k * T * n;
        for (const c of chunks) {
          samples!.set(c, o);
          o += c.length;
        }
      });
    }
    return {
      n: this.n,
      lags: this.lags,
      fullLags: this.fullLags,
      blocks: this.blocks,
      trials: this.trials,
      samplesPerTrial: this.samplesPerTrial,
      s0,
      lagSums,
      samples,
      diag: Float64Array.from(this.diag),
      sum: Float64Array.from(this.sum),
      blockS,
      blockCount: [...this.blockCount],
    };
  }

  /** The estimates from the sums so far. */
  summary(): CovarianceSummary {
    return summarize([this.state()], this.be);
  }
}

/** Add the groups' sums (in the given order) and derive the statistics (see the module comment); `be` does
 *  the products C_0 a(t_s) of stored samples and the blocks' Gram sums. Takes ownership of the groups' arrays:
 *  sums are added into the first group's, C_0 is formed in place of S_0, and the summary's blockS are the
 *  groups' own arrays (every caller passes fresh state(), so no copy of O(B N^2) floats is made). */
export function summarize(groups: AccumulatorState[], be: Backend): CovarianceSummary {
  const g0 = groups[0];
  const n = g0.n,
    L = g0.lags,
    Lf = g0.fullLags,
    T = g0.samplesPerTrial,
    nn = n * n;
  const K = groups.reduce((a, g) => a + g.trials, 0);
  for (const g of groups) {
    if (
      g.samplesPerTrial !== T ||
      g.n !== n ||
      g.lags !== L ||
      g.fullLags !== Lf ||
      !g.samples !== !g0.samples ||
      !g.s0 !== !g0.s0
    )
      throw new Error("summarize: groups of different shape");
  }
  // Sums over groups, in group order, added into the first group's array. A block with no samples in a group
  // (trial blocks live in one group) has all-zero sums there and is skipped.
  const addUp = (arrays: Float64Array[]) => {
    const out = arrays[0];
    for (const a of arrays.slice(1)) for (let i = 0; i < out.length; i++) out[i] += a[i];
    return out;
  };
  const lagSums = addUp(groups.map((g) => g.lagSums)),
    diag = addUp(groups.map((g) => g.diag)),
    sum = addUp(groups.map((g) => g.sum));
  const blockS = g0.blockS.map((_, k) => {
    const parts = groups.filter((g) => g.blockCount[k] > 0).map((g) => g.blockS[k]);
    return parts.length ? addUp(parts) : new Float64Array(nn);
  });
  const blockCount = g0.blockCount.map((_, k) => groups.reduce((a, g) => a + g.blockCount[k], 0));
  const pairs = Float64Array.from({ length: L + 1 }, (_, l) => K * Math.max(0, T - l));
  const total = K * T;
  const mean = sum.map((v) => v / total);
  let mu2 = 0;
  for (const v of mean) mu2 += v * v;
  // The blocks' Gram sums (below) and, with trial blocks, S_0 as the sum of all blocks in block order (the same
  // numbers however the trials were grouped); C_0 is formed in place of S_0
  const s0 = g0.s0 ? addUp(groups.map((g) => g.s0!)) : new Float64Array(nn);
  const B = blockS.length;
  const { gram, quad } = blockGram(be, n, blockS, mean, g0.s0 ? null : s0);
  const c0 = centred(s0, pairs[0], mean, s0);
  let tr0 = 0,
    fro = 0;
  for (let i = 0; i < n; i++) tr0 += c0[i * n + i];
  for (let i = 0; i < nn; i++) fro += c0[i] * c0[i];
  const autocovariance = Float64Array.from({ length: L + 1 }, (_, l) => (diag[l] / pairs[l] - mu2) / n);
  // Psi(tau_l, 0) = (1/N) sum_ij C_l,ij C_0,ij without forming C_l
  const psi = new Float64Array(Lf + 1);
  psi[0] = fro / n;
  if (g0.samples) {
    const lagged = laggedWithC0(
      be,
      c0,
      groups.map((g) => g.samples!),
      n,
      T,
      Lf,
    );
    let muCmu = 0;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += c0[i * n + j] * mean[j];
      muCmu += mean[i] * r;
    }
    for (let l = 1; l <= Lf; l++) psi[l] = (lagged[l] / pairs[l] - muCmu) / n;
  } else
    for (let l = 1; l <= Lf; l++) {
      const o = (l - 1) * nn,
        np = pairs[l];
      let dot = 0;
      for (let i = 0; i < n; i++) {
        const mi = mean[i],
          r = i * n;
        for (let j = 0; j < n; j++) dot += (lagSums[o + r + j] / np - mi * mean[j]) * c0[r + j];
      }
      psi[l] = dot / n;
    }
  // cross-block estimator. Each block's covariance is taken about the pooled mean, not the block's own:
  // subtracting block means would remove the variance of collective modes slower than a block
  // (leading-PC timescales can be long, PRL Fig. 4) and bias PR upwards. With C^(b) = S_b / n_b - mu mu^T,
  //   tr C^(b) = tr S_b / n_b - |mu|^2,
  //   sum_ij C^(a)_ij C^(b)_ij = G_ab / (n_a n_b) - mu^T S_a mu / n_a - mu^T S_b mu / n_b + |mu|^4,
  // with the Gram matrix G_ab = sum_ij S_a,ij S_b,ij (blockGram above): no block covariance is formed.
  const blockTrace = Float64Array.from(blockS, (S, b) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += S[i * n + i];
    return t / blockCount[b] - mu2;
  });
  const pairTraces = new Float64Array(B * B);
  let cross = 0,
    count = 0;
  for (let a = 0; a < B; a++)
    for (let b = a + 1; b < B; b++) {
      const na = blockCount[a],
        nb = blockCount[b];
      const v = gram[a * B + b] / (na * nb) - quad[a] / na - quad[b] / nb + mu2 * mu2;
      pairTraces[a * B + b] = pairTraces[b * B + a] = v;
      cross += v;
      count++;
    }
  cross = count ? cross / count : NaN;
  let mt = 0;
  for (const t of blockTrace) mt += t / blockTrace.length;
  const prCrossBlockSE = jackknife(n, blockTrace, pairTraces);
  return {
    n,
    lags: L,
    blocks: B,
    samples: total,
    c0,
    mean,
    autocovariance,
    psi,
    prPlugin: (tr0 * tr0) / (n * fro),
    prCrossBlock: (mt * mt) / (n * cross),
    prCrossBlockSE,
    blockTrace,
    crossBlockTrace2: cross,
    blockS,
    blockCount,
  };
}

/** <S_l, C_0> = sum over trials and s >= l of y_s . a(t_{s-l}) with y_s = C_0 a(t_s), l = 1..Lf, from the
 *  stored samples (each group's trials x T x n, in group order): the products in the backend, CHUNK samples
 *  at a time as float64. */
function laggedWithC0(
  be: Backend,
  c0: Float64Array,
  groups: (Float32Array | Float64Array)[],
  n: number,
  T: number,
  Lf: number,
): Float64Array {
  const CHUNK = 64;
  const out = new Float64Array(Lf + 1);
  const cb = be.alloc("float64", n * n),
    xb = be.alloc("float64", CHUNK * n),
    yb = be.alloc("float64", CHUNK * n);
  try {
    be.write(cb, c0);
    for (const a of groups) {
      for (let t0 = 0; t0 < a.length; t0 += T * n) {
        for (let s0 = 0; s0 < T; s0 += CHUNK) {
          const k = Math.min(CHUNK, T - s0);
          be.write(xb, a.subarray(t0 + s0 * n, t0 + (s0 + k) * n));
          be.matmat(n, n, k, cb, xb, yb);
          const y = be.view(yb);
          for (let s = 0; s < k; s++) {
            const ys = s * n;
            for (let l = 1; l <= Math.min(Lf, s0 + s); l++) {
              const b = t0 + (s0 + s - l) * n;
              let dot = 0;
              for (let i = 0; i < n; i++) dot += y[ys + i] * a[b + i];
              out[l] += dot;
            }
          }
        }
      }
    }
  } finally {
    be.free(cb);
    be.free(xb);
    be.free(yb);
  }
  return out;
}

/** The blocks' mean-subtracted covariances C^(b) = S_b / n_b - mu mu^T (for reweighted estimators, e.g. gains),
 *  whole (the block sums hold their upper triangles only). */
export function blockCovariances(s: CovarianceSummary): Float64Array[] {
  return s.blockS.map((S, b) => {
    const c = centred(S, s.blockCount[b], s.mean);
    mirrorUpper(c, s.n);
    return c;
  });
}

/** Copy the upper triangle of the symmetric n x n row-major S into its lower triangle, in 32 x 32 tiles (the rows
 *  read and the rows written stay in cache). */
function mirrorUpper(S: Float64Array, n: number): void {
  const T = 32;
  for (let ib = 0; ib < n; ib += T)
    for (let jb = 0; jb <= ib; jb += T)
      for (let i = ib; i < Math.min(ib + T, n); i++)
        for (let j = jb, end = Math.min(jb + T, i); j < end; j++) S[i * n + j] = S[j * n + i];
}

/** C = S / count - mu mu^T from the first n^2 entries of S (a lag-0 sum), into `out` (which may be S). */
function centred(
  S: Float64Array,
  count: number,
  mean: Float64Array,
  out: Float64Array = new Float64Array(mean.length ** 2),
): Float64Array {
  const n = mean.length;
  for (let i = 0; i < n; i++) {
    const mi = mean[i],
      r = i * n;
    for (let j = 0; j < n; j++) out[r + j] = S[r + j] / count - mi * mean[j];
  }
  return out;
}

/** The blocks' Gram matrix G_ab = sum_ij S_a,ij S_b,ij (a < b; upper triangle of G) and mu^T S_a mu (and, when
 *  `total` is given, sum_a S_a written to it, whole), by the
 *  backend's gramUpper over bands of rows (~1 MB of the B blocks at a time, copied into backend memory). The lag-0
 *  sums are symmetric and hold their upper triangles only (covSymAccum), so both are sums over the upper
 *  triangles: the diagonal once, the rest twice. */
function blockGram(
  be: Backend,
  n: number,
  blocks: Float64Array[],
  mean: Float64Array,
  total: Float64Array | null,
): { gram: Float64Array; quad: Float64Array } {
  const B = blocks.length;
  const rows = Math.max(1, Math.min(n, Math.floor(2 ** 17 / (B * n))));
  const s = be.alloc("float64", B * rows * n),
    mu = be.alloc("float64", n),
    g = be.alloc("float64", B * B),
    q = be.alloc("float64", B);
  const t = be.alloc("float64", total ? rows * n : 0);
  try {
    be.write(mu, mean);
    be.fill(g, 0);
    be.fill(q, 0);
    for (let r0 = 0; r0 < n; r0 += rows) {
      const r = Math.min(rows, n - r0);
      blocks.forEach((S, a) => be.write(s, S.subarray(r0 * n, (r0 + r) * n), a * r * n));
      be.gramUpper(n, B, r0, r, s, mu, g, q);
      if (total) {
        // the band of sum_a S_a, blocks added in order (the rows' entries below the diagonal are mirrored after)
        const band = be.sub(t, 0, r * n);
        be.fill(band, 0);
        be.rowSumAccum(r * n, B, be.sub(s, 0, B * r * n), band);
        total.set(be.view(band), r0 * n);
      }
    }
    if (total) mirrorUpper(total, n);
    return { gram: be.read(g) as Float64Array, quad: be.read(q) as Float64Array };
  } finally {
    for (const b of [s, mu, g, q, t]) be.free(b);
  }
}
