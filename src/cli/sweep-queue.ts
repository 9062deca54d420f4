/**
 * `strand sweep`'s modes beyond one machine (issue 29; the library: src/io/queue.ts, src/sweep/tasks.ts):
 * --queue (enqueue, then follow the queue into the results file), --status, --collect, --shard I/N and --merge.
 * Parsing and printing; the queue's logic is the library's.
 */
import { existsSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.ts";
import { readResults, ResultsFileError, type ResultsFile } from "../io/jsonl.ts";
import {
  enqueueSweep,
  followSweep,
  openQueue,
  parseQueueUrl,
  queueCounts,
  storedSweep,
  type FollowProgress,
} from "../io/queue.ts";
import { sweepTasks, type SweepHeader, type SweepTask } from "../sweep/tasks.ts";
import { UsageError } from "./args.ts";

/** `--shard I/N` (or `--shard N` with SLURM_ARRAY_TASK_ID = I), 1 <= I <= N <= 10000. */
export function shardFlag(value: string | undefined): { i: number; n: number } | null {
  if (value === undefined) return null;
  const m = /^(?:(\d+)\/)?(\d+)$/.exec(value.trim());
  const fromSlurm = m && m[1] === undefined ? process.env.SLURM_ARRAY_TASK_ID : undefined;
  const i = m ? Number(m[1] ?? fromSlurm) : NaN,
    n = m ? Number(m[2]) : NaN;
  if (m && m[1] === undefined && fromSlurm === undefined)
    throw new UsageError(
      `invalid argument: \`--shard ${value}\` needs I/N, or SLURM_ARRAY_TASK_ID in the environment for I`,
    );
  if (!(Number.isInteger(i) && Number.isInteger(n) && i >= 1 && i <= n && n <= 10000))
    throw new UsageError(
      `invalid argument: \`--shard\` must be I/N with 1 <= I <= N <= 10000 (SLURM: --array=1-N); got \`${value}\`` +
        (fromSlurm !== undefined ? ` with SLURM_ARRAY_TASK_ID=${fromSlurm}` : ""),
    );
  return { i, n };
}

const sameSweep = (a: SweepHeader, b: SweepHeader) =>
  JSON.stringify({ ...a, shard: undefined }) === JSON.stringify({ ...b, shard: undefined });

/** --status: the queue's counts and the file's. */
export async function queueStatus(url: string, header: SweepHeader, tasks: SweepTask[], out: string): Promise<number> {
  const address = parseQueueUrl(url);
  const queue = openQueue(address);
  try {
    const stored = await storedSweep(queue);
    let inFile = 0;
    if (existsSync(out)) {
      const keys = new Set(tasks.map((t) => t.key));
      inFile = readResults(out).records.filter((r) => keys.has(r.key as string)).length;
    }
    if (!stored) {
      console.log(
        `strand sweep --status: queue ${address.name} at ${address.connection.host}:${address.connection.port} holds ` +
          `no sweep (never enqueued, or lost with a Redis restart); ${out} holds ${inFile} of ${tasks.length} points`,
      );
      return 0;
    }
    const c = await queueCounts(queue);
    console.log(
      `strand sweep --status: queue ${address.name}: ${c.completed} completed, ${c.active} running, ${c.waiting} ` +
        `waiting, ${c.failed} failed${sameSweep(stored.header, header) ? "" : " (another sweep than these flags)"}; ` +
        `${out} holds ${inFile} of ${tasks.length} points`,
    );
    return 0;
  } finally {
    await queue.close();
  }
}

/** --queue: enqueue what the file lacks (not with --collect), then follow the queue into the file. */
export async function followQueue(
  url: string,
  header: SweepHeader,
  tasks: SweepTask[],
  todo: SweepTask[],
  results: ResultsFile,
  out: string,
  collectOnly: boolean,
): Promise<number> {
  const address = parseQueueUrl(url);
  const queue = openQueue(address);
  const stop = new AbortController();
  const interrupted = (signal: NodeJS.Signals) => {
    stop.abort();
    console.error(
      `\nstrand sweep: stopped by ${signal}; ${results.done.size} points in ${out}; the workers go on — ` +
        "the same command with --resume collects what they finish",
    );
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  const start = performance.now();
  let startDone = -1;
  const tty = process.stderr.isTTY;
  const progress = (p: FollowProgress) => {
    if (startDone < 0) startDone = p.done;
    const el = (performance.now() - start) / 1000,
      rate = (p.done - startDone) / Math.max(el, 1e-9),
      eta = rate > 0 ? `${((p.total - p.done) / rate).toFixed(0)}s` : "—";
    const line = `${p.done}/${p.total} done, ${p.active} running, ${p.waiting} waiting, ${p.failed} failed, ETA ${eta}`;
    if (tty) process.stderr.write(`\r${line}   `);
  };
  try {
    if (!collectOnly) {
      const added = todo.length ? await enqueueSweep(queue, header, todo) : 0;
      console.error(
        `strand sweep: queue ${address.name} at ${address.connection.host}:${address.connection.port}: ${added} jobs ` +
          `added (${todo.length - added} already there); start workers with strand worker --queue ${url}`,
      );
    } else if (!(await storedSweep(queue))) {
      throw new UsageError(`the queue ${address.name} holds no sweep to collect from (never enqueued, or lost)`);
    }
    let warned = false;
    const r = await followSweep(queue, results, tasks, {
      once: collectOnly,
      signal: stop.signal,
      onProgress: progress,
      onUnreachable: (e) => {
        if (!warned)
          console.error(
            `\nstrand sweep: Redis at ${address.connection.host}:${address.connection.port} does not answer ` +
              `(${(e as Error).message}); retrying`,
          );
        warned = true;
      },
    });
    if (tty) process.stderr.write("\n");
    const inFile = tasks.filter((t) => results.done.has(t.key)).length;
    if (r.lost) {
      console.error(
        `strand sweep: the queue's state is gone (Redis restarted without persistence, or the queue was removed): ` +
          `${inFile} of ${tasks.length} points are in ${out}; run the same command with --resume to enqueue the rest`,
      );
      return 1;
    }
    if (stop.signal.aborted) return 130;
    console.error(
      `strand sweep: ${collectOnly ? "collected" : "done"}, ${inFile} of ${tasks.length} points in ${out} ` +
        `(${((performance.now() - start) / 1000).toFixed(1)} s)${r.failed ? `; ${r.failed} failed (their lines say why)` : ""}`,
    );
    return r.failed ? 1 : 0;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    results.close();
    await queue.close();
  }
}

/** --merge OUT IN...: one file of the whole sweep from its shards. */
export async function mergeShards(
  out: string,
  inputs: string[],
  values: Record<string, string | boolean | undefined>,
): Promise<number> {
  if (!inputs.length) throw new UsageError("invalid argument: `--merge OUT` needs the shard files after it");
  for (const [k, v] of Object.entries(values))
    if (!["merge", "force", "help"].includes(k) && v !== undefined && v !== false)
      throw new UsageError(`invalid argument: \`--${k}\` does not apply to --merge`);
  if (existsSync(out) && !values.force)
    throw new UsageError(`${out} already exists; refusing to overwrite it (--force, or another OUT)`);
  let header: SweepHeader | null = null;
  const records = new Map<string, Record<string, unknown>>();
  for (const file of inputs) {
    let doc;
    try {
      doc = readResults(file);
    } catch (e) {
      if (e instanceof ResultsFileError || (e as NodeJS.ErrnoException).code === "ENOENT")
        throw new UsageError((e as Error).message);
      throw e;
    }
    const h = doc.header as unknown as SweepHeader;
    if (!header) header = h;
    else if (!sameSweep(header, h))
      throw new UsageError(
        `${file} is from another sweep than ${inputs[0]} (headers ${JSON.stringify({ ...h, shard: undefined }).slice(0, 200)} ` +
          `and ${JSON.stringify({ ...header, shard: undefined }).slice(0, 200)}); refusing to merge them`,
      );
    for (const r of doc.records) {
      const key = r.key as string;
      const had = records.get(key);
      // a point in two shards: keep one, a success over a failure
      if (!had || (had.error && !r.error)) records.set(key, r);
    }
  }
  const { shard: _s, ...whole } = header!;
  const tasks = sweepTasks(whole);
  const missing = tasks.filter((t) => !records.has(t.key));
  const lines = [
    JSON.stringify({ header: whole }),
    ...tasks.filter((t) => records.has(t.key)).map((t) => JSON.stringify(records.get(t.key))),
  ];
  await writeFileAtomic(out, lines.join("\n") + "\n");
  console.error(
    `strand sweep --merge: ${records.size} points from ${inputs.length} files in ${out}` +
      (missing.length
        ? `; ${missing.length} of ${tasks.length} points are in no shard: ${missing
            .slice(0, 5)
            .map((t) => t.key)
            .join(
              ", ",
            )}${missing.length > 5 ? ", …" : ""} (run their shards again, or strand sweep … --out ${out} --resume)`
        : `; all ${tasks.length} points`),
  );
  return missing.length ? 1 : 0;
}
