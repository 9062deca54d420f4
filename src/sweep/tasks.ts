/**
 * A sweep's points and how one is run — the same path whether `strand sweep` runs it here, a shard runs a slice of
 * it (`--shard I/N`) or a `strand worker` takes it from a queue (src/io/queue.ts): the grid (grid.ts) becomes
 * tasks (one theory task per distinct theory point, one simulation task per grid point and seed), each with its
 * canonical key; runTask computes a task's record (seeded: the same numbers wherever it runs, up to `seconds`).
 * A failure is permanent when it is in the point's parameters (a diverging run, an invalid or unpredicted
 * combination, a theory without a solution) and transient otherwise (isPermanent: a queue retries only those).
 */
import type { Backend, PhiName } from "../backend/types.ts";
import { createBackend } from "../backend/select.ts";
import { invalid } from "../errors.ts";
import { makeNetwork, type NetworkSpec } from "../network/ensembles.ts";
import { SPECTRUM_KINDS } from "../network/spectra.ts";
import { simulate, type GroupExecutor } from "../simulate/simulate.ts";
import { predict } from "../theory/predict.ts";
import { gridPoints, pointKey, type GridValue } from "./grid.ts";

/** One point of a sweep. */
export interface SweepTask {
  /** "point": a point of `strand figures --queue`, keyed by the point's key (src/figures/task.ts; not run by runTask) */
  kind: "theory" | "simulation" | "point";
  point: Record<string, GridValue>;
  key: string;
}

/** What a sweep is (the results file's header line): strand's version, what runs, seeds per point, the grid. */
export interface SweepHeader {
  strand: string;
  what: "both" | "theory" | "simulate" | "figures";
  seeds: number;
  axes: [string, GridValue[]][];
  /** a shard's slice, "I/N" (strand sweep --shard) */
  shard?: string;
}

/** The network spec of a grid point (rmm flags with iid, an unknown coupling: refused by name). */
export function specOf(p: Record<string, GridValue>, seed: number): NetworkSpec {
  const opt = (k: string) => (p[k] === "none" ? undefined : (p[k] as number));
  const prG = opt("pr-g");
  const gains = prG !== undefined ? { prG } : undefined;
  if (p.coupling === "iid") {
    for (const k of ["effective-rank", "alpha", "pr-d", "spectrum"])
      if (p[k] !== "none") throw invalid(`--${k}`, "applies to --coupling rmm only", p[k]);
    return { coupling: "iid", n: p.n as number, g: p.g as number, seed, gains };
  }
  if (p.coupling !== "rmm") throw invalid("--coupling", "must be iid or rmm in a sweep", p.coupling);
  const spectrum = p.spectrum === "none" ? undefined : String(p.spectrum);
  if (spectrum !== undefined && !(SPECTRUM_KINDS as readonly string[]).includes(spectrum))
    throw invalid("--spectrum", `must be one of ${SPECTRUM_KINDS.join(", ")}`, p.spectrum);
  return {
    coupling: "rmm",
    n: p.n as number,
    g: p.g as number,
    seed,
    gains,
    effectiveRank: opt("effective-rank"),
    alpha: opt("alpha"),
    prD: opt("pr-d"),
    spectrum: spectrum as (typeof SPECTRUM_KINDS)[number] | undefined,
  };
}

/** The tasks of a sweep, in grid order (theory tasks deduplicated: see the comment inside). */
export function sweepTasks(header: Pick<SweepHeader, "axes" | "what" | "seeds">): SweepTask[] {
  const { axes, what, seeds } = header;
  const tasks: SweepTask[] = [];
  const keys = new Set<string>();
  for (const point of gridPoints(axes)) {
    if (what !== "simulate") {
      // the theory does not depend on the simulation settings, nor on N unless the random-mode spectrum is
      // given by alpha / PR^D (its discrete PR^D depends on M = alpha N): one task per distinct rest
      const { n, duration: _du, trials: _tr, dt: _dt, "burn-in": _b, lags: _l, ...others } = point;
      const rest = point.coupling === "rmm" && point["effective-rank"] === "none" ? { ...others, n } : others;
      const key = pointKey("theory", rest);
      if (!keys.has(key)) {
        keys.add(key);
        tasks.push({ kind: "theory", point: rest, key });
      }
    }
    if (what !== "theory")
      for (let s = 1; s <= seeds; s++) {
        const p = { ...point, seed: s };
        tasks.push({ kind: "simulation", point: p, key: pointKey("simulation", p) });
      }
  }
  return tasks;
}

/** A deterministic slice of the tasks: shard i of n (1-based) takes tasks i - 1, i - 1 + n, ... */
export function shardOf(tasks: SweepTask[], i: number, n: number): SweepTask[] {
  return tasks.filter((_, k) => k % n === i - 1);
}

let backendPromise: Promise<Backend> | undefined;
/** one wasm (or, without SIMD, js) backend for the theory points of a process */
const theoryBackend = () => (backendPromise ??= createBackend("auto"));

/**
 * Run one task: the theory's scalars (prPhi, prX as simulate measures them) or one seeded simulation's estimates.
 *
 * @param t the task
 * @param executor simulate's executor (worker threads), or undefined for this thread
 * @returns the record's `results`
 */
export async function runTask(t: SweepTask, executor?: GroupExecutor): Promise<Record<string, unknown>> {
  const p = t.point;
  if (t.kind === "point") throw new TypeError("invalid argument: a figure point is run by src/figures/task.ts");
  const phi = p.phi as PhiName;
  const t0 = performance.now();
  if (t.kind === "theory") {
    const spec = specOf({ n: 1000, ...p }, 1); // n only sets the discrete spectrum when no effective rank is given
    const pr = await predict(spec, { phi, backend: await theoryBackend() });
    if (pr.method !== "gaussian") throw new Error(`internal: a sweep point predicted by ${pr.method}`);
    const er = pr.inputs.effectiveRank;
    const { autocorrelation: _a, collective: _c, diagonal: _d, ...scalars } = pr.theory.results;
    // prPhi and prX as simulate measures them (with gains: the z-scored PR^phi; PR^x not derived)
    const { prPhi, prX } = pr.observables;
    return {
      ...scalars,
      prPhi,
      prX,
      effectiveRank: Number.isFinite(er) ? er : null,
      seconds: (performance.now() - t0) / 1000,
    };
  }
  const net = makeNetwork(specOf(p, p.seed as number));
  const r = await simulate(net, {
    phi,
    duration: p.duration as number,
    trials: p.trials as number,
    dt: p.dt as number,
    burnIn: p["burn-in"] as number,
    lags: p.lags as number,
    seed: p.seed as number,
    executor,
  });
  const R = r.results;
  return {
    prPhi: R.prPhi,
    prX: R.prX,
    prPhiError: R.prPhiError,
    prXError: R.prXError,
    prPhiPlugin: R.prPhiPlugin,
    prXPlugin: R.prXPlugin,
    status: R.status,
    dynamics: R.dynamics,
    cPhi0: R.cPhi0,
    cX0: R.cX0,
    quiescent: R.quiescent,
    nonStationary: R.nonStationary,
    timescales: R.timescales,
    gains: R.gains ?? null,
    effectiveRank: net.summary.effectiveRank,
    seconds: R.seconds,
  };
}

/** errors in a point's parameters: retrying cannot help (a queue records them as failed at once) */
const PERMANENT = ["SimulationError", "ConvergenceError", "NotPredictedError", "RangeError", "TypeError"];

/** Whether an error of runTask is in the point's parameters (permanent) rather than the machine's (transient). */
export function isPermanent(e: unknown): boolean {
  return e instanceof Error && PERMANENT.includes(e.name);
}

/** An error as a record's `error` field: "Name: message". */
export const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** The name of a permanent error in an errorText ("ConvergenceError: ..."), as a queue's failed job keeps it; undefined
 *  for any other text. */
export function permanentNameOf(text: string): string | undefined {
  const name = /^(\w+): /.exec(text)?.[1];
  return name !== undefined && PERMANENT.includes(name) ? name : undefined;
}
