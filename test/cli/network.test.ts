/**
 * `strand network`: the connectivity flags as a user types them, the printed report, JSON, and usage errors.
 */
import { describe, expect, it } from "vitest";
import { strand } from "./run.ts";


describe("strand network", () => {
  it("draws a random-mode network from the paper's knobs and reports targets and realised structure", () => {
    const r = strand("network", "--coupling", "rmm", "--n", "400", "--g", "3", "--effective-rank", "0.3", "--pr-g", "0.5", "--json", "-");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/PR\^D 0\.3000, effective rank alpha PR\^D 0\.3000/);
    expect(r.stderr).toMatch(/gains\s+PR\^G 0\.5000/);
    const doc = JSON.parse(r.stdout); // stdout holds only the JSON
    expect(doc.params.spec).toMatchObject({ coupling: "rmm", n: 400, g: 3, effectiveRank: 0.3, seed: 1 });
    expect(doc.results.summary.prD).toBeCloseTo(0.3, 10);
    expect(doc.results.structure.prS).toBeGreaterThan(0.15);
    expect(doc.provenance.backend).toBeDefined();
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
    expect(neg.stderr).toMatch(/`--n` must be an integer >= 2; got `"1"`/);
    const er = strand("network", "--effective-rank=-1");
    expect(er.status).toBe(2);
    expect(er.stderr).toMatch(/`effectiveRank` must be a positive finite number; got `-1`/);
  });
});
