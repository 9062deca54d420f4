/**
 * Figure points on a queue (`strand figures --queue URL`, run by `strand worker`s; issue 28): the follower computes
 * the figures itself, and every point a figure asks for (a simulation, a sampling single site, a Lyapunov run, ...:
 * src/figures/points.ts) becomes one job whose key is the point's key. A worker computes it from its key alone
 * (computePoint) in a thread of its own (runPointInThread: the worker's event loop stays free to renew the job's lock
 * through a point's long synchronous parts, dense decompositions). A figure asks for its points all at once, so they
 * run side by side on as many workers as there are; the follower keeps each as it returns in <out>/points.jsonl (the
 * file a local run keeps; one failed in its parameters as its error, queueFailure), so a stopped follower continues
 * with --resume, and a local --resume reuses them too.
 *
 * Any figures run of one strand version may share a queue: a point's key names everything it computes, so the same
 * point asked for by two runs is one job, computed once.
 */
import { Worker } from "node:worker_threads";
import type { Job, Queue } from "bullmq";
import { workerEntry } from "../io/worker-entry.ts";
import { createBackend } from "../backend/select.ts";
import type { Team } from "../backend/team.ts";
import { workerExecutor } from "../io/parallel.ts";
import { samplerPool, type SamplerPool } from "../io/sampler-pool.ts";
import { createTeam } from "../io/team-pool.ts";
import { enqueueSweep, jobIdOf, storedSweep, type JobData, type JobResult, type WorkerInfo } from "../io/queue.ts";
import { permanentNameOf, type SweepHeader, type SweepTask } from "../sweep/tasks.ts";
import { VERSION } from "../version.ts";
import { pointLabel, type PointContext, type PointRunner } from "./points.ts";

/** The queue header of figure points: the strand version only (see the module comment). */
export const FIGURES_HEADER: SweepHeader = { strand: VERSION, what: "figures", seeds: 1, axes: [] };

/** A point as a queue task: its key is the point's key (points.ts keyText). */
const pointTask = (key: string): SweepTask => ({ kind: "point", point: {}, key });

/**
 * A PointContext of this process: the wasm (or js) backend, `threads` simulation threads, and the sampler's 2 threads
 * and a team (wasm only), started when a point first asks for them; close() ends those two.
 */
export async function localContext(threads = 2): Promise<PointContext & { close(): Promise<void> }> {
  const be = await createBackend("auto");
  let pool: Promise<SamplerPool> | undefined;
  let team: Promise<Team | undefined> | undefined;
  return {
    be,
    executor: workerExecutor(threads),
    sampler: () => (pool ??= samplerPool(2)),
    team: () => (team ??= be.name === "wasm" ? createTeam(undefined, { fma: be.fma }) : Promise.resolve(undefined)),
    async close() {
      if (pool) await (await pool).close();
      await (await team)?.close();
    },
  };
}

/**
 * Compute one point (a worker's side) in a worker thread of its own (task-worker.ts) with `threads` simulation threads:
 * its value (as JSON reads it back) and compute time. Errors come back with their name (a RangeError in the key
 * stays permanent for the queue).
 */
export function runPointInThread(key: string, threads: number): Promise<{ value: unknown; seconds: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerEntry("task-worker", import.meta.url), { workerData: { key, threads } });
    w.once(
      "message",
      (m: { result?: { value: unknown; seconds: number }; error?: { name: string; message: string } }) => {
        if (m.result) resolve(m.result);
        else reject(Object.assign(new Error(m.error!.message), { name: m.error!.name }));
        // the point's simulation, sampler and team threads end with it
        void w.terminate();
      },
    );
    w.once("error", reject);
    w.once("exit", (code) => reject(new Error(`the point's thread exited with code ${code} before its result`)));
  });
}

/**
 * A point's failed (or removed) job as the error its figure sees. A failure in the point's parameters reached its job
 * as "Name: message" (errorText, thrown unrecoverable at once); it keeps its name, and its compute time as
 * pointSeconds, so that the follower's points file keeps it like a local run's (points.ts: --resume fails it again
 * instead of enqueueing it). Any other failure (retries exhausted, a job removed) is the machine's: a plain Error.
 */
export function queueFailure(key: string, job: Job<JobData, JobResult> | undefined): Error {
  const why = job ? job.failedReason : "its job was removed from the queue";
  const e = new Error(`the point ${pointLabel(JSON.parse(key))} failed on the queue: ${why}`);
  const name = permanentNameOf(why);
  if (!job || !name) return e;
  const ms = (job.finishedOn ?? 0) - (job.processedOn ?? 0);
  return Object.assign(e, { name, pointSeconds: Math.max(0, ms) / 1000 });
}

/** A queue's state was lost (Redis restarted without persistence, or the queue was removed). */
export class QueueLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueueLostError";
  }
}

/**
 * The follower's side: a PointRunner that enqueues each point it is given (a job already in the queue, by key, is not
 * added again: its result is collected) and resolves it when a worker has computed it, polling the pending jobs every
 * pollMs. A job failed for good rejects with its reason; a lost queue rejects every pending point (QueueLostError).
 * Redis not answering is reported (onUnreachable) and retried.
 */
export function queueRunner(
  queue: Queue<JobData, JobResult>,
  options: { pollMs?: number; onUnreachable?: (e: unknown) => void } = {},
): PointRunner & { added(): { added: number; present: number }; stop(reason: Error): void } {
  const waiting = new Map<
    string,
    {
      key: string;
      resolve: (r: { value: unknown; seconds: number; worker: WorkerInfo }) => void;
      reject: (e: Error) => void;
    }
  >();
  let added = 0,
    present = 0,
    polling = false,
    stopped: Error | null = null;
  const rejectAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  const poll = async () => {
    polling = true;
    while (waiting.size && !stopped) {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
      try {
        if (!(await storedSweep(queue))) {
          rejectAll(
            new QueueLostError(
              `the queue ${queue.name} is gone (Redis restarted without persistence, or the queue was removed); ` +
                "the points returned so far are kept: run the same command with --resume to enqueue the rest",
            ),
          );
          break;
        }
        for (const [id, w] of [...waiting]) {
          const state = await queue.getJobState(id);
          if (state !== "completed" && state !== "failed" && state !== "unknown") continue;
          // the job read once its state is final: one read while active has no result or reason yet, even if it
          // has finished by the time its state is asked
          const job = state === "unknown" ? undefined : await queue.getJob(id);
          waiting.delete(id);
          if (state === "completed" && job) {
            const { results, worker } = job.returnvalue;
            w.resolve({ value: results.value, seconds: Number(results.seconds), worker });
          } else w.reject(queueFailure(w.key, job));
        }
      } catch (e) {
        // (a stopped follower closes the queue under a poll)
        if (!stopped) options.onUnreachable?.(e);
      }
    }
    polling = false;
  };
  const runner = async (key: string) => {
    // a point asked for after stop(), or stopped while it was being enqueued, would wait for ever: refused
    if (stopped) throw stopped;
    const task = pointTask(key);
    const n = await enqueueSweep(queue, FIGURES_HEADER, [task]);
    added += n;
    present += 1 - n;
    if (stopped) throw stopped;
    const result = new Promise<{ value: unknown; seconds: number; worker: WorkerInfo }>((resolve, reject) =>
      waiting.set(jobIdOf(task.key), { key, resolve, reject }),
    );
    if (!polling) void poll();
    return result;
  };
  const stop = (reason: Error) => {
    stopped = reason;
    rejectAll(reason);
  };
  return Object.assign(runner, { added: () => ({ added, present }), stop });
}
