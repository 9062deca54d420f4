/**
 * WebAssembly feature tests: validate a tiny module that uses one instruction of the feature (the test of
 * tfjs-backend-wasm and wasm-feature-detect). Synchronous and cheap (a few dozen bytes), so callers need no cache
 * and see a feature turned on later (Node 20's relaxed-SIMD flag, src/io/relaxed-simd.ts).
 */

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

// (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd))
const ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const RELAXED_SIMD_PROBE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  1,
  5,
  1,
  0x60,
  0,
  1,
  0x7b,
  3,
  2,
  1,
  0,
  10,
  0x3d,
  1,
  0x3b,
  0,
  ...ZERO,
  ...ZERO,
  ...ZERO,
  0xfd,
  0x85,
  0x02,
  0x0b,
]);

function validates(probe: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(probe);
  } catch {
    return false;
  }
}

/** true when this runtime supports WebAssembly with the SIMD proposal. */
export function simdSupported(): boolean {
  return validates(SIMD_PROBE);
}

/**
 * true when this runtime supports relaxed SIMD (the wasm backend's fused multiply-add build): Chromium-based
 * browsers from 114 on, Node 21+, and Node 20 after `--experimental-wasm-relaxed-simd` (src/io/relaxed-simd.ts).
 */
export function relaxedSimdSupported(): boolean {
  return validates(RELAXED_SIMD_PROBE);
}
