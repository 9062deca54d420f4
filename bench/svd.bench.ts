/**
 * Dense float64 linear algebra for connectome structure, strand (wasm kernels) vs numpy (LAPACK via
 * OpenBLAS, both cores) on the same matrices in the same run: singular values only (numpy.linalg.svd
 * compute_uv=False), the full SVD with the left/right overlaps u_a.v_a (numpy.linalg.svd), and the complex
 * eigenvalues (numpy.linalg.eigvals). Matrices: N = 1000 Gaussian, and the 2952 x 2952 larval Drosophila
 * matrix from ../shared/data when present. And the PCs of a covariance (the symmetric eigendecomposition,
 * src/linalg/symmetric.ts): `pcs` eigenvalues and eigenvectors (pc-spectrum.ts principalComponents) against
 * numpy.linalg.eigh, with the route it replaced (one SVD, svd.ts) timed beside it; `pcvalues` the values only
 * (pcSpectrum) against numpy.linalg.eigvalsh, with the route it replaced (the nonsymmetric eig). On sample
 * covariances X^T X / S of S = 2N Gaussian rows, N = 1000 and 2000. numpy runs only when python3 with numpy is
 * installed.
 * Run: npx tsx bench/svd.bench.ts [values|vectors|eig|pcs|pcvalues ...]   (default: all five)
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
import { eigenvalues } from "../src/linalg/dense.ts";
import { singularValues, svd } from "../src/linalg/svd.ts";
import { realProduct } from "../src/linalg/complex.ts";
import { transposed } from "../src/backend/buffers.ts";
import { pcSpectrum, principalComponents } from "../src/simulate/pc-spectrum.ts";
import { machine } from "../src/cli/bench.ts";
import { hasNumpy } from "./python.ts";
import { compileWasmOptimized } from "../src/io/wasm-tiers.ts";

// as the CLI: each decomposition runs its kernels once, so compiled optimized from the first call (io/wasm-tiers.ts)
compileWasmOptimized();

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
/** a sample covariance X^T X / S of S = 2N standard Gaussian rows */
function sampleCovariance(n: number): Float64Array {
  const S = 2 * n;
  const X = new Float64Array(S * n);
  fillNormal(seedState(2), S * n, 0, 1, X);
  const Xt = transposed(X, S, n);
  return realProduct(be, n, S, n, Xt, Xt).map((v) => v / S);
}
const covariances = [1000, 2000].map((n) => ({ name: "covariance", n, A: sampleCovariance(n) }));
const python = hasNumpy();
const m = machine();
const modes = process.argv.slice(2).length ? process.argv.slice(2) : ["values", "vectors", "eig", "pcs", "pcvalues"];
console.log(`${m.cpu}, ${m.cores} cores, ${m.node}; float64`);
console.log("task      case              N     strand s    numpy s   strand/numpy   agreement");
for (const mode of modes) {
  for (const c of mode.startsWith("pc") ? covariances : cases) {
    const t = performance.now();
    let ours: { s?: Float64Array; overlaps?: Float64Array; re?: Float64Array; im?: Float64Array };
    if (mode === "values") ours = { s: singularValues(c.n, c.A, be) };
    else if (mode === "pcs") ours = { s: Float64Array.from(principalComponents(c.n, c.A, be).eigenvalues) };
    else if (mode === "pcvalues") ours = { s: Float64Array.from(pcSpectrum(c.n, c.A, be).eigenvalues) };
    else if (mode === "vectors") {
      const r = svd(c.n, c.A, be);
      ours = {
        s: r.s,
        overlaps: Float64Array.from({ length: c.n }, (_, a) => {
          let d = 0;
          for (let i = 0; i < c.n; i++) d += r.ut[a * c.n + i] * r.vt[a * c.n + i];
          return d;
        }),
      };
    } else ours = eigenvalues(c.n, c.A, be);
    const ts = (performance.now() - t) / 1000;
    // the route each PC mode replaced, timed in the same run: one SVD (vectors), the nonsymmetric eig (values)
    let before = "";
    if (mode.startsWith("pc")) {
      const t0 = performance.now();
      if (mode === "pcs") svd(c.n, c.A, be);
      else eigenvalues(c.n, c.A, be);
      before = `, replaced route ${((performance.now() - t0) / 1000).toFixed(2)} s`;
    }
    let line = `${mode.padEnd(9)} ${c.name.padEnd(14)} ${String(c.n).padStart(5)}  ${ts.toFixed(2).padStart(10)}`;
    if (python) {
      const f = path.join(tmp, "a.npy");
      writeFileSync(f, writeNpy(c.A, [c.n, c.n]));
      const out = JSON.parse(
        execFileSync("python3", [path.join(here, "numpy_svd.py"), f, mode], { encoding: "utf8", maxBuffer: 1 << 30 }),
      );
      let agreement: string;
      if (mode === "eig") {
        // eigenvalues as sets: for the 100 largest of ours, the distance to the nearest of numpy's, / |lambda_1|
        let worst = 0;
        for (let k = 0; k < Math.min(100, c.n); k++) {
          let best = Infinity;
          for (let j = 0; j < c.n; j++)
            best = Math.min(best, Math.hypot(ours.re![k] - out.re[j], ours.im![k] - out.im[j]));
          worst = Math.max(worst, best);
        }
        agreement = `leading 100 eigenvalues within ${(worst / Math.hypot(out.re[0], out.im[0])).toExponential(1)} |lambda_1|`;
      } else {
        let diff = 0;
        for (let k = 0; k < c.n; k++) diff = Math.max(diff, Math.abs(ours.s![k] - out.s[k]));
        agreement = `max |dS| / S_1 ${(diff / ours.s![0]).toExponential(1)}`;
        if (mode === "vectors") {
          // overlaps of simple singular values are sign-invariant; compare the modes above 1e-8 S_1
          let dd = 0;
          for (let a = 0; a < c.n; a++)
            if (out.s[a] > 1e-8 * out.s[0]) dd = Math.max(dd, Math.abs(ours.overlaps![a] - out.overlaps[a]));
          agreement += `, max |d(u_a.v_a)| ${dd.toExponential(1)}`;
        }
        agreement += before;
      }
      line += `  ${out.seconds.toFixed(2).padStart(9)}  ${(ts / out.seconds).toFixed(2).padStart(13)}   ${agreement}`;
    } else line += before;
    console.log(line);
  }
}
