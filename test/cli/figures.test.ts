/** `strand figures`: one cheap figure end to end (files, index), and its refusals. The figures with
 *  simulations run in `strand figures --quick` (minutes), not here. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { singularValueEdges } from "../../src/network/structure.ts";
import { root, strand } from "./run.ts";

const CELEGANS = path.resolve(root, "../shared/data/celegans-cook2019-herm/herm_full_edgelist.csv");

describe("strand figures", () => {
  it("draws PRX Fig. 8 (singular values of L R^T within the predicted edges) with its JSON and an index", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const r = strand("figures", "--only", "prx-fig8", "--out", dir);
    expect(r.status, r.stderr).toBe(0);
    for (const ext of ["svg", "png", "json"]) expect(existsSync(path.join(dir, `prx-fig8.${ext}`))).toBe(true);
    const doc = JSON.parse(readFileSync(path.join(dir, "prx-fig8.json"), "utf8"));
    expect(doc.data.n).toBe(600);
    // the paper's alphas, each with at least 150 singular values (N = 150 / alpha above 600: 30000 at 0.005)
    expect(doc.data.alphas).toEqual([0.005, 0.01, 0.02, 0.05, 0.1, 0.2]);
    expect(doc.data.nByAlpha["α = 0.005"]).toBe(30000);
    // the histograms' support matches the free-probability edges: the extreme singular values fluctuate by
    // O(M^(-2/3)) of the bulk's width (M >= 150: ~4 %), well inside 5 % of the upper edge
    for (const alpha of [0.005, 0.02, 0.1, 0.2]) {
      const s = doc.data.singularValues
        .filter((x: { alpha: string }) => x.alpha === `α = ${alpha}`)
        .map((x: { s: number }) => x.s);
      expect(s).toHaveLength(Math.round(alpha * doc.data.nByAlpha[`α = ${alpha}`]));
      const e = singularValueEdges(alpha);
      expect(Math.max(...s)).toBeLessThan(e.upper * 1.05);
      expect(Math.min(...s)).toBeGreaterThan(e.lower - 0.05 * e.upper);
    }
    expect(readFileSync(path.join(dir, "index.md"), "utf8")).toMatch(/PRX Fig\. 8/);
  }, 60_000);

  it("draws a model figure at the network size --n gives, and says so in the index", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const r = strand("figures", "--only", "prx-fig8", "--n", "300", "--out", dir);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, "prx-fig8.json"), "utf8")).data.n).toBe(300);
    expect(readFileSync(path.join(dir, "index.md"), "utf8")).toMatch(/^# strand figures \(--quick --n 300,/);
  }, 60_000);

  it("simulates each point on --networks networks and plots their mean with the standard error over them", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const r = strand("figures", "--only", "prl-fig2a", "--n", "100", "--networks", "2", "--out", dir);
    expect(r.status, r.stderr).toBe(0);
    const data = JSON.parse(readFileSync(path.join(dir, "prl-fig2a.json"), "utf8")).data;
    for (const row of data.simulation) {
      const [a, b] = row.networks;
      expect(a).not.toBe(b); // two networks (seeds 1, 2), not one run twice
      // a network without an estimate (null: at N = 100 one run settles) is left out and counted, never a 0
      const kept = row.networks.filter((v: number | null) => v !== null);
      expect(row.withoutEstimate).toBe(2 - kept.length);
      if (kept.length === 0) expect(row.pr).toBeNull();
      else expect(row.pr).toBeCloseTo(kept.reduce((x: number, y: number) => x + y, 0) / kept.length, 12);
      // sd / sqrt(K) for K = 2 is |a - b| / 2
      if (kept.length === 2) expect(row.hi - row.pr).toBeCloseTo(Math.abs(a - b) / 2, 12);
      if (kept.length > 0) expect(row.z).toBeCloseTo((row.pr - row.theory) / (row.hi - row.pr), 9);
    }
    expect(data.finiteSize).toMatchObject({ n: 100, networks: 2, points: data.simulation.length });
    expect(readFileSync(path.join(dir, "index.md"), "utf8")).toMatch(
      /^# strand figures \(--quick --n 100 --networks 2,[^]*points within 3 errors \(se over 2 networks\)/,
    );
  }, 120_000);

  it("draws the chaos figures: lambda_max vs g, the three dimensions vs g, spectra vs i/N", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const r = strand("figures", "--only", "chaos-lambda,chaos-dimensions,chaos-spectrum", "--n", "60", "--out", dir);
    expect(r.status, r.stderr).toBe(0);
    const read = (name: string) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")).data;
    const lambda = read("chaos-lambda");
    expect(lambda.theory.length).toBeGreaterThan(10);
    expect(lambda.simulation.map((p: { g: number }) => p.g)).toEqual([1.5, 2, 3, 5, 8]);
    for (const p of lambda.simulation) expect(p.values).toHaveLength(3);
    const dims = read("chaos-dimensions");
    expect(new Set(dims.simulation.map((p: { which: string }) => p.which))).toEqual(
      new Set(["D_KY/N", "PR^x/N", "PR^φ/N"]),
    );
    const spectra = read("chaos-spectrum");
    expect(spectra.sizes).toEqual([15, 30, 60]);
    // each N contributes its leading N/2 exponents at i/N = 1/N ... 1/2
    expect(spectra.spectra.filter((p: { N: string }) => p.N === "N = 60")).toHaveLength(30);
    for (const name of ["chaos-lambda", "chaos-dimensions", "chaos-spectrum"])
      expect(readFileSync(path.join(dir, `${name}.png`)).length).toBeGreaterThan(1000);
  }, 120_000);

  it("draws the PC figures (PRX Fig. 9's eigenvalues, traces, timescales; PRL Fig. 4) and one network's covariance", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const r = strand(
      "figures",
      "--only",
      "prx-fig9-pcs,prx-fig10-ranked,prl-fig4,covariance",
      "--n",
      "80",
      "--out",
      dir,
    );
    expect(r.status, r.stderr).toBe(0);
    const read = (name: string) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8"));
    const pcs = read("prx-fig9-pcs");
    expect(pcs.data.ranked).toHaveLength(80);
    expect(new Set(pcs.data.traces.map((p: { pc: string }) => p.pc.split(" (")[0]))).toEqual(
      new Set(["PC 1", "PC 2", "PC 3"]),
    );
    expect(pcs.spec.hconcat).toHaveLength(3);
    const ranked = read("prx-fig10-ranked");
    expect(new Set(ranked.data.rows.map((p: { prD: string }) => p.prD))).toEqual(
      new Set(["PR^D = 0.05", "PR^D = 0.2", "PR^D = 0.7"]),
    );
    const prl4 = read("prl-fig4");
    expect(new Set(prl4.data.density.map((p: { g: string }) => p.g))).toEqual(new Set(["g = 3", "g = 5", "g = 10"]));
    expect(prl4.data.leading.map((p: { n: number }) => p.n)).toEqual([20, 40, 80]);
    const cov = read("covariance");
    for (const k of ["prediction", "control", "halves"])
      expect(cov.data.agreement[k].relativeFrobenius).toBeGreaterThan(0);
    expect(cov.data.noiseFloor).toBeGreaterThan(0);
    expect(cov.spec.hconcat).toHaveLength(4);
    for (const name of ["prx-fig9-pcs", "prx-fig10-ranked", "prl-fig4", "covariance"])
      expect(readFileSync(path.join(dir, `${name}.png`)).length).toBeGreaterThan(1000);
  }, 180_000);

  it("draws PRX Fig. 3's covariances, PRL Fig. 2b's eigenmode variances, Fig. 3's four-point maps, Fig. 5's sources", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const r = strand("figures", "--only", "prx-fig3,prl-fig2b,prl-fig3,prl-fig5", "--n", "120", "--out", dir);
    expect(r.status, r.stderr).toBe(0);
    const read = (name: string) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8"));
    const f3 = read("prx-fig3").data;
    expect(f3.neuron).toHaveLength(80 * 80);
    expect(f3.time).toHaveLength(100 * 100);
    // Y^T Y / T and Y Y^T / N have the same non-zero eigenvalues: the same PR to rounding
    expect(f3.prTime).toBeCloseTo(f3.prNeuron, 10);
    const p3 = read("prl-fig3");
    const maps = p3.data.maps as {
      source: string;
      g: string;
      x0: number;
      x1: number;
      y0: number;
      y1: number;
      psi: number;
    }[];
    for (const g of ["g = 3", "g = 5", "g = 10"]) {
      const th = maps.filter((c) => c.g === g && c.source.startsWith("theory"));
      const sim = maps.filter((c) => c.g === g && c.source.startsWith("simulation"));
      expect(th).toHaveLength(41 * 41); // |tau| <= 8 every 0.4
      expect(sim).toHaveLength(33 * 33); // |tau| <= 8 every 0.5
      // normalised at the origin, and the theory's slow diagonal above its fast anti-diagonal at |tau| = 4
      const at = (cs: typeof th, t1: number, t2: number) =>
        cs.find((c) => Math.abs((c.x0 + c.x1) / 2 - t1) < 1e-9 && Math.abs((c.y0 + c.y1) / 2 - t2) < 1e-9)!.psi;
      expect(at(th, 0, 0)).toBeCloseTo(1, 12);
      expect(at(sim, 0, 0)).toBeCloseTo(1, 12);
      expect(at(th, 4, 4)).toBeGreaterThan(at(th, 4, -4));
    }
    const rms = p3.data.rms as { source: string; tau: number }[];
    expect(new Set(rms.map((p) => p.source))).toEqual(new Set(["theory", "simulation"]));
    expect(p3.spec.vconcat).toHaveLength(3);
    // PRL Fig. 5: the three sources' shares of psi(0, 0) add up to 1 at every g, shared input the largest
    const shares = read("prl-fig5").data.shares as { g: number; source: string; share: number }[];
    for (const g of new Set(shares.map((s) => s.g))) {
      const mine = shares.filter((s) => s.g === g);
      expect(mine.map((s) => s.source)).toEqual(["direct", "reverberation", "shared input"]);
      expect(mine.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 9);
      expect(mine[2].share).toBeGreaterThan(0.5);
    }
    // PRL Fig. 2b: one row per eigenvalue with Im >= 0 (120 eigenvalues: real ones and pairs), simulated and predicted
    // variances along each; both put more variance on the modes unstable at x = 0 (Re lambda > 1) than on the rest
    const modes = read("prl-fig2b").data.modes as { re: number; im: number; simulation: number; theory: number }[];
    expect(modes.reduce((c, q) => c + (q.im > 0 ? 2 : 1), 0)).toBe(120);
    for (const which of ["simulation", "theory"] as const) {
      const mean = (rows: typeof modes) => rows.reduce((a, q) => a + q[which], 0) / rows.length;
      expect(mean(modes.filter((q) => q.re > 1))).toBeGreaterThan(mean(modes.filter((q) => q.re <= 1)));
      for (const q of modes) expect(q[which]).toBeGreaterThan(0);
    }
  }, 180_000);

  it.skipIf(!existsSync(CELEGANS))(
    "draws PRX Fig. 6 for a connectome: singular values, overlaps, O_ab and three eigenvalue spectra",
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
      const r = strand("figures", "--only", "connectomes", "--out", dir);
      expect(r.status, r.stderr).toBe(0);
      const f = JSON.parse(readFileSync(path.join(dir, "connectome-celegans-chemical.json"), "utf8"));
      expect(f.data.n).toBe(300);
      expect(f.spec.hconcat.map((p: { title: string }) => p.title.split(" ")[0])).toEqual([
        "ranked",
        "overlap",
        "overlaps",
        "eigenvalues",
      ]);
      const spectra = f.spec.hconcat[3].data.values as { which: string }[];
      for (const which of ["connectome", "random modes, no overlaps", "random modes, its overlaps u_a·v_a"]) {
        expect(spectra.filter((p) => p.which === which)).toHaveLength(300);
        expect(f.data.spectralRadii[which]).toBeGreaterThan(0);
      }
      // O_ab of the leading 50 modes, each |O_ab| <= 1 (unit vectors)
      const cells = f.spec.hconcat[2].data.values as { o: number }[];
      expect(cells).toHaveLength(2500);
      for (const c of cells) expect(Math.abs(c.o)).toBeLessThanOrEqual(1 + 1e-9);
    },
    120_000,
  );

  it("refuses unknown figures, contradictory flags and a network size that is not an integer in range", () => {
    expect(strand("figures", "--only", "fig99").stderr).toMatch(/`--only` must list figures among/);
    expect(strand("figures", "--quick", "--full").stderr).toMatch(/`--quick` and `--full` exclude each other/);
    for (const bad of ["2.5", "30000", "0x40"])
      expect(strand("figures", "--n", bad).stderr).toContain(
        `\`--n\` must be an integer from 50 to 20000; got \`"${bad}"\``,
      );
    expect(strand("figures", "--networks", "0").stderr).toContain(
      '`--networks` must be an integer from 1 to 50; got `"0"`',
    );
    // an output folder that cannot be made: refused at once (a recursive mkdir under /proc never returned)
    const proc = strand("figures", "--only", "prx-fig8", "--out", "/proc/x/y");
    expect(proc.status).toBe(2);
    expect(proc.stderr.trim()).toBe(
      "strand: cannot make the folder `/proc/x/y`: its parent `/proc/x` is missing or not writable",
    );
  });

  it("merges each figure's time into --times FILE, keeping the other figures' and its note; refuses another mode's", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const times = path.join(dir, "gallery-times.json");
    const earlier = {
      strand: "0.0.9",
      mode: "--quick",
      date: "2026-01-01",
      cpus: 2,
      figures: { "prx-fig3": { seconds: 1234, n: "2500" } },
      note: "measured by hand",
    };
    writeFileSync(times, JSON.stringify(earlier));
    const r = strand("figures", "--only", "prl-fig5", "--out", dir, "--times", times);
    expect(r.status, r.stderr).toBe(0);
    const t = JSON.parse(readFileSync(times, "utf8"));
    expect(t.figures["prx-fig3"]).toEqual(earlier.figures["prx-fig3"]);
    expect(t.note).toBe("measured by hand");
    // the run's own time, the one its folder's times.json keeps
    const own = JSON.parse(readFileSync(path.join(dir, "times.json"), "utf8"));
    expect(t.figures["prl-fig5"]).toEqual(own.figures["prl-fig5"]);
    expect(t.figures["prl-fig5"].seconds).toBeGreaterThanOrEqual(0);
    // another mode's file is refused before any work, and left as it was
    const before = readFileSync(times, "utf8");
    const other = strand("figures", "--full", "--only", "prl-fig5", "--out", dir, "--force", "--times", times);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain("holds the times of `--quick`, not of this run's `--full`");
    expect(readFileSync(times, "utf8")).toBe(before);
    writeFileSync(times, "{ not json");
    expect(strand("figures", "--only", "prl-fig5", "--out", dir, "--force", "--times", times).stderr).toContain(
      "is not a figures times file",
    );
    expect(strand("figures", "--gallery", "--out", dir, "--times", times).stderr).toContain(
      "`--times` goes with neither --gallery",
    );
  }, 60_000);

  it("never overwrites a figure already in the output folder without --force", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    writeFileSync(path.join(dir, "prx-fig8.svg"), "keep");
    const r = strand("figures", "--only", "prx-fig8", "--out", dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`\`${path.join(dir, "prx-fig8.svg")}\` exists: pass --resume to continue that run`);
    expect(readFileSync(path.join(dir, "prx-fig8.svg"), "utf8")).toBe("keep");
    // with --force it is replaced
    expect(strand("figures", "--only", "prx-fig8", "--out", dir, "--force").status).toBe(0);
    expect(readFileSync(path.join(dir, "prx-fig8.svg"), "utf8")).toMatch(/^<svg/);
  }, 60_000);

  it("continues a killed run from its points.jsonl, computing only the missing points, with the same figure", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    const args = ["figures", "--only", "prl-fig2a", "--n", "100", "--out", dir];
    const points = path.join(dir, "points.jsonl");
    const count = () => (existsSync(points) ? readFileSync(points, "utf8").split("\n").filter(Boolean).length - 1 : 0);
    // PRL Fig. 2a at N = 100 has 4 simulation points: kill the run once 2 are written
    const killed = await new Promise<boolean>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, "bin/strand.js"), ...args], {
        cwd: root,
        stdio: "ignore",
      });
      let done = false;
      const poll = setInterval(() => {
        if (!done && count() >= 2) {
          done = true;
          child.kill("SIGKILL");
        }
      }, 5);
      child.on("exit", () => {
        clearInterval(poll);
        resolve(done);
      });
    });
    expect(killed).toBe(true);
    const before = count();
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(4);
    // a torn last line (a write cut off by the kill) is dropped on resume
    appendFileSync(points, '{"key":"{\\"simulate');
    // without --resume (or --force) the points file is not touched
    const refused = strand(...args);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/points\.jsonl` exists: pass --resume/);
    // another network size cannot continue it
    expect(strand("figures", "--only", "prl-fig2a", "--n", "120", "--out", dir, "--resume").stderr).toMatch(
      /is from a different sweep/,
    );
    const r = strand(...args, "--resume");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${before} points reused from ${points}, ${4 - before} computed`);
    expect(count()).toBe(4);
    // the same figure as a run never killed (same seeds, same backend)
    const fresh = await mkdtemp(path.join(os.tmpdir(), "strand-fig-"));
    expect(strand("figures", "--only", "prl-fig2a", "--n", "100", "--out", fresh).status).toBe(0);
    const data = (d: string) => JSON.parse(readFileSync(path.join(d, "prl-fig2a.json"), "utf8")).data;
    expect(data(dir).simulation).toEqual(data(fresh).simulation);
    // the figure's time, written as soon as it is drawn, counts the reused points with the time they took
    const times = JSON.parse(readFileSync(path.join(dir, "times.json"), "utf8"));
    expect(times.mode).toBe("--quick --n 100");
    expect(times.figures["prl-fig2a"].n).toBe("100");
    const pointSeconds = readFileSync(points, "utf8")
      .split("\n")
      .filter(Boolean)
      .slice(1)
      .reduce((a, l) => a + JSON.parse(l).seconds, 0);
    expect(times.figures["prl-fig2a"].seconds).toBeGreaterThanOrEqual(pointSeconds);
    // resuming a finished run computes nothing
    expect(strand(...args, "--resume").stderr).toContain("4 points reused");
  }, 180_000);
});
