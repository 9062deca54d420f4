/**
 * Resumable figure points (issue 28: `strand figures --full` runs for hours). A point is one unit of a figure's
 * expensive work — a simulation, a sampling single site, a Lyapunov run — named by a JSON key of everything that
 * determines it (network spec, phi, seeds, run). `once(key, compute)` runs it at most once per invocation and, with a
 * points file, appends its result as one JSON line (src/io/jsonl.ts: one write per complete line, so a killed run
 * leaves at most a torn last line, which resume cuts off). `strand figures --resume` reads the file back and computes
 * only the points it lacks: a killed run continues where it stopped. The file's header holds the mode, N and
 * networks per point, so points of another run are refused, not mixed in.
 *
 * Values are stored as JSON (typed arrays as arrays); a fresh value goes through the same round trip, so a figure sees
 * the same shapes whether its points were computed now or read back.
 */
import { existsSync } from "node:fs";
import { openResults, readResults, type ResultsFile } from "../io/jsonl.ts";

export interface PointStore {
  once<T>(key: Record<string, unknown>, compute: () => Promise<T>): Promise<T>;
  /** points read back from an earlier run, points computed in this one, and the compute time (s) the reused ones
   *  took when they ran (so that a resumed figure's time is what a run without the kill would have taken) */
  counts(): { reused: number; computed: number; reusedSeconds: number };
  close(): void;
}

/** typed arrays as plain arrays, NaN and infinities as null (what JSON.stringify does to a plain array's) */
const replacer = (_k: string, v: unknown) =>
  ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
/** a value as it reads back from JSON (what a point file or a queue job keeps of it) */
export const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v, replacer));

/**
 * A point store: in memory only (file null: the library's figures), or backed by a JSON Lines file (the CLI's
 * `<out>/points.jsonl`), continued when `resume` is set.
 */
export function pointStore(
  file: string | null,
  header: Record<string, unknown>,
  resume: boolean,
  /** called as each point computed here ends (the CLI's progress lines) */
  onPoint?: (p: { key: Record<string, unknown>; seconds: number }) => void,
): PointStore {
  const values = new Map<string, unknown>();
  const seconds = new Map<string, number>();
  const running = new Map<string, Promise<unknown>>();
  let results: ResultsFile | null = null;
  let reused = 0,
    computed = 0,
    reusedSeconds = 0;
  if (file) {
    if (resume && existsSync(file)) {
      results = openResults(file, header, true); // checks the header, cuts a torn tail
      for (const r of readResults(file).records) {
        values.set(r.key as string, r.value);
        seconds.set(r.key as string, Number(r.seconds) || 0);
      }
    } else results = openResults(file, header, false);
  }
  return {
    once<T>(key: Record<string, unknown>, compute: () => Promise<T>): Promise<T> {
      const k = JSON.stringify(key, replacer);
      let p = running.get(k) as Promise<T> | undefined;
      if (!p && values.has(k)) {
        reused++;
        reusedSeconds += seconds.get(k) ?? 0;
        p = Promise.resolve(values.get(k) as T);
        running.set(k, p);
      }
      if (!p) {
        const t0 = performance.now();
        p = compute().then((v) => {
          const stored = roundTrip(v);
          values.set(k, stored);
          const took = (performance.now() - t0) / 1000;
          results?.append({ key: k, value: stored, seconds: took });
          computed++;
          onPoint?.({ key, seconds: took });
          return stored;
        });
        running.set(k, p);
      }
      return p;
    },
    counts: () => ({ reused, computed, reusedSeconds }),
    close() {
      results?.close();
    },
  };
}

/** A point's key in one line: its kind and the plain fields of its spec, e.g. "simulate rmm n=5000 g=6 prD=0.05". */
export function pointLabel(key: Record<string, unknown>): string {
  const [kind, spec] = Object.entries(key)[0] ?? ["point", null];
  const fields =
    spec && typeof spec === "object"
      ? Object.entries(spec as Record<string, unknown>)
          .filter(([f, v]) => f !== "seed" && (typeof v === "number" || typeof v === "string"))
          .map(([f, v]) => (f === "coupling" || f === "kind" ? String(v) : `${f}=${v}`))
      : [];
  const seed = (spec as { seed?: unknown } | null)?.seed ?? key.seed;
  return [kind, ...fields, ...(seed !== undefined ? [`seed ${seed}`] : [])].join(" ");
}
