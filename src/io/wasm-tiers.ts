/**
 * V8 compiles WebAssembly first with its baseline compiler (Liftoff) and moves a function to optimized code
 * (TurboFan) once it is hot — but only for its next call: V8 has no on-stack replacement for wasm. A kernel that runs
 * once for seconds, a dense decomposition (bidiag, tridiag, hessenberg and the QR stages' reflector products),
 * therefore runs entirely in baseline code the first time, measured here 1.7-2x slower (bidiag at N = 2000: 11.0 s
 * on the first call, 5.5 s on the second; `strand connectome` on the 2952-neuron larva, the whole process: 38-40 s
 * -> 22 s). Kernels called thousands of times (the simulation's steps) tier up after their first few calls either way.
 * `--no-liftoff` compiles every function optimized at its first call instead (a few ms per kernel, unmeasurable on
 * `strand demo` and `strand theory`). The CLI's default (STRAND_OPTIMIZED_WASM=0 keeps V8's tiering). It was opt-in
 * for a while: with it a team of threads (`strand lyapunov`) hung in 3 of 8 tries — a race in the team's start-up
 * (a helper read the call sequence after saying it was ready, src/io/team-worker.mjs), which the changed timing
 * exposed more often; fixed, 0 of 16 since. V8 flags are process-wide and read when a module is compiled, so this is set
 * before the first backend is created and holds for the worker threads started later. Node-only (node:v8), so it
 * lives in io/; browsers keep their own tiering.
 */
import v8 from "node:v8";

/** Compile this process's WebAssembly (from now on) straight to optimized code; see the module comment. */
export function compileWasmOptimized(): void {
  v8.setFlagsFromString("--no-liftoff");
}
