/**
 * Where a worker thread starts. Installed, strand runs compiled JavaScript (dist/), and a worker starts from
 * the compiled module beside its pool (`simulate-worker.js`). Run from the TypeScript sources (the tests,
 * tsx scripts), Node cannot start a `.ts` file in a worker by itself, so the pool starts the `.mjs` bootstrap
 * beside it, which registers tsx and then loads the TypeScript module. `base` is the pool's import.meta.url.
 */
export function workerEntry(name: string, base: string): URL {
  return new URL(base.endsWith(".ts") ? `./${name}.mjs` : `./${name}.js`, base);
}
