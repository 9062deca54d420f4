/**
 * What a simulation will cost, from its sizes alone (before J is drawn: the CLI's --dry-run and the refusals of
 * simulate()): memory by part (memoryEstimate), a lower bound on the time (timeEstimate), and the checks and
 * formatting they share with simulate (src/simulate/simulate.ts).
 */
import { checkFinite, checkSize, invalid, type DType } from "../errors.ts";
import { accumulatorBytes } from "./group.ts";
import { statisticsSpace, type StatisticsSpace } from "./stats.ts";
import type { SimulateOptions } from "./simulate.ts";

/** What a simulation will hold in memory at most, by part (bytes). */
export interface MemoryEstimate {
  /** where the statistics will be formed (options.statistics, or the automatic choice) */
  space: StatisticsSpace;
  /** the coupling: J or its factors as drawn (float64), one copy shared with the worker threads (when there are
   *  several groups; a dense J in the run's dtype), and one copy per group's backend in the run's dtype */
  coupling: number;
  /** the runtime itself: Node and the kernels (~64 MiB) and ~32 MiB per worker thread */
  runtime: number;
  /** the streaming statistics at their peak: N x N space, the block and lag sums and histories held by the
   *  groups and their copies being combined; sample space, the stored samples and histories, then the transposed
   *  samples and their S x S Gram matrix */
  statistics: number;
  /** the peak: the coupling, the statistics and the runtime */
  total: number;
}

/** Bytes of the statistics in one space (see MemoryEstimate.statistics). */
export function statisticsBytes(
  space: StatisticsSpace,
  n: number,
  trials: number,
  groups: number,
  lags: number,
  blocks: number,
  dtype: DType,
  samples: number,
): number {
  const held = accumulatorBytes(n, trials, groups, lags, blocks, dtype, samples, space);
  if (space === "sums") return 2 * held;
  const S = trials * samples;
  return held + S * n * (dtype === "float32" ? 4 : 8) + 8 * S * S;
}

/** The space a run's statistics use: the requested one, or (auto) the cheaper one (statisticsSpace), unless only
 *  sample space fits in maxBytes. */
export function chooseSpace(
  choice: StatisticsSpace | "auto",
  maxBytes: number,
  ...size: [n: number, trials: number, groups: number, lags: number, blocks: number, dtype: DType, samples: number]
): StatisticsSpace {
  if (choice !== "auto") return choice;
  const [n, trials, , , , , samples] = size;
  const space = statisticsSpace(n, trials * samples);
  if (
    space === "sums" &&
    statisticsBytes("sums", ...size) > maxBytes &&
    statisticsBytes("samples", ...size) <= maxBytes
  )
    return "samples";
  return space;
}

/**
 * The memory a simulation of an N-neuron network will need, from sizes alone — call it before drawing J, to
 * refuse a run that cannot fit (the CLI does, against the machine's memory or --max-memory).
 *
 * @param n neurons
 * @param coupling dense, or low-rank with m modes (formed densely when m > n / 2, as simulate does)
 * @param options simulate's options (trials, duration, sampleEvery, lags, blocks, groups, dtype, statistics,
 *   maxBytes — which, as in simulate, can tip the automatic choice of space)
 * @returns the estimate by part, and the space of the statistics
 */
export function memoryEstimate(
  n: number,
  coupling: { kind: "dense" } | { kind: "lowrank"; m: number },
  options: Pick<
    SimulateOptions,
    "trials" | "duration" | "sampleEvery" | "lags" | "blocks" | "groups" | "dtype" | "statistics" | "maxBytes"
  > = {},
): MemoryEstimate {
  // the same bounds as simulate(): an estimate of an impossible run must not itself allocate per trial
  const trials = checkSize("trials", options.trials ?? 1, 4096),
    lags = checkSize("lags", options.lags ?? 10, 10000),
    blocks = checkSize("blocks", options.blocks ?? 8, 1000);
  const groups = Math.min(trials, checkSize("groups", options.groups ?? 2, 64));
  const dtype = options.dtype ?? "float32";
  const samples = Math.floor((options.duration ?? 1000) / (options.sampleEvery ?? 1) + 1e-9);
  const s = dtype === "float32" ? 4 : 8;
  const dense = coupling.kind === "dense" || coupling.m > n / 2;
  const drawn = coupling.kind === "dense" ? 8 * n * n : 2 * 8 * n * coupling.m + (dense ? 8 * n * n : 0);
  const perBackend = dense ? s * n * n : 2 * s * n * (coupling as { m: number }).m;
  const sharedCopy = groups > 1 ? (dense ? s * n * n : 2 * 8 * n * (coupling as { m: number }).m) : 0;
  const couplingBytes = drawn + sharedCopy + groups * perBackend;
  const runtime = (64 + 32 * groups) * 2 ** 20;
  const size = [n, trials, groups, lags, blocks, dtype, samples] as const;
  const space = chooseSpace(options.statistics ?? "auto", options.maxBytes ?? DEFAULT_MAX_BYTES, ...size);
  const statistics = statisticsBytes(space, ...size);
  return { space, coupling: couplingBytes, statistics, runtime, total: couplingBytes + statistics + runtime };
}

export const DEFAULT_MAX_BYTES = 3 * 2 ** 30;
/** branched trials' defaults (simulate's branchSettle, branchKick; docs/BRANCHING.md measures them) */
export const DEFAULT_BRANCH_SETTLE = 100;
export const DEFAULT_BRANCH_KICK = 0.1;

/** multiply-adds per second assumed by timeEstimate: above what two cores sustain on the batched kernels (~1.7e10
 *  measured at N = 5000), so the estimate is a lower bound — a run refused for time would surely take longer */
export const MULTIPLY_ADDS_PER_SECOND = 2e10;
/** default limit on a run's estimated time (simulate's maxSeconds, the CLI's --max-time): a day */
export const DEFAULT_MAX_SECONDS = 24 * 3600;

/**
 * A lower bound on a simulation's time from its sizes: steps x trials x stages (4 for RK4) x the coupling product
 * (N^2 dense, 2 N M low-rank), plus the statistics (N^2 per sample in N x N space, S N in sample space), at
 * MULTIPLY_ADDS_PER_SECOND. Call it before drawing J, to refuse a run that would take absurdly long (the CLI does).
 *
 * @param n neurons
 * @param coupling dense, or low-rank with m modes (formed densely when m > n / 2, as simulate does)
 * @param options simulate's options (method, dt, burnIn, duration, sampleEvery, trials, start, branchSettle)
 * @returns the steps per trial, the multiply-adds and the seconds they take at least
 */
export function timeEstimate(
  n: number,
  coupling: { kind: "dense" } | { kind: "lowrank"; m: number },
  options: Pick<
    SimulateOptions,
    "method" | "dt" | "burnIn" | "duration" | "sampleEvery" | "trials" | "start" | "branchSettle"
  > = {},
): { steps: number; multiplyAdds: number; seconds: number } {
  const dt = options.dt ?? 0.05;
  const trials = options.trials ?? 1;
  const burnIn = options.burnIn ?? 50;
  // branched trials: one burn-in for all, then each trial's settle time (the steps per trial, averaged)
  const perTrial =
    options.start === "branch" ? burnIn / trials + (options.branchSettle ?? DEFAULT_BRANCH_SETTLE) : burnIn;
  const steps = Math.round((perTrial + (options.duration ?? 1000)) / dt);
  const samples = Math.floor((options.duration ?? 1000) / (options.sampleEvery ?? 1) + 1e-9) * trials;
  const product = coupling.kind === "dense" || coupling.m > n / 2 ? n * n : 2 * n * coupling.m;
  const stages = (options.method ?? "rk4") === "rk4" ? 4 : 1;
  const statistics = samples * Math.min(n * n, samples * n);
  const multiplyAdds = steps * trials * stages * (product + 4 * n) + statistics;
  // and the fixed cost of a step, which dominates at small N: ~1.6 us per step of a group, 0.3 us per trial
  // (measured at N = 12), taken at 1 us and 0.2 us to stay a lower bound
  const overhead = steps * (1e-6 + 0.2e-6 * trials);
  return { steps, multiplyAdds, seconds: multiplyAdds / MULTIPLY_ADDS_PER_SECOND + overhead };
}

/** A constant input option, one value for all N neurons or N values, as the N values (null for none). */
export function checkInput(input: number | Float64Array | undefined, n: number): Float64Array | null {
  if (input === undefined) return null;
  if (typeof input === "number") return new Float64Array(n).fill(checkFinite("input", input));
  if (input instanceof Float64Array && input.length === n) {
    for (const v of input) checkFinite("input", v);
    return input;
  }
  throw invalid("input", `must be a finite number or a Float64Array of length n = ${n}`, input, TypeError);
}

/** "3.2 h", "41 s": a duration for messages. */
export function formatSeconds(s: number): string {
  if (s >= 86400 * 365) return `${(s / (86400 * 365)).toExponential(1)} years`;
  if (s >= 86400) return `${(s / 86400).toFixed(1)} days`;
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 60) return `${(s / 60).toFixed(1)} min`;
  return `${s.toFixed(s < 10 ? 1 : 0)} s`;
}
