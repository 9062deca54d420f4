/**
 * Node worker-thread pool for the sampling single-site solver (src/theory/selfcoupled.ts): `threads`
 * persistent workers, each with its own backend, run the chunks of every iteration; results come back in
 * task order, so the numbers are identical to the single-threaded run (each chunk has its own random
 * stream). Close the pool when done (it keeps the process alive otherwise).
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { workerEntry } from "./worker-entry.ts";
import { ConvergenceError } from "../errors.ts";
import type { ChunkExecutor, ChunkResult, ChunkTask } from "../theory/selfcoupled-chunk.ts";

/** Worker threads for the sampling single site: pass `executor` to structuredTheory; close() when done. */
export interface SamplerPool {
  executor: ChunkExecutor;
  /** Stop the threads. */
  close(): Promise<void>;
}

/**
 * Start `threads` worker threads for the sampling single-site solver.
 *
 * @param threads how many (default: the core count)
 * @param backend the kernels each thread runs
 * @returns the pool
 */
export async function samplerPool(
  threads = os.availableParallelism?.() ?? os.cpus().length,
  backend: "wasm" | "js" = "wasm",
): Promise<SamplerPool> {
  const workers = await Promise.all(
    Array.from(
      { length: Math.max(1, threads) },
      () =>
        new Promise<Worker>((resolve, reject) => {
          const w = new Worker(workerEntry("sampler-worker", import.meta.url), { workerData: { backend } });
          w.once("message", () => resolve(w));
          w.once("error", reject);
        }),
    ),
  );
  let nextId = 0;
  const run = (w: Worker, task: ChunkTask) =>
    new Promise<ChunkResult>((resolve, reject) => {
      const id = nextId++;
      const onMessage = (m: {
        id: number;
        result?: ChunkResult;
        error?: { name: string; message: string; diagnostics: Record<string, number> };
      }) => {
        if (m.id !== id) return;
        w.off("message", onMessage);
        if (m.error)
          reject(
            m.error.name === "ConvergenceError"
              ? new ConvergenceError(m.error.message, m.error.diagnostics)
              : new Error(m.error.message),
          );
        else resolve(m.result!);
      };
      w.on("message", onMessage);
      w.postMessage({ id, task });
    });
  const executor: ChunkExecutor = async (tasks) => {
    const out: ChunkResult[] = new Array(tasks.length);
    let next = 0;
    await Promise.all(
      workers.map(async (w) => {
        while (next < tasks.length) {
          const i = next++;
          out[i] = await run(w, tasks[i]);
        }
      }),
    );
    return out;
  };
  return { executor, close: async () => void (await Promise.all(workers.map((w) => w.terminate()))) };
}
