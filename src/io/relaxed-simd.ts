/**
 * Node 20 only validates WebAssembly relaxed SIMD behind a V8 flag (shipped by default from V8 11.4: Node 21+,
 * Chrome 114+). V8 flags are process-wide and read when a module is validated, so setting it
 * before the first wasm backend is created lets that backend, and every worker thread started later, run the
 * fused multiply-add build (src/backend/wasm.ts). Node-only (node:v8), so it lives in io/, not in the core.
 */
import v8 from "node:v8";

// (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd))
const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0, 10, 0x3d, 1, 0x3b, 0, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b,
]);

/** Turn on relaxed SIMD in this process if the runtime has it behind a flag; true when it is available. */
export function enableRelaxedSimd(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  return WebAssembly.validate(RELAXED_PROBE);
}
