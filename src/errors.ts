/**
 * Argument validation for every public function, with one message template:
 *   "invalid argument: `dt` must be a positive finite number; got `-0.1` (number)"
 * Shape and value problems throw RangeError; wrong kinds of value (a Float64Array where a Float32Array is
 * needed, a string for a number) throw TypeError. Kernels below this layer never check anything.
 */

export type FloatArray = Float32Array | Float64Array;
/** The working precision of arrays and kernels (accumulators are always float64). */
export type DType = "float32" | "float64";

/** Render a received value for an error message: short, with its type. */
export function describe(value: unknown): string {
  let shown: string;
  if (value instanceof Float32Array || value instanceof Float64Array) {
    shown = `${value.constructor.name}(${value.length})`;
  } else if (typeof value === "string") {
    shown = JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  } else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    shown = String(value);
  } else if (value === null || value === undefined) {
    shown = String(value);
  } else if (Array.isArray(value)) {
    shown = `Array(${value.length})`;
  } else {
    shown = Object.prototype.toString.call(value);
  }
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return `\`${shown}\` (${type})`;
}

export function invalid(
  name: string,
  requirement: string,
  value: unknown,
  Kind: typeof RangeError | typeof TypeError = RangeError,
): Error {
  return new Kind(`invalid argument: \`${name}\` ${requirement}; got ${describe(value)}`);
}

/** A non-negative integer size (n, m, k, lags...). */
export function checkSize(name: string, value: unknown, max = 2 ** 31 - 1): number {
  if (typeof value !== "number") throw invalid(name, "must be a non-negative integer", value, TypeError);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw invalid(
      name,
      max < 2 ** 31 - 1 ? `must be an integer in [0, ${max}]` : "must be a non-negative integer",
      value,
    );
  }
  return value;
}

/** A finite number, optionally with bounds; `positive` excludes 0. */
/** The largest coupling strength g (g_eff) accepted: by g = 1e3 the theory's observables sit at their g -> infinity
 *  limits to 3-4 digits (THEORY §4.5), and above ~1e5 the DMFT's time grid no longer resolves the fast start of C(tau)
 *  (g = 1e6 takes minutes, 1e20 never ends). */
export const G_MAX = 1e4;

/** A coupling strength g in [0, G_MAX]. */
export function checkG(name: string, value: unknown, opts: { positive?: boolean } = {}): number {
  return checkFinite(name, value, { ...opts, min: 0, max: G_MAX });
}

export function checkFinite(
  name: string,
  value: unknown,
  opts: { positive?: boolean; min?: number; max?: number } = {},
): number {
  if (typeof value !== "number") throw invalid(name, "must be a finite number", value, TypeError);
  if (!Number.isFinite(value)) throw invalid(name, "must be a finite number", value);
  if (opts.positive && !(value > 0)) throw invalid(name, "must be a positive finite number", value);
  if (opts.min !== undefined && value < opts.min) throw invalid(name, `must be >= ${opts.min}`, value);
  if (opts.max !== undefined && value > opts.max) throw invalid(name, `must be <= ${opts.max}`, value);
  return value;
}

export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float32Array ? "float32" : "float64";
}

/** A Float32Array or Float64Array of an exact length (and, when given, dtype). */
export function checkArray(name: string, value: unknown, length: number, dtype?: DType): FloatArray {
  if (!(value instanceof Float32Array || value instanceof Float64Array)) {
    throw invalid(
      name,
      dtype
        ? `must be a ${dtype === "float32" ? "Float32Array" : "Float64Array"}`
        : "must be a Float32Array or Float64Array",
      value,
      TypeError,
    );
  }
  if (dtype && dtypeOf(value) !== dtype) {
    throw invalid(
      name,
      `must be a ${dtype === "float32" ? "Float32Array" : "Float64Array"} (the dtype of the other arguments)`,
      value,
      TypeError,
    );
  }
  if (value.length !== length) throw invalid(name, `must have length ${length}`, value);
  return value;
}

export function checkDType(name: string, value: unknown): DType {
  if (value !== "float32" && value !== "float64")
    throw invalid(name, 'must be "float32" or "float64"', value, TypeError);
  return value;
}

export function checkOneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw invalid(
      name,
      `must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`,
      value,
      typeof value === "string" ? RangeError : TypeError,
    );
  }
  return value as T;
}

/** A solver that did not converge; carries its diagnostics (residual, iterations, ...). */
export class ConvergenceError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Record<string, number>,
  ) {
    super(message);
    this.name = "ConvergenceError";
  }
}

/** Edit distance between two strings (insertions, deletions, substitutions), for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/**
 * An options object holds only known keys: an unknown one (a typo such as `trails`, `effectiverank`) is an error
 * naming the nearest valid key, not silently ignored (an ignored `effectiverank` returns the i.i.d. answer).
 * Keys whose value is undefined are skipped (spreading optional fields is common).
 */
export function checkKeys(what: string, value: unknown, allowed: readonly string[]): void {
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || allowed.includes(k)) continue;
    const near = allowed
      .map((a) => ({ a, d: a.toLowerCase() === k.toLowerCase() ? 0 : editDistance(k.toLowerCase(), a.toLowerCase()) }))
      .sort((x, y) => x.d - y.d)[0];
    const hint = near && near.d <= Math.max(2, Math.floor(k.length / 3)) ? `; did you mean \`${near.a}\`?` : "";
    throw new TypeError(`invalid argument: unknown option \`${k}\` in ${what}${hint} (valid: ${allowed.join(", ")})`);
  }
}
