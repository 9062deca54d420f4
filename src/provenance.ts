/**
 * Provenance attached to every result: package version, backend, its SIMD and FMA flags, runtime and UTC time.
 * Browser-safe (no Node imports); the CLI adds argv and the git revision.
 */
import { VERSION } from "./version.ts";
import type { Backend } from "./backend/types.ts";

/** Where a result came from: package, version, backend, build, runtime, time (and what the caller adds). */
export interface Provenance {
  package: "strand";
  version: string;
  backend?: string;
  simd?: boolean;
  /** fused multiply-add kernels (wasm relaxed SIMD) */
  fma?: boolean;
  runtime: string;
  time: string;
  [key: string]: unknown;
}

/**
 * The provenance record of a result.
 *
 * @param backend the backend that computed it, if any
 * @param extra fields to add (argv, seeds, git revision …)
 * @returns a Provenance
 */
export function provenance(backend?: Backend, extra: Record<string, unknown> = {}): Provenance {
  const g = globalThis as { process?: { version?: string }; navigator?: { userAgent?: string } };
  const runtime = g.process?.version ? `node ${g.process.version}` : (g.navigator?.userAgent ?? "unknown");
  return {
    package: "strand",
    version: VERSION,
    ...(backend ? { backend: backend.name, simd: backend.simd, fma: backend.fma } : {}),
    runtime,
    time: new Date().toISOString(),
    ...extra,
  };
}
