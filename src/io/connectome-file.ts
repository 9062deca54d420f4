/**
 * Reading connectome files (Node only): CSV/TSV edge lists, dense CSV/TSV matrices, NumPy .npy matrices,
 * zip archives holding either (e.g. the larval Drosophila supplement; fflate unzips in memory), and Excel
 * workbooks holding an edge-list sheet (e.g. the OpenWorm neuron tables; read with SheetJS). The format is
 * taken from the extension, and for text files from the header (an edge list names pre/post columns).
 * Every problem is one ConnectomeFormatError line "file[:line]: problem".
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { WorkBook } from "xlsx";
import {
  ConnectomeFormatError,
  connectomeFromMatrix,
  looksLikeEdgeList,
  parseDenseMatrix,
  parseEdgeList,
  type Connectome,
  type EdgeListOptions,
  type MatrixOptions,
} from "../network/connectome.ts";
import { readNpy } from "./npy.ts";

export type ConnectomeFormat = "auto" | "edgelist" | "matrix" | "npy" | "zip" | "excel";
export const CONNECTOME_FORMATS: readonly ConnectomeFormat[] = ["auto", "edgelist", "matrix", "npy", "zip", "excel"];

export interface ReadOptions extends EdgeListOptions, MatrixOptions {
  format?: ConnectomeFormat;
  /** zip: the member to read (default: a name containing "all-all", else the only CSV); excel: the sheet */
  entry?: string;
  /** refuse files larger than this many bytes (default 1 GiB) */
  maxBytes?: number;
}

/** The default larval matrix in Winding et al.'s supplement. */
const PREFERRED_ENTRY = /all-all_connectivity_matrix\.csv$/;

/**
 * The header a header-less edge list lacks, when the content says it is one: every line 2 or 3 cells, the first two
 * non-negative integers (neuron indices), the third a number; and not a square matrix (as many lines as cells per line:
 * a 3 x 3 numeric file stays a matrix). Else null.
 */
export function headerlessEdgeList(text: string): string | null {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const delimiter = /\t/.test(lines[0] ?? "") ? "\t" : lines[0]?.includes(";") && !lines[0].includes(",") ? ";" : ",";
  const widths = new Set<number>();
  for (const l of lines) {
    const c = l.split(delimiter).map((x) => x.trim());
    if (c.length < 2 || c.length > 3 || !/^\d+$/.test(c[0]) || !/^\d+$/.test(c[1])) return null;
    if (c.length === 3 && !(c[2] !== "" && Number.isFinite(Number(c[2])))) return null;
    widths.add(c.length);
  }
  if (widths.size !== 1 || lines.length === [...widths][0]) return null;
  return (widths.has(3) ? ["pre", "post", "weight"] : ["pre", "post"]).join(delimiter);
}

function fromText(text: string, file: string, opts: ReadOptions, format: ConnectomeFormat): Connectome {
  const firstLine = text.slice(0, Math.max(0, text.indexOf("\n")) || text.length);
  if (format === "auto" && !looksLikeEdgeList(firstLine)) {
    const header = headerlessEdgeList(text);
    if (header !== null) return parseEdgeList(`${header}\n${text}`, file, { ...opts, headerless: true });
  }
  const kind = format === "auto" ? (looksLikeEdgeList(firstLine) ? "edgelist" : "matrix") : format;
  return kind === "edgelist" ? parseEdgeList(text, file, opts) : parseDenseMatrix(text, file, opts);
}

/** A square 2-D .npy array of finite numbers as a connectome (a file, or a zip member at `file`). */
function npyConnectome(bytes: Uint8Array, file: string, opts: ReadOptions): Connectome {
  let arr;
  try {
    arr = readNpy(bytes, file);
  } catch (err) {
    throw new ConnectomeFormatError(file, null, (err as Error).message.replace(`${file}: `, ""));
  }
  if (arr.shape.length !== 2 || arr.shape[0] !== arr.shape[1])
    throw new ConnectomeFormatError(file, null, `expected a square 2-D array, got shape (${arr.shape.join(", ")})`);
  for (const v of arr.data)
    if (!Number.isFinite(v)) throw new ConnectomeFormatError(file, null, "the array holds a non-finite value");
  const n = arr.shape[0];
  const names = Array.from({ length: n }, (_, k) => String(k));
  return connectomeFromMatrix(arr.data, n, names, file, "npy", opts);
}

export async function readConnectome(file: string, opts: ReadOptions = {}): Promise<Connectome> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new ConnectomeFormatError(file, null, "no such file");
  }
  if (!info.isFile()) throw new ConnectomeFormatError(file, null, "not a regular file");
  const maxBytes = opts.maxBytes ?? 2 ** 30;
  if (info.size > maxBytes)
    throw new ConnectomeFormatError(
      file,
      null,
      `file of ${info.size} bytes exceeds the ${maxBytes}-byte limit (raise maxBytes to proceed)`,
    );
  if (info.size === 0) throw new ConnectomeFormatError(file, null, "the file is empty");
  const bytes = new Uint8Array(await readFile(file));
  const ext = path.extname(file).toLowerCase();
  const format = opts.format ?? "auto";
  const kind =
    format !== "auto" && format !== "edgelist" && format !== "matrix"
      ? format
      : ext === ".npy"
        ? "npy"
        : ext === ".zip"
          ? "zip"
          : ext === ".xls" || ext === ".xlsx"
            ? "excel"
            : format;

  if (kind === "npy") return npyConnectome(bytes, file, opts);
  if (kind === "zip") {
    // fflate and xlsx load only when a file needs them (xlsx alone is ~0.1 s of start-up)
    const { unzipSync } = await import("fflate");
    let members: Record<string, Uint8Array>;
    try {
      members = unzipSync(bytes, {
        filter: (f) => !f.name.startsWith("__MACOSX/") && !f.name.endsWith("/") && /\.(csv|tsv|txt|npy)$/i.test(f.name),
      });
    } catch (err) {
      throw new ConnectomeFormatError(file, null, `not a readable zip archive (${(err as Error).message})`);
    }
    const names = Object.keys(members).sort();
    const entry = opts.entry
      ? names.find((nm) => nm === opts.entry || nm.endsWith("/" + opts.entry))
      : (names.find((nm) => PREFERRED_ENTRY.test(nm)) ?? (names.length === 1 ? names[0] : undefined));
    if (!entry) {
      throw new ConnectomeFormatError(
        file,
        null,
        opts.entry
          ? `no member ${JSON.stringify(opts.entry)}; members: ${names.join(", ")}`
          : `choose a member with --entry; members: ${names.join(", ")}`,
      );
    }
    const where = `${file}!${entry}`;
    const c = entry.toLowerCase().endsWith(".npy")
      ? npyConnectome(members[entry], where, opts)
      : fromText(new TextDecoder().decode(members[entry]), where, opts, format === "auto" ? "auto" : format);
    c.source = { ...c.source, archive: file, entry };
    return c;
  }
  if (kind === "excel") {
    // SheetJS never returns on some truncated archives: a workbook must be a whole zip (.xlsx) or an OLE compound
    // file (.xls) before it is handed over
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b,
      ole = [0xd0, 0xcf, 0x11, 0xe0].every((b, k) => bytes[k] === b);
    if (!zip && !ole)
      throw new ConnectomeFormatError(file, null, "not an Excel workbook (neither .xlsx nor .xls bytes)");
    if (zip) {
      const { unzipSync } = await import("fflate");
      try {
        unzipSync(bytes);
      } catch (err) {
        throw new ConnectomeFormatError(file, null, `not a readable Excel workbook (${(err as Error).message})`);
      }
    }
    const XLSX = await import("xlsx");
    let wb: WorkBook;
    try {
      wb = XLSX.read(bytes, { type: "array" });
    } catch (err) {
      throw new ConnectomeFormatError(file, null, `not a readable Excel workbook (${(err as Error).message})`);
    }
    const sheetNames = wb.SheetNames;
    const csvOf = (nm: string) => XLSX.utils.sheet_to_csv(wb.Sheets[nm], { blankrows: false });
    const sheet = opts.entry
      ? sheetNames.find((nm) => nm === opts.entry)
      : sheetNames.find((nm) => looksLikeEdgeList(csvOf(nm).split("\n", 1)[0] ?? ""));
    if (!sheet)
      throw new ConnectomeFormatError(
        file,
        null,
        opts.entry
          ? `no sheet ${JSON.stringify(opts.entry)}; sheets: ${sheetNames.join(", ")}`
          : `no sheet with an edge-list header (pre/post columns); sheets: ${sheetNames.join(", ")} — choose one with --entry`,
      );
    const c = fromText(csvOf(sheet), `${file}!${sheet}`, opts, "edgelist");
    c.source = { ...c.source, workbook: file, sheet };
    return c;
  }
  return fromText(new TextDecoder().decode(bytes), file, opts, format);
}
