/**
 * A figure as a queue job (src/figures/task.ts): the tasks of a run, and a job computed in a thread of its own (the
 * worker's event loop stays free to renew the job's lock; test/io/queue.test.ts runs it on a real queue), with the
 * panels a direct computation gives and errors that keep their name (a RangeError stays permanent for the queue).
 */
import { describe, expect, it } from "vitest";
import { figureTasks, runFigureTask, runFigureTaskInThread } from "../../src/figures/task.ts";
import { isPermanent } from "../../src/sweep/tasks.ts";

describe("a figure job", () => {
  it("is one task per figure, keyed by the figure and the run's mode", () => {
    const { header, tasks } = figureTasks(["prx-fig8", "prl-fig5"], { mode: "quick", n: 100, networks: 1 });
    expect(tasks.map((t) => t.point.figure)).toEqual(["prx-fig8", "prl-fig5"]);
    expect(new Set(tasks.map((t) => t.key)).size).toBe(2);
    expect(header.what).toBe("figures");
  });

  it("computed in its own thread gives the panels computed here", async () => {
    const point = { figure: "prx-fig8", mode: "quick", n: 100, networks: 1 };
    const [there, here] = [await runFigureTaskInThread(point, 1), await runFigureTask(point)];
    expect(there.figures.map((f) => f.data)).toEqual(here.figures.map((f) => f.data));
  }, 60_000);

  it("refused in its thread comes back as the same, permanent, error", async () => {
    const e = await runFigureTaskInThread({ figure: "no-such-figure", mode: "quick", n: 100, networks: 1 }, 1).catch(
      (err: Error) => err,
    );
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe("RangeError");
    expect((e as Error).message).toMatch(/no figure `no-such-figure`/);
    expect(isPermanent(e)).toBe(true);
  }, 60_000);
});
