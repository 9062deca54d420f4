/**
 * One group of trials of simulate() (src/simulate/simulate.ts): the plain-data task that may cross to a worker
 * thread (src/io/parallel.ts, src/io/simulate-worker.ts), runGroup() that integrates its trials and accumulates
 * their statistics (optionally on a team of threads sharing one trajectory's steps), the split of trials into
 * groups and blocks, and the memory a group's statistics take. The protocol is simulate()'s module comment's.
 */
import type { Backend, Buf, Coupling } from "../backend/types.ts";
import { PHI_KINDS, type PhiName } from "../backend/types.ts";
import { createBackend, type BackendChoice } from "../backend/select.ts";
import { seedState } from "../backend/rng.ts";
import { type DType, type FloatArray } from "../errors.ts";
import type { Team, TeamTrajectory } from "../backend/team.ts";
import type { LowRankCoupling } from "../network/ensembles.ts";
import { transposed } from "../backend/buffers.ts";
import { CovarianceAccumulator, type AccumulatorState, type StatisticsSpace } from "./stats.ts";

import type { Method } from "./simulate.ts";

/** A simulation that diverged or could not run (the message says which and why). */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationError";
  }
}

/** The coupling as a group gets it: a dense J may come as a float32 copy (the run's dtype), shared between the worker
 *  threads (src/io/parallel.ts) instead of one float64 clone per thread. */
export type GroupCoupling = { kind: "dense"; n: number; J: Float32Array | Float64Array } | LowRankCoupling;

/** Everything one group of trials needs, as plain data (it may cross to a worker thread). */
export interface GroupTask {
  coupling: GroupCoupling;
  gains: Float64Array | null;
  input: Float64Array | null;
  method: Method;
  dt: number;
  phi: PhiName;
  dtype: DType;
  backend: BackendChoice;
  /** the wasm build of the main thread's backend (fused multiply-adds or not), so every group gets its numbers */
  fma: boolean;
  burnSteps: number;
  stepsPerSample: number;
  samples: number;
  lags: number;
  blocks: number;
  seed: number;
  sigma: number;
  /** the noise stream of the group's first trial (STREAMS.noiseBase + trialStart; the branch root has its own) */
  noiseStream: number;
  /** g_eff for error messages */
  g: number;
  trialStart: number;
  trialCount: number;
  trialsTotal: number;
  /** blocks are whole trials (trials >= blocks) rather than time slices */
  trialBlocks: boolean;
  /** where the statistics are formed (stats.ts): the stored samples' Gram matrix or N x N sums */
  space: StatisticsSpace;
  /** initial states of this group's trials (trialCount x n) */
  x0: Float64Array;
  keepTrajectory: boolean;
}

export interface GroupResult {
  x: AccumulatorState;
  phi: AccumulatorState;
  /** trial trialStart's sampled x (samples x n) when keepTrajectory */
  trajectory?: Float32Array;
}

export type GroupExecutor = (
  tasks: GroupTask[],
  onProgress: (group: number, fraction: number) => void,
  signal?: AbortSignal,
  backend?: Backend,
  team?: Team,
) => Promise<GroupResult[]>;

/** whether runGroup steps this group on the team: one trial, the same wasm build */
export function teamSteps(task: GroupTask, be: Backend, team: Team | undefined): team is Team {
  return !!team && task.trialCount === 1 && be.name === "wasm" && be.fma === team.fma;
}

/** A group's trajectories on a backend or a team: `advance(count)` steps, `check(t)` stops a diverging run,
 *  `state()` views the state (in the team's memory when it steps), `x` the state in the backend's memory (current
 *  after `sync()`). */
interface Stepper {
  readonly x: Buf;
  advance(count: number): void;
  check(t: number): void;
  state(): FloatArray;
  sync(): void;
  free(): void;
}

function makeStepper(task: GroupTask, be: Backend, team: Team | undefined): Stepper {
  const { coupling: c, dtype, trialCount: K, method, dt, sigma } = task;
  const n = c.n;
  const bufs: Buf[] = [];
  const rngs: ReturnType<Backend["rngCreate"]>[] = [];
  let shared: TeamTrajectory | null = null;
  const free = () => {
    shared?.free();
    for (const r of rngs) be.rngFree(r);
    for (const b of bufs) be.free(b);
  };
  const alloc = (length: number) => {
    const b = be.alloc(dtype, length);
    bufs.push(b);
    return b;
  };
  const put = (data: ArrayLike<number>) => {
    const b = alloc(data.length);
    be.write(b, data);
    return b;
  };
  try {
    const x = put(task.x0);
    if (teamSteps(task, be, team)) {
      shared = team.trajectory({
        n,
        dtype,
        method,
        phi: task.phi,
        coupling: c.kind === "dense" ? c : { kind: "lowrank", m: c.m, L: c.L, D: c.D, R: c.R },
        gains: task.gains,
        input: task.input,
        x0: task.x0,
      });
    }
    const coupling: Coupling | null = shared
      ? null
      : c.kind === "dense"
        ? { kind: "dense", j: put(c.J) }
        : { kind: "lowrank", m: c.m, l: put(c.L), d: put(c.D), rt: put(transposed(c.R, n, c.m)) };
    const m = c.kind === "lowrank" ? c.m : 0;
    const gains = task.gains && !shared ? put(task.gains) : null;
    const input = task.input && !shared ? put(task.input) : null;
    for (let k = 0; k < K && sigma > 0; k++) rngs.push(be.rngCreate(seedState(task.seed, task.noiseStream + k)));
    const noise = sigma > 0 ? alloc(K * n) : null;
    const noiseStep = noiseIncrement(sigma, dt, method);
    const scratch = {
      p: alloc(K * n),
      h: alloc(K * n),
      xs: alloc(K * n),
      acc: alloc(K * n),
      z: alloc(Math.max(1, K * m)),
    };
    const kind = PHI_KINDS[task.phi];
    const state = () => (shared ? shared.state() : be.view(x));
    const step = () => {
      if (shared) shared.steps(1, dt);
      else if (method === "rk4") be.rk4(n, K, kind, dt, coupling!, x, gains, input, scratch);
      else be.euler(n, K, kind, dt, coupling!, x, gains, input, scratch);
      if (noise) {
        for (let k = 0; k < K; k++) be.rngNormal(rngs[k], n, 0, noiseStep, be.sub(noise, k * n, n));
        const xv = state(),
          nv = be.view(noise);
        for (let i = 0; i < xv.length; i++) xv[i] += nv[i];
      }
    };
    return {
      x,
      state,
      free,
      sync: () => {
        if (shared) be.write(x, shared.state());
      },
      // one team call when there is no noise to add between steps
      advance: (count) => {
        if (shared && !noise) shared.steps(count, dt);
        else for (let s = 0; s < count; s++) step();
      },
      check: (t) => {
        const xv = state();
        for (let i = 0; i < xv.length; i++) {
          const v = xv[i];
          if (!(Math.abs(v) <= 1e6)) {
            throw new SimulationError(
              `the simulation diverged at t = ${t.toFixed(2)} (x = ${v} in trial ` +
                `${task.trialStart + Math.floor(i / n)}): reduce dt (now ${dt})` +
                (`${Number.isFinite(task.g) ? ` or g (now ${task.g})` : ""}${sigma > 0 ? ` or sigma (now ${sigma})` : ""}, ` +
                  `or use method "rk4"`),
            );
          }
        }
      },
    };
  } catch (err) {
    free();
    throw err;
  }
}

/**
 * The standard deviation of the noise added after each deterministic step: sigma sqrt((1 - R^2) / 2), R the method's
 * one-step factor for dx/dt = -x (RK4: 1 - dt + dt^2/2 - dt^3/6 + dt^4/24; Euler: 1 - dt). At J = 0 the stationary
 * variance is then exactly the Ornstein-Uhlenbeck sigma^2 / 2 (the lag-tau correlation R^(tau/dt) = e^-tau to
 * RK4's O(dt^4)); the plain Euler-Maruyama increment sigma sqrt(dt) gives sigma^2 dt / (1 - R^2), ~(1 + dt) sigma^2/2:
 * 5 % high at dt = 0.05 (test/simulate/simulate.test.ts measures both).
 */
export function noiseIncrement(sigma: number, dt: number, method: Method): number {
  const R = method === "rk4" ? 1 - dt + dt ** 2 / 2 - dt ** 3 / 6 + dt ** 4 / 24 : 1 - dt;
  return sigma * Math.sqrt((1 - R * R) / 2);
}

/** Progress and cancellation every ~100 ms of a run's stepping (a macrotask, so messages and signals arrive): a
 *  group's here, lyapunov()'s (src/chaos/lyapunov.ts). */
export function yielder(
  totalSteps: number,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
  what = "simulation",
) {
  let lastYield = performance.now();
  if (signal?.aborted) throw new DOMException(`${what} aborted`, "AbortError");
  return async (stepsDone: number) => {
    if (performance.now() - lastYield < 100) return;
    lastYield = performance.now();
    onProgress?.(stepsDone / totalSteps);
    await new Promise((r) => setTimeout(r, 0));
    if (signal?.aborted)
      throw signal.reason instanceof Error ? signal.reason : new DOMException(`${what} aborted`, "AbortError");
  };
}

/** the burn-in: task.burnSteps steps in calls of 20, checked for divergence after each */
async function burn(task: GroupTask, run: Stepper, maybeYield: (stepsDone: number) => Promise<void>): Promise<void> {
  for (let s = 0; s < task.burnSteps; s += 20) {
    const count = Math.min(20, task.burnSteps - s);
    run.advance(count);
    run.check((s + count) * task.dt);
    await maybeYield(s + count);
  }
}

/** The state of the task's trials after its burn-in (trialCount x n), nothing sampled: the shared start of branched
 *  trials (simulate's `start: "branch"`). */
export async function burnInState(
  task: GroupTask,
  be: Backend,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
  team?: Team,
): Promise<Float64Array> {
  const run = makeStepper(task, be, team);
  try {
    await burn(task, run, yielder(task.burnSteps, onProgress, signal));
    onProgress?.(1);
    return Float64Array.from(run.state());
  } finally {
    run.free();
  }
}

/** Run one group of trials on a backend (see the module comment). */
export async function runGroup(
  task: GroupTask,
  be: Backend,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
  team?: Team,
): Promise<GroupResult> {
  const { coupling: c, dtype, trialCount: K } = task;
  const n = c.n;
  const blockOfTrial = task.trialBlocks
    ? Array.from({ length: K }, (_, k) => trialBlock(task.trialStart + k, task.blocks, task.trialsTotal))
    : null;
  const opts = { samplesPerTrial: task.samples, space: task.space };
  const totalSteps = task.burnSteps + task.samples * task.stepsPerSample;
  const maybeYield = yielder(totalSteps, onProgress, signal);
  const accX = new CovarianceAccumulator(be, n, K, task.lags, 0, task.blocks, dtype, blockOfTrial, opts);
  const accPhi = new CovarianceAccumulator(be, n, K, task.lags, task.lags, task.blocks, dtype, blockOfTrial, opts);
  let run: Stepper | null = null;
  let phiBuf: Buf | null = null;
  try {
    run = makeStepper(task, be, team);
    phiBuf = be.alloc(dtype, K * n);
    const kind = PHI_KINDS[task.phi];
    const traj = task.keepTrajectory ? new Float32Array(task.samples * n) : undefined;
    await burn(task, run, maybeYield);
    const blockEnd = (b: number) => Math.round(((b + 1) * task.samples) / task.blocks);
    let block = 0;
    for (let k = 0; k < task.samples; k++) {
      run.advance(task.stepsPerSample);
      run.check((task.burnSteps + (k + 1) * task.stepsPerSample) * task.dt);
      run.sync();
      accX.push(run.x);
      be.phi(kind, n, K, run.x, null, phiBuf);
      accPhi.push(phiBuf);
      if (traj) traj.set(be.view(run.x).subarray(0, n), k * n);
      if (k + 1 === blockEnd(block)) {
        accX.endBlock();
        accPhi.endBlock();
        block++;
      }
      await maybeYield(task.burnSteps + (k + 1) * task.stepsPerSample);
    }
    onProgress?.(1);
    return { x: accX.state(), phi: accPhi.state(), ...(traj ? { trajectory: traj } : {}) };
  } finally {
    run?.free();
    if (phiBuf) be.free(phiBuf);
    accX.free();
    accPhi.free();
  }
}

/** The trials of each group: group g runs trials start .. start + count - 1 (the first trials % groups groups
 *  one more). */
export function groupTrials(trials: number, groups: number): { start: number; count: number }[] {
  const out = [];
  for (let g = 0, start = 0; g < groups; g++) {
    const count = Math.floor(trials / groups) + (g < trials % groups ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}

/** The block of trial t when whole trials form the blocks (trials >= blocks): consecutive trials, as evenly as
 *  they divide. */
function trialBlock(t: number, blocks: number, trials: number): number {
  return Math.floor((t * blocks) / trials);
}

/** Bytes of covariance sums and stored samples (x and phi, every group) a simulation with these settings allocates
 *  while it runs. With trial blocks (trials >= blocks) a group holds only the block sums of its own trials; in
 *  sample space no sums, the samples. */
export function accumulatorBytes(
  n: number,
  trials: number,
  groups: number,
  lags: number,
  blocks: number,
  dtype: DType,
  samplesPerTrial: number,
  space: StatisticsSpace = "sums",
): number {
  return groupTrials(trials, Math.min(trials, groups)).reduce((sum, { start, count }) => {
    const held =
      trials >= blocks
        ? new Set(Array.from({ length: count }, (_, k) => trialBlock(start + k, blocks, trials))).size
        : blocks;
    return (
      sum +
      CovarianceAccumulator.bytes(n, count, lags, 0, held, dtype, samplesPerTrial, space) +
      CovarianceAccumulator.bytes(n, count, lags, lags, held, dtype, samplesPerTrial, space)
    );
  }, 0);
}

/** The default executor: the groups one after another on one backend. */
export const sequentialExecutor: GroupExecutor = async (tasks, onProgress, signal, backend, team) => {
  const out: GroupResult[] = [];
  for (let g = 0; g < tasks.length; g++) {
    const be = backend ?? (await createBackend(tasks[g].backend, { fma: tasks[g].fma }));
    out.push(await runGroup(tasks[g], be, (f) => onProgress(g, f), signal, team));
  }
  return out;
};
