/** The connectome panels: structure of real connectomes read from ../shared/data (skipped when absent). */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readConnectome } from "../io/connectome-file.ts";
import { eigenvalues, modeOverlaps } from "../linalg/dense.ts";
import { singularValues, svd } from "../linalg/svd.ts";
import { denseJ, makeNetwork } from "../network/ensembles.ts";
import { type Figure, type Mode } from "./plan.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

const DATA = path.resolve(here, "../../../shared/data");

export async function connectomeFigures(m: Mode): Promise<Figure[]> {
  const sets = [
    // C. elegans: the 300 neurons (names in capitals; muscles and end organs are lower case), chemical synapses
    {
      name: "celegans-chemical",
      file: path.join(DATA, "celegans-cook2019-herm/herm_full_edgelist.csv"),
      include: /^[A-Z]/,
      vectors: true,
    },
    {
      name: "drosophila-larva",
      file: path.join(DATA, "drosophila-larva-winding2023/Supplementary-Data-S1.zip"),
      include: undefined,
      vectors: m.full,
    },
  ].filter((s) => existsSync(s.file));
  const out: Figure[] = [];
  for (const set of sets) {
    const c = await readConnectome(set.file, { include: set.include });
    const n = c.n,
      J = c.J;
    const s = singularValues(n, J, m.be);
    let s2 = 0;
    for (const v of J) s2 += v * v;
    const iid = singularValues(n, denseJ(makeNetwork({ coupling: "iid", n, g: Math.sqrt(s2 / n), seed: 1 })), m.be);
    const ranked = Array.from(s, (v, k) => ({ rank: k + 1, s: v / s[0], which: set.name }))
      .filter((r) => r.s > 1e-6)
      .concat(Array.from(iid, (v, k) => ({ rank: k + 1, s: v / s[0], which: "i.i.d., same N and Σ J²" })));
    const panels: Record<string, unknown>[] = [
      {
        title: "ranked singular values / S₁",
        width: 260,
        height: 220,
        data: { values: ranked },
        mark: { type: "line" },
        encoding: {
          x: { field: "rank", type: "quantitative", scale: { type: "log" } },
          y: { field: "s", type: "quantitative", scale: { type: "log" }, title: "S_a / S_1" },
          color: { field: "which", type: "nominal", title: null, legend: { orient: "bottom" } },
        },
      },
    ];
    let extra = "";
    if (set.vectors) {
      const sv = svd(n, J, m.be);
      const o = modeOverlaps(n, sv);
      const ev = eigenvalues(n, J, m.be);
      const diag = Array.from(o.diagonal, (v, a) => ({ a: a + 1, o: v })).filter((_, a) => sv.s[a] > 1e-9 * sv.s[0]);
      panels.push({
        title: `overlap u_a·v_a, band ±2.5/√N`,
        width: 260,
        height: 220,
        layer: [
          {
            data: { values: diag },
            mark: { type: "point", size: 8, filled: true },
            encoding: {
              x: { field: "a", type: "quantitative", title: "mode a" },
              y: { field: "o", type: "quantitative", title: "u_a · v_a" },
            },
          },
          {
            data: { values: [{ b: o.band }, { b: -o.band }] },
            mark: { type: "rule", color: "red" },
            encoding: { y: { field: "b", type: "quantitative" } },
          },
        ],
      });
      panels.push({
        title: `eigenvalues of J / S₁`,
        width: 220,
        height: 220,
        data: { values: Array.from(ev.re, (re, k) => ({ re: re / s[0], im: ev.im[k] / s[0] })) },
        mark: { type: "point", size: 8, filled: true },
        encoding: {
          x: { field: "re", type: "quantitative", title: "Re λ" },
          y: { field: "im", type: "quantitative", title: "Im λ" },
        },
      });
      extra = `; ${o.outsideBand} of ${n} overlaps outside the band; spectral radius ${(ev.spectralRadius / s[0]).toFixed(3)} S₁`;
    }
    let s4 = 0,
      t2 = 0;
    for (const v of s) {
      t2 += v * v;
      s4 += v ** 4;
    }
    const er = (t2 * t2) / s4;
    out.push({
      name: `connectome-${set.name}`,
      title: `Connectome: ${set.name}`,
      summary:
        `${path.basename(set.file)}: N = ${n}, effective rank ${er.toFixed(2)}, PR^S ` +
        `${(er / n).toFixed(4)} (i.i.d.: ` +
        `0.5)${extra}${set.vectors ? "" : " (overlaps and eigenvalues with --full)"}`,
      data: { file: set.file, n, effectiveRank: er, prS: er / n, singularValues: Array.from(s) },
      spec: {
        title: {
          text: `${set.name}: structure of the raw coupling matrix`,
          subtitle: `N = ${n}, effective rank ${er.toFixed(2)}, PR^S = ${(er / n).toFixed(3)}`,
        },
        background: "white",
        hconcat: panels,
      },
    });
  }
  return out;
}
