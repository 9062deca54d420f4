/**
 * Full kernel benchmark sweep (npm run bench): every kernel, wasm vs the TypeScript reference, float32 and
 * float64, N = 64 ... 4096, benchmark.js, single-threaded. The same cases as `strand bench`, larger range.
 * Then the in-process WASM peer: the dense Euler step against @tensorflow/tfjs-backend-wasm (bench/tfjs.bench.ts).
 * Extra flags pass through (e.g. `npm run bench -- --json > out.json`, `--filter matvec`; either skips the peer
 * table, which is printed as text).
 */
import { main } from "../src/cli/main.ts";
import { printPeer, tfjsPeer } from "./tfjs.bench.ts";

const args = process.argv.slice(2);
process.exitCode = await main(["bench", "--full", ...args]);
if (process.exitCode === 0 && !args.some((a) => a.startsWith("--json") || a.startsWith("--filter"))) {
  const rows = await tfjsPeer();
  if (rows) printPeer(rows);
}
