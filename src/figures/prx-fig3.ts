/**
 * PRX Fig. 3, the duality of the two covariances (i.i.d. couplings, g = 2.25, erf): the activity matrix Y (time x
 * neurons, centred phi) gives the neuron-by-neuron covariance C_ij = (1/T) sum_t Y_ti Y_tj and the time-by-time one
 * C(t1, t2) = (1/N) sum_i Y_t1,i Y_t2,i. Y^T Y and Y Y^T share their non-zero eigenvalues, so the dimension of
 * activity is the participation ratio of either (up to their normalisations) — PRX's route from the neuron picture
 * (PR from C_ij) to the time picture (Psi(tau1, tau2) = N <C(t1, t2) C(t1 + tau1, t2 + tau2)>). The figure shows a
 * corner of each as a heat map, and checks the identity on the whole trial.
 */
import { makeNetwork } from "../network/ensembles.ts";
import { centredPhi } from "../simulate/four-point.ts";
import { realProduct } from "../linalg/complex.ts";
import { transposed } from "../backend/buffers.ts";
import { theory } from "../theory/index.ts";
import { sizeOf, trialTrajectory, type Figure, type Mode } from "./plan.ts";
import { definePoint, type PointContext } from "./points.ts";

const G = 2.25,
  SAMPLE_EVERY = 0.5,
  /** the heat maps' corners: neurons, and samples (50 time units) */
  NEURONS_SHOWN = 80,
  SAMPLES_SHOWN = 100;

/** one trial's neuron-by-neuron and time-by-time covariances (their corners) and PRs: a point */
const trialPoint = definePoint(
  "prxFig3",
  async (
    key: { prxFig3: { coupling: "iid"; n: number; g: number; seed: number }; duration: number },
    ctx: PointContext,
  ) => {
    const { duration } = key,
      n = key.prxFig3.n;
    const r = await trialTrajectory(ctx, makeNetwork(key.prxFig3), {
      phi: "erf",
      duration,
      burnIn: 100,
      sampleEvery: SAMPLE_EVERY,
    });
    const { x, samples: S } = r;
    const Y = centredPhi(x, S, n, "erf");
    // the identity on the whole trial: tr and ||.||_F^2 of Y^T Y / T and of Y Y^T / N give the same PR
    const Yt = transposed(Y, S, n);
    const neuron = realProduct(ctx.be, n, S, n, Yt, Yt).map((v) => v / S); // N x N
    const time = realProduct(ctx.be, S, n, S, Y, Y).map((v) => v / n); // T x T
    const pr = (A: Float64Array, k: number, scale: number) => {
      let tr = 0,
        f = 0;
      for (let i = 0; i < k; i++) tr += A[i * k + i];
      for (const v of A) f += v * v;
      return (tr * tr) / (f * scale);
    };
    const prNeuron = pr(neuron, n, n),
      prTime = pr(time, S, n);
    const cells = (A: Float64Array, k: number, shown: number, step: number, which: string) => {
      const out: Record<string, unknown>[] = [];
      for (let i = 0; i < shown; i++)
        for (let j = 0; j < shown; j++)
          out.push({ which, a: i * step, b: j * step, a1: (i + 1) * step, b1: (j + 1) * step, c: A[i * k + j] });
      return out;
    };
    const neuronCells = cells(neuron, n, NEURONS_SHOWN, 1, "neuron");
    const timeCells = cells(time, S, SAMPLES_SHOWN, SAMPLE_EVERY, "time");
    // colour: the diagonal (~C(0)) saturates; the off-diagonal entries (~C(0)/sqrt(N) for neurons) keep the scale
    const offSpread = (A: Float64Array, k: number, shown: number) => {
      let s = 0,
        c = 0;
      for (let i = 0; i < shown; i++)
        for (let j = 0; j < shown; j++)
          if (i !== j) {
            s += A[i * k + j] ** 2;
            c++;
          }
      return Math.sqrt(s / c);
    };
    const lim = 4 * offSpread(neuron, n, NEURONS_SHOWN);
    return {
      neuronCells,
      timeCells,
      prNeuron,
      prTime,
      lim,
      timeLim: 4 * offSpread(time, S, SAMPLES_SHOWN),
      prPhiCrossBlock: r.results.prPhi,
    };
  },
);

export async function prxFig3(m: Mode): Promise<Figure> {
  const n = sizeOf(m, 1000, 2500);
  const duration = m.full ? 1000 : 300;
  const point = await trialPoint(m, { prxFig3: { coupling: "iid", n, g: G, seed: 1 }, duration });
  const { neuronCells, timeCells, prNeuron, prTime, lim, timeLim, prPhiCrossBlock } = point;
  const th = theory(G, { phi: "erf", backend: m.be }).results;
  const heat = (values: Record<string, unknown>[], title: string, axes: [string, string], domain: number) => ({
    width: 260,
    height: 260,
    title,
    data: { values },
    mark: { type: "rect" },
    encoding: {
      x: { field: "a", type: "quantitative", title: axes[0] },
      x2: { field: "a1" },
      y: { field: "b", type: "quantitative", title: axes[1], scale: { reverse: true } },
      y2: { field: "b1" },
      color: {
        field: "c",
        type: "quantitative",
        title: null,
        scale: { scheme: "redblue", reverse: true, domain: [-domain, domain], clamp: true },
      },
    },
    resolve: { scale: { color: "independent" } },
  });
  return {
    name: "prx-fig3",
    title: "PRX Fig. 3: neuron-by-neuron and time-by-time covariances (duality)",
    summary:
      `i.i.d. erf, g = ${G}, N = ${n}, one trial of ${duration} time units: plug-in PR^φ/N from C_ij ` +
      `${prNeuron.toFixed(4)} = from C(t₁, t₂) ${prTime.toFixed(4)} (the same non-zero eigenvalues; a plug-in PR is ` +
      `biased low by sampling noise: the cross-block estimate ${prPhiCrossBlock?.toFixed(4)}, theory N → ∞ ${th.prPhi?.toFixed(4)})`,
    data: {
      n,
      g: G,
      phi: "erf",
      duration,
      sampleEvery: SAMPLE_EVERY,
      prNeuron,
      prTime,
      prPhiCrossBlock,
      theory: { prPhi: th.prPhi, cPhi0: th.cPhi0 },
      neuron: neuronCells,
      time: timeCells,
      colourLimit: lim,
    },
    spec: {
      title: {
        text: `Two covariances of one activity matrix, i.i.d. erf g = ${G}, N = ${n} (PRX Fig. 3)`,
        subtitle: [
          `C^φ_ij(0) of the first ${NEURONS_SHOWN} neurons; C^φ(t₁, t₂) over the first ${SAMPLES_SHOWN * SAMPLE_EVERY} time units`,
          `colour clipped at ±4 × the off-diagonal rms (the diagonal, C^φ(0) = ${th.cPhi0.toFixed(2)}, saturates)`,
          `PR^φ/N of the trial: ${prNeuron.toFixed(4)} from C_ij, ${prTime.toFixed(4)} from C(t₁, t₂) ` +
            `(Yᵀ Y and Y Yᵀ share their eigenvalues)`,
        ],
      },
      background: "white",
      hconcat: [
        heat(neuronCells, "neuron-by-neuron C^φ_ij(0)", ["neuron i", "neuron j"], lim),
        heat(timeCells, "time-by-time C^φ(t₁, t₂)", ["time t₁", "time t₂"], timeLim),
      ],
      resolve: { scale: { color: "independent" } },
    },
  };
}
