/**
 * Singular values (values only) of a dense float64 matrix: strand (wasm bidiagonalisation + Golub–Kahan QR)
 * vs numpy.linalg.svd(compute_uv=False) (LAPACK dgesdd via OpenBLAS, both cores) on the same matrices, in
 * the same run: N = 1000 Gaussian, and the 2952 x 2952 larval Drosophila matrix from ../shared/data when
 * present. numpy runs only when python3 with numpy is installed (skipped with a message otherwise).
 * Run: npx tsx bench/svd.bench.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createBackend } from "../src/backend/select.ts";
import { fillNormal, seedState } from "../src/backend/rng.ts";
import { readConnectome } from "../src/io/connectome-file.ts";
import { writeNpy } from "../src/io/npy.ts";
import { singularValues } from "../src/linalg/svd.ts";
import { machine } from "../src/cli/bench.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const larva = path.resolve(here, "../../shared/data/drosophila-larva-winding2023/Supplementary-Data-S1.zip");
const be = await createBackend("wasm");
const tmp = mkdtempSync(path.join(os.tmpdir(), "strand-svd-"));
const cases: { name: string; n: number; A: Float64Array }[] = [];
{
  const n = 1000;
  const A = new Float64Array(n * n);
  fillNormal(seedState(1), n * n, 0, 1 / Math.sqrt(n), A);
  cases.push({ name: "gaussian", n, A });
}
if (existsSync(larva)) {
  const c = await readConnectome(larva);
  cases.push({ name: "larva all-all", n: c.n, A: c.J });
}
let python = true;
try {
  execFileSync("python3", ["-c", "import numpy"], { stdio: "ignore" });
} catch {
  python = false;
  console.log("python3 with numpy not found: numpy timings skipped");
}
const m = machine();
console.log(`singular values, values only — ${m.cpu}, ${m.cores} cores, ${m.node}`);
console.log("case              N     strand s    numpy s   strand/numpy   max |S_strand - S_numpy| / S_1");
for (const c of cases) {
  const t = performance.now();
  const s = singularValues(c.n, c.A, be);
  const ts = (performance.now() - t) / 1000;
  let line = `${c.name.padEnd(14)} ${String(c.n).padStart(5)}  ${ts.toFixed(2).padStart(10)}`;
  if (python) {
    const f = path.join(tmp, "a.npy");
    writeFileSync(f, writeNpy(c.A, [c.n, c.n]));
    const out = execFileSync("python3", [path.join(here, "numpy_svd.py"), f], { encoding: "utf8", maxBuffer: 1 << 28 });
    const { seconds, s: sn } = JSON.parse(out) as { seconds: number; s: number[] };
    let diff = 0;
    for (let k = 0; k < c.n; k++) diff = Math.max(diff, Math.abs(s[k] - sn[k]));
    line += `  ${seconds.toFixed(2).padStart(9)}  ${(ts / seconds).toFixed(2).padStart(13)}   ${(diff / s[0]).toExponential(1)}`;
  }
  console.log(line);
}
