/**
 * The figures of both papers that strand computes (each as SVG + PNG + the JSON behind it) and the index.md that
 * lists them with their finite-N gaps; `strand figures` (src/cli/figures.ts) parses flags and calls writeFigures.
 */
import path from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { renderSvg, svgToPng } from "../io/render.ts";
import { VERSION } from "../version.ts";
import { finiteSize, type Figure, type Mode } from "./plan.ts";
import { fig4a, fig4b } from "./prx-fig4.ts";
import { fig8, prxFig7 } from "./prx-fig7-8.ts";
import { prlFig2a, prlFig6 } from "./prl.ts";
import { fig10, fig9 } from "./prx-fig9-10.ts";
import { fig5 } from "./prx-fig5.ts";
import { connectomeFigures } from "./connectomes.ts";
import { chaosDimensions, chaosLambda, chaosSpectrum } from "./chaos.ts";
import { covarianceFigure, prlFig4, prxFig9Pcs } from "./pcs.ts";

export const FIGS: Record<string, (m: Mode) => Promise<Figure | Figure[]>> = {
  "prx-fig4a": fig4a,
  "prx-fig4b": fig4b,
  "prx-fig5": fig5,
  "prx-fig7": prxFig7,
  "prx-fig8": fig8,
  "prx-fig9": fig9,
  "prx-fig9-pcs": prxFig9Pcs,
  "prx-fig10": fig10,
  "prl-fig2a": prlFig2a,
  "prl-fig4": prlFig4,
  "prl-fig6": prlFig6,
  connectomes: connectomeFigures,
  "chaos-lambda": chaosLambda,
  "chaos-dimensions": chaosDimensions,
  "chaos-spectrum": chaosSpectrum,
  covariance: covarianceFigure,
};

export async function writeFigures(mode: Mode, only: string[], dir: string): Promise<number> {
  const flags = [
    mode.full ? "--full" : "--quick",
    mode.n ? `--n ${mode.n}` : "",
    mode.networks > 1 ? `--networks ${mode.networks}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const index: string[] = [
    `# strand figures (${flags}, ` + `strand ${VERSION}, ${new Date().toISOString().slice(0, 10)})`,
    "",
  ];
  for (const k of only) {
    const t0 = performance.now();
    const figs = [await FIGS[k](mode)].flat();
    for (const f of figs) {
      const svg = await renderSvg(f.spec);
      const base = path.join(dir, f.name);
      await writeFileAtomic(`${base}.svg`, svg);
      await writeFileAtomic(`${base}.png`, svgToPng(svg));
      await writeFileAtomic(
        `${base}.json`,
        JSON.stringify(
          {
            figure: f.name,
            title: f.title,
            strand: VERSION,
            mode: mode.full ? "full" : "quick",
            data: f.data,
            spec: f.spec,
          },
          null,
          1,
        ) + "\n",
      );
      const fin = (f.data as { finiteSize?: ReturnType<typeof finiteSize> }).finiteSize;
      const within = fin?.points
        ? ` ${fin.withinThreeErrors} of ${fin.points} points within 3 errors ` +
          `(${fin.networks === 1 ? "one network's jackknife" : `se over ${fin.networks} networks`}).`
        : "";
      const gap =
        fin && fin.largestRelativeDifference !== null
          ? [
              `Finite N = ${fin.n}: largest |simulation/theory − 1| ` +
                `${(100 * fin.largestRelativeDifference).toFixed(0)} %, mean ` +
                `${(100 * fin.meanRelativeDifference!).toFixed(0)} %.${within} ${fin.note}.`,
              "",
            ]
          : [];
      index.push(
        `## ${f.title}`,
        "",
        `![${f.name}](${f.name}.png)`,
        "",
        f.summary,
        "",
        ...gap,
        `Files: ${f.name}.svg, ${f.name}.png, ${f.name}.json`,
        "",
      );
      console.log(`strand figures: ${base}.png — ${f.summary}`);
    }
    console.error(`  (${k}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await writeFileAtomic(path.join(dir, "index.md"), index.join("\n"));
  console.log(`strand figures: ${path.join(dir, "index.md")}`);
  return 0;
}
