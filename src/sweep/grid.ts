/**
 * Parameter grids for sweeps: each swept parameter is a list "3,6,10" or an inclusive range
 * "start:stop:step" ("0.1:1:0.1" = 0.1, 0.2, ..., 1.0; values rounded to 12 significant digits so that
 * 0.1 * 3 prints as 0.3); the grid is their Cartesian product, in the order the parameters are given, with
 * seeds 1..S for simulations. Every point has a canonical key (its parameters, sorted, as JSON) so that a
 * resumed sweep can tell done points from new ones.
 */
import { invalid } from "../errors.ts";

export type GridValue = number | string;

const round12 = (v: number) => Number(v.toPrecision(12));

/** Parse one parameter's values: a comma list or an inclusive start:stop:step range; `numeric` checks numbers. */
export function parseValues(name: string, text: string, numeric: boolean): GridValue[] {
  const t = text.trim();
  if (t === "") throw invalid(name, "must list at least one value", text);
  if (numeric && /^[^,]*:[^,]*:[^,]*$/.test(t)) {
    const [a, b, s] = t.split(":").map(Number);
    if (![a, b, s].every(Number.isFinite)) throw invalid(name, "must be start:stop:step with finite numbers", text);
    if (!(s > 0)) throw invalid(name, "needs a positive step in start:stop:step", text);
    if (b < a) throw invalid(name, "is an empty range (stop < start)", text);
    const count = Math.floor((b - a) / s + 1e-9) + 1;
    if (count > 10000) throw invalid(name, `has ${count} values (at most 10000)`, text);
    return Array.from({ length: count }, (_, k) => round12(a + k * s));
  }
  const parts = t.split(",").map((p) => p.trim());
  if (parts.some((p) => p === "")) throw invalid(name, "has an empty entry in its comma list", text);
  if (!numeric) return parts;
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw invalid(name, "must hold finite numbers (a,b,c or start:stop:step)", text);
    return v;
  });
}

/** The Cartesian product of the swept values, in the given parameter order (last varies fastest). */
export function gridPoints(axes: [string, GridValue[]][]): Record<string, GridValue>[] {
  let points: Record<string, GridValue>[] = [{}];
  for (const [name, values] of axes) points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return points;
}

/** Canonical key: the parameters sorted by name, as JSON. */
export function pointKey(kind: string, point: Record<string, unknown>): string {
  return JSON.stringify([
    kind,
    Object.keys(point)
      .sort()
      .map((k) => [k, point[k]]),
  ]);
}
