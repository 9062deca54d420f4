/**
 * `strand worker --queue redis://HOST:PORT[/NAME]`: take a sweep's jobs from the queue and run them (theory or
 * simulation, the same path as a local sweep: src/sweep/tasks.ts) with this machine's worker threads, until stopped
 * (Ctrl-C / SIGTERM: the current job finishes first; SIGKILL: BullMQ gives its job to another worker once its lock
 * expires). Refuses a queue whose sweep is of another strand version or job schema.
 */
import { parseArgs } from "node:util";
import { workerExecutor } from "../io/parallel.ts";
import { openQueue, parseQueueUrl, queueWorker, storedSweep, QUEUE_SCHEMA } from "../io/queue.ts";
import { VERSION } from "../version.ts";
import { runTask } from "../sweep/tasks.ts";
import { runPointInThread } from "../figures/task.ts";
import { pointLabel } from "../figures/points.ts";
import { UsageError, finite, threadsFlag } from "./args.ts";

export const WORKER_HELP = `strand worker — run a distributed sweep's points (strand sweep --queue URL …) or figures (strand figures
--queue URL …) from its BullMQ queue

Usage: strand worker --queue redis://HOST:PORT[/NAME] [--workers W] [--lock-seconds S]

  --queue URL         the sweep's queue (the same URL as strand sweep --queue)
  --workers W         worker threads per simulation                         (default: the number of cores)
  --lock-seconds S    a job's lock; a killed worker's job goes to another worker after it  (default: 30)

Runs one point at a time until stopped: Ctrl-C or SIGTERM lets the current point finish; a killed worker's point
is run again by another worker (BullMQ's stalled-job check). Prints one line per point. Every result carries this
worker's host, pid, strand version and backend. A figure's point (strand figures --queue: a simulation, a sampling
single site, a Lyapunov run, ...) runs in a thread of its own, so the lock is renewed however long it takes.
Deployment (compose, systemd): docs/DISTRIBUTED.md.`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      queue: { type: "string" },
      workers: { type: "string" },
      "lock-seconds": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(WORKER_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand worker takes no positional arguments; got ${JSON.stringify(positionals)}`);
  if (values.queue === undefined)
    throw new UsageError("invalid argument: `--queue redis://HOST:PORT[/NAME]` is required");
  const address = parseQueueUrl(values.queue);
  const workers = threadsFlag("--workers", values.workers);
  const lockSeconds = finite("--lock-seconds", values["lock-seconds"], 30);
  if (!(lockSeconds >= 1 && lockSeconds <= 86400))
    throw new UsageError(
      `invalid argument: \`--lock-seconds\` must be from 1 to 86400; got \`${values["lock-seconds"]}\``,
    );
  // a queue that already holds a sweep of another version: refuse before taking any job
  const queue = openQueue(address);
  try {
    const stored = await storedSweep(queue);
    if (stored && (stored.header.strand !== VERSION || stored.schema !== QUEUE_SCHEMA))
      throw new UsageError(
        `the queue ${address.name} holds a sweep of strand ${stored.header.strand} (schema ${stored.schema}); this ` +
          `worker is strand ${VERSION} (schema ${QUEUE_SCHEMA}) and refuses it`,
      );
  } finally {
    await queue.close();
  }
  let refused: string | null = null;
  const worker = queueWorker(address, {
    executor: workers > 1 ? workerExecutor(workers) : undefined,
    run: (t, executor) => (t.kind === "point" ? runPointInThread(t.key, workers) : runTask(t, executor)),
    lockMs: lockSeconds * 1000,
    onRefused: (m) => (refused = m),
    onJob: (j) => {
      // a sweep's key is [kind, fields]; a figure point's is the point's own key
      const k = JSON.parse(j.key);
      const what = Array.isArray(k)
        ? `${k[0]} ` +
          Object.entries(j.point)
            .filter(([, v]) => v !== "none")
            .map(([f, v]) => `${f}=${v}`)
            .join(" ")
        : `point ${pointLabel(k)}`;
      console.log(
        `strand worker: ${j.ok ? "done" : "failed"} ${what} (${j.seconds.toFixed(1)} s)${j.ok ? "" : `: ${j.error}`}`,
      );
    },
  });
  worker.on("error", (e) => console.error(`strand worker: ${e.message}`));
  console.error(
    `strand worker: pid ${process.pid} on queue ${address.name} at ${address.connection.host}:${address.connection.port}` +
      ` (strand ${VERSION}, ${workers} thread${workers > 1 ? "s" : ""} per simulation)`,
  );
  const stopped = new Promise<NodeJS.Signals | "refused">((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
    worker.on("closed", () => resolve("refused"));
  });
  const why = await stopped;
  await worker.close();
  if (why === "refused") {
    console.error(`strand: ${refused ?? "the worker stopped"}`);
    return 1;
  }
  console.error(`strand worker: stopped by ${why}`);
  process.exit(0);
}
