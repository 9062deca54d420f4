/**
 * strand as a package, consumed the way users consume it: `npm pack`, the tarball installed into an empty
 * folder, then
 *  - plain Node (no tsx, no loader flags) runs the README's Node snippet, and `npx strand theory` and
 *    `npx strand serve` run from that install;
 *  - a third-party app bundled by esbuild (platform browser, no polyfills) from the installed package runs the
 *    README's Worker snippet in a module Web Worker in headless Chromium, with the embedded kernels and with
 *    the shipped .wasm file fetched by URL;
 *  - the README's edge snippet, bundled, runs in a `node:vm` context that forbids compiling wasm (as Cloudflare
 *    Workers do), with the precompiled module handed over the way such a platform hands it over; without one,
 *    "auto" falls back to the TypeScript kernels with one warning and backend "wasm" answers 503.
 * The README snippets are read from README.md, so the documentation is what is tested.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../src/backend/select.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { simulate } from "../../src/simulate/simulate.ts";
import { theory } from "../../src/theory/index.ts";
import { root } from "../cli/run.ts";

const CHROMIUM = "/usr/bin/chromium";
/** tanh, g = 3, i.i.d.: PR^phi of the mean-field theory (THEORY §5.4; test/theory/theory.test.ts) */
const PR_TANH_G3 = theory(3, { phi: "tanh" }).results.prPhi!;

/** The README's code block whose first line is `// <name>` (the documentation the tests run). */
function snippet(name: string): string {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  for (const m of readme.matchAll(/```js\n([\s\S]*?)```/g)) if (m[1].startsWith(`// ${name}`)) return m[1];
  throw new Error(`README.md has no js block starting with "// ${name}"`);
}

/** The environment of a user's shell: no test-runner or loader options leaking into the child. */
const userEnv = () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith("VITEST")) delete env[k];
  return env;
};

let tmp = "",
  app = "",
  tarball = "";

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "strand-pack-"));
  app = path.join(tmp, "app");
  mkdirSync(app);
  // dist/ and build/ are fresh (npm test builds dist/ first; npm install built the wasm and the page)
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", tmp], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"))!;
  tarball = path.join(tmp, tgz);
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", path.join(tmp, tgz)],
    { cwd: app, stdio: ["ignore", "pipe", "inherit"], env: userEnv() },
  );
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("the packed tarball installed into an empty folder", () => {
  it("ships compiled JavaScript, types, the wasm files and the page, and no TypeScript loader at run time", () => {
    const pkg = path.join(app, "node_modules/strand");
    for (const f of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/io/index.js",
      "dist/web/handler.js",
      "dist/io/team-worker.mjs",
      "build/strand.wasm",
      "build/strand-fma.wasm",
      "build/web/index.html",
      "build/web/worker.js",
    ]) {
      expect(existsSync(path.join(pkg, f)), f).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).not.toContain("tsx");
    expect(readFileSync(path.join(pkg, "bin/strand.js"), "utf8")).not.toMatch(/tsx/);
  });

  it("imports from `node -e` as the issue types it, in a folder whose package.json has no type field", () => {
    const plain = path.join(tmp, "plain");
    mkdirSync(plain);
    writeFileSync(path.join(plain, "package.json"), JSON.stringify({ name: "plain", private: true }));
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], {
      cwd: plain,
      stdio: ["ignore", "pipe", "inherit"],
      env: userEnv(),
    });
    const code = 'import("strand").then((m) => console.log(m.theory(3, { phi: "tanh" }).results.prPhi))';
    const r = spawnSync(process.execPath, ["-e", code], { cwd: plain, encoding: "utf8", env: userEnv() });
    expect(r.stderr).toBe("");
    expect(Number(r.stdout)).toBe(PR_TANH_G3);
  }, 120_000);

  it("runs the README's Node snippet in plain node: theory and a simulation, the numbers of the sources", async () => {
    writeFileSync(path.join(app, "node-example.mjs"), snippet("node-example.mjs"));
    const r = spawnSync(process.execPath, ["node-example.mjs"], { cwd: app, encoding: "utf8", env: userEnv() });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.predicted).toBe(PR_TANH_G3);
    // plain Node 20 has no relaxed SIMD without its flag, so the installed package runs the plain wasm build:
    // the same seeds on the same build in the sources give the same bits
    const be = await createBackend("wasm", { fma: false });
    const net = makeNetwork({ coupling: "iid", n: 200, g: 3, seed: 1 });
    const direct = await simulate(net, { trials: 2, duration: 50, burnIn: 20, phi: "tanh", seed: 1, backend: be });
    expect(out.backend).toBe("wasm");
    expect(out.simulated).toBe(direct.results.prPhi);
  });

  it("gives a TypeScript consumer the types, under nodenext and bundler resolution", () => {
    // the @ts-expect-error line fails the check if the types were missing (everything `any`)
    writeFileSync(
      path.join(app, "consumer.ts"),
      `import { makeNetwork, simulate, theory, createBackend, type SimulationResult } from "strand";
import { readConnectome } from "strand/io";
import { createHandler } from "strand/web/handler";
const t: number | null = theory(3, { phi: "tanh" }).results.prPhi;
const r: Promise<SimulationResult> = simulate(makeNetwork({ coupling: "iid", n: 10, g: 3, seed: 1 }), { trials: 1 });
const h: (request: Request) => Promise<Response> = createHandler();
void [t, r, h, readConnectome, createBackend];
// @ts-expect-error phi is "tanh" | "erf"
theory(3, { phi: 3 });
`,
    );
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    for (const [module, resolution] of [
      ["nodenext", "nodenext"],
      ["esnext", "bundler"],
    ]) {
      // skipLibCheck: the repository's @types/node predates TypeScript 5.9's typed arrays; strand's own .d.ts still resolve
      const r = spawnSync(
        process.execPath,
        [
          tsc,
          "--noEmit",
          "--strict",
          "--skipLibCheck",
          "--module",
          module,
          "--moduleResolution",
          resolution,
          "--target",
          "es2022",
          "--lib",
          "es2022,dom",
          "--types",
          "node",
          "--typeRoots",
          path.join(root, "node_modules/@types"),
          "consumer.ts",
        ],
        { cwd: app, encoding: "utf8" },
      );
      expect(r.stdout + r.stderr, resolution).toBe("");
      expect(r.status).toBe(0);
    }
  }, 60_000);

  it("runs `npx strand theory` and `npx strand serve` from the install", async () => {
    const t = spawnSync(
      "npx",
      ["--no-install", "strand", "theory", "--coupling", "iid", "--g", "3", "--phi", "tanh", "--json", "-"],
      { cwd: app, encoding: "utf8", env: userEnv() },
    );
    expect(t.status, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout.slice(0, t.stdout.lastIndexOf("}") + 1)).results.prPhi).toBeCloseTo(PR_TANH_G3, 12);

    // its own process group: npx runs strand as a child, which a signal to npx alone leaves running
    const serve = spawn("npx", ["--no-install", "strand", "serve", "--port", "0"], {
      cwd: app,
      env: userEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const exited = new Promise((r) => serve.once("exit", r));
    let url: string | undefined;
    try {
      url = await new Promise<string>((resolve, reject) => {
        let text = "";
        serve.stdout.on("data", (c) => {
          text += String(c);
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(text);
          if (m) resolve(m[0]);
        });
        serve.once("exit", (code) => reject(new Error(`strand serve exited with ${code}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<title>strand/);
      expect((await fetch(url + "worker.js")).status).toBe(200);
      const api = await fetch(url + "api/run", {
        method: "POST",
        body: JSON.stringify({ n: 60, g: 3, rounds: 2, duration: 30, burnIn: 10, lags: 5 }),
      });
      expect(api.status).toBe(200);
      expect((await api.json()).theory.prPhi).toBeCloseTo(PR_TANH_G3, 12);
    } finally {
      const group = (signal: NodeJS.Signals) => {
        try {
          process.kill(-serve.pid!, signal);
        } catch {
          // the group is gone already
        }
      };
      group("SIGINT");
      const hard = setTimeout(() => group("SIGKILL"), 5000);
      if (serve.exitCode === null && serve.signalCode === null) await exited;
      clearTimeout(hard);
    }
    // the server stopped with the test (it used to outlive it)
    if (url) await expect(fetch(url)).rejects.toThrow();
  }, 60_000);

  it("parses a quoted CSV connectome in the core with no Node globals (no Buffer in the isolate)", async () => {
    const ctx = edgeContext([]);
    vm.runInContext(await edgeBundle(`export { parseEdgeList } from "strand";`), ctx);
    expect(vm.runInContext("typeof Buffer", ctx)).toBe("undefined");
    const c = ctx.edge.parseEdgeList('pre,post,weight\n"AVAL",AVAR,2\n"AVAR","AVAL, left",1\n', "quoted.csv");
    expect(c.n).toBe(3);
    expect([...c.names].sort()).toEqual(["AVAL", "AVAL, left", "AVAR"]);
  });
});

/** Serve a folder on 127.0.0.1 with the content types a browser needs (application/wasm for streaming compiles). */
function staticServer(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".map": "application/json",
  };
  const server = createServer((req, res) => {
    const file = path.join(
      dir,
      path.normalize(
        new URL(req.url ?? "/", "http://x").pathname === "/" ? "index.html" : new URL(req.url!, "http://x").pathname,
      ),
    );
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" })
      .end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` }),
    ),
  );
}

describe.skipIf(!existsSync(CHROMIUM))("a third-party app bundled for the browser from the installed package", () => {
  it("runs theory and a simulation in a module Web Worker in Chromium, embedded kernels and fetched .wasm alike", async () => {
    const web = path.join(app, "web");
    mkdirSync(web, { recursive: true });
    writeFileSync(path.join(app, "worker.js"), snippet("worker.js"));
    await build({
      entryPoints: [path.join(app, "worker.js")],
      outfile: path.join(web, "worker.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      minify: true,
      absWorkingDir: app,
      logLevel: "error",
    });
    copyFileSync(path.join(app, "node_modules/strand/build/strand-fma.wasm"), path.join(web, "strand-fma.wasm"));
    writeFileSync(
      path.join(web, "index.html"),
      `<!doctype html><meta charset="utf-8"><title>consumer</title><link rel="icon" href="data:,"><script type="module">
      const ask = (data) => new Promise((resolve, reject) => {
        const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
        w.onmessage = (e) => resolve(e.data);
        w.onerror = (e) => reject(new Error(e.message));
        w.postMessage(data);
      });
      window.results = await Promise.all([ask({ n: 100, g: 3 }), ask({ n: 100, g: 3, wasmUrl: "/strand-fma.wasm" })]);
    </script>`,
    );
    const { server, url } = await staticServer(web);
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on(
        "console",
        (m) => void (m.type() === "error" || m.type() === "warning" ? problems.push(m.text()) : undefined),
      );
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { results?: unknown }).results, null, { timeout: 60_000 });
      const [embedded, fetched] = (await page.evaluate(() => (window as unknown as { results: unknown }).results)) as {
        predicted: number;
        simulated: number;
        backend: string;
      }[];
      expect(problems).toEqual([]);
      expect(embedded.backend).toBe("wasm");
      expect(fetched.backend).toBe("wasm");
      // theory is plain JavaScript (Math.exp may differ from Node's in the last bit)
      expect(embedded.predicted).toBeCloseTo(PR_TANH_G3, 10);
      // Chromium has relaxed SIMD: the embedded default is the fused build, the same bytes as strand-fma.wasm
      expect(fetched.simulated).toBe(embedded.simulated);
      expect(embedded.simulated).toBeGreaterThan(0);
      const bundle = new Uint8Array(readFileSync(path.join(web, "worker.js")));
      console.log(`[strand] third-party worker bundle: ${bundle.length} bytes, ${gzipSync(bundle).length} gzipped`);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});

/** Bundle an entry from the installed package for an edge runtime: wasm imports become the platform's precompiled modules. */
async function edgeBundle(entry: string): Promise<string> {
  // Cloudflare Workers and Deno Deploy resolve `import m from "x.wasm"` to a compiled WebAssembly.Module; here the
  // test compiles the file outside the sandbox and the bundle reads it from globalThis.__wasmModules
  const wasmAsModule: Plugin = {
    name: "wasm-as-module",
    setup(b) {
      b.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: args.path, namespace: "platform-wasm" }));
      b.onLoad({ filter: /.*/, namespace: "platform-wasm" }, (args) => ({
        contents: `export default globalThis.__wasmModules[${JSON.stringify(args.path)}];`,
        loader: "js",
      }));
    },
  };
  const file = path.join(app, `edge-entry-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, entry);
  const out = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: "iife",
    globalName: "edge",
    platform: "browser",
    conditions: ["worker"],
    absWorkingDir: app,
    plugins: [wasmAsModule],
    logLevel: "error",
  });
  return out.outputFiles[0].text;
}

/** A V8 context like an edge isolate: Fetch API globals, and compiling wasm (and eval) forbidden. */
function edgeContext(warnings: string[]) {
  const require = createRequire(path.join(app, "package.json"));
  const wasmModules = {
    "strand/wasm/strand.wasm": new WebAssembly.Module(
      new Uint8Array(readFileSync(require.resolve("strand/wasm/strand.wasm"))),
    ),
  };
  const console = {
    log: () => {},
    warn: (m: string) => warnings.push(String(m)),
    error: (m: string) => warnings.push(String(m)),
  };
  const globals = {
    Request,
    Response,
    Headers,
    URL,
    TextEncoder,
    TextDecoder,
    AbortController,
    AbortSignal,
    DOMException,
    atob,
    btoa,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    performance,
    structuredClone,
    console,
    __wasmModules: wasmModules,
  };
  return vm.createContext(globals, { codeGeneration: { strings: false, wasm: false } });
}

describe("an edge runtime that forbids compiling wasm (node:vm, codeGeneration.wasm false)", () => {
  const body = JSON.stringify({ n: 60, g: 3, rounds: 2, duration: 30, burnIn: 10, lags: 5, seed: 4 });
  const post = () => new Request("http://edge/api/run", { method: "POST", body });

  it("answers 200 from the README's edge snippet, with the precompiled module handed over", async () => {
    const warnings: string[] = [];
    const ctx = edgeContext(warnings);
    await expect(vm.runInContext("WebAssembly.compile(new Uint8Array([0,97,115,109,1,0,0,0]))", ctx)).rejects.toThrow(
      /disallowed/,
    );
    vm.runInContext(await edgeBundle(snippet("edge.js")), ctx);
    const r = await ctx.edge.default.fetch(post());
    const doc = await r.json();
    expect(r.status, JSON.stringify(doc)).toBe(200);
    expect(doc.provenance.backend).toBe("wasm");
    expect(doc.theory.prPhi).toBeCloseTo(PR_TANH_G3, 12);
    expect(warnings).toEqual([]);
  }, 60_000);

  it("without a module: auto falls back to the TypeScript kernels with one warning; wasm fails with 503 naming the cause", async () => {
    const warnings: string[] = [];
    const ctx = edgeContext(warnings);
    vm.runInContext(
      await edgeBundle(`export { createHandler } from "strand/web/handler"; export { createBackend } from "strand";`),
      ctx,
    );
    const auto = await ctx.edge.createHandler()(post());
    expect(auto.status).toBe(200);
    expect((await auto.json()).provenance.backend).toBe("js");
    expect((await ctx.edge.createBackend()).name).toBe("js");
    expect(warnings).toHaveLength(1); // once per process, not per request
    expect(warnings[0]).toMatch(/forbids compiling WebAssembly.*TypeScript backend.*createBackend\(\{ module \}\)/);

    const strict = await ctx.edge.createHandler({ backend: "wasm" })(post());
    expect(strict.status).toBe(503);
    expect((await strict.json()).error).toMatch(
      /forbids compiling WebAssembly \(.*disallowed by embedder\).*precompiled module/,
    );
    await expect(ctx.edge.createBackend("wasm")).rejects.toThrow(/forbids compiling WebAssembly/);
  }, 60_000);

  it("parses a quoted CSV connectome in the core with no Node globals (no Buffer in the isolate)", async () => {
    const ctx = edgeContext([]);
    vm.runInContext(await edgeBundle(`export { parseEdgeList } from "strand";`), ctx);
    expect(vm.runInContext("typeof Buffer", ctx)).toBe("undefined");
    const c = ctx.edge.parseEdgeList('pre,post,weight\n"AVAL",AVAR,2\n"AVAR","AVAL, left",1\n', "quoted.csv");
    expect(c.n).toBe(3);
    expect([...c.names].sort()).toEqual(["AVAL", "AVAL, left", "AVAR"]);
  });
});
