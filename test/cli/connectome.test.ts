/**
 * `strand connectome` as a user runs it: a readable summary, JSON written only on success, one error line
 * and a non-zero exit for a malformed file.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { strand } from "./run.ts";

describe("strand connectome", () => {
  it("prints a summary and writes JSON with params, provenance and results", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const f = path.join(dir, "edges.csv");
    await writeFile(
      f,
      "pre,post,weight,neurotransmitter\nA,B,2,acetylcholine\nB,C,1,GABA\nC,A,3,glutamate\nA,C,1,acetylcholine\n",
    );
    const out = path.join(dir, "out.json");
    const r = strand("connectome", f, "--signs", "column", "--json", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/neurons N\s+3/);
    expect(r.stdout).toMatch(/signs\s+1 excitatory, 2 inhibitory/);
    expect(r.stdout).toMatch(/PR\^S\s+0\.\d+/);
    expect(r.stdout).toMatch(/spectral radius\s+\d/);
    expect(r.stdout).toMatch(/mode overlaps\s+u_a.v_a outside the random band/);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.params.signs).toBe("column");
    expect(doc.provenance.version).toBeDefined();
    expect(doc.results.n).toBe(3);
    expect(doc.results.structure.effectiveRankS).toBeGreaterThan(1);
    expect(doc.results.eigenvalues.re).toHaveLength(3);
    expect(doc.results.overlaps.diagonal).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(["edges.csv", "out.json"]); // no temporary left behind
  });

  it("fails with one line naming file and line, a non-zero exit, and no output file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const f = path.join(dir, "bad.csv");
    await writeFile(f, "pre,post,weight\nA,B,1\nA,C,heavy\n");
    const out = path.join(dir, "out.json");
    const r = strand("connectome", f, "--json", out);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`strand: ${f}:3: weight "heavy" is not a finite number`);
    expect(existsSync(out)).toBe(false);
    const u = strand("connectome", f, "--layer", "muscle");
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/`--layer` must be one of chemical, electrical, all; got `"muscle"`/);
  });
});
