/**
 * The principal components' panels (issue 27 part 4): PRX Fig. 9's ranked covariance eigenvalues and PC traces with
 * each PC's autocorrelation time, PRL Fig. 4's PC-timescale densities (g = 3, 5, 10) and the leading PC's timescale
 * against N (g = 10), and one network's covariance predicted by linear equivalence against its simulation. i.i.d.
 * tanh couplings, simulate({ pcSpectrum }) (src/simulate/pc-dynamics.ts: trial 0's PCs).
 */
import { makeNetwork } from "../network/ensembles.ts";
import { simulate, type SimulateOptions } from "../simulate/simulate.ts";
import { theory } from "../theory/index.ts";
import { meanAndSe } from "../stats/estimators.ts";
import { compareCovariance } from "../covariance/compare.ts";
import { comparisonFigureSpec } from "../covariance/figure.ts";
import { NotPredictedError } from "../theory/predict.ts";
import { simulatePoint, sizeOf, type Figure, type Mode } from "./plan.ts";
import { definePoint } from "./points.ts";

/** one network's run with its PC dynamics on the context's backend: a point (parameters and results) */
const pcRunPoint = definePoint(
  "pcRun",
  async (key: { pcRun: { coupling: "iid"; n: number; g: number; seed: number }; options: SimulateOptions }, ctx) => {
    const r = await simulate(makeNetwork(key.pcRun), { ...key.options, backend: ctx.be, executor: ctx.executor });
    return { params: r.params, results: r.results };
  },
);

function pcRun(m: Mode, n: number, g: number, seed: number, extra: SimulateOptions = {}) {
  const options = {
    trials: 4,
    duration: m.full ? 1000 : 400,
    burnIn: 100,
    sampleEvery: 0.5,
    lags: 20,
    pcSpectrum: true,
    seed,
    ...extra,
  };
  return pcRunPoint(m, { pcRun: { coupling: "iid", n, g, seed }, options });
}

export async function prxFig9Pcs(m: Mode): Promise<Figure> {
  const g = 6,
    n = sizeOf(m, 500, 2000);
  const r = await pcRun(m, n, g, 1);
  const R = r.results;
  const ev = R.pcSpectrum!.eigenvalues;
  const ranked = ev.map((v, i) => ({ rank: i + 1, eigenvalue: v, fraction: R.pcSpectrum!.varianceFraction[i] }));
  const tau = R.pcTimescales!.tau;
  const timescales = tau.flatMap((t, i) => (t === null ? [] : [{ rank: i + 1, tau: t }]));
  const traces = R.pcTimescales!.traces.flatMap((trace, k) =>
    trace.map((v, t) => ({
      t: t * r.params.sampleEvery,
      value: v,
      pc: `PC ${k + 1} (τ ${tau[k]?.toFixed(1) ?? "> window"})`,
    })),
  );
  const th = theory(g).results;
  const pr = R.prPhi;
  return {
    name: "prx-fig9-pcs",
    title: "PRX Fig. 9: ranked covariance eigenvalues, PC traces and PC timescales",
    summary:
      `i.i.d. tanh g = ${g}, N = ${n}: PR^φ/N ${pr?.toFixed(4)} (theory ${th.prPhi?.toFixed(4)}); the leading PC's 1/e ` +
      `time ${tau[0]?.toFixed(2) ?? `> ${R.pcTimescales!.window}`} against the median PC's ` +
      `${median(tau)?.toFixed(2)} (theory: C^φ ${th.timescales.cPhi?.toFixed(2)}, ` +
      `Ψ^φ(τ,0) ${th.timescales.psiPhi?.toFixed(2)})`,
    data: {
      n,
      g,
      run: r.params,
      ranked,
      timescales,
      traces,
      prPhi: pr,
      theory: { prPhi: th.prPhi, timescales: th.timescales },
    },
    spec: {
      title: {
        text: `PCs of an i.i.d. tanh network, g = ${g}, N = ${n} (PRX Fig. 9)`,
        subtitle: `${r.params.trials} trials × ${r.params.duration} time units; traces and timescales from trial 0`,
      },
      background: "white",
      hconcat: [
        {
          width: 260,
          height: 240,
          title: "ranked eigenvalues of C^φ(0)",
          data: { values: ranked },
          mark: { type: "line", point: false },
          encoding: {
            x: { field: "rank", type: "quantitative", scale: { type: "log" }, title: "rank k" },
            y: { field: "eigenvalue", type: "quantitative", scale: { type: "log" }, title: "λ_k" },
          },
        },
        {
          width: 300,
          height: 240,
          title: "leading PCs p_k(t) (trial 0)",
          data: { values: traces },
          mark: { type: "line", strokeWidth: 1 },
          encoding: {
            x: { field: "t", type: "quantitative", title: "t (time constants)" },
            y: { field: "value", type: "quantitative", title: "p_k(t)" },
            color: { field: "pc", type: "nominal", title: null, legend: { orient: "bottom", columns: 1 } },
          },
        },
        {
          width: 260,
          height: 240,
          title: "each PC's autocorrelation time",
          data: { values: timescales },
          mark: { type: "point", filled: true, size: 12, opacity: 0.6 },
          encoding: {
            x: { field: "rank", type: "quantitative", scale: { type: "log" }, title: "rank k" },
            y: {
              field: "tau",
              type: "quantitative",
              scale: { type: "log" },
              title: "1/e time of p_k (time constants)",
            },
          },
        },
      ],
    },
  };
}

const median = (t: (number | null)[]) => {
  const v = t.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : null;
};

export async function prlFig4(m: Mode): Promise<Figure> {
  const n = sizeOf(m, 500, 2500);
  const gs = [3, 5, 10];
  const density: Record<string, unknown>[] = [];
  const medians: Record<string, number | null> = {};
  // the leading PC's timescale against N (g = 10): the mean over networks
  const sizes = m.n
    ? [Math.round(m.n / 4), Math.round(m.n / 2), m.n]
    : m.full
      ? [500, 1000, 2000, 4000] // the PC spectrum's limit is N = 4096 (PC_SPECTRUM_N_MAX)
      : [125, 250, 500];
  const networks = Math.max(m.full ? 4 : 6, m.networks);
  // every run asked for at once (computed in this order here, side by side on a queue's workers)
  const [densityRuns, leadingRuns] = await Promise.all([
    Promise.all(gs.map((g) => pcRun(m, n, g, 1))),
    Promise.all(
      sizes.map((size) =>
        Promise.all(Array.from({ length: networks }, (_, k) => pcRun(m, size, 10, k + 1, { trials: 2 }))),
      ),
    ),
  ]);
  gs.forEach((g, i) => {
    // a network that settles (small N) has no PC dynamics: no density for it
    const t = (densityRuns[i].results.pcTimescales?.tau ?? []).filter((x): x is number => x !== null);
    medians[`g${g}`] = median(t);
    for (const v of t) density.push({ g: `g = ${g}`, logTau: Math.log10(v) });
  });
  const leading: Record<string, unknown>[] = [];
  sizes.forEach((size, i) => {
    // left out: a network that settles, or whose leading PC does not decay within the window
    const values = leadingRuns[i].flatMap((r) => {
      const t0 = r.results.pcTimescales?.tau[0] ?? null;
      return t0 === null ? [] : [t0];
    });
    if (!values.length) return;
    const { mean, se } = meanAndSe(values);
    leading.push({ n: size, tau: mean, lo: mean - (se ?? 0), hi: mean + (se ?? 0), networks: values.length });
  });
  return {
    name: "prl-fig4",
    title: "PRL Fig. 4: PC timescales — their distribution, and the leading PC's growth with N",
    summary:
      `i.i.d. tanh, N = ${n}: median PC 1/e times ${gs.map((g) => `${medians[`g${g}`]?.toFixed(2)} (g = ${g})`).join(", ")}; ` +
      `leading PC at g = 10: ${leading.map((l) => `${(l.tau as number).toFixed(1)} (N = ${l.n})`).join(", ")}`,
    data: { n, density, medians, leading, networks },
    spec: {
      title: {
        text: "PC timescales of i.i.d. tanh networks (PRL Fig. 4)",
        subtitle: `densities at N = ${n}; the leading PC's timescale at g = 10 (mean ± se over ${networks} networks)`,
      },
      background: "white",
      hconcat: [
        {
          width: 300,
          height: 240,
          title: "density of PC timescales",
          data: { values: density },
          transform: [{ density: "logTau", groupby: ["g"], bandwidth: 0.05 }],
          mark: { type: "line" },
          encoding: {
            x: { field: "value", type: "quantitative", title: "log10 of a PC's 1/e time" },
            y: { field: "density", type: "quantitative", title: "density" },
            color: { field: "g", type: "nominal", title: null, sort: gs.map((g) => `g = ${g}`) },
          },
        },
        {
          width: 260,
          height: 240,
          title: "leading PC's timescale vs N (g = 10)",
          data: { values: leading },
          // in the g = 10 colour of the shared legend
          transform: [{ calculate: "'g = 10'", as: "g" }],
          layer: [
            {
              mark: { type: "line", point: true },
              encoding: {
                x: { field: "n", type: "quantitative", scale: { type: "log" }, title: "N" },
                y: { field: "tau", type: "quantitative", title: "1/e time of PC 1" },
                color: { field: "g", type: "nominal", title: null, sort: gs.map((g) => `g = ${g}`) },
              },
            },
            {
              mark: { type: "rule" },
              encoding: {
                x: { field: "n", type: "quantitative" },
                y: { field: "lo", type: "quantitative" },
                y2: { field: "hi" },
                color: { field: "g", type: "nominal", title: null, sort: gs.map((g) => `g = ${g}`) },
              },
            },
          ],
        },
      ],
    },
  };
}

export async function covarianceFigure(m: Mode): Promise<Figure> {
  const n = sizeOf(m, 300, 1000);
  const sigma = Math.SQRT2;
  // the first network (seeds 1 ...) whose equivalent linear network is stable: at small N an outlier of J can
  // push the margin 1 - a max Re lambda(J) below 0 (the prediction is then refused, before any simulation)
  const skipped: number[] = [];
  let c: Awaited<ReturnType<typeof compareCovariance>> | null = null;
  for (let seed = 1; !c; seed++) {
    try {
      c = await compareCovariance(makeNetwork({ coupling: "iid", n, g: 2, seed }), {
        sigma,
        seed,
        trials: 8,
        duration: m.full ? 1500 : 500,
        burnIn: 100,
        sampleEvery: 0.5,
        dtype: "float64",
        backend: m.be,
        executor: m.executor,
      });
    } catch (e) {
      if (!(e instanceof NotPredictedError) || seed >= 10) throw e;
      skipped.push(seed);
    }
  }
  const A = c.agreement;
  return {
    name: "covariance",
    title: "One network's covariance: linear equivalence against simulation",
    summary:
      `driven i.i.d. tanh, g = 2, σ² = 2, N = ${n}: relative Frobenius error ${A.prediction.relativeFrobenius.toFixed(3)} ` +
      `(${(A.prediction.relativeFrobenius / c.noiseFloor).toFixed(2)}× the simulation's own ${c.noiseFloor.toFixed(3)}), ` +
      `static control ${A.control.relativeFrobenius.toFixed(3)}; off-diagonal r ${A.prediction.correlation.toFixed(3)}`,
    data: {
      n,
      params: c.params,
      seed: c.params.seeds[0],
      skippedSeeds: skipped,
      agreement: A,
      noiseFloor: c.noiseFloor,
      verdict: c.verdict,
      prediction: { margin: c.prediction.margin, a: c.prediction.a, spectrum: c.prediction.spectrum },
      simulation: { spectrum: c.simulation.spectrum },
    },
    spec: {
      background: "white",
      ...comparisonFigureSpec(
        c,
        `One network's covariance: driven i.i.d. tanh, g = 2, N = ${n}, seed ${c.params.seeds[0]}`,
      ),
    },
  };
}

export async function prxFig10Ranked(m: Mode): Promise<Figure> {
  const g = 6,
    n = Math.min(sizeOf(m, 1000, 4000), 4096);
  const prDs = [0.05, 0.2, 0.7];
  const rows: Record<string, unknown>[] = [];
  const prs: Record<string, number | null> = {};
  const options = {
    phi: "erf" as const,
    trials: 4,
    duration: m.full ? 1500 : 400,
    burnIn: 100,
    pcSpectrum: true,
    seed: 1,
  };
  // every run asked for at once (computed in this order here, side by side on a queue's workers)
  const runs = await Promise.all(
    prDs.map((prD) =>
      simulatePoint(m, {
        simulate: { coupling: "rmm", n, g, alpha: 1, spectrum: "step", prD, seed: 1 },
        options,
      }),
    ),
  );
  for (const [k, prD] of prDs.entries()) {
    const r = runs[k];
    const f = r.results.pcSpectrum!.varianceFraction;
    prs[`${prD}`] = r.results.prPhi;
    // every rank up to 20, then a log-spaced subset (the figure's points); a sampled covariance has rank below its
    // sample count, so ranks beyond it are rounding, not eigenvalues: left out
    const rankMax = Math.min(n, r.results.samples - r.params.trials);
    f.forEach((v, i) => {
      if (v > 0 && i < rankMax && (i < 20 || Math.abs(Math.log2(i + 1) * 8 - Math.round(Math.log2(i + 1) * 8)) < 0.1))
        rows.push({ rank: i + 1, fraction: v, prD: `PR^D = ${prD}` });
    });
  }
  return {
    name: "prx-fig10-ranked",
    title: "PRX Fig. 10: ranked covariance eigenvalues at low effective rank",
    summary:
      `random-mode model, g_eff = ${g}, erf, step spectrum, N = ${n}: the share of variance of each PC, ranked, at ` +
      `PR^D = ${prDs.join(", ")} (PR^φ/N ${prDs.map((p) => prs[`${p}`]?.toFixed(3)).join(", ")})`,
    data: { n, g, rows, prPhi: prs },
    spec: {
      title: {
        text: `Ranked eigenvalues of C^φ(0), random-mode model, g_eff = ${g} (PRX Fig. 10)`,
        subtitle:
          `N = ${n}, erf, α = 1, step spectrum, 4 trials × ${m.full ? 1500 : 400} time units; a lower PR^D ` +
          "concentrates the variance in fewer PCs",
      },
      width: 420,
      height: 300,
      background: "white",
      data: { values: rows },
      mark: { type: "line", point: { size: 12 } },
      encoding: {
        x: { field: "rank", type: "quantitative", scale: { type: "log" }, title: "rank k" },
        y: { field: "fraction", type: "quantitative", scale: { type: "log" }, title: "λ_k / Σ λ (share of variance)" },
        color: { field: "prD", type: "nominal", title: null },
      },
    },
  };
}
