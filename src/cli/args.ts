/** Shared CLI helpers: usage errors and flag value checks with the library's message template. */
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

export function integer(flag: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!Number.isInteger(v) || v < min)
    throw new UsageError(`invalid argument: \`${flag}\` must be an integer >= ${min}; got ${describe(value)}`);
  return v;
}

export function regex(flag: string, value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value);
  } catch {
    throw new UsageError(`invalid argument: \`${flag}\` must be a regular expression; got ${describe(value)}`);
  }
}

/** A number for a summary line: `digits` significant digits, exponential below 1e-3 or from 1e4 on, "-" for
 *  null or non-finite values. */
export function formatNumber(v: number | null, digits = 4): string {
  if (v === null || !Number.isFinite(v)) return "-";
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : v.toPrecision(digits);
}
