/**
 * Convergence order of the fused integrators (diffrax's test_ode_order): the global error at a fixed time
 * T must fall like dt^1 for Euler and dt^4 for RK4. Slopes are fitted by least squares to log(error) vs
 * log(dt) over a factor-8 range of dt, in float64 so that rounding (1e-16) stays far below the smallest
 * truncation error measured (> 1e-11 here).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend, Coupling } from "../../src/backend/types.ts";
import { BACKEND_LABELS, backends, label, put, randn } from "../helpers.ts";

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

function integrate(
  be: Backend,
  method: "euler" | "rk4",
  n: number,
  J: Float64Array,
  x0: Float64Array,
  input: Float64Array | null,
  dt: number,
  T: number,
  kind: 0 | 1 = 0,
): Float64Array {
  const x = put(be, x0);
  const c: Coupling = { kind: "dense", j: put(be, J) };
  const s = {
    p: be.alloc("float64", n),
    h: be.alloc("float64", n),
    xs: be.alloc("float64", n),
    acc: be.alloc("float64", n),
  };
  const steps = Math.round(T / dt);
  if (Math.abs(steps * dt - T) > 1e-12) throw new Error(`T = ${T} is not a whole number of steps of ${dt}`);
  const inp = input ? put(be, input) : null;
  for (let i = 0; i < steps; i++) {
    if (method === "euler") be.euler(n, 1, kind, dt, c, x, null, inp, s);
    else be.rk4(n, 1, kind, dt, c, x, null, inp, s);
  }
  return be.read(x) as Float64Array;
}

function slope(dts: number[], errs: number[]): number {
  const lx = dts.map(Math.log),
    ly = errs.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length,
    my = ly.reduce((a, b) => a + b) / ly.length;
  let num = 0,
    den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe.each(BACKEND_LABELS)("integration on the %s backend", (name) => {
  const be = () => all.find((b) => label(b) === name)!;

  it("converges with order 1 (Euler) and 4 (RK4) to the exact solution of the linear system J = 0", () => {
    // dx/dt = -x + I  =>  x(T) = I + (x0 - I) e^{-T}
    const n = 5,
      T = 2;
    const x0 = randn("float64", n, 1) as Float64Array,
      input = randn("float64", n, 2) as Float64Array;
    const exact = x0.map((v, i) => input[i] + (v - input[i]) * Math.exp(-T));
    const dts = [0.2, 0.1, 0.05, 0.025];
    for (const [method, order] of [
      ["euler", 1],
      ["rk4", 4],
    ] as const) {
      const errs = dts.map((dt) =>
        maxAbsDiff(integrate(be(), method, n, new Float64Array(n * n), x0, input, dt, T), exact),
      );
      expect(slope(dts, errs), method).toBeGreaterThan(order - 0.15);
      expect(slope(dts, errs), method).toBeLessThan(order + 0.15);
    }
  });

  it.each([
    ["tanh", 0],
    ["erf", 1],
  ] as const)("converges with orders 1 and 4 on a chaotic network (phi = %s, g = 2, N = 40)", (_name, kind) => {
    const n = 40,
      T = 2.56; // a whole number of steps for every dt below
    const J = randn("float64", n * n, 3, 2 / Math.sqrt(n)) as Float64Array;
    const x0 = randn("float64", n, 4) as Float64Array;
    const ref = integrate(be(), "rk4", n, J, x0, null, 0.0025, T, kind);
    const dts = [0.16, 0.08, 0.04, 0.02];
    for (const [method, order] of [
      ["euler", 1],
      ["rk4", 4],
    ] as const) {
      const errs = dts.map((dt) => maxAbsDiff(integrate(be(), method, n, J, x0, null, dt, T, kind), ref));
      const p = slope(dts, errs);
      expect(p, method).toBeGreaterThan(order - 0.3);
      expect(p, method).toBeLessThan(order + 0.3);
    }
  });
});
