/**
 * The figures of both papers that strand computes (each as SVG + PNG + the JSON behind it) and the index.md that
 * lists them with their finite-N gaps; `strand figures` (src/cli/figures.ts) parses flags and calls writeFigures.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
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
import { prlFig3 } from "./prl-fig3.ts";
import { prlFig5 } from "./prl-fig5.ts";
import { prlFig2b } from "./prl-fig2b.ts";
import { prxFig3 } from "./prx-fig3.ts";
import { covarianceFigure, prlFig4, prxFig10Ranked, prxFig9Pcs } from "./pcs.ts";

export const FIGS: Record<string, (m: Mode) => Promise<Figure | Figure[]>> = {
  "prx-fig3": prxFig3,
  "prx-fig4a": fig4a,
  "prx-fig4b": fig4b,
  "prx-fig5": fig5,
  "prx-fig7": prxFig7,
  "prx-fig8": fig8,
  "prx-fig9": fig9,
  "prx-fig9-pcs": prxFig9Pcs,
  "prx-fig10": fig10,
  "prx-fig10-ranked": prxFig10Ranked,
  "prl-fig2a": prlFig2a,
  "prl-fig2b": prlFig2b,
  "prl-fig3": prlFig3,
  "prl-fig4": prlFig4,
  "prl-fig5": prlFig5,
  "prl-fig6": prlFig6,
  connectomes: connectomeFigures,
  "chaos-lambda": chaosLambda,
  "chaos-dimensions": chaosDimensions,
  "chaos-spectrum": chaosSpectrum,
  covariance: covarianceFigure,
};

/** The paper panel (or the document) each figure reproduces: the gallery's table (docs/figures/README.md). */
export const PAPER_PANELS: Record<string, string> = {
  "prx-fig3": "PRX Fig. 3",
  "prx-fig4a": "PRX Fig. 4a",
  "prx-fig4b": "PRX Fig. 4b",
  "prx-fig5": "PRX Fig. 5",
  "prx-fig7": "PRX Fig. 7 (--quick: g_eff 6; --full: 3, 6, 10)",
  "prx-fig8": "PRX Fig. 8",
  "prx-fig9": "PRX Fig. 9 (C^φ, Ψ^φ(τ,0) timescales)",
  "prx-fig9-pcs": "PRX Fig. 9 (ranked eigenvalues, PC traces, per-PC timescales)",
  "prx-fig10": "PRX Fig. 10 (PR vs PR^D, K/PR_iid inset)",
  "prx-fig10-ranked": "PRX Fig. 10 (ranked covariance eigenvalues)",
  "prl-fig2a": "PRL Fig. 2a",
  "prl-fig2b": "PRL Fig. 2b",
  "prl-fig3": "PRL Fig. 3",
  "prl-fig4": "PRL Fig. 4",
  "prl-fig5": "PRL Fig. 5",
  "prl-fig6": "PRL Fig. 6",
  connectomes: "PRX Fig. 6 (singular values, overlaps u_a·v_a and O_ab, eigenvalues of J and its stand-ins)",
  "chaos-lambda": "CHAOS.md §5 (λ_max vs g)",
  "chaos-dimensions": "CHAOS.md §5 (D_KY/N beside PR/N)",
  "chaos-spectrum": "CHAOS.md §5 (spectra vs i/N)",
  covariance: "LINEAR.md §3 (one network's covariance)",
};

/** Where writeFigures gets a figure's panels: computed here (computeFigure), or by a queue's worker. */
export type FigureSource = (k: string) => Promise<{ figures: Figure[]; seconds: number }>;

/** One figure (or a connectome's several) computed in this process, with its time. */
export async function computeFigure(mode: Mode, k: string): Promise<{ figures: Figure[]; seconds: number }> {
  const t0 = performance.now(),
    before = mode.points.counts().reusedSeconds;
  const figures = [await FIGS[k](mode)].flat();
  // with --resume, the points read back count with the time they took when they ran
  return { figures, seconds: (performance.now() - t0) / 1000 + mode.points.counts().reusedSeconds - before };
}

/** Every figure at once, so that all their points are asked for together (side by side on a queue's workers): each
 *  figure's panels and time, or the error it failed with. */
export async function computeFiguresAtOnce(
  mode: Mode,
  only: string[],
): Promise<Map<string, { figures: Figure[]; seconds: number } | Error>> {
  const settled = await Promise.allSettled(only.map((k) => computeFigure(mode, k)));
  return new Map(
    only.map((k, i) => {
      const s = settled[i];
      return [
        k,
        s.status === "fulfilled" ? s.value : s.reason instanceof Error ? s.reason : new Error(String(s.reason)),
      ];
    }),
  );
}

/**
 * Draw the figures into dir: each as .svg, .png (2x) and .json, and an index.md; or, as a gallery (the committed
 * docs/figures), each as a 1x PNG only and a README.md whose table names the command, N, the paper panel and the
 * finite-N gap of every figure.
 */
export async function writeFigures(
  mode: Pick<Mode, "full" | "n" | "networks">,
  only: string[],
  dir: string,
  options: { gallery?: boolean; source: FigureSource; timesFile?: string },
): Promise<number> {
  const { source } = options;
  const flags = modeFlags(mode);
  const index: string[] = [
    `# strand figures (${flags}, ` + `strand ${VERSION}, ${new Date().toISOString().slice(0, 10)})`,
    "",
  ];
  const table: string[] = [];
  const times: Times["figures"] = {};
  const fullTimes = options.gallery ? readTimes(path.join(dir, "full-times.json")) : null;
  for (const k of only) {
    const { figures: figs, seconds } = await source(k);
    for (const f of figs) {
      const svg = await renderSvg(f.spec);
      const base = path.join(dir, f.name);
      if (options.gallery) await writeFileAtomic(`${base}.png`, svgToPng(svg, 1));
      else {
        await writeFileAtomic(`${base}.svg`, svg);
        await writeFileAtomic(`${base}.png`, svgToPng(svg));
      }
      if (!options.gallery)
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
        options.gallery
          ? `Made by \`npx strand figures ${flags} --only ${k}\` (${seconds.toFixed(0)} s for ${k} on 2 cores).`
          : `Files: ${f.name}.svg, ${f.name}.png, ${f.name}.json`,
        "",
      );
      times[k] ??= { seconds, n: sizeText(f, fin?.n), sizes: {} };
      times[k].sizes![f.name] = sizeText(f, fin?.n);
      const full = fullTimes?.figures[k];
      // a source of several figures (the connectomes) took its time for all of them; each has its own N
      const fullN = full?.sizes?.[f.name] ?? full?.n;
      table.push(
        `| [${f.name}](#${anchor(f.title)}) | ${PAPER_PANELS[k]} | ${sizeText(f, fin?.n)} | ` +
          `${fin && fin.largestRelativeDifference !== null ? `${(100 * fin.largestRelativeDifference).toFixed(0)} %` : "—"} | ` +
          `${seconds.toFixed(0)} s | ${full ? `${duration(full.seconds)} (N = ${fullN})` : "not run yet"} |`,
      );
      console.log(`strand figures: ${base}.png — ${f.summary}`);
    }
    console.error(`  (${k}: ${seconds.toFixed(0)} s)`);
    if (!options.gallery) await recordTimes(path.join(dir, "times.json"), flags, times);
    if (options.timesFile) await recordTimes(options.timesFile, flags, times);
  }
  if (options.gallery) {
    const head = [
      `# Gallery: every figure strand draws (\`npx strand figures ${flags} --gallery --out docs/figures --force\`, ` +
        `strand ${VERSION}, ${new Date().toISOString().slice(0, 10)})`,
      "",
      "Each figure with the paper panel it reproduces, its network size, the largest gap between simulation and the",
      "N -> infinity theory it shows (finite N), and the time it took on this 2-core machine. Regenerate them all with",
      "`npm run gallery`. The last column is the time of the same figure at the papers' sizes (`strand figures --full`,",
      "resumable with --resume; `npm run gallery:full` runs it and keeps its times in docs/figures/full-times.json" +
        (fullTimes ? `: ${fullTimes.strand}, ${fullTimes.date}, ${fullTimes.cpus} cores)` : ")") +
        "; the figures shown are the quick ones.",
      "",
      "| figure | reproduces | N | largest finite-N gap | time | --full time (N) |",
      "| --- | --- | --- | --- | --- | --- |",
      ...table,
      "",
    ];
    await writeFileAtomic(path.join(dir, "README.md"), [...head, ...index.slice(2)].join("\n"));
    console.log(`strand figures: ${path.join(dir, "README.md")}`);
    return 0;
  }
  await writeFileAtomic(path.join(dir, "index.md"), index.join("\n"));
  console.log(`strand figures: ${path.join(dir, "index.md")}`);
  return 0;
}

/** a mode as its command-line flags ("--full", "--quick --n 2500", ...): what a times file is keyed by */
export function modeFlags(mode: Pick<Mode, "full" | "n" | "networks">): string {
  return [
    mode.full ? "--full" : "--quick",
    mode.n ? `--n ${mode.n}` : "",
    mode.networks > 1 ? `--networks ${mode.networks}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

interface Times {
  strand: string;
  mode: string;
  date: string;
  cpus: number;
  /** per source (a figure key): its time, the first figure's N and, by figure name, each figure's N */
  figures: Record<string, { seconds: number; n: string; sizes?: Record<string, string> }>;
}

/**
 * Each figure's time (with --resume: including its reused points' compute time) into the folder's times.json, merged
 * with earlier runs of the same mode, after every figure: a run stopped part-way keeps the times of the figures it
 * finished. The same into `--times FILE` (npm run gallery:full: the gallery's docs/figures/full-times.json), whose
 * other figures and fields (its provenance note) are kept: checkTimesFile refused one of another mode before the run.
 */
async function recordTimes(file: string, mode: string, times: Times["figures"]): Promise<void> {
  const earlier = readTimes(file);
  const same = earlier?.mode === mode;
  const record: Times = {
    ...(same ? earlier : {}),
    strand: VERSION,
    mode,
    date: new Date().toISOString().slice(0, 10),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    figures: { ...(same ? earlier.figures : {}), ...times },
  };
  await writeFileAtomic(file, JSON.stringify(record, null, 1) + "\n");
}

function readTimes(file: string): Times | null {
  if (!existsSync(file)) return null;
  let t: Times;
  try {
    t = JSON.parse(readFileSync(file, "utf8")) as Times;
  } catch (e) {
    throw new RangeError(`\`${file}\` is not a figures times file (${(e as Error).message})`, { cause: e });
  }
  if (typeof t?.mode !== "string" || typeof t.figures !== "object" || t.figures === null)
    throw new RangeError(`\`${file}\` is not a figures times file (no "mode" and "figures")`);
  return t;
}

/**
 * Refuse, before any work, a times file (--times FILE) that is not one or holds another mode's times: merging
 * a `--quick` figure's seconds into the gallery's --full column would say the wrong thing.
 */
export function checkTimesFile(file: string, mode: Pick<Mode, "full" | "n" | "networks">): void {
  const t = readTimes(file);
  const flags = modeFlags(mode);
  if (t && t.mode !== flags)
    throw new RangeError(`\`${file}\` holds the times of \`${t.mode}\`, not of this run's \`${flags}\``);
}

/** seconds as "42 s", "12 min" or "3.4 h" */
const duration = (s: number) =>
  s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(0)} min` : `${(s / 3600).toFixed(1)} h`;

/** a figure's network size(s) for the gallery: the finite-N note's, the data's n, or its list of sizes */
function sizeText(f: Figure, n?: number): string {
  const d = f.data as { n?: number; sizes?: number[] };
  return String(n ?? d.n ?? d.sizes?.join(", ") ?? "∞ (theory only)");
}

/** GitHub's heading anchor for a title */
const anchor = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
