/**
 * `strand theory` as a user runs it: the summary, the JSON fields the issue lists, and refusals.
 */
import { describe, expect, it } from "vitest";
import { strand } from "./run.ts";


describe("strand theory", () => {
  it("prints the predictions and writes JSON with the documented fields", () => {
    const r = strand("theory", "--coupling", "rmm", "--g", "6", "--effective-rank", "0.5", "--phi", "erf", "--pr-g", "0.5", "--json", "-");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/PR\^phi\s+0\.0361/);
    const doc = JSON.parse(r.stdout); // stdout holds only the JSON
    for (const k of ["prPhi", "prX", "prPhiIid", "prXIid", "kPhi", "kX", "cPhi0", "cX0", "meanPhiPrime", "nu", "psiPhi00"]) expect(typeof doc.results[k], k).toBe("number");
    expect(doc.results.autocorrelation.tau.length).toBe(doc.results.autocorrelation.cPhi.length);
    expect(doc.results.collective.psiPhiNormalized[0]).toBeCloseTo(1, 12);
    expect(doc.results.gains.prPhiNormalized).toBeGreaterThan(doc.results.gains.prPhiUnnormalized);
    expect(doc.params).toMatchObject({ g: 6, phi: "erf", effectiveRank: 0.5 });
  });

  it("refuses what it cannot compute with one line and exit code 2", () => {
    for (const [args, msg] of [
      [["--coupling", "iid", "--symmetry", "0.3"], /`--symmetry` needs the sampling single-site solver/],
      [["--coupling", "file", "--file", "x.csv"], /`--coupling file` has no mean-field theory/],
      [["--g", "1.01"], /`g` is too close to the transition/],
    ] as const) {
      const r = strand("theory", ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
