/**
 * `strand serve`: the live page (build/web, bundled by scripts/build-web.mjs) and the serverless handler at
 * POST /api/run, on 127.0.0.1 only. Node-only (node:http, node:fs); the page and the handler are core code.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { handle } from "../web/handler.ts";
import { UsageError, integer } from "./args.ts";

export const SERVE_HELP = `strand serve — the live page: theory beside a simulation running in your browser

Usage: strand serve [--port P]

  --port P     TCP port on 127.0.0.1 (0: any free port)                  (default: 8080)

Open the printed address; the page runs the simulation in a Web Worker (same WebAssembly kernels as the
Node package). POST /api/run takes the same parameters as JSON (n, g, effectiveRank, phi, seed, rounds, ...)
and answers theory + simulation as JSON (limits: N <= 1000, bounded work). Stop with Ctrl-C.`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WEB = path.join(root, "build/web");
const FILES: Record<string, string> = {
  "/": "index.html",
  "/index.html": "index.html",
  "/page.js": "page.js",
  "/worker.js": "worker.js",
  "/page.js.map": "page.js.map",
  "/worker.js.map": "worker.js.map",
  "/favicon.svg": "favicon.svg",
};
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

async function toRequest(req: IncomingMessage): Promise<Request> {
  let body = "";
  for await (const c of req) body += String(c);
  return new Request(`http://127.0.0.1${req.url}`, {
    method: req.method,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    headers: { "content-type": req.headers["content-type"] ?? "application/json" },
  });
}

/** Start the server; resolves once listening, with its port. */
export function startServer(port: number): Promise<{ server: Server; port: number }> {
  if (!existsSync(path.join(WEB, "index.html")))
    throw new UsageError(
      `the page is not built (${path.relative(process.cwd(), WEB)}/ is missing): run \`npm run build:web\``,
    );
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/api/run") {
        const r = await handle(await toRequest(req));
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" });
        res.end(await r.text());
        return;
      }
      const file = FILES[url.pathname];
      if (!file || req.method !== "GET") {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      }
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(readFileSync(path.join(WEB, file)));
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((e as Error).message));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === "object" && addr ? addr.port : port });
    });
  });
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    console.log(SERVE_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand serve takes no positional arguments; got ${JSON.stringify(positionals)}`);
  const port = integer("--port", values.port, 8080, 0);
  if (port > 65535) throw new UsageError(`invalid argument: \`--port\` must be at most 65535; got \`${port}\``);
  const { server, port: actual } = await startServer(port);
  console.log(`strand serve: http://127.0.0.1:${actual}/  (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
