/**
 * Backend selection. "auto" picks the wasm backend when the runtime validates a tiny module that uses a
 * WebAssembly SIMD instruction (the feature test of tfjs-backend-wasm and wasm-feature-detect), and the
 * TypeScript backend otherwise. An explicit "wasm" fails loudly when SIMD is missing rather than falling
 * back silently, so a benchmark or test never measures the wrong thing.
 */
import { checkOneOf } from "../errors.ts";
import { JsBackend } from "./js.ts";
import type { Backend, BackendName } from "./types.ts";
import { simdSupported } from "./features.ts";
import { createWasmBackend, type WasmOptions } from "./wasm.ts";

export { simdSupported };

export type BackendChoice = BackendName | "auto";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "wasm", "js"];

/**
 * A backend by name; "auto" (default) = wasm where SIMD is supported, else js. `wasm.fma` picks the wasm
 * build (src/backend/wasm.ts: fused multiply-adds by default where the runtime has relaxed SIMD).
 */
export async function createBackend(choice: BackendChoice = "auto", wasm: WasmOptions = {}): Promise<Backend> {
  checkOneOf("backend", choice, BACKEND_CHOICES);
  if (choice === "js") return new JsBackend();
  if (!simdSupported()) {
    if (choice === "wasm") throw new Error("backend \"wasm\" needs WebAssembly SIMD, which this runtime does not support; use backend \"js\"");
    return new JsBackend();
  }
  try {
    return await createWasmBackend(wasm);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const hint = /strand-wasm/.test(msg) ? " (the kernels are not built: run `npm run asbuild`)" : "";
    throw new Error(`cannot load the wasm backend: ${msg}${hint}`);
  }
}
