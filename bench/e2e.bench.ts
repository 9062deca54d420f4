/**
 * Speed as the user waits for it (issue 30): whole processes, cold (a new process each time), strand's command as
 * typed against the NumPy script a user would write (bench/numpy_e2e.py), alternated, best of `--runs` (default 3).
 * NumPy runs without this machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides (set on some processors for old
 * OpenBLAS builds; they slow a current NumPy) and on all cores; its BLAS is printed. Jobs (equal sampled time):
 *   single trajectory  i.i.d. tanh, N = 1000, g = 3, RK4 dt 0.05, 1000 sampled + 50 burn-in, --trials 1
 *   dense job          the same 1000 sampled time units as 8 trials x 125 (+ 50 burn-in each)
 *   structured job     random-mode alpha 0.1, flat spectrum, g_eff 2, N = 2000, 500 + 50, --trials 1
 *                      (NumPy forms J densely; strand takes the O(N M) path)
 * and, without a NumPy peer, `strand theory` (one point) and `strand --version`; the fixed overhead of a
 * simulation is the structured job at 20 sampled time units less its dynamics (scaled from the 500-unit run).
 * Run: npm run bench:e2e [-- --runs N] (after npm run build).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { machine } from "../src/cli/bench.ts";
import { hasNumpy } from "./python.ts";
import { seconds } from "./whole-process.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ri = process.argv.indexOf("--runs");
const runs = ri > 0 ? Number(process.argv[ri + 1]) : 3;
const python = hasNumpy();
const numpyEnv = { ...process.env };
delete numpyEnv.OPENBLAS_CORETYPE;
delete numpyEnv.OPENBLAS_L2_SIZE;

type Command = readonly [string, string[]];
const strand = (...args: string[]): Command => [process.execPath, [path.join(root, "bin/strand.js"), ...args]];
const numpy = (...args: string[]): Command => ["python3", [path.join(root, "bench/numpy_e2e.py"), ...args]];

const sim = ["simulate", "--phi", "tanh", "--dt", "0.05", "--burn-in", "50"];
const JOBS: { name: string; strand: readonly [string, string[]]; numpy?: readonly [string, string[]]; goal: string }[] =
  [
    {
      name: "single trajectory, iid N=1000",
      strand: strand(...sim, "--coupling", "iid", "--n", "1000", "--g", "3", "--trials", "1", "--duration", "1000"),
      numpy: numpy("dense", "1000", "3", "1000", "0.05", "50", "1", "1"),
      goal: ">= 0.6x NumPy",
    },
    {
      name: "dense job, 8 x 125, N=1000",
      strand: strand(...sim, "--coupling", "iid", "--n", "1000", "--g", "3", "--trials", "8", "--duration", "125"),
      numpy: numpy("dense", "1000", "3", "125", "0.05", "50", "8", "1"),
      goal: ">= 1.0x NumPy",
    },
    {
      name: "structured job, rmm a=0.1 N=2000",
      strand: strand(
        ...sim,
        "--coupling",
        "rmm",
        "--n",
        "2000",
        "--g",
        "2",
        "--alpha",
        "0.1",
        "--spectrum",
        "flat",
        "--trials",
        "1",
        "--duration",
        "500",
      ),
      numpy: numpy("rmm", "2000", "2", "500", "0.05", "50", "1", "1", "0.1"),
      goal: ">= 3x NumPy",
    },
    {
      name: "structured job, 20 sampled",
      strand: strand(
        ...sim,
        "--coupling",
        "rmm",
        "--n",
        "2000",
        "--g",
        "2",
        "--alpha",
        "0.1",
        "--spectrum",
        "flat",
        "--trials",
        "1",
        "--duration",
        "20",
      ),
      goal: "fixed overhead < 0.5 s",
    },
    { name: "strand theory (one point)", strand: strand("theory", "--coupling", "iid", "--g", "3"), goal: "< 0.3 s" },
    { name: "strand --version", strand: strand("--version"), goal: "< 0.15 s" },
  ];

const BLAS_INFO =
  "import numpy; b = numpy.show_config(mode='dicts')['Build Dependencies']['blas']; " +
  "print(numpy.__version__, b['name'], b.get('version', ''))";
const m = machine();
const blas = python ? execFileSync("python3", ["-c", BLAS_INFO], { encoding: "utf8", env: numpyEnv }).trim() : "none";
console.log(`whole processes, best of ${runs} (alternated) — ${m.cpu}, ${m.cores} cores, ${m.node}; NumPy ${blas}`);
console.log(
  `${"job".padEnd(36)}${"strand s".padStart(10)}${"NumPy s".padStart(10)}${"NumPy/strand".padStart(14)}   goal`,
);
const best: Record<string, { strand: number; numpy: number | null }> = {};
for (const job of JOBS) {
  let s = Infinity,
    n = Infinity;
  for (let r = 0; r < runs; r++) {
    s = Math.min(s, seconds(job.strand[0], job.strand[1], root));
    if (job.numpy && python) n = Math.min(n, seconds(job.numpy[0], job.numpy[1], root, numpyEnv));
  }
  best[job.name] = { strand: s, numpy: Number.isFinite(n) ? n : null };
  const ratio = Number.isFinite(n) ? `${(n / s).toFixed(2)}x` : "-";
  const numpyS = (Number.isFinite(n) ? n.toFixed(2) : "-").padStart(10);
  console.log(`${job.name.padEnd(36)}${s.toFixed(2).padStart(10)}${numpyS}${ratio.padStart(14)}   ${job.goal}`);
}
// fixed overhead: the 20-unit run less its 70 time units of dynamics, at the rate the 500-unit run shows beyond it
const t20 = best["structured job, 20 sampled"].strand,
  t500 = best["structured job, rmm a=0.1 N=2000"].strand;
console.log(
  `fixed overhead of a simulation (N = 2000, 20 sampled): ${(t20 - ((t500 - t20) * 70) / 480).toFixed(2)} s (goal < 0.5 s)`,
);
