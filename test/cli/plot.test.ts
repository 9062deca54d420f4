/** `strand plot` on a real sweep: files written, axes titled with the paper's symbols, bad input refused. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { strand } from "./run.ts";

describe("strand plot", () => {
  it("draws theory lines and simulation points with error bars as SVG, PNG and JSON", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-plot-"));
    const res = path.join(dir, "s.jsonl");
    const sw = strand(
      "sweep",
      "--out",
      res,
      "--coupling",
      "iid",
      "--g",
      "2,3",
      "--n",
      "120",
      "--seeds",
      "2",
      "--duration",
      "40",
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
    );
    expect(sw.status, sw.stderr).toBe(0);
    const r = strand("plot", res, "--out", path.join(dir, "fig.svg"));
    expect(r.status, r.stderr).toBe(0);
    const svg = readFileSync(path.join(dir, "fig.svg"), "utf8");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("PR^φ");
    expect(svg).toContain("g_eff");
    expect(readFileSync(path.join(dir, "fig.png")).subarray(1, 4).toString()).toBe("PNG");
    const doc = JSON.parse(readFileSync(path.join(dir, "fig.json"), "utf8"));
    expect(doc.rows.theory.map((t: { x: number }) => t.x)).toEqual([2, 3]);
    // two seeds per point: the mean of the two runs, with their standard error
    expect(doc.rows.simulation).toHaveLength(2);
    for (const s of doc.rows.simulation) {
      expect(s.seeds).toBe(2);
      expect(s.hi).toBeGreaterThan(s.lo);
    }
    // the same figure again: refused without --force (nothing overwritten), drawn with it
    const again = strand("plot", res, "--out", path.join(dir, "fig.svg"));
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/fig\.svg` exists: pass --force to overwrite it/);
    expect(strand("plot", res, "--out", path.join(dir, "fig.svg"), "--force").status).toBe(0);
    // --out pl.png names pl.png, pl.svg and pl.json (was: pl.png.svg); an unrelated file is never touched
    writeFileSync(path.join(dir, "keep.json"), "keep");
    const png = strand("plot", res, "--out", path.join(dir, "pl.png"));
    expect(png.status, png.stderr).toBe(0);
    for (const f of ["pl.png", "pl.svg", "pl.json"]) expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(existsSync(path.join(dir, "pl.png.svg"))).toBe(false);
    expect(readFileSync(path.join(dir, "keep.json"), "utf8")).toBe("keep");
  }, 60_000);

  it("refuses missing files, non-results files and parameters the sweep does not have", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-plot-"));
    const bad = path.join(dir, "bad.jsonl");
    writeFileSync(bad, '{"a":1}\n');
    const res = path.join(dir, "t.jsonl");
    expect(strand("sweep", "--out", res, "--what", "theory", "--g", "2,3").status).toBe(0);
    for (const [args, msg] of [
      [[path.join(dir, "none.jsonl")], /no such file|ENOENT/],
      [[bad], /has no sweep header on line 1/],
      [[res, "--x", "colour"], /`--x` must be a parameter of this sweep/],
      [[res, "--y", "entropy"], /`--y` must be one of prPhi/],
    ] as const) {
      const r = strand("plot", ...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    expect(existsSync(path.join(dir, "bad.svg"))).toBe(false);
  }, 60_000);
});
