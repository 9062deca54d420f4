/**
 * `strand theory` as a user runs it: the summary, the JSON fields the issue lists, and refusals.
 */
import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { theory } from "../../src/theory/index.ts";
import { strand } from "./run.ts";

describe("strand theory", () => {
  it("prints the predictions and writes JSON with the documented fields", () => {
    const r = strand(
      "theory",
      "--coupling",
      "rmm",
      "--g",
      "6",
      "--effective-rank",
      "0.5",
      "--phi",
      "erf",
      "--pr-g",
      "0.5",
      "--json",
      "-",
    );
    expect(r.status, r.stderr).toBe(0);
    // with gains, simulate measures the z-scored PR^phi (THEORY §4.6): that is the headline, the no-gain value beside it
    const lib = theory(6, { phi: "erf", effectiveRank: 0.5, prG: 0.5 }).results;
    expect(r.stderr).toMatch(
      new RegExp(`PR\\^phi\\s+${lib.gains!.prPhiNormalized.toPrecision(5)} \\(z-scored.*without gains 0\\.0361`),
    );
    expect(r.stderr).toMatch(/PR\^x\s+not derived with gains/);
    const doc = JSON.parse(r.stdout); // stdout holds only the JSON
    expect(doc.observables.prPhi).toBe(lib.gains!.prPhiNormalized);
    expect(doc.observables.prX).toBeNull();
    for (const k of [
      "prPhi",
      "prX",
      "prPhiIid",
      "prXIid",
      "kPhi",
      "kX",
      "cPhi0",
      "cX0",
      "meanPhiPrime",
      "nu",
      "psiPhi00",
    ])
      expect(typeof doc.results[k], k).toBe("number");
    expect(doc.results.autocorrelation.tau.length).toBe(doc.results.autocorrelation.cPhi.length);
    expect(doc.results.collective.psiPhiNormalized[0]).toBeCloseTo(1, 12);
    expect(doc.results.gains.prPhiNormalized).toBeGreaterThan(doc.results.gains.prPhiUnnormalized);
    expect(doc.params).toMatchObject({ g: 6, phi: "erf", effectiveRank: 0.5 });
  });

  it("predicts a connectome's random-mode stand-in from its g_eff^2 = sum J^2 / N and alpha PR^D = (sum S^2)^2 / (N sum S^4)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const f = path.join(dir, "edges.csv");
    const n = 40,
      J = new Float64Array(n * n),
      rows = ["pre,post,weight"];
    for (let i = 0; i < n; i++)
      for (const d of [1, 5, 9, 13]) {
        const w = 0.1 * (1 + ((i * d) % 7));
        rows.push(`n${i},n${(i + d) % n},${w}`);
        J[((i + d) % n) * n + i] = w; // J_post,pre
      }
    writeFileSync(f, rows.join("\n") + "\n");
    const r = strand(
      "theory",
      "--coupling",
      "file",
      "--file",
      f,
      "--stand-in",
      "random",
      "--phi",
      "erf",
      "--json",
      "-",
    );
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    // independent route: traces. sum S^2 = ||J||_F^2, sum S^4 = ||J J^T||_F^2
    let s2 = 0,
      s4 = 0;
    for (const v of J) s2 += v * v;
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += J[i * n + j] * J[k * n + j];
        s4 += v * v;
      }
    const g = Math.sqrt(s2 / n),
      er = (s2 * s2) / (n * s4);
    expect(doc.params.network).toMatchObject({ coupling: "file", standIn: "random", n });
    expect(doc.params.g).toBeCloseTo(g, 10);
    expect(doc.params.effectiveRank).toBeCloseTo(er, 10);
    expect(doc.results.prPhi).toBeCloseTo(theory(g, { phi: "erf", effectiveRank: er }).results.prPhi!, 12);
  });

  it("refuses what it cannot compute with one line and exit code 2", () => {
    for (const [args, msg] of [
      [["--coupling", "iid", "--symmetry", "1.5"], /`symmetry` must lie in \[-1, 1\].*1\.5/],
      [["--coupling", "iid", "--g", "3", "--paths", "8"], /`--paths` applies to the sampling solver/],
      [["--coupling", "iid", "--symmetry", "0.3", "--paths", "1"], /`--paths` must be an integer >= 2/],
      [
        ["--coupling", "file", "--file", "x.csv"],
        /`--coupling file` has a mean-field theory only through its random-mode stand-in/,
      ],
      [["--g", "1.0001"], /`g` is too close to the transition/],
    ] as const) {
      const r = strand("theory", ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it("solves partial symmetry by the sampling single site, with the sampler's error and parameters in the JSON", () => {
    const r = strand(
      "theory",
      "--coupling",
      "iid",
      "--g",
      "3",
      "--symmetry",
      "0.2",
      "--phi",
      "erf",
      "--paths",
      "8",
      "--iterations",
      "10",
      "--seed",
      "5",
      "--json",
      "-",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sampling single site/);
    const doc = JSON.parse(r.stdout);
    expect(doc.params.structure).toMatchObject({ kind: "symmetry", g: 3, rho: 0.2 });
    expect(doc.params.sampler).toMatchObject({ paths: 8, iterations: 10, average: 5, seed: 5, controlVariate: true });
    expect(doc.provenance).toMatchObject({ backend: "wasm", seed: 5 });
    for (const k of ["prPhi", "prPhiSe", "cPhi0", "cX0", "meanPhiPrime", "psiPhi00"])
      expect(typeof doc.results[k], k).toBe("number");
    expect(doc.results.prX).toBeNull();
    expect(doc.results.maxModeGain).toBeNull(); // overlaps only
    expect(doc.results.prPhi).toBeGreaterThan(0);
    expect(doc.results.collective.psiPhiNormalized[0]).toBeCloseTo(1, 12);
    expect(doc.results.sampler.residuals.cPhi.length).toBe(10);
    expect(doc.results.sampler.batchPrPhi.length).toBe(5);
  });
});
