/**
 * The machine's ceilings behind issue 8's unmet targets, measured with strand's own kernels on raw wasm
 * instances (no backend, no statistics), one core and both cores at once:
 *   - matvec:  one trajectory's product (the single-trajectory and tfjs targets): J streamed once per 2 N^2 flops;
 *   - matmat:  the batched product of the dense job (K = 4 trajectories per worker, each worker its own copy of J,
 *              as the jobs run): J streamed once per 8 N^2 flops;
 *   - both cores: the same kernels on two worker threads at once; their summed rate over one thread's is the
 *              speed-up any two-worker job can reach, whatever it parallelises.
 * N = 1000 (J 4 MiB float32: beyond L2, in L3) and 2000 (16 MiB), both wasm builds. Best of 5 rounds of ~0.3 s. Run:
 * npx tsx bench/ceiling.bench.ts
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { machine } from "../src/cli/bench.ts";
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fma = enableRelaxedSimd();

// one thread's loop: instantiate the build, fill J and X, time `kernel` for `seconds`; returns GFLOP/s. Plain JS so
// that it runs as an eval'd worker as well as here.
const body = `
async function measure({ bytes, n, k, seconds, rounds }) {
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort() { throw new Error("abort"); } } });
  const ex = instance.exports;
  const base = ex.heap_base(), a = base + 64, x = a + n * n * 4, y = x + k * n * 4, end = y + k * n * 4;
  const pages = Math.ceil((end - ex.memory.buffer.byteLength) / 65536);
  if (pages > 0) ex.memory.grow(pages);
  const f = new Float32Array(ex.memory.buffer);
  for (let i = a / 4; i < end / 4; i++) f[i] = Math.sin(i * 0.37) * 0.1;
  const run = () => ex.matmat_f32(n, n, k, a, x, y); // k = 1: the 4-row matvec kernel
  const work = 2 * n * n * k;
  let reps = 1;
  for (;;) { const t = performance.now(); for (let r = 0; r < reps; r++) run(); if (performance.now() - t > 50) break; reps *= 2; }
  reps = Math.max(1, Math.round(reps * (seconds * 1000) / 50 / 2));
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.max(best, (work * reps) / ((performance.now() - t) / 1000) / 1e9);
  }
  return best;
}`;
const measure = new Function(`${body}; return measure;`)() as (o: Record<string, unknown>) => Promise<number>;

async function onBoth(o: Record<string, unknown>): Promise<number> {
  const code =
    `const { parentPort, workerData } = require("node:worker_threads"); ${body}; ` +
    `measure(workerData).then((r) => parentPort.postMessage(r));`;
  const rates = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: o });
          w.once("message", (r: number) => {
            resolve(r);
            void w.terminate();
          });
          w.once("error", reject);
        }),
    ),
  );
  return rates[0] + rates[1];
}

const m = machine();
console.log(`ceilings — ${m.cpu}, ${m.cores} cores, ${m.node}; relaxed SIMD ${fma ? "on" : "unavailable"}`);
const builds: [string, Buffer][] = [["plain", readFileSync(path.join(root, "build/strand.wasm"))]];
if (fma) builds.push(["fma", readFileSync(path.join(root, "build/strand-fma.wasm"))]);
const common = { seconds: 0.3, rounds: 5 };
for (const n of [1000, 2000]) {
  for (const k of [1, 4]) {
    for (const [name, b] of builds) {
      const o = { bytes: b, n, k, ...common };
      const r1 = await measure(o),
        r2 = await onBoth(o);
      const bw = (r: number) => ((r / (2 * k)) * 4).toFixed(0); // GB/s of J: 4 bytes per 2 k flops
      console.log(
        `${k === 1 ? "matvec" : "matmat"}   N = ${n}, K = ${k}, ${name.padEnd(5)}: one core ` +
          `${r1.toFixed(1)} GFLOP/s (J at ${bw(r1)} GB/s), both cores ${r2.toFixed(1)} GFLOP/s ` +
          `(${bw(r2)} GB/s), ${(r2 / r1).toFixed(2)}x`,
      );
    }
  }
}
process.exit(0);
