/**
 * The `strand` command line. Thin: parse flags (node:util parseArgs), call the library, print a table or
 * JSON ({ params, provenance, results }). Exit codes: 0 ok, 1 runtime failure, 2 bad usage.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { VERSION } from "../version.ts";
import { provenance } from "../provenance.ts";
import { simdSupported } from "../backend/select.ts";
import { defaultFma } from "../backend/wasm.ts";
import { enableRelaxedSimd } from "../io/relaxed-simd.ts";
import { checkOneOf, type DType } from "../errors.ts";
import { TABLE_HEADER, formatRow, machine, runBench, type BenchCase } from "./bench.ts";
import { UsageError } from "./args.ts";
import { connectomeCommand } from "./connectome.ts";
import { networkCommand } from "./network.ts";
import { simulateCommand } from "./simulate.ts";
import { theoryCommand } from "./theory.ts";
import { serveCommand } from "./serve.ts";
import { sweepCommand } from "./sweep.ts";
import { plotCommand } from "./plot.ts";
import { demoCommand } from "./demo.ts";
import { figuresCommand } from "./figures.ts";
import { ConvergenceError } from "../errors.ts";
import { SimulationError } from "../simulate/simulate.ts";
import { ConnectomeFormatError } from "../network/connectome.ts";

const HELP = `strand ${VERSION} — STructured RAndom Network Dynamics
Simulate and explain large nonlinear recurrent networks dx/dt = -x + J phi(x)
(TypeScript + WebAssembly SIMD kernels).

Usage: strand <command> [options]

Commands:
  demo         one network simulated and predicted, explained, with a figure (about half a minute)
  bench        time every kernel, wasm vs the TypeScript reference, and print a table
  connectome   load a connectome file and measure its structure (PR^S, effective rank, g_eff)
  network      draw a coupling matrix (i.i.d., random-mode model, gains, overlaps) and report its structure
  simulate     simulate the network and measure PR^phi, PR^x, C(tau), Psi(tau, 0) with streaming statistics
  theory       the mean-field (DMFT) predictions for the same quantities
  compare      simulate and theory side by side (= strand simulate --theory)
  sweep        theory and simulation over a parameter grid, appended to a resumable JSON Lines file
  plot         draw a sweep's results (SVG + PNG): theory lines, simulation points with error bars
  figures      regenerate the paper's figures (SVG + PNG + JSON) and an index
  serve        the live page (theory beside a simulation in your browser) and a JSON API, on 127.0.0.1
  help         show this help

Options:
  -h, --help     show help (also: strand <command> --help)
  -v, --version  print the version

Environment:
  STRAND_FMA=0   run the wasm kernels' plain SIMD build instead of the fused multiply-add (relaxed SIMD) one,
                 which is the default where the runtime has it; results record which ran (provenance.fma)

Each command has --help.`;

const BENCH_HELP = `strand bench — kernel benchmarks (single-threaded, benchmark.js)

Usage: strand bench [options]

Options:
  --full               the full sweep N = 64, 256, 1024, 4096 (default: a short run, ~1 minute)
  --dtype D            float32 | float64 | both            (default: float32; both with --full)
  --backend B          wasm | js | both                    (default: both)
  --filter RE          only kernels whose name matches RE  (e.g. "matvec|matmat")
  --max-time S         seconds of timing per case          (default: 0.5; 1 with --full)
  --json               print { params, provenance, results } as JSON instead of a table

Rates are GFLOP/s for products (2 flops per multiply-add) and Melem/s for element-wise kernels;
wasm/js is the speed-up of the wasm kernel over the TypeScript reference measured in the same run.
The short run ends with the spine's two checks: float32 matvec at N = 1000 (GFLOP/s, target >= 15)
and batched matmat K = 8 vs K = 1 per-trajectory throughput at N = 4000 (target >= 1.5x).`;

function gitRevision(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], cwd: new URL("../..", import.meta.url).pathname }).trim();
  } catch {
    return undefined;
  }
}

async function bench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      full: { type: "boolean", default: false },
      dtype: { type: "string" },
      backend: { type: "string", default: "both" },
      filter: { type: "string" },
      "max-time": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(BENCH_HELP);
    return 0;
  }
  const full = values.full!;
  const dtypeChoice = checkOneOf("--dtype", values.dtype ?? (full ? "both" : "float32"), ["float32", "float64", "both"] as const);
  const backendChoice = checkOneOf("--backend", values.backend!, ["wasm", "js", "both"] as const);
  const maxTime = values["max-time"] !== undefined ? Number(values["max-time"]) : full ? 1 : 0.5;
  if (!(maxTime > 0 && maxTime <= 60)) throw new UsageError(`invalid argument: \`--max-time\` must be a number of seconds in (0, 60]; got \`${values["max-time"]}\``);
  let filter: RegExp | undefined;
  if (values.filter !== undefined) {
    try {
      filter = new RegExp(values.filter);
    } catch {
      throw new UsageError(`invalid argument: \`--filter\` must be a regular expression; got \`${values.filter}\``);
    }
  }
  const params = {
    sizes: full ? [64, 256, 1024, 4096] : [1000],
    batchN: full ? [1024, 4096] : [4000],
    covN: full ? [64, 256, 1024] : [500],
    k: 8,
    dtypes: (dtypeChoice === "both" ? ["float32", "float64"] : [dtypeChoice]) as DType[],
    backends: (backendChoice === "both" ? ["wasm", "js"] : [backendChoice]) as ("wasm" | "js")[],
    maxTime,
    jsMaxWork: full ? 2 ** 28 : 2.5e8,
  };
  if (params.backends.includes("wasm") && !simdSupported()) throw new Error("this runtime has no WebAssembly SIMD: run `strand bench --backend js`");
  // which wasm build runs (src/backend/wasm.ts): fused multiply-adds where the runtime has relaxed SIMD
  const wasmFma = params.backends.includes("wasm") ? defaultFma() : undefined;
  const build = wasmFma === undefined ? "" : `, wasm build: ${wasmFma ? "fused multiply-adds (relaxed SIMD)" : "plain SIMD"}`;
  if (!values.json) {
    const m = machine();
    console.log(`strand ${VERSION} bench — ${m.cpu}, ${m.cores} cores, ${m.node}, single-threaded, timing ${maxTime}s per case${build}`);
    console.log(TABLE_HEADER);
  }
  const results = await runBench({ ...params, filter, onCase: values.json ? undefined : (c) => console.log(formatRow(c)) });
  const checks = spineChecks(results);
  if (values.json) {
    console.log(JSON.stringify({ params, provenance: provenance(undefined, { argv: ["bench", ...argv], git: gitRevision(), machine: machine(), ...(wasmFma === undefined ? {} : { fma: wasmFma }) }), results, checks }, null, 2));
  } else if (checks.length) {
    console.log("");
    for (const c of checks) console.log(`${c.met ? "met " : "MISS"}  ${c.name}: ${c.value.toFixed(2)}${c.unit} (target >= ${c.target}${c.unit})`);
  }
  return 0;
}

/** The spine issue's two performance checks, from whatever the run measured. */
export function spineChecks(results: BenchCase[]) {
  const checks: { name: string; value: number; target: number; unit: string; met: boolean }[] = [];
  const mv = results.find((r) => r.kernel === "matvec" && r.n === 1000 && r.dtype === "float32" && r.backend === "wasm");
  if (mv) checks.push({ name: "float32 matvec N=1000, wasm, one core", value: mv.rate, target: 15, unit: " GFLOP/s", met: mv.rate >= 15 });
  for (const n of [4000, 4096]) {
    const k1 = results.find((r) => r.kernel === "matmat" && r.n === n && r.extra.k === 1 && r.dtype === "float32" && r.backend === "wasm");
    const k8 = results.find((r) => r.kernel === "matmat" && r.n === n && r.extra.k === 8 && r.dtype === "float32" && r.backend === "wasm");
    if (k1 && k8) {
      const ratio = k8.rate / k1.rate; // rates are total flops/s, so this is the per-trajectory throughput ratio
      checks.push({ name: `float32 batched matmat N=${n}: K=8 vs K=1 per-trajectory throughput`, value: ratio, target: 1.5, unit: "x", met: ratio >= 1.5 });
    }
  }
  return checks;
}

export async function main(argv: string[]): Promise<number> {
  // the wasm backend's fused multiply-add build (relaxed SIMD, behind a V8 flag in Node 20; src/io/relaxed-simd.ts)
  // for this process and its worker threads; STRAND_FMA=0 keeps the plain SIMD build
  if (process.env.STRAND_FMA !== "0") enableRelaxedSimd();
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === "help" || cmd === "--help" || cmd === "-h") {
      console.log(HELP);
      return 0;
    }
    if (cmd === "--version" || cmd === "-v") {
      console.log(VERSION);
      return 0;
    }
    if (cmd === "bench") return await bench(rest);
    if (cmd === "connectome") return await connectomeCommand(rest);
    if (cmd === "network") return await networkCommand(rest);
    if (cmd === "simulate") return await simulateCommand(rest);
    if (cmd === "theory") return await theoryCommand(rest);
    if (cmd === "serve") return await serveCommand(rest);
    if (cmd === "sweep") return await sweepCommand(rest);
    if (cmd === "plot") return await plotCommand(rest);
    if (cmd === "demo") return await demoCommand(rest);
    if (cmd === "figures") return await figuresCommand(rest);
    if (cmd === "compare") return await simulateCommand([...rest, "--theory"]);
    throw new UsageError(`unknown command \`${cmd}\`; run \`strand --help\` for the list`);
  } catch (err) {
    if (err instanceof ConnectomeFormatError || err instanceof SimulationError || err instanceof ConvergenceError) {
      console.error(`strand: ${err.message}`);
      return 1;
    }
    const usage = err instanceof UsageError || err instanceof RangeError || err instanceof TypeError || (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS");
    console.error(`strand: ${err instanceof Error ? err.message : String(err)}`);
    return usage ? 2 : 1;
  }
}
