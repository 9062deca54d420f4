/**
 * `strand simulate`: draw (or load) a network, run simulate(), print a summary; --json writes
 * { params, provenance, results } atomically, --save-trajectory / --save-covariance write .npy arrays.
 * A progress bar goes to stderr on a TTY only.
 */
import { parseArgs } from "node:util";
import { BACKEND_CHOICES, createBackend } from "../backend/select.ts";
import { checkOutputs, writeFilesAtomic } from "../io/atomic.ts";
import { writeNpy } from "../io/npy.ts";
import { workerExecutor } from "../io/parallel.ts";
import { createTeam } from "../io/team-pool.ts";
import { teamSupported } from "../backend/team.ts";
import os from "node:os";
import {
  DEFAULT_MAX_SECONDS,
  METHODS,
  STARTS,
  formatSeconds,
  memoryEstimate,
  simulate,
  timeEstimate,
} from "../simulate/simulate.ts";
import { comparePrediction, type ComparisonRow } from "../compare.ts";
import { comparisonLines, drivenComparison, predictFor, progressBar, simulationLines } from "./report.ts";
import { describe } from "../errors.ts";
import { compareCovarianceOfFlags } from "./covariance.ts";
import { UsageError, choice, finite, integer, threadsFlag } from "./args.ts";
import {
  NETWORK_FLAGS_HELP,
  NETWORK_FLAG_OPTIONS,
  loadNetwork,
  networkFromFlags,
  shapeBeforeDrawing,
} from "./network-flags.ts";

export const SIMULATE_HELP = `strand simulate — simulate dx/dt = -x + J (G ⊙ phi(x)) and measure its dimension

Usage: strand simulate [connectivity flags] [simulation flags] [--json FILE|-]

${NETWORK_FLAGS_HELP}

Simulation:
  --method M          rk4 | euler                                           (default: rk4)
  --dt DT             time step (units of the neuron time constant)         (default: 0.05)
  --burn-in T         time units discarded first                            (default: 100)
  --duration T        sampled time units per trial                          (default: 500)
  --sample-every T    time units between samples                            (default: 1)
  --trials K          independent initial conditions, run as one batch      (default: 8)
  --start S           independent | branch: every trial burnt in from its own x(0), or one burn-in
                      shared and the trials branched from it by independent kicks, each settling
                      --branch-settle time units before sampling; branches decorrelate slowly near
                      the transition (docs/BRANCHING.md: when it is safe)   (default: independent)
  --branch-settle T   time units each branch runs, discarded (--start branch) (default: 100)
  --branch-kick K     standard deviation of each neuron's kick (--start branch) (default: 0.1)
  --lags L            sampled lags for C(tau) and Psi^phi(tau, 0)           (default: 10)
  --blocks B          time blocks for the cross-block PR estimator          (default: 8)
  --phi F             tanh | erf (erf(sqrt(pi) x / 2), the PRX choice)      (default: tanh)
  --dtype D           float32 | float64 (state; statistics are float64)     (default: float32)
  --sigma S           additive white-noise amplitude                        (default: 0)
  --input I           constant input to every neuron                        (default: 0)
  --backend B         auto | wasm | js                                      (default: auto)
  --workers W         worker threads; the trials run in 2 groups, one per worker; one trial shares its
                      steps among W threads instead (rows of J split); either way the same numbers
                      as --workers 1                                        (default: the number of cores)

Output:
  --theory            also compute the mean-field prediction (strand theory) and print both side by side
                      with the relative difference in units of the simulation's standard error
  --json FILE         write { params, provenance, results } to FILE ("-" for stdout)
  --save-trajectory F trial 0's sampled x as a (samples x N) float32 .npy
  --save-covariance F the equal-time covariance of phi as an (N x N) float64 .npy
  --pc-spectrum       the ranked eigenvalues of C^phi(0) (the PC spectrum; O(N^3), N <= 4096), in the summary
                      (the leading five and their share of the variance) and the JSON; with them each PC's
                      autocorrelation time (results.pcTimescales) and Psi^phi(tau, tau) (results.diagonal),
                      both from trial 0
  --compare-covariance  predict this network's C^phi(0) by linear equivalence (strand theory --covariance) and
                      compare it with the simulation of the same J: off-diagonal correlation and slope, relative
                      Frobenius error, PR, leading eigenvalues and bulk quantiles, the leading PCs' timescales
                      simulated and predicted, beside the noise floor (the two halves of the trials against each
                      other) and the static-linear control (LINEAR.md §3); --save-covariance saves the simulated
                      matrix. Long runs pay: LINEAR.md suggests --trials 8 --duration 1500 --sample-every 0.5
  --figure F.svg      with --compare-covariance: predicted (and the control's) vs simulated entries, the PCs'
                      timescales and the ranked eigenvalues (F.svg, F.png)
  --force             overwrite existing output files (otherwise an existing file is refused before the run)

Memory:
  --dry-run           print the memory and time the run will need and stop, before drawing J
  --max-time HOURS    refuse runs whose time estimate (a lower bound) is above this   (default: 24)
  --max-memory GIB    refuse runs that need more than this many GiB   (default: 75 % of this machine's memory)
  --statistics S      auto | samples | sums: form the statistics from the stored samples' Gram matrix
                      (memory ~ samples x N + samples^2) or from N x N sums (~ blocks x N^2); auto takes
                      samples when there are at most N samples, or when only they fit  (default: auto)

The defaults (8 trials x 500 time units, a sample every time unit: 4000 samples) give PR^phi to a few
percent at N = 1000 (the reported ± is the delete-one-block jackknife standard error).`;

const SIM_FLAGS = {
  method: { type: "string" },
  dt: { type: "string" },
  "burn-in": { type: "string" },
  duration: { type: "string" },
  "sample-every": { type: "string" },
  trials: { type: "string" },
  start: { type: "string" },
  "branch-settle": { type: "string" },
  "branch-kick": { type: "string" },
  lags: { type: "string" },
  blocks: { type: "string" },
  phi: { type: "string" },
  dtype: { type: "string" },
  sigma: { type: "string" },
  input: { type: "string" },
  backend: { type: "string" },
  workers: { type: "string" },
  theory: { type: "boolean", default: false },
  json: { type: "string" },
  "save-trajectory": { type: "string" },
  "save-covariance": { type: "string" },
  "pc-spectrum": { type: "boolean", default: false },
  "compare-covariance": { type: "boolean", default: false },
  figure: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  force: { type: "boolean", default: false },
  "max-memory": { type: "string" },
  statistics: { type: "string" },
  "max-time": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** --start and the branch flags, which apply only with --start branch */
function branchFlags(values: { start?: string; "branch-settle"?: string; "branch-kick"?: string }) {
  const start = choice("--start", values.start, STARTS, "independent");
  if (start !== "branch") {
    for (const flag of ["branch-settle", "branch-kick"] as const)
      if (values[flag] !== undefined) throw new UsageError(`\`--${flag}\` applies only with \`--start branch\``);
    return { start };
  }
  return {
    start,
    branchSettle: finite("--branch-settle", values["branch-settle"], 100),
    branchKick: finite("--branch-kick", values["branch-kick"], 0.1),
  };
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...NETWORK_FLAG_OPTIONS, ...SIM_FLAGS },
  });
  if (values.help) {
    console.log(SIMULATE_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand simulate takes no positional arguments; got ${JSON.stringify(positionals)}`);
  for (const [flag, path] of [
    ["--save-trajectory", values["save-trajectory"]],
    ["--save-covariance", values["save-covariance"]],
  ] as const) {
    if (path !== undefined && !path.endsWith(".npy"))
      throw new UsageError(`invalid argument: \`${flag}\` must name a .npy file; got ${describe(path)}`);
  }
  // every output checked before the run: nothing existing is overwritten without --force, no folder is missing
  const figure = values.figure?.replace(/\.(svg|png)$/i, "");
  if (values.figure !== undefined && !values["compare-covariance"])
    throw new UsageError("invalid argument: `--figure` applies with `--compare-covariance` only");
  if (values["compare-covariance"])
    for (const flag of ["theory", "pc-spectrum", "save-trajectory", "input"] as const)
      if (values[flag] !== undefined && values[flag] !== false)
        throw new UsageError(`invalid argument: \`--${flag}\` does not apply with \`--compare-covariance\``);
  checkOutputs(
    [
      values.json,
      values["save-trajectory"],
      values["save-covariance"],
      ...(figure ? [`${figure}.svg`, `${figure}.png`] : []),
    ],
    values.force,
  );
  const choiceOf = networkFromFlags(values);
  const options = {
    method: choice("--method", values.method, METHODS, "rk4"),
    dt: finite("--dt", values.dt, 0.05),
    burnIn: finite("--burn-in", values["burn-in"], 100),
    duration: finite("--duration", values.duration, 500),
    sampleEvery: finite("--sample-every", values["sample-every"], 1),
    trials: integer("--trials", values.trials, 8, 1, 4096),
    ...branchFlags(values),
    lags: integer("--lags", values.lags, 10, 0, 10000),
    blocks: integer("--blocks", values.blocks, 8, 2, 1000),
    phi: choice("--phi", values.phi, ["tanh", "erf"] as const, "tanh"),
    dtype: choice("--dtype", values.dtype, ["float32", "float64"] as const, "float32"),
    sigma: finite("--sigma", values.sigma, 0),
    input: values.input !== undefined ? finite("--input", values.input, 0) : undefined,
    backend: choice("--backend", values.backend, BACKEND_CHOICES, "auto"),
    statistics: choice("--statistics", values.statistics, ["auto", "samples", "sums"] as const, "auto"),
    seed: choiceOf.kind === "spec" ? choiceOf.spec.seed : choiceOf.seed,
  };
  // the memory the run needs, from sizes alone: before J is drawn (a connectome file is read first, for its N)
  const maxMemory =
    values["max-memory"] !== undefined
      ? finite("--max-memory", values["max-memory"], 0) * 2 ** 30
      : 0.75 * os.totalmem();
  if (!(maxMemory > 0 && maxMemory <= 2 ** 50))
    throw new UsageError(
      `invalid argument: \`--max-memory\` must be a positive number of GiB up to 2^20; got ` +
        describe(values["max-memory"]),
    );
  const drawn = await shapeBeforeDrawing(choiceOf);
  let network = drawn.network;
  const { n, shape } = drawn;
  const need = memoryEstimate(n, shape, { ...options, maxBytes: maxMemory });
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const maxHours = finite("--max-time", values["max-time"], DEFAULT_MAX_SECONDS / 3600);
  if (!(maxHours > 0 && maxHours <= 1e6))
    throw new UsageError(
      `invalid argument: \`--max-time\` must be a positive number of hours up to 10^6; got ${describe(values["max-time"])}`,
    );
  const time = timeEstimate(n, shape, options);
  const timeText = `at least ${formatSeconds(time.seconds)} (${time.steps.toExponential(2)} steps per trial)`;
  const needText =
    `${gib(need.total)} (coupling ${gib(need.coupling)}, statistics ${gib(need.statistics)} ` +
    `${need.space === "samples" ? "in sample space" : "as N x N sums"})`;
  if (values["dry-run"]) {
    const verdict = need.total > maxMemory ? " — would be refused" : "";
    const late = time.seconds > maxHours * 3600 ? " — would be refused" : "";
    console.log(`strand simulate --dry-run: N = ${n} needs ${needText}; limit ${gib(maxMemory)}${verdict}`);
    console.log(`  time: ${timeText}; limit ${formatSeconds(maxHours * 3600)}${late}`);
    return 0;
  }
  if (time.seconds > maxHours * 3600)
    throw new UsageError(
      `the run takes ${timeText}, above the limit of ${formatSeconds(maxHours * 3600)} ` +
        `(${values["max-time"] !== undefined ? "--max-time" : "24 h"}): shorten --duration or --burn-in, raise --dt, ` +
        "or raise --max-time",
    );
  if (need.total > maxMemory)
    throw new UsageError(
      `the run needs ${needText}, above the limit of ${gib(maxMemory)} ` +
        `(${values["max-memory"] !== undefined ? "--max-memory" : "75 % of this machine's memory"}): lower --lags, ` +
        "--blocks, --trials or --duration, or raise --max-memory",
    );
  network ??= await loadNetwork(choiceOf);
  const workers = threadsFlag("--workers", values.workers);
  if (values["compare-covariance"]) {
    const name = choiceOf.kind === "file" ? choiceOf.file : `${network.spec.coupling} network (seed ${options.seed})`;
    return compareCovarianceOfFlags(network, name, options, {
      workers,
      maxBytes: maxMemory,
      maxSeconds: maxHours * 3600,
      json: values.json,
      saveCovariance: values["save-covariance"],
      figure,
      argv: ["simulate", ...argv],
    });
  }
  // one trial (or the shared burn-in of branched trials): its steps shared by a team of threads (on the wasm backend)
  const team =
    workers > 1 && (options.trials === 1 || options.start === "branch") && options.backend !== "js" && teamSupported()
      ? await createTeam(workers)
      : undefined;
  let r;
  try {
    r = await simulate(network, {
      ...options,
      statistics: need.space,
      maxBytes: maxMemory,
      maxSeconds: maxHours * 3600,
      keepTrajectory: values["save-trajectory"] !== undefined,
      keepCovariance: values["save-covariance"] !== undefined,
      pcSpectrum: values["pc-spectrum"],
      onProgress: progressBar(),
      ...(workers > 1 && options.trials > 1 ? { executor: workerExecutor(workers) } : {}),
      ...(team ? { team } : {}),
    });
  } finally {
    await team?.close();
  }
  const R = r.results;
  const s = network.summary;
  const name = choiceOf.kind === "file" ? choiceOf.file : `${network.spec.coupling} network`;
  const threads =
    workers > 1 && options.trials > 1
      ? `${Math.min(workers, r.params.groups)} workers`
      : r.params.stepThreads > 1
        ? `${r.params.stepThreads} threads sharing the steps`
        : "1 thread";
  const lines = simulationLines(name, network, r, threads);
  if (R.pcSpectrum)
    lines.push(
      "  PC spectrum        " +
        R.pcSpectrum.eigenvalues
          .slice(0, 5)
          .map((v, i) => `${v.toPrecision(4)} (${(100 * R.pcSpectrum!.varianceFraction[i]).toFixed(1)} %)`)
          .join("  ") +
        ` … of ${R.pcSpectrum.eigenvalues.length}`,
    );
  if (R.pcTimescales) {
    const t = R.pcTimescales.tau;
    const resolved = t.filter((v): v is number => v !== null).sort((a, b) => a - b);
    lines.push(
      "  PC timescales      1/e times of PC 1-5: " +
        t
          .slice(0, 5)
          .map((v) => (v === null ? `> ${R.pcTimescales!.window}` : v.toFixed(2)))
          .join(" ") +
        `; median over PCs ${resolved.length ? resolved[Math.floor(resolved.length / 2)].toFixed(2) : "—"} ` +
        `(trial 0; ${t.length - resolved.length} not resolved within ${R.pcTimescales.window})`,
    );
  }
  if (R.diagonal) {
    const d = R.diagonal;
    lines.push(
      "  Psi^phi(tau,tau)   normalised, tau = " +
        d.tau
          .map((tau, l) => [tau, d.psiPhiNormalized[l]])
          .filter(([tau], l) => l === 0 || Number.isInteger(tau))
          .slice(0, 6)
          .map(([tau, v]) => `${tau}: ${v.toFixed(3)}`)
          .join("  ") +
        " (the slow diagonal; trial 0, cross-block)",
    );
  }
  let comparison: Record<string, ComparisonRow> | null = null;
  // a constant input has no theory here (say so rather than compare with the wrong one); noise has the driven DMFT
  // (its C^x(0) and C^phi(0); no PR with drive yet)
  let driven: Record<string, ComparisonRow> | null = null;
  if (values.theory && options.input)
    lines.push(
      `  theory             not available: the mean-field theory here has no constant input (--input ${options.input})`,
    );
  else if (values.theory && options.sigma > 0) {
    const out = drivenComparison(network, options.phi, options.sigma, R);
    lines.push(...out.lines);
    driven = out.rows;
  } else if (values.theory) {
    const { prediction, note } = await predictFor(network.spec, {
      phi: options.phi,
      backend: await createBackend(options.backend),
      threads: workers,
      summary: network.summary,
    });
    if (prediction) {
      comparison = comparePrediction(R, prediction);
      lines.push(...comparisonLines(prediction, comparison));
      // the theory's slow diagonal beside the simulated one (Gaussian theory; its lag grid is 0.1 apart)
      const th = prediction.method === "gaussian" ? prediction.theory.results : null;
      if (R.diagonal && th && !th.quiescent) {
        const at = (t: number) => th.diagonal.psiPhiNormalized[Math.round(t * 10)];
        lines.push(
          "                     Psi^phi(tau,tau)/(0,0) theory: " +
            [0, 1, 2, 3, 4, 5].map((t) => `${t}: ${at(t).toFixed(3)}`).join("  "),
        );
      }
    } else lines.push(`  theory             not available: ${note}`);
  }
  // with --json - the JSON owns stdout, so the summary goes to stderr
  (values.json === "-" ? console.error : console.log)(lines.join("\n"));
  // every output of the run together, at its end (checked before it started): none, or all of them
  const doc = {
    params: { ...r.params, network: choiceOf.kind === "spec" ? choiceOf.spec : choiceOf },
    provenance: { ...r.provenance, argv: ["simulate", ...argv] },
    results: R,
    ...(comparison ? { theory: comparison } : {}),
    ...(driven ? { theory: driven } : {}),
  };
  await writeFilesAtomic([
    [
      r.trajectory ? values["save-trajectory"] : undefined,
      r.trajectory ? writeNpy(r.trajectory.x, [r.trajectory.samples, r.trajectory.n], "float32") : "",
    ],
    [
      r.covariancePhi ? values["save-covariance"] : undefined,
      r.covariancePhi ? writeNpy(r.covariancePhi, [s.n, s.n]) : "",
    ],
    [values.json, values.json !== undefined ? JSON.stringify(doc, null, 2) + "\n" : ""],
  ]);
  return 0;
}
