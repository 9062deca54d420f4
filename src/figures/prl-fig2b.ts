/**
 * PRL Fig. 2b: how the chaotic state's variance spreads over the eigenmodes of J (i.i.d. tanh, g = 5). For each
 * eigenvalue lambda_k of J (one of each conjugate pair) and its unit right eigenvector v_k, the variance of the
 * activity along v_k, v_k^† C^x v_k, divided by the mean variance per direction tr C^x / N (1: as much as a random
 * direction). The trivial fixed point is unstable along the modes with Re lambda_k > 1, a small part of the disk of
 * radius g; the activity is not confined to them. Simulation: one network, trial 0's C^x; theory: the same network's
 * C^x predicted by linear equivalence (src/theory/linear-equivalence.ts, LINEAR.md), which has no free parameter.
 */
import { makeNetwork, denseJ } from "../network/ensembles.ts";
import { eigenDecomposition } from "../linalg/eigenvectors.ts";
import { realProduct } from "../linalg/complex.ts";
import { transposed } from "../backend/buffers.ts";
import { networkCovariance } from "../theory/linear-equivalence.ts";
import { finiteSize, sizeOf, trialTrajectory, type Figure, type Mode } from "./plan.ts";
import { definePoint, type PointContext } from "./points.ts";

const G = 5;

/** one trial's and linear equivalence's variance along each eigenmode of J: a point */
const modesPoint = definePoint(
  "prlFig2b",
  async (
    key: { prlFig2b: { coupling: "iid"; n: number; g: number; seed: number }; duration: number },
    ctx: PointContext,
  ) => {
    const { prlFig2b: spec, duration } = key,
      n = spec.n;
    const network = makeNetwork(spec);
    const { x: traj, samples: S } = await trialTrajectory(ctx, network, { duration, burnIn: 100, sampleEvery: 0.5 });
    // C^x of trial 0 (centred by its time mean): X^T X / S
    const Xt = new Float64Array(n * S);
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let t = 0; t < S; t++) mean += traj[t * n + i];
      mean /= S;
      for (let t = 0; t < S; t++) Xt[i * S + t] = traj[t * n + i] - mean;
    }
    const simC = realProduct(ctx.be, n, S, n, Xt, Xt).map((v) => v / S);
    const thC = networkCovariance(network, ctx.be, { phi: "tanh" }).results.cX!;
    const evd = eigenDecomposition(n, denseJ(network), ctx.be);
    // row k of VrT, ViT: the real and imaginary parts of v_k; v^† C v = vr^T C vr + vi^T C vi for symmetric C, with
    // C vr_k for every k as one backend product (row k of VrT C)
    const VrT = transposed(evd.vRe, n, n),
      ViT = transposed(evd.vIm, n, n);
    const along = (C: Float64Array) => {
      let tr = 0;
      for (let i = 0; i < n; i++) tr += C[i * n + i];
      const CVr = realProduct(ctx.be, n, n, n, VrT, C),
        CVi = realProduct(ctx.be, n, n, n, ViT, C);
      const out: number[] = [];
      for (let k = 0; k < n; k++) {
        if (evd.im[k] < 0) continue; // the conjugate of the previous one: the same variance
        let norm = 0,
          q = 0;
        for (let j = k * n; j < (k + 1) * n; j++) {
          norm += VrT[j] * VrT[j] + ViT[j] * ViT[j];
          q += VrT[j] * CVr[j] + ViT[j] * CVi[j];
        }
        out.push(q / norm / (tr / n));
      }
      return out;
    };
    const simV = along(simC),
      thV = along(thC);
    const modes: Record<string, unknown>[] = [];
    for (let k = 0, p = 0; k < n; k++) {
      if (evd.im[k] < 0) continue;
      modes.push({ re: evd.re[k], im: evd.im[k], simulation: simV[p], theory: thV[p] });
      p++;
    }
    return modes;
  },
);

export async function prlFig2b(m: Mode): Promise<Figure> {
  const n = sizeOf(m, 500, 2500);
  const duration = m.full ? 2000 : 1000;
  const spec = { coupling: "iid" as const, n, g: G, seed: 1 };
  const modes = await modesPoint(m, { prlFig2b: spec, duration });
  const unstable = modes.filter((q) => (q.re as number) > 1);
  const mean = (rows: Record<string, unknown>[], f: string) =>
    rows.reduce((a, q) => a + (q[f] as number), 0) / Math.max(rows.length, 1);
  const differences = modes.map((q) => (q.simulation as number) / (q.theory as number) - 1);
  const rows = modes.flatMap((q) => [
    { re: q.re, im: q.im, variance: q.simulation, which: `simulation (N = ${n}, ${duration} time units)` },
    { re: q.re, im: q.im, variance: q.theory, which: "linear equivalence (same J)" },
  ]);
  const reAxis = { field: "re", type: "quantitative", title: "Re λ_k (eigenvalue of J)" };
  return {
    name: "prl-fig2b",
    title: "PRL Fig. 2b: variance along the eigenmodes of J",
    summary:
      `i.i.d. tanh g = ${G}, N = ${n}: ${unstable.length} of ${modes.length} eigenvalue pairs/real modes have Re λ > 1; ` +
      `their mean variance ${mean(unstable, "simulation").toFixed(2)} × a random direction's (theory ` +
      `${mean(unstable, "theory").toFixed(2)}), the other modes' ${mean(
        modes.filter((q) => (q.re as number) <= 1),
        "simulation",
      ).toFixed(2)}: the chaotic activity is not confined to the modes unstable at x = 0`,
    data: {
      n,
      g: G,
      duration,
      modes,
      finiteSize: finiteSize(
        n,
        differences,
        "per-mode differences between one trial's variance along v_k and linear equivalence's for the same J; a " +
          `single trial of ${duration} time units estimates each quadratic form with a relative error of order ` +
          "sqrt(tau_c / T) (~5 %), and LINEAR.md's noise-free protocol found the prediction's off-diagonal " +
          "covariances ~6 % large (docs/VALIDATION.md)",
      ),
    },
    spec: {
      title: {
        text: `Variance along the eigenmodes of J, i.i.d. tanh g = ${G}, N = ${n} (PRL Fig. 2b)`,
        subtitle: [
          "v_kᵀ C^x v_k / (tr C^x / N) for the unit right eigenvectors v_k (one per conjugate pair)",
          "dashed: Re λ = 1, beyond which the fixed point x = 0 is unstable",
        ],
      },
      background: "white",
      hconcat: [
        {
          width: 340,
          height: 260,
          title: "variance against Re λ_k",
          layer: [
            {
              data: { values: rows },
              mark: { type: "point", size: 10, filled: true, opacity: 0.6 },
              encoding: {
                x: reAxis,
                y: {
                  field: "variance",
                  type: "quantitative",
                  scale: { type: "log" },
                  title: "variance along v_k / mean",
                },
                color: { field: "which", type: "nominal", title: null, legend: { orient: "bottom", labelLimit: 400 } },
              },
            },
            {
              data: { values: [{ re: 1 }] },
              mark: { type: "rule", strokeDash: [5, 4] },
              encoding: { x: { field: "re", type: "quantitative" } },
            },
          ],
        },
        {
          width: 260,
          height: 260,
          title: "eigenvalues of J, coloured by the simulated variance",
          layer: [
            {
              data: { values: modes },
              mark: { type: "point", size: 14, filled: true },
              encoding: {
                x: reAxis,
                y: { field: "im", type: "quantitative", title: "Im λ_k" },
                color: {
                  field: "simulation",
                  type: "quantitative",
                  title: "variance",
                  scale: { type: "log", scheme: "viridis" },
                },
              },
            },
            {
              data: { values: [{ re: 1 }] },
              mark: { type: "rule", strokeDash: [5, 4] },
              encoding: { x: { field: "re", type: "quantitative" } },
            },
          ],
        },
      ],
    },
  };
}
