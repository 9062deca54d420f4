/**
 * One network's covariance on the command line (issue 27): `strand theory … --covariance OUT.npy` (the
 * linear-equivalence prediction for the J the flags give: src/theory/linear-equivalence.ts) and `strand simulate …
 * --compare-covariance` (prediction against a simulation of the same J: src/covariance/compare.ts). Parsing and
 * printing only; the library decides.
 */
import type { Backend, PhiName } from "../backend/types.ts";
import { writeFilesAtomic } from "../io/atomic.ts";
import { writeNpy } from "../io/npy.ts";
import { provenance } from "../provenance.ts";
import type { Network } from "../network/ensembles.ts";
import { networkCovariance, type NetworkCovariance } from "../theory/linear-equivalence.ts";
import { participationRatio, spectrumBrief, type SpectrumBrief } from "../covariance/agreement.ts";
import { compareCovariance, type CompareCovarianceOptions, type CovarianceComparison } from "../covariance/compare.ts";
import { createBackend, type BackendChoice } from "../backend/select.ts";
import { workerExecutor } from "../io/parallel.ts";
import { progressBar } from "./report.ts";
import { renderSvg, svgToPng } from "../io/render.ts";
import { comparisonFigureSpec } from "../covariance/figure.ts";
import { UsageError, formatNumber } from "./args.ts";
import { describe } from "../errors.ts";

/** below this margin the prediction is fragile (LINEAR.md §2: a 0.5 % change in a moves PR by ~20 %) */
export const FRAGILE_MARGIN = 0.03;

/** Seconds a prediction of order m takes here (wasm: ~13 s at m = 1000 for the whole `theory --covariance`, of which
 *  5 s the eigendecomposition, measured; O(m^3)). */
export const decompositionSeconds = (m: number) => 13 * (m / 1000) ** 3;

/** `--lags 1,2.5,5`: lags >= 0, at most 64. */
export function lagList(flag: string, value: string | undefined): number[] {
  if (value === undefined) return [];
  const lags = value.split(",").map((s) => Number(s.trim()));
  if (!lags.length || lags.length > 64 || lags.some((t) => !(Number.isFinite(t) && t >= 0 && t <= 1000)))
    throw new UsageError(
      `invalid argument: \`${flag}\` must be a comma-separated list of up to 64 lags in [0, 1000]; got ${describe(value)}`,
    );
  return lags;
}

/** the order of the eigenproblem a network's prediction solves (dense: N; random-mode: its M modes) */
const orderOf = (network: Network) => (network.coupling.kind === "dense" ? network.coupling.n : network.coupling.m);

/** The estimate printed before a long decomposition. */
export function decompositionNote(network: Network): string | null {
  const s = decompositionSeconds(orderOf(network));
  const about = s < 120 ? `${Math.round(s)} s` : `${(s / 60).toFixed(0)} min`;
  return s > 5 ? `strand: predicting from J's eigendecomposition (order ${orderOf(network)}): about ${about}` : null;
}

/**
 * `strand theory --covariance OUT.npy`: predict, print, write the arrays (and --json) atomically.
 *
 * @returns the exit code
 */
export async function theoryCovariance(
  network: Network,
  name: string,
  be: Backend,
  o: {
    phi: PhiName;
    sigma: number;
    lags: number[];
    out: string;
    outX?: string;
    json?: string;
    argv: string[];
  },
): Promise<number> {
  const note = decompositionNote(network);
  if (note) console.error(note);
  const t0 = performance.now();
  const r = networkCovariance(network, be, { phi: o.phi, sigma: o.sigma, lags: o.lags, withX: true });
  const n = r.params.n;
  const spectrum = spectrumBrief(n, r.results.cPhi, be);
  const seconds = (performance.now() - t0) / 1000;
  const lines = covarianceLines(name, r, spectrum, seconds);
  const stack = (zero: Float64Array, lagged: Float64Array[]) => {
    const out = new Float64Array((1 + lagged.length) * n * n);
    [zero, ...lagged].forEach((c, k) => out.set(c, k * n * n));
    return writeNpy(out, lagged.length ? [1 + lagged.length, n, n] : [n, n]);
  };
  const shape = o.lags.length ? `${1 + o.lags.length} x ${n} x ${n}: lag 0, then ${o.lags.join(", ")}` : `${n} x ${n}`;
  lines.push(`  wrote              ${o.out} (C^phi, ${shape})` + (o.outX ? `, ${o.outX} (C^x, ${shape})` : ""));
  (o.json === "-" ? console.error : console.log)(lines.join("\n"));
  const doc = {
    params: { ...r.params, network: network.spec },
    provenance: provenance(be, { argv: o.argv, seed: network.spec.seed }),
    results: {
      ...scalars(r),
      prPhi: spectrum.pr,
      prX: r.results.cX ? participationRatio(n, r.results.cX) : null,
      eigenvalues: spectrum.eigenvalues,
      seconds,
    },
  };
  await writeFilesAtomic([
    [o.out, stack(r.results.cPhi, r.results.laggedPhi)],
    [o.outX, o.outX ? stack(r.results.cX as Float64Array, r.results.laggedX) : ""],
    [o.json, o.json !== undefined ? JSON.stringify(doc, null, 2) + "\n" : ""],
  ]);
  return 0;
}

/** the prediction's scalars (no matrices) */
function scalars(r: NetworkCovariance) {
  const { cPhi: _p, cX: _x, laggedPhi: _lp, laggedX: _lx, ...rest } = r.results;
  return rest;
}

const f = (v: number | null, d = 4) => formatNumber(v, d);
/** the first five 1/e times, "> window" where they do not fall that far */
const times = (t: (number | null)[], window: number) =>
  t
    .slice(0, 5)
    .map((v) => (v === null ? `> ${window}` : v.toFixed(2)))
    .join(" ");
/** the bulk's 10/50/90 % eigenvalue quantiles */
const bulk = (s: SpectrumBrief) =>
  [s.quantiles.q10, s.quantiles.q50, s.quantiles.q90].map((v) => v.toPrecision(3)).join(" ");
const meanDiagonal = (n: number, C: Float64Array) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += C[i * n + i];
  return s / n;
};

function covarianceLines(name: string, r: NetworkCovariance, s: SpectrumBrief, seconds: number): string[] {
  const R = r.results,
    n = r.params.n;
  const route =
    r.params.kind === "dense"
      ? "dense J: one N x N eigendecomposition"
      : `random-mode J: Woodbury on its ${r.params.modes} modes`;
  return [
    `theory (linear equivalence, LINEAR.md §2 — a hypothesis): ${name}, N = ${n}, ${route}, phi = ${r.params.phi}, ` +
      `sigma ${r.params.sigma}`,
    `  single site        g_eff ${f(R.gEff)} (||J||_F / sqrt(N)), a = <phi'> ${f(R.a)}; DMFT C^phi(0) ${f(R.dmftCPhi0)}, ` +
      `C^x(0) ${f(R.dmftCX0)}`,
    `  stability margin   1 - a max Re lambda(J) = ${f(R.margin)} (max Re lambda ${f(R.maxReLambda)}); eigenvector ` +
      `condition ${R.condition.toPrecision(3)}` +
      (R.perturbation
        ? `; J is nearly defective (condition ${R.perturbation.conditionBefore.toExponential(1)}): decomposed after a ` +
          `${R.perturbation.epsilon} perturbation, two of which agree to ${R.perturbation.difference.toExponential(1)}`
        : "") +
      (R.margin < FRAGILE_MARGIN
        ? ` — FRAGILE: below ${FRAGILE_MARGIN}, one or two slow modes dominate and a 0.5 % change in a moves PR by ~20 %`
        : ""),
    `  C^phi(0)           mean diagonal ${f(meanDiagonal(n, R.cPhi))}, PR^phi/N ${f(s.pr)}, leading eigenvalues ` +
      `${s.top.map((v) => v.toPrecision(4)).join(" ")}; bulk 10/50/90 % ${bulk(s)}`,
    ...(R.cX
      ? [`  C^x(0)             mean diagonal ${f(meanDiagonal(n, R.cX))}, PR^x/N ${f(participationRatio(n, R.cX))}`]
      : []),
    `  time               ${seconds.toFixed(1)} s (${r.params.frequencies} frequencies)`,
  ];
}

/** The summary lines of `simulate --compare-covariance`. */
export function comparisonCovarianceLines(name: string, c: CovarianceComparison): string[] {
  const P = c.prediction,
    S = c.simulation,
    A = c.agreement;
  const row = (label: string, a: (typeof A)["prediction"]) =>
    `  ${label.padEnd(19)}${a.correlation.toFixed(3).padStart(8)}${a.slope.toFixed(3).padStart(8)}` +
    `${a.relativeFrobenius.toPrecision(3).padStart(10)}${a.diagonalCorrelation.toFixed(3).padStart(8)}` +
    `${a.varianceRatio.toFixed(3).padStart(9)}`;
  const spec = (label: string, s: SpectrumBrief) =>
    `  ${label.padEnd(19)}PR/N ${f(s.pr)}; leading ${s.top.map((v) => v.toPrecision(3)).join(" ")}; bulk 10/50/90 % ` +
    bulk(s);
  return [
    `covariance of one network: ${name}, N = ${c.params.n}, phi = ${c.params.phi}, sigma ${c.params.sigma}; ` +
      `simulated ${c.params.trials} trials x ${c.params.duration} (two halves, seeds ${c.params.seeds.join(", ")}) in ` +
      `${S.seconds.toFixed(1)} s; predicted (linear equivalence, ${P.kind}) in ${P.seconds.toFixed(1)} s`,
    `  single site        g_eff ${f(P.gEff)}, a = <phi'> ${f(P.a)}, margin ${f(P.margin)}` +
      (P.margin < FRAGILE_MARGIN ? " — FRAGILE (below 0.03)" : ""),
    `  against the simulation  corr   slope  rel.Frob  diag.r  var.ratio   (off-diagonal entries; all entries; diagonal)`,
    row("prediction", A.prediction),
    row("static control", A.control),
    row("half vs half", A.halves),
    `  noise floor        ${c.noiseFloor.toPrecision(3)} (the relative Frobenius error of an exact prediction: ` +
      "||C_1 - C_2|| / 2 ||C||)",
    spec("spectrum, theory", P.spectrum),
    spec("spectrum, sim.", S.spectrum),
    spec("spectrum, control", c.control.spectrum),
    `  PC timescales      1/e times of the simulation's PCs 1-${Math.min(5, c.pcTimescales.k)}: simulated ` +
      times(c.pcTimescales.simulated, c.pcTimescales.window) +
      `; predicted ${times(c.pcTimescales.predicted, c.pcTimescales.window)} (trial 0; v^T C^phi(tau) v)`,
    `  verdict            ${c.verdict}`,
  ];
}

/** Render the comparison's figure: FIG.svg, FIG.png (the caller writes them with its other outputs). */
export async function comparisonFigure(
  c: CovarianceComparison,
  title: string,
): Promise<{ svg: string; png: Uint8Array }> {
  const svg = await renderSvg(comparisonFigureSpec(c, title));
  return { svg, png: svgToPng(svg) };
}

/**
 * `strand simulate … --compare-covariance`: run compareCovariance with the simulation flags, print, write the JSON,
 * the simulated matrix and the figure together.
 *
 * @returns the exit code
 */
export async function compareCovarianceOfFlags(
  network: Network,
  name: string,
  options: Omit<CompareCovarianceOptions, "backend"> & { backend: BackendChoice; input?: number },
  o: {
    workers: number;
    maxBytes: number;
    maxSeconds: number;
    json?: string;
    saveCovariance?: string;
    figure?: string;
    argv: string[];
  },
): Promise<number> {
  if ((options.trials ?? 8) < 2)
    throw new UsageError(
      `invalid argument: \`--trials\` must be at least 2 with --compare-covariance (two halves); got ${options.trials}`,
    );
  const note = decompositionNote(network);
  if (note) console.error(note);
  const { backend, input: _input, ...rest } = options;
  const be = await createBackend(backend);
  const c = await compareCovariance(network, {
    ...rest,
    backend: be,
    maxBytes: o.maxBytes,
    maxSeconds: o.maxSeconds,
    onProgress: progressBar(),
    ...(o.workers > 1 ? { executor: workerExecutor(o.workers) } : {}),
  });
  const lines = comparisonCovarianceLines(name, c);
  const fig = o.figure ? await comparisonFigure(c, `One network's covariance: ${name}, N = ${c.params.n}`) : null;
  if (o.figure) lines.push(`  figure             ${o.figure}.svg, ${o.figure}.png`);
  (o.json === "-" ? console.error : console.log)(lines.join("\n"));
  const { covariance: _p, ...prediction } = c.prediction;
  const { covariance: _s, ...simulation } = c.simulation;
  const doc = {
    params: { ...c.params, simulation: rest, network: network.spec },
    provenance: provenance(be, { argv: o.argv, seed: network.spec.seed }),
    results: {
      prediction,
      simulation,
      control: { spectrum: c.control.spectrum },
      pcTimescales: c.pcTimescales,
      agreement: c.agreement,
      noiseFloor: c.noiseFloor,
      verdict: c.verdict,
    },
  };
  await writeFilesAtomic([
    [o.saveCovariance, o.saveCovariance ? writeNpy(c.simulation.covariance, [c.params.n, c.params.n]) : ""],
    [o.figure ? `${o.figure}.svg` : undefined, fig?.svg ?? ""],
    [o.figure ? `${o.figure}.png` : undefined, fig?.png ?? ""],
    [o.json, o.json !== undefined ? JSON.stringify(doc, null, 2) + "\n" : ""],
  ]);
  return 0;
}
