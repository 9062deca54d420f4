/**
 * The bad and odd inputs named in the reliability issue, each with the outcome it must keep: a clear one-line refusal
 * (exit 2 for usage, 1 for a run that cannot be done), or an honest answer (a state instead of a dimension). Run as a
 * user would (bin/strand.js); every case is fast because it is refused before any allocation or long loop. The fuzz
 * suite (test/fuzz/) widens these to every flag, reader and API entry.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { threadsFlag, CORES } from "../../src/cli/args.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { theory } from "../../src/theory/index.ts";
import { root, strand } from "./run.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "strand-reg-"));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const DATA = path.resolve(root, "../shared/data");

/** [what the user typed, exit status, what stderr (status != 0) or stdout (0) must say] */
const REFUSED: [string[], number, RegExp][] = [
  [["simulate", "--coupling", "iid", "--n", "40000", "--g", "2"], 2, /the run needs [\d.]+ GiB .* above the limit/],
  [
    ["network", "--coupling", "iid", "--n", "40000", "--g", "2"],
    2,
    /`n` is too large for an i\.i\.d\. J: .*N <= 32768/,
  ],
  [
    ["simulate", "--coupling", "iid", "--n", "100", "--dt", "1e-9"],
    2,
    /takes at least .* above the limit of 1\.0 days/,
  ],
  [["simulate", "--coupling", "iid", "--n", "100", "--duration", "1e12"], 2, /takes at least .* years/],
  [["simulate", "--coupling", "iid", "--n", "100", "--burn-in", "1e12"], 2, /takes at least .* raise --max-time/],
  [["theory", "--coupling", "iid", "--g", "1e20"], 2, /`g` must be <= 10000; got `100000000000000000000`/],
  [["theory", "--coupling", "iid", "--g", "1e308"], 2, /`g` must be <= 10000/],
  [
    ["theory", "--coupling", "iid", "--g", "2", "--symmetry", "0.3", "--paths", "100000"],
    2,
    /paths.* times iterations/,
  ],
  [
    ["demo", "--out", "/proc/x"],
    2,
    /cannot make the folder `\/proc\/x`: its parent `\/proc` is missing or not writable/,
  ],
  [["simulate", "--coupling", "iid", "--n", "0x40"], 2, /`--n` must be an integer >= 2 .*got `"0x40"`/],
  [["simulate", "--coupling", "iid", "--n", "100", "--n", "200"], 2, /`--n` is given more than once/],
  [
    ["simulate", "--coupling", "iid", "--seed", "9007199254740993"],
    2,
    /`--seed` .* at most 2\^53 - 1.*"9007199254740993"/,
  ],
  [["simulate", "--coupling", "iid", "--g", "-3"], 2, /`g` must be >= 0; got `-3`/],
  [["theory", "--coupling", "rmm", "--effective-rank", "0.5", "--overlap-beta", "0.3"], 2, /`--overlap-beta` shapes/],
  [["theory", "--coupling", "iid", "--g", "2", "--n", "100"], 2, /`--n` does not apply to the i\.i\.d\. theory/],
  [["simulate", "--coupling", "file", "--file", "x.csv", "--n", "10"], 2, /`--n` does not apply to --coupling file/],
];

describe("the reliability issue's cases, kept", () => {
  it.each(REFUSED)("refuses %j with one line (exit %i)", (argv, status, message) => {
    const r = strand(...argv);
    expect(r.status, r.stderr).toBe(status);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("refuses the library's oversized and out-of-domain calls before allocating", () => {
    expect(() => makeNetwork({ coupling: "iid", n: 50000, g: 2, seed: 1 })).toThrow(/too large for an i\.i\.d\. J/);
    expect(() => theory(1e308)).toThrow(/`g` must be <= 10000/);
    // threads: capped at the cores (theory --threads 1000 started 1000 threads)
    expect(threadsFlag("--threads", "1000")).toBe(CORES);
  });

  it("reports states without a dimension as such: N = 2, g = 0, 0.5, 1.05, an all-zero connectome, Euler at dt = 1", () => {
    const zero = file("zero.csv", "0,0,0\n0,0,0\n0,0,0\n");
    const quick = ["--duration", "40", "--burn-in", "100", "--trials", "4", "--lags", "6"];
    const cases: [string[], RegExp][] = [
      [["--coupling", "iid", "--n", "2", "--g", "2"], /state\s+fixed point: each trial sits at a fixed point/],
      [["--coupling", "iid", "--n", "100", "--g", "0"], /state\s+quiescent/],
      [["--coupling", "iid", "--n", "100", "--g", "0.5", "--theory"], /state\s+quiescent/],
      [["--coupling", "iid", "--n", "100", "--g", "1.05"], /state\s+fixed point/],
      [["--coupling", "file", "--file", zero], /state\s+quiescent/],
      [
        ["--coupling", "iid", "--n", "100", "--g", "1.1", "--method", "euler", "--dt", "1"],
        /state\s+periodic: .*2 time units/,
      ],
    ];
    for (const [argv, state] of cases) {
      const r = strand("simulate", ...argv, ...quick);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(state);
      expect(r.stdout).not.toMatch(/PR\^phi\s+-?\d|Infinity|NaN|± -/);
    }
  }, 60_000);

  it("refuses weights that overflow (±1e300) instead of reporting a divergence", () => {
    const huge = file("huge.csv", "0,1e300\n-1e300,0\n");
    const r = strand("simulate", "--coupling", "file", "--file", huge, "--duration", "20");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/weights of .*huge\.csv are too large to simulate: .*overflows/);
  });

  it("reads files by their content: a 3 x 4 matrix is refused with its shape, a header-less edge list is one", () => {
    const m34 = strand("connectome", file("m34.csv", "1,2,3,4\n5,6,7,8\n9,10,11,12\n"), "--format", "matrix");
    expect(m34.status).toBe(1);
    expect(m34.stderr).toMatch(/must be square: found 3 rows of 4 numbers/);
    const edges = strand("connectome", file("edges.csv", "0,1,0.5\n1,2,0.3\n2,0,-0.2\n3,1,1\n"), "--svd", "no");
    expect(edges.status, edges.stderr).toBe(0);
    expect(edges.stdout).toMatch(/\(edgelist/);
    const npy = strand("connectome", path.join(root, "test/cli/regressions.test.ts"), "--layer", "all");
    expect(npy.status).not.toBe(0); // not a connectome at all; and --layer on a matrix file:
    const m = strand("connectome", file("m.csv", "0,1\n1,0\n"), "--layer", "all");
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(/`--layer` applies to edgelist files; .*read as matrix/);
  });

  it.skipIf(!existsSync(DATA))(
    "says the raw C. elegans weights settle to fixed points instead of printing PR = 1/N",
    () => {
      const r = strand(
        "simulate",
        "--coupling",
        "file",
        "--file",
        path.join(DATA, "celegans-cook2019-herm/herm_full_edgelist.csv"),
        "--duration",
        "40",
        "--trials",
        "4",
        "--lags",
        "6",
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/state\s+(fixed point|quiescent)/);
      expect(r.stdout).not.toMatch(/PR\^phi\s+\d/);
    },
    60_000,
  );
});
