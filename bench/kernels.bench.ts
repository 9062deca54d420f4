/**
 * Full kernel benchmark sweep (npm run bench): every kernel, wasm vs the TypeScript reference, float32 and
 * float64, N = 64 ... 4096, benchmark.js, single-threaded. The same cases as `strand bench`, larger range.
 * Extra flags pass through (e.g. `npm run bench -- --json > out.json`, `--filter matvec`).
 */
import { main } from "../src/cli/main.ts";

process.exitCode = await main(["bench", "--full", ...process.argv.slice(2)]);
