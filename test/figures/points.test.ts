/**
 * Resumable figure points (src/figures/points.ts): each point computed once, kept in the points file with its compute
 * time, reported as it ends, and read back by a resumed store (the kill-and-resume run: test/cli/figures.test.ts).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pointLabel, pointStore } from "../../src/figures/points.ts";

describe("a figure's point store", () => {
  it("computes each point once, reports the ones computed, and a resumed store reuses them with their times", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "strand-points-")), "points.jsonl");
    const header = { figures: "test", mode: "quick" };
    const ended: string[] = [];
    const a = pointStore(file, header, false, (p) => ended.push(pointLabel(p.key)));
    const key = { simulate: { coupling: "rmm", n: 100, g: 6, prD: 0.05, seed: 2 }, phi: "erf", seed: 2 };
    let calls = 0;
    const compute = async () => (calls++, { pr: Float64Array.of(0.25, 0.5) });
    const [x, y] = await Promise.all([a.once(key, compute), a.once(key, compute)]);
    expect(calls).toBe(1);
    expect(x).toEqual({ pr: [0.25, 0.5] }); // the JSON round trip: what a resumed run reads back
    expect(y).toBe(x);
    expect(ended).toEqual(["simulate rmm n=100 g=6 prD=0.05 seed 2"]);
    a.close();
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2); // header and one point
    const b = pointStore(file, header, true, (p) => ended.push(pointLabel(p.key)));
    expect(await b.once(key, compute)).toEqual({ pr: [0.25, 0.5] });
    expect(calls).toBe(1);
    expect(ended).toHaveLength(1); // a reused point is not reported again
    expect(b.counts()).toMatchObject({ reused: 1, computed: 0 });
    expect(b.counts().reusedSeconds).toBeGreaterThanOrEqual(0);
    b.close();
    expect(() => pointStore(file, { ...header, mode: "full" }, true)).toThrow();
  });

  it("labels a point by its kind and its spec's plain fields", () => {
    expect(pointLabel({ sampler: { kind: "symmetry", g: 2, rho: 0.3 }, phi: "tanh", seed: 1 })).toBe(
      "sampler symmetry g=2 rho=0.3 seed 1",
    );
    expect(pointLabel({ lyapunov: { coupling: "iid", n: 1000, g: 3, seed: 4 }, k: 250, duration: 300, seed: 4 })).toBe(
      "lyapunov iid n=1000 g=3 seed 4",
    );
  });
});
