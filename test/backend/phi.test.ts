/**
 * Accuracy of the nonlinearities on a dense grid against independent references (Math.tanh, the
 * all-positive erf series of test/reference.ts, Math.exp), the issue's bounds (max absolute error <= 1e-6
 * in float32, <= 1e-13 in float64), the tails (sech^2 must stay positive where 1 - tanh^2 is exactly 0),
 * the behaviour near 0 (phi(0) = 0, phi'(0) = 1, full relative accuracy) and NaN propagation.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { PHI_KINDS } from "../../src/backend/types.ts";
import { DTYPES, PHI_ERROR, BACKEND_LABELS, backends, label, makeArray, put } from "../helpers.ts";
import { dphiExact, phiExact } from "../reference.ts";

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

function evalOn(be: Backend, what: "phi" | "dphi", kind: "tanh" | "erf", x: Float32Array | Float64Array) {
  const dtype = x instanceof Float32Array ? "float32" : "float64";
  const out = be.alloc(dtype, x.length);
  const xb = put(be, x);
  if (what === "phi") be.phi(PHI_KINDS[kind], x.length, 1, xb, null, out);
  else be.dphi(PHI_KINDS[kind], x.length, xb, out);
  const r = be.read(out);
  be.free(out);
  be.free(xb);
  return r;
}

describe.each(BACKEND_LABELS)("the %s backend's nonlinearities", (name) => {
  const be = () => all.find((b) => label(b) === name)!;
  describe.each(DTYPES)("in %s", (dtype) => {
    // 400 001 points on [-40, 40] (step 2e-4) plus tiny, huge and boundary values of the piecewise forms
    const grid = makeArray(dtype, 400_001 + 12);
    for (let i = 0; i <= 400_000; i++) grid[i] = -40 + i * 2e-4;
    grid.set(
      [0, -0, 1e-30, -1e-7, 0.125, -0.125, 0.25 / 0.886226925452758, 1e3, -1e5, 3e38, 8 / 0.886226925452758, 709],
      400_001,
    );

    it.each(["tanh", "erf"] as const)(
      "meet the absolute error bound for phi = %s and its derivative over a dense grid",
      (kind) => {
        for (const what of ["phi", "dphi"] as const) {
          const got = evalOn(be(), what, kind, grid);
          let maxErr = 0,
            at = 0;
          for (let i = 0; i < grid.length; i++) {
            const exact = what === "phi" ? phiExact(kind, grid[i]) : dphiExact(kind, grid[i]);
            const e = Math.abs(got[i] - exact);
            if (e > maxErr) {
              maxErr = e;
              at = grid[i];
            }
          }
          expect(maxErr, `${what} worst at x = ${at}`).toBeLessThanOrEqual(PHI_ERROR[dtype]);
        }
      },
    );

    it.each(["tanh", "erf"] as const)(
      "keep full relative accuracy near 0 for phi = %s, with phi(0) = 0 and phi'(0) = 1",
      (kind) => {
        const x = makeArray(dtype, 6);
        x.set([0, 1e-30, 1e-7, -3e-5, 0.01, -0.1]);
        const got = evalOn(be(), "phi", kind, x);
        expect(got[0]).toBe(0);
        // relative error a few ulp of the working precision (the 1 - E forms would give ~1e-7 / |x| in f32)
        const rel = dtype === "float32" ? 4 * 2 ** -24 : 8 * 2 ** -53;
        for (let i = 1; i < x.length; i++) {
          const exact = phiExact(kind, x[i]);
          expect(Math.abs(got[i] - exact) / Math.abs(exact), `x = ${x[i]}`).toBeLessThanOrEqual(rel);
        }
        expect(evalOn(be(), "dphi", kind, x)[0]).toBe(1);
      },
    );

    it("computes tanh' as 1/cosh^2, positive in the tails where 1 - tanh^2 rounds to exactly 0", () => {
      // In float32 tanh(10) rounds to 1, so 1 - tanh^2 = 0; the true sech^2(10) = 8.2e-9.
      const x = makeArray(dtype, 3);
      x.set([10, 15, -12]);
      const got = evalOn(be(), "dphi", "tanh", x);
      for (let i = 0; i < x.length; i++) {
        expect(got[i]).toBeGreaterThan(0);
        expect(Math.abs(got[i] / dphiExact("tanh", x[i]) - 1)).toBeLessThan(1e-5);
      }
    });

    it.each(["tanh", "erf"] as const)(
      "propagate NaN through phi = %s and phi' in every SIMD lane and the scalar tail",
      (kind) => {
        // Regression guard: the common clamp idiom (max(-c, min(c, x)) with pmin/pmax or a compare+select,
        // then a rational in the clamped value) maps NaN to a finite number, often 1; a diverging simulation
        // must instead show NaN so it can stop with an error.
        for (let pos = 0; pos < 7; pos++) {
          const x = makeArray(dtype, 7);
          x.fill(0.5);
          x[pos] = NaN;
          for (const what of ["phi", "dphi"] as const) {
            const got = evalOn(be(), what, kind, x);
            for (let i = 0; i < 7; i++)
              expect(Number.isNaN(got[i]), `${what} lane ${i}, NaN at ${pos}`).toBe(i === pos);
          }
        }
      },
    );
  });

  it("propagates NaN from the state through an RK4 step and a matvec", () => {
    const b = be();
    const n = 6;
    const J = put(
      b,
      Float64Array.from({ length: n * n }, (_, i) => ((i * 7) % 5) / 10 - 0.2),
    );
    const x = put(
      b,
      Float64Array.from({ length: n }, (_, i) => (i === 2 ? NaN : i / 10)),
    );
    const y = b.alloc("float64", n);
    b.matvec(n, n, J, x, y);
    expect(Array.from(b.read(y)).every(Number.isNaN)).toBe(true);
    const s = {
      p: b.alloc("float64", n),
      h: b.alloc("float64", n),
      xs: b.alloc("float64", n),
      acc: b.alloc("float64", n),
    };
    b.rk4(n, 1, 0, 0.05, { kind: "dense", j: J }, x, null, null, s);
    expect(Array.from(b.read(x)).every(Number.isNaN)).toBe(true);
  });
});
