/**
 * Worker-thread entry for src/io/sampler-pool.ts: a persistent thread with its own backend that runs chunks
 * of the sampling single site (runChunk) as they arrive and posts the sums back (arrays transferred).
 */
import { parentPort, workerData } from "node:worker_threads";
import { createBackend } from "../backend/select.ts";
import { runChunk, type ChunkTask } from "../theory/selfcoupled-chunk.ts";

const be = await createBackend((workerData as { backend: "wasm" | "js" }).backend);
parentPort!.on("message", (m: { id: number; task: ChunkTask }) => {
  try {
    const r = runChunk(be, m.task);
    const accs = [r.accC, ...(r.accU ? [r.accU] : [])];
    parentPort!.postMessage(
      { id: m.id, result: r },
      accs.flatMap((a) => [a.pp, a.peRe, a.peIm, a.ee].map((v) => v.buffer as ArrayBuffer)),
    );
  } catch (err) {
    const e = err as Error & { diagnostics?: Record<string, number> };
    parentPort!.postMessage({
      id: m.id,
      error: { name: e?.name, message: e?.message ?? String(err), diagnostics: e?.diagnostics ?? {} },
    });
  }
});
parentPort!.postMessage({ ready: true });
