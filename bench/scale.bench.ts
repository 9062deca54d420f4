/**
 * The paper's sizes on one machine (issue 25): wall time and peak RSS of `strand simulate` as typed, whole
 * processes (GNU time's maximum resident set size: the process with its worker threads), at N = 1000 … 16384 for
 * i.i.d. couplings (g = 2) and the random-mode model (alpha = 0.1, flat spectrum, g_eff = 2), with the paper's
 * protocol (8 trials x 500 time units, RK4 dt 0.05, a sample per time unit, burn-in 100) where it fits the time
 * budget of a benchmark and scaled down above it (the table says how). Beside each row strand's own memory
 * estimate (--dry-run), so the estimate can be checked against the peak; and, with --numpy, the NumPy script a user
 * would write for the same samples (bench/numpy_scale.py, trials batched, Gram-matrix cross-block PR).
 * Run: npm run bench:scale [-- --numpy | --numpy-at N[,N…]] [--only N[,N…]] (after npm run build): ~20 min, twice
 * that with --numpy.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { machine } from "../src/cli/bench.ts";
import { hasNumpy } from "./python.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
// --numpy: the NumPy peer at every size; --numpy-at N[,N…]: at those sizes only
const numpyAt = arg("--numpy-at")?.split(",").map(Number);
const withNumpy = (n: number) => (process.argv.includes("--numpy") || !!numpyAt?.includes(n)) && hasNumpy();
const only = arg("--only")?.split(",").map(Number);
const numpyEnv = { ...process.env };
delete numpyEnv.OPENBLAS_CORETYPE;
delete numpyEnv.OPENBLAS_L2_SIZE;

interface Case {
  n: number;
  coupling: "iid" | "rmm";
  trials: number;
  duration: number;
  burnIn: number;
}
const paper = { trials: 8, duration: 500, burnIn: 100 };
const CASES: Case[] = [1000, 2000, 5000].flatMap((n) =>
  (["iid", "rmm"] as const).map((coupling) => ({ n, coupling, ...paper })),
);
CASES.push(
  { n: 8192, coupling: "iid", trials: 8, duration: 50, burnIn: 20 },
  { n: 8192, coupling: "rmm", trials: 8, duration: 100, burnIn: 20 },
  { n: 16384, coupling: "iid", trials: 1, duration: 20, burnIn: 10 },
  { n: 16384, coupling: "rmm", trials: 8, duration: 50, burnIn: 20 },
);

/** wall seconds and peak RSS (bytes) of one whole process, and its stdout */
function measure(cmd: string, args: string[], env = process.env): { seconds: number; rss: number; stdout: string } {
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", cmd, ...args], {
    cwd: root,
    encoding: "utf8",
    env,
    maxBuffer: 64 << 20,
  });
  const m = /TIME ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return { seconds: Number(m[1]), rss: Number(m[2]) * 1024, stdout: r.stdout };
}

const gib = (b: number) => (b / 2 ** 30).toFixed(2);
console.log(machine());
console.log(
  "| N | coupling | trials x duration (+ burn-in) | statistics | estimate GiB | peak RSS GiB | wall s | " +
    "PR^phi | NumPy wall s | NumPy peak GiB | NumPy / strand |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const c of CASES) {
  if (only && !only.includes(c.n)) continue;
  const net =
    c.coupling === "iid"
      ? ["--coupling", "iid", "--n", String(c.n), "--g", "2"]
      : ["--coupling", "rmm", "--n", String(c.n), "--g", "2", "--alpha", "0.1", "--spectrum", "flat"];
  const run = [
    "simulate",
    ...net,
    "--phi",
    "tanh",
    "--trials",
    String(c.trials),
    "--duration",
    String(c.duration),
    "--burn-in",
    String(c.burnIn),
    "--lags",
    "10",
  ];
  const bin = path.join(root, "bin/strand.js");
  const dry = spawnSync(process.execPath, [bin, ...run, "--dry-run"], { cwd: root, encoding: "utf8" }).stdout;
  const est = /needs ([\d.]+) GiB .* (in sample space|as N x N sums)/.exec(dry);
  const s = measure(process.execPath, [bin, ...run, "--json", "-"]);
  const doc = JSON.parse(s.stdout);
  let np = { seconds: NaN, rss: NaN };
  if (withNumpy(c.n)) {
    const args = [c.coupling === "iid" ? "dense" : "rmm", c.n, 2, c.duration, 0.05, c.burnIn, c.trials, 1];
    np = measure("python3", [path.join(root, "bench/numpy_scale.py"), ...args.map(String), "0.1"], numpyEnv);
  }
  const pr = doc.results.prPhi,
    status: string = doc.results.status.prPhi;
  // the estimate with its error when it means something, else why not (never a bare number)
  const shownPr =
    status === "ok" ? `${pr.toFixed(4)} ± ${doc.results.prPhiError.toFixed(4)}` : status.replace(/\(.*$/, "").trim();
  console.log(
    `| ${c.n} | ${c.coupling === "iid" ? "i.i.d." : "random-mode α 0.1"} | ${c.trials} x ${c.duration} ` +
      `(+ ${c.burnIn}) | ${doc.params.statistics} | ${est?.[1] ?? "?"} | ${gib(s.rss)} | ${s.seconds.toFixed(1)} | ` +
      `${shownPr} | ` +
      `${withNumpy(c.n) ? `${np.seconds.toFixed(1)} | ${gib(np.rss)} | ${(np.seconds / s.seconds).toFixed(2)}x` : "- | - | -"} |`,
  );
}
