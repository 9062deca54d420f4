/**
 * One network's covariance as a user runs it: `strand theory --covariance` (the .npy is the library's prediction for
 * the J that `--seed` draws, lags stacked after lag 0; a connectome's own J, nearly defective, with its perturbation
 * reported; an unstable equivalent refused with its margin) and `strand simulate --compare-covariance` (the verdict,
 * the JSON, the figure), and the flags that do not go together.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy } from "../../src/io/npy.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { networkCovariance } from "../../src/theory/linear-equivalence.ts";
import { createBackend } from "../../src/backend/select.ts";
import { root, strand } from "./run.ts";

const data = path.resolve(root, "../shared/data");
const openworm = path.join(data, "celegans-openworm-varshney2011-nt/CElegansNeuronTables.xls");
const cook = path.join(data, "celegans-cook2019-herm/herm_full_edgelist.csv");

describe("strand theory --covariance", () => {
  it("writes the library's prediction for the J --seed draws, with the lags stacked after lag 0", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const out = path.join(dir, "c.npy"),
      outX = path.join(dir, "cx.npy"),
      json = path.join(dir, "c.json");
    const args = ["--coupling", "iid", "--n", "60", "--g", "2", "--seed", "7", "--sigma", "2"];
    const r = strand("theory", ...args, "--covariance", out, "--covariance-x", outX, "--lags", "1,2.5", "--json", json);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stability margin\s+1 - a max Re lambda\(J\) = 0\.\d+/);
    expect(r.stdout).toMatch(/PR\^phi\/N 0\.\d+/);
    const c = readNpy(new Uint8Array(readFileSync(out)));
    expect(c.shape).toEqual([3, 60, 60]);
    expect(readNpy(new Uint8Array(readFileSync(outX))).shape).toEqual([3, 60, 60]);
    const be = await createBackend("wasm");
    const lib = networkCovariance(makeNetwork({ coupling: "iid", n: 60, g: 2, seed: 7 }), be, {
      sigma: 2,
      lags: [1, 2.5],
    });
    // the same J and the same computation: equal up to the backend build's rounding
    for (let i = 0; i < 3600; i += 37) {
      expect(c.data[i]).toBeCloseTo(lib.results.cPhi[i], 10);
      expect(c.data[3600 * 2 + i]).toBeCloseTo(lib.results.laggedPhi[1][i], 10);
    }
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc.results.margin).toBeCloseTo(lib.results.margin, 10);
    expect(doc.results.eigenvalues).toHaveLength(60);
    expect(doc.params.lags).toEqual([1, 2.5]);
    // nothing is overwritten without --force
    const again = strand("theory", ...args, "--covariance", out);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists/);
  }, 60_000);

  it.runIf(existsSync(openworm))(
    "predicts a connectome's own J, nearly defective, and reports the perturbation it was decomposed with",
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
      const json = path.join(dir, "c.json");
      const r = strand(
        "theory",
        ...["--coupling", "file", "--file", openworm, "--signs", "column", "--normalize", "balanced", "--sigma", "1"],
        ...["--covariance", path.join(dir, "c.npy"), "--json", json],
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/nearly defective \(condition \d\.\de\+\d+\): decomposed after a 1e-7 perturbation/);
      const p = JSON.parse(readFileSync(json, "utf8")).results.perturbation;
      expect(p.conditionBefore).toBeGreaterThan(1e8);
      expect(p.difference).toBeLessThan(1e-4);
      // C(0) is symmetric exactly: the rounding the near-defective eigenvectors amplify (~5e-4 of an entry) would
      // leave it asymmetric, and the PC spectrum of the summary refuses an asymmetric matrix
      const c = readNpy(new Uint8Array(readFileSync(path.join(dir, "c.npy"))));
      const n = c.shape[c.shape.length - 1];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(c.data[i * n + j]).toBe(c.data[j * n + i]);
    },
    60_000,
  );

  it.runIf(existsSync(cook))(
    "refuses an unstable equivalent network with its margin (raw C. elegans weights)",
    () => {
      const dir = os.tmpdir();
      const r = strand(
        "theory",
        ...["--coupling", "file", "--file", cook, "--covariance", path.join(dir, `strand-${process.pid}-c.npy`)],
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/unstable: its margin 1 - a max Re lambda\(J\) = -\d/);
      expect(existsSync(path.join(dir, `strand-${process.pid}-c.npy`))).toBe(false);
    },
    60_000,
  );

  it("refuses flags that do not go together", () => {
    const cases: [string[], RegExp][] = [
      [["--covariance-x", "x.npy"], /apply with `--covariance OUT.npy` only/],
      [["--lags", "1"], /apply with `--covariance OUT.npy` only/],
      [["--covariance", "c.txt"], /must name a .npy file/],
      [["--covariance", "c.npy", "--lags", "1,-2"], /comma-separated list of up to 64 lags/],
      [["--covariance", "c.npy", "--method", "euler"], /`--method` does not apply to `--covariance`/],
      [["--force"], /`--force` applies to the files of `--covariance` only/],
    ];
    for (const [flags, message] of cases) {
      const r = strand("theory", "--coupling", "iid", "--n", "20", ...flags);
      expect(r.status, flags.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("strand simulate --compare-covariance", () => {
  it("prints the prediction, the static control and the two halves against the simulation, and writes them", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const json = path.join(dir, "c.json"),
      fig = path.join(dir, "fig");
    const r = strand(
      "simulate",
      ...["--coupling", "iid", "--n", "80", "--g", "2", "--sigma", "1.4", "--trials", "4", "--duration", "200"],
      ...[
        "--compare-covariance",
        "--figure",
        `${fig}.svg`,
        "--json",
        json,
        "--save-covariance",
        path.join(dir, "s.npy"),
      ],
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/prediction\s+0\.\d{3}\s+[\d.]+\s+[\d.]+/);
    expect(r.stdout).toMatch(/static control/);
    expect(r.stdout).toMatch(/half vs half/);
    expect(r.stdout).toMatch(/verdict\s+the prediction's relative Frobenius error is/);
    expect(r.stdout).toMatch(
      /PC timescales\s+1\/e times of the simulation's PCs 1-5: simulated [\d.]+ .*; predicted [\d.]+ /,
    );
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc.params.trials).toBe(4);
    expect(doc.results.noiseFloor).toBeGreaterThan(0);
    expect(doc.results.pcTimescales.k).toBe(10);
    expect(doc.results.pcTimescales.predicted).toHaveLength(10);
    // the linear equivalence beats the static control on this driven network (measured 7-9x at N = 300; the
    // control's error is dominated by its wrong slow modes, which the finite simulation does not hide)
    expect(doc.results.agreement.prediction.relativeFrobenius).toBeLessThan(
      doc.results.agreement.control.relativeFrobenius,
    );
    expect(readNpy(new Uint8Array(readFileSync(path.join(dir, "s.npy")))).shape).toEqual([80, 80]);
    expect(readFileSync(`${fig}.svg`, "utf8")).toMatch(/<svg/);
    expect(existsSync(`${fig}.png`)).toBe(true);
  }, 120_000);

  it("refuses what does not go with it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    await writeFile(path.join(dir, "keep.svg"), "mine");
    const base = ["simulate", "--coupling", "iid", "--n", "20", "--duration", "10"];
    const cases: [string[], RegExp][] = [
      [["--figure", "f.svg"], /`--figure` applies with `--compare-covariance` only/],
      [["--compare-covariance", "--trials", "1"], /at least 2 with --compare-covariance/],
      [["--compare-covariance", "--theory"], /`--theory` does not apply with `--compare-covariance`/],
      [["--compare-covariance", "--figure", path.join(dir, "keep.svg")], /exists/],
    ];
    for (const [flags, message] of cases) {
      const r = strand(...base, ...flags);
      expect(r.status, flags.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(path.join(dir, "keep.svg"), "utf8")).toBe("mine");
  });
});
