/**
 * A serverless-style handler: `handle(request)` takes a JSON body of live-run parameters (src/web/live.ts),
 * runs the theory and a bounded simulation, and answers JSON { params, provenance, theory, simulation }.
 * Standard Fetch API types only (Request/Response), so it runs unchanged in Node 20, Deno, Cloudflare
 * Workers and similar runtimes. Each request gets its own backend (a fresh wasm instance and memory), dropped
 * when the request ends, so nothing one request allocates survives into the next.
 *
 * Status codes say whose fault a failure is: 400 bad input, 405 not POST, 413 work above the limits, 422 the
 * parameters' own failure (a diverging simulation, a theory that does not converge), 503 the platform cannot
 * run the kernels (compiling wasm forbidden with backend "wasm", or no SIMD), 500 anything else. Where a
 * runtime forbids compiling wasm from bytes (Cloudflare Workers, Deno Deploy), hand the precompiled module to
 * `createHandler({ module })`; without it the default backend "auto" falls back to the TypeScript kernels.
 */
import { createBackend, WasmUnavailableError, type BackendChoice } from "../backend/select.ts";
import { liveParams, liveRun, WorkTooLargeError, type LiveLimits } from "./live.ts";

/** Default limits: a few seconds of work on one core (N <= 1000; 2e10 multiply-adds). */
export const HANDLER_LIMITS: LiveLimits = { maxN: 1000, maxWork: 2e10 };
/** Request bodies above this many bytes are refused (413) before parsing. */
const MAX_BODY = 16 * 1024;
/** Failures that belong to the parameters (the run diverged or the theory did not converge): 422. */
const PARAMETER_FAILURES = ["SimulationError", "ConvergenceError"];

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });

/** Options of createHandler. */
export interface HandlerOptions {
  /** work limits (default HANDLER_LIMITS) */
  limits?: LiveLimits;
  /** "auto" (default: wasm, or the TypeScript kernels where wasm cannot run), "wasm" (else 503) or "js" */
  backend?: BackendChoice;
  /** strand's precompiled kernels (build/strand.wasm or build/strand-fma.wasm), for runtimes that forbid compiling wasm */
  module?: WebAssembly.Module;
}

/**
 * A request handler with its own limits and kernels.
 *
 * @param options limits, backend and a precompiled wasm module
 * @returns `(request: Request) => Promise<Response>`
 * @example
 * // Cloudflare Workers: wasm arrives precompiled
 * import wasm from "strand/wasm/strand.wasm";
 * import { createHandler } from "strand/web/handler";
 * const handle = createHandler({ module: wasm });
 * export default { fetch: (request) => handle(request) };
 */
export function createHandler(options: HandlerOptions = {}): (request: Request) => Promise<Response> {
  const limits = options.limits ?? HANDLER_LIMITS;
  return async (request) => {
    if (request.method !== "POST") return json(405, { error: `use POST with a JSON body; got ${request.method}` });
    const text = await request.text();
    if (text.length > MAX_BODY)
      return json(413, { error: `request body of ${text.length} bytes is above the limit of ${MAX_BODY}` });
    let body: unknown;
    try {
      body = text.trim() === "" ? {} : JSON.parse(text);
    } catch (e) {
      return json(400, { error: `the body is not valid JSON: ${(e as Error).message}` });
    }
    let params;
    try {
      params = liveParams(body, limits);
    } catch (e) {
      if (e instanceof WorkTooLargeError) return json(413, { error: e.message });
      return json(400, { error: (e as Error).message });
    }
    let backend;
    try {
      backend = await createBackend({ backend: options.backend ?? "auto", module: options.module }); // a fresh instance per request
    } catch (e) {
      const status = e instanceof WasmUnavailableError ? 503 : 500;
      return json(status, { error: `this platform cannot run strand's kernels: ${(e as Error).message}` });
    }
    try {
      return json(200, await liveRun(params, { backend }));
    } catch (e) {
      const err = e as Error;
      if (PARAMETER_FAILURES.includes(err?.name)) return json(422, { error: err.message });
      return json(500, { error: `internal error: ${err?.message ?? String(e)}` });
    }
  };
}

/**
 * The default handler: HANDLER_LIMITS, backend "auto" with the embedded kernels.
 *
 * @param request a POST whose JSON body holds live-run parameters ({ n, g, effectiveRank, phi, seed, rounds, … })
 * @param limits work limits (default HANDLER_LIMITS)
 * @returns 200 with { params, provenance, theory, simulation }, or 4xx/5xx with { error }
 */
export function handle(request: Request, limits: LiveLimits = HANDLER_LIMITS): Promise<Response> {
  return createHandler({ limits })(request);
}
