/**
 * Resumable figure points (src/figures/points.ts): each point computed once, kept in the points file with its compute
 * time, reported as it ends, and read back by a resumed store (the kill-and-resume run: test/cli/figures.test.ts);
 * points asked for at once computed one at a time in the order asked, or handed to a runner (the queue's:
 * test/io/queue.test.ts); a kind of point computed from its key alone.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { computePoint, definePoint, keyText, pointLabel, pointStore } from "../../src/figures/points.ts";
import { localContext } from "../../src/figures/task.ts";
import { ConvergenceError } from "../../src/errors.ts";

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

  it("keeps a long key by its SHA-256 and label, and reuses it, or the key's text an older file kept", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "strand-points-"));
    const header = { figures: "test", mode: "full" };
    // a sampling site's key holds its N mode strengths: ~190 kB at N = 5000
    const D = Array.from({ length: 5000 }, (_, i) => 8 - i / 1000);
    const key = { sampler: { kind: "overlaps", alpha: 1, D }, phi: "erf", seed: 1 };
    const a = pointStore(path.join(dir, "points.jsonl"), header, false);
    await a.once(key, async () => ({ prPhi: 0.0147 }));
    a.close();
    const [, line] = readFileSync(path.join(dir, "points.jsonl"), "utf8").trim().split("\n");
    const rec = JSON.parse(line);
    expect(rec.key).toBe(`sha256:${createHash("sha256").update(keyText(key)).digest("hex")}`);
    expect(rec.label).toBe("sampler overlaps alpha=1 seed 1");
    expect(line.length).toBeLessThan(300);
    const never = async () => {
      throw new Error("recomputed");
    };
    const b = pointStore(path.join(dir, "points.jsonl"), header, true);
    expect(await b.once(key, never)).toEqual({ prPhi: 0.0147 });
    b.close();
    // a file written before long keys were hashed: the key's whole text
    const old = path.join(dir, "old.jsonl");
    writeFileSync(
      old,
      JSON.stringify({ header }) +
        "\n" +
        JSON.stringify({ key: keyText(key), value: { prPhi: 0.02 }, seconds: 30 }) +
        "\n",
    );
    const c = pointStore(old, header, true);
    expect(await c.once(key, never)).toEqual({ prPhi: 0.02 });
    expect(c.counts()).toMatchObject({ reused: 1, computed: 0, reusedSeconds: 30 });
    c.close();
  });

  it("keeps a point that failed in its parameters as its error, failed again on resume without recomputing", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "strand-points-")), "points.jsonl");
    const header = { figures: "test", mode: "full" };
    const key = { sampler: { kind: "overlaps", g: 10, gamma: 0.6 }, phi: "erf", seed: 1 };
    const flaky = { sampler: { kind: "overlaps", g: 6, gamma: 0.6 }, phi: "erf", seed: 1 };
    const ended: string[] = [];
    const a = pointStore(file, header, false, (p) => ended.push(`${pointLabel(p.key)}: ${p.error}`));
    const condenses = async () => {
      throw new ConvergenceError("mode 1 of 5000 condenses", { iteration: 3 });
    };
    await expect(a.once(key, condenses)).rejects.toThrow("mode 1 of 5000 condenses");
    // a failure of the machine's, not the point's (retrying may help): not kept
    await expect(
      a.once(flaky, async () => {
        throw new Error("out of memory");
      }),
    ).rejects.toThrow("out of memory");
    a.close();
    expect(ended).toEqual(["sampler overlaps g=10 gamma=0.6 seed 1: mode 1 of 5000 condenses"]);
    let calls = 0;
    const b = pointStore(file, header, true);
    const again = b.once(key, async () => (calls++, 1));
    await expect(again).rejects.toThrow("mode 1 of 5000 condenses");
    await expect(again).rejects.toMatchObject({ name: "ConvergenceError" });
    expect(await b.once(flaky, async () => (calls++, 2))).toBe(2);
    expect(calls).toBe(1);
    expect(b.counts()).toMatchObject({ reused: 1, computed: 1 });
    b.close();
  });

  it("labels a point by its kind and its spec's plain fields", () => {
    expect(pointLabel({ sampler: { kind: "symmetry", g: 2, rho: 0.3 }, phi: "tanh", seed: 1 })).toBe(
      "sampler symmetry g=2 rho=0.3 seed 1",
    );
    expect(pointLabel({ lyapunov: { coupling: "iid", n: 1000, g: 3, seed: 4 }, k: 250, duration: 300, seed: 4 })).toBe(
      "lyapunov iid n=1000 g=3 seed 4",
    );
  });

  it("computes points asked for at once one at a time, in the order asked, and a failure is only its await's", async () => {
    const store = pointStore(null, {}, false);
    const log: string[] = [];
    const compute =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      };
    // b fails before a is awaited: no unhandled rejection (vitest would report one), the error is b's await's
    const a = store.once({ p: "a" }, compute("a", 30));
    const b = store.once({ p: "b" }, compute("b", 1, true));
    const c = store.once({ p: "c" }, compute("c", 1));
    expect(await a).toBe("a");
    await new Promise((r) => setTimeout(r, 20));
    await expect(b).rejects.toThrow("b failed");
    expect(await c).toBe("c");
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(store.counts()).toMatchObject({ computed: 2 });
    // closed (the run ended, say by a figure's failure), a store starts no point still waiting for its turn
    const d = store.once({ p: "d" }, compute("d", 30));
    const e = store.once({ p: "e" }, compute("e", 1));
    await new Promise((r) => setTimeout(r, 5));
    expect(log).toContain("start d");
    store.close();
    expect(await d).toBe("d"); // already started: it ends
    await expect(e).rejects.toThrow(/ended before this point was computed/);
    expect(log).not.toContain("start e");
  });

  it("hands the points it lacks to a runner, all at once, and keeps what the runner returns", async () => {
    const asked: string[] = [];
    const release: (() => void)[] = [];
    const store = pointStore(null, {}, false, undefined, async (k) => {
      asked.push(k);
      await new Promise<void>((r) => release.push(r));
      return { value: { from: "runner", k }, seconds: 2 };
    });
    const never = async () => {
      throw new Error("not computed here");
    };
    const ps = [store.once({ p: 1 }, never), store.once({ p: 2 }, never), store.once({ p: 1 }, never)];
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([keyText({ p: 1 }), keyText({ p: 2 })]); // both out at once; the same key once
    release.forEach((r) => r());
    expect((await Promise.all(ps)).map((v) => (v as { k: string }).k)).toEqual([
      keyText({ p: 1 }),
      keyText({ p: 2 }),
      keyText({ p: 1 }),
    ]);
  });

  it("computes a defined kind of point from its key's text alone, as the figure's store computes it", async () => {
    const ctx = await localContext(1);
    try {
      const square = definePoint("testSquare", async (key: { testSquare: { x: number; v: Float64Array } }, c) => ({
        sum: Array.from(key.testSquare.v).reduce((s, v) => s + v * v, key.testSquare.x),
        backend: c.be.name,
      }));
      const key = { testSquare: { x: 1, v: new Float64Array([2, 3]) } };
      const here = await square({ ...ctx, points: pointStore(null, {}, false) }, key);
      expect(here).toEqual({ sum: 14, backend: ctx.be.name });
      expect(await computePoint(keyText(key), ctx)).toEqual(here);
      await expect(computePoint(JSON.stringify({ noSuchKind: {} }), ctx)).rejects.toThrow(
        /no kind of figure point `noSuchKind`/,
      );
      expect(() => definePoint("testSquare", async () => 0)).toThrow(/defined twice/);
    } finally {
      await ctx.close();
    }
  });
});
