/**
 * `strand plot`: a sweep's results file as an SVG and a PNG figure (theory lines, simulation points with
 * error bars), plus the vega-lite spec and the plotted rows as JSON.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { checkOutputs, writeFilesAtomic } from "../io/atomic.ts";
import { readResults, ResultsFileError } from "../io/jsonl.ts";
import { renderSvg, svgToPng } from "../io/render.ts";
import { figureRows, sweepFigureSpec, type SweepRecord } from "../plot/sweep-figure.ts";
import { UsageError } from "./args.ts";

export const PLOT_HELP = `strand plot — draw a sweep's results: theory as lines, simulations as points with error bars

Usage: strand plot RESULTS.jsonl [--x PARAM] [--y QUANTITY] [--color PARAM] [--log-x] [--log-y] [--out FIG.svg]

  --x PARAM       swept parameter on the x axis (g, effective-rank, pr-g, n, ...)   (default: the first swept one)
  --y QUANTITY    prPhi | prX | cPhi0 | cX0                                         (default: prPhi)
  --color PARAM   one line / colour per value of this parameter      (default: the second swept parameter)
  --out FIG.svg   also writes FIG.png (resvg, 2x) and FIG.json (spec + rows)       (default: RESULTS.svg);
                  FIG.png or a name without extension name the same three files
  --force         overwrite them if they exist (otherwise refused before drawing)`;

export async function plotCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      x: { type: "string" },
      y: { type: "string" },
      color: { type: "string" },
      "log-x": { type: "boolean", default: false },
      "log-y": { type: "boolean", default: false },
      out: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(PLOT_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`strand plot takes one results file; got ${JSON.stringify(positionals)}`);
  const file = positionals[0];
  let header: Record<string, unknown>, records: SweepRecord[];
  try {
    ({ header, records } = readResults(file) as unknown as { header: Record<string, unknown>; records: SweepRecord[] });
  } catch (e) {
    if (e instanceof ResultsFileError || (e as NodeJS.ErrnoException).code === "ENOENT")
      throw new UsageError((e as Error).message);
    throw e;
  }
  const axes = (header.axes as [string, unknown[]][]) ?? [];
  const swept = axes.filter(([, v]) => v.length > 1).map(([k]) => k);
  const x = values.x ?? swept[0];
  if (!x)
    throw new UsageError("invalid argument: `--x` is needed: no parameter of this sweep takes more than one value");
  if (!axes.some(([k]) => k === x))
    throw new UsageError(
      `invalid argument: \`--x\` must be a parameter of this sweep (${axes.map(([k]) => k).join(", ")}); got \`${x}\``,
    );
  const y = values.y ?? "prPhi";
  if (!["prPhi", "prX", "cPhi0", "cX0"].includes(y))
    throw new UsageError(`invalid argument: \`--y\` must be one of prPhi, prX, cPhi0, cX0; got \`${y}\``);
  const color = values.color ?? swept.find((k) => k !== x);
  const n = axes.find(([k]) => k === "n")?.[1],
    dur = axes.find(([k]) => k === "duration")?.[1],
    tr = axes.find(([k]) => k === "trials")?.[1];
  const opts = { x, y, color, logX: values["log-x"], logY: values["log-y"], title: undefined as string | undefined };
  const spec = sweepFigureSpec(records, opts);
  // a second subtitle line with the simulations' size and length
  if (records.some((r) => r.kind === "simulation")) {
    const t = spec.title as { subtitle: string | string[] };
    t.subtitle = [
      t.subtitle as string,
      `simulation: N = ${n?.join(", ")}, ${tr?.join(", ")} trials × ${dur?.join(", ")} time units each`,
    ];
  }
  const out = values.out ?? file.replace(/\.jsonl?$/, "") + ".svg";
  const base = out.replace(/\.(svg|png|json)$/i, "");
  checkOutputs([`${base}.svg`, `${base}.png`, `${base}.json`], values.force);
  const svg = await renderSvg(spec);
  await writeFilesAtomic([
    [`${base}.svg`, svg],
    [`${base}.png`, svgToPng(svg)],
    [
      `${base}.json`,
      JSON.stringify(
        { source: path.resolve(file), header, options: opts, rows: figureRows(records, opts), spec },
        null,
        1,
      ) + "\n",
    ],
  ]);
  console.log(`strand plot: ${base}.svg, ${base}.png, ${base}.json`);
  return 0;
}
