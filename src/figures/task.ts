/**
 * A figure as a queue job (`strand figures --queue URL`, run by `strand worker`): the job's point names the figure
 * and the run's mode; a worker computes it with its own backend, threads and sampler (its points in memory) and
 * returns the panels as JSON, which the follower draws. One job per figure: the figures of a --full run spread over
 * the workers; within a figure the points run in order on one worker. A worker runs each in a thread of its own
 * (runFigureTaskInThread), so that its event loop stays free to renew the job's lock: the default lock holds however
 * long the figure's dense decompositions take.
 */
import { Worker } from "node:worker_threads";
import { workerEntry } from "../io/worker-entry.ts";
import { createBackend } from "../backend/select.ts";
import { workerExecutor } from "../io/parallel.ts";
import { samplerPool, type SamplerPool } from "../io/sampler-pool.ts";
import type { GroupExecutor } from "../simulate/simulate.ts";
import { pointKey } from "../sweep/grid.ts";
import type { SweepHeader, SweepTask } from "../sweep/tasks.ts";
import { VERSION } from "../version.ts";
import { computeFigure, FIGS } from "./index.ts";
import type { Figure, Mode } from "./plan.ts";
import { pointStore, roundTrip } from "./points.ts";

/** The run a figure job belongs to: quick or full, --n (or "none"), --networks. */
export interface FigureRun {
  mode: "quick" | "full";
  n: number | "none";
  networks: number;
}

/** The tasks and the queue header of a figures run. */
export function figureTasks(only: string[], run: FigureRun): { header: SweepHeader; tasks: SweepTask[] } {
  const tasks = only.map((figure) => {
    const point = { figure, ...run };
    return { kind: "figure" as const, point, key: pointKey("figure", point) };
  });
  const header: SweepHeader = {
    strand: VERSION,
    what: "figures",
    seeds: 1,
    axes: [
      ["figure", only],
      ["mode", [run.mode]],
      ["n", [run.n]],
      ["networks", [run.networks]],
    ],
  };
  return { header, tasks };
}

/** Compute one figure job (a worker's side): its panels (JSON) and time. */
export async function runFigureTask(
  point: SweepTask["point"],
  executor?: GroupExecutor,
): Promise<{ figures: Figure[]; seconds: number }> {
  const k = String(point.figure);
  if (!(k in FIGS)) throw new RangeError(`invalid argument: no figure \`${k}\` in strand ${VERSION}`);
  let pool: Promise<SamplerPool> | undefined;
  const mode: Mode = {
    full: point.mode === "full",
    n: point.n === "none" ? undefined : Number(point.n),
    networks: Number(point.networks),
    be: await createBackend("auto"),
    executor: executor ?? workerExecutor(2),
    points: pointStore(null, {}, false),
    sampler: () => (pool ??= samplerPool(2)),
  };
  try {
    return roundTrip(await computeFigure(mode, k));
  } finally {
    if (pool) await (await pool).close();
  }
}

/**
 * Compute one figure job in a worker thread of its own (task-worker.ts), with `threads` simulation threads.
 * Errors come back with their name (a RangeError in the point's parameters stays permanent for the queue).
 */
export function runFigureTaskInThread(
  point: SweepTask["point"],
  threads: number,
): Promise<{ figures: Figure[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerEntry("task-worker", import.meta.url), { workerData: { point, threads } });
    w.once(
      "message",
      (m: { result?: { figures: Figure[]; seconds: number }; error?: { name: string; message: string } }) => {
        if (m.result) resolve(m.result);
        else reject(Object.assign(new Error(m.error!.message), { name: m.error!.name }));
        // the figure's simulation and sampler threads end with it
        void w.terminate();
      },
    );
    w.once("error", reject);
    w.once("exit", (code) => reject(new Error(`the figure's thread exited with code ${code} before its result`)));
  });
}
