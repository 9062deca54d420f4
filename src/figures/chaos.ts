/**
 * Stability and chaos (issue 26, CHAOS.md §5): lambda_max against g (the mean-field line, simulated networks with
 * error bars over networks), the three dimensions of chaos against g (D_KY/N from the Lyapunov spectrum, PR^x/N and
 * PR^phi/N from simulations, the theory's PR lines), and spectra against i/N at two or three N (the size collapse).
 * i.i.d. tanh couplings, RK4 flow. The Lyapunov runs use the run's team of threads (PointContext.team: both cores).
 */
import { makeNetwork } from "../network/ensembles.ts";
import { lyapunov } from "../chaos/lyapunov.ts";
import { maximalExponent } from "../theory/lyapunov.ts";
import { theory } from "../theory/index.ts";
import { meanAndSe } from "../stats/estimators.ts";
import { definePoint } from "./points.ts";
import { sizeOf, finiteSize, fitRun, simulatePoints, type Figure, type Mode } from "./plan.ts";

/** one Lyapunov run's results (RK4 flow, float64, on the context's team of threads when its backend is wasm): a
 *  point */
const lyapunovPoint = definePoint(
  "lyapunov",
  async (
    key: {
      lyapunov: { coupling: "iid"; n: number; g: number; seed: number };
      k: number;
      duration: number;
      seed: number;
    },
    ctx,
  ) => {
    const { lyapunov: spec, ...options } = key;
    const team = await ctx.team();
    return (await lyapunov(makeNetwork(spec), { backend: ctx.be, ...(team ? { team } : {}), ...options })).results;
  },
);

const gAxis = {
  field: "g",
  type: "quantitative",
  title: "g (coupling strength)",
  scale: { type: "log", domain: [0.45, 11] },
};

export async function chaosLambda(m: Mode): Promise<Figure> {
  const n = sizeOf(m, 300, 1000);
  const networks = Math.max(3, m.networks);
  const duration = m.full ? 400 : 200;
  const gLine = [0.5, 0.8, 1.02, 1.05, 1.1, 1.2, 1.35, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const theoryRows = gLine.map((g) => ({ g, lambda: maximalExponent(g).lambdaMax }));
  const simG = [1.5, 2, 3, 5, 8];
  // every run asked for at once (computed in this order here, side by side on a queue's workers)
  const runs = await Promise.all(
    simG.map((g) =>
      Promise.all(
        Array.from({ length: networks }, (_, i) =>
          lyapunovPoint(m, { lyapunov: { coupling: "iid", n, g, seed: i + 1 }, k: 1, duration, seed: i + 1 }),
        ),
      ),
    ),
  );
  const simRows = simG.map((g, j) => {
    const values = runs[j].map((r) => r.lambdaMax);
    const { mean, se } = meanAndSe(values);
    const th = maximalExponent(g).lambdaMax;
    return {
      g,
      lambda: mean,
      lo: mean - se!,
      hi: mean + se!,
      theory: th,
      difference: mean / th - 1,
      z: (mean - th) / se!,
      values,
    };
  });
  const y = { field: "lambda", type: "quantitative", title: "λ_max (per neuron time constant)" };
  return {
    name: "chaos-lambda",
    title: "Maximal Lyapunov exponent vs g (i.i.d., tanh)",
    summary:
      `λ_max vs g: mean-field line (CHAOS.md §4), simulations N = ${n} (${networks} networks per g, mean ± se); ` +
      `finite N lowers λ_max by ~50/N (docs/VALIDATION.md)`,
    data: {
      theory: theoryRows,
      simulation: simRows,
      n,
      networks,
      duration,
      finiteSize: finiteSize(
        n,
        simRows.map((r) => r.difference),
        "finite N lowers lambda_max by ~50/N at g = 3 (test/chaos/theory-vs-simulation.test.ts: 0.82 of the mean " +
          "field at N = 250, 0.85-0.90 at 500, 0.95 at 1000), more near onset",
        { networks, z: simRows.map((r) => r.z) },
      ),
    },
    spec: {
      title: {
        text: "Maximal Lyapunov exponent vs coupling strength (i.i.d. tanh, RK4 flow)",
        subtitle: `line: mean field; points: N = ${n}, ${networks} networks, mean ± se; dashed: λ = 0`,
      },
      width: 460,
      height: 320,
      background: "white",
      layer: [
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: "rule", strokeDash: [4, 4] },
          encoding: { y: { field: "zero", type: "quantitative" } },
        },
        { data: { values: theoryRows }, mark: { type: "line", strokeWidth: 2 }, encoding: { x: gAxis, y } },
        {
          data: { values: simRows },
          mark: "rule",
          encoding: { x: gAxis, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
        },
        {
          data: { values: simRows },
          mark: { type: "point", filled: true, size: 60, color: "#d62728" },
          encoding: { x: gAxis, y },
        },
      ],
    },
  };
}

export async function chaosDimensions(m: Mode): Promise<Figure> {
  const n = sizeOf(m, 200, 1000);
  const gs = [2, 3, 5, 8];
  const duration = m.full ? 300 : 150;
  const k = Math.ceil(n / 4);
  // every run asked for at once (computed in this order here, side by side on a queue's workers)
  const [spectra, sims] = await Promise.all([
    Promise.all(
      gs.map((g) => lyapunovPoint(m, { lyapunov: { coupling: "iid", n, g, seed: 1 }, k, duration, seed: 1 })),
    ),
    simulatePoints(
      m,
      gs.map((g) => ({ spec: { coupling: "iid", n, g, seed: 1 }, phi: "tanh", seed: 1 })),
      fitRun(m, n),
    ),
  ]);
  const ky = gs.map((g, i) => ({
    g,
    which: "D_KY/N",
    value: spectra[i].kaplanYorkeFraction,
    status: spectra[i].kaplanYorkeStatus,
  }));
  const simRows = [
    ...ky,
    ...gs.flatMap((g, i) => [
      {
        g,
        which: "PR^x/N",
        value: sims[i].prX,
        lo: sims[i].prX! - sims[i].prXError!,
        hi: sims[i].prX! + sims[i].prXError!,
      },
      {
        g,
        which: "PR^φ/N",
        value: sims[i].prPhi,
        lo: sims[i].prPhi! - sims[i].prPhiError!,
        hi: sims[i].prPhi! + sims[i].prPhiError!,
      },
    ]),
  ];
  const gLine = [1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const theoryRows = gLine.flatMap((g) => {
    const r = theory(g, { backend: m.be }).results;
    return [
      { g, which: "PR^x/N", value: r.prXIid },
      { g, which: "PR^φ/N", value: r.prPhiIid },
    ];
  });
  const y = { field: "value", type: "quantitative", title: "dimension / N" };
  const color = { field: "which", type: "nominal", title: null };
  return {
    name: "chaos-dimensions",
    title: "The three dimensions of chaos vs g (i.i.d., tanh)",
    summary:
      `D_KY/N (Lyapunov spectrum, k = ${k}), PR^x/N and PR^φ/N (simulation; lines: theory) vs g at N = ${n}: ` +
      "D_KY/N exceeds PR^x/N (CHAOS.md §5)",
    data: { lyapunov: ky, simulation: simRows, theory: theoryRows, n, k, duration },
    spec: {
      title: {
        text: "Three dimensions of chaotic activity (i.i.d. tanh)",
        subtitle: `points: N = ${n} (D_KY from k = ${k} exponents; PR ± jackknife se); lines: PR theory (N → ∞)`,
      },
      width: 460,
      height: 320,
      background: "white",
      layer: [
        { data: { values: theoryRows }, mark: { type: "line", strokeWidth: 2 }, encoding: { x: gAxis, y, color } },
        {
          data: { values: simRows.filter((r) => "lo" in r) },
          mark: "rule",
          encoding: { x: gAxis, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
        },
        {
          data: { values: simRows },
          mark: { type: "point", filled: true, size: 60 },
          encoding: { x: gAxis, y, color, shape: color },
        },
      ],
    },
  };
}

export async function chaosSpectrum(m: Mode): Promise<Figure> {
  const g = 4;
  const sizes = m.n ? [Math.round(m.n / 4), Math.round(m.n / 2), m.n] : m.full ? [250, 500, 1000] : [100, 200, 400];
  const duration = m.full ? 200 : 100;
  // every run asked for at once (computed in this order here, side by side on a queue's workers)
  const spectra = await Promise.all(
    sizes.map((n) =>
      lyapunovPoint(m, { lyapunov: { coupling: "iid", n, g, seed: 1 }, k: Math.ceil(n / 2), duration, seed: 1 }),
    ),
  );
  const rows: { iOverN: number; lambda: number; N: string }[] = [];
  sizes.forEach((n, j) =>
    spectra[j].exponents.forEach((lambda, i) => rows.push({ iOverN: (i + 1) / n, lambda, N: `N = ${n}` })),
  );
  const x = { field: "iOverN", type: "quantitative", title: "i / N (exponent index per neuron)" };
  const y = { field: "lambda", type: "quantitative", title: "λ_i (per neuron time constant)" };
  const color = { field: "N", type: "nominal", title: null, sort: sizes.map((n) => `N = ${n}`) };
  return {
    name: "chaos-spectrum",
    title: `Lyapunov spectra of different N collapse against i/N (i.i.d. tanh, g = ${g})`,
    summary: `λ_i vs i/N for N = ${sizes.join(", ")} (leading N/2 exponents, g = ${g}): the spectra collapse`,
    data: { spectra: rows, sizes, g, duration },
    spec: {
      title: {
        text: `Lyapunov spectra vs i/N (i.i.d. tanh, g = ${g}, RK4 flow)`,
        subtitle: `leading N/2 exponents of one network per N, ${duration} observed time units; dashed: λ = 0`,
      },
      width: 460,
      height: 320,
      background: "white",
      layer: [
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: "rule", strokeDash: [4, 4] },
          encoding: { y: { field: "zero", type: "quantitative" } },
        },
        { data: { values: rows }, mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y, color } },
      ],
    },
  };
}
