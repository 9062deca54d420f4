/**
 * Shared pieces of the fuzz suite (test/fuzz/): the hostile values every numeric flag and option is tried with, the
 * messages no input may ever produce, and a deep check that an output holds no NaN, Infinity or negative dimension.
 * Budgets: each property runs a fixed number of cases from a fixed seed (FUZZ_SEED, or STRAND_FUZZ_SEED to explore),
 * so `npm test` stays reproducible and bounded (~1 minute for the suite).
 */
import fc from "fast-check";
import { expect } from "vitest";

export const FUZZ_SEED = Number(process.env.STRAND_FUZZ_SEED ?? 20261206);

/** fast-check's parameters for a property: fixed seed, `runs` cases, no shrinking past 10 s. */
export const params = (runs: number) => ({ seed: FUZZ_SEED, numRuns: runs, interruptAfterTimeLimit: 60_000 });

/** the families of bad values for a numeric flag, and random strings and numbers beside them */
export const hostileValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("-3", "-1", "0", "NaN", "Infinity", "-Infinity", "1e400", "1e308", "1e20") },
  {
    weight: 2,
    arbitrary: fc.constantFrom("abc", "0x40", "1.5e", "", " ", "1,5", "2 3", "--", "1e-9", "9007199254740993"),
  },
  { weight: 1, arbitrary: fc.double({ noNaN: false }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: -1e9, max: 1e9 }).map(String) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** messages that mean a bug reached the user (a crash dressed as an error) */
export const BUG_MESSAGES = new RegExp(
  [
    "Cannot read propert",
    "is not a function",
    "is not iterable",
    "undefined \\(reading",
    "Invalid typed array length",
    "Array buffer allocation failed",
    "is ambiguous",
    "Maximum call stack",
    "out of memory",
    "Invalid array length",
    "\\bat .*\\.(ts|js):\\d+",
  ].join("|"),
);

/** Every number in `value` (deeply) is finite; every key named like a dimension (pr…) is null or > 0. */
export function expectFiniteOutput(value: unknown, where = "result"): void {
  if (typeof value === "number") {
    expect(Number.isFinite(value), `${where} = ${value}`).toBe(true);
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (ArrayBuffer.isView(value)) {
    for (const v of value as unknown as Iterable<number>) if (!Number.isFinite(v)) expect(v, where).toBe("finite");
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (/^pr(Phi|X)?(Plugin|Unnormalized|Normalized|Readout)?$/.test(k) && typeof v === "number")
      expect(v as number, `${where}.${k} (a dimension)`).toBeGreaterThan(0);
    expectFiniteOutput(v, `${where}.${k}`);
  }
}
