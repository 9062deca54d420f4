/**
 * `strand simulate` as a user runs it: summary, JSON with the documented result fields, .npy outputs,
 * and one clear error line (no partial output) for bad flags.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { strand } from "./run.ts";
import { readNpy } from "../../src/io/npy.ts";
import { theory } from "../../src/theory/index.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";

// trial blocks (4 trials, 4 blocks): independent by construction, so the estimate's status is ok when its error allows
const quick = ["--n", "60", "--duration", "40", "--burn-in", "10", "--trials", "4", "--lags", "4", "--blocks", "4"];

describe("strand simulate", () => {
  it("prints the PC spectrum with --pc-spectrum and writes it to the JSON", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const r = strand(
      "simulate",
      "--coupling",
      "iid",
      "--g",
      "3",
      ...quick,
      "--pc-spectrum",
      "--json",
      path.join(dir, "r.json"),
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PC spectrum\s+[\d.]+ \(\d+\.\d %\)/);
    const doc = JSON.parse(readFileSync(path.join(dir, "r.json"), "utf8"));
    expect(doc.results.pcSpectrum.eigenvalues).toHaveLength(60);
  });

  it("compares a driven run with the driven DMFT, and says the theory has no constant input", () => {
    const r = strand("simulate", "--coupling", "iid", "--g", "3", ...quick, "--sigma", "0.5", "--theory");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/theory \(driven\)\s+sigma 0\.5, g_eff 3: C\^x\(0\) \d\.\d+ \(simulated -?\d+\.\d %\)/);
    expect(r.stdout).toMatch(/PR\^phi 0\.\d+ \(simulated -?\d+\.\d %, -?\d+\.\d se; hypothesis/);
    const input = strand("simulate", "--coupling", "iid", "--g", "3", ...quick, "--input", "0.2", "--theory");
    expect(input.stdout).toMatch(/theory\s+not available: the mean-field theory here has no constant input/);
    expect(input.stdout).not.toMatch(/combined se|Infinity/);
  });

  it("branches the trials from one shared burn-in with --start branch and says so; its flags apply only there", () => {
    const r = strand(
      "simulate",
      "--coupling",
      "iid",
      "--g",
      "3",
      ...quick,
      "--start",
      "branch",
      "--branch-settle",
      "5",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/after 10 burn-in \(shared; branched, kick 0\.1, settle 5\)/);
    const bad = strand("simulate", "--coupling", "iid", "--g", "3", ...quick, "--branch-kick", "0.5");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/`--branch-kick` applies only with `--start branch`/);
  });

  it("prints a summary and writes JSON and .npy outputs", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const r = strand(
      "simulate",
      "--coupling",
      "rmm",
      "--g",
      "4",
      "--effective-rank",
      "0.5",
      "--phi",
      "erf",
      ...quick,
      "--json",
      path.join(dir, "r.json"),
      "--save-trajectory",
      path.join(dir, "x.npy"),
      "--save-covariance",
      path.join(dir, "c.npy"),
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PR\^phi\s+0\.\d+ ± /);
    expect(r.stderr).toBe(""); // no progress bar when stderr is not a TTY
    const doc = JSON.parse(readFileSync(path.join(dir, "r.json"), "utf8"));
    for (const k of ["prPhi", "prX", "prPhiPlugin", "prXPlugin", "cPhi0", "cX0"])
      expect(typeof doc.results[k]).toBe("number");
    expect(doc.results.autocorrelation.tau).toEqual([0, 1, 2, 3, 4]);
    expect(doc.results.autocorrelation.cPhi).toHaveLength(5);
    expect(doc.results.collective.psiPhiNormalized[0]).toBe(1);
    expect(doc.params).toMatchObject({
      phi: "erf",
      trials: 4,
      duration: 40,
      network: { coupling: "rmm", effectiveRank: 0.5 },
    });
    expect(doc.provenance.version).toBeDefined();
    expect(readNpy(new Uint8Array(readFileSync(path.join(dir, "x.npy")))).shape).toEqual([40, 60]);
    expect(readNpy(new Uint8Array(readFileSync(path.join(dir, "c.npy")))).shape).toEqual([60, 60]);
  });

  it("puts the mean-field prediction beside the simulation with --theory", () => {
    const r = strand("simulate", "--coupling", "iid", "--g", "3", ...quick, "--theory", "--json", "-");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/theory \(N -> inf\)/);
    const doc = JSON.parse(r.stdout);
    expect(doc.theory.prPhi.theory).toBeCloseTo(0.04465, 4); // THEORY §5.4, g = 3
    expect(doc.theory.prPhi.simulation).toBe(doc.results.prPhi);
  });

  it("shares one trial's steps between two threads with --workers 2, and prints the numbers of --workers 1", () => {
    const one = [
      "simulate",
      "--coupling",
      "iid",
      "--g",
      "3",
      "--n",
      "60",
      "--duration",
      "40",
      "--burn-in",
      "10",
      "--trials",
      "1",
      "--lags",
      "2",
      "--blocks",
      "4",
    ];
    const two = strand(...one, "--workers", "2", "--json", "-"),
      single = strand(...one, "--workers", "1", "--json", "-");
    expect(two.status, two.stderr).toBe(0);
    expect(single.status, single.stderr).toBe(0);
    const a = JSON.parse(two.stdout),
      b = JSON.parse(single.stdout);
    expect(a.params.stepThreads).toBe(2);
    expect(b.params.stepThreads).toBe(1);
    expect(a.results.prPhi).toBe(b.results.prPhi);
    expect(a.results.autocorrelation).toEqual(b.results.autocorrelation);
  });

  it("simulates a connectome file with signs and balanced normalisation", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const f = path.join(dir, "edges.csv");
    const rows = ["pre,post,weight,neurotransmitter"];
    for (let i = 0; i < 30; i++)
      for (const d of [1, 7, 11])
        rows.push(`n${i},n${(i + d) % 30},${1 + ((i * d) % 5)},${i % 3 === 0 ? "GABA" : "acetylcholine"}`);
    writeFileSync(f, rows.join("\n") + "\n");
    const r = strand(
      "simulate",
      "--coupling",
      "file",
      "--file",
      f,
      "--signs",
      "column",
      "--normalize",
      "balanced",
      "--duration",
      "40",
      "--burn-in",
      "10",
      "--lags",
      "4",
      "--blocks",
      "4",
      "--json",
      "-",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/edges\.csv: N = 30, dense/);
    const doc = JSON.parse(r.stdout);
    expect(doc.params.network).toMatchObject({ file: f });
    expect(typeof doc.results.quiescent).toBe("boolean");
  });

  it("compares a network with gains against the z-scored theory, the PR^phi simulate measures (THEORY §4.6)", () => {
    const r = strand(
      "simulate",
      "--coupling",
      "rmm",
      "--g",
      "3",
      "--effective-rank",
      "0.5",
      "--pr-g",
      "0.5",
      ...quick,
      "--theory",
      "--json",
      "-",
    );
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    // the drawn network's realised effective rank enters the prediction, and with gains the z-scored PR^phi
    const er = makeNetwork(doc.params.network).summary.effectiveRank;
    const lib = theory(3, { phi: "tanh", effectiveRank: er, prG: 0.5 }).results;
    expect(doc.theory.prPhi.theory).toBeCloseTo(lib.gains!.prPhiNormalized, 10);
    expect(doc.theory.prPhi.theory).toBeLessThan(0.95 * lib.prPhi!); // not the no-gain value (what was compared before)
    expect(doc.theory.prX).toBeUndefined(); // PR^x with gains is not derived: no comparison printed
    expect(r.stderr).toMatch(/PR\^phi is the z-scored one/);
  });

  it("predicts a connectome's random-mode stand-in beside its simulation with --stand-in random --theory", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const f = path.join(dir, "edges.csv");
    const rows = ["pre,post,weight"];
    for (let i = 0; i < 60; i++)
      for (const d of [1, 7, 11, 23]) rows.push(`n${i},n${(i + d) % 60},${0.4 + ((i * d) % 5) * 0.2}`);
    writeFileSync(f, rows.join("\n") + "\n");
    const flags = ["--coupling", "file", "--file", f, "--stand-in", "random"];
    const r = strand(
      "simulate",
      ...flags,
      "--duration",
      "40",
      "--burn-in",
      "10",
      "--lags",
      "4",
      "--blocks",
      "4",
      "--theory",
      "--json",
      "-",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/not available/);
    const doc = JSON.parse(r.stdout);
    const t = strand("theory", ...flags, "--json", "-");
    expect(t.status, t.stderr).toBe(0);
    // the same stand-in (same seed): simulate's theory column is strand theory's prediction
    expect(doc.theory.prPhi.theory).toBe(JSON.parse(t.stdout).observables.prPhi);
  });

  it("says why a connectome's own J has no theory, instead of a comparison", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const f = path.join(dir, "edges.csv");
    writeFileSync(
      f,
      "pre,post,weight\n" + Array.from({ length: 20 }, (_, i) => `n${i},n${(i + 3) % 20},2`).join("\n") + "\n",
    );
    const r = strand(
      "simulate",
      "--coupling",
      "file",
      "--file",
      f,
      "--duration",
      "20",
      "--burn-in",
      "5",
      "--lags",
      "2",
      "--blocks",
      "2",
      "--theory",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/theory\s+not available: a connectome's own coupling matrix.*--stand-in random/);
  });

  it("says why a PR estimate means nothing instead of printing it (N = 2000, 40 samples; 2 blocks), and not for a long run", () => {
    const big = ["--coupling", "iid", "--n", "2000", "--g", "3", "--burn-in", "50", "--lags", "4", "--trials", "1"];
    // 40 samples in 8 time blocks of 5 time units: too few samples per block against N (the estimate comes out
    // negative here, the case), and consecutive slices are not independent either
    const short = strand("simulate", ...big, "--duration", "40", "--json", "-");
    expect(short.status, short.stderr).toBe(0);
    const reason = /^unreliable: (the cross-block estimate is not positive|time blocks of 5\.0 time units)/;
    expect(JSON.parse(short.stdout).results.status.prPhi).toMatch(reason);
    expect(short.stderr).toMatch(/PR\^phi\s+unreliable: .*(lengthen the duration)/);
    expect(short.stderr).not.toMatch(/PR\^phi\s+-?\d/); // no bare number where the estimate means nothing
    // two blocks: no error bar, so no verdict either (was "PR^phi -0.01731 ± -")
    const two = strand("simulate", ...big, "--duration", "40", "--blocks", "2");
    expect(two.stdout).toMatch(/PR\^phi\s+unreliable: 2 blocks give no error bar/);
    expect(two.stdout).not.toMatch(/± -/);
    // a long run at the same N: blocks of 40 time units against a correlation time ~9 (g = 3)
    const long = strand("simulate", ...big, "--duration", "320", "--json", "-");
    expect(long.status, long.stderr).toBe(0);
    expect(JSON.parse(long.stdout).results.status).toEqual({ prPhi: "ok", prX: "ok" });
  }, 60_000);

  it("estimates the memory before drawing J: --dry-run prints it, --max-memory refuses above it", () => {
    // N = 16384 would take minutes to draw and GiBs to hold: the estimate answers at once
    const dry = strand("simulate", "--coupling", "iid", "--n", "16384", "--g", "2", "--trials", "2", "--dry-run");
    expect(dry.status, dry.stderr).toBe(0);
    const m = /N = 16384 needs ([\d.]+) GiB \(coupling ([\d.]+) GiB, statistics ([\d.]+) GiB in sample space\)/.exec(
      dry.stdout,
    );
    expect(m, dry.stdout).not.toBeNull();
    // J alone: N^2 float64 as drawn (2 GiB), its float32 copy shared with the 2 workers and one float32 copy per
    // group's backend (3 x 1 GiB)
    expect(Number(m![2])).toBeCloseTo((16384 ** 2 * (8 + 3 * 4)) / 2 ** 30, 2);
    // 1000 samples < N: sample space, the samples of x and phi (2 x 1000 x N float32), their transpose and the
    // 1000 x 1000 Gram matrix — 0.19 GiB, where N x N sums would take 2 x 2 x 8 N^2 float64 (34 GiB)
    expect(Number(m![3])).toBeGreaterThan((3 * 1000 * 16384 * 4 + 8 * 1000 ** 2) / 2 ** 30 - 0.01);
    expect(Number(m![3])).toBeLessThan(0.25);
    const refused = strand("simulate", "--coupling", "iid", "--n", "16384", "--g", "2", "--max-memory", "1");
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/needs [\d.]+ GiB .* above the limit of 1\.00 GiB \(--max-memory\)/);
  });

  it("never overwrites an output without --force, and refuses an unwritable one before the run, naming it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const json = path.join(dir, "r.json");
    writeFileSync(json, "keep");
    const refused = strand("simulate", ...quick, "--json", json);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toBe(`strand: \`${json}\` exists: pass --force to overwrite it`);
    expect(readFileSync(json, "utf8")).toBe("keep");
    // a missing folder for one output: refused before any output is written (was: .npy written, then the run failed)
    const npy = path.join(dir, "x.npy");
    const bad = strand("simulate", ...quick, "--save-trajectory", npy, "--json", path.join(dir, "no/such/r.json"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/cannot write `.*no\/such\/r\.json`: its folder .* is missing or not writable/);
    expect(bad.stderr).not.toMatch(/\.tmp/);
    expect(existsSync(npy)).toBe(false);
    const forced = strand("simulate", ...quick, "--json", json, "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(json, "utf8")).params.n).toBe(60);
  });

  it("refuses bad flags with one line and a non-zero exit, leaving no output file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const out = path.join(dir, "r.json");
    for (const [args, msg] of [
      [["--coupling", "full"], /`--coupling` must be one of iid, rmm, file/],
      [["--dt=-0.1"], /`dt` must be a positive finite number; got `-0.1`/],
      [["--n", "1"], /`--n` must be an integer >= 2/],
      [["--effective-rank=0"], /`effectiveRank` must be a positive finite number; got `0`/],
      [["--trials", "0"], /`--trials` must be an integer from 1 to 4096/],
      [["--save-trajectory", "x.csv"], /`--save-trajectory` must name a \.npy file/],
    ] as const) {
      // the quick settings less the flag under test (a flag given twice is itself an error)
      const given = args.map((a) => a.split("=")[0]).filter((a) => a.startsWith("--"));
      const base = quick.filter((a, i) => !given.includes(a) && !given.includes(quick[i - 1]));
      const r = strand("simulate", ...base, ...args, "--json", out);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
