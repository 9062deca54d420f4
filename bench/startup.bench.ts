/**
 * CLI start-up as the user waits for it: whole processes, cold (a new node each time), alternated, best of
 * `--runs` (default 5). The installed CLI runs the compiled JavaScript in dist/ (bin/strand.js); beside it the
 * same commands through tsx from the TypeScript sources, which is how the CLI ran before the package issue
 * (bin/strand.js registered tsx). Run: `npx tsx bench/startup.bench.ts [--runs N]` (after `npm run build`).
 */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seconds } from "./whole-process.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ri = process.argv.indexOf("--runs");
const runs = ri > 0 ? Number(process.argv[ri + 1]) : 5;

const COMMANDS: [string, string[]][] = [
  ["strand --version", ["--version"]],
  ["strand --help", ["--help"]],
  ["strand theory --coupling iid --g 3", ["theory", "--coupling", "iid", "--g", "3"]],
];
// the sources through tsx: what bin/strand.js did before dist/ existed
const viaTsx =
  `import { register } from "tsx/esm/api"; register(); const { main } = await ` +
  `import("./src/cli/main.ts"); process.exitCode = await main(process.argv.slice(1));`;
const WAYS: [string, (args: string[]) => string[]][] = [
  ["compiled (dist/)", (args) => [path.join(root, "bin/strand.js"), ...args]],
  ["sources via tsx", (args) => ["--input-type=module", "-e", viaTsx, "--", ...args]],
];

console.log(
  `CLI start-up, whole processes, best of ${runs} (alternated) — ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}`,
);
console.log(`${"command".padEnd(38)}${WAYS.map(([w]) => w.padStart(20)).join("")}${"ratio".padStart(8)}`);
for (const [name, args] of COMMANDS) {
  const best = WAYS.map(() => Infinity);
  for (let r = 0; r < runs; r++)
    WAYS.forEach(([, argv], i) => (best[i] = Math.min(best[i], seconds(process.execPath, argv(args), root))));
  console.log(
    `${name.padEnd(38)}${best.map((b) => `${b.toFixed(3)} s`.padStart(20)).join("")}${`${(best[1] / best[0]).toFixed(1)}x`.padStart(8)}`,
  );
}
