/**
 * A vega-lite figure of a sweep's results (src/cli/sweep.ts records): theory as lines, simulations as points
 * with error bars (mean over seeds ± its standard error sd / sqrt(k); with one seed, the run's jackknife
 * error), one colour per value of a chosen parameter. Axis titles use the paper's symbols. Pure data in,
 * a vega-lite spec out (rendering lives in src/io/render.ts).
 */
import { meanAndSe } from "../stats/estimators.ts";

export interface SweepRecord {
  key: string;
  kind: "theory" | "simulation";
  point: Record<string, number | string>;
  /** null for a point that failed (its error says why; it is not plotted) */
  results: Record<string, unknown> | null;
  error?: string;
}

export const SYMBOLS: Record<string, string> = {
  prPhi: "PR^φ",
  prX: "PR^x",
  cPhi0: "C^φ(0)",
  cX0: "C^x(0)",
  "effective-rank": "α PR^D",
  g: "g_eff",
  "pr-g": "PR^G",
  n: "N",
  alpha: "α",
  "pr-d": "PR^D",
  duration: "duration",
  trials: "trials",
  phi: "φ",
};

export interface FigureOptions {
  x: string;
  y: string;
  color?: string;
  logX?: boolean;
  logY?: boolean;
  title?: string;
}

/** Rows for plotting: theory rows {x, y, group} and simulation rows {x, y, lo, hi, group, seeds}. */
export function figureRows(records: SweepRecord[], o: FigureOptions) {
  const label = (p: Record<string, number | string>) =>
    o.color ? `${SYMBOLS[o.color] ?? o.color} = ${p[o.color]}` : "";
  const theory = records
    .filter((r) => r.kind === "theory" && typeof r.results?.[o.y] === "number" && o.x in r.point)
    .map((r) => ({
      x: Number(r.point[o.x]),
      y: r.results![o.y] as number,
      group: label(r.point),
      source: "theory (N → ∞)",
    }));
  const groups = new Map<string, SweepRecord[]>();
  for (const r of records) {
    if (r.kind !== "simulation" || typeof r.results?.[o.y] !== "number") continue;
    const { seed: _s, ...rest } = r.point;
    const k = JSON.stringify(
      Object.keys(rest)
        .sort()
        .map((q) => [q, rest[q]]),
    );
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const simulation = [...groups.values()].map((rs) => {
    const ys = rs.map((r) => r.results![o.y] as number);
    const { mean: m, se: spread } = meanAndSe(ys);
    const se = spread ?? (rs[0].results![`${o.y}Error`] as number | null) ?? 0;
    return {
      x: Number(rs[0].point[o.x]),
      y: m,
      lo: m - se,
      hi: m + se,
      group: label(rs[0].point),
      seeds: ys.length,
      n: rs[0].point.n,
      source: "simulation (mean ± se)",
    };
  });
  return { theory: theory.sort((a, b) => a.x - b.x), simulation };
}

export function sweepFigureSpec(records: SweepRecord[], o: FigureOptions): Record<string, unknown> {
  const { theory, simulation } = figureRows(records, o);
  if (!theory.length && !simulation.length)
    throw new RangeError(`invalid argument: no results have both \`${o.x}\` and \`${o.y}\` to plot`);
  const xTitle = SYMBOLS[o.x] ?? o.x,
    yTitle = SYMBOLS[o.y] ?? o.y;
  const x = { field: "x", type: "quantitative", title: xTitle, scale: o.logX ? { type: "log" } : { zero: false } };
  const y = { field: "y", type: "quantitative", title: yTitle, scale: o.logY ? { type: "log" } : { zero: false } };
  // legend in the parameter's numeric order (not "10" before "3")
  const groups = [...new Set([...theory, ...simulation].map((r) => r.group))];
  const num = (g: string) => Number(g.split(" = ")[1]);
  groups.sort((a, b) => (Number.isFinite(num(a)) && Number.isFinite(num(b)) ? num(a) - num(b) : a.localeCompare(b)));
  const color = {
    field: "group",
    type: "nominal",
    title: o.color ? (SYMBOLS[o.color] ?? o.color) : null,
    legend: o.color ? {} : null,
    scale: { domain: groups },
  };
  const layers: Record<string, unknown>[] = [];
  if (theory.length)
    layers.push({
      data: { values: theory },
      mark: { type: "line", strokeWidth: 2 },
      encoding: { x, y, color, detail: { field: "group" } },
    });
  if (simulation.length) {
    layers.push({
      data: { values: simulation },
      mark: { type: "rule" },
      encoding: { x, y: { field: "lo", type: "quantitative", scale: y.scale }, y2: { field: "hi" }, color },
    });
    layers.push({
      data: { values: simulation },
      mark: { type: "point", filled: true, size: 50 },
      encoding: {
        x,
        y,
        color,
        shape: { value: "circle" },
        tooltip: [{ field: "x" }, { field: "y" }, { field: "seeds" }, { field: "n" }],
      },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: o.title ?? `${yTitle} vs ${xTitle}`,
      subtitle: [
        theory.length ? "lines: theory (N → ∞)" : "",
        simulation.length ? "points: simulation, mean ± se over seeds" : "",
      ]
        .filter(Boolean)
        .join("; "),
    },
    width: 480,
    height: 320,
    background: "white",
    layer: layers,
  };
}
