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
import { createWasmBackend, type WasmOptions } from "./wasm-load.ts";

export { simdSupported };

/** A backend by name; "auto" = wasm where WebAssembly SIMD exists, else js. */
export type BackendChoice = BackendName | "auto";
/** The names createBackend accepts. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "wasm", "js"];

/** createBackend's options object: the backend's name and, for wasm, where its kernels come from. */
export interface BackendOptions extends WasmOptions {
  /** "auto" (default), "wasm" or "js" */
  backend?: BackendChoice;
}

/** The wasm kernels cannot run here: no SIMD, or compiling wasm is forbidden and no module was handed over. */
export class WasmUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WasmUnavailableError";
  }
}

/**
 * true for the error a runtime throws when it forbids compiling WebAssembly: V8 embedders such as Cloudflare
 * Workers or a `node:vm` context with `codeGeneration: { wasm: false }` ("Wasm code generation disallowed by
 * embedder"), and browsers under a Content-Security-Policy without 'wasm-unsafe-eval' ("Refused to compile").
 */
export function isWasmForbidden(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /disallowed by embedder|refused to compile|wasm-unsafe-eval|code generation/i.test(msg);
}

let warnedFallback = false;
let reference: JsBackend | undefined;

/**
 * The TypeScript backend shared by synchronous callers that were given no backend (theory(g) without
 * `backend`: the dimension sums then run in TypeScript; pass a wasm backend for speed). Stateless between calls.
 *
 * @returns the shared JsBackend
 */
export function referenceBackend(): Backend {
  return (reference ??= new JsBackend());
}

/**
 * A backend: "auto" (default) = wasm where SIMD is supported, else js; "wasm" fails loudly when it cannot run.
 * Options (or the second argument) say where the wasm kernels come from: the bytes embedded in the package
 * (default, zero configuration), a precompiled `module` (edge runtimes), or a `url` to fetch (browsers); and
 * which build (`fma`, src/backend/wasm-load.ts). Where compiling wasm is forbidden and no module is given, "auto"
 * falls back to the TypeScript backend with one warning; "wasm" throws a WasmUnavailableError naming the cause.
 *
 * @param choice "auto" | "wasm" | "js", or an options object `{ backend, module, url, fma }`
 * @param wasm where the wasm kernels come from when `choice` is a name
 * @returns a Backend with its own memory (a fresh wasm instance per call)
 * @example
 * const be = await createBackend();                                   // embedded kernels, or the TS fallback
 * const edge = await createBackend({ module: wasmModule });  // Cloudflare: import wasmModule from "strand/wasm/strand.wasm"
 * const web = await createBackend({ url: "/assets/strand.wasm" });    // a browser fetching the shipped file
 */
export async function createBackend(
  choice: BackendChoice | BackendOptions = "auto",
  wasm: WasmOptions = {},
): Promise<Backend> {
  const options: BackendOptions = typeof choice === "object" && choice !== null ? choice : { ...wasm, backend: choice };
  const name = options.backend ?? "auto";
  checkOneOf("backend", name, BACKEND_CHOICES);
  if (name === "js") return new JsBackend();
  if (!simdSupported()) {
    if (name === "wasm")
      throw new WasmUnavailableError(
        'backend "wasm" needs WebAssembly SIMD, which this runtime does not support; use backend "js"',
      );
    return new JsBackend();
  }
  try {
    return await createWasmBackend(options);
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw err; // a bad module or fma option: the caller's
    const msg = err instanceof Error ? err.message : String(err);
    if (isWasmForbidden(err)) {
      if (name === "wasm" || options.module !== undefined) {
        throw new WasmUnavailableError(
          `cannot load the wasm backend: this runtime forbids compiling WebAssembly (${msg}); hand ` +
            `over a precompiled module, createBackend({ module }), or use backend "js"`,
        );
      }
      if (!warnedFallback) {
        warnedFallback = true;
        console.warn(
          `strand: this runtime forbids compiling WebAssembly (${msg}); running the TypeScript ` +
            `backend, ~10-50x slower. Pass a precompiled module (createBackend({ module })) to use the ` +
            `wasm kernels.`,
        );
      }
      return new JsBackend();
    }
    const hint = /wasm-embedded/.test(msg) ? " (the kernels are not built: run `npm run asbuild`)" : "";
    throw new WasmUnavailableError(`cannot load the wasm backend: ${msg}${hint}`);
  }
}
