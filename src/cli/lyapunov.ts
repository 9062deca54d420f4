/**
 * `strand lyapunov`: draw (or load) a network, run lyapunov(), print the spectrum's summary; --theory adds the
 * predicted lambda_max (src/chaos/predict.ts); --json writes { params, provenance, results } and --save-exponents
 * the exponents as a float64 .npy, atomically, both at the end. A progress bar on a TTY.
 */
import { parseArgs } from "node:util";
import v8 from "node:v8";
import { BACKEND_CHOICES, createBackend } from "../backend/select.ts";
import { checkOutputs, writeFilesAtomic } from "../io/atomic.ts";
import { writeNpy } from "../io/npy.ts";
import { METHODS } from "../simulate/simulate.ts";
import { LYAPUNOV_BYTES_MAX, lyapunov, lyapunovCost } from "../chaos/lyapunov.ts";
import { formatSeconds } from "../simulate/simulate.ts";
import { predictMaximalExponent } from "../chaos/predict.ts";
import { describe } from "../errors.ts";
import { UsageError, choice, finite, formatNumber, integer, threadsFlag } from "./args.ts";
import { createTeam } from "../io/team-pool.ts";
import { teamSupported } from "../backend/team.ts";
import {
  NETWORK_FLAGS_HELP,
  NETWORK_FLAG_OPTIONS,
  loadNetwork,
  networkFromFlags,
  shapeBeforeDrawing,
} from "./network-flags.ts";
import { progressBar } from "./report.ts";

export const LYAPUNOV_HELP = `strand lyapunov — the Lyapunov spectrum of dx/dt = -x + J (G ⊙ phi(x)) by the QR method

Usage: strand lyapunov [connectivity flags] [flags] [--json FILE|-]

${NETWORK_FLAGS_HELP}

Spectrum:
  --k K               leading exponents to compute, or "all"                 (default: N / 5, rounded up)
  --method M          rk4: the flow's exponents (RK4 tangent, exact derivative of the step) |
                      euler: the Euler map's, step --dt                      (default: rk4)
  --dt DT             time step                                              (default: 0.05)
  --burn-in T         time units of the state alone, discarded             (default: 100)
  --warm-up T         time units the frame aligns before its logs count      (default: 50)
  --duration T        observed time units                                    (default: 200)
  --qr-every T        time units between QR re-orthonormalisations          (default: 0.5)
  --blocks B          observation blocks for the error bars (jackknife)      (default: 8)
  --phi F             tanh | erf                                             (default: tanh)
  --dtype D           float64 | float32 (the state and frame; QR and sums are float64)  (default: float64)
  --sigma S           additive white-noise amplitude (the spectrum of the noisy system)  (default: 0)
  --input I           constant input to every neuron                         (default: 0)
  --backend B         auto | wasm | js                                       (default: auto)
  --check-twin        also estimate lambda_1 from a twin trajectory at distance 1e-8
  --workers W         threads sharing the steps (rows of J split; the same numbers as --workers 1)
                                                                             (default: the number of cores)

Output:
  --theory            the predicted lambda_max beside the measured one (mean field for i.i.d. and random-mode
                      networks; below g = 1 the quiescent state's, from the eigenvalues of J)
  --json FILE         write { params, provenance, results } to FILE ("-" for stdout)
  --save-exponents F  the exponents as a float64 .npy
  --force             overwrite existing output files
  --dry-run           print the time (a lower bound) and memory the run needs and stop, before drawing J
  --max-time HOURS    refuse runs whose time estimate is above this            (default: 24)

The exponents are per unit time (the neuron time constant), in the QR's order: descending up to finite-time
fluctuations. The error bars are delete-one-block jackknife standard errors over --blocks blocks.`;

const FLAGS = {
  k: { type: "string" },
  method: { type: "string" },
  dt: { type: "string" },
  "burn-in": { type: "string" },
  "warm-up": { type: "string" },
  duration: { type: "string" },
  "qr-every": { type: "string" },
  blocks: { type: "string" },
  phi: { type: "string" },
  dtype: { type: "string" },
  sigma: { type: "string" },
  input: { type: "string" },
  backend: { type: "string" },
  "check-twin": { type: "boolean", default: false },
  workers: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  "max-time": { type: "string" },
  theory: { type: "boolean", default: false },
  json: { type: "string" },
  "save-exponents": { type: "string" },
  force: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export async function lyapunovCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...NETWORK_FLAG_OPTIONS, ...FLAGS },
  });
  if (values.help) {
    console.log(LYAPUNOV_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand lyapunov takes no positional arguments; got ${JSON.stringify(positionals)}`);
  const save = values["save-exponents"];
  if (save !== undefined && !save.endsWith(".npy"))
    throw new UsageError(`invalid argument: \`--save-exponents\` must name a .npy file; got ${describe(save)}`);
  checkOutputs([values.json, save], values.force);
  const choiceOf = networkFromFlags(values);
  const method = choice("--method", values.method, METHODS, "rk4");
  const backendChoice = choice("--backend", values.backend, BACKEND_CHOICES, "auto");
  const options = {
    k: values.k === "all" ? ("all" as const) : integer("--k", values.k, 0, 1, 1 << 24) || undefined,
    method,
    dt: finite("--dt", values.dt, 0.05),
    burnIn: finite("--burn-in", values["burn-in"], 100),
    warmUp: finite("--warm-up", values["warm-up"], 50),
    duration: finite("--duration", values.duration, 200),
    qrEvery: finite("--qr-every", values["qr-every"], 0.5),
    blocks: integer("--blocks", values.blocks, 8, 2, 1000),
    phi: choice("--phi", values.phi, ["tanh", "erf"] as const, "tanh"),
    dtype: choice("--dtype", values.dtype, ["float64", "float32"] as const, "float64"),
    sigma: finite("--sigma", values.sigma, 0),
    input: values.input !== undefined ? finite("--input", values.input, 0) : undefined,
    checkTwin: values["check-twin"],
    seed: choiceOf.kind === "spec" ? choiceOf.spec.seed : choiceOf.seed,
  };
  // the time and memory from sizes alone, before J is drawn (a connectome file is read first, for its N)
  const drawn = await shapeBeforeDrawing(choiceOf);
  let network = drawn.network;
  const { n, shape } = drawn;
  if (typeof options.k === "number" && options.k > n)
    throw new UsageError(`invalid argument: \`--k\` must be at most N = ${n} (or "all"); got ${options.k}`);
  const cost = lyapunovCost(n, shape, options);
  const maxHours = finite("--max-time", values["max-time"], 24);
  if (!(maxHours > 0 && maxHours <= 1e6))
    throw new UsageError(
      `invalid argument: \`--max-time\` must be a positive number of hours up to 10^6; got ${describe(values["max-time"])}`,
    );
  const timeText = Number.isFinite(cost.seconds)
    ? `at least ${formatSeconds(cost.seconds)} (${cost.steps.toPrecision(3)} steps`
    : "an unbounded time (more steps than a number holds";
  if (values["dry-run"]) {
    console.log(
      `strand lyapunov --dry-run: N = ${n}, k = ${cost.k}: ${timeText}; limit ${formatSeconds(maxHours * 3600)}` +
        `${cost.seconds > maxHours * 3600 ? " — would be refused" : ""}), ` +
        `${(cost.bytes / 2 ** 30).toFixed(2)} GiB in the WebAssembly memory (limit ${LYAPUNOV_BYTES_MAX / 2 ** 30} GiB` +
        `${cost.bytes > LYAPUNOV_BYTES_MAX ? " — would be refused" : ""})`,
    );
    return 0;
  }
  if (cost.bytes > LYAPUNOV_BYTES_MAX)
    throw new UsageError(
      `the run needs ${(cost.bytes / 2 ** 30).toFixed(2)} GiB in one WebAssembly instance (N = ${n}, k = ${cost.k}; ` +
        `limit ${LYAPUNOV_BYTES_MAX / 2 ** 30} GiB): lower --k, or use --dtype float32`,
    );
  if (cost.seconds > maxHours * 3600)
    throw new UsageError(
      `the run takes ${timeText}; N = ${n}, k = ${cost.k}), above ` +
        `the limit of ${formatSeconds(maxHours * 3600)}: lower --k or --duration, or raise --max-time`,
    );
  network ??= await loadNetwork(choiceOf);
  // a run of minutes calls few, long kernels: compile them optimised at once instead of starting in V8's baseline
  // tier (its first calls ran ~0.7 s slower at N = 1000, k = 100: bench/README.md)
  v8.setFlagsFromString("--no-liftoff");
  const backend = await createBackend(backendChoice);
  const workers = threadsFlag("--workers", values.workers);
  // the steps shared by a team of threads on the wasm backend (the same numbers as one thread)
  const team =
    workers > 1 && backend.name === "wasm" && teamSupported()
      ? await createTeam(workers, { fma: backend.fma })
      : undefined;
  let r;
  try {
    r = await lyapunov(network, {
      ...options,
      backend,
      maxSeconds: maxHours * 3600,
      onProgress: progressBar(),
      ...(team ? { team } : {}),
    });
  } finally {
    await team?.close();
  }
  const R = r.results,
    P = r.params;
  const name = choiceOf.kind === "file" ? choiceOf.file : `${network.spec.coupling} network`;
  const f = (v: number | null) => formatNumber(v);
  const first = R.exponents
    .slice(0, 5)
    .map((v, i) => `${f(v)} ± ${formatNumber(R.errors[i], 2)}`)
    .join(", ");
  const lines = [
    `${name}: N = ${P.n}, ${P.coupling}${Number.isFinite(network.summary.g) ? `, g_eff ${network.summary.g}` : ""}, ` +
      `phi = ${P.phi}`,
    `  run                ${P.meaning}, dt ${P.dt}, k = ${P.k}, ${P.burnIn} burn-in + ${P.warmUp} warm-up + ` +
      `${P.duration} observed, QR every ${P.qrEvery}, ${P.dtype}, ${P.backend}, ` +
      `${P.stepThreads > 1 ? `${P.stepThreads} threads` : "1 thread"}, ${R.seconds.toFixed(1)} s`,
    `  lambda_1..5        ${first}${P.k > 5 ? ", …" : ""}`,
    `  lambda_max         ${f(R.lambdaMax)} ± ${formatNumber(R.lambdaMaxError, 2)} per unit time`,
    `  D_KY, D_KY/N       ` +
      (R.kaplanYorkeDimension === null
        ? R.kaplanYorkeStatus
        : `${f(R.kaplanYorkeDimension)}, ${f(R.kaplanYorkeFraction)}`),
    `  h_KS, h_KS/N       ${f(R.ksEntropy)}, ${f(R.ksEntropyPerNeuron)}` +
      (R.positiveCount === P.k && P.k < P.n ? " (lower bounds: every computed exponent is positive)" : ""),
    `  positive           ${R.positiveCount} of ${P.k} (${f(R.positiveFraction)} of N)`,
    ...(R.twin
      ? [
          `  twin check         lambda_1 = ${f(R.twin.lambda1)} ± ${formatNumber(R.twin.error, 2)} ` +
            `(${Math.abs(R.twin.z) < 3 ? "agrees" : "DISAGREES"}: ${R.twin.z.toFixed(1)} combined se)`,
        ]
      : []),
  ];
  let theory: ReturnType<typeof predictMaximalExponent> | null = null;
  if (values.theory) {
    theory = predictMaximalExponent(network, { phi: P.phi, method: P.method, dt: P.dt, backend });
    if (theory.lambdaMax === null) lines.push(`  theory             not available: ${theory.note}`);
    else {
      const z = (R.lambdaMax - theory.lambdaMax) / R.lambdaMaxError;
      lines.push(
        `  theory lambda_max  ${f(theory.lambdaMax)} (${theory.source}); measured − theory = ` +
          `${f(R.lambdaMax - theory.lambdaMax)} (${Number.isFinite(z) ? `${z.toFixed(1)} se` : "no error bar"})`,
      );
    }
  }
  (values.json === "-" ? console.error : console.log)(lines.join("\n"));
  const doc = {
    params: { ...P, network: choiceOf.kind === "spec" ? choiceOf.spec : choiceOf },
    provenance: { ...r.provenance, argv: ["lyapunov", ...argv] },
    results: R,
    ...(theory ? { theory } : {}),
  };
  await writeFilesAtomic([
    [save, save !== undefined ? writeNpy(Float64Array.from(R.exponents), [R.exponents.length]) : ""],
    [values.json, values.json !== undefined ? JSON.stringify(doc, null, 2) + "\n" : ""],
  ]);
  return 0;
}
