/**
 * simulate(network, options): integrate dx/dt = -x + J (G ⊙ phi(x)) + I (+ sigma dW/dt) for K independent
 * trials at once (batched kernels; low-rank couplings take the O(N M) path) and measure, while running,
 * the statistics of THEORY §4.1 / §5.1 for a = x and a = phi(x) (see stats.ts): PR (cross-block and plug-in),
 * C^a(tau), Psi^a(tau, 0), and with gains the three observables of THEORY §4.6.
 *
 * Protocol (PRX App. M.2, with the choices THEORY §5.1 leaves open made explicit): x(0) ~ N(0, 1) i.i.d.
 * per neuron and trial (seeded stream STREAMS.initialState), a burn-in of `burnIn` time units discarded,
 * then `duration` time units per trial sampled every `sampleEvery`. For the cross-block estimator the
 * samples form `blocks` blocks: whole trials when trials >= blocks (trial b goes to block floor(b B / K);
 * independent initial conditions make the blocks independent, as the estimator assumes), otherwise
 * consecutive time slices pooling all trials. The pooled mean is subtracted.
 * Noise: after each deterministic step x += s xi, xi ~ N(0, 1), from a stream of its own for each trial
 * (STREAMS.noiseBase + trial), s = sigma sqrt((1 - R(dt)^2) / 2) with R the method's one-step factor for the leak
 * (group.ts noiseIncrement): at J = 0 exactly the Ornstein-Uhlenbeck statistics, where sigma sqrt(dt) was 5 % high.
 * Parallelism: the trials are split into `groups` (default 2) that accumulate their statistics separately;
 * the groups' sums are added in group order at the end. An executor runs the groups (in this thread by
 * default; on worker threads via src/io/parallel.ts), and since every trial's arithmetic and every sum's
 * order are the same either way, a run on two workers gives exactly the numbers of the same run on one
 * thread. A single trial (a group of one) can instead share its steps between the threads of a `team`
 * (src/backend/team.ts: rows of J, or of L and R^T, split between threads; the same numbers bit for bit as the
 * wasm backend it matches). Divergence: a non-finite or |x| > 1e6 state stops the run with an error naming dt and g.
 * The state sampled (src/simulate/dynamics.ts): quiescent (the neuron-averaged variance of x below 1e-8, as for
 * g_eff < 1, where chaotic variances are O(1)), a fixed point per trial, or a periodic orbit are reported as such
 * (results.dynamics, and the status of every PR) and their PR values are null, not NaN or a number. Stationarity:
 * the ratio of the largest to the smallest block variance is reported; above 4 the run is flagged non-stationary
 * (a decaying transient or a too-short burn-in), since PR then means little.
 */
import type { Backend } from "../backend/types.ts";
import { type PhiName } from "../backend/types.ts";
import { createBackend, type BackendChoice } from "../backend/select.ts";
import { STREAMS, seedState } from "../backend/rng.ts";
import { checkDType, checkFinite, checkKeys, checkOneOf, checkSize, invalid, type DType } from "../errors.ts";
import type { DenseCoupling, LowRankCoupling, Network } from "../network/ensembles.ts";
import { provenance, type Provenance } from "../provenance.ts";
import type { Team } from "../backend/team.ts";
import { type CovarianceSummary, type StatisticsSpace } from "./stats.ts";
import { reweightedPr, summarize } from "./summary.ts";
import { sampleCovariance } from "./gram.ts";
import { withBuffers } from "../backend/buffers.ts";
import { pcTimescales, type PcTimescales } from "../stats/timescales.ts";
import { estimateStatus, type EstimateStatus } from "../stats/estimators.ts";
import { classifyDynamics, type Dynamics } from "./dynamics.ts";
import { PC_SPECTRUM_N_MAX, pcSpectrum, principalComponents } from "./pc-spectrum.ts";
import { pcDynamics, type PcDynamics } from "./pc-dynamics.ts";
import {
  DEFAULT_BRANCH_KICK,
  DEFAULT_BRANCH_SETTLE,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_SECONDS,
  checkInput,
  chooseSpace,
  formatSeconds,
  statisticsBytes,
  timeEstimate,
} from "./estimates.ts";

export {
  DEFAULT_MAX_SECONDS,
  checkInput,
  formatSeconds,
  memoryEstimate,
  timeEstimate,
  type MemoryEstimate,
} from "./estimates.ts";

import {
  burnInState,
  groupTrials,
  sequentialExecutor,
  teamSteps,
  type GroupExecutor,
  type GroupTask,
} from "./group.ts";

export { SimulationError, type GroupExecutor, type GroupResult, type GroupTask } from "./group.ts";

/** simulate()'s option names (checkKeys: a typo is named, not ignored) */
export const SIMULATE_OPTION_KEYS = [
  "method",
  "dt",
  "burnIn",
  "duration",
  "sampleEvery",
  "trials",
  "lags",
  "blocks",
  "phi",
  "dtype",
  "backend",
  "seed",
  "sigma",
  "input",
  "keepTrajectory",
  "onProgress",
  "signal",
  "maxBytes",
  "maxSeconds",
  "statistics",
  "keepCovariance",
  "pcSpectrum",
  "groups",
  "executor",
  "team",
  "start",
  "branchSettle",
  "branchKick",
] as const;

/** How trials start: each from its own x(0) and burn-in, or branched from one burnt-in state (see simulate()). */
export const STARTS = ["independent", "branch"] as const;

/** The integration methods: classical RK4, or explicit Euler. */
export const METHODS = ["rk4", "euler"] as const;
/** One of METHODS. */
export type Method = (typeof METHODS)[number];

/** Options of simulate(); every field has a default (see its comment). */
export interface SimulateOptions {
  method?: Method;
  dt?: number;
  /** time units discarded before sampling */
  burnIn?: number;
  /** sampled time units per trial */
  duration?: number;
  /** time units between samples (a whole number of steps) */
  sampleEvery?: number;
  trials?: number;
  /** sampled lags 0..lags for C(tau) and Psi(tau, 0) */
  lags?: number;
  /** time blocks for the cross-block estimator (>= 2) */
  blocks?: number;
  phi?: PhiName;
  dtype?: DType;
  backend?: BackendChoice | Backend;
  seed?: number;
  /** additive white-noise amplitude */
  sigma?: number;
  /** constant input: one value for all neurons or N values */
  input?: number | Float64Array;
  /** keep the sampled trajectory of trial 0 (samples x N, float32) */
  keepTrajectory?: boolean;
  /** called as the run advances (time, fraction done, phase) */
  onProgress?: (p: { t: number; fraction: number; phase: "burn-in" | "sampling" }) => void;
  signal?: AbortSignal;
  /** refuse runs whose statistics need more memory than this (bytes; default 3 GiB) */
  maxBytes?: number;
  /** refuse runs whose time estimate (timeEstimate, a lower bound) is above this (seconds; default a day) */
  maxSeconds?: number;
  /**
   * where the statistics are formed: "samples" (the stored samples' Gram matrix: memory O(S N + S^2) for S
   * samples), "sums" (N x N sums: O(B N^2)), or "auto" (default): samples when S <= N or when only they fit
   * in maxBytes. The same numbers up to rounding; params.statistics says which ran.
   */
  statistics?: StatisticsSpace | "auto";
  /** return covariancePhi, the N x N equal-time covariance of phi (N^2 float64) */
  keepCovariance?: boolean;
  /** also return results.pcSpectrum, the ranked eigenvalues of C^phi(0) (O(N^3); N <= 4096) */
  pcSpectrum?: boolean;
  /** independent accumulation groups of trials (default min(trials, 2)); part of the result's definition */
  groups?: number;
  /** runs the groups; default: one after another in this thread (see src/io/parallel.ts for workers) */
  executor?: GroupExecutor;
  /**
   * threads for the steps of a one-trial group on the wasm backend (src/io/team-pool.ts
   * createTeam in Node); used only without an executor, and only when its build (fma) matches the backend's,
   * so the numbers are the one-thread run's. The result's params.stepThreads says whether it was used.
   */
  team?: Team;
  /**
   * "independent" (default): every trial from its own x(0) ~ N(0, 1) and its own burn-in. "branch": one trajectory
   * burnt in for `burnIn` (on `team` when given, else in this thread), then every trial from that state plus an
   * independent kick N(0, branchKick^2) per neuron, `branchSettle` time units discarded, then sampled. Saves
   * (trials - 1) burn-ins; the trials are independent only once the kicks have grown to the attractor's size, so
   * the settle time must outlast that (docs/BRANCHING.md: what each start does to the error bars).
   */
  start?: (typeof STARTS)[number];
  /** branched trials: time units each branch runs, discarded, before sampling (default 100) */
  branchSettle?: number;
  /** branched trials: standard deviation of each neuron's independent kick at the branch point (default 0.1) */
  branchKick?: number;
}

export interface ObservableResults {
  /** cross-block participation ratio (default estimator) */
  pr: number | null;
  /** its delete-one-block jackknife standard error */
  prError: number | null;
  prPlugin: number | null;
  /** (1/N) tr C(0) */
  c0: number;
  autocovariance: number[];
  psi: number[];
  psiNormalized: number[];
}

/** What simulate() returns: the parameters as run, where they ran, and the measured observables. */
export interface SimulationResult {
  params: Required<
    Omit<
      SimulateOptions,
      | "backend"
      | "onProgress"
      | "signal"
      | "input"
      | "keepTrajectory"
      | "maxBytes"
      | "maxSeconds"
      | "executor"
      | "team"
      | "statistics"
      | "keepCovariance"
      | "pcSpectrum"
      | "branchSettle"
      | "branchKick"
    >
  > & {
    /** branched trials only (start "branch") */
    branchSettle?: number;
    branchKick?: number;
    /** where the statistics were formed */
    statistics: StatisticsSpace;
    n: number;
    coupling: string;
    input: string;
    backend: string;
    /** threads that shared each trial's steps (a team's size when one was used, else 1) */
    stepThreads: number;
  };
  provenance: Provenance;
  results: {
    quiescent: boolean;
    /** the kind of state sampled (classifyDynamics): PR values are null unless "fluctuating" */
    dynamics: Dynamics;
    /** the period of a periodic state (time units), else null */
    period: number | null;
    /** max / min of the blocks' tr C(0) for x: ~1 for a stationary run */
    blockVarianceRatio: number;
    nonStationary: boolean;
    prPhi: number | null;
    prX: number | null;
    /** jackknife standard errors of prPhi, prX (over the blocks) */
    prPhiError: number | null;
    prXError: number | null;
    /** whether prPhi and prX mean something: "ok", or "unreliable: <why; how to fix it>" (estimateStatus) */
    status: { prPhi: EstimateStatus; prX: EstimateStatus };
    prPhiPlugin: number | null;
    prXPlugin: number | null;
    cPhi0: number;
    cX0: number;
    autocorrelation: { tau: number[]; cPhi: number[]; cX: number[] };
    collective: { tau: number[]; psiPhi: number[]; psiPhiNormalized: number[]; psiX00: number };
    /** 1/e times of C^phi(tau) and Psi^phi(tau, 0) over the sampled lags (null if not reached) */
    timescales: PcTimescales;
    gains?: { prPhiUnnormalized: number | null; prPhiNormalized: number | null; prPhiReadout: number | null };
    /** with pcSpectrum: the eigenvalues of C^phi(0), descending, and each one's share of the variance */
    pcSpectrum?: { eigenvalues: number[]; varianceFraction: number[] };
    /** with pcSpectrum (a fluctuating run): each PC's 1/e autocorrelation time, in pcSpectrum's order (trial 0) */
    pcTimescales?: PcDynamics["pcTimescales"];
    /** with pcSpectrum (a fluctuating run): Psi^phi(tau, tau), the slow diagonal (trial 0, cross-block) */
    diagonal?: PcDynamics["diagonal"];
    samples: number;
    seconds: number;
  };
  /** covariance of phi (C_0, N x N float64), with keepCovariance */
  covariancePhi?: Float64Array;
  trajectory?: { samples: number; n: number; x: Float32Array };
}

/** `time` as a whole number of steps of dt, or an error naming `name` */
export function stepsOf(name: string, time: number, dt: number): number {
  const s = time / dt;
  const r = Math.round(s);
  if (Math.abs(s - r) > 1e-9 * Math.max(1, s))
    throw invalid(name, `must be a whole number of steps of dt = ${dt}`, time);
  return r;
}

/** a dimension estimate, or null where it is not a positive number (the estimate's status says why) */
const positive = (v: number | null) => (v !== null && v > 0 ? v : null);

/** a number, or null where it is not finite (a jackknife of 2 blocks, a ratio of zeros): results hold no NaN */
const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

function observable(s: CovarianceSummary, quiescent: boolean): ObservableResults {
  return {
    pr: quiescent ? null : finiteOrNull(s.prCrossBlock),
    prError: quiescent ? null : finiteOrNull(s.prCrossBlockSE),
    prPlugin: quiescent ? null : finiteOrNull(s.prPlugin),
    c0: s.autocovariance[0],
    autocovariance: Array.from(s.autocovariance),
    psi: Array.from(s.psi),
    psiNormalized: Array.from(s.psi, (v) => (quiescent ? 0 : v / s.psi[0])),
  };
}

/** J = L diag(D) R^T formed by the batched matmat kernel: row b of J is R (L_b ⊙ D), i.e. Y[b] = R X[b]. */
export function formDense(
  be: Backend,
  n: number,
  m: number,
  L: Float64Array,
  D: Float64Array,
  R: Float64Array,
): Float64Array {
  const LD = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) LD[i * m + a] = L[i * m + a] * D[a];
  return withBuffers(be, [R, LD, { dtype: "float64", length: n * n }], ([r, x, y]) => {
    be.matmat(n, m, n, r, x, y); // y[b][j] = sum_a R[j][a] LD[b][a] = J[b][j]
    return be.read(y) as Float64Array;
  });
}

/**
 * Simulate a network (trials from independent initial conditions, RK4 or Euler) and measure, with streaming
 * statistics, PR^phi and PR^x (cross-block, with jackknife errors), C^a(tau), Psi^phi(tau, 0) and the gain
 * observables. Same seed, same backend: same numbers, whatever the number of worker threads.
 *
 * @param network from makeNetwork (or standInNetwork for a connectome)
 * @param options trials, duration, burnIn, dt, method, phi, lags, blocks, seed, backend, executor, signal, …
 * @returns { params, provenance, results }
 * @throws SimulationError when the run diverges
 * @example
 * const net = makeNetwork({ coupling: "iid", n: 500, g: 3, seed: 1 });
 * const r = await simulate(net, { trials: 4, duration: 200, phi: "tanh", seed: 1 });
 * r.results.prPhi, r.results.prPhiError;
 */
export async function simulate(network: Network, options: SimulateOptions = {}): Promise<SimulationResult> {
  const t0 = performance.now();
  if (!network || typeof network !== "object" || !network.coupling)
    throw invalid("network", "must be a Network from makeNetwork (or standInNetwork)", network, TypeError);
  checkKeys("simulate's options", options, SIMULATE_OPTION_KEYS);
  const n = network.coupling.n;
  const method = checkOneOf("method", options.method ?? "rk4", METHODS);
  const dt = checkFinite("dt", options.dt ?? 0.05, { positive: true });
  if (dt > 1) throw invalid("dt", "must be <= 1 (the neuron time constant is 1)", dt);
  const burnIn = checkFinite("burnIn", options.burnIn ?? 50, { min: 0 });
  const duration = checkFinite("duration", options.duration ?? 1000, { positive: true });
  const sampleEvery = checkFinite("sampleEvery", options.sampleEvery ?? 1, { positive: true });
  const trials = checkSize("trials", options.trials ?? 1, 4096);
  if (trials < 1) throw invalid("trials", "must be at least 1", trials);
  const lags = checkSize("lags", options.lags ?? 10, 10000);
  const blocks = checkSize("blocks", options.blocks ?? 8, 1000);
  if (blocks < 2)
    throw invalid("blocks", "must be at least 2 (the cross-block estimator pairs distinct blocks)", blocks);
  const phi = checkOneOf("phi", options.phi ?? "tanh", ["tanh", "erf"] as const);
  const dtype = checkDType("dtype", options.dtype ?? "float32");
  const seed = checkSize("seed", options.seed ?? 1, Number.MAX_SAFE_INTEGER);
  const sigma = checkFinite("sigma", options.sigma ?? 0, { min: 0 });
  const groups = Math.min(trials, checkSize("groups", options.groups ?? 2, 64));
  if (groups < 1) throw invalid("groups", "must be at least 1", options.groups);
  if (options.pcSpectrum && n > PC_SPECTRUM_N_MAX)
    throw invalid("pcSpectrum", `needs N <= ${PC_SPECTRUM_N_MAX} (an O(N^3) eigenvalue problem); N = ${n}`, true);
  const start = checkOneOf("start", options.start ?? "independent", STARTS);
  const branchSettle = checkFinite("branchSettle", options.branchSettle ?? DEFAULT_BRANCH_SETTLE, { min: 0 });
  const branchKick = checkFinite("branchKick", options.branchKick ?? DEFAULT_BRANCH_KICK, { min: 0 });
  const branch = start === "branch";
  if (!branch && (options.branchSettle !== undefined || options.branchKick !== undefined))
    throw invalid("start", 'must be "branch" for branchSettle and branchKick to apply', options.start);
  if (branch && trials < 2) throw invalid("trials", 'must be at least 2 with start "branch"', trials);
  if (branch && branchKick === 0 && sigma === 0)
    throw invalid("branchKick", "must be positive without noise (sigma = 0): the branches would be identical", 0);
  const burnSteps = stepsOf("burnIn", burnIn, dt);
  const settleSteps = branch ? stepsOf("branchSettle", branchSettle, dt) : 0;
  const stepsPerSample = stepsOf("sampleEvery", sampleEvery, dt);
  const samples = Math.floor(duration / sampleEvery + 1e-9);
  if (samples < blocks)
    throw invalid(
      "duration",
      `must give at least one sample per block (${blocks} blocks of sampleEvery = ${sampleEvery})`,
      duration,
    );
  if (lags >= samples) throw invalid("lags", `must be below the number of samples per trial (${samples})`, lags);
  const inputArr = checkInput(options.input, n);
  const maxSeconds = checkFinite("maxSeconds", options.maxSeconds ?? DEFAULT_MAX_SECONDS, { positive: true });
  const c = network.coupling;
  const time = timeEstimate(n, c.kind === "dense" ? c : { kind: "lowrank", m: c.m }, options);
  if (time.seconds > maxSeconds)
    throw invalid(
      "duration",
      `with dt = ${dt}, burnIn = ${burnIn}, ${trials} trials and N = ${n} the run takes ${time.steps.toExponential(2)} ` +
        `steps per trial, at least ${formatSeconds(time.seconds)} (limit ${formatSeconds(maxSeconds)}, maxSeconds); ` +
        "shorten it or raise maxSeconds",
      duration,
    );
  const maxBytes = checkFinite("maxBytes", options.maxBytes ?? DEFAULT_MAX_BYTES, { positive: true });
  const choice = checkOneOf("statistics", options.statistics ?? "auto", ["auto", "samples", "sums"] as const);
  const size = [n, trials, groups, lags, blocks, dtype, samples] as const;
  const space = chooseSpace(choice, maxBytes, ...size);
  const need = statisticsBytes(space, ...size);
  if (need > maxBytes)
    throw invalid(
      "duration",
      `with ${trials} trials of ${samples} samples, blocks = ${blocks}, lags = ${lags} and N = ${n} the statistics ` +
        `need ${(need / 2 ** 30).toFixed(2)} GiB (${space === "samples" ? "stored samples" : "N x N sums"}; limit ` +
        `${(maxBytes / 2 ** 30).toFixed(1)} GiB, maxBytes); lower the duration, trials or lags, or raise maxBytes`,
      duration,
    );

  const backendArg = typeof options.backend === "object" && options.backend !== null ? options.backend : undefined;
  const be = backendArg ?? (await createBackend((options.backend as BackendChoice | undefined) ?? "auto"));
  // the factored product costs 4 N M per trajectory and step, the dense one 2 N^2: form J when M > N/2
  const useDense = c.kind === "lowrank" && c.m > n / 2;
  const coupling: DenseCoupling | LowRankCoupling = useDense
    ? { kind: "dense", n, J: formDense(be, n, c.m, c.L, c.D, c.R) }
    : c;
  const x0 = new Float64Array(trials * n);
  {
    const init = be.rngCreate(seedState(seed, STREAMS.initialState));
    const b = be.alloc("float64", trials * n);
    be.rngNormal(init, trials * n, 0, 1, b);
    x0.set(be.view(b));
    be.free(b);
    be.rngFree(init);
  }
  const task = (start: number, count: number, x0: Float64Array, burn: number, noiseStream: number): GroupTask => ({
    coupling,
    gains: network.gains,
    input: inputArr,
    method,
    dt,
    phi,
    dtype,
    backend: be.name,
    fma: be.fma,
    burnSteps: burn,
    stepsPerSample,
    samples,
    lags,
    blocks,
    seed,
    sigma,
    noiseStream,
    g: network.summary.g,
    trialStart: start,
    trialCount: count,
    trialsTotal: trials,
    trialBlocks: trials >= blocks,
    space,
    x0,
    // pcSpectrum's PC timescales and Psi(tau, tau) come from trial 0's trajectory (pc-dynamics.ts)
    keepTrajectory: (!!options.keepTrajectory || !!options.pcSpectrum) && start === 0,
  });
  // progress: the branch root's burn-in (branched starts), then the groups' mean fraction of their own paths
  const rootTime = branch ? burnIn : 0;
  const pathTime = (branch ? branchSettle : burnIn) + samples * sampleEvery;
  const report = (t: number) =>
    options.onProgress?.({
      t,
      fraction: t / (rootTime + pathTime),
      phase: t < (branch ? burnIn + branchSettle : burnIn) ? "burn-in" : "sampling",
    });
  if (branch) {
    // one burn-in from trial 0's x(0), on the team when there is one; then an independent kick per trial
    const root = task(0, 1, x0.slice(0, n), burnSteps, STREAMS.branchRootNoise);
    const xb = await burnInState(root, be, (f) => report(f * burnIn), options.signal, options.team);
    const kick = be.rngCreate(seedState(seed, STREAMS.branchKick));
    const b = be.alloc("float64", trials * n);
    be.rngNormal(kick, trials * n, 0, branchKick, b);
    x0.set(be.view(b));
    be.free(b);
    be.rngFree(kick);
    for (let i = 0; i < x0.length; i++) x0[i] += xb[i % n];
  }
  const tasks = groupTrials(trials, groups).map(({ start, count }) =>
    task(
      start,
      count,
      x0.slice(start * n, (start + count) * n),
      branch ? settleSteps : burnSteps,
      STREAMS.noiseBase + start,
    ),
  );
  const fractions = new Array(groups).fill(0);
  const progress = (g: number, f: number) => {
    fractions[g] = f;
    report(rootTime + (fractions.reduce((a, b) => a + b, 0) / groups) * pathTime);
  };
  const executor = options.executor ?? sequentialExecutor;
  const team = options.executor ? undefined : options.team;
  const groupResults = await executor(tasks, progress, options.signal, options.executor ? undefined : be, team);
  const stepThreads = tasks.every((t) => teamSteps(t, be, team)) ? team!.threads : 1;
  const sx = summarize(
      groupResults.map((r) => r.x),
      be,
    ),
    sp = summarize(
      groupResults.map((r) => r.phi),
      be,
    );
  const state = classifyDynamics(sx.autocovariance[0], sx.withinTrial, sampleEvery);
  const quiescent = state.dynamics === "quiescent";
  // no dimension for a state that does not fluctuate: every PR and timescale null (quiescent, fixed point, periodic)
  const still = state.dynamics !== "fluctuating";
  const bt = Array.from(sx.blockTrace);
  const blockVarianceRatio = Math.max(...bt) / Math.max(Math.min(...bt), 1e-300);
  const ox = observable(sx, still),
    op = observable(sp, still);
  const tau = Array.from({ length: lags + 1 }, (_, l) => l * sampleEvery);
  const nonStationary = !still && blockVarianceRatio > 4;
  const timescales = still ? { cPhi: null, psiPhi: null } : pcTimescales(tau, op.autocovariance, tau, op.psi);
  const statusOf = (o: ObservableResults) =>
    estimateStatus({
      pr: o.pr,
      prError: o.prError,
      blocks,
      quiescent,
      noDimension: state.reason,
      nonStationary,
      blockVarianceRatio,
      blockDuration: trials >= blocks ? null : (samples / blocks) * sampleEvery,
      // the slowest measured correlation: Psi(tau, 0)'s 1/e time, else at least the lag window it outlasted
      correlationTime: timescales.psiPhi ?? (lags > 0 ? Math.max(timescales.cPhi ?? 0, lags * sampleEvery) : null),
    });
  let gainsResults: SimulationResult["results"]["gains"];
  if (network.gains) {
    const G = network.gains;
    // z-scored phi: weights 1/sd_i; random readout: an independent copy of the gains (shuffled order)
    const sd = Float64Array.from(sp.variance, (v) => 1 / Math.sqrt(Math.max(v, 1e-300)));
    const perm = Array.from({ length: n }, (_, i) => i);
    const r = be.rngCreate(seedState(seed, STREAMS.gains));
    const u = be.alloc("float64", n);
    be.rngUniform(r, n, u);
    const uv = be.read(u);
    be.free(u);
    be.rngFree(r);
    perm.sort((a, b) => uv[a] - uv[b]);
    const readout = Float64Array.from(perm, (i) => G[i]);
    const pr = still ? null : reweightedPr(sp, be);
    gainsResults = pr
      ? {
          prPhiUnnormalized: positive(pr(G)),
          prPhiNormalized: positive(pr(sd)),
          prPhiReadout: positive(pr(readout)),
        }
      : { prPhiUnnormalized: null, prPhiNormalized: null, prPhiReadout: null };
  }
  const trajectory = groupResults[0].trajectory;
  const covariancePhi = options.keepCovariance || options.pcSpectrum ? (sp.c0 ?? sampleCovariance(sp, be)) : null;
  // the PCs: eigenvalues of C^phi(0), and its eigenvectors (~80 % of the cost) when a fluctuating trajectory will be
  // projected on them (pc-spectrum.ts)
  const projected = !!trajectory && !still;
  const pcs =
    covariancePhi && options.pcSpectrum
      ? projected
        ? principalComponents(n, covariancePhi, be)
        : { ...pcSpectrum(n, covariancePhi, be), axes: null }
      : null;
  return {
    params: {
      method,
      dt,
      burnIn,
      duration,
      sampleEvery,
      trials,
      start,
      ...(branch ? { branchSettle, branchKick } : {}),
      lags,
      blocks,
      phi,
      dtype,
      seed,
      sigma,
      n,
      groups,
      statistics: space,
      coupling:
        c.kind === "dense" ? "dense" : useDense ? `lowrank formed densely (M = ${c.m} > N/2)` : `lowrank (M = ${c.m})`,
      input: inputArr ? (typeof options.input === "number" ? String(options.input) : "array") : "none",
      backend: be.name,
      stepThreads,
    },
    provenance: provenance(be, { network: network.spec.coupling, networkSeed: network.spec.seed }),
    results: {
      quiescent,
      dynamics: state.dynamics,
      period: state.period,
      blockVarianceRatio,
      nonStationary,
      // a cross-block estimate that is not positive is no dimension: null, its status says why
      prPhi: positive(op.pr),
      prX: positive(ox.pr),
      prPhiError: positive(op.pr) === null ? null : op.prError,
      prXError: positive(ox.pr) === null ? null : ox.prError,
      status: { prPhi: statusOf(op), prX: statusOf(ox) },
      prPhiPlugin: op.prPlugin,
      prXPlugin: ox.prPlugin,
      cPhi0: op.c0,
      cX0: ox.c0,
      autocorrelation: { tau, cPhi: op.autocovariance, cX: ox.autocovariance },
      collective: { tau, psiPhi: op.psi, psiPhiNormalized: op.psiNormalized, psiX00: ox.psi[0] },
      timescales,
      ...(gainsResults ? { gains: gainsResults } : {}),
      ...(pcs
        ? {
            pcSpectrum: { eigenvalues: pcs.eigenvalues, varianceFraction: pcs.varianceFraction },
            ...(projected ? pcDynamics(n, pcs.axes!, trajectory!, samples, phi, sampleEvery, lags, be) : {}),
          }
        : {}),
      samples: samples * trials,
      seconds: (performance.now() - t0) / 1000,
    },
    ...(covariancePhi && options.keepCovariance ? { covariancePhi } : {}),
    ...(trajectory && options.keepTrajectory ? { trajectory: { samples, n, x: trajectory } } : {}),
  };
}
