/**
 * Sweeps over many machines on BullMQ (Redis): the sweep's tasks (tasks.ts) become jobs of one queue, workers on any
 * number of machines run them (runTask, the same path as a local sweep), and the process that enqueued them follows
 * the queue and writes each finished point to the same resumable JSON Lines file as a local sweep.
 *
 * - A queue holds one sweep: its header (strand version, job schema, grid) is kept in Redis beside the queue
 *   (`strand:sweep:NAME`); enqueueing another sweep on it is refused, and so is a worker of another version.
 * - The job id is a hash of the point's canonical key: re-enqueueing the same sweep adds nothing.
 * - Exactly once: a job is recorded when it completes (its result stays in Redis until collected and after, so a
 *   follower that is killed and re-run collects it again; the file's keys decide what is new). A worker killed in
 *   the middle of a job leaves its lock to expire; BullMQ's stalled-job check (run by the other workers) puts the
 *   job back, and another worker runs it.
 * - Failures: one in the point's parameters (isPermanent) fails the job at once (UnrecoverableError) and is recorded
 *   as a failed line with its message; anything else is retried with exponential backoff (3 attempts), then
 *   recorded as failed.
 * - Redis restarted without persistence loses the queue: the follower finds the sweep's key gone and says so; the
 *   same command with --resume enqueues again what the file does not hold.
 */
import { createHash } from "node:crypto";
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { VERSION } from "../version.ts";
import os from "node:os";
import { errorText, isPermanent, runTask, type SweepHeader, type SweepTask } from "../sweep/tasks.ts";
import type { GroupExecutor } from "../simulate/simulate.ts";
import { createBackend } from "../backend/select.ts";

/** the job data's format; a worker refuses jobs of another schema (or another strand version) */
export const QUEUE_SCHEMA = 1;
/** the queue name when the URL gives none */
export const DEFAULT_QUEUE = "strand-sweep";

/** Where a queue lives: redis://[:password@]host:port[/NAME] */
export interface QueueAddress {
  connection: { host: string; port: number; password?: string; maxRetriesPerRequest: number | null };
  name: string;
  url: string;
}

/** Parse a queue URL (redis://[:password@]host[:port][/NAME]; port 6379, NAME strand-sweep by default). */
export function parseQueueUrl(url: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`invalid argument: \`--queue\` must be a URL redis://HOST:PORT[/NAME]; got \`${url}\``);
  }
  if (u.protocol !== "redis:" || !u.hostname)
    throw new RangeError(`invalid argument: \`--queue\` must be a URL redis://HOST:PORT[/NAME]; got \`${url}\``);
  const name = decodeURIComponent(u.pathname.replace(/^\//, "")) || DEFAULT_QUEUE;
  if (!/^[\w.-]{1,100}$/.test(name))
    throw new RangeError(
      `invalid argument: the queue name in \`--queue\` must be letters, digits, . _ - (at most 100); got \`${name}\``,
    );
  return {
    connection: {
      host: u.hostname,
      port: u.port ? Number(u.port) : 6379,
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      maxRetriesPerRequest: null,
    },
    name,
    url,
  };
}

/** a job id from a point's key (BullMQ ids may not contain ':' nor be integers) */
export const jobIdOf = (key: string) => "p-" + createHash("sha256").update(key).digest("hex").slice(0, 40);

/** What a job carries. */
export interface JobData {
  key: string;
  kind: SweepTask["kind"];
  point: SweepTask["point"];
  strand: string;
  schema: number;
}

/** Which process computed a record. */
export interface WorkerInfo {
  host: string;
  pid: number;
  strand: string;
  backend: string;
}

/** this process, for the records it computes (the backend its theory points and simulations pick by default) */
export async function workerInfo(): Promise<WorkerInfo> {
  return { host: os.hostname(), pid: process.pid, strand: VERSION, backend: (await createBackend("auto")).name };
}

/** What a job returns: the record's results and who computed them. */
export interface JobResult {
  results: Record<string, unknown>;
  worker: WorkerInfo;
}

const headerKey = (name: string) => `strand:sweep:${name}`;

/** The sweep stored beside a queue (null when there is none: a fresh queue, or one lost with Redis). */
export async function storedSweep(queue: Queue): Promise<{ header: SweepHeader; schema: number } | null> {
  const text = await ((await queue.client) as unknown as Redis).get(headerKey(queue.name));
  return text ? JSON.parse(text) : null;
}

/**
 * Enqueue a sweep's tasks (those not already done). Refused when the queue holds another sweep.
 *
 * @returns how many jobs were added (jobs already in the queue, by id, are not added again)
 */
export async function enqueueSweep(queue: Queue, header: SweepHeader, todo: SweepTask[]): Promise<number> {
  const client = (await queue.client) as unknown as Redis;
  const mine = JSON.stringify({ header, schema: QUEUE_SCHEMA });
  await client.set(headerKey(queue.name), mine, "NX");
  const stored = await client.get(headerKey(queue.name));
  if (stored !== mine)
    throw new RangeError(
      `the queue ${queue.name} holds another sweep (${(stored ?? "").slice(0, 300)}); use another queue name ` +
        "(redis://HOST:PORT/NAME), or remove that one when it is done",
    );
  // jobs already in the queue (any state) are not added again: count the new ones first
  const existing = await Promise.all(todo.map((t) => queue.getJob(jobIdOf(t.key))));
  await queue.addBulk(
    todo.map((t) => ({
      name: t.kind,
      data: { key: t.key, kind: t.kind, point: t.point, strand: VERSION, schema: QUEUE_SCHEMA } satisfies JobData,
      opts: {
        jobId: jobIdOf(t.key),
        attempts: 3,
        backoff: { type: "exponential", delay: 2000 },
        removeOnComplete: false,
        removeOnFail: false,
      },
    })),
  );
  return existing.filter((j) => !j).length;
}

/** A finished job as a results line. */
export interface FinishedRecord extends Record<string, unknown> {
  key: string;
  kind: SweepTask["kind"];
  point: SweepTask["point"];
  results: Record<string, unknown> | null;
  worker?: JobResult["worker"];
  error?: string;
  attempts?: number;
}

/**
 * The jobs that finished (completed, or failed for good) and are not in `done`, as results lines.
 *
 * @param queue the sweep's queue
 * @param done keys already recorded
 */
export async function finishedJobs(queue: Queue, done: Set<string>): Promise<FinishedRecord[]> {
  const out: FinishedRecord[] = [];
  for (const job of (await queue.getJobs(["completed"])) as Job<JobData, JobResult>[]) {
    if (!job?.data || done.has(job.data.key)) continue;
    const r = job.returnvalue;
    out.push({ key: job.data.key, kind: job.data.kind, point: job.data.point, results: r.results, worker: r.worker });
  }
  for (const job of (await queue.getJobs(["failed"])) as Job<JobData, JobResult>[]) {
    if (!job?.data || done.has(job.data.key)) continue;
    // a job that will be retried is "delayed", not failed: these are final
    out.push({
      key: job.data.key,
      kind: job.data.kind,
      point: job.data.point,
      results: null,
      error: job.failedReason,
      attempts: job.attemptsMade,
    });
  }
  return out;
}

/** The queue's job counts for a progress line. */
export async function queueCounts(queue: Queue) {
  const c = await queue.getJobCounts("waiting", "active", "completed", "failed", "delayed", "prioritized");
  return { waiting: c.waiting + c.delayed + c.prioritized, active: c.active, completed: c.completed, failed: c.failed };
}

/** Options of a queue worker. */
export interface QueueWorkerOptions {
  /** simulate's executor (worker threads) */
  executor?: GroupExecutor;
  /** how long a job's lock lasts without renewal: a killed worker's job is taken back after it (default 30 s) */
  lockMs?: number;
  /** called when the worker meets a job of another strand version or schema (it then stops taking jobs) */
  onRefused?: (message: string) => void;
  /** how a job runs (default runTask; the CLI's worker adds figure jobs, src/figures/task.ts) */
  run?: (task: SweepTask, executor?: GroupExecutor) => Promise<Record<string, unknown>>;
  /** called after every job */
  onJob?: (job: { key: string; point: SweepTask["point"]; ok: boolean; seconds: number; error?: string }) => void;
}

/**
 * A BullMQ worker that runs a sweep's jobs one at a time with runTask.
 *
 * @param address the queue
 * @param options executor, lock duration, callbacks
 * @returns the worker (close() to stop after the current job)
 */
export function queueWorker(address: QueueAddress, options: QueueWorkerOptions = {}): Worker<JobData, JobResult> {
  const lockDuration = options.lockMs ?? 30_000;
  const worker: Worker<JobData, JobResult> = new Worker<JobData, JobResult>(
    address.name,
    async (job, token) => {
      if (job.data.strand !== VERSION || job.data.schema !== QUEUE_SCHEMA) {
        // not ours to run: give it back for a worker of its version, and stop taking jobs
        const message =
          `the queue ${address.name} holds jobs of strand ${job.data.strand} (schema ${job.data.schema}); this ` +
          `worker is strand ${VERSION} (schema ${QUEUE_SCHEMA}) and refuses them`;
        await job.moveToDelayed(Date.now() + 1000, token);
        options.onRefused?.(message);
        void worker.close();
        throw new DelayedError();
      }
      const t0 = performance.now();
      const seconds = () => (performance.now() - t0) / 1000;
      const { key, point } = job.data;
      try {
        const results = await (options.run ?? runTask)({ kind: job.data.kind, point, key }, options.executor);
        options.onJob?.({ key, point, ok: true, seconds: seconds() });
        return { results, worker: await workerInfo() };
      } catch (e) {
        options.onJob?.({ key, point, ok: false, seconds: seconds(), error: errorText(e) });
        if (isPermanent(e)) throw new UnrecoverableError(errorText(e));
        throw e;
      }
    },
    {
      connection: address.connection,
      concurrency: 1,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 2,
    },
  );
  return worker;
}

/** Open the sweep's queue. */
export function openQueue(address: QueueAddress): Queue<JobData, JobResult> {
  // commands fail (rather than wait) while Redis is down, so that a follower can say so
  return new Queue<JobData, JobResult>(address.name, {
    connection: { ...address.connection, maxRetriesPerRequest: 1 },
  });
}

/** What followSweep reports as it goes. */
export interface FollowProgress {
  /** points of the sweep in the file */
  done: number;
  total: number;
  active: number;
  waiting: number;
  /** failed lines written */
  failed: number;
}

/**
 * Follow a queue until every task is in the results file (or, with once, collect what finished and return): each
 * finished job becomes one line. The queue's state is checked every poll: when the sweep's key is gone (Redis
 * restarted without persistence, or the queue was removed) it returns lost = true.
 *
 * @param queue the sweep's queue
 * @param results the open results file (its `done` keys are skipped)
 * @param tasks the sweep's tasks (what "every task" means)
 * @param options pollMs (default 500), once, onProgress, onUnreachable (Redis does not answer), signal
 */
export async function followSweep(
  queue: Queue,
  results: { done: Set<string>; append(r: FinishedRecord & Record<string, unknown>): void },
  tasks: SweepTask[],
  options: {
    pollMs?: number;
    once?: boolean;
    onProgress?: (p: FollowProgress) => void;
    onUnreachable?: (e: unknown) => void;
    signal?: AbortSignal;
  } = {},
): Promise<{ lost: boolean; failed: number }> {
  const keys = new Set(tasks.map((t) => t.key));
  const inFile = () => tasks.reduce((n, t) => n + (results.done.has(t.key) ? 1 : 0), 0);
  let failed = 0;
  for (;;) {
    if (options.signal?.aborted) return { lost: false, failed };
    // a file that already holds every point needs nothing from the queue (which may be gone by now)
    if (inFile() === tasks.length) return { lost: false, failed };
    try {
      if (!(await storedSweep(queue))) return { lost: true, failed };
      for (const r of await finishedJobs(queue, results.done)) {
        if (!keys.has(r.key)) continue;
        results.append(r);
        if (r.error) failed++;
      }
      const c = await queueCounts(queue);
      const done = inFile();
      options.onProgress?.({ done, total: tasks.length, active: c.active, waiting: c.waiting, failed });
      if (done === tasks.length || options.once) return { lost: false, failed };
    } catch (e) {
      options.onUnreachable?.(e);
    }
    await new Promise((res) => setTimeout(res, options.pollMs ?? 500));
  }
}
