/**
 * `strand figures`: regenerate the paper's figures that strand can compute today, each as SVG + PNG + the
 * JSON behind it (parameters, seeds, N, run lengths, theory-simulation differences), and an index.md.
 * --quick (default) uses small N and short runs; --full the paper's sizes. PRX Fig. 7 and PRL Fig. 6 use the
 * sampling single-site theory (src/theory/structured.ts) on two worker threads.
 */
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { UsageError, integer } from "./args.ts";
import { prepareOutputDir } from "../io/atomic.ts";
import { enqueueSweep, openQueue, parseQueueUrl } from "../io/queue.ts";
import { type Figure, type Mode } from "../figures/plan.ts";
import { FIGURES_HEADER, localContext, queueRunner } from "../figures/task.ts";
import { checkTimesFile, computeFigure, computeFiguresAtOnce, FIGS, writeFigures } from "../figures/index.ts";
import { pointLabel, pointStore } from "../figures/points.ts";
import { VERSION } from "../version.ts";

/** a comma list wrapped to `width` columns: the first line starts at column `start`, the others at `indent` */
function wrapList(items: string[], start: number, indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const it of items) {
    const next = line ? `${line}, ${it}` : it;
    if ((lines.length ? indent : start) + next.length + 1 > width && line) {
      lines.push(line + ",");
      line = it;
    } else line = next;
  }
  lines.push(line);
  return lines.join("\n" + " ".repeat(indent));
}

export const FIGURES_HELP = `strand figures — regenerate the paper's figures (SVG + PNG + JSON each, and index.md)

Usage: strand figures [--quick | --full] [--n N] [--networks K] [--out DIR] [--only NAME[,NAME]]

  --quick       small N, short runs (default; ~15 minutes on 2 cores)
  --full        the paper's sizes (N = 2500-6500) and longer runs (hours; each point is printed as it ends,
                and docs/figures/README.md lists every figure's --full time on 2 cores)
  --n N         every model figure at network size N, with the mode's run lengths (e.g. --quick --n 2500:
                whether a figure's finite-N gap closes; the connectome figures keep their data's N)
  --networks K  simulate each PR^phi / PR^x point of PRX Figs. 4a, 7, 10 and PRL Figs. 2a, 6 on K networks
                (seeds 1..K) and plot their mean ± the standard error over networks, which includes
                the network-to-network scatter one run's jackknife error cannot see    (default: 1)
  --out DIR     output folder                                             (default: figures)
  --force       overwrite the figures' files already in DIR and start their points afresh (otherwise refused
                before any work)
  --queue URL   run the figures' points on a BullMQ queue (redis://HOST:PORT[/NAME]): every simulation, sampling
                single site, Lyapunov run ... is one job, run side by side by \`strand worker --queue URL\`
                processes on any machines; this process computes the rest, keeps each point in DIR/points.jsonl
                as it returns and draws the figures (with --resume: continues a follower that was stopped; the
                points already in the queue are not run again; docs/DISTRIBUTED.md)
  --resume      continue a run killed or stopped in DIR: every finished point (simulation, sampling single site,
                Lyapunov run) is kept in DIR/points.jsonl as it ends; only the missing ones are computed, and the
                figures are drawn again (a points file of another mode, N or --networks is refused)
  --times FILE  also merge each finished figure's time into FILE, keeping the other figures' (npm run
                gallery:full: docs/figures/full-times.json, the gallery's --full column; a file of another mode is
                refused before any work)
  --gallery     a gallery instead: 1x PNGs and a README.md whose table names each figure's paper panel, N,
                finite-N gap and time (docs/figures: npm run gallery)
  --only LIST   some of: ${wrapList(Object.keys(FIGS), 25, 16, 116)}

Figures: PRX Fig. 3 (neuron-by-neuron and time-by-time covariances of one trial), 4a (PR^phi vs alpha PR^D,
g_eff 3/6/10), 4b (normalised Psi^phi(tau, 0)), 5 (gains and
z-scoring), 8 (singular values of L R^T with the free-probability edges), 9 (PC timescales), 10 (the
low-effective-rank limit), PRX Fig. 7 (PR^phi vs left/right mode overlaps gamma_rho) and PRL Fig. 6 (PR^phi vs
partial symmetry rho, and the slow diagonal psi(tau, tau)) from the sampling single-site theory, PRL Fig. 2a
(PR^x, PR^phi vs g, tanh, with the g -> infinity limits), 2b (the variance along the eigenmodes of J, with linear
equivalence's prediction), 3 (psi^phi(tau1, tau2) maps, theory and simulation, and psi_RMS), and for each
connectome in ../shared/data (PRX Fig. 6): ranked singular values vs an i.i.d. matrix, the left/right overlaps
u_a.v_a with the random band and the matrix O_ab, and the eigenvalues of J beside its random-mode stand-ins
without and with its overlaps. Chaos (i.i.d. tanh): lambda_max
vs g (mean field and simulations), D_KY/N beside PR^x/N and PR^phi/N vs g, and Lyapunov spectra vs i/N at three N.
PCs: PRX Fig. 9's ranked covariance eigenvalues, PC traces and per-PC timescales; PRX Fig. 10's ranked
eigenvalues at low effective rank; PRL Fig. 4's PC-timescale
densities (g = 3, 5, 10) and the leading PC's timescale vs N. One network's covariance (covariance): the
linear-equivalence prediction against a simulation of the same J (driven, g = 2, sigma^2 = 2), with the
static-linear control.`;

export async function figuresCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: false },
      n: { type: "string" },
      full: { type: "boolean", default: false },
      out: { type: "string" },
      only: { type: "string" },
      networks: { type: "string" },
      force: { type: "boolean", default: false },
      resume: { type: "boolean", default: false },
      queue: { type: "string" },
      gallery: { type: "boolean", default: false },
      times: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(FIGURES_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand figures takes no positional arguments; got ${JSON.stringify(positionals)}`);
  if (values.quick && values.full) throw new UsageError("invalid argument: `--quick` and `--full` exclude each other");
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : Object.keys(FIGS);
  for (const k of only)
    if (!(k in FIGS))
      throw new UsageError(
        `invalid argument: \`--only\` must list figures among ${Object.keys(FIGS).join(", ")}; got \`${k}\``,
      );
  const n = values.n === undefined ? undefined : integer("--n", values.n, 0, 50, 20000);
  const networks = integer("--networks", values.networks, 1, 1, 50);
  const full = values.full === true;
  const timesFile = values.times;
  if (timesFile !== undefined) {
    if (values.gallery || values.queue !== undefined)
      throw new UsageError(
        "invalid argument: `--times` goes with neither --gallery (the gallery's README shows its own times) nor " +
          "--queue (there a figure's time is the wall time of all the figures side by side, not its own)",
      );
    try {
      checkTimesFile(timesFile, { full, n, networks });
    } catch (e) {
      throw e instanceof RangeError ? new UsageError(`invalid argument: \`--times\`: ${e.message}`) : e;
    }
  }
  const dir = values.out ?? "figures";
  prepareOutputDir(dir);
  // the files this run writes (each figure's .svg/.png/.json, named after its key; index.md; points.jsonl): none
  // overwritten without --force (or --resume, which continues points.jsonl and redraws the figures), checked
  // before hours of work
  const pointsFile = path.join(dir, "points.jsonl");
  if (values.force && !values.resume) rmSync(pointsFile, { force: true });
  if (!values.force && !values.resume) {
    const prefixes = only.map((k) => (k === "connectomes" ? "connectome-" : k));
    const clash = readdirSync(dir).find(
      (f) =>
        f === "index.md" ||
        f === "points.jsonl" ||
        (values.gallery && f === "README.md") ||
        (/\.(svg|png|json)$/.test(f) && prefixes.some((p) => f.startsWith(p))),
    );
    if (clash)
      throw new UsageError(
        `\`${path.join(dir, clash)}\` exists: pass --resume to continue that run (its points.jsonl) or --force to ` +
          `start over in \`${dir}\``,
      );
  }
  const resume = values.resume === true,
    gallery = values.gallery === true;
  // --queue: the points go to the queue's workers (checked before any work: a queue of another strand version)
  const queued = values.queue === undefined ? null : await openPointQueue(values.queue);
  let points;
  try {
    points = pointStore(
      pointsFile,
      { figures: VERSION, mode: full ? "full" : "quick", n: n ?? null, networks },
      resume,
      // a --full figure runs for up to hours: each point as it ends (quick runs: only the slow ones)
      (p) => {
        if (full || queued || p.seconds >= 30)
          console.error(
            `  point: ${pointLabel(p.key)} (${p.seconds.toFixed(0)} s)` + (p.error ? ` — none: ${p.error}` : ""),
          );
      },
      queued?.runner,
    );
  } catch (e) {
    // a points file of another run (refused by its header): the queue's connection must not keep the process up
    await queued?.queue.close();
    throw e;
  }
  const ctx = await localContext(2);
  const mode: Mode = {
    full,
    n,
    networks,
    be: ctx.be,
    executor: ctx.executor,
    sampler: ctx.sampler,
    team: ctx.team,
    points,
  };
  try {
    const code = queued
      ? await figuresOnQueue(mode, only, dir, gallery, queued.runner)
      : await writeFigures(mode, only, dir, { gallery, timesFile, source: (k) => computeFigure(mode, k) });
    const { reused, computed } = points.counts();
    console.error(
      `strand figures: ${reused} points reused from ${pointsFile}, ${computed} computed` +
        (queued
          ? ` (on the queue: ${queued.runner.added().added} jobs added, ${queued.runner.added().present} already there)`
          : ""),
    );
    return code;
  } finally {
    points.close();
    await ctx.close();
    await queued?.queue.close();
  }
}

/** the queue of --queue URL, refused when it holds another strand version's points, and its point runner */
async function openPointQueue(url: string) {
  const address = parseQueueUrl(url);
  const queue = openQueue(address);
  try {
    await enqueueSweep(queue, FIGURES_HEADER, []);
  } catch (e) {
    await queue.close();
    throw e instanceof RangeError ? new UsageError(e.message) : e;
  }
  let warned = false;
  const runner = queueRunner(queue, {
    onUnreachable: (e) => {
      if (!warned)
        console.error(
          `strand figures: Redis at ${address.connection.host}:${address.connection.port} does not answer ` +
            `(${(e as Error).message}); retrying`,
        );
      warned = true;
    },
  });
  console.error(
    `strand figures: points go to queue ${address.name} at ${address.connection.host}:${address.connection.port}; ` +
      `start workers with strand worker --queue ${url}`,
  );
  return { queue, runner };
}

/**
 * --queue: every figure computed at once, so that all their points are on the queue side by side; each figure is
 * drawn when all have ended (a failed one is named and left out). Ctrl-C stops following: the points returned so
 * far are in DIR/points.jsonl, and the workers go on — the same command with --resume collects what they finish.
 */
async function figuresOnQueue(
  mode: Mode,
  only: string[],
  dir: string,
  gallery: boolean,
  runner: ReturnType<typeof queueRunner>,
): Promise<number> {
  let stopped: NodeJS.Signals | null = null;
  const interrupted = (signal: NodeJS.Signals) => {
    stopped = signal;
    runner.stop(new Error(`stopped by ${signal}`));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const computed = await computeFiguresAtOnce(mode, only);
    if (stopped) {
      console.error(
        `\nstrand figures: stopped by ${stopped}; the points returned so far are in ${path.join(dir, "points.jsonl")}; ` +
          "the workers go on — the same command with --resume collects what they finish",
      );
      return 130;
    }
    const ready = only.filter((k) => {
      const r = computed.get(k)!;
      if (r instanceof Error) console.error(`strand figures: ${k} failed: ${r.message}`);
      return !(r instanceof Error);
    });
    if (ready.length)
      await writeFigures(mode, ready, dir, {
        gallery,
        source: async (k) => computed.get(k) as { figures: Figure[]; seconds: number },
      });
    return ready.length === only.length ? 0 : 1;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
}
