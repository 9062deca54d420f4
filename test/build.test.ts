/**
 * Build checks: the compiled module really uses WebAssembly SIMD in every vector kernel (read back with
 * binaryen's wasm-dis, which ships with assemblyscript), the relaxed-SIMD build fuses the products'
 * multiply-adds, the embedded copies the library loads are the same bytes as build/strand.wasm and
 * build/strand-fma.wasm, the version matches package.json, and the core imports no Node built-in.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VERSION } from "../src/version.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wasmPath = path.join(root, "build/strand.wasm");
const fmaPath = path.join(root, "build/strand-fma.wasm");
const built = existsSync(wasmPath) && existsSync(fmaPath);
const dis = (file: string) =>
  execFileSync(path.join(root, "node_modules/.bin/wasm-dis"), [file], { encoding: "utf8", maxBuffer: 64 << 20 });

describe.skipIf(!built)("the compiled kernels (build/strand.wasm; run `npm run asbuild` if skipped)", () => {
  const plainWat = built ? dis(wasmPath) : "";
  const fmaWat = built ? dis(fmaPath) : "";

  /** SIMD instructions reachable from an export, following calls. */
  function simdOps(exportName: string, wat = plainWat): Set<string> {
    const funcs = new Map<string, string>();
    const parts = wat.split(/\n \(func /);
    for (const p of parts.slice(1)) funcs.set(p.slice(0, p.search(/[\s(]/)), p);
    const start = new RegExp(`\\(export "${exportName}" \\(func (\\S+?)\\)\\)`).exec(wat)?.[1];
    const ops = new Set<string>();
    const seen = new Set<string>();
    const todo = start ? [start] : [];
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const body = funcs.get(f) ?? "";
      for (const m of body.matchAll(/\((?:[fi](?:8x16|16x8|32x4|64x2)|v128)\.[a-z_0-9]+/g)) ops.add(m[0].slice(1));
      for (const m of body.matchAll(/\(call (\S+)/g)) todo.push(m[1]);
    }
    return ops;
  }

  it.each([
    ["matvec_f32", "f32x4.mul"],
    ["matvec_f64", "f64x2.mul"],
    ["matmat_f32", "f32x4.mul"],
    ["matmat_f64", "f64x2.mul"],
    ["lowrank_f32", "f32x4.mul"],
    ["lowrank_f64", "f64x2.mul"],
    ["phi_f32", "f32x4.div"],
    ["phi_f64", "f64x2.div"],
    ["dphi_f32", "f32x4.mul"],
    ["dphi_f64", "f64x2.mul"],
    ["euler_dense_f32", "f32x4.add"],
    ["rk4_dense_f64", "f64x2.add"],
    ["rk4_lowrank_f32", "f32x4.mul"],
    ["euler_lowrank_f64", "f64x2.mul"],
    ["cov_lag_accum_f32", "f64x2.promote_low_f32x4"],
    ["cov_lag_accum_f64", "f64x2.mul"],
    ["row_sum_accum_f64", "f64x2.add"],
    ["dot_f64", "f64x2.mul"],
    ["trace_prod_f64", "i8x16.shuffle"],
  ])("compiles %s to SIMD code (%s)", (name, op) => {
    const ops = simdOps(name);
    expect(ops.has(op), `ops reachable from ${name}: ${[...ops].join(" ")}`).toBe(true);
    expect(ops.has("v128.load")).toBe(true);
  });

  it.each([
    ["matvec_f32", "f32x4"],
    ["matmat_f64", "f64x2"],
    ["lowrank_f32", "f32x4"],
    ["rk4_dense_f32", "f32x4"],
    ["cov_lag_accum_f64", "f64x2"],
  ])("compiles %s of the fma build to fused multiply-adds, and the plain build to none", (name, shape) => {
    expect(
      simdOps(name, fmaWat).has(`${shape}.relaxed_madd`),
      `ops reachable from ${name}: ${[...simdOps(name, fmaWat)].join(" ")}`,
    ).toBe(true);
    expect([...simdOps(name)].some((op) => op.includes("relaxed"))).toBe(false);
  });

  it("embeds exactly the bytes of build/strand.wasm and build/strand-fma.wasm for fs-free loading", async () => {
    const { wasmBase64, wasmFmaBase64 } = await import("../src/backend/wasm-embedded.ts");
    expect(Buffer.from(wasmBase64, "base64").toString("hex")).toBe(readFileSync(wasmPath).toString("hex"));
    expect(Buffer.from(wasmFmaBase64, "base64").toString("hex")).toBe(readFileSync(fmaPath).toString("hex"));
  });
});

describe("the package", () => {
  it("reports the version written in package.json", () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version);
  });

  it("imports no Node built-in from the core library (only src/cli and src/io may)", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        const rel = path.relative(path.join(root, "src"), p);
        if (statSync(p).isDirectory()) {
          if (rel !== "cli" && rel !== "io") walk(p);
        } else if (p.endsWith(".ts")) {
          const text = readFileSync(p, "utf8");
          if (
            /\bfrom\s+["'](node:|fs|path|os|url|child_process|worker_threads)["'/]|\bimport\(\s*["']node:|\brequire\(/.test(
              text,
            )
          )
            offenders.push(rel);
        }
      }
    };
    walk(path.join(root, "src"));
    expect(offenders).toEqual([]);
  });
});
