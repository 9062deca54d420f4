/**
 * `strand simulate`: draw (or load) a network, run simulate(), print a summary; --json writes
 * { params, provenance, results } atomically, --save-trajectory / --save-covariance write .npy arrays.
 * A progress bar goes to stderr on a TTY only.
 */
import { parseArgs } from "node:util";
import { BACKEND_CHOICES, createBackend } from "../backend/select.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { writeNpy } from "../io/npy.ts";
import { workerExecutor } from "../io/parallel.ts";
import { createTeam } from "../io/team-pool.ts";
import { teamSupported } from "../backend/team.ts";
import { samplerPool } from "../io/sampler-pool.ts";
import os from "node:os";
import { METHODS, simulate } from "../simulate/simulate.ts";
import { structureOf } from "../theory/structured.ts";
import { NotPredictedError, predict, type Prediction } from "../theory/predict.ts";
import { describe } from "../errors.ts";
import { UsageError, choice, integer, formatNumber } from "./args.ts";
import { NETWORK_FLAGS_HELP, NETWORK_FLAG_OPTIONS, loadNetwork, networkFromFlags } from "./network-flags.ts";

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

The defaults (8 trials x 500 time units, a sample every time unit: 4000 samples) give PR^phi to a few
percent at N = 1000 (the reported ± is the delete-one-block jackknife standard error).`;

const SIM_FLAGS = {
  method: { type: "string" },
  dt: { type: "string" },
  "burn-in": { type: "string" },
  duration: { type: "string" },
  "sample-every": { type: "string" },
  trials: { type: "string" },
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
  help: { type: "boolean", short: "h", default: false },
} as const;

function num(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x))
    throw new UsageError(`invalid argument: \`${flag}\` must be a finite number; got ${describe(v)}`);
  return x;
}

function progressBar() {
  if (!process.stderr.isTTY) return undefined;
  const start = performance.now();
  return (p: { t: number; fraction: number; phase: string }) => {
    const w = 30,
      done = Math.round(p.fraction * w);
    const el = (performance.now() - start) / 1000;
    const eta = p.fraction > 0 ? (el / p.fraction) * (1 - p.fraction) : 0;
    process.stderr.write(
      `\r[${"#".repeat(done)}${" ".repeat(w - done)}] ` +
        `${(p.fraction * 100).toFixed(0).padStart(3)}% ${p.phase} t=${p.t.toFixed(0)} ETA ` +
        `${eta.toFixed(0)}s   `,
    );
    if (p.fraction >= 1) process.stderr.write("\n");
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
  const choiceOf = networkFromFlags(values);
  const options = {
    method: choice("--method", values.method, METHODS, "rk4"),
    dt: num("--dt", values.dt, 0.05),
    burnIn: num("--burn-in", values["burn-in"], 100),
    duration: num("--duration", values.duration, 500),
    sampleEvery: num("--sample-every", values["sample-every"], 1),
    trials: integer("--trials", values.trials, 8, 1),
    lags: integer("--lags", values.lags, 10),
    blocks: integer("--blocks", values.blocks, 8, 2),
    phi: choice("--phi", values.phi, ["tanh", "erf"] as const, "tanh"),
    dtype: choice("--dtype", values.dtype, ["float32", "float64"] as const, "float32"),
    sigma: num("--sigma", values.sigma, 0),
    input: values.input !== undefined ? num("--input", values.input, 0) : undefined,
    backend: choice("--backend", values.backend, BACKEND_CHOICES, "auto"),
    seed: choiceOf.kind === "spec" ? choiceOf.spec.seed : choiceOf.seed,
  };
  const network = await loadNetwork(choiceOf);
  const workers = integer("--workers", values.workers, os.availableParallelism?.() ?? os.cpus().length, 1);
  // one trial: its steps shared by a team of threads (on the wasm backend)
  const team =
    workers > 1 && options.trials === 1 && options.backend !== "js" && teamSupported()
      ? await createTeam(workers)
      : undefined;
  let r;
  try {
    r = await simulate(network, {
      ...options,
      keepTrajectory: values["save-trajectory"] !== undefined,
      onProgress: progressBar(),
      ...(workers > 1 && options.trials > 1 ? { executor: workerExecutor(workers) } : {}),
      ...(team ? { team } : {}),
    });
  } finally {
    await team?.close();
  }
  const R = r.results;
  const f = (v: number | null, d = 4) => formatNumber(v, d);
  const s = network.summary;
  const name = choiceOf.kind === "file" ? choiceOf.file : `${network.spec.coupling} network`;
  const gEff = Number.isFinite(s.g) ? `, g_eff ${f(s.g)}` : "";
  const rank =
    Number.isFinite(s.effectiveRank) && network.coupling.kind === "lowrank"
      ? `, effective rank ${f(s.effectiveRank)}`
      : "";
  const threads =
    workers > 1 && options.trials > 1
      ? `${Math.min(workers, r.params.groups)} workers`
      : r.params.stepThreads > 1
        ? `${r.params.stepThreads} threads sharing the steps`
        : "1 thread";
  const lines = [
    `${name}: N = ${s.n}, ${r.params.coupling}${gEff}${rank}, phi = ${options.phi}`,
    `  run                ${options.method}, dt ${options.dt}, ${options.trials} trials x ` +
      `${options.duration} time units after ${options.burnIn} burn-in, ${R.samples} samples, ` +
      `${options.dtype}, ${r.params.backend}, ` +
      `${threads}, ` +
      `${R.seconds.toFixed(1)} s`,
    ...(R.quiescent
      ? ["  state              quiescent: the network decayed to a fixed point (no fluctuations to measure)"]
      : [
          `  PR^phi             ${f(R.prPhi)} ± ${f(R.prPhiError, 2)} (cross-block; plug-in ${f(R.prPhiPlugin)})`,
          `  PR^x               ${f(R.prX)} ± ${f(R.prXError, 2)} (cross-block; plug-in ${f(R.prXPlugin)})`,
          ...(R.gains
            ? [
                `  gains              PR^{G phi} ${f(R.gains.prPhiUnnormalized)}, z-scored ` +
                  `${f(R.gains.prPhiNormalized)}, random readout ${f(R.gains.prPhiReadout)}`,
              ]
            : []),
          `  C^x(0), C^phi(0)   ${f(R.cX0)}, ${f(R.cPhi0)}`,
          `  C^phi(tau)/C(0)    ${R.autocorrelation.tau
            .slice(0, 6)
            .map((t, k) => `${t}: ${(R.autocorrelation.cPhi[k] / R.cPhi0).toFixed(3)}`)
            .join("  ")}`,
          `  Psi^phi(tau,0)/(0) ${R.collective.tau
            .slice(0, 6)
            .map((t, k) => `${t}: ${R.collective.psiPhiNormalized[k].toFixed(3)}`)
            .join("  ")}`,
          ...(R.nonStationary
            ? [
                `  warning            block variances differ by ${R.blockVarianceRatio.toFixed(1)}x: not stationary (lengthen --burn-in)`,
              ]
            : []),
        ]),
  ];
  let comparison: Record<string, { simulation: number | null; error: number | null; theory: number | null }> | null =
    null;
  if (values.theory) {
    // the library decides which theory applies (src/theory/predict.ts); a connectome's own J has none
    const be = await createBackend(options.backend);
    const pool = workers > 1 && structureOf(network.spec) ? await samplerPool(workers, be.name) : null;
    let p: Prediction | null = null;
    try {
      p = await predict(network.spec, {
        phi: options.phi,
        backend: be,
        summary: network.summary,
        sampler: { seed: network.spec.seed, executor: pool?.executor },
      });
    } catch (e) {
      if (!(e instanceof NotPredictedError)) throw e;
      lines.push(`  theory             not available: ${e.message}`);
    } finally {
      await pool?.close();
    }
    if (p) {
      const o = p.observables;
      const sim = (v: number | null, e: number | null, th: number | null, thErr = 0) => ({
        simulation: v,
        error: e === null && !thErr ? null : Math.hypot(e ?? 0, thErr),
        theory: th,
      });
      comparison = {
        prPhi: sim(R.prPhi, R.prPhiError, o.prPhi, o.prPhiError),
        ...(o.prX !== null ? { prX: sim(R.prX, R.prXError, o.prX) } : {}),
        cX0: sim(R.cX0, null, o.cX0),
        cPhi0: sim(R.cPhi0, null, o.cPhi0),
        tauCPhi: sim(R.timescales.cPhi, null, o.tauCPhi),
        ...(p.method === "gaussian" ? { tauPsiPhi: sim(R.timescales.psiPhi, null, o.tauPsiPhi) } : {}),
      };
      if (p.method === "sampling") {
        lines.push(
          `  theory (N -> inf)  sampling single site, PR^phi ${f(o.prPhi)} ± ${f(o.prPhiError, 2)}; ` +
            `the difference below is in units of both errors combined`,
        );
      } else if (p.inputs.prG !== undefined) {
        lines.push(
          `  theory (N -> inf)  with gains PR^G ${p.inputs.prG}: PR^phi is the z-scored one (what is measured here)`,
        );
      }
    }
    if (comparison) {
      lines.push("  theory (N -> inf)  quantity   simulation          theory     difference");
      for (const [k, v] of Object.entries(comparison)) {
        const d = v.simulation !== null && v.theory !== null ? v.simulation - v.theory : null;
        const inSe = d !== null && v.error ? ` = ${(d / v.error).toFixed(1)} se` : "";
        lines.push(
          `                     ${k.padEnd(9)}  ${f(v.simulation)}${v.error ? ` ± ${f(v.error, 2)}` : ""}`.padEnd(52) +
            `${f(v.theory)}`.padEnd(11) +
            (d !== null ? `${((100 * d) / v.theory!).toFixed(1)} %${inSe}` : "-"),
        );
      }
    }
  }
  // with --json - the JSON owns stdout, so the summary goes to stderr
  (values.json === "-" ? console.error : console.log)(lines.join("\n"));
  if (values["save-trajectory"] && r.trajectory)
    await writeFileAtomic(
      values["save-trajectory"],
      writeNpy(r.trajectory.x, [r.trajectory.samples, r.trajectory.n], "float32"),
    );
  if (values["save-covariance"])
    await writeFileAtomic(values["save-covariance"], writeNpy(r.covariancePhi, [s.n, s.n]));
  if (values.json !== undefined) {
    const doc = {
      params: { ...r.params, network: choiceOf.kind === "spec" ? choiceOf.spec : choiceOf },
      provenance: { ...r.provenance, argv: ["simulate", ...argv] },
      results: R,
      ...(comparison ? { theory: comparison } : {}),
    };
    await writeFileAtomic(values.json, JSON.stringify(doc, null, 2) + "\n");
  }
  return 0;
}
