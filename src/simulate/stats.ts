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
 * n_l counts only real pairs. Every flush adds its lag-0 rank-F update to one block's sums only — the trial's
 * block (trial blocks) or the current time slice's (time blocks) — and no pooled S_0 is kept: summarize() adds up
 * the blocks (in block order, the same numbers for any grouping of the trials) in the pass that forms their Gram
 * sums, and mirrors it, so no product is computed twice and nothing at a block boundary costs O(N^2). The lag-0
 * sums are symmetric, so only their upper triangles are accumulated (covSymAccum: half the arithmetic and memory
 * traffic of the full rank-F update, the largest cost after the dynamics at N = 2000). Block sums stay upper (the
 * cross-block sums read only the upper triangles; blockCovariances() mirrors).
 *
 * Sample space (space "samples", chosen by statisticsSpace() when a run's samples are fewer than N): no N x N sum
 * at all. Every sample is stored (T N floats per trial) with its block, and summarize() works with the Gram matrix
 * of all samples, K_rs = a(t_r) . a(t_s) (S x S for S stored samples), instead (THEORY §5.1, src/simulate/gram.ts):
 *   tr S^(b) = sum_{r in b} K_rr,   sum_ij S^(a)_ij S^(b)_ij = sum_{r in a, s in b} K_rs^2,
 *   mu^T S^(b) mu = sum_{r in b} (mu . a(t_r))^2  with  mu . a(t_r) = (1/S) sum_s K_rs,
 *   sum_ij S_l,ij S_0,ij = sum_{pairs (r, r - l)} sum_s K_rs K_{r-l,s}   (Psi from shifted Gram products),
 * so memory is O(S N + S^2) and the cost O(S^2 N) against the N x N path's O(S N^2 + B N^2): the same numbers up
 * to rounding (the tests compare the two).
 */
import type { Backend, Buf } from "../backend/types.ts";
import type { DType } from "../errors.ts";
import { summarize } from "./summary.ts";

// samples per rank-k update: each accumulator element is loaded and stored once per FLUSH samples (32 measured ~1.7x
// faster than 16 at N = 1000, where the f64 accumulators stream from memory)
export const FLUSH = 32;

// fewest lags for which Psi comes from stored samples: their cost is one float64 N x N product per sample on the
// summarising thread, about as much as 2-4 lags' float32 rank-k updates spread over the trial groups' threads
// (at lags = 1 the dense benchmark job's 1000 samples at N = 1000 would add 1e9 serial float64 multiply-adds)
const STORE_MIN_LAGS = 4;

/** Where the statistics are formed: N x N sums ("sums") or the stored samples' Gram matrix ("samples"). */
export type StatisticsSpace = "samples" | "sums";

/**
 * The cheaper space for a run of `totalSamples` samples (all trials) of N neurons: the Gram matrix costs
 * S^2 N / 2 multiply-adds and S N + S^2 memory, the N x N sums S N^2 / 2 and B N^2 per group — so samples when
 * S <= N. Either gives the same numbers up to rounding.
 */
export function statisticsSpace(n: number, totalSamples: number): StatisticsSpace {
  return totalSamples <= n ? "samples" : "sums";
}

/** The streaming statistics' results: lagged covariances' traces and the cross-block PR estimates. */
export interface CovarianceSummary {
  n: number;
  lags: number;
  blocks: number;
  samples: number;
  /** where the sums were formed */
  space: StatisticsSpace;
  /** C_0, mean-subtracted, n x n row-major (N x N space only; sampleCovariance() forms it from stored samples) */
  c0: Float64Array | null;
  mean: Float64Array;
  /** the diagonal of C_0: each neuron's variance */
  variance: Float64Array;
  /** (1/N) tr C_l, l = 0..L */
  autocovariance: Float64Array;
  /** the same within trials: about each trial's own mean, (1/N)(sum_{pairs} a(t) . a(t - l) / n_l - mean_k |m_k|^2)
   *  (m_k trial k's mean) — what each trajectory does in time, without the spread between trials (a fixed point
   *  per trial has 0 here, whatever the pooled variance) */
  withinTrial: Float64Array;
  /** (1/N) sum_ij C_l,ij C_0,ij, l = 0..Lf */
  psi: Float64Array;
  prPlugin: number;
  prCrossBlock: number;
  /** delete-one-block jackknife standard error of prCrossBlock */
  prCrossBlockSE: number;
  /** tr C^(b) per block and tr(C^(a) C^(b)) averaged over a != b */
  blockTrace: Float64Array;
  crossBlockTrace2: number;
  /** N x N space: raw lag-0 sums of the blocks, valid on and above the diagonal only (blockCovariances() gives
   *  the whole mean-subtracted C^(b)), else null */
  blockS: Float64Array[] | null;
  blockCount: number[];
  /** sample space: the stored samples (S x n, trial-major, in trial order) and the block of each, else null */
  stored: { samples: (Float32Array | Float64Array)[]; block: Int32Array } | null;
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
  space: StatisticsSpace;
  /** the pooled lag sums S_1..S_Lf (lag-sums mode; empty with stored samples or Lf = 0) */
  lagSums: Float64Array;
  /** stored samples (sample space, or Psi from stored samples): trials x samplesPerTrial x n (the history dtype);
   *  else null */
  samples: Float32Array | Float64Array | null;
  /** sample space: the block of each stored sample (trials x samplesPerTrial); else null */
  sampleBlock: Int32Array | null;
  diag: Float64Array;
  sum: Float64Array;
  /** |m_k|^2 for each trial k: the squared norm of its mean over time */
  trialMeanSq: Float64Array;
  /** the blocks' lag-0 sums, valid on and above the diagonal only (empty arrays in sample space) */
  blockS: Float64Array[];
  blockCount: number[];
}

/** Streaming lagged covariance sums over blocks of samples (float64), in backend memory. */
export class CovarianceAccumulator {
  readonly hist: Buf[];
  private readonly pending: number[];
  private readonly pooled: Buf; // S_1..S_Lf (lag-sums mode), n^2 float64 each
  /** stored samples, trials x capacity x n (sample space, or Psi from stored samples), else null */
  private stored: Float32Array | Float64Array | null = null;
  private storedBlock: Int32Array | null = null;
  private capacity: number;
  private readonly written: number[]; // samples stored per trial
  private readonly diag: Float64Array; // sum_i a_i(t) a_i(t - l), l = 0..L
  private readonly sum: Float64Array;
  private readonly trialSum: Float64Array; // each trial's sum_t a(t), trials x n
  /** B x n^2 lag-0 block sums in the backend (trial blocks: only this accumulator's trials' blocks; none in
   *  sample space) */
  private readonly blockBufs: (Buf | null)[];
  private readonly blockCount: number[];
  private samplesPerTrial = 0;
  readonly space: StatisticsSpace;

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
    /** `space`: sample space or N x N sums (default sums). In N x N space Psi comes from stored samples or lag
     *  sums: `samplesPerTrial` (the samples each trial will push) chooses the one that takes less memory (see
     *  above); `storeSamples` forces a choice; neither: lag sums. `samplesPerTrial` also sizes the sample store. */
    opts: { samplesPerTrial?: number; storeSamples?: boolean; space?: StatisticsSpace } = {},
  ) {
    if (fullLags > lags)
      throw new RangeError(`invalid argument: \`fullLags\` must be <= lags = ${lags}; got \`${fullLags}\``);
    this.space = opts.space ?? "sums";
    const samples = this.space === "samples";
    this.hist = Array.from({ length: trials }, () => be.alloc(dtype, (lags + FLUSH) * n));
    this.pending = new Array(trials).fill(0);
    this.written = new Array(trials).fill(0);
    const store =
      samples ||
      (fullLags > 0 &&
        (opts.storeSamples ?? CovarianceAccumulator.storesSamples(n, fullLags, dtype, opts.samplesPerTrial)));
    this.capacity = opts.samplesPerTrial ?? FLUSH;
    if (store) this.stored = this.newStore(this.capacity);
    if (samples) this.storedBlock = new Int32Array(trials * this.capacity);
    // the lag sums S_1..S_Lf (N x N space without stored samples); no pooled S_0: summarize() adds up the blocks
    this.pooled = be.alloc("float64", store ? 0 : fullLags * n * n);
    this.diag = new Float64Array(lags + 1);
    this.sum = new Float64Array(n);
    this.trialSum = new Float64Array(trials * n);
    // time blocks: every block (all trials pass through each); trial blocks: those of this accumulator's trials
    this.blockBufs = Array.from({ length: blocks }, (_, b) =>
      !samples && (!blockOfTrial || blockOfTrial.includes(b)) ? be.alloc("float64", n * n) : null,
    );
    this.blockCount = new Array(blocks).fill(0);
  }

  private newStore(capacity: number): Float32Array | Float64Array {
    const len = this.trials * capacity * this.n;
    return this.dtype === "float32" ? new Float32Array(len) : new Float64Array(len);
  }

  /** Bytes of memory this accumulator needs at most (for a memory check before allocating); `blocks`: the block
   *  sums it holds (all of them with time blocks, those of its own trials with trial blocks; none in sample
   *  space). */
  static bytes(
    n: number,
    trials: number,
    lags: number,
    fullLags: number,
    blocks: number,
    dtype: DType,
    samplesPerTrial?: number,
    space: StatisticsSpace = "sums",
  ): number {
    const s = dtype === "float32" ? 4 : 8;
    const hist = trials * (lags + FLUSH) * n * s;
    if (space === "samples") return hist + trials * samplesPerTrial! * (n * s + 4);
    const lagged = CovarianceAccumulator.storesSamples(n, fullLags, dtype, samplesPerTrial)
      ? trials * samplesPerTrial! * n * s
      : fullLags * n * n * 8;
    return hist + lagged + blocks * n * n * 8;
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
    // lag 0 goes to the block only (the trial's, or the current time slice's; the pooled S_0 is their sum, formed
    // by summarize()), lags 1..Lf to the pooled sums — each product is computed once
    const b = this.blockOfTrial ? this.blockOfTrial[k] : this.block;
    if (this.space === "sums") this.be.covSymAccum(n, f, this.be.sub(this.hist[k], L * n, f * n), this.blockBufs[b]!);
    this.blockCount[b] += f;
    if (Lf > 0 && !this.stored)
      this.be.covLagAccum(
        n,
        f,
        Lf,
        this.be.sub(this.hist[k], (L - Lf) * n, (Lf + f) * n),
        this.be.sub(this.pooled, 0, Lf * n * n),
        1,
      );
    const h = this.be.view(this.hist[k]);
    if (this.stored) this.store(k, h.subarray(L * n, (L + f) * n), f, b);
    const ts = this.trialSum.subarray(k * n, (k + 1) * n);
    for (let s = 0; s < f; s++) {
      const a = (L + s) * n;
      for (let i = 0; i < n; i++) {
        this.sum[i] += h[a + i];
        ts[i] += h[a + i];
      }
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

  /** Copy trial k's f new samples (of block b) into the store, doubling it when full. */
  private store(k: number, rows: Float32Array | Float64Array, f: number, b: number): void {
    const n = this.n,
      w = this.written[k];
    if (w + f > this.capacity) {
      const cap = Math.max(2 * this.capacity, w + f);
      const next = this.newStore(cap);
      for (let t = 0; t < this.trials; t++)
        next.set(this.stored!.subarray(t * this.capacity * n, (t * this.capacity + this.written[t]) * n), t * cap * n);
      if (this.storedBlock) {
        const nb = new Int32Array(this.trials * cap);
        for (let t = 0; t < this.trials; t++)
          nb.set(this.storedBlock.subarray(t * this.capacity, t * this.capacity + this.written[t]), t * cap);
        this.storedBlock = nb;
      }
      this.stored = next;
      this.capacity = cap;
    }
    this.stored!.set(rows, (k * this.capacity + w) * n);
    this.storedBlock?.fill(b, k * this.capacity + w, k * this.capacity + w + f);
    this.written[k] = w + f;
  }

  private block = 0;

  /** Close a block: flush every trial (time blocks: the next samples go to the next block). */
  endBlock(): void {
    for (let k = 0; k < this.trials; k++) this.flushTrial(k);
    if (!this.blockOfTrial && this.block < this.blocks - 1) this.block++;
  }

  /** Release the accumulator's backend memory. */
  free(): void {
    for (const h of this.hist) this.be.free(h);
    for (const b of this.blockBufs) if (b) this.be.free(b);
    this.be.free(this.pooled);
  }

  /** The raw sums (copies, except the sample store, which is handed over when it is exactly full). */
  state(): AccumulatorState {
    for (let k = 0; k < this.trials; k++) this.flushTrial(k);
    // trial blocks: a block none of this accumulator's trials belongs to has no sums (count 0, an empty array)
    const blockS = this.blockBufs.map((b) => (b ? (this.be.read(b) as Float64Array) : new Float64Array(0)));
    const nn = this.n * this.n;
    const lagSums = this.be.read(this.be.sub(this.pooled, 0, this.stored ? 0 : this.fullLags * nn)) as Float64Array;
    const T = this.samplesPerTrial,
      n = this.n;
    let samples = this.stored,
      sampleBlock = this.storedBlock;
    if (samples && this.capacity !== T) {
      const packed = this.newStore(T);
      for (let k = 0; k < this.trials; k++)
        packed.set(samples.subarray(k * this.capacity * n, (k * this.capacity + T) * n), k * T * n);
      samples = packed;
      if (sampleBlock) {
        const pb = new Int32Array(this.trials * T);
        for (let k = 0; k < this.trials; k++)
          pb.set(sampleBlock.subarray(k * this.capacity, k * this.capacity + T), k * T);
        sampleBlock = pb;
      }
    }
    return {
      n: this.n,
      lags: this.lags,
      fullLags: this.fullLags,
      blocks: this.blocks,
      trials: this.trials,
      samplesPerTrial: T,
      space: this.space,
      lagSums,
      samples,
      sampleBlock,
      diag: Float64Array.from(this.diag),
      sum: Float64Array.from(this.sum),
      trialMeanSq: Float64Array.from({ length: this.trials }, (_, k) => {
        let q = 0;
        for (let i = 0; i < n; i++) q += (this.trialSum[k * n + i] / T) ** 2;
        return q;
      }),
      blockS,
      blockCount: [...this.blockCount],
    };
  }

  /** The estimates from the sums so far. */
  summary(): CovarianceSummary {
    return summarize([this.state()], this.be);
  }
}
