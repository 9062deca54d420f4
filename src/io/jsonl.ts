/**
 * Append-only JSON Lines results for sweeps (Node-only). Line 1 is a header describing the sweep; every
 * further line is one finished point with its key. Each line goes out in one write of a complete line, so
 * a killed sweep leaves at most one incomplete last line; on resume that tail is cut off, the header is
 * compared with the new sweep's (a file from a different sweep is refused), and the keys found are skipped.
 * Existing files are never overwritten: without resume, an existing file is an error.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";

export class ResultsFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "ResultsFileError";
  }
}

export interface ResultsFile {
  /** keys of the points already in the file */
  done: Set<string>;
  /** complete lines kept from an earlier run */
  previous: number;
  append(record: { key: string } & Record<string, unknown>): void;
  close(): void;
}

/** The complete (newline-terminated, non-empty) lines of a results file, and where they end: anything after
 *  the last newline is a write cut off by a kill. */
function completeLines(text: string): { lines: string[]; end: number } {
  const end = text.lastIndexOf("\n") + 1;
  return {
    lines: text
      .slice(0, end)
      .split("\n")
      .filter((l) => l !== ""),
    end,
  };
}

function writeAll(fd: number, text: string) {
  const buf = new TextEncoder().encode(text);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

export function openResults(file: string, header: Record<string, unknown>, resume: boolean): ResultsFile {
  const headerLine = JSON.stringify({ header });
  const done = new Set<string>();
  let previous = 0;
  let fd: number;
  if (existsSync(file)) {
    if (!resume)
      throw new ResultsFileError(
        file,
        "already exists; refusing to overwrite it (use --resume to continue that sweep, or another --out)",
      );
    const text = readFileSync(file, "utf8");
    const { lines, end } = completeLines(text);
    if (lines.length === 0 || lines[0] !== headerLine) {
      let found = "no header";
      try {
        found = JSON.stringify(JSON.parse(lines[0]).header);
      } catch {
        /* keep "no header" */
      }
      throw new ResultsFileError(
        file,
        `is from a different sweep (its header ${found.slice(0, 300)} differs from this one's ` +
          `${JSON.stringify(header).slice(0, 300)}); use another --out`,
      );
    }
    for (let i = 1; i < lines.length; i++) {
      let rec: { key?: unknown };
      try {
        rec = JSON.parse(lines[i]);
      } catch {
        throw new ResultsFileError(file, `line ${i + 1} is not valid JSON; the file was edited or damaged`);
      }
      if (typeof rec.key !== "string") throw new ResultsFileError(file, `line ${i + 1} has no key`);
      if (done.has(rec.key)) throw new ResultsFileError(file, `line ${i + 1} repeats a point already in the file`);
      done.add(rec.key);
    }
    previous = lines.length - 1;
    fd = openSync(file, "r+");
    ftruncateSync(fd, Buffer.byteLength(text.slice(0, end), "utf8"));
    closeSync(fd);
    fd = openSync(file, "a");
  } else {
    fd = openSync(file, "wx");
    writeAll(fd, headerLine + "\n");
  }
  return {
    done,
    previous,
    append(record) {
      if (done.has(record.key)) throw new Error(`internal: point ${record.key} written twice`);
      writeAll(fd, JSON.stringify(record) + "\n");
      done.add(record.key);
    },
    close() {
      closeSync(fd);
    },
  };
}

/** Read a results file: its header and records (a trailing incomplete line is ignored). */
export function readResults(file: string): { header: Record<string, unknown>; records: Record<string, unknown>[] } {
  const text = readFileSync(file, "utf8");
  const { lines } = completeLines(text);
  if (!lines.length) throw new ResultsFileError(file, "is empty");
  let first: { header?: Record<string, unknown> };
  try {
    first = JSON.parse(lines[0]);
  } catch {
    throw new ResultsFileError(file, "line 1 is not JSON (not a strand sweep results file)");
  }
  if (!first.header)
    throw new ResultsFileError(file, "has no sweep header on line 1 (not a strand sweep results file)");
  return {
    header: first.header,
    records: lines.slice(1).map((l, i) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new ResultsFileError(file, `line ${i + 2} is not valid JSON`);
      }
    }),
  };
}
