/**
 * The checked kernel API: every bad argument throws a RangeError or TypeError that names the argument and
 * echoes the value received; good calls give the same answers on both backends.
 */
import { describe, expect, it } from "vitest";
import { createBackend, loadKernels } from "../src/index.ts";

describe("the checked kernel API", async () => {
  const k = await loadKernels({ backend: "wasm" });
  const kj = await loadKernels({ backend: "js" });

  it("rejects negative, fractional and non-numeric sizes, naming the argument and the value", () => {
    expect(() => k.matvec(-1, 2, new Float64Array(0), new Float64Array(2))).toThrow(RangeError);
    expect(() => k.matvec(-1, 2, new Float64Array(0), new Float64Array(2))).toThrow(
      "invalid argument: `m` must be a non-negative integer; got `-1` (number)",
    );
    expect(() => k.matmat(2, 2, 1.5, new Float64Array(4), new Float64Array(3))).toThrow(/`k`.*`1\.5`/);
    expect(() =>
      k.lowrank(
        2,
        "3" as unknown as number,
        1,
        new Float64Array(6),
        new Float64Array(3),
        new Float64Array(6),
        new Float64Array(2),
      ),
    ).toThrow(TypeError);
    expect(() => k.trace(Number.NaN, new Float64Array(0))).toThrow(/`n`.*NaN/);
  });

  it("rejects mismatched lengths, naming the array and its actual length", () => {
    expect(() => k.matvec(2, 3, new Float32Array(6), new Float32Array(2))).toThrow(
      "invalid argument: `x` must have length 3; got `Float32Array(2)` (object)",
    );
    expect(() => k.matmat(2, 3, 2, new Float64Array(5), new Float64Array(6))).toThrow(/`A` must have length 6/);
    expect(() =>
      k.lowrank(3, 2, 1, new Float64Array(6), new Float64Array(3), new Float64Array(6), new Float64Array(3)),
    ).toThrow(/`d` must have length 2/);
    expect(() => k.phi(new Float64Array(5), { gains: new Float64Array(2) })).toThrow(/`gains`.*dividing/);
    expect(() => k.covLagAccumulate(2, 1, 1, new Float64Array(4), new Float64Array(7))).toThrow(
      /`acc` must have length 8/,
    );
  });

  it("rejects mixed or wrong dtypes with a TypeError", () => {
    expect(() => k.matvec(1, 2, new Float32Array(2), new Float64Array(2))).toThrow(TypeError);
    expect(() => k.matvec(1, 2, new Float32Array(2), new Float64Array(2))).toThrow(/`x` must be a Float32Array/);
    expect(() => k.matvec(1, 2, [1, 2] as unknown as Float64Array, new Float64Array(2))).toThrow(/`A`.*Array\(2\)/);
    expect(() => k.trace(1, new Float32Array(1) as unknown as Float64Array)).toThrow(/`C` must be a Float64Array/);
    expect(() => k.normal(3, { seed: 1, dtype: "float16" as "float32" })).toThrow(/`dtype`/);
  });

  it("rejects non-finite or out-of-range scalars and unknown names", () => {
    const J = { kind: "dense" as const, J: new Float64Array(4) };
    expect(() => k.rk4Step(new Float64Array(2), J, { n: 2, dt: Number.NaN })).toThrow(
      "invalid argument: `dt` must be a finite number; got `NaN` (number)",
    );
    expect(() => k.eulerStep(new Float64Array(2), J, { n: 2, dt: -0.1 })).toThrow(
      /`dt` must be a positive finite number; got `-0.1`/,
    );
    expect(() => k.eulerStep(new Float64Array(2), J, { n: 2, dt: Infinity })).toThrow(/`dt`.*Infinity/);
    expect(() => k.phi(new Float64Array(2), { phi: "relu" as "tanh" })).toThrow(
      /`phi` must be one of "tanh", "erf"; got `"relu"`/,
    );
    expect(() =>
      k.eulerStep(new Float64Array(2), { kind: "sparse" } as unknown as typeof J, { n: 2, dt: 0.1 }),
    ).toThrow(/`coupling.kind`/);
    expect(() => k.normal(3, { seed: 1, std: -1 })).toThrow(/`std` must be >= 0/);
    expect(() => k.normal(3, {} as { seed: number })).toThrow(/`seed` must be given/);
  });

  it("refuses an unknown backend name", async () => {
    await expect(createBackend("gpu" as "js")).rejects.toThrow(
      /`backend` must be one of "auto", "wasm", "js"; got `"gpu"`/,
    );
  });

  it("gives the same results on both backends through the public wrappers", () => {
    const A = k.normal(12, { seed: 1 }),
      x = k.normal(4, { seed: 2 });
    const ya = k.matvec(3, 4, A, x),
      yb = kj.matvec(3, 4, A, x);
    for (let i = 0; i < 3; i++) expect(ya[i]).toBeCloseTo(yb[i], 12);
    expect(Array.from(k.normal(9, { seed: 3, dtype: "float32" }))).toEqual(
      Array.from(kj.normal(9, { seed: 3, dtype: "float32" })),
    );
    const C = new Float64Array([2, 1, 1, 3]);
    expect(k.trace(2, C)).toBe(5);
    expect(k.sumsq(C)).toBe(15);
    expect(k.traceProd(2, C, C)).toBe(15);
    expect(k.dot(C, C)).toBe(15);
    const acc = new Float64Array(8);
    k.covLagAccumulate(2, 1, 1, new Float64Array([1, 2, 3, 4]), acc);
    // C_0 = a(1) a(1)^T with a(1) = (3, 4); C_1 = a(1) a(0)^T with a(0) = (1, 2)
    expect(Array.from(acc)).toEqual([9, 12, 12, 16, 3, 6, 4, 8]);
  });
});
