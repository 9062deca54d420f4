#!/usr/bin/env node
// The `strand` command: runs the compiled JavaScript in dist/ (built by `npm install` or `npm run build`);
// no TypeScript loader at run time.
let main;
try {
  ({ main } = await import("../dist/cli/main.js"));
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist/cli/main.js")) throw err;
  console.error("strand: dist/ is missing — run `npm run build` (or `npm install`) in the strand checkout first");
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
