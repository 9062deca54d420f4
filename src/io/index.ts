/** Node-only entry (strand/io): reading connectome files, NumPy arrays, atomic writes. */
export { readConnectome, CONNECTOME_FORMATS, type ReadOptions, type ConnectomeFormat } from "./connectome-file.ts";
export { readNpy, writeNpy, NpyFormatError } from "./npy.ts";
export { writeFileAtomic, checkOutputs, OutputPathError } from "./atomic.ts";
export { workerExecutor, type WorkerExecutor } from "./parallel.ts";
export { samplerPool, type SamplerPool } from "./sampler-pool.ts";
export { enableRelaxedSimd } from "./relaxed-simd.ts";
export { compileWasmOptimized } from "./wasm-tiers.ts";
export { createTeam } from "./team-pool.ts";
