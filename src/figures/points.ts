/**
 * Resumable figure points (issue 28: `strand figures --full` runs for hours). A point is one unit of a figure's
 * expensive work — a simulation, a sampling single site, a Lyapunov run — named by a JSON key of everything that
 * determines it (network spec, phi, seeds, run). Each kind of point is defined once (definePoint: its kind, the first
 * field of its keys, and how it is computed from its key alone and a PointContext — a backend, simulation threads, a
 * sampler pool, a team), so that a point can be computed wherever its key goes: here, or by a `strand worker` from a
 * queue job (src/figures/task.ts; computePoint). A figure asks for its points all at once (Promise.all); a store runs
 * them one at a time, in the order they were asked for (here), or hands each to a runner (the queue: as many at once
 * as there are workers).
 *
 * `once(key, compute)` runs a point at most once per invocation and, with a points file, appends its result as one
 * JSON line (src/io/jsonl.ts: one write per complete line, so a killed run leaves at most a torn last line, which
 * resume cuts off). `strand figures --resume` reads the file back and computes only the points it lacks: a killed run
 * continues where it stopped. A key longer than 4 kB (a sampling site's holds its N mode strengths) is kept by its
 * SHA-256 and label (keyId): the file stays about the size of its values. A point that fails in its parameters (a
 * permanent error: a sampling site whose strong mode condenses, a diverging run) is kept too, as its error, and a
 * resumed run fails it again at once instead of recomputing it. The file's header holds the mode, N and
 * networks per point, so points of another run are refused, not mixed in.
 *
 * Values are stored as JSON (typed arrays as arrays); a fresh value goes through the same round trip, and a point is
 * computed from its key's round trip, so a figure sees the same shapes, and a point the same key, wherever it ran.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import type { Backend } from "../backend/types.ts";
import type { Team } from "../backend/team.ts";
import type { GroupExecutor } from "../simulate/group.ts";
import type { SamplerPool } from "../io/sampler-pool.ts";
import { openResults, readResults, type ResultsFile } from "../io/jsonl.ts";
import { isPermanent } from "../sweep/tasks.ts";
import { VERSION } from "../version.ts";

/** What computing a point may use besides its key: a backend, simulation threads, the sampling theory's threads and
 *  (for Lyapunov runs) a team of threads sharing one trajectory; the last two started on first use. */
export interface PointContext {
  be: Backend;
  executor: GroupExecutor;
  sampler: () => Promise<SamplerPool>;
  /** undefined where the backend is not wasm */
  team: () => Promise<Team | undefined>;
}

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
/** a point's key as one string: the points file's and the queue's name of it */
export const keyText = (key: Record<string, unknown>) => JSON.stringify(key, replacer);

/** key texts longer than this are kept in a points file by their SHA-256 (a sampling site's key holds its N mode
 *  strengths: ~190 kB at N = 5000, three times its value) with the point's label beside it */
const KEY_TEXT_MAX = 4096;
/** how a points file names a point: its key's text, or "sha256:<hex>" of a long one */
export const keyId = (k: string) =>
  k.length > KEY_TEXT_MAX ? `sha256:${createHash("sha256").update(k).digest("hex")}` : k;

type Compute = (key: never, ctx: PointContext) => Promise<unknown>;
const KINDS = new Map<string, Compute>();

/**
 * Define a kind of point: `compute` gets the key (as it reads back from JSON) and a context, nothing else, so a worker
 * can compute it from its key. Returns the figures' way to ask for one: through the run's store (m.points), which
 * computes it here in turn, reads it back from an earlier run, or has a queue's worker compute it.
 */
export function definePoint<K extends Record<string, unknown>, V>(
  kind: string,
  compute: (key: K, ctx: PointContext) => Promise<V>,
): (m: PointContext & { points: PointStore }, key: K) => Promise<V> {
  if (KINDS.has(kind)) throw new Error(`internal: the point kind ${kind} is defined twice`);
  KINDS.set(kind, compute as Compute);
  return (m, key) => {
    if (Object.keys(key)[0] !== kind) throw new Error(`internal: a ${kind} point's key must start with ${kind}`);
    return m.points.once(key, () => compute(roundTrip(key), m));
  };
}

/**
 * Compute a point from its key's text (a queue job's): the kind is the key's first field. The kinds are the ones the
 * figure modules define (import src/figures/index.ts first). An unknown kind is a RangeError (permanent on a queue).
 */
export async function computePoint(key: string, ctx: PointContext): Promise<unknown> {
  const parsed = JSON.parse(key) as Record<string, unknown>;
  const kind = Object.keys(parsed)[0];
  const compute = KINDS.get(kind);
  if (!compute) throw new RangeError(`invalid argument: no kind of figure point \`${kind}\` in strand ${VERSION}`);
  return roundTrip(await compute(parsed as never, ctx));
}

/** How a store gets a point it lacks: computes it here (one at a time), or from a runner (a queue's workers, which
 *  say who computed it). */
export type PointRunner = (key: string) => Promise<{ value: unknown; seconds: number; worker?: unknown }>;

/**
 * A point store: in memory only (file null: a figure computed in one go), or backed by a JSON Lines file (the CLI's
 * `<out>/points.jsonl`), continued when `resume` is set. Points asked for together are computed one at a time, in
 * the order asked (a point's compute must not ask for another point), unless a runner computes them elsewhere.
 */
export function pointStore(
  file: string | null,
  header: Record<string, unknown>,
  resume: boolean,
  /** called as each point computed here ends (the CLI's progress lines) */
  onPoint?: (p: { key: Record<string, unknown>; seconds: number; error?: string }) => void,
  runner?: PointRunner,
): PointStore {
  const values = new Map<string, unknown>();
  /** points that failed in their parameters: their error's name and message */
  const failures = new Map<string, { name: string; message: string }>();
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
        const id = keyId(r.key as string); // the long keys of files written before they were hashed, too
        if (r.error) failures.set(id, r.error as { name: string; message: string });
        else values.set(id, r.value);
        seconds.set(id, Number(r.seconds) || 0);
      }
    } else results = openResults(file, header, false);
  }
  // here: one point at a time, in the order asked for; none starts once the store is closed (a figure that failed
  // leaves the points it asked for queued: they are not computed after the run)
  let turn: Promise<unknown> = Promise.resolve();
  let closed = false;
  const here =
    (compute: () => Promise<unknown>): PointRunner =>
    () => {
      const p = turn.then(async () => {
        if (closed) throw new Error("the figures' run ended before this point was computed");
        const t0 = performance.now();
        try {
          return { value: roundTrip(await compute()), seconds: (performance.now() - t0) / 1000 };
        } catch (e) {
          throw Object.assign(e as Error, { pointSeconds: (performance.now() - t0) / 1000 });
        }
      });
      turn = p.catch(() => undefined);
      return p;
    };
  return {
    once<T>(key: Record<string, unknown>, compute: () => Promise<T>): Promise<T> {
      const k = keyText(key),
        id = keyId(k);
      let p = running.get(id) as Promise<T> | undefined;
      if (!p && (values.has(id) || failures.has(id))) {
        reused++;
        reusedSeconds += seconds.get(id) ?? 0;
        const failed = failures.get(id);
        p = failed
          ? Promise.reject(Object.assign(new Error(failed.message), { name: failed.name }))
          : Promise.resolve(values.get(id) as T);
        p.catch(() => undefined);
        running.set(id, p);
      }
      if (!p) {
        // a point computed, or failed in its parameters here (a result too: failed again on resume), as a line
        const keep = (took: number, outcome: { value: unknown } | { error: { name: string; message: string } }) => {
          results?.append({
            key: id,
            ...(id === k ? {} : { label: pointLabel(key) }),
            ...outcome,
            seconds: took,
          });
          computed++;
          onPoint?.({ key, seconds: took, ...("error" in outcome ? { error: outcome.error.message } : {}) });
        };
        p = (runner ?? here(compute))(k).then(
          ({ value, seconds: took, worker }) => {
            values.set(id, value);
            keep(took, { value, ...(worker ? { worker } : {}) });
            return value as T;
          },
          (e: Error & { pointSeconds?: number }) => {
            if (e.pointSeconds !== undefined && isPermanent(e))
              keep(e.pointSeconds, { error: { name: e.name, message: e.message } });
            throw e;
          },
        );
        // a figure may ask for several points and await them one by one: a failure is its await's, not unhandled
        p.catch(() => undefined);
        running.set(id, p);
      }
      return p;
    },
    counts: () => ({ reused, computed, reusedSeconds }),
    close() {
      closed = true;
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
