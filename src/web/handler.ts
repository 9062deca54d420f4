/**
 * A serverless-style handler: `handle(request)` takes a JSON body of live-run parameters (src/web/live.ts),
 * runs the theory and a bounded simulation, and answers JSON { params, provenance, theory, simulation }.
 * Standard Fetch API types only (Request/Response), so it runs unchanged in Node 20, Deno, Cloudflare
 * Workers and similar runtimes. Bad input: 400 with { error }; work above the limits: 413. Each request
 * gets its own backend (a fresh wasm instance and memory), dropped when the request ends, so nothing one
 * request allocates survives into the next.
 */
import { liveParams, liveRun, WorkTooLargeError, type LiveLimits } from "./live.ts";

/** Default limits: a few seconds of work on one core (N <= 1000; 2e10 multiply-adds). */
export const HANDLER_LIMITS: LiveLimits = { maxN: 1000, maxWork: 2e10 };
/** Request bodies above this many bytes are refused (413) before parsing. */
const MAX_BODY = 16 * 1024;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });

export async function handle(request: Request, limits: LiveLimits = HANDLER_LIMITS): Promise<Response> {
  if (request.method !== "POST") return json(405, { error: `use POST with a JSON body; got ${request.method}` });
  const text = await request.text();
  if (text.length > MAX_BODY) return json(413, { error: `request body of ${text.length} bytes is above the limit of ${MAX_BODY}` });
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
  try {
    const result = await liveRun(params); // liveRun makes its own backend: a fresh wasm instance per call
    return json(200, result);
  } catch (e) {
    // a diverging simulation or a theory that does not converge: the parameters are at fault
    return json(422, { error: (e as Error).message });
  }
}
