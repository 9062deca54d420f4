#!/usr/bin/env node
// The `strand` command: runs the TypeScript sources through tsx (one source of truth, no build step for
// the library besides the wasm kernels, which `npm install` compiles).
import { register } from "tsx/esm/api";

register();
// the fused multiply-add kernels (relaxed SIMD; behind a flag in Node 20); STRAND_FMA=0 keeps the plain build
if (process.env.STRAND_FMA !== "0") (await import("../src/io/relaxed-simd.ts")).enableRelaxedSimd();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
