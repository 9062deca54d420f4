/** The connectome panels (PRX Fig. 6 for each connectome read from ../shared/data; skipped when absent): ranked singular
 *  values against i.i.d., the overlaps u_a . v_a and the matrix O_ab, and the eigenvalues of J beside those of its
 *  random-mode stand-ins without and with its overlaps. */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readConnectome } from "../io/connectome-file.ts";
import { eigenvalues, modeOverlaps } from "../linalg/dense.ts";
import { singularValues, svd } from "../linalg/svd.ts";
import { denseJ, makeNetwork, standInNetwork } from "../network/ensembles.ts";
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
          color: { field: "which", type: "nominal", title: null, legend: { orient: "bottom", labelLimit: 400 } },
        },
      },
    ];
    let extra = "";
    let radii: Record<string, number> = {};
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
      // PRX Fig. 6: the overlap matrix O_ab = u_a . v_b of the leading modes, and the eigenvalues of J beside those of
      // its random-mode stand-ins (the same singular values, fresh modes): without overlaps, and with J's own u_a . v_a
      const cells: Record<string, unknown>[] = [];
      for (let a = 0; a < o.k; a++)
        for (let b = 0; b < o.k; b++) cells.push({ a: a + 1, b: b + 1, o: o.block[a * o.k + b] });
      panels.push({
        title: `overlaps O_ab = u_a·v_b, leading ${o.k} modes`,
        width: 220,
        height: 220,
        data: { values: cells },
        mark: { type: "rect" },
        encoding: {
          x: { field: "a", type: "ordinal", title: "left mode a", axis: { values: [1, 10, 20, 30, 40, 50] } },
          y: { field: "b", type: "ordinal", title: "right mode b", axis: { values: [1, 10, 20, 30, 40, 50] } },
          color: {
            field: "o",
            type: "quantitative",
            title: "O_ab",
            scale: { scheme: "redblue", reverse: true, domain: [-1, 1] },
          },
        },
      });
      const spectra = [
        { which: "connectome", ev },
        { which: "random modes, no overlaps", ev: eigenvalues(n, denseJ(standInNetwork(s, 1)), m.be) },
        {
          which: "random modes, its overlaps u_a·v_a",
          ev: eigenvalues(n, denseJ(standInNetwork(s, 1, o.diagonal)), m.be),
        },
      ];
      const points = spectra.flatMap(({ which, ev: e }) =>
        Array.from(e.re, (re, k) => ({ re: re / s[0], im: e.im[k] / s[0], which })),
      );
      panels.push({
        title: `eigenvalues / S₁`,
        width: 240,
        height: 220,
        data: { values: points },
        mark: { type: "point", size: 8, filled: true, opacity: 0.6 },
        encoding: {
          x: { field: "re", type: "quantitative", title: "Re λ" },
          y: { field: "im", type: "quantitative", title: "Im λ" },
          color: {
            field: "which",
            type: "nominal",
            title: null,
            legend: { orient: "bottom", columns: 1, labelLimit: 400 },
          },
        },
      });
      radii = Object.fromEntries(spectra.map(({ which, ev: e }) => [which, e.spectralRadius / s[0]]));
      extra =
        `; ${o.outsideBand} of ${n} overlaps outside the band; spectral radius / S₁ ${radii.connectome.toFixed(3)} ` +
        `(stand-ins: ${radii["random modes, no overlaps"].toFixed(3)} without, ` +
        `${radii["random modes, its overlaps u_a·v_a"].toFixed(3)} with its overlaps)`;
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
      data: { file: set.file, n, effectiveRank: er, prS: er / n, singularValues: Array.from(s), spectralRadii: radii },
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
