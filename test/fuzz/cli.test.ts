/**
 * Fuzz of the command line (in-process, through main(): the same parser and checks as bin/strand.js): every flag
 * of `simulate` (with --dry-run, so a valid line stops before drawing J) and `theory` (i.i.d., the closed-form path)
 * with hostile values, repeated flags and missing values. Property: exit 0, 1 or 2; on failure one line on stderr
 * starting "strand: ", never a crash message; on success no NaN/Infinity printed.
 */
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { BUG_MESSAGES, hostileValue, params } from "./fuzz.ts";

let out: string[], err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
});
afterEach(() => vi.restoreAllMocks());

async function run(argv: string[]) {
  out.length = 0;
  err.length = 0;
  const code = await main(argv);
  const stderr = err.join("\n"),
    stdout = out.join("\n");
  expect([0, 1, 2], argv.join(" ")).toContain(code);
  expect(stderr + stdout, argv.join(" ")).not.toMatch(BUG_MESSAGES);
  if (code !== 0) {
    expect(stderr.trim().split("\n"), argv.join(" ")).toHaveLength(1);
    expect(stderr, argv.join(" ")).toMatch(/^strand: /);
  } else expect(stdout, argv.join(" ")).not.toMatch(/\bNaN\b|Infinity|± -/);
  return code;
}

const SIMULATE_FLAGS = [
  "--n",
  "--g",
  "--dt",
  "--duration",
  "--burn-in",
  "--trials",
  "--lags",
  "--blocks",
  "--sample-every",
  "--sigma",
  "--input",
  "--seed",
  "--alpha",
  "--pr-g",
  "--effective-rank",
  "--max-memory",
  "--max-time",
  "--workers",
  "--method",
  "--phi",
  "--dtype",
  "--statistics",
  "--coupling",
  "--symmetry",
  "--overlap-gamma",
];
const LYAPUNOV_FLAGS = [
  "--n",
  "--g",
  "--k",
  "--dt",
  "--duration",
  "--burn-in",
  "--warm-up",
  "--qr-every",
  "--blocks",
  "--sigma",
  "--input",
  "--seed",
  "--method",
  "--phi",
  "--dtype",
  "--workers",
  "--max-time",
  "--coupling",
  "--alpha",
];
const THEORY_FLAGS = ["--g", "--seed", "--phi", "--n", "--alpha", "--paths", "--threads", "--pr-g"];
const NETWORK_FLAGS = [
  "--n",
  "--g",
  "--alpha",
  "--spectrum",
  "--pr-d",
  "--beta-d",
  "--gamma",
  "--effective-rank",
  "--pr-g",
  "--overlap-gamma",
  "--overlap-beta",
  "--seed",
  "--backend",
  "--symmetry",
  "--layer",
  "--stand-in",
];
const CONNECTOME_FLAGS = [
  "--format",
  "--layer",
  "--orientation",
  "--self-edges",
  "--duplicates",
  "--max-neurons",
  "--svd",
  "--vectors",
  "--normalize",
  "--signs",
  "--unsigned",
  "--include",
  "--entry",
  "--backend",
  "--labels",
];

/** a command line: some flags with hostile values, sometimes one repeated or left without a value */
const line = (flags: string[]) =>
  fc
    .tuple(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...flags), hostileValue), {
        minLength: 1,
        maxLength: 3,
        selector: (x) => x[0],
      }),
      fc.constantFrom("none", "repeat", "missing"),
    )
    .map(([pairs, twist]) => {
      const argv = pairs.flatMap(([f, v]) => [f, v]);
      if (twist === "repeat") argv.push(pairs[0][0], pairs[0][1]);
      if (twist === "missing") argv.push(pairs[0][0] === "--g" ? "--n" : "--g");
      return argv;
    });

const dir = mkdtempSync(path.join(os.tmpdir(), "strand-fuzz-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the command line under fuzz", () => {
  it("refuses or answers every simulate line with one clear line (--dry-run)", async () => {
    await fc.assert(
      fc.asyncProperty(line(SIMULATE_FLAGS), async (argv) => {
        await run(["simulate", "--coupling", "iid", ...argv, "--dry-run"]);
      }),
      params(600),
    );
  }, 60_000);

  it("refuses or answers every lyapunov line with one clear line (--dry-run)", async () => {
    await fc.assert(
      fc.asyncProperty(line(LYAPUNOV_FLAGS), async (argv) => {
        await run(["lyapunov", "--coupling", "iid", ...argv, "--dry-run"]);
      }),
      params(300),
    );
  }, 60_000);

  it("refuses or answers every i.i.d. theory line with one clear line", async () => {
    await fc.assert(
      fc.asyncProperty(line(THEORY_FLAGS), async (argv) => {
        await run(["theory", "--coupling", "iid", ...argv]);
      }),
      params(80),
    );
  }, 60_000);

  it("refuses or answers every network line (N = 30, so every valid one is quick)", async () => {
    await fc.assert(
      fc.asyncProperty(line(NETWORK_FLAGS), async (argv) => {
        await run(["network", "--coupling", "rmm", ...(argv.includes("--n") ? [] : ["--n", "30"]), ...argv]);
      }),
      params(120),
    );
  }, 60_000);

  it("refuses or answers every connectome line on a small matrix file", async () => {
    const file = path.join(dir, "m.csv");
    writeFileSync(file, "0,1,2\n1,0,0\n0,3,0\n");
    await fc.assert(
      fc.asyncProperty(line(CONNECTOME_FLAGS), async (argv) => {
        await run(["connectome", file, ...argv]);
      }),
      params(150),
    );
  }, 60_000);
});
