/**
 * The kernels compiled optimized from their first call (src/io/wasm-tiers.ts, the CLI's default) against V8's
 * baseline-first tiering (STRAND_OPTIMIZED_WASM=0), as the user waits: whole processes, cold, alternated, best of `--runs`
 * (default 2). Commands: the larva connectome's structure (dense SVD and eigenvalues, N = 2952; skipped without
 * ../shared/data), a simulation with its PC spectrum (N = 1500: the symmetric eigendecomposition), and two that run
 * many short kernel calls (theory, the demo), where the tiering should not matter.
 * Run: `npx tsx bench/tiers.bench.ts [--runs N]` (after `npm run build`).
 */
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seconds } from "./whole-process.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ri = process.argv.indexOf("--runs");
const runs = ri > 0 ? Number(process.argv[ri + 1]) : 2;
const larva = path.resolve(root, "../shared/data/drosophila-larva-winding2023/Supplementary-Data-S1.zip");
const tmp = mkdtempSync(path.join(os.tmpdir(), "strand-tiers-"));

const COMMANDS: [string, string[]][] = [
  ...(existsSync(larva) ? [["strand connectome <larva> (N = 2952)", ["connectome", larva]] as [string, string[]]] : []),
  [
    "strand simulate --n 1500 --pc-spectrum",
    ["simulate", "--coupling", "iid", "--n", "1500", "--g", "3", "--duration", "100", "--pc-spectrum"],
  ],
  ["strand theory --coupling iid --g 3", ["theory", "--coupling", "iid", "--g", "3"]],
  ["strand demo", ["demo", "--out", path.join(tmp, "demo"), "--force"]],
];
const WAYS: [string, NodeJS.ProcessEnv][] = [
  ["STRAND_OPTIMIZED_WASM=1", { ...process.env, STRAND_OPTIMIZED_WASM: "1" }],
  ["default (V8 tiering)", { ...process.env, STRAND_OPTIMIZED_WASM: "0" }],
];

console.log(
  `wasm tiering, whole processes, best of ${runs} (alternated) — ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}`,
);
console.log(`${"command".padEnd(42)}${WAYS.map(([w]) => w.padStart(22)).join("")}${"ratio".padStart(8)}`);
for (const [name, args] of COMMANDS) {
  const best = WAYS.map(() => Infinity);
  for (let r = 0; r < runs; r++)
    WAYS.forEach(([, env], i) => {
      best[i] = Math.min(best[i], seconds(process.execPath, [path.join(root, "bin/strand.js"), ...args], root, env));
    });
  console.log(
    `${name.padEnd(42)}${best.map((b) => `${b.toFixed(2)} s`.padStart(22)).join("")}${`${(best[1] / best[0]).toFixed(2)}x`.padStart(8)}`,
  );
}
