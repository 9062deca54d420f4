/**
 * `strand sweep`: theory and/or simulation over a grid of parameters, each finished point appended to a
 * JSON Lines file (src/io/jsonl.ts) so that a killed sweep resumes with --resume, every point exactly once.
 */
import { parseArgs } from "node:util";
import { openResults, ResultsFileError, type ResultsFile } from "../io/jsonl.ts";
import { workerExecutor } from "../io/parallel.ts";
import { parseValues, type GridValue } from "../sweep/grid.ts";
import { errorText, shardOf, specOf, sweepTasks, runTask, type SweepHeader, type SweepTask } from "../sweep/tasks.ts";
import { VERSION } from "../version.ts";
import { UsageError, choice, integer, threadsFlag } from "./args.ts";
import { followQueue, mergeShards, queueStatus, shardFlag } from "./sweep-queue.ts";
import { workerInfo } from "../io/queue.ts";

/** Sweepable parameters: flag -> [numeric, default] */
const PARAMS: Record<string, [boolean, GridValue]> = {
  coupling: [false, "rmm"],
  n: [true, 1000],
  g: [true, 6],
  "effective-rank": [true, "none"],
  alpha: [true, "none"],
  "pr-d": [true, "none"],
  spectrum: [false, "none"],
  "pr-g": [true, "none"],
  phi: [false, "tanh"],
  duration: [true, 200],
  trials: [true, 8],
  dt: [true, 0.05],
  "burn-in": [true, 100],
  lags: [true, 10],
};

export const SWEEP_HELP = `strand sweep — theory and simulation over a parameter grid, resumable, on one machine or many

Usage: strand sweep --out FILE.jsonl [--resume] [--what both|theory|simulate] [--seeds S] [--workers W]
                    [--queue redis://HOST:PORT[/NAME] [--status | --collect]] [--shard I/N] [--PARAM VALUES ...]
       strand sweep --merge OUT.jsonl SHARD1.jsonl SHARD2.jsonl ... [--force]

Every PARAM takes one value, a list "3,6,10" or an inclusive range "start:stop:step" (0.1:1:0.1); the grid is
the product of all of them (in the order given), simulated for seeds 1..S (the network and the trials):
  connectivity  --coupling iid|rmm (rmm) --n (1000) --g (6) --effective-rank --alpha --pr-d --spectrum --pr-g
  dynamics      --phi tanh|erf (tanh) --duration (200) --trials (8) --dt (0.05) --burn-in (100) --lags (10)
  --what W      both | theory | simulate                                      (default: both)
  --seeds S     networks (and trial seeds) per grid point for simulations     (default: 1)
  --out FILE    JSON Lines results: a header line, then one line per finished point (theory or one seed)
  --resume      continue FILE: points already in it are skipped; a FILE from a different sweep is refused
  --workers W   worker threads per simulation                                 (default: the number of cores)

Many machines (docs/DISTRIBUTED.md):
  --queue URL   enqueue every point as a BullMQ job on Redis (the job id is the point's key: enqueueing the same
                sweep again adds nothing) and follow the queue, writing each finished point to FILE as it comes
                (done / running / waiting / failed, ETA); \`strand worker --queue URL\` on any number of machines
                runs them. Kill this process and run it again (--resume): it collects what finished meanwhile.
  --status      with --queue: print the queue's counts and how many points FILE holds, and stop
  --collect     with --queue: write what finished to FILE without waiting for the rest
  --shard I/N   run only shard I of N (tasks I, I + N, ...), e.g. one SLURM array task; --shard N alone takes I
                from SLURM_ARRAY_TASK_ID (--array=1-N). Each shard writes its own FILE
  --merge OUT   join shard files into OUT (the sweep's header, every point once); refuses files of different
                sweeps and lists the points no shard holds

Points are written as they finish, one complete line each; an existing FILE is never overwritten. A point that
fails (a diverging run, a theory without a solution) is written as a line with its error and the sweep goes on
(exit status 1 at the end). Ctrl-C stops at once, leaving FILE valid for --resume. Plot with strand plot FILE.`;

export async function sweepCommand(argv: string[]): Promise<number> {
  const options: Record<string, { type: "string" | "boolean"; default?: boolean }> = {
    out: { type: "string" },
    resume: { type: "boolean", default: false },
    what: { type: "string" },
    seeds: { type: "string" },
    workers: { type: "string" },
    queue: { type: "string" },
    status: { type: "boolean", default: false },
    collect: { type: "boolean", default: false },
    shard: { type: "string" },
    merge: { type: "string" },
    force: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  };
  for (const k of Object.keys(PARAMS)) options[k] = { type: "string" };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options, strict: true });
  } catch (e) {
    throw new UsageError(
      `invalid argument: ${(e as Error).message} (sweepable parameters: ${Object.keys(PARAMS)
        .map((k) => `--${k}`)
        .join(", ")})`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(SWEEP_HELP);
    return 0;
  }
  if (typeof values.merge === "string") return mergeShards(values.merge, parsed.positionals, values);
  if (parsed.positionals.length)
    throw new UsageError(`strand sweep takes no positional arguments; got ${JSON.stringify(parsed.positionals)}`);
  if (typeof values.out !== "string")
    throw new UsageError("invalid argument: `--out` (the results file, .jsonl) is required; got `undefined`");
  for (const f of ["status", "collect"] as const)
    if (values[f] && values.queue === undefined)
      throw new UsageError(`invalid argument: \`--${f}\` applies with --queue only`);
  if (values.force) throw new UsageError("invalid argument: `--force` applies with --merge only");
  const what = choice("--what", values.what as string | undefined, ["both", "theory", "simulate"] as const, "both");
  const seeds = integer("--seeds", values.seeds as string | undefined, 1, 1);
  const workers = threadsFlag("--workers", values.workers as string | undefined);
  // the order of axes: as given on the command line, then the defaults
  const given = argv
    .filter((a) => a.startsWith("--"))
    .map((a) => a.slice(2).split("=")[0])
    .filter((k, i, all) => k in PARAMS && all.indexOf(k) === i);
  const axes: [string, GridValue[]][] = [];
  for (const k of [...given, ...Object.keys(PARAMS).filter((k) => !given.includes(k))]) {
    const [numeric, fallback] = PARAMS[k];
    const text = values[k] as string | undefined;
    let vals: GridValue[];
    try {
      vals = text === undefined ? [fallback] : parseValues(`--${k}`, text, numeric);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    axes.push([k, vals]);
  }
  const header: SweepHeader = { strand: VERSION, what, seeds, axes };
  let tasks = sweepTasks(header);
  // check every point's network spec before starting (bad combinations fail now, not halfway)
  for (const t of tasks) if (t.kind === "simulation") specOf(t.point, 1);
  const shard = shardFlag(values.shard as string | undefined);
  if (shard) {
    if (values.queue !== undefined)
      throw new UsageError("invalid argument: `--shard` and `--queue` do not go together");
    header.shard = `${shard.i}/${shard.n}`;
    tasks = shardOf(tasks, shard.i, shard.n);
  }
  if (typeof values.queue === "string" && values.status) return queueStatus(values.queue, header, tasks, values.out);
  let results: ResultsFile;
  try {
    results = openResults(values.out, { ...header }, values.resume === true);
  } catch (e) {
    if (e instanceof ResultsFileError) throw new UsageError(e.message);
    throw e;
  }
  const todo = tasks.filter((t) => !results.done.has(t.key));
  console.error(
    `strand sweep: ${tasks.length} points (${tasks.filter((t) => t.kind === "theory").length} ` +
      `theory, ${tasks.filter((t) => t.kind === "simulation").length} ` +
      `simulation)${shard ? ` in shard ${header.shard}` : ""}` +
      `${results.previous ? `, ${results.previous} already in ${values.out}` : ""}; ` +
      `${todo.length} to run`,
  );
  if (typeof values.queue === "string")
    return followQueue(values.queue, header, tasks, todo, results, values.out, values.collect === true);
  return runLocal(tasks, todo, results, values.out, workers);
}

/** Run the sweep's points in this process, one line each as they finish. */
async function runLocal(
  tasks: SweepTask[],
  todo: SweepTask[],
  results: ResultsFile,
  out: string,
  workers: number,
): Promise<number> {
  const start = performance.now();
  const tty = process.stderr.isTTY;
  // Ctrl-C / SIGTERM: stop at once; every finished point is already a complete line, so the file stays valid and
  // --resume continues (a point cut off is run again)
  const interrupted = (signal: NodeJS.Signals) => {
    results.close();
    console.error(`\nstrand sweep: stopped by ${signal}; ${results.done.size} points in ${out} (--resume continues)`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  const executor = workers > 1 ? workerExecutor(workers) : undefined;
  const worker = await workerInfo();
  let failed = 0;
  try {
    for (let i = 0; i < todo.length; i++) {
      const t = todo[i];
      // a point that fails (a diverging run, a theory without a solution) is recorded as failed and the sweep goes on
      let res: Awaited<ReturnType<typeof runTask>> | null = null,
        error: string | undefined;
      try {
        res = await runTask(t, executor);
      } catch (e) {
        error = errorText(e);
        failed++;
        console.error(`strand sweep: point ${t.key} failed (${error}); recorded, going on`);
      }
      results.append({ key: t.key, kind: t.kind, point: t.point, results: res, worker, ...(error ? { error } : {}) });
      const el = (performance.now() - start) / 1000,
        frac = (i + 1) / todo.length;
      if (tty) {
        const w = 30,
          d = Math.round(frac * w);
        process.stderr.write(
          `\r[${"#".repeat(d)}${" ".repeat(w - d)}] ${i + 1}/${todo.length} ETA ` +
            `${((el / frac) * (1 - frac)).toFixed(0)}s   ${i + 1 === todo.length ? "\n" : ""}`,
        );
      }
    }
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    results.close();
  }
  console.error(
    `strand sweep: done, ${tasks.length} points in ${out} (${((performance.now() - start) / 1000).toFixed(1)} s ` +
      `this run)${failed ? `; ${failed} failed (their lines say why)` : ""}`,
  );
  return failed ? 1 : 0;
}
