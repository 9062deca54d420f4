/**
 * The figure of one network's covariance, predicted against simulated (issue 27 part 3; `strand simulate
 * --compare-covariance --figure`, `strand figures covariance`): a vega-lite spec.
 */
import type { CovarianceComparison } from "./compare.ts";

/**
 * The comparison's figure: predicted against simulated entries (off-diagonal, a sample of at most 4000, and the
 * static control's), and the ranked eigenvalues of the three.
 */
export function comparisonFigureSpec(c: CovarianceComparison, title: string): Record<string, unknown> {
  const n = c.params.n;
  const total = (n * (n - 1)) / 2;
  const every = Math.max(1, Math.floor(total / 4000));
  const scatter = (
    C: Float64Array,
    label: string,
    color: string,
    a: CovarianceComparison["agreement"]["prediction"],
  ) => {
    const values: { predicted: number; simulated: number }[] = [];
    let k = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++, k++)
        if (k % every === 0) values.push({ predicted: C[i * n + j], simulated: c.simulation.covariance[i * n + j] });
    const lo = Math.min(...values.map((p) => Math.min(p.predicted, p.simulated))),
      hi = Math.max(...values.map((p) => Math.max(p.predicted, p.simulated)));
    return {
      width: 280,
      height: 280,
      title: [
        `${label}: C^φ_ij(0), i ≠ j`,
        `r ${a.correlation.toFixed(3)}, slope ${a.slope.toFixed(2)}, rel. Frobenius ${a.relativeFrobenius.toPrecision(2)}`,
      ],
      layer: [
        {
          data: {
            values: [
              { x: lo, y: lo },
              { x: hi, y: hi },
            ],
          },
          mark: { type: "line", color: "#888", strokeDash: [4, 4] },
          encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
        },
        {
          data: { values },
          mark: { type: "point", size: 8, opacity: 0.4, filled: true, color },
          encoding: {
            x: { field: "predicted", type: "quantitative", title: `${label} (predicted)` },
            y: { field: "simulated", type: "quantitative", title: "simulated" },
          },
        },
      ],
    };
  };
  const ranked = (label: string, ev: number[]) =>
    ev.filter((v) => v > 0).map((v, i) => ({ rank: i + 1, eigenvalue: v, kind: label }));
  const A = c.agreement;
  const T = c.pcTimescales;
  const pcTimes = T.simulated.flatMap((sim, i) =>
    sim !== null && T.predicted[i] !== null ? [{ pc: i + 1, simulated: sim, predicted: T.predicted[i] as number }] : [],
  );
  const maxTau = Math.max(1, ...pcTimes.map((p) => Math.max(p.simulated, p.predicted)));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: title,
      subtitle: [
        `simulation ${c.params.trials} trials × ${c.params.duration}, sigma ${+c.params.sigma.toPrecision(4)}, ` +
          `phi ${c.params.phi}; ` +
          `margin 1 - a max Re λ(J) = ${c.prediction.margin.toPrecision(3)}`,
        `noise floor (half vs half) ${c.noiseFloor.toPrecision(2)}: ` +
          `prediction ${(A.prediction.relativeFrobenius / c.noiseFloor).toPrecision(3)}× it, ` +
          `static control ${(A.control.relativeFrobenius / c.noiseFloor).toPrecision(3)}×`,
      ],
    },
    hconcat: [
      scatter(c.prediction.covariance, "linear equivalence", "#4c78a8", A.prediction),
      scatter(c.control.covariance, "static control", "#e45756", A.control),
      {
        width: 220,
        height: 280,
        title: ["the simulation's leading PCs:", "1/e autocorrelation times"],
        layer: [
          {
            data: {
              values: [
                { x: 0, y: 0 },
                { x: maxTau, y: maxTau },
              ],
            },
            mark: { type: "line", color: "#888", strokeDash: [4, 4] },
            encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
          },
          {
            data: { values: pcTimes },
            mark: { type: "point", filled: true, size: 40, color: "#4c78a8" },
            encoding: {
              x: { field: "predicted", type: "quantitative", title: "predicted (linear equivalence)" },
              y: { field: "simulated", type: "quantitative", title: "simulated (trial 0)" },
              tooltip: [{ field: "pc" }],
            },
          },
        ],
      },
      {
        width: 280,
        height: 280,
        title: "ranked eigenvalues of C^φ(0)",
        data: {
          values: [
            ...ranked("simulation", c.simulation.spectrum.eigenvalues),
            ...ranked("linear equivalence", c.prediction.spectrum.eigenvalues),
            ...ranked("static control", c.control.spectrum.eigenvalues),
          ],
        },
        mark: { type: "line" },
        encoding: {
          x: { field: "rank", type: "quantitative", scale: { type: "log" }, title: "rank" },
          y: { field: "eigenvalue", type: "quantitative", scale: { type: "log" }, title: "eigenvalue" },
          color: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: {
              domain: ["simulation", "linear equivalence", "static control"],
              range: ["#222", "#4c78a8", "#e45756"],
            },
          },
        },
      },
    ],
  };
}
