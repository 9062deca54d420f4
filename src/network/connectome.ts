/**
 * Real connectomes as coupling matrices (THEORY §6): parsing edge lists and dense matrices (signs and the
 * balanced normalisation are in src/network/signs.ts). Pure functions of text and arrays (no
 * file access: src/io/connectome-file.ts reads files, zips and spreadsheets and calls these).
 *
 * Convention: J_ij is the coupling from neuron j (presynaptic) to neuron i (postsynaptic), as in the
 * dynamics dx_i/dt = -x_i + sum_j J_ij phi(x_j). Adjacency files list pre -> post (rows presynaptic for
 * dense matrices, by default), so J = A^T.

 */
// the browser build of csv-parse: the same parser with its own Buffer shim, so the core needs no Node globals
import { parse } from "csv-parse/browser/esm/sync";

/** A connectome file that cannot be read as what it claims to be (names the file, the line and the problem). */
export class ConnectomeFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ""}: ${problem}`);
    this.name = "ConnectomeFormatError";
  }
}

/** What parsing a connectome found: edges, weights, skipped, duplicate and self rows. */
export interface ConnectomeStats {
  /** nonzero entries of J */
  edges: number;
  totalWeight: number;
  /** data rows read (after the layer filter) */
  rows: number;
  /** rows skipped by the layer or name filter */
  skippedRows: number;
  /** rows repeating a (pre, post) pair already seen; their weights are summed */
  duplicateRows: number;
  /** rows with pre = post (kept on the diagonal unless dropped) */
  selfEdges: number;
  selfEdgesDropped: boolean;
}

/** A connectome as a coupling matrix J (J_ij from presynaptic j to postsynaptic i) with names and provenance. */
export interface Connectome {
  n: number;
  names: string[];
  /** n x n row-major, J_ij = weight from j (pre) to i (post) */
  J: Float64Array;
  /** per-neuron transmitter label when the file has one */
  transmitters: (string | null)[] | null;
  stats: ConnectomeStats;
  source: Record<string, unknown>;
}

export type Layer = "chemical" | "electrical" | "all";

/** Options of parseEdgeList: layer, name filter, self edges, size limit. */
export interface EdgeListOptions {
  /** which synapse type to keep when the file has a type column (default "chemical") */
  layer?: Layer;
  /** keep only neurons whose (trimmed) name matches */
  include?: RegExp;
  /** "sum" (default) adds repeated (pre, post) rows; "error" rejects them */
  duplicates?: "sum" | "error";
  /** "keep" (default) or "drop" self edges */
  selfEdges?: "keep" | "drop";
  /** refuse more neurons than this (dense n x n float64 memory) */
  maxNeurons?: number;
  /** the text's first line is a header added by the reader to a header-less file (line numbers shift by one) */
  headerless?: boolean;
}

const PRE = ["source", "pre", "presynaptic", "from", "origin", "i", "pre_id", "presynaptic_id"];
const POST = ["target", "post", "postsynaptic", "to", "j", "post_id", "postsynaptic_id"];
const WEIGHT = ["weight", "count", "number of connections", "synapses", "syn_count", "w", "nsyn"];
const TYPE = ["type", "synapse_type", "layer"];
const TRANSMITTER = ["neurotransmitter", "transmitter", "nt"];
const CHEMICAL = /^(chemical|chem|send|s|sp|synapse)$/i;
const ELECTRICAL = /^(electrical|gapjunction|gap_junction|gap junction|gap|ej|generic_gj)$/i;

function findColumn(header: string[], names: string[]): number {
  for (let k = 0; k < header.length; k++) if (names.includes(header[k].trim().toLowerCase())) return k;
  return -1;
}

/** Does a header row look like an edge list? */
export function looksLikeEdgeList(headerLine: string): boolean {
  const cells = headerLine.split(/[,\t;]/).map((c) => c.trim().toLowerCase().replace(/^"|"$/g, ""));
  return cells.some((c) => PRE.includes(c)) && cells.some((c) => POST.includes(c));
}

function sniffDelimiter(text: string): string {
  const first = text.slice(0, text.indexOf("\n") >= 0 ? text.indexOf("\n") : text.length);
  return first.includes("\t") ? "\t" : first.includes(";") && !first.includes(",") ? ";" : ",";
}

function parseRows(text: string, file: string): { rows: string[][]; lines: number[] } {
  if (text.trim() === "") throw new ConnectomeFormatError(file, null, "the file is empty");
  const delimiter = sniffDelimiter(text);
  if (!text.includes('"')) {
    // fast path for unquoted files (the 35 MB larval matrix): split lines and cells directly
    const rows: string[][] = [],
      lines: number[] = [];
    const all = text.split("\n");
    for (let k = 0; k < all.length; k++) {
      let line = all[k];
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (k === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.trim() === "") continue;
      rows.push(line.split(delimiter));
      lines.push(k + 1);
    }
    return { rows, lines };
  }
  try {
    const records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      bom: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return { rows: records.map((r) => r.record), lines: records.map((r) => r.info.lines) };
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new ConnectomeFormatError(file, e.lines ?? null, `not valid CSV/TSV (${e.message ?? String(err)})`);
  }
}

function checkMax(file: string, n: number, max: number) {
  if (n > max)
    throw new ConnectomeFormatError(
      file,
      null,
      `${n} neurons exceed the limit of ${max} (a dense ${n} x ${n} float64 matrix needs ` +
        `${((n * n * 8) / 2 ** 30).toFixed(1)} GiB); raise maxNeurons to proceed`,
    );
}

/**
 * An edge list (CSV/TSV with a header naming pre, post and optionally weight, type and transmitter
 * columns; names are trimmed). Header names i/j with integer values are taken as 0-based neuron indices.
 */
export function parseEdgeList(text: string, file: string, opts: EdgeListOptions = {}): Connectome {
  const parsed = parseRows(text, file);
  const rows = parsed.rows,
    lines = opts.headerless ? parsed.lines.map((l) => l - 1) : parsed.lines;
  const header = rows[0];
  const iPre = findColumn(header, PRE),
    iPost = findColumn(header, POST);
  if (iPre < 0 || iPost < 0) {
    throw new ConnectomeFormatError(
      file,
      lines[0],
      `the header must name a presynaptic column (${PRE.join("/")}) and a postsynaptic column ` +
        `(${POST.join("/")}); found ${JSON.stringify(header)}`,
    );
  }
  const iW = findColumn(header, WEIGHT),
    iType = findColumn(header, TYPE),
    iNt = findColumn(header, TRANSMITTER);
  const indexed =
    ["i"].includes(header[iPre].trim().toLowerCase()) && ["j"].includes(header[iPost].trim().toLowerCase());
  const layer = opts.layer ?? "chemical";
  const selfDrop = opts.selfEdges === "drop";
  const entries: { pre: string; post: string; w: number; line: number }[] = [];
  const transmitterOf = new Map<string, string>();
  // neurons: every name on a row that passes the name filter, whatever its layer (a neuron with only gap
  // junctions is still a neuron of the chemical matrix, with an empty row and column)
  const nodes = new Set<string>();
  let skipped = 0;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const line = lines[r];
    if (row.length < header.length)
      throw new ConnectomeFormatError(file, line, `expected ${header.length} columns, found ${row.length}`);
    const pre = row[iPre].trim(),
      post = row[iPost].trim();
    if (pre === "" || post === "") throw new ConnectomeFormatError(file, line, "empty neuron name");
    if (!opts.include || (opts.include.test(pre) && opts.include.test(post))) {
      nodes.add(pre);
      nodes.add(post);
    }
    if (iType >= 0 && layer !== "all") {
      const t = row[iType].trim();
      const isChem = CHEMICAL.test(t),
        isElec = ELECTRICAL.test(t);
      if (!isChem && !isElec)
        throw new ConnectomeFormatError(
          file,
          line,
          `unknown synapse type ${JSON.stringify(t)} (expected chemical or electrical/gap junction)`,
        );
      if ((layer === "chemical") !== isChem) {
        skipped++;
        continue;
      }
    }
    if (opts.include && !(opts.include.test(pre) && opts.include.test(post))) {
      skipped++;
      continue;
    }
    let w = 1;
    if (iW >= 0) {
      const s = row[iW].trim();
      w = Number(s);
      if (s === "" || !Number.isFinite(w))
        throw new ConnectomeFormatError(file, line, `weight ${JSON.stringify(s)} is not a finite number`);
    }
    if (indexed && !(/^\d+$/.test(pre) && /^\d+$/.test(post)))
      throw new ConnectomeFormatError(
        file,
        line,
        `columns i, j must hold 0-based integer neuron indices; got ${JSON.stringify([pre, post])}`,
      );
    if (iNt >= 0 && !(iType >= 0 && ELECTRICAL.test(row[iType].trim()))) {
      const nt = row[iNt].trim();
      const prev = transmitterOf.get(pre);
      if (prev !== undefined && prev !== nt && nt !== "")
        throw new ConnectomeFormatError(file, line, `neuron ${pre} has two transmitters (${prev}, ${nt})`);
      if (nt !== "") transmitterOf.set(pre, nt);
    }
    entries.push({ pre, post, w, line });
  }
  if (entries.length === 0)
    throw new ConnectomeFormatError(
      file,
      null,
      `no edges${skipped ? ` left after the layer/name filter (${skipped} rows skipped)` : ""}`,
    );
  let names: string[];
  const index = new Map<string, number>();
  if (indexed) {
    let max = 0;
    for (const e of entries) max = Math.max(max, Number(e.pre), Number(e.post));
    names = Array.from({ length: max + 1 }, (_, k) => String(k));
  } else {
    names = [...nodes].sort();
  }
  names.forEach((nm, k) => index.set(nm, k));
  const n = names.length;
  checkMax(file, n, opts.maxNeurons ?? 20000);
  const J = new Float64Array(n * n);
  const seen = new Set<number>();
  let duplicates = 0,
    self = 0;
  for (const e of entries) {
    const i = index.get(e.post)!,
      j = index.get(e.pre)!;
    const key = i * n + j;
    if (seen.has(key)) {
      if (opts.duplicates === "error")
        throw new ConnectomeFormatError(file, e.line, `duplicate edge ${e.pre} -> ${e.post}`);
      duplicates++;
    }
    seen.add(key);
    if (i === j) {
      self++;
      if (selfDrop) continue;
    }
    J[key] += e.w;
  }
  const transmitters = transmitterOf.size ? names.map((nm) => transmitterOf.get(nm) ?? null) : null;
  return {
    n,
    names,
    J,
    transmitters,
    stats: {
      ...countEdges(J),
      rows: entries.length,
      skippedRows: skipped,
      duplicateRows: duplicates,
      selfEdges: self,
      selfEdgesDropped: selfDrop,
    },
    source: {
      file,
      format: "edgelist",
      layer: iType >= 0 ? layer : "untyped",
      ...(opts.include ? { include: String(opts.include) } : {}),
    },
  };
}

function countEdges(J: Float64Array) {
  let edges = 0,
    totalWeight = 0;
  for (const v of J) {
    if (v !== 0) edges++;
    totalWeight += v;
  }
  return { edges, totalWeight };
}

/** Options of parseDenseMatrix: orientation, labels, size limit. */
export interface MatrixOptions {
  /** "pre-rows" (default: row = presynaptic, as in adjacency files) or "post-rows" (row = postsynaptic, i.e. J itself) */
  orientation?: "pre-rows" | "post-rows";
  /** the first row and the first column are neuron ids (default: only when they are not numbers — a numeric cell is
   *  never taken for an id unless this is set) */
  labels?: boolean;
  selfEdges?: "keep" | "drop";
  maxNeurons?: number;
}

/** A dense square matrix from its rows (numbers); used for CSV matrices and .npy arrays. */
export function connectomeFromMatrix(
  A: Float64Array,
  n: number,
  names: string[],
  file: string,
  format: string,
  opts: MatrixOptions = {},
): Connectome {
  if (!(n >= 1)) throw new ConnectomeFormatError(file, null, "the matrix is empty (0 neurons)");
  checkMax(file, n, opts.maxNeurons ?? 20000);
  const J = new Float64Array(n * n);
  const pre = (opts.orientation ?? "pre-rows") === "pre-rows";
  let self = 0;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const v = A[r * n + c];
      if (r === c && v !== 0) {
        self++;
        if (opts.selfEdges === "drop") continue;
      }
      if (pre) J[c * n + r] = v;
      else J[r * n + c] = v;
    }
  let rows = 0;
  for (const v of A) if (v !== 0) rows++;
  return {
    n,
    names,
    J,
    transmitters: null,
    stats: {
      ...countEdges(J),
      rows,
      skippedRows: 0,
      duplicateRows: 0,
      selfEdges: self,
      selfEdgesDropped: opts.selfEdges === "drop",
    },
    source: { file, format, orientation: opts.orientation ?? "pre-rows" },
  };
}

/** A dense matrix in CSV/TSV: optional header row of neuron ids (then each row starts with its id). Ids are
 *  recognised as cells that are not numbers (or, with `labels`, as the first row and column whatever they hold); the
 *  shape comes from the data: N rows of N numbers (after the ids), anything else is refused with the shape found. */
export function parseDenseMatrix(text: string, file: string, opts: MatrixOptions = {}): Connectome {
  const { rows, lines } = parseRows(text, file);
  const isNumber = (c: string) => c.trim() !== "" && Number.isFinite(Number(c));
  const firstIsHeader =
    opts.labels === true || rows[0].some((c) => c.trim() !== "" && !isNumber(c)) || rows[0][0].trim() === "";
  const body = firstIsHeader ? rows.slice(1) : rows;
  const bodyLines = firstIsHeader ? lines.slice(1) : lines;
  const n = body.length;
  if (n === 0) throw new ConnectomeFormatError(file, null, "the matrix has no rows");
  // row ids: with a header row, one more header cell than rows; without, a first column that is not numbers
  const hasIds = firstIsHeader
    ? rows[0].length === n + 1
    : opts.labels === true || (body[0].length === n + 1 && body.every((r) => r[0] !== undefined && !isNumber(r[0])));
  const widths = new Set(body.map((r) => r.length - (hasIds ? 1 : 0)));
  if (widths.size === 1 && !widths.has(n)) {
    const w = [...widths][0];
    throw new ConnectomeFormatError(
      file,
      null,
      `a connectivity matrix must be square: found ${n} rows of ${w} numbers` +
        (firstIsHeader ? ` after a header row of ${rows[0].length} ids` : "") +
        (hasIds ? " and a first column of ids" : "") +
        " (a numeric first row or column is data, not ids, unless --labels / labels: true says so)",
    );
  }
  const names = hasIds
    ? (firstIsHeader ? rows[0].slice(1) : body.map((r) => r[0])).map((s) => s.trim())
    : Array.from({ length: n }, (_, k) => String(k));
  checkMax(file, n, opts.maxNeurons ?? 20000);
  const A = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const row = body[r];
    const off = hasIds ? 1 : 0;
    if (row.length !== n + off)
      throw new ConnectomeFormatError(
        file,
        bodyLines[r],
        `expected ${n + off} cells in a ${n} x ${n} matrix row, found ${row.length}`,
      );
    if (hasIds && firstIsHeader && row[0].trim() !== names[r])
      throw new ConnectomeFormatError(
        file,
        bodyLines[r],
        `row id ${JSON.stringify(row[0].trim())} does not match column id ` +
          `${JSON.stringify(names[r])} (rows and columns must be in the same order)`,
      );
    for (let c = 0; c < n; c++) {
      const s = row[c + off].trim();
      const v = s === "" ? 0 : Number(s);
      if (!Number.isFinite(v))
        throw new ConnectomeFormatError(
          file,
          bodyLines[r],
          `entry ${JSON.stringify(s)} in column ${c + off + 1} is not a finite number`,
        );
      A[r * n + c] = v;
    }
  }
  return connectomeFromMatrix(A, n, names, file, "matrix", opts);
}
