/**
 * Worker-thread entry for a figure job (task.ts runFigureTaskInThread): computes one figure with runFigureTask (its
 * own backend, simulation threads and sampler) and posts the panels back, so that the queue worker's event loop,
 * which renews the job's lock, is never held by the figure's synchronous parts (dense decompositions, theory).
 */
import { parentPort, workerData } from "node:worker_threads";
import { workerExecutor } from "../io/parallel.ts";
import type { SweepTask } from "../sweep/tasks.ts";
import { runFigureTask } from "./task.ts";

const { point, threads } = workerData as { point: SweepTask["point"]; threads: number };
try {
  parentPort!.postMessage({ result: await runFigureTask(point, workerExecutor(threads)) });
} catch (err) {
  const e = err as Error;
  parentPort!.postMessage({ error: { name: e?.name ?? "Error", message: e?.message ?? String(err) } });
}
