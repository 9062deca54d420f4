/**
 * The wasm backend's memory ownership: allocation and reuse, views re-made after memory.grow, freeing,
 * and separate instances not sharing state.
 */
import { describe, expect, it } from "vitest";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import { Kernels } from "../../src/kernels.ts";

describe("the wasm backend's memory", () => {
  it("zero-fills new buffers, reuses freed space and returns to zero bytes in use", async () => {
    const be = await createWasmBackend();
    const a = be.alloc("float64", 100);
    const b = be.alloc("float32", 33);
    be.fill(a, 5);
    be.free(a);
    const c = be.alloc("float64", 50); // fits in a's freed block
    expect(Array.from(be.read(c)).every((v) => v === 0)).toBe(true);
    be.free(b);
    be.free(c);
    expect(be.bytesInUse).toBe(0);
    expect(() => be.free(c)).toThrow(/double free/);
  });

  it(
    "clears memory handed out before also when it is reused at the top of the heap (only " +
      "never-used memory is left as it is)",
    async () => {
      const be = await createWasmBackend();
      const a = be.alloc("float64", 1000);
      be.fill(a, 7);
      be.free(a); // the heap's top falls back below a
      const b = be.alloc("float64", 2000); // a's bytes, then memory never handed out
      expect(Array.from(be.read(b)).every((v) => v === 0)).toBe(true);
      be.free(b);
      const rng = be.rngCreate(new Uint32Array([1, 2, 3, 4])); // 16 bytes written without alloc's clearing
      be.rngFree(rng);
      expect(Array.from(be.read(be.alloc("float32", 4))).every((v) => v === 0)).toBe(true);
    },
  );

  it("keeps data and re-makes views after the memory grows", async () => {
    const be = await createWasmBackend();
    const a = be.alloc("float32", 1000);
    be.write(
      a,
      Float32Array.from({ length: 1000 }, (_, i) => i),
    );
    const old = be.view(a);
    const big = be.alloc("float64", 4_000_000); // 32 MB: forces memory.grow
    expect(old.length).toBe(0); // the old view was detached by the growth
    const fresh = be.view(a);
    expect(fresh[999]).toBe(999);
    be.fill(big, 1);
    expect(be.view(a)[500]).toBe(500);
    be.free(big);
    be.free(a);
    expect(be.bytesInUse).toBe(0);
  });

  it("gives sub-buffers that share storage with their parent", async () => {
    const be = await createWasmBackend();
    const a = be.alloc("float64", 10);
    const s = be.sub(a, 4, 3);
    be.fill(s, 2);
    expect(Array.from(be.read(a))).toEqual([0, 0, 0, 0, 2, 2, 2, 0, 0, 0]);
    expect(() => be.free(s)).toThrow(/sub-buffer/);
    be.free(a);
  });

  it("frees every temporary of a checked kernel call, also when the call fails validation", async () => {
    const be = await createWasmBackend();
    const k = new Kernels(be);
    k.matvec(3, 2, new Float64Array(6), new Float64Array(2));
    k.rk4Step(
      new Float32Array(4),
      { kind: "lowrank", m: 2, L: new Float32Array(8), d: new Float32Array(2), R: new Float32Array(8) },
      { n: 4, dt: 0.1 },
    );
    expect(() => k.matvec(3, 2, new Float64Array(6), new Float64Array(3))).toThrow();
    k.normal(10, { seed: 1 });
    expect(be.bytesInUse).toBe(0);
  });

  it("gives each backend its own instance, so buffers of one cannot be passed to another", async () => {
    const a = await createWasmBackend();
    const b = await createWasmBackend();
    const buf = a.alloc("float64", 4);
    expect(() => b.read(buf)).toThrow(/does not belong/);
  });
});
