// Every test file: relaxed SIMD on (Node 20 has it behind a V8 flag), so the wasm backend's default build is
// the fused multiply-add one, as in the CLI, and the conformance suites can run both wasm builds.
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";

if (!enableRelaxedSimd())
  throw new Error("this runtime has no WebAssembly relaxed SIMD, which the tests need (Node >= 20)");
