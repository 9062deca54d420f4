/**
 * A figure's point as a queue job (src/figures/task.ts): computed from its key in a thread of its own (the worker's
 * event loop stays free to renew the job's lock; test/io/queue.test.ts runs it on a real queue) it gives the value a
 * figure's store computes here, and an error keeps its name (a RangeError stays permanent for the queue).
 */
import { describe, expect, it } from "vitest";
import "../../src/figures/index.ts";
import { simulateOnce, type Mode } from "../../src/figures/plan.ts";
import { keyText, pointStore } from "../../src/figures/points.ts";
import { localContext, runPointInThread } from "../../src/figures/task.ts";
import { isPermanent } from "../../src/sweep/tasks.ts";

describe("a figure point as a job", () => {
  it("computed from its key in its own thread gives the value the figure's store computes here", async () => {
    const spec = { coupling: "iid" as const, n: 60, g: 2, seed: 3 };
    const run = { trials: 2, duration: 20, burnIn: 5, dt: 0.05, lags: 1, blocks: 2, dtype: "float32" as const };
    const ctx = await localContext(1);
    try {
      const m = { ...ctx, full: false, networks: 1, points: pointStore(null, {}, false) } as Mode;
      const here = await simulateOnce(m, spec, "tanh", 3, run);
      const there = await runPointInThread(keyText({ simulate: spec, phi: "tanh", seed: 3, run }), 1);
      // the same seeds on the same backend: the same numbers (the seconds aside)
      const { seconds: _a, ...a } = here.results;
      const { seconds: _b, ...b } = (there.value as typeof here).results;
      expect(b).toEqual(a);
      expect(a.cPhi0).toBeGreaterThan(0);
      expect(there.seconds).toBeGreaterThan(0);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it("of an unknown kind comes back from its thread as the same, permanent, error", async () => {
    const e = await runPointInThread(JSON.stringify({ noSuchPoint: { n: 1 } }), 1).catch((err: Error) => err);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe("RangeError");
    expect((e as Error).message).toMatch(/no kind of figure point `noSuchPoint`/);
    expect(isPermanent(e)).toBe(true);
  }, 60_000);
});
