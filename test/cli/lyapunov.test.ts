/**
 * `strand lyapunov` as a user runs it: the summary, JSON with params/provenance/results, the exponents as .npy,
 * the theory beside the measurement, and one clear error line for bad flags; `strand theory` reports lambda_max.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root, strand } from "./run.ts";
import { readNpy } from "../../src/io/npy.ts";
import { maximalExponent } from "../../src/theory/lyapunov.ts";

const CELEGANS = path.join(root, "../shared/data/celegans-cook2019-herm/herm_full_edgelist.csv");
const quick = ["--n", "60", "--k", "10", "--duration", "20", "--burn-in", "10", "--warm-up", "5", "--blocks", "4"];

describe("strand lyapunov", () => {
  it("prints the spectrum's summary and writes JSON and the exponents as .npy", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const json = path.join(dir, "l.json"),
      npy = path.join(dir, "l.npy");
    const r = strand(
      "lyapunov",
      "--coupling",
      "iid",
      "--g",
      "3",
      ...quick,
      "--check-twin",
      "--json",
      json,
      "--save-exponents",
      npy,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/flow \(RK4 tangent\), dt 0\.05, k = 10/);
    expect(r.stdout).toMatch(/lambda_max\s+-?\d\.\d+ ± /);
    expect(r.stdout).toMatch(/D_KY, D_KY\/N/);
    expect(r.stdout).toMatch(/twin check\s+lambda_1 = /);
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc.params).toMatchObject({ n: 60, k: 10, method: "rk4", dtype: "float64", network: { coupling: "iid" } });
    expect(doc.provenance.argv[0]).toBe("lyapunov");
    expect(doc.results.exponents).toHaveLength(10);
    expect(doc.results.blockExponents).toHaveLength(4);
    const saved = readNpy(new Uint8Array(readFileSync(npy)));
    expect(Array.from(saved.data)).toEqual(doc.results.exponents);
  });

  it("prints the mean-field lambda_max beside the measurement with --theory, and says when there is none", () => {
    const r = strand("lyapunov", "--coupling", "rmm", "--g", "3", "--alpha", "0.5", ...quick, "--theory");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`theory lambda_max  ${maximalExponent(3).lambdaMax.toPrecision(4)}`);
    const euler = strand("lyapunov", "--coupling", "iid", "--g", "3", ...quick, "--method", "euler", "--theory");
    expect(euler.stdout).toMatch(
      /theory lambda_max {2}0\.\d+ \(mean field of the Euler map \(g_eff 3, delta 0\.05\)\)/,
    );
    const gains = strand("lyapunov", "--coupling", "rmm", "--g", "3", "--pr-g", "0.5", ...quick, "--theory");
    expect(gains.stdout).toMatch(/not available: no mean-field exponent with gains/);
  });

  it.skipIf(!existsSync(CELEGANS))("says a connectome's own J has no mean-field lambda_max (../shared/data)", () => {
    const file = strand(
      "lyapunov",
      "--coupling",
      "file",
      "--file",
      CELEGANS,
      "--normalize",
      "balanced",
      "--k",
      "5",
      "--duration",
      "10",
      "--burn-in",
      "10",
      "--warm-up",
      "5",
      "--theory",
    );
    expect(file.status, file.stderr).toBe(0);
    expect(file.stdout).not.toMatch(/NaN/);
    expect(file.stdout).toMatch(/theory\s+not available: no mean-field exponent for a connectome's own J/);
  });

  it("refuses bad flags with one line naming the flag", () => {
    for (const [args, message] of [
      [["--k", "61"], /`--k` must be at most N = 60/],
      [["--k", "0"], /`--k` must be an integer from 1/],
      [["--save-exponents", "x.txt"], /`--save-exponents` must name a \.npy file/],
      [["--qr-every", "0.07"], /`qrEvery` must be a whole number of steps/],
    ] as const) {
      const base = args[0] === "--k" ? quick.slice(0, 2).concat(quick.slice(4)) : quick;
      const r = strand("lyapunov", "--coupling", "iid", "--g", "3", ...base, ...args);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("strand theory", () => {
  it("gives the driven DMFT with --sigma, and refuses it where the single site is not Gaussian", () => {
    const r = strand("theory", "--coupling", "iid", "--g", "0.01", "--sigma", "2");
    expect(r.status, r.stderr).toBe(0);
    // nearly uncoupled: the Ornstein-Uhlenbeck variance sigma^2 / 2 = 2 and correlation e^-tau
    expect(r.stdout).toMatch(/C\^x\(0\), C\^phi\(0\)\s+2\.000/);
    expect(r.stdout).toMatch(/C\^x\(tau\)\/C\(0\)\s+0: 1\.000 {2}1: 0\.368/);
    expect(r.stdout).toMatch(/PR\^phi\s+0\.\d+ \(hypothesis/);
    expect(r.stdout).toMatch(/PR\^x\s+not derived with drive/);
    const gains = strand("theory", "--coupling", "rmm", "--g", "3", "--pr-g", "0.5", "--sigma", "1");
    expect(gains.status).toBe(2);
    expect(gains.stderr).toMatch(/`--sigma` applies to the Gaussian single site/);
  });

  it("reports the flow's mean-field lambda_max with its self-check, and Psi^phi(tau, tau)", () => {
    const r = strand("theory", "--coupling", "iid", "--g", "2");
    expect(r.status, r.stderr).toBe(0);
    // the diagonal of the four-point function, normalised to 1 at 0 and decaying (slower than Psi(tau, 0))
    const diag = /Psi\^phi\(tau,tau\)\s+0: 1\.000 {2}1: (0\.\d+)/.exec(r.stdout);
    expect(diag).not.toBeNull();
    const off = /Psi\^phi\(tau,0\)\/\(0\) 0: 1\.000 {2}1: (0\.\d+)/.exec(r.stdout)!;
    expect(Number(diag![1])).toBeLessThan(1);
    expect(Number(diag![1])).toBeGreaterThan(Number(off[1]));
    expect(r.stdout).toMatch(/lambda_max\s+0\.1124\d per unit time \(the flow's, mean field; self-check E_1 = /);
  });
});
