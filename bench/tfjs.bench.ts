/**
 * strand vs @tensorflow/tfjs-backend-wasm (issue 8: the fairest in-process WASM peer; a devDependency of the
 * benchmarks only) on the same dense float32 Euler step x <- x + dt (-x + J tanh(x)), one trajectory, one
 * thread (tfjs-wasm runs single-threaded in Node: no cross-origin-isolated SharedArrayBuffer workers), in
 * the same run. tfjs is given its fastest formulation: x as a 1 x N row times a pre-transposed constant J^T
 * (XNNPACK keeps the packed weights between calls; the column form J @ x repacks x every call and is ~4x
 * slower). Time per step is the mean over `reps` steps after a warm-up, best of 3.
 * Run: npx tsx bench/tfjs.bench.ts (also the last table of npm run bench)
 */
import path from "node:path";
import { createRequire } from "node:module";
import { createBackend } from "../src/backend/select.ts";
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";
import type { Backend } from "../src/backend/types.ts";
import { caseSpecs, machine } from "../src/cli/bench.ts";

export interface PeerRow {
  n: number;
  wasmUs: number;
  jsUs: number;
  tfjsUs: number;
}

/** strand's Euler step: the euler:dense case of the kernel benchmark (src/cli/bench.ts), buffers in backend memory */
function strandStep(be: Backend, n: number): () => void {
  const spec = caseSpecs([n], { batchN: [], covN: [], k: 1 }).find((c) => c.kernel === "euler:dense")!;
  return spec.setup(be, "float32").run;
}

function usPerStep(step: () => void, reps: number): number {
  for (let i = 0; i < Math.max(10, reps / 10); i++) step();
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) step();
    best = Math.min(best, ((performance.now() - t0) * 1000) / reps);
  }
  return best;
}

export async function tfjsPeer(sizes = [256, 1000, 2000]): Promise<PeerRow[] | null> {
  let tf: typeof import("@tensorflow/tfjs-core");
  try {
    tf = await import("@tensorflow/tfjs-core");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const dist = path.dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json"));
    wasm.setWasmPaths(path.join(dist, "dist") + path.sep);
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs could not start its wasm backend");
    await tf.ready();
  } catch (err) {
    console.log(
      `@tensorflow/tfjs-backend-wasm not available (${err instanceof Error ? err.message : err}): tfjs comparison skipped`,
    );
    return null;
  }
  enableRelaxedSimd(); // strand's default wasm build where the runtime has it (tfjs-wasm's XNNPACK build has no relaxed SIMD)
  const wasm = await createBackend("wasm"),
    js = await createBackend("js");
  const rows: PeerRow[] = [];
  for (const n of sizes) {
    const reps = Math.max(20, Math.round(4e8 / (n * n)));
    const JT = tf.tidy(() => tf.transpose(tf.randomNormal([n, n], 0, 3 / Math.sqrt(n), "float32", 1)));
    let x = tf.randomNormal([1, n], 0, 1, "float32", 2);
    const tfStep = () => {
      const next = tf.tidy(() => tf.add(x, tf.mul(tf.sub(tf.matMul(tf.tanh(x), JT), x), 0.05)));
      x.dispose();
      x = next;
    };
    const tfjsUs = usPerStep(tfStep, reps);
    await x.data(); // the last step really ran
    x.dispose();
    JT.dispose();
    rows.push({
      n,
      wasmUs: usPerStep(strandStep(wasm, n), reps),
      jsUs: usPerStep(strandStep(js, n), Math.max(5, reps / 20)),
      tfjsUs,
    });
  }
  return rows;
}

export function printPeer(rows: PeerRow[]): void {
  console.log("\nEuler step, dense float32, one trajectory, one thread (same run):");
  console.log("kernel        N   strand wasm us  strand js us  tfjs-wasm us   wasm/js   wasm/tfjs-wasm");
  for (const r of rows) {
    console.log(
      `euler:dense ${String(r.n).padStart(5)} ${r.wasmUs.toFixed(1).padStart(14)} ` +
        `${r.jsUs.toFixed(1).padStart(13)} ${r.tfjsUs.toFixed(1).padStart(13)} ` +
        `${(r.jsUs / r.wasmUs).toFixed(1).padStart(8)}x ` +
        `${(r.tfjsUs / r.wasmUs).toFixed(1).padStart(14)}x`,
    );
  }
  console.log("targets: wasm/tfjs-wasm >= 5x, wasm/js >= 50x");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m = machine();
  console.log(`strand vs tfjs-wasm — ${m.cpu}, ${m.cores} cores, ${m.node}`);
  const rows = await tfjsPeer();
  if (rows) printPeer(rows);
  process.exit(0);
}
