/**
 * Where the wasm backend's module comes from: the bytes embedded in the package (src/backend/wasm-embedded.ts,
 * decoded with atob: no fs, no fetch, so the same code runs in Node, browsers, workers and serverless runtimes),
 * a precompiled module an embedder hands over (edge runtimes that forbid compiling from bytes), or a URL of the
 * shipped .wasm file (browsers: compiled while it streams). Modules are compiled once per realm and key; every
 * backend gets its own instance and memory.
 */
import { relaxedSimdSupported } from "./features.ts";
import { WasmBackend } from "./wasm.ts";
import type { Exports } from "./wasm-exports.ts";

const modulePromises = new Map<string, Promise<WebAssembly.Module>>();

/** base64 → bytes with atob (no Buffer: the core runs in browsers and workers too); also the team build's loader */
export function decode(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The embedded kernels: plain SIMD, or the relaxed-SIMD build whose multiply-adds are fused. */
async function kernelBytes(fma: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const { wasmBase64, wasmFmaBase64 } = await import("./wasm-embedded.ts");
  return decode(fma ? wasmFmaBase64 : wasmBase64);
}

/**
 * The build createWasmBackend picks when not told: the fused multiply-add one where the runtime has relaxed SIMD
 * (src/backend/features.ts), unless STRAND_FMA=0 is in the environment (Node: the CLI and its workers too).
 */
export function defaultFma(): boolean {
  const off =
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.STRAND_FMA === "0";
  return relaxedSimdSupported() && !off;
}

/** Compile once per realm and key (async: browsers forbid large synchronous compiles); a failure is not cached. */
function cached(key: string, compile: () => Promise<WebAssembly.Module>): Promise<WebAssembly.Module> {
  let p = modulePromises.get(key);
  if (!p) {
    p = compile();
    modulePromises.set(key, p);
    p.catch(() => modulePromises.delete(key));
  }
  return p;
}

/**
 * Fetch and compile a served .wasm file: streaming where the server says application/wasm (the browser
 * compiles while the bytes arrive), from the whole body otherwise.
 */
async function fetchModule(url: string): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching the kernels from ${url} failed: HTTP ${response.status}`);
  const streaming =
    typeof WebAssembly.compileStreaming === "function" &&
    /^application\/wasm\b/.test(response.headers.get("content-type") ?? "");
  return streaming ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

/** Where the wasm kernels come from (embedded bytes, a compiled module, a URL) and which build. */
export interface WasmOptions {
  /**
   * Use the fused multiply-add (relaxed SIMD) kernels: default true where the runtime supports them. They
   * round once per multiply-add instead of twice, so results differ from the plain build in the last bits
   * (each build is deterministic); false gives the plain SIMD build's numbers on every runtime. Default:
   * defaultFma(). With `module` or `url` the build is the one given, and `fma`, if set, must match it.
   */
  fma?: boolean;
  /**
   * A precompiled module of strand's kernels (build/strand.wasm or build/strand-fma.wasm, as shipped in the
   * package): how Cloudflare Workers, Deno Deploy and bundlers with a wasm loader hand over wasm, and the way
   * to run where compiling wasm from bytes is forbidden.
   */
  module?: WebAssembly.Module;
  /** Where a browser can fetch build/strand.wasm or build/strand-fma.wasm (compiled while it streams). */
  url?: string | URL;
}

/** The module for these options: the one given, the one at `url`, or the embedded build. */
function moduleFor(options: WasmOptions, fma: boolean): Promise<WebAssembly.Module> {
  if (options.module !== undefined) {
    if (
      !(options.module instanceof WebAssembly.Module) &&
      Object.prototype.toString.call(options.module) !== "[object WebAssembly.Module]"
    ) {
      throw new TypeError(
        `invalid argument: \`module\` must be a WebAssembly.Module (compiled from build/strand.wasm ` +
          `or build/strand-fma.wasm); got ${Object.prototype.toString.call(options.module)}`,
      );
    }
    return Promise.resolve(options.module);
  }
  if (options.url !== undefined) {
    const url = String(options.url);
    return cached(`url:${url}`, () => fetchModule(url));
  }
  return cached(fma ? "embedded:fma" : "embedded", async () => WebAssembly.compile(await kernelBytes(fma)));
}

/** A new WasmBackend with its own instance and memory (instances never share state). */
export async function createWasmBackend(options: WasmOptions = {}): Promise<WasmBackend> {
  const given = options.module !== undefined || options.url !== undefined;
  if (options.fma === true && !given && !relaxedSimdSupported()) {
    throw new Error(
      "fma: true needs WebAssembly relaxed SIMD, which this runtime does not support (Node 20: " +
        "run node with --experimental-wasm-relaxed-simd); use fma: false",
    );
  }
  const module = await moduleFor(options, options.fma ?? defaultFma());
  const instance = await WebAssembly.instantiate(module, { env: { abort: wasmAbort } });
  const ex = instance.exports as unknown as Exports;
  if (typeof ex.build_fma !== "function" || typeof ex.matvec_f32 !== "function") {
    throw new TypeError(
      "invalid argument: `module` is not strand's kernels (build/strand.wasm or build/strand-fma.wasm of this version)",
    );
  }
  const fma = ex.build_fma() === 1;
  if (options.fma !== undefined && options.fma !== fma) {
    throw new RangeError(
      `invalid argument: \`fma\` is ${options.fma} but the module given is the ` +
        `${fma ? "fused multiply-add (strand-fma.wasm)" : "plain (strand.wasm)"} build`,
    );
  }
  return new WasmBackend(ex, fma);
}

function wasmAbort(): never {
  throw new Error("strand wasm kernel aborted (debug build assertion)");
}
