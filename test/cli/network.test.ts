/**
 * `strand network`: the connectivity flags as a user types them, the printed report, JSON, and usage errors.
 */
import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { strand } from "./run.ts";

describe("strand network", () => {
  it("builds a connectome's random-mode stand-in with its singular values as D_a and its measured overlaps as rho_a", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const f = path.join(dir, "sym.csv");
    // a symmetric matrix with positive entries (J_ij = J_ji = 1 + ij mod 5, no self edges): its Perron
    // eigenvalue is the largest in modulus and simple, so the leading singular vectors satisfy u_1 = v_1 and
    // the measured overlap rho_1 is +1
    const n = 24,
      rows = ["pre,post,weight"];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) rows.push(`n${i},n${j},${1 + ((i * j) % 5)}`);
    writeFileSync(f, rows.join("\n") + "\n");
    const r = strand("network", "--coupling", "file", "--file", f, "--stand-in", "overlaps", "--json", "-");
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.params).toMatchObject({ kind: "file", standIn: "overlaps" });
    expect(doc.results.strengths).toHaveLength(n);
    expect(doc.results.rho[0]).toBeCloseTo(1, 9);
    for (let a = 1; a < n; a++) expect(doc.results.strengths[a]).toBeLessThanOrEqual(doc.results.strengths[a - 1]);
  });

  it("draws a random-mode network from the paper's knobs and reports targets and realised structure", () => {
    const r = strand(
      "network",
      "--coupling",
      "rmm",
      "--n",
      "400",
      "--g",
      "3",
      "--effective-rank",
      "0.3",
      "--pr-g",
      "0.5",
      "--json",
      "-",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/PR\^D 0\.3000, effective rank alpha PR\^D 0\.3000/);
    expect(r.stderr).toMatch(/gains\s+PR\^G 0\.5000/);
    const doc = JSON.parse(r.stdout); // stdout holds only the JSON
    expect(doc.params.spec).toMatchObject({ coupling: "rmm", n: 400, g: 3, effectiveRank: 0.3, seed: 1 });
    expect(doc.results.summary.prD).toBeCloseTo(0.3, 10);
    expect(doc.results.structure.prS).toBeGreaterThan(0.15);
    expect(doc.provenance.backend).toBeDefined();
  });

  it("prints the leading singular values with --svd", () => {
    const r = strand("network", "--coupling", "iid", "--n", "50", "--g", "2", "--svd");
    expect(r.status, r.stderr).toBe(0);
    // i.i.d. N x N with N Var J = g^2: singular values fill (0, 2g] (quarter circle), the largest near 2g = 4
    const m = /singular values\s+([\d.]+),/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(3);
    expect(Number(m![1])).toBeLessThan(4.5);
  });

  it("gives the same network for the same seed and refuses flags that do not apply", () => {
    const a = strand("network", "--coupling", "iid", "--n", "50", "--g", "2", "--seed", "3", "--json", "-");
    const b = strand("network", "--coupling", "iid", "--n", "50", "--g", "2", "--seed", "3", "--json", "-");
    const sa = JSON.parse(a.stdout).results.structure;
    const sb = JSON.parse(b.stdout).results.structure;
    expect(sa).toEqual(sb);
    const bad = strand("network", "--coupling", "iid", "--pr-d", "0.5");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/`--pr-d` applies to --coupling rmm only/);
    const neg = strand("network", "--n", "1");
    expect(neg.status).toBe(2);
    expect(neg.stderr).toMatch(/`--n` must be an integer >= 2 \(and at most 2\^53 - 1\); got `"1"`/);
    const er = strand("network", "--effective-rank=-1");
    expect(er.status).toBe(2);
    expect(er.stderr).toMatch(/`effectiveRank` must be a positive finite number; got `-1`/);
  });
});
