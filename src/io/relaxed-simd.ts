/**
 * Node 20 only validates WebAssembly relaxed SIMD behind a V8 flag (shipped by default from V8 11.4: Node 21+,
 * Chrome 114+). V8 flags are process-wide and read when a module is validated, so setting it
 * before the first wasm backend is created lets that backend, and every worker thread started later, run the
 * fused multiply-add build (src/backend/wasm.ts). Node-only (node:v8), so it lives in io/, not in the core.
 */
import v8 from "node:v8";
import { relaxedSimdSupported } from "../backend/features.ts";

/** Turn on relaxed SIMD in this process if the runtime has it behind a flag; true when it is available. */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimdSupported()) return true;
  v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  return relaxedSimdSupported();
}
