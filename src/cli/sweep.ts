/**
 * `strand sweep`: theory and/or simulation over a grid of parameters, each finished point appended to a
 * JSON Lines file (src/io/jsonl.ts) so that a killed sweep resumes with --resume, every point exactly once.
 */
import type { PhiName } from "../backend/types.ts";
import { parseArgs } from "node:util";
import { createBackend } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { describe } from "../errors.ts";
import { openResults, ResultsFileError } from "../io/jsonl.ts";
import { workerExecutor } from "../io/parallel.ts";
import { makeNetwork, type NetworkSpec } from "../network/ensembles.ts";
import { simulate } from "../simulate/simulate.ts";
import { gridPoints, parseValues, pointKey, type GridValue } from "../sweep/grid.ts";
import { predict } from "../theory/predict.ts";
import { VERSION } from "../version.ts";
import { SPECTRUM_KINDS } from "../network/spectra.ts";
import { UsageError, choice, integer, threadsFlag } from "./args.ts";

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

export const SWEEP_HELP = `strand sweep — theory and simulation over a parameter grid, resumable

Usage: strand sweep --out FILE.jsonl [--resume] [--what both|theory|simulate] [--seeds S] [--workers W]
                    [--PARAM VALUES ...]

Every PARAM takes one value, a list "3,6,10" or an inclusive range "start:stop:step" (0.1:1:0.1); the grid is
the product of all of them (in the order given), simulated for seeds 1..S (the network and the trials):
  connectivity  --coupling iid|rmm (rmm) --n (1000) --g (6) --effective-rank --alpha --pr-d --spectrum --pr-g
  dynamics      --phi tanh|erf (tanh) --duration (200) --trials (8) --dt (0.05) --burn-in (100) --lags (10)
  --what W      both | theory | simulate                                      (default: both)
  --seeds S     networks (and trial seeds) per grid point for simulations     (default: 1)
  --out FILE    JSON Lines results: a header line, then one line per finished point (theory or one seed)
  --resume      continue FILE: points already in it are skipped; a FILE from a different sweep is refused
  --workers W   worker threads per simulation                                 (default: the number of cores)

Points are written as they finish, one complete line each; an existing FILE is never overwritten. A point that
fails (a diverging run, a theory without a solution) is written as a line with its error and the sweep goes on
(exit status 1 at the end). Ctrl-C stops at once, leaving FILE valid for --resume. Plot with strand plot FILE.`;

export interface SweepTask {
  kind: "theory" | "simulation";
  point: Record<string, GridValue>;
  key: string;
}

function specOf(p: Record<string, GridValue>, seed: number): NetworkSpec {
  const opt = (k: string) => (p[k] === "none" ? undefined : (p[k] as number));
  const prG = opt("pr-g");
  const gains = prG !== undefined ? { prG } : undefined;
  if (p.coupling === "iid") {
    for (const k of ["effective-rank", "alpha", "pr-d", "spectrum"])
      if (p[k] !== "none")
        throw new UsageError(`invalid argument: \`--${k}\` applies to --coupling rmm only; got ${describe(p[k])}`);
    return { coupling: "iid", n: p.n as number, g: p.g as number, seed, gains };
  }
  if (p.coupling !== "rmm")
    throw new UsageError(`invalid argument: \`--coupling\` must be iid or rmm in a sweep; got ${describe(p.coupling)}`);
  return {
    coupling: "rmm",
    n: p.n as number,
    g: p.g as number,
    seed,
    gains,
    effectiveRank: opt("effective-rank"),
    alpha: opt("alpha"),
    prD: opt("pr-d"),
    spectrum: p.spectrum === "none" ? undefined : choice("--spectrum", String(p.spectrum), SPECTRUM_KINDS, "flat"),
  };
}

let backendPromise: Promise<Backend> | undefined;
/** one wasm (or, without SIMD, js) backend for the theory points of a sweep */
const theoryBackend = () => (backendPromise ??= createBackend("auto"));

async function runTask(t: SweepTask, workers: number): Promise<Record<string, unknown>> {
  const p = t.point;
  const phi = p.phi as PhiName;
  const t0 = performance.now();
  if (t.kind === "theory") {
    const spec = specOf({ n: 1000, ...p }, 1); // n only sets the discrete spectrum when no effective rank is given
    const pr = await predict(spec, { phi, backend: await theoryBackend() });
    if (pr.method !== "gaussian") throw new Error(`internal: a sweep point predicted by ${pr.method}`);
    const er = pr.inputs.effectiveRank;
    const { autocorrelation: _a, collective: _c, diagonal: _d, ...scalars } = pr.theory.results;
    // prPhi and prX as simulate measures them (with gains: the z-scored PR^phi; PR^x not derived)
    const { prPhi, prX } = pr.observables;
    return {
      ...scalars,
      prPhi,
      prX,
      effectiveRank: Number.isFinite(er) ? er : null,
      seconds: (performance.now() - t0) / 1000,
    };
  }
  const net = makeNetwork(specOf(p, p.seed as number));
  const r = await simulate(net, {
    phi,
    duration: p.duration as number,
    trials: p.trials as number,
    dt: p.dt as number,
    burnIn: p["burn-in"] as number,
    lags: p.lags as number,
    seed: p.seed as number,
    executor: workers > 1 ? workerExecutor(workers) : undefined,
  });
  const R = r.results;
  return {
    prPhi: R.prPhi,
    prX: R.prX,
    prPhiError: R.prPhiError,
    prXError: R.prXError,
    prPhiPlugin: R.prPhiPlugin,
    prXPlugin: R.prXPlugin,
    status: R.status,
    dynamics: R.dynamics,
    cPhi0: R.cPhi0,
    cX0: R.cX0,
    quiescent: R.quiescent,
    nonStationary: R.nonStationary,
    timescales: R.timescales,
    gains: R.gains ?? null,
    effectiveRank: net.summary.effectiveRank,
    seconds: R.seconds,
  };
}

export function sweepTasks(
  axes: [string, GridValue[]][],
  what: "both" | "theory" | "simulate",
  seeds: number,
): SweepTask[] {
  const tasks: SweepTask[] = [];
  for (const point of gridPoints(axes)) {
    if (what !== "simulate") {
      // the theory does not depend on the simulation settings, nor on N unless the random-mode spectrum is
      // given by alpha / PR^D (its discrete PR^D depends on M = alpha N): one task per distinct rest
      const { n, duration: _du, trials: _tr, dt: _dt, "burn-in": _b, lags: _l, ...others } = point;
      const rest = point.coupling === "rmm" && point["effective-rank"] === "none" ? { ...others, n } : others;
      const key = pointKey("theory", rest);
      if (!tasks.some((t) => t.key === key)) tasks.push({ kind: "theory", point: rest, key });
    }
    if (what !== "theory")
      for (let s = 1; s <= seeds; s++)
        tasks.push({
          kind: "simulation",
          point: { ...point, seed: s },
          key: pointKey("simulation", { ...point, seed: s }),
        });
  }
  return tasks;
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const options: Record<string, { type: "string" | "boolean"; default?: boolean }> = {
    out: { type: "string" },
    resume: { type: "boolean", default: false },
    what: { type: "string" },
    seeds: { type: "string" },
    workers: { type: "string" },
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
  if (parsed.positionals.length)
    throw new UsageError(`strand sweep takes no positional arguments; got ${JSON.stringify(parsed.positionals)}`);
  if (typeof values.out !== "string")
    throw new UsageError("invalid argument: `--out` (the results file, .jsonl) is required; got `undefined`");
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
  const tasks = sweepTasks(axes, what, seeds);
  // check every point's network spec before starting (bad combinations fail now, not halfway)
  for (const t of tasks) if (t.kind === "simulation") specOf(t.point, 1);
  const header = { strand: VERSION, what, seeds, axes };
  let results;
  try {
    results = openResults(values.out, header, values.resume === true);
  } catch (e) {
    if (e instanceof ResultsFileError) throw new UsageError(e.message);
    throw e;
  }
  const todo = tasks.filter((t) => !results.done.has(t.key));
  console.error(
    `strand sweep: ${tasks.length} points (${tasks.filter((t) => t.kind === "theory").length} ` +
      `theory, ${tasks.filter((t) => t.kind === "simulation").length} ` +
      `simulation)${results.previous ? `, ${results.previous} already in ${values.out}` : ""}; ` +
      `${todo.length} to run`,
  );
  const start = performance.now();
  const tty = process.stderr.isTTY;
  // Ctrl-C / SIGTERM: stop at once; every finished point is already a complete line, so the file stays valid and
  // --resume continues (a point cut off is run again)
  const interrupted = (signal: NodeJS.Signals) => {
    results.close();
    console.error(
      `\nstrand sweep: stopped by ${signal}; ${results.done.size} points in ${values.out} (--resume continues)`,
    );
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  let failed = 0;
  try {
    for (let i = 0; i < todo.length; i++) {
      const t = todo[i];
      // a point that fails (a diverging run, a theory without a solution) is recorded as failed and the sweep goes on
      let res: Awaited<ReturnType<typeof runTask>> | null = null,
        error: string | undefined;
      try {
        res = await runTask(t, workers);
      } catch (e) {
        error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        failed++;
        console.error(`strand sweep: point ${t.key} failed (${error}); recorded, going on`);
      }
      results.append({ key: t.key, kind: t.kind, point: t.point, results: res, ...(error ? { error } : {}) });
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
    `strand sweep: done, ${tasks.length} points in ${values.out} (${((performance.now() - start) / 1000).toFixed(1)} s ` +
      `this run)${failed ? `; ${failed} failed (their lines say why)` : ""}`,
  );
  return failed ? 1 : 0;
}
