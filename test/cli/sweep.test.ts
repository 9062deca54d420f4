/**
 * `strand sweep` as a user runs it — including being killed (SIGKILL, SIGINT) mid-way and resumed: every point
 * must end up in the results file exactly once, and nothing existing is ever overwritten.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root, strand } from "./run.ts";

const GRID = [
  "--coupling",
  "iid",
  "--n",
  "200",
  "--g",
  "2,3,4",
  "--seeds",
  "2",
  "--duration",
  "60",
  "--burn-in",
  "10",
  "--trials",
  "2",
  "--lags",
  "2",
  "--dt",
  "0.1",
  "--workers",
  "1",
];

const lines = (f: string) =>
  readFileSync(f, "utf8")
    .split("\n")
    .filter((l) => l !== "");
const records = (f: string) =>
  lines(f)
    .slice(1)
    .map((l) => JSON.parse(l));

/** Start the sweep, kill it once `after` result lines exist (or it ends by itself), return whether it was killed. */
function runAndKill(out: string, signal: NodeJS.Signals, after: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, "bin/strand.js"), "sweep", "--out", out, ...GRID, ...(existsSync(out) ? ["--resume"] : [])],
      { cwd: root, stdio: "ignore" },
    );
    let killed = false;
    const poll = setInterval(() => {
      if (existsSync(out) && lines(out).length - 1 >= after && !killed) {
        killed = true;
        child.kill(signal);
      }
    }, 5);
    child.on("exit", () => {
      clearInterval(poll);
      resolve(killed);
    });
  });
}

describe("strand sweep", () => {
  it("resumes after SIGKILL and SIGINT with every point exactly once (3 theory + 6 simulation points)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-sweep-"));
    const out = path.join(dir, "r.jsonl");
    expect(await runAndKill(out, "SIGKILL", 4)).toBe(true);
    const n1 = lines(out).length - 1;
    expect(n1).toBeGreaterThanOrEqual(4);
    expect(n1).toBeLessThan(9);
    // a write cut off by a kill leaves an incomplete last line: resume must drop it and redo that point
    appendFileSync(out, '{"key":"[\\"simulation\\",[[\\"burn-in\\"');
    expect(await runAndKill(out, "SIGINT", n1 + 2)).toBe(true);
    const r = strand("sweep", "--out", out, ...GRID, "--resume");
    expect(r.status, r.stderr).toBe(0);
    const recs = records(out);
    expect(recs).toHaveLength(9);
    expect(new Set(recs.map((x) => x.key)).size).toBe(9);
    expect(
      recs
        .filter((x) => x.kind === "theory")
        .map((x) => x.point.g)
        .sort(),
    ).toEqual([2, 3, 4]);
    const sims = recs.filter((x) => x.kind === "simulation");
    expect(sims.map((x) => `${x.point.g}/${x.point.seed}`).sort()).toEqual(["2/1", "2/2", "3/1", "3/2", "4/1", "4/2"]);
    // every point measured (a short run's cross-block PR may be null, "unreliable" with its reason; the plug-in
    // estimate is always a number)
    for (const s of sims) expect(typeof s.results.prPhiPlugin).toBe("number");
    // the same point gives the same numbers whether it ran before or after a kill: compare with a fresh sweep
    const fresh = path.join(dir, "fresh.jsonl");
    expect(strand("sweep", "--out", fresh, ...GRID).status).toBe(0);
    const byKey = new Map(records(fresh).map((x) => [x.key, x.results.prPhiPlugin]));
    for (const s of sims) expect(s.results.prPhiPlugin).toBe(byKey.get(s.key));
    // resuming a finished sweep runs nothing and leaves the file as it is
    const size = statSync(out).size;
    const again = strand("sweep", "--out", out, ...GRID, "--resume");
    expect(again.stderr).toMatch(/9 already in .*; 0 to run/);
    expect(statSync(out).size).toBe(size);
  }, 120_000);

  it("never overwrites, refuses a results file from another sweep and invalid grids, with one clear line", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-sweep-"));
    const out = path.join(dir, "r.jsonl");
    expect(strand("sweep", "--out", out, "--what", "theory", "--g", "2").status).toBe(0);
    const before = readFileSync(out, "utf8");
    for (const [args, msg] of [
      [["--out", out, "--what", "theory", "--g", "2"], /already exists; refusing to overwrite/],
      [["--out", out, "--what", "theory", "--g", "3", "--resume"], /is from a different sweep/],
      [["--out", path.join(dir, "x.jsonl"), "--g", "5:1:1"], /`--g` is an empty range/],
      [["--out", path.join(dir, "x.jsonl"), "--colour", "red"], /Unknown option '--colour'.*sweepable parameters/],
      [
        ["--out", path.join(dir, "x.jsonl"), "--coupling", "iid", "--effective-rank", "0.5"],
        /`--effective-rank` applies to --coupling rmm only/,
      ],
      [["--g", "2"], /`--out` .* is required/],
    ] as const) {
      const r = strand("sweep", ...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(readFileSync(out, "utf8")).toBe(before);
    expect(existsSync(path.join(dir, "x.jsonl"))).toBe(false);
  }, 60_000);

  it("records a point that fails as a failed line and goes on (exit 1 at the end), and plots the others", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-sweep-"));
    const out = path.join(dir, "r.jsonl");
    // dt = 0.3 does not divide the burn-in of 1 time unit: that point is refused by simulate(); dt = 0.05 runs
    const grid = [
      "--what",
      "simulate",
      "--coupling",
      "iid",
      "--n",
      "60",
      "--g",
      "2",
      "--duration",
      "20",
      "--trials",
      "2",
    ];
    const r = strand(
      "sweep",
      "--out",
      out,
      ...grid,
      "--burn-in",
      "1",
      "--lags",
      "2",
      "--dt",
      "0.3,0.05",
      "--workers",
      "1",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /point .* failed \(RangeError: invalid argument: `burnIn` must be a whole number of steps/,
    );
    expect(r.stderr).toMatch(/done, 2 points .*; 1 failed/);
    const recs = records(out);
    expect(recs).toHaveLength(2);
    const [bad, good] = recs;
    expect(bad.point.dt).toBe(0.3);
    expect(bad.results).toBeNull();
    expect(bad.error).toMatch(/burnIn/);
    expect(typeof good.results.prPhiPlugin).toBe("number");
    // the plot skips the failed point
    const plot = strand("plot", out, "--x", "dt", "--out", path.join(dir, "p.svg"));
    expect(plot.status, plot.stderr).toBe(0);
  }, 60_000);
});

describe("strand sweep --shard and --merge (a SLURM array without Redis)", () => {
  const grid = ["--coupling", "iid", "--n", "60", "--g", "2,3", "--seeds", "2", "--duration", "20", "--trials", "2"];
  it("runs deterministic slices (SLURM_ARRAY_TASK_ID for I) that merge into the whole sweep's file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-shard-"));
    const file = (n: string) => path.join(dir, n);
    expect(strand("sweep", "--out", file("all.jsonl"), ...grid, "--workers", "1").status).toBe(0);
    expect(strand("sweep", "--out", file("s1.jsonl"), ...grid, "--shard", "1/3", "--workers", "1").status).toBe(0);
    const env = { ...process.env, SLURM_ARRAY_TASK_ID: "2" };
    const s2 = spawnSync(
      process.execPath,
      [path.join(root, "bin/strand.js"), "sweep", "--out", file("s2.jsonl"), ...grid, "--shard", "3", "--workers", "1"],
      { encoding: "utf8", cwd: root, env },
    );
    expect(s2.status, s2.stderr).toBe(0);
    expect(s2.stderr).toMatch(/in shard 2\/3/);
    // shard 3 is missing: merged, reported, exit 1
    const partial = strand("sweep", "--merge", file("m.jsonl"), file("s1.jsonl"), file("s2.jsonl"));
    expect(partial.status).toBe(1);
    expect(partial.stderr).toMatch(/2 of 6 points are in no shard/);
    expect(strand("sweep", "--out", file("s3.jsonl"), ...grid, "--shard", "3/3", "--workers", "1").status).toBe(0);
    const whole = strand(
      "sweep",
      "--merge",
      file("m.jsonl"),
      file("s3.jsonl"),
      file("s1.jsonl"),
      file("s2.jsonl"),
      "--force",
    );
    expect(whole.status, whole.stderr).toBe(0);
    const read = (f: string) =>
      readFileSync(f, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
    const [hm, ...merged] = read(file("m.jsonl"));
    const [ha, ...all] = read(file("all.jsonl"));
    expect(hm).toEqual(ha);
    // the same lines in the same (the sweep's) order, up to each point's seconds and process
    const strip = (r: { results: Record<string, unknown> }) => ({
      ...r,
      results: { ...r.results, seconds: 0 },
      worker: 0,
    });
    expect(merged.map(strip)).toEqual(all.map(strip));
    // a shard of another sweep is refused
    const other = grid.map((a) => (a === "2,3" ? "5" : a));
    expect(strand("sweep", "--out", file("other.jsonl"), ...other, "--shard", "1/3", "--workers", "1").status).toBe(0);
    const mixed = strand("sweep", "--merge", file("x.jsonl"), file("s1.jsonl"), file("other.jsonl"));
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/is from another sweep/);
    expect(strand("sweep", "--out", file("bad.jsonl"), ...grid, "--shard", "4/3").stderr).toMatch(/1 <= I <= N/);
  }, 120_000);
});
