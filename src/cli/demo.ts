/**
 * `strand demo`: the README's first command — one random-mode network, simulated and predicted, explained in
 * a few lines, with one figure (C^phi(tau) and Psi^phi(tau, 0): theory lines, simulated points).
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { checkOutputs, prepareOutputDir, writeFilesAtomic } from "../io/atomic.ts";
import { renderSvg, svgToPng } from "../io/render.ts";
import { createBackend } from "../backend/select.ts";
import { comparePrediction } from "../compare.ts";
import { workerExecutor } from "../io/parallel.ts";
import { makeNetwork, type NetworkSpec } from "../network/ensembles.ts";
import { simulate } from "../simulate/simulate.ts";
import { valueAt } from "../stats/timescales.ts";
import { UsageError } from "./args.ts";
import { comparisonLines, predictFor, progressBar, simulationLines } from "./report.ts";

export const DEMO_HELP = `strand demo — one network, simulated and predicted, in about half a minute

Usage: strand demo [--out DIR] [--force]

Simulates a random-mode network (N = 1000, g_eff = 6, effective rank alpha PR^D = 1, phi = erf; RK4 on
all cores, 8 trials x 200 time units), computes the mean-field theory for the same parameters, prints both
side by side and writes DIR/demo.json, DIR/demo.svg and DIR/demo.png        (default DIR: strand-demo);
--force overwrites them if they exist (otherwise the run is refused before it starts).`;

export async function demoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(DEMO_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand demo takes no positional arguments; got ${JSON.stringify(positionals)}`);
  const dir = values.out ?? "strand-demo";
  prepareOutputDir(dir);
  const json = path.join(dir, "demo.json");
  // a second run refuses to overwrite the first one's files unless --force; checked before the half minute of work
  checkOutputs([json, path.join(dir, "demo.svg"), path.join(dir, "demo.png")], values.force);
  const p = { n: 1000, g: 6, effectiveRank: 1, phi: "erf" as const };
  console.log(`strand demo: a recurrent network dx/dt = -x + J phi(x) of N = ${p.n} neurons whose coupling matrix J has
random input and output modes with a decaying spectrum (the random-mode model, PRX 2025): coupling strength
g_eff = ${p.g} (chaotic), effective rank alpha PR^D = ${p.effectiveRank}, phi = erf. How many dimensions does its activity
fill? strand simulates it and computes the N -> infinity theory (DMFT) for the same parameters.
`);
  // the library's path: draw, simulate (all cores), predict, compare; this command only prints and draws
  const spec: NetworkSpec = { coupling: "rmm", n: p.n, g: p.g, effectiveRank: p.effectiveRank, seed: 1 };
  const network = makeNetwork(spec);
  const workers = os.availableParallelism?.() ?? os.cpus().length;
  const sim = await simulate(network, {
    phi: p.phi,
    duration: 200,
    burnIn: 100,
    trials: 8,
    blocks: 8,
    lags: 20,
    seed: spec.seed,
    onProgress: progressBar(),
    executor: workers > 1 ? workerExecutor(workers) : undefined,
  });
  const { prediction } = await predictFor(network.spec, {
    phi: p.phi,
    backend: await createBackend(),
    threads: 1,
    summary: network.summary,
  });
  if (!prediction || prediction.method !== "gaussian")
    throw new Error("internal: the demo's network has no Gaussian prediction");
  const comparison = comparePrediction(sim.results, prediction);
  console.log(
    [
      ...simulationLines("rmm network", network, sim, workers > 1 ? `${workers} workers` : "1 thread"),
      ...comparisonLines(prediction, comparison),
    ].join("\n"),
  );
  const jsonText =
    JSON.stringify(
      {
        params: { ...sim.params, network: spec },
        provenance: sim.provenance,
        results: sim.results,
        theory: comparison,
      },
      null,
      2,
    ) + "\n";
  const th = prediction.theory.results;
  const R = sim.results;
  const rows: Record<string, unknown>[] = [];
  const percentOfN = R.prPhi === null ? `(no estimate: ${R.status.prPhi})` : (100 * R.prPhi).toFixed(1);
  // the estimate ± its error, or why there is none (never a bare or negative number)
  const simPr =
    R.prPhi === null || R.prPhiError === null ? R.status.prPhi : `${R.prPhi.toFixed(4)} ± ${R.prPhiError.toFixed(4)}`;
  for (const [k, t] of (R.autocorrelation.tau as number[]).entries()) {
    rows.push({
      panel: "single neurons: C^φ(τ) / C^φ(0)",
      tau: t,
      value: R.autocorrelation.cPhi[k] / R.cPhi0,
      source: `simulation, N = ${p.n}`,
    });
    rows.push({
      panel: "collective: Ψ^φ(τ, 0) / Ψ^φ(0, 0)",
      tau: t,
      value: R.collective.psiPhiNormalized[k],
      source: `simulation, N = ${p.n}`,
    });
  }
  for (let k = 0; k <= 200; k++) {
    const t = k / 10;
    rows.push({
      panel: "single neurons: C^φ(τ) / C^φ(0)",
      tau: t,
      value: valueAt(th.autocorrelation.tau, th.autocorrelation.cPhi, t) / th.cPhi0,
      source: "theory (N → ∞)",
    });
    rows.push({
      panel: "collective: Ψ^φ(τ, 0) / Ψ^φ(0, 0)",
      tau: t,
      value: valueAt(th.collective.tau, th.collective.psiPhiNormalized, t),
      source: "theory (N → ∞)",
    });
  }
  const enc = {
    x: { field: "tau", type: "quantitative", title: "τ (units of the neuron time constant)" },
    y: { field: "value", type: "quantitative", title: null },
    color: { field: "source", type: "nominal", title: null },
  };
  const figure = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Random-mode network: g_eff = ${p.g}, αPR^D = ${p.effectiveRank}, φ = erf`,
      subtitle: [
        `dimension PR^φ: simulation ${simPr}, theory ${th.prPhi!.toFixed(4)}`,
        "the leading modes (right) stay correlated longer than single neurons (left)",
      ],
    },
    data: { values: rows },
    background: "white",
    config: { legend: { labelLimit: 400, orient: "bottom" } },
    facet: { column: { field: "panel", type: "nominal", title: null, sort: "descending" } },
    spec: {
      width: 300,
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.source == 'theory (N → ∞)'" }],
          mark: { type: "line", strokeWidth: 2 },
          encoding: enc,
        },
        {
          transform: [{ filter: "datum.source != 'theory (N → ∞)'" }],
          mark: { type: "point", filled: true, size: 40 },
          encoding: enc,
        },
      ],
    },
  };
  const svg = await renderSvg(figure);
  // the three outputs together: none, or all of them
  await writeFilesAtomic([
    [json, jsonText],
    [path.join(dir, "demo.svg"), svg],
    [path.join(dir, "demo.png"), svgToPng(svg)],
  ]);
  console.log(`
What the numbers say: PR^phi is the participation-ratio dimension of the activity, as a fraction of N (1 =
every direction equally active). Here ~${percentOfN} % of N: high-dimensional but far below N, and lower
than i.i.d. couplings would give (${(100 * th.prPhiIid!).toFixed(1)} %) because the modes of J have a decaying spectrum. The
theory predicts it from two numbers, g_eff and alpha PR^D, without N.

Wrote ${json}, ${path.join(dir, "demo.svg")}, ${path.join(dir, "demo.png")}. Next: npx strand --help, npx strand serve.`);
  return 0;
}
