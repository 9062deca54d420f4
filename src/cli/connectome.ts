/**
 * `strand connectome <file>`: load a connectome, optionally sign and normalise it, and report its
 * structure from traces (PR^S, effective rank, realised g_eff^2); JSON with --json (written atomically).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CONNECTOME_FORMATS, readConnectome } from "../io/connectome-file.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { ConnectomeFormatError } from "../network/connectome.ts";
import { applySigns, normalizeBalanced, type NormalizeResult, type SignSummary } from "../network/signs.ts";
import { couplingStructure } from "../network/structure.ts";
import { singularValues } from "../linalg/svd.ts";
import { eigenvalues, modeOverlaps, singularVectors } from "../linalg/dense.ts";
import { createBackend, BACKEND_CHOICES } from "../backend/select.ts";
import { provenance } from "../provenance.ts";
import { UsageError, choice, integer, regex, formatNumber } from "./args.ts";

export const CONNECTOME_HELP = `strand connectome — load a connectome and measure its structure

Usage: strand connectome <file> [options]

Files: CSV/TSV edge lists (header naming pre/post columns: Source/Target, pre/post, i/j indices, Origin/Target;
optional weight, type, neurotransmitter columns), dense CSV/TSV matrices (optional id header row and column),
NumPy .npy matrices, .zip archives holding either, and .xls/.xlsx workbooks with an edge-list sheet.

Options:
  --format F          auto | edgelist | matrix | npy | zip | excel          (default: auto)
  --layer L           chemical | electrical | all, for typed edge lists     (default: chemical)
  --include RE        keep only neurons whose name matches RE (e.g. '^[A-Z]' for C. elegans neurons)
  --entry NAME        zip member or workbook sheet to read  (default: *all-all_connectivity_matrix.csv, or
                      the first sheet with an edge-list header)
  --orientation O     pre-rows | post-rows: what a dense matrix's rows are  (default: pre-rows)
  --labels            a dense matrix's first row and column are neuron ids, even when they are numbers
                      (default: ids only when they are not numbers)
  --self-edges S      keep | drop                                           (default: keep)
  --duplicates D      sum | error, for repeated (pre, post) rows            (default: sum)
  --signs S           none | column | FILE: transmitters from the file's neurotransmitter column or from a
                      CSV of (name, transmitter); fly mapping ACh +1, GABA -1, Glu -1 (default: none)
  --unsigned U        drop | keep the outputs of neurons whose transmitter has no sign (default: drop)
  --normalize N       none | balanced (the paper's alternating row/column E/I normalisation) (default: none)
  --max-neurons N     refuse larger matrices                                (default: 20000)
  --svd S             auto | yes | no: compute all singular values (O(N^3): ~1 s at N = 1000, ~13 s at
                      N = 2952 on one core); auto = yes up to N = 3000            (default: auto)
  --vectors V         auto | yes | no: eigenvalues of J (spectral radius) and the left/right singular-vector
                      overlaps u_a . v_a with the random band 2.5/sqrt(N) (wasm kernels, O(N^3): ~10 s at
                      N = 1000, a few minutes at N = 2952); auto = yes up to N = 1500   (default: auto)
  --backend B         auto | wasm | js                                      (default: auto)
  --json FILE         also write { params, provenance, results } to FILE ("-" for stdout)

J_ij is the coupling from neuron j (pre) to neuron i (post). PR^S = (sum S^2)^2 / (N sum S^4); the
effective rank is the unnormalised (sum S^2)^2 / sum S^4. Both come from traces, without an SVD.`;

async function transmitterTable(file: string, names: string[]): Promise<(string | null)[]> {
  const text = await readFile(file, "utf8").catch(() => {
    throw new ConnectomeFormatError(file, null, "no such file");
  });
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2)
    throw new ConnectomeFormatError(file, null, "expected a header and at least one (name, transmitter) row");
  const delim = lines[0].includes("\t") ? "\t" : ",";
  const index = new Map(names.map((nm, k) => [nm, k]));
  const out: (string | null)[] = names.map(() => null);
  for (let k = 1; k < lines.length; k++) {
    const [name, nt] = lines[k].split(delim).map((s) => s.trim());
    if (nt === undefined) throw new ConnectomeFormatError(file, k + 1, "expected two columns: name, transmitter");
    const i = index.get(name);
    if (i === undefined)
      throw new ConnectomeFormatError(file, k + 1, `unknown neuron ${JSON.stringify(name)} (not in the connectome)`);
    out[i] = nt;
  }
  return out;
}

export async function connectomeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: "string" },
      layer: { type: "string" },
      include: { type: "string" },
      entry: { type: "string" },
      orientation: { type: "string" },
      labels: { type: "boolean" },
      "self-edges": { type: "string" },
      duplicates: { type: "string" },
      signs: { type: "string" },
      unsigned: { type: "string" },
      normalize: { type: "string" },
      "max-neurons": { type: "string" },
      backend: { type: "string" },
      json: { type: "string" },
      svd: { type: "string" },
      vectors: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(CONNECTOME_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`strand connectome takes one file; got ${positionals.length} (see strand connectome --help)`);
  const file = positionals[0];
  const params = {
    file,
    format: choice("--format", values.format, CONNECTOME_FORMATS, "auto"),
    layer: choice("--layer", values.layer, ["chemical", "electrical", "all"] as const, "chemical"),
    include: values.include,
    entry: values.entry,
    orientation: choice("--orientation", values.orientation, ["pre-rows", "post-rows"] as const, "pre-rows"),
    selfEdges: choice("--self-edges", values["self-edges"], ["keep", "drop"] as const, "keep"),
    duplicates: choice("--duplicates", values.duplicates, ["sum", "error"] as const, "sum"),
    signs: values.signs ?? "none",
    unsigned: choice("--unsigned", values.unsigned, ["drop", "keep"] as const, "drop"),
    normalize: choice("--normalize", values.normalize, ["none", "balanced"] as const, "none"),
    maxNeurons: integer("--max-neurons", values["max-neurons"], 20000, 2),
    backend: choice("--backend", values.backend, BACKEND_CHOICES, "auto"),
    svd: choice("--svd", values.svd, ["auto", "yes", "no"] as const, "auto"),
    vectors: choice("--vectors", values.vectors, ["auto", "yes", "no"] as const, "auto"),
  };
  const c = await readConnectome(file, {
    ...params,
    labels: values.labels,
    include: regex("--include", params.include),
  });
  // flags for another kind of file than the one read: an error, not silently ignored
  if (values.entry !== undefined && !/\.(zip|xlsx?)$/i.test(file) && !["zip", "excel"].includes(params.format))
    throw new UsageError(`invalid argument: \`--entry\` applies to .zip archives and workbooks; got ${file}`);
  const read = String(c.source.format);
  const onlyFor: [string, unknown, string[]][] = [
    ["--layer", values.layer, ["edgelist"]],
    ["--include", values.include, ["edgelist"]],
    ["--duplicates", values.duplicates, ["edgelist"]],
    ["--orientation", values.orientation, ["matrix", "npy"]],
    ["--labels", values.labels, ["matrix"]],
  ];
  for (const [flag, value, formats] of onlyFor)
    if (value !== undefined && !formats.includes(read))
      throw new UsageError(
        `invalid argument: \`${flag}\` applies to ${formats.join(" and ")} files; ${file} was read as ${read}`,
      );
  let J = c.J;
  let signs: SignSummary | null = null;
  if (params.signs !== "none") {
    const table = params.signs === "column" ? c.transmitters : await transmitterTable(params.signs, c.names);
    if (!table) throw new ConnectomeFormatError(file, null, "--signs column: the file has no neurotransmitter column");
    ({ J, summary: signs } = applySigns(c, table, { unsigned: params.unsigned }));
  }
  let normalization: Omit<NormalizeResult, "J"> | null = null;
  if (params.normalize === "balanced") {
    const r = normalizeBalanced(J, c.n);
    J = r.J;
    normalization = { iterations: r.iterations, residual: r.residual, converged: r.converged };
  }
  const be = await createBackend(params.backend);
  const structure = couplingStructure({ kind: "dense", n: c.n, J }, be);
  const svd = params.svd === "yes" || (params.svd === "auto" && c.n <= 3000) ? singularValues(c.n, J, be) : null;
  // numpy.linalg.matrix_rank's threshold: S_max * N * eps
  const numericalRank = svd ? svd.filter((v) => v > svd[0] * c.n * 2 ** -52).length : null;
  const vectors = params.vectors === "yes" || (params.vectors === "auto" && c.n <= 1500);
  const eig = vectors ? eigenvalues(c.n, J, be) : null;
  const overlaps = vectors ? modeOverlaps(c.n, singularVectors(c.n, J, be)) : null;
  const strongest = overlaps
    ? Array.from(overlaps.diagonal, (v, a) => [a, v] as const)
        .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
        .slice(0, 5)
    : [];
  const results = {
    n: c.n,
    stats: c.stats,
    source: c.source,
    signs,
    normalization,
    structure,
    numericalRank,
    singularValues: svd ? Array.from(svd) : null,
    eigenvalues: eig ? { re: Array.from(eig.re), im: Array.from(eig.im), spectralRadius: eig.spectralRadius } : null,
    overlaps: overlaps
      ? {
          diagonal: Array.from(overlaps.diagonal),
          k: overlaps.k,
          block: Array.from(overlaps.block),
          band: overlaps.band,
          outsideBand: overlaps.outsideBand,
        }
      : null,
    names: c.names,
  };
  const fmt = (v: number | null, d = 4) => formatNumber(v, d);
  const member = c.source.entry ? ` [${c.source.entry}]` : c.source.sheet ? ` [${c.source.sheet}]` : "";
  const complex = (k: number) =>
    `${fmt(eig!.re[k])}${eig!.im[k] ? `${eig!.im[k] > 0 ? "+" : "-"}${fmt(Math.abs(eig!.im[k]))}i` : ""}`;
  const lines = [
    `${file}${member} (${c.source.format}${c.source.layer ? `, ${c.source.layer}` : ""})`,
    `  neurons N          ${c.n}`,
    `  edges              ${c.stats.edges} nonzero entries, total weight ${fmt(c.stats.totalWeight, 6)}; ` +
      `${c.stats.selfEdges} self edges${c.stats.selfEdgesDropped ? " (dropped)" : ""}, ${c.stats.duplicateRows} repeated pairs summed`,
    ...(signs
      ? [
          `  signs              ${signs.excitatory} excitatory, ${signs.inhibitory} inhibitory, ${signs.ignored} ignored, ` +
            `${signs.unlabelled} unlabelled (unsigned outputs: ${signs.unsigned})`,
        ]
      : []),
    ...(normalization
      ? [
          `  normalisation      balanced, ${normalization.iterations} sweeps, residual ${fmt(normalization.residual, 2)}` +
            (normalization.converged ? "" : " (NOT converged)"),
        ]
      : []),
    `  PR^S               ${fmt(structure.prS)}   (i.i.d. square matrix: 0.5)`,
    `  effective rank     ${fmt(structure.effectiveRankS)}   ((sum S^2)^2 / sum S^4)`,
    `  N Var(J_ij)        ${fmt(structure.gEff2)}   (g_eff^2);  ` +
      `mean J_ij ${fmt(structure.meanJ)}, mean J_ii ${fmt(structure.meanDiagonal)}`,
    ...(svd
      ? [
          `  singular values    ${Array.from(svd.subarray(0, 6), (v) => fmt(v)).join(", ")}${c.n > 6 ? ", …" : ""};  ` +
            `numerical rank ${numericalRank}`,
        ]
      : ["  singular values    not computed (--svd yes to force)"]),
    ...(eig && overlaps
      ? [
          `  spectral radius    ${fmt(eig.spectralRadius)};  ` +
            `leading eigenvalues ${Array.from({ length: Math.min(3, c.n) }, (_, k) => complex(k)).join(", ")}`,
          `  mode overlaps      u_a.v_a outside the random band ±${fmt(overlaps.band, 3)}: ${overlaps.outsideBand} of ${c.n};  ` +
            `strongest ${strongest.map(([a, v]) => `a=${a + 1}: ${fmt(v, 3)}`).join(", ")}`,
        ]
      : ["  eigenvalues        not computed (--vectors yes to force; minutes above N ~ 2000)"]),
  ];
  // with --json - the JSON owns stdout, so the summary goes to stderr
  (values.json === "-" ? console.error : console.log)(lines.join("\n"));
  if (values.json !== undefined) {
    const doc = { params, provenance: provenance(be, { argv: ["connectome", ...argv] }), results };
    await writeFileAtomic(values.json, JSON.stringify(doc, null, 2) + "\n");
  }
  return 0;
}
