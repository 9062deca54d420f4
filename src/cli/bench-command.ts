/**
 * `strand bench`: the short kernel benchmark (src/cli/bench.ts times the kernels), as a table or JSON with
 * provenance, and two kernel performance checks (matvec rate; batched vs single trajectory throughput).
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { VERSION } from "../version.ts";
import { provenance } from "../provenance.ts";
import { simdSupported } from "../backend/select.ts";
import { defaultFma } from "../backend/wasm-load.ts";
import { checkOneOf, type DType } from "../errors.ts";
import { TABLE_HEADER, formatRow, machine, runBench, type BenchCase } from "./bench.ts";
import { UsageError } from "./args.ts";

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
The short run ends with two checks: float32 matvec at N = 1000 (GFLOP/s, target >= 15)
and batched matmat K = 8 vs K = 1 per-trajectory throughput at N = 4000 (target >= 1.5x).`;

function gitRevision(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      cwd: new URL("../..", import.meta.url).pathname,
    }).trim();
  } catch {
    return undefined;
  }
}

export async function benchCommand(argv: string[]): Promise<number> {
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
  const dtypeChoice = checkOneOf("--dtype", values.dtype ?? (full ? "both" : "float32"), [
    "float32",
    "float64",
    "both",
  ] as const);
  const backendChoice = checkOneOf("--backend", values.backend!, ["wasm", "js", "both"] as const);
  const maxTime = values["max-time"] !== undefined ? Number(values["max-time"]) : full ? 1 : 0.5;
  if (!(maxTime > 0 && maxTime <= 60))
    throw new UsageError(
      `invalid argument: \`--max-time\` must be a number of seconds in (0, 60]; got \`${values["max-time"]}\``,
    );
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
  if (params.backends.includes("wasm") && !simdSupported())
    throw new Error("this runtime has no WebAssembly SIMD: run `strand bench --backend js`");
  // which wasm build runs (src/backend/wasm.ts): fused multiply-adds where the runtime has relaxed SIMD
  const wasmFma = params.backends.includes("wasm") ? defaultFma() : undefined;
  const build =
    wasmFma === undefined ? "" : `, wasm build: ${wasmFma ? "fused multiply-adds (relaxed SIMD)" : "plain SIMD"}`;
  if (!values.json) {
    const m = machine();
    console.log(
      `strand ${VERSION} bench — ${m.cpu}, ${m.cores} cores, ${m.node}, single-threaded, timing ${maxTime}s per case${build}`,
    );
    console.log(TABLE_HEADER);
  }
  const results = await runBench({
    ...params,
    filter,
    onCase: values.json ? undefined : (c) => console.log(formatRow(c)),
  });
  const checks = kernelChecks(results);
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          params,
          provenance: provenance(undefined, {
            argv: ["bench", ...argv],
            git: gitRevision(),
            machine: machine(),
            ...(wasmFma === undefined ? {} : { fma: wasmFma }),
          }),
          results,
          checks,
        },
        null,
        2,
      ),
    );
  } else if (checks.length) {
    console.log("");
    for (const c of checks)
      console.log(
        `${c.met ? "met " : "MISS"}  ${c.name}: ${c.value.toFixed(2)}${c.unit} (target >= ${c.target}${c.unit})`,
      );
  }
  return 0;
}

/** The two kernel performance checks, from whatever the run measured. */
export function kernelChecks(results: BenchCase[]) {
  const checks: { name: string; value: number; target: number; unit: string; met: boolean }[] = [];
  const mv = results.find(
    (r) => r.kernel === "matvec" && r.n === 1000 && r.dtype === "float32" && r.backend === "wasm",
  );
  if (mv)
    checks.push({
      name: "float32 matvec N=1000, wasm, one core",
      value: mv.rate,
      target: 15,
      unit: " GFLOP/s",
      met: mv.rate >= 15,
    });
  for (const n of [4000, 4096]) {
    const k1 = results.find(
      (r) => r.kernel === "matmat" && r.n === n && r.extra.k === 1 && r.dtype === "float32" && r.backend === "wasm",
    );
    const k8 = results.find(
      (r) => r.kernel === "matmat" && r.n === n && r.extra.k === 8 && r.dtype === "float32" && r.backend === "wasm",
    );
    if (k1 && k8) {
      const ratio = k8.rate / k1.rate; // rates are total flops/s, so this is the per-trajectory throughput ratio
      checks.push({
        name: `float32 batched matmat N=${n}: K=8 vs K=1 per-trajectory throughput`,
        value: ratio,
        target: 1.5,
        unit: "x",
        met: ratio >= 1.5,
      });
    }
  }
  return checks;
}
