#!/usr/bin/env node
// The `strand` command: runs the TypeScript sources through tsx (one source of truth, no build step for
// the library besides the wasm kernels, which `npm install` compiles).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
