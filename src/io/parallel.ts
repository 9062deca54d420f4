/**
 * Node worker-thread executor for simulate(): each group of trials runs on a worker thread (its own wasm
 * instance and memory), at most `workers` at a time. The groups' sums come back and are added in group
 * order by simulate(), so the result is identical to the single-threaded run (same seed, same backend).
 *
 * The workers persist between simulate() calls of one executor (a sweep, a figure, a benchmark pays the
 * thread start-up once, not per call). Each task gets a fresh backend inside its worker, so a large task's wasm memory is released when it
 * ends. Idle workers are unref'd (they never keep the process alive); a worker is terminated and replaced
 * when its task is aborted or the thread dies. Workers start from the compiled simulate-worker.js, or from the
 * sources through simulate-worker.mjs (src/io/worker-entry.ts).
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { workerEntry } from "./worker-entry.ts";
import { SimulationError, type GroupExecutor, type GroupResult, type GroupTask } from "../simulate/simulate.ts";

/** workers that were terminated or died: never handed out again */
const gone = new WeakSet<Worker>();

interface Reply {
  id: number;
  type: string;
  fraction?: number;
  result?: GroupResult;
  name?: string;
  message?: string;
}

function startWorker(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerEntry("simulate-worker", import.meta.url));
    const onError = (err: Error) => reject(err);
    w.once("error", onError);
    w.once("message", () => {
      w.off("error", onError);
      w.unref();
      resolve(w);
    });
  });
}

function runOn(
  w: Worker,
  id: number,
  task: GroupTask,
  onProgress: (f: number) => void,
  signal?: AbortSignal,
): Promise<GroupResult> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      w.off("message", onMessage);
      w.off("error", onError);
      w.off("exit", onExit);
      signal?.removeEventListener("abort", abort);
      w.unref();
    };
    const abort = () => {
      finish();
      gone.add(w);
      void w.terminate();
      reject(signal?.reason instanceof Error ? signal.reason : new DOMException("simulation aborted", "AbortError"));
    };
    const onMessage = (m: Reply) => {
      if (m.id !== id) return;
      if (m.type === "progress") return onProgress(m.fraction!);
      finish();
      if (m.type === "done") resolve(m.result!);
      else reject(m.name === "SimulationError" ? new SimulationError(m.message!) : new Error(m.message));
    };
    const onError = (err: Error) => {
      finish();
      gone.add(w);
      void w.terminate();
      reject(err);
    };
    const onExit = (code: number) => {
      finish();
      gone.add(w);
      reject(new Error(`simulation worker exited (code ${code}) before finishing its group`));
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort, { once: true });
    w.on("message", onMessage);
    w.on("error", onError);
    w.on("exit", onExit);
    w.ref(); // a task in flight keeps the process alive
    w.postMessage({ id, task });
  });
}

/** shared copies of couplings already sent (a network simulated again, e.g. by the figures, is not copied again) */
const sharedCopies = new WeakMap<Float64Array, Float32Array | Float64Array>();

/** `a` in a SharedArrayBuffer, as `Type` (float32 for a float32 run: the values its backend would round to anyway) */
function shared(a: Float64Array, float32: boolean): Float32Array | Float64Array {
  const hit = sharedCopies.get(a);
  if (hit && hit instanceof Float32Array === float32) return hit;
  const out = float32
    ? new Float32Array(new SharedArrayBuffer(4 * a.length))
    : new Float64Array(new SharedArrayBuffer(8 * a.length));
  out.set(a);
  sharedCopies.set(a, out);
  return out;
}

/**
 * The task with its coupling in shared memory: posting a task clones its arrays into every worker (a float64 J of
 * N = 8192 is 0.5 GiB per thread); a SharedArrayBuffer is not cloned. A dense J goes as float32 for float32 runs
 * (half the memory, the same numbers: the backend rounds to float32 when it loads J).
 */
function shareCoupling(task: GroupTask): GroupTask {
  const c = task.coupling;
  const isShared = (a: Float32Array | Float64Array) => a.buffer instanceof SharedArrayBuffer;
  if (c.kind === "dense" ? isShared(c.J) || c.J instanceof Float32Array : isShared(c.L)) return task;
  const coupling: GroupTask["coupling"] =
    c.kind === "dense"
      ? { ...c, J: shared(c.J as Float64Array, task.dtype === "float32") }
      : { ...c, L: shared(c.L, false) as Float64Array, R: shared(c.R, false) as Float64Array };
  return { ...task, coupling };
}

/** simulate()'s executor on worker threads, which also counts the threads it started. */
export interface WorkerExecutor extends GroupExecutor {
  /** threads started so far */
  threadsStarted(): number;
}

/**
 * An executor running up to `workers` of simulate()'s groups of trials at once on persistent worker threads (same
 * numbers as one thread).
 *
 * @param workers at most this many threads (default: the core count)
 * @returns the executor (pass as `simulate(net, { executor })`); `threadsStarted()` counts threads started
 */
export function workerExecutor(workers = os.availableParallelism?.() ?? os.cpus().length): WorkerExecutor {
  const idle: Worker[] = [];
  let nextId = 0,
    started = 0;
  const acquire = async () => idle.pop() ?? (started++, await startWorker());
  const executor: GroupExecutor = async (tasks, onProgress, signal) => {
    const results: GroupResult[] = new Array(tasks.length);
    let next = 0;
    const lane = async () => {
      while (next < tasks.length && !signal?.aborted) {
        const g = next++;
        const w = await acquire();
        try {
          results[g] = await runOn(w, nextId++, shareCoupling(tasks[g]), (f) => onProgress(g, f), signal);
        } finally {
          // an aborted or dead worker is gone; one whose group reported an error is still good
          if (!gone.has(w)) idle.push(w);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, tasks.length)) }, lane));
    if (signal?.aborted)
      throw signal.reason instanceof Error ? signal.reason : new DOMException("simulation aborted", "AbortError");
    return results;
  };
  return Object.assign(executor, { threadsStarted: () => started });
}
