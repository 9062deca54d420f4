// Once per vitest run: bring dist/ up to date (incremental tsc, ~1 s when nothing changed), because the CLI tests
// run the `strand` command as users do, and bin/strand.js runs the compiled JavaScript in dist/.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  execFileSync(process.execPath, [path.join(root, "scripts/build-dist.mjs")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
