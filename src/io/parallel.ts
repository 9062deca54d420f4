/**
 * Node worker-thread executor for simulate(): each group of trials runs on its own worker (own wasm
 * instance and memory), at most `workers` at a time. The groups' sums come back and are added in group
 * order by simulate(), so the result is identical to the single-threaded run (same seed, same backend).
 * Workers start from simulate-worker.mjs, which registers tsx and loads the TypeScript worker, like the CLI. Aborting terminates the workers.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { SimulationError, type GroupExecutor, type GroupResult, type GroupTask } from "../simulate/simulate.ts";

function runInWorker(task: GroupTask, onProgress: (f: number) => void, signal?: AbortSignal): Promise<GroupResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./simulate-worker.mjs", import.meta.url), { workerData: task });
    const abort = () => {
      void worker.terminate();
      reject(signal?.reason instanceof Error ? signal.reason : new DOMException("simulation aborted", "AbortError"));
    };
    signal?.addEventListener("abort", abort, { once: true });
    worker.on("message", (m: { type: string; fraction?: number; result?: GroupResult; name?: string; message?: string }) => {
      if (m.type === "progress") onProgress(m.fraction!);
      else if (m.type === "done") {
        signal?.removeEventListener("abort", abort);
        void worker.terminate();
        resolve(m.result!);
      } else if (m.type === "error") {
        signal?.removeEventListener("abort", abort);
        void worker.terminate();
        reject(m.name === "SimulationError" ? new SimulationError(m.message!) : new Error(m.message));
      }
    });
    worker.on("error", (err) => reject(err));
  });
}

/** An executor running up to `workers` groups at once on worker threads (default: the machine's cores). */
export function workerExecutor(workers = os.availableParallelism?.() ?? os.cpus().length): GroupExecutor {
  return async (tasks, onProgress, signal) => {
    const results: GroupResult[] = new Array(tasks.length);
    let next = 0;
    const lane = async () => {
      while (next < tasks.length) {
        const g = next++;
        results[g] = await runInWorker(tasks[g], (f) => onProgress(g, f), signal);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, tasks.length)) }, lane));
    return results;
  };
}
