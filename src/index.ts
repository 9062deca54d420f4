/**
 * strand — STructured RAndom Network Dynamics. The one public entry point.
 *
 * Model: dx/dt = -x + J (G ⊙ phi(x)) + I with phi = tanh or erf(sqrt(pi) x / 2) (see ../shared/spec/THEORY.md
 * and docs/THEORY_MAP.md). This module re-exports the public API; everything else is internal.
 */
export { VERSION } from "./version.ts";
export { createBackend, simdSupported, BACKEND_CHOICES, type BackendChoice } from "./backend/select.ts";
export type { Backend, BackendName, Buf, Coupling, Rng, PhiName, EulerScratch, Rk4Scratch } from "./backend/types.ts";
export { PHI_KINDS } from "./backend/types.ts";
export { seedState } from "./backend/rng.ts";
export { Kernels, loadKernels, PHI_NAMES, type CouplingArrays, type StepOptions } from "./kernels.ts";
export type { DType, FloatArray } from "./errors.ts";
