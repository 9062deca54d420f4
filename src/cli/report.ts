/**
 * What `strand simulate` and `strand demo` print about a run: the summary of a simulation, and the table of the
 * simulation beside the prediction (src/compare.ts computes it; this module only formats). predictFor() runs the
 * library's predict() for a spec (simulate, demo, theory) with worker threads for the sampling single site and turns
 * "no theory for this spec" into a note to print.
 */
import type { Backend, PhiName } from "../backend/types.ts";
import type { ComparisonRow } from "../compare.ts";
import { samplerPool } from "../io/sampler-pool.ts";
import type { EnsembleSummary, Network, NetworkSpec } from "../network/ensembles.ts";
import type { SimulationResult } from "../simulate/simulate.ts";
import { NotPredictedError, predict, predictionMethod, type Prediction } from "../theory/predict.ts";
import { formatNumber } from "./args.ts";
import { drivenDimension, solveDrivenDmft } from "../theory/driven.ts";

const f = (v: number | null, d = 4) => formatNumber(v, d);

/** A PR line: the estimate ± its error when it means something, else the reason (never a negative dimension). */
function prLine(name: string, pr: number | null, se: number | null, plugin: number | null, status: string): string {
  const label = `  ${name}`.padEnd(21);
  if (status === "ok") return `${label}${f(pr)} ± ${f(se, 2)} (cross-block; plug-in ${f(plugin)})`;
  const shown = pr !== null && pr > 0 && se !== null && se >= 0 ? ` (estimate ${f(pr)} ± ${f(se, 2)})` : "";
  return `${label}${status}${shown}`;
}

/** The summary lines of one simulation. */
export function simulationLines(name: string, network: Network, r: SimulationResult, threads: string): string[] {
  const R = r.results,
    P = r.params,
    s = network.summary;
  const gEff = Number.isFinite(s.g) ? `, g_eff ${f(s.g)}` : "";
  const rank =
    Number.isFinite(s.effectiveRank) && network.coupling.kind === "lowrank"
      ? `, effective rank ${f(s.effectiveRank)}`
      : "";
  const atLags = (tau: number[], v: (k: number) => number) =>
    tau
      .slice(0, 6)
      .map((t, k) => `${t}: ${v(k).toFixed(3)}`)
      .join("  ");
  return [
    `${name}: N = ${s.n}, ${P.coupling}${gEff}${rank}, phi = ${P.phi}`,
    `  run                ${P.method}, dt ${P.dt}, ${P.trials} trials x ` +
      `${P.duration} time units after ${P.burnIn} burn-in` +
      (P.start === "branch" ? ` (shared; branched, kick ${P.branchKick}, settle ${P.branchSettle})` : "") +
      `, ${R.samples} samples, ` +
      `${P.dtype}, ${P.backend}, ${threads}, ${R.seconds.toFixed(1)} s`,
    ...(R.quiescent
      ? ["  state              quiescent: the network decayed to a fixed point (no fluctuations to measure)"]
      : R.dynamics !== "fluctuating"
        ? [`  state              ${R.dynamics}: ${R.status.prPhi.replace(/^unreliable: /, "")}`]
        : [
            prLine("PR^phi", R.prPhi, R.prPhiError, R.prPhiPlugin, R.status.prPhi),
            prLine("PR^x", R.prX, R.prXError, R.prXPlugin, R.status.prX),
            ...(R.gains
              ? [
                  `  gains              PR^{G phi} ${f(R.gains.prPhiUnnormalized)}, z-scored ` +
                    `${f(R.gains.prPhiNormalized)}, random readout ${f(R.gains.prPhiReadout)}`,
                ]
              : []),
            `  C^x(0), C^phi(0)   ${f(R.cX0)}, ${f(R.cPhi0)}`,
            `  C^phi(tau)/C(0)    ${atLags(R.autocorrelation.tau, (k) => R.autocorrelation.cPhi[k] / R.cPhi0)}`,
            `  Psi^phi(tau,0)/(0) ${atLags(R.collective.tau, (k) => R.collective.psiPhiNormalized[k])}`,
            ...(R.nonStationary
              ? [
                  `  warning            block variances differ by ${R.blockVarianceRatio.toFixed(1)}x: ` +
                    `not stationary (lengthen --burn-in)`,
                ]
              : []),
          ]),
  ];
}

/**
 * The prediction for a spec (a drawn network's: pass its summary), the sampling single site on `threads` worker
 * threads, or the reason there is none (NotPredictedError's message).
 */
export async function predictFor(
  spec: NetworkSpec,
  o: {
    phi: PhiName;
    backend: Backend;
    threads: number;
    summary?: EnsembleSummary;
    paths?: number;
    iterations?: number;
  },
): Promise<{ prediction: Prediction | null; note: string }> {
  const sampling = Number.isFinite(spec.g) && predictionMethod(spec) === "sampling";
  const pool = o.threads > 1 && sampling ? await samplerPool(o.threads, o.backend.name) : null;
  try {
    const prediction = await predict(spec, {
      phi: o.phi,
      backend: o.backend,
      summary: o.summary,
      sampler: { seed: spec.seed, paths: o.paths, iterations: o.iterations, executor: pool?.executor },
    });
    return { prediction, note: "" };
  } catch (e) {
    if (e instanceof NotPredictedError) return { prediction: null, note: e.message };
    throw e;
  } finally {
    await pool?.close();
  }
}

/** The table of simulation beside prediction, with a line on what the prediction is. */
export function comparisonLines(p: Prediction, comparison: Record<string, ComparisonRow>): string[] {
  // an estimate with an unreliable status comes without a value (src/compare.ts): say so, not "-"
  const sim = (v: ComparisonRow) =>
    v.simulation === null ? "unreliable (above)" : `${f(v.simulation)}${v.error ? ` ± ${f(v.error, 2)}` : ""}`;
  const o = p.observables;
  const lines: string[] = [];
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
  lines.push("  theory (N -> inf)  quantity   simulation          theory     difference");
  for (const [k, v] of Object.entries(comparison)) {
    const inSe = v.z !== null ? ` = ${v.z.toFixed(1)} se` : "";
    lines.push(
      `                     ${k.padEnd(9)}  ${sim(v)}`.padEnd(52) +
        `${f(v.theory)}`.padEnd(11) +
        (v.relative !== null ? `${(100 * v.relative).toFixed(1)} %${inSe}` : "-"),
    );
  }
  return lines;
}

/** A one-line progress bar on stderr when it is a terminal (for simulate's onProgress). */
export function progressBar() {
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

/**
 * `simulate --theory --sigma`: the noise-driven DMFT (src/theory/driven.ts) beside a driven simulation — C^x(0) and
 * C^phi(0), the single-site quantities it predicts — for the Gaussian single site without gains (i.i.d., the
 * random-mode model through g_eff), and PR^phi under the driven-dimension hypothesis (src/theory/driven.ts).
 */
export function drivenComparison(
  network: Network,
  phi: PhiName,
  sigma: number,
  R: SimulationResult["results"],
): { lines: string[]; rows: Record<string, ComparisonRow> | null } {
  const { spec } = network;
  if (
    (spec.coupling !== "iid" && spec.coupling !== "rmm") ||
    !Number.isFinite(network.summary.g) ||
    network.gains ||
    network.summary.symmetry ||
    network.rho
  )
    return {
      lines: [
        "  theory             not available: the driven DMFT here is the Gaussian single site (i.i.d. or random-mode " +
          "couplings without gains, symmetry or overlaps; a connectome through its stand-in)",
      ],
      rows: null,
    };
  const th = solveDrivenDmft(network.summary.g, phi, sigma);
  const effectiveRank = spec.coupling === "rmm" ? network.summary.effectiveRank : Infinity;
  const prPhi = drivenDimension(th, effectiveRank).prPhi;
  // the equal-time variances carry no error bar: their relative difference only; PR^phi with its jackknife error
  const row = (simulation: number | null, theory: number, error: number | null = null): ComparisonRow => ({
    simulation,
    error,
    theory,
    relative: simulation === null ? null : simulation / theory - 1,
    z: simulation === null || !error ? null : (simulation - theory) / error,
  });
  const rows = {
    cX0: row(R.cX0, th.q),
    cPhi0: row(R.cPhi0, th.cPhi[0]),
    prPhi: row(R.prPhi, prPhi, R.prPhiError),
  };
  const pct = (r: ComparisonRow) => (r.relative === null ? "-" : `${(100 * r.relative).toFixed(1)} %`);
  return {
    lines: [
      `  theory (driven)    sigma ${sigma}, g_eff ${network.summary.g}: C^x(0) ${formatNumber(th.q)} (simulated ` +
        `${pct(rows.cX0)}), C^phi(0) ${formatNumber(th.cPhi[0])} (${pct(rows.cPhi0)})`,
      `                     PR^phi ${formatNumber(prPhi)} (simulated ${pct(rows.prPhi)}` +
        `${rows.prPhi.z === null ? "" : `, ${rows.prPhi.z.toFixed(1)} se`}; hypothesis: the noise-free four-point ` +
        "formula on the driven single site); PR^x not derived with drive",
    ],
    rows,
  };
}
