#!/usr/bin/env node
// Compile src/ to dist/ (tsconfig.build.json: ESM JavaScript, .d.ts types and source maps, relative ".ts"
// imports rewritten to ".js"), then copy the plain-JavaScript team helper (src/io/team-worker.mjs, started
// as a worker file) beside its compiled pool. Run by `npm install` (prepare), `npm run build` and before
// `npm test`; incremental, so an unchanged tree takes about a second. The .mjs bootstraps that register tsx
// are for running from the sources only (src/io/worker-entry.ts) and are not copied.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
} catch {
  console.error("tsc failed: dist/ was not (fully) built");
  process.exit(1);
}
mkdirSync(path.join(root, "dist/io"), { recursive: true });
copyFileSync(path.join(root, "src/io/team-worker.mjs"), path.join(root, "dist/io/team-worker.mjs"));
console.log("built dist/ (ESM JavaScript, .d.ts, source maps)");
