/**
 * Worker-thread entry for src/io/parallel.ts: runs one group of trials (runGroup) on its own backend and
 * posts progress messages and the group's sums back (arrays transferred, not copied).
 */
import { parentPort, workerData } from "node:worker_threads";
import { createBackend } from "../backend/select.ts";
import { runGroup, type GroupTask } from "../simulate/simulate.ts";

const task = workerData as GroupTask;
try {
  const be = await createBackend(task.backend);
  const r = await runGroup(task, be, (fraction) => parentPort!.postMessage({ type: "progress", fraction }));
  const transfer = [r.x.pooled, r.x.sum, r.x.diag, ...r.x.blockS, r.phi.pooled, r.phi.sum, r.phi.diag, ...r.phi.blockS, ...(r.trajectory ? [r.trajectory] : [])].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage({ type: "done", result: r }, transfer);
} catch (err) {
  const e = err as Error;
  parentPort!.postMessage({ type: "error", name: e?.name, message: e?.message ?? String(err) });
}
