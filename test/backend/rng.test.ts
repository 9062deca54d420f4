/**
 * Seeded Gaussian generator: reproducibility (same seed, same numbers; bit-identical on both backends),
 * independence of seeds and streams, and distributional checks with tolerances from standard errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { ln, seedState } from "../../src/backend/rng.ts";
import { DTYPES, backends, sum } from "../helpers.ts";
import { erfExact } from "../reference.ts";

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

function draw(be: Backend, seed: number, n: number, dtype: "float32" | "float64", stream = 0, mean = 0, std = 1) {
  const rng = be.rngCreate(seedState(seed, stream));
  const out = be.alloc(dtype, n);
  be.rngNormal(rng, n, mean, std, out);
  const r = be.read(out);
  be.free(out);
  be.rngFree(rng);
  return r;
}

describe("the seeded Gaussian generator", () => {
  it.each(DTYPES)(
    "gives bit-identical %s numbers on the wasm (both builds) and js backends for the same seed",
    (dtype) => {
      for (const n of [0, 1, 3, 4, 5, 17, 1000]) {
        const [ref, ...others] = all.map((be) => draw(be, 12345, n, dtype)).reverse(); // js first
        expect(ref.length).toBe(n);
        for (const a of others)
          expect(
            Array.from(a).every((v, i) => Object.is(v, ref[i])),
            `n = ${n}`,
          ).toBe(true);
      }
    },
  );

  it("repeats itself for the same seed and stream and differs across seeds and streams", () => {
    for (const be of all) {
      const a = draw(be, 7, 64, "float64");
      expect(Array.from(draw(be, 7, 64, "float64"))).toEqual(Array.from(a));
      expect(Array.from(draw(be, 8, 64, "float64"))).not.toEqual(Array.from(a));
      expect(Array.from(draw(be, 7, 64, "float64", 1))).not.toEqual(Array.from(a));
      expect(Array.from(draw(be, 2 ** 40 + 7, 64, "float64"))).not.toEqual(Array.from(a));
    }
  });

  it("continues the same sequence across calls on one state (no hidden reseeding)", () => {
    for (const be of all) {
      const rng = be.rngCreate(seedState(3));
      const a = be.alloc("float64", 10),
        b = be.alloc("float64", 10);
      be.rngNormal(rng, 10, 0, 1, a);
      be.rngNormal(rng, 10, 0, 1, b);
      const whole = draw(be, 3, 20, "float64");
      expect([...be.read(a), ...be.read(b)]).toEqual(Array.from(whole));
    }
  });

  it("draws standard normals: mean, variance, fourth moment and the Kolmogorov–Smirnov distance within 5 standard errors", () => {
    const n = 200_000;
    for (const be of all) {
      const x = draw(be, 2024, n, "float64");
      let m1 = 0,
        m2 = 0,
        m4 = 0;
      for (const v of x) {
        m1 += v;
        m2 += v * v;
        m4 += v ** 4;
      }
      m1 /= n;
      m2 /= n;
      m4 /= n;
      // SE(mean) = 1/sqrt(n); SE(E x^2) = sqrt(Var x^2 / n) = sqrt(2/n); SE(E x^4) = sqrt((105 - 9)/n)
      expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
      expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
      // KS: sup |F_n - Phi| ~ Kolmogorov / sqrt(n); P(sqrt(n) D > 1.95) < 1e-3
      const s = Array.from(x).sort((a, b) => a - b);
      let D = 0;
      for (let i = 0; i < n; i += 7) {
        const F = 0.5 * (1 + erfExact(s[i] / Math.SQRT2));
        D = Math.max(D, Math.abs(F - i / n), Math.abs(F - (i + 1) / n));
      }
      expect(D * Math.sqrt(n)).toBeLessThan(1.95);
    }
  });

  it("applies mean and standard deviation, and draws uniforms on [0, 1) with the right mean", () => {
    for (const be of all) {
      const x = draw(be, 5, 50_000, "float64", 0, 3, 0.5);
      const mean = sum(x) / x.length;
      expect(Math.abs(mean - 3)).toBeLessThan((5 * 0.5) / Math.sqrt(x.length));
      const rng = be.rngCreate(seedState(6));
      const u = be.alloc("float64", 50_000);
      be.rngUniform(rng, 50_000, u);
      const uv = be.read(u);
      expect(uv.every((v) => v >= 0 && v < 1)).toBe(true);
      // SE of the mean of U(0,1): sqrt(1/12 / n)
      expect(Math.abs(sum(uv) / uv.length - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / uv.length));
    }
  });

  it("uses a logarithm within 2 ulp of Math.log over (0, 1]", () => {
    for (let i = 1; i <= 100_000; i++) {
      const x = (i / 100_000) * (i % 3 === 0 ? 1e-12 : 1);
      const exact = Math.log(x);
      expect(Math.abs(ln(x) - exact)).toBeLessThanOrEqual(2 * Math.abs(exact) * 2 ** -52 + 1e-300);
    }
  });

  it("refuses seeds that are not non-negative safe integers", () => {
    expect(() => seedState(-1)).toThrow(/`seed`.*-1/);
    expect(() => seedState(1.5)).toThrow(RangeError);
    expect(() => seedState(Number.NaN)).toThrow(/`seed`/);
    expect(() => seedState(1, -2)).toThrow(/`stream`/);
  });
});
