/**
 * Worker-thread entry for a figure point of a queue (task.ts runPointInThread): computes one point from its key
 * (computePoint, with this thread's own backend, simulation threads, sampler and team) and posts its value back, so
 * that the queue worker's event loop, which renews the job's lock, is never held by the point's synchronous parts
 * (dense decompositions).
 */
import { parentPort, workerData } from "node:worker_threads";
import "./index.ts"; // every figure module: they define the kinds of point
import { computePoint } from "./points.ts";
import { localContext } from "./task.ts";

const { key, threads } = workerData as { key: string; threads: number };
const ctx = await localContext(threads);
try {
  const t0 = performance.now();
  const value = await computePoint(key, ctx);
  parentPort!.postMessage({ result: { value, seconds: (performance.now() - t0) / 1000 } });
} catch (err) {
  const e = err as Error;
  parentPort!.postMessage({ error: { name: e?.name ?? "Error", message: e?.message ?? String(err) } });
} finally {
  await ctx.close();
}
