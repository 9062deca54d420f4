/**
 * `strand theory`: the DMFT predictions for the connectivity the flags describe (same flags as simulate;
 * N only matters when the spectrum is given by beta_D or gamma, through the discrete PR^D).
 */
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../io/atomic.ts";
import { provenance } from "../provenance.ts";
import { predictionMethod, type GaussianPrediction, type SamplingPrediction } from "../theory/predict.ts";
import { rmmModes, type NetworkSpec } from "../network/ensembles.ts";
import { createBackend, BACKEND_CHOICES } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { describe } from "../errors.ts";
import { UsageError, choice, finite, formatNumber, integer, threadsFlag } from "./args.ts";
import { predictFor } from "./report.ts";
import { maximalExponent, maximalExponentEuler } from "../theory/lyapunov.ts";
import { drivenDimension, solveDrivenDmft, type DrivenDmft } from "../theory/driven.ts";
import { METHODS } from "../simulate/simulate.ts";
import {
  NETWORK_FLAGS_HELP,
  NETWORK_FLAG_OPTIONS,
  loadNetwork,
  networkFromFlags,
  type NetworkChoice,
} from "./network-flags.ts";
import { lagList, theoryCovariance } from "./covariance.ts";
import { checkOutputs } from "../io/atomic.ts";
import type { PhiName } from "../backend/types.ts";

export const THEORY_HELP = `strand theory — DMFT predictions: C(tau), <phi'>, PR^phi, PR^x, Psi^phi(tau, 0)

Usage: strand theory [connectivity flags] [--phi tanh|erf] [--json FILE|-]

${NETWORK_FLAGS_HELP}

  --phi F             tanh | erf                                            (default: tanh)
  --backend B         auto | wasm | js: the kernels for the frequency double sums and the sampling solver
                      (default: auto)
  --json FILE         write { params, provenance, results } to FILE ("-" for stdout)
  --method M          rk4 | euler: lambda_max of the flow (the RK4 tangent's limit) or of the Euler map   (default: rk4)
  --dt D              the Euler map's step delta, in (0, 1] (--method euler)  (default: 0.05)
  --sigma S           white-noise drive, <eta_i(t) eta_j(t')> = S^2 delta_ij delta(t - t'): the driven DMFT's
                      C^x(0), C^phi(0), <phi'>, C(tau), PR^phi (LINEAR.md §1)

One network's covariance (linear equivalence, LINEAR.md §2 — a hypothesis; test it with strand simulate
--compare-covariance): for the J the flags give — drawn with --seed exactly as strand simulate draws it, or a
connectome's own J (--coupling file; --stand-in random for its random-mode stand-in) —
  --covariance F      the predicted C^phi_ij(0) as an (N x N) float64 .npy; prints its PR, leading eigenvalues,
                      the single site's g_eff = ||J||_F / sqrt(N) and a = <phi'>, and the stability margin
                      1 - a max Re lambda(J) (refused when not positive; fragile below 0.03)
  --covariance-x F    also C^x_ij(0)
  --lags L1,L2,...    also C(tau)_ij = <phi_i(t + tau) phi_j(t)> at these lags: the .npy becomes
                      (1 + lags) x N x N, lag 0 first
  --force             overwrite existing files
  Dense J: one N x N eigendecomposition (wasm kernels), ~13 (N / 1000)^3 s in all; random-mode J: Woodbury on its
  M modes.
  With --sigma S the single site is the driven DMFT's. Not for gains or reciprocal structure.

The maximal Lyapunov exponent lambda_max (CHAOS.md §4) is printed for the Gaussian single site without gains:
the flow's from the ground state of H = -d^2/dtau^2 + 1 - g^2 C^d(tau) with its self-check E_1 = 0, the Euler
map's from its discrete DMFT (seconds for tanh).

Reciprocal structure — partial symmetry (--coupling iid --symmetry RHO) and diagonal mode overlaps
(--coupling rmm --overlap-gamma G) — is solved by the sampling single-site DMFT (Monte-Carlo paths with the
self-coupling, THEORY §3.5), seeded by --seed:
  --paths P           single-site paths per iteration                       (default: 32)
  --iterations K      damped iterations; the last half are averaged          (default: 40)
  --threads T         worker threads for the paths; same numbers for any T   (default: the number of cores)
  The defaults take about a minute on 2 cores (wasm; longer for slow dynamics, where the lag grid grows
  up to 32768 points). PR^phi comes with its standard error (delete-one-batch jackknife, 5 batches of the
  20 averaged iterations): with the defaults 0.1-0.5 % for weak structure (|gamma_rho| <= 0.3), 2-4 % for strong structure
  (rho = 0.6, |gamma_rho| = 0.6); it falls like 1/sqrt(paths x iterations). The uncoupled site driven by
  the same noise is subtracted and its exact Gaussian statistics added (a control variate), so rho = 0 /
  gamma_rho = 0 reproduce the i.i.d. / RMM numbers to 2e-3 (the lag window). PR^x is
  not given by the theory for these couplings. A single site without a stationary state (a mode that
  condenses, a glassy phase at strong symmetry) is reported as an error, not as a number.

Without reciprocal structure only g_eff, alpha PR^D (the effective rank) and PR^G enter (N -> infinity).
Any g > 1 for both nonlinearities. Near g = 1 the lag step grows automatically (the
functions are slow there); below g ~ 1.003 the grid would need more than 32768 points and the run is refused
with the near-critical law PR ~ (g - 1)^3 / 4.27 instead.`;

export async function theoryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...NETWORK_FLAG_OPTIONS,
      phi: { type: "string" },
      json: { type: "string" },
      paths: { type: "string" },
      iterations: { type: "string" },
      backend: { type: "string" },
      threads: { type: "string" },
      method: { type: "string" },
      dt: { type: "string" },
      sigma: { type: "string" },
      covariance: { type: "string" },
      "covariance-x": { type: "string" },
      lags: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(THEORY_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand theory takes no positional arguments; got ${JSON.stringify(positionals)}`);
  const phi = choice("--phi", values.phi, ["tanh", "erf"] as const, "tanh");
  const lyapunovMethod = choice("--method", values.method as string | undefined, METHODS, "rk4");
  const lyapunovDt = finite("--dt", values.dt as string | undefined, 0.05);
  const sigma = finite("--sigma", values.sigma as string | undefined, 0);
  if (!(sigma >= 0 && sigma <= 1e3))
    throw new UsageError(
      `invalid argument: \`--sigma\` must be a number from 0 to 1000; got ${describe(values.sigma)}`,
    );
  if (values.dt !== undefined && lyapunovMethod !== "euler")
    throw new UsageError("invalid argument: `--dt` applies to the Euler map's lambda_max (`--method euler`) only");
  if (!(lyapunovDt > 0 && lyapunovDt <= 1))
    throw new UsageError(`invalid argument: \`--dt\` must be in (0, 1]; got ${describe(values.dt)}`);
  const net = networkFromFlags(values);
  if (values.covariance !== undefined || values["covariance-x"] !== undefined || values.lags !== undefined)
    return covarianceOfFlags(values, net, phi, sigma, argv);
  if (values.force) throw new UsageError("invalid argument: `--force` applies to the files of `--covariance` only");
  // the i.i.d. theory is N -> infinity (the random-mode one keeps N: M = alpha N modes make its spectrum)
  if (net.kind === "spec" && net.spec.coupling === "iid" && values.n !== undefined)
    throw new UsageError(
      `invalid argument: \`--n\` does not apply to the i.i.d. theory (it is the N -> infinity limit); got ` +
        describe(values.n),
    );
  if (net.kind === "file" && net.standIn === "none") {
    throw new UsageError(
      `invalid argument: \`--coupling file\` has a mean-field theory only through its random-mode ` +
        `stand-in (--stand-in random, or --stand-in overlaps with its measured mode overlaps); got --stand-in none`,
    );
  }
  // a connectome's stand-in: g_eff, the spectrum (and its overlaps) from its singular vectors
  const spec = net.kind === "file" ? (await loadNetwork(net)).spec : net.spec;
  const sampling = predictionMethod(spec) === "sampling";
  if (!sampling) {
    for (const f of ["paths", "iterations", "threads"] as const) {
      if (values[f] !== undefined)
        throw new UsageError(
          `invalid argument: \`--${f}\` applies to the sampling solver (--symmetry, --overlap-gamma) ` +
            `only; got ${JSON.stringify(values[f])}`,
        );
    }
  }
  const be = await createBackend(choice("--backend", values.backend as string | undefined, BACKEND_CHOICES, "auto"));
  const threads = threadsFlag("--threads", values.threads as string | undefined);
  const { prediction: p, note } = await predictFor(spec, {
    phi,
    backend: be,
    threads,
    paths: integer("--paths", values.paths as string | undefined, 32, 2),
    iterations: integer("--iterations", values.iterations as string | undefined, 40, 5),
  });
  if (!p) throw new UsageError(`invalid argument: ${note}`);
  const gaussian = p.method === "gaussian" && !p.theory.results.gains;
  if (sigma > 0 && !gaussian)
    throw new UsageError(
      "invalid argument: `--sigma` applies to the Gaussian single site (i.i.d. or random-mode couplings without " +
        "gains, symmetry or overlaps)",
    );
  // with drive: the noise-driven DMFT's single-site statistics (src/theory/driven.ts) instead of the noise-free ones;
  // without: the mean-field maximal exponent (CHAOS.md §4) of the flow, or of the Euler map with step --dt
  const driven = sigma > 0 && p.method === "gaussian" ? solveDrivenDmft(p.inputs.g, phi, sigma) : null;
  const chaos = gaussian && !driven && lyapunovMethod === "rk4" ? maximalExponent(p.inputs.g, phi) : null;
  const chaosMap =
    gaussian && !driven && lyapunovMethod === "euler" ? maximalExponentEuler(p.inputs.g, phi, lyapunovDt) : null;
  const lines =
    driven && p.method === "gaussian"
      ? drivenLines(p, driven)
      : p.method === "gaussian"
        ? gaussianLines(p)
        : samplingLines(p, spec, be, sampling ? threads : 1);
  if (chaosMap)
    lines.push(
      `  lambda_max         ${f(chaosMap.lambdaMax)} per unit time (the Euler map's, delta = ${lyapunovDt}, mean field)`,
    );
  if (chaos)
    lines.push(
      `  lambda_max         ${f(chaos.lambdaMax)} per unit time (the flow's, mean field; ` +
        (chaos.quiescent ? "quiescent: -1 + g_eff)" : `self-check E_1 = ${chaos.e1.toExponential(1)})`),
    );
  // with --json - the JSON owns stdout, so the summary goes to stderr
  (values.json === "-" ? console.error : console.log)(lines.join("\n"));
  if (values.json !== undefined) {
    const network =
      net.kind === "file"
        ? {
            coupling: "file",
            file: net.file,
            layer: net.layer,
            include: net.include ?? null,
            signs: net.signs,
            normalize: net.normalize,
            standIn: net.standIn,
            n: spec.n,
            g: spec.g,
          }
        : spec;
    const doc = {
      params: { ...p.theory.params, method: p.method, network },
      provenance: provenance(p.method === "sampling" ? be : undefined, { argv: ["theory", ...argv], seed: spec.seed }),
      results: driven ?? p.theory.results,
      /** what simulate measures for the same spec, predicted (with gains: the z-scored PR^phi) */
      ...(driven ? {} : { observables: p.observables }),
      /** the flow's mean-field maximal Lyapunov exponent and its self-check (no gains, Gaussian single site) */
      ...(chaos ? { lyapunov: chaos } : {}),
      ...(chaosMap ? { lyapunov: { method: "euler", dt: lyapunovDt, ...chaosMap } } : {}),
    };
    const arrays = (_k: string, v: unknown) =>
      v === Infinity ? null : ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v;
    await writeFileAtomic(values.json as string, JSON.stringify(doc, arrays, 2) + "\n");
  }
  return 0;
}

/** `strand theory --covariance OUT.npy`: one realised network's covariance (src/cli/covariance.ts). */
async function covarianceOfFlags(
  values: Record<string, string | boolean | undefined>,
  net: NetworkChoice,
  phi: PhiName,
  sigma: number,
  argv: string[],
): Promise<number> {
  const out = values.covariance as string | undefined;
  if (out === undefined)
    throw new UsageError("invalid argument: `--covariance-x` and `--lags` apply with `--covariance OUT.npy` only");
  for (const flag of ["paths", "iterations", "threads", "method", "dt"])
    if (values[flag] !== undefined)
      throw new UsageError(
        `invalid argument: \`--${flag}\` does not apply to \`--covariance\`; got ${describe(values[flag])}`,
      );
  const outX = values["covariance-x"] as string | undefined;
  for (const [flag, file] of [
    ["--covariance", out],
    ["--covariance-x", outX],
  ] as const)
    if (file !== undefined && !file.endsWith(".npy"))
      throw new UsageError(`invalid argument: \`${flag}\` must name a .npy file; got ${describe(file)}`);
  const json = values.json as string | undefined;
  checkOutputs([out, outX, json], values.force as boolean);
  const lags = lagList("--lags", values.lags as string | undefined);
  const be = await createBackend(choice("--backend", values.backend as string | undefined, BACKEND_CHOICES, "auto"));
  const network = await loadNetwork(net);
  const name =
    net.kind === "file"
      ? `${net.file}${net.standIn === "none" ? "" : ` (its ${net.standIn} stand-in)`}`
      : `${net.spec.coupling} network (seed ${net.spec.seed})`;
  return theoryCovariance(network, name, be, { phi, sigma, lags, out, outX, json, argv: ["theory", ...argv] });
}

const f = (v: number | null, d = 5) => formatNumber(v, d);
/** C(tau)/C(0) and Psi(tau, 0)/Psi(0, 0) at tau = 0 … 5 (the theories' lag grids are dt = 0.1 apart) */
const atLags = (v: (t: number) => number) => [0, 1, 2, 3, 4, 5].map((t) => `${t}: ${v(t).toFixed(3)}`).join("  ");

function drivenLines(p: GaussianPrediction, d: DrivenDmft): string[] {
  const lag = (t: number) => Math.round(t / d.params.dt);
  return [
    `theory: g_eff ${p.inputs.g}, phi = ${p.phi}, driven by white noise sigma ${d.sigma} (N -> infinity)`,
    `  C^x(0), C^phi(0)   ${f(d.q)}, ${f(d.cPhi[0])};  <phi'> ${f(d.meanPhiPrime)} (OU alone: C^x(0) = ${f(d.sigma ** 2 / 2)})`,
    `  C^x(tau)/C(0)      ${atLags((t) => d.cX[lag(t)] / d.q)}`,
    `  C^phi(tau)/C(0)    ${atLags((t) => d.cPhi[lag(t)] / d.cPhi[0])}`,
    `  PR^phi             ${f(drivenDimension(d, p.inputs.effectiveRank).prPhi)} (hypothesis: the noise-free ` +
      "four-point formula on the driven single site; checked against driven simulations, docs/VALIDATION.md)",
    "  PR^x               not derived with drive",
  ];
}

function gaussianLines(p: GaussianPrediction): string[] {
  const { effectiveRank, prG } = p.inputs;
  const R = p.theory.results;
  const structure = Number.isFinite(effectiveRank)
    ? `effective rank alpha PR^D ${f(effectiveRank, 4)}`
    : "i.i.d. couplings";
  const iid = Number.isFinite(effectiveRank);
  const head = `theory: g_eff ${p.inputs.g}, phi = ${p.phi}, ${structure}${prG !== undefined ? `, PR^G ${prG}` : ""}`;
  if (R.quiescent) return [head, "  quiescent: g_eff <= 1, x = 0 is stable (no fluctuations)"];
  return [
    head,
    ...(R.gains
      ? [
          `  PR^phi             ${f(R.gains.prPhiNormalized)} (z-scored: what simulate measures with gains; ` +
            `without gains ${f(R.prPhi)})`,
          `  gains              PR^{G phi} ${f(R.gains.prPhiUnnormalized)}, random readout ${f(R.gains.prPhiReadout)}`,
          `  PR^x               not derived with gains (without gains ${f(R.prX)})`,
        ]
      : [
          `  PR^phi             ${f(R.prPhi)}${iid ? ` (i.i.d. ${f(R.prPhiIid)}, K^phi ${f(R.kPhi)})` : ""}`,
          `  PR^x               ${f(R.prX)}${iid ? ` (i.i.d. ${f(R.prXIid)}, K^x ${f(R.kX)})` : ""}`,
        ]),
    `  C^x(0), C^phi(0)   ${f(R.cX0)}, ${f(R.cPhi0)};  <phi'> ${f(R.meanPhiPrime)}, nu ${f(R.nu)}`,
    `  C^phi(tau)/C(0)    ${atLags((t) => R.autocorrelation.cPhi[t * 10] / R.cPhi0)}`,
    `  Psi^phi(tau,0)/(0) ${atLags((t) => R.collective.psiPhiNormalized[t * 10])}`,
    `  Psi^phi(tau,tau)   ${atLags((t) => R.diagonal.psiPhiNormalized[t * 10])} (normalised; the slow diagonal)`,
    `  PC timescales      1/e time of C^phi ${f(R.timescales.cPhi, 4)}, ` +
      `of Psi^phi(tau,0) (leading PCs) ${f(R.timescales.psiPhi, 4)}`,
  ];
}

function samplingLines(p: SamplingPrediction, spec: NetworkSpec, be: Backend, threads: number): string[] {
  let described: string;
  if (spec.coupling === "iid") {
    described =
      `partially symmetric i.i.d. couplings, g ${spec.g}, rho ${spec.symmetry} (sigma = rho g^2 = ` +
      `${formatNumber((spec.symmetry ?? 0) * spec.g ** 2)})`;
  } else {
    const modes = rmmModes(spec);
    const o = spec.overlap;
    const profile =
      o instanceof Float64Array
        ? "measured overlaps"
        : `gamma_rho ${o?.gamma}, beta_rho ${o?.beta ?? 16}, u_flip ${formatNumber(modes.uFlip ?? NaN)}`;
    described =
      `random-mode model with diagonal overlaps, g_eff ${formatNumber(spec.g)}, N ${modes.n}, ` +
      `alpha ${formatNumber(modes.alpha)}, ${profile}`;
  }
  const r = p.theory;
  const R = r.results;
  return [
    `theory (sampling single site): ${described}, phi = ${p.phi}`,
    `  PR^phi             ${f(R.prPhi)} ± ${f(R.prPhiSe, 2)} (sampler standard error)`,
    `  C^x(0), C^phi(0)   ${f(R.cX0)}, ${f(R.cPhi0)};  <phi'> ${f(R.meanPhiPrime)}`,
    `  C^phi(tau)/C(0)    ${atLags((t) => R.autocorrelation.cPhi[t * 10] / R.cPhi0)}`,
    `  Psi^phi(tau,0)/(0) ${atLags((t) => R.collective.psiPhiNormalized[t * 10])}`,
    `  PC timescales      1/e time of C^phi ${f(R.timescales.cPhi, 4)}, ` +
      `of Psi^phi(tau,0) (leading PCs) ${f(R.timescales.psiPhi, 4)}`,
    ...(R.maxModeGain === null
      ? []
      : [
          `  strongest mode     D rho S^phi(0) = ${f(R.maxModeGain, 3)} (1 condenses; the larger, the ` +
            `larger finite-N simulations' excess: +28 % at 0.55, N = 2000)`,
        ]),
    `  sampler            ${r.params.sampler.paths} paths x ${r.params.sampler.iterations} ` +
      `iterations (last ${r.params.sampler.average} averaged), ${be.name}, ${threads} ` +
      `thread${threads > 1 ? "s" : ""}, seed ${r.params.sampler.seed}, ` +
      `${R.sampler.seconds.toFixed(1)} s; ` +
      `batch pseudo-values ${R.sampler.batchPrPhi.map((v) => f(v, 4)).join(" ")}` +
      (R.sampler.converged ? "" : " — WARNING: the batches drift, run more iterations"),
  ];
}
