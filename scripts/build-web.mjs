// Bundles the live page (src/web/page.ts, src/web/worker.ts, src/web/index.html) into build/web/ with esbuild:
// ES modules for the browser; the wasm kernels travel inside the bundle (build/strand-wasm.ts embeds them), so
// the page needs no extra request. Run by `npm run build:web` (and `prepare`, after the wasm build).
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "build/web");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { page: path.join(root, "src/web/page.ts"), worker: path.join(root, "src/web/worker.ts") },
  outdir: out,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});
for (const f of ["index.html", "favicon.svg"]) copyFileSync(path.join(root, "src/web", f), path.join(out, f));
console.log(`built ${path.relative(root, out)}/ (index.html, favicon.svg, page.js, worker.js)`);
