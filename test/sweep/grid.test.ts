/** Sweep grids: value lists, inclusive ranges, the product order and canonical keys. */
import { describe, expect, it } from "vitest";
import { gridPoints, parseValues, pointKey } from "../../src/sweep/grid.ts";

describe("sweep grids", () => {
  it("parse lists and inclusive ranges, rounding accumulated steps", () => {
    expect(parseValues("--g", "3,6,10", true)).toEqual([3, 6, 10]);
    expect(parseValues("--effective-rank", "0.1:1:0.1", true)).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
    expect(parseValues("--n", "1000:2000:500", true)).toEqual([1000, 1500, 2000]);
    expect(parseValues("--phi", "tanh, erf", false)).toEqual(["tanh", "erf"]);
  });

  it("refuse empty ranges, zero steps, empty entries and non-numbers, naming the flag", () => {
    expect(() => parseValues("--g", "5:1:1", true)).toThrow(/`--g` is an empty range/);
    expect(() => parseValues("--g", "1:5:0", true)).toThrow(/`--g` needs a positive step/);
    expect(() => parseValues("--g", "1,,2", true)).toThrow(/`--g` has an empty entry/);
    expect(() => parseValues("--g", "six", true)).toThrow(/`--g` must hold finite numbers/);
    expect(() => parseValues("--g", "", true)).toThrow(/`--g` must list at least one value/);
  });

  it("form the product with the last parameter varying fastest, and key points independently of order", () => {
    const pts = gridPoints([
      ["g", [3, 6]],
      ["phi", ["tanh", "erf"]],
    ]);
    expect(pts).toEqual([
      { g: 3, phi: "tanh" },
      { g: 3, phi: "erf" },
      { g: 6, phi: "tanh" },
      { g: 6, phi: "erf" },
    ]);
    expect(pointKey("theory", { g: 3, phi: "erf" })).toBe(pointKey("theory", { phi: "erf", g: 3 }));
    expect(pointKey("theory", { g: 3 })).not.toBe(pointKey("simulation", { g: 3 }));
  });
});
