/** Shared CLI helpers: usage errors and flag value checks with the library's message template. */
import os from "node:os";
import { describe } from "../errors.ts";

export class UsageError extends Error {}

export function choice<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`invalid argument: \`${flag}\` must be one of ${choices.join(", ")}; got ${describe(value)}`);
  return value as T;
}

/** A decimal number as users type them ("3", "-0.5", "1e-3"): no hex, no trailing junk, no empty string. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A finite decimal number, or `fallback` when the flag is absent. */
export function finite(flag: string, value: string | undefined, fallback: number): number;
export function finite(flag: string, value: string | undefined): number | undefined;
export function finite(flag: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const x = Number(value.trim());
  if (!DECIMAL.test(value.trim()) || !Number.isFinite(x))
    throw new UsageError(`invalid argument: \`${flag}\` must be a finite decimal number; got ${describe(value)}`);
  return x;
}

export function integer(
  flag: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const v = DECIMAL.test(value.trim()) ? Number(value) : NaN;
  // a safe integer only: above 2^53 - 1 the number read would be another one (9007199254740993 -> ...992)
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new UsageError(
      `invalid argument: \`${flag}\` must be an integer ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `>= ${min}`}` +
        `${max === Number.MAX_SAFE_INTEGER ? " (and at most 2^53 - 1)" : ""}; got ${describe(value)}`,
    );
  return v;
}

/** This machine's cores: the most threads a command starts. */
export const CORES = os.availableParallelism?.() ?? os.cpus().length;

/** A thread count flag: an integer >= 1, capped at the machine's cores (more threads only compete for them). */
export function threadsFlag(flag: string, value: string | undefined): number {
  return Math.min(integer(flag, value, CORES, 1), CORES);
}

export function regex(flag: string, value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value);
  } catch {
    throw new UsageError(`invalid argument: \`${flag}\` must be a regular expression; got ${describe(value)}`);
  }
}

/**
 * Command lines as users type them, before node:util's parseArgs sees them: a negative number after a flag is that
 * flag's value (`--g -3` becomes `--g=-3`; parseArgs would call it ambiguous), and a flag given twice is an error
 * (parseArgs keeps the last silently).
 */
export function normalizeArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i],
      next = argv[i + 1];
    if (/^--[^=]+$/.test(t) && next !== undefined && /^-(\d|\.\d|inf|nan)/i.test(next)) {
      out.push(`${t}=${next}`);
      i++;
    } else out.push(t);
  }
  const seen = new Set<string>();
  for (const t of out) {
    if (t === "--") break;
    const m = /^--([^=]+)/.exec(t);
    if (!m) continue;
    if (seen.has(m[1])) throw new UsageError(`invalid argument: \`--${m[1]}\` is given more than once; give it once`);
    seen.add(m[1]);
  }
  return out;
}

/** A number for a summary line: `digits` significant digits, exponential below 1e-3 or from 1e4 on, "-" for
 *  null or non-finite values. */
export function formatNumber(v: number | null, digits = 4): string {
  if (v === null || !Number.isFinite(v)) return "-";
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : v.toPrecision(digits);
}
