/**
 * Worker-thread entry for src/io/parallel.ts: a persistent thread that runs groups of trials (runGroup) as
 * they arrive, each on a fresh backend (so a large group's wasm memory is released when it ends), and posts
 * progress messages and the group's sums back (arrays transferred, not copied).
 */
import { parentPort } from "node:worker_threads";
import { createBackend } from "../backend/select.ts";
import { runGroup, type GroupTask } from "../simulate/group.ts";

parentPort!.on("message", async ({ id, task }: { id: number; task: GroupTask }) => {
  try {
    const be = await createBackend(task.backend, { fma: task.fma });
    const r = await runGroup(task, be, (fraction) => parentPort!.postMessage({ id, type: "progress", fraction }));
    const sums = (a: typeof r.x) => [
      a.lagSums,
      a.sum,
      a.diag,
      ...a.blockS,
      ...(a.samples ? [a.samples] : []),
      ...(a.sampleBlock ? [a.sampleBlock] : []),
    ];
    const transfer = [...sums(r.x), ...sums(r.phi), ...(r.trajectory ? [r.trajectory] : [])].map(
      (a) => a.buffer as ArrayBuffer,
    );
    parentPort!.postMessage({ id, type: "done", result: r }, transfer);
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({ id, type: "error", name: e?.name, message: e?.message ?? String(err) });
  }
});
parentPort!.postMessage({ ready: true });
