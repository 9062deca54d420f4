/**
 * The team kernels (assembly/team.ts via src/backend/team.ts): one trajectory's steps shared by threads must
 * give the one-thread wasm backend's trajectory bit for bit (same build: plain or fused multiply-adds), for
 * lengths around and off the row split's multiple of 4, dense and low-rank J (ranks 0, 1, 3, 6), both methods,
 * both dtypes, with and without gains and input, and 1, 2 and 3 threads (2 and 3 with real helper threads; the
 * exactness is the claim, so no
 * tolerance). Then the API's refusals.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEAM_PROTOCOL } from "../../src/backend/team-protocol.ts";
import type { Backend } from "../../src/backend/types.ts";
import { PHI_KINDS } from "../../src/backend/types.ts";
import { Team } from "../../src/backend/team.ts";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import { createTeam } from "../../src/io/team-pool.ts";
import type { DType, FloatArray } from "../../src/errors.ts";
import { DTYPES, put, randn } from "../helpers.ts";
import { transposed } from "../../src/backend/buffers.ts";
import type { TeamTrajectorySpec } from "../../src/backend/team.ts";
import { teamTangent } from "../../src/backend/team-tangent.ts";

const teams: Team[] = [];
let plain: Backend, fused: Backend;
beforeAll(async () => {
  plain = await createWasmBackend({ fma: false });
  fused = await createWasmBackend({ fma: true });
  for (const fma of [false, true]) {
    teams.push(await Team.create({ threads: 1, fma }));
    for (const threads of [2, 3]) teams.push(await createTeam(threads, { fma }));
  }
});
afterAll(async () => {
  await Promise.all(teams.map((t) => t.close()));
});

type Spec = TeamTrajectorySpec["coupling"];
/** `steps` steps on the one-thread wasm backend */
function oneThread(
  be: Backend,
  method: "rk4" | "euler",
  phi: "tanh" | "erf",
  dt: number,
  steps: number,
  c: Spec,
  x0: FloatArray,
  gains: FloatArray | null,
  input: FloatArray | null,
): FloatArray {
  const n = x0.length,
    dtype: DType = x0 instanceof Float32Array ? "float32" : "float64";
  const x = put(be, x0);
  const bufs = [x];
  const keep = <T extends ReturnType<typeof put>>(b: T) => (bufs.push(b), b);
  const coupling =
    c.kind === "dense"
      ? { kind: "dense" as const, j: keep(put(be, c.J)) }
      : {
          kind: "lowrank" as const,
          m: c.m,
          l: keep(put(be, c.L)),
          d: keep(put(be, c.D)),
          rt: keep(put(be, transposed(c.R, n, c.m))),
        };
  const g = gains ? keep(put(be, gains)) : null,
    inp = input ? keep(put(be, input)) : null;
  const s = {
    p: be.alloc(dtype, n),
    h: be.alloc(dtype, n),
    xs: be.alloc(dtype, n),
    acc: be.alloc(dtype, n),
    z: be.alloc(dtype, Math.max(1, c.kind === "lowrank" ? c.m : 1)),
  };
  for (let i = 0; i < steps; i++) {
    if (method === "rk4") be.rk4(n, 1, PHI_KINDS[phi], dt, coupling, x, g, inp, s);
    else be.euler(n, 1, PHI_KINDS[phi], dt, coupling, x, g, inp, s);
  }
  const out = be.read(x);
  for (const b of [...bufs, ...Object.values(s)]) be.free(b);
  return out;
}

describe("team steps", () => {
  for (const dtype of DTYPES)
    for (const n of [0, 1, 3, 4, 5, 9, 17, 130])
      it(
        `match the one-thread wasm backend bit for bit: ${dtype}, n = ${n}, dense and low-rank, rk4 ` +
          `and euler, 1-3 threads, both builds`,
        () => {
          const scale = 3 / Math.sqrt(Math.max(n, 1));
          const couplings: Spec[] = [{ kind: "dense", J: randn(dtype, n * n, 1, scale) }];
          for (const m of [0, 1, 3, 6])
            couplings.push({
              kind: "lowrank",
              m,
              L: randn(dtype, n * m, 10 + m, scale),
              D: randn(dtype, m, 20 + m, 1, 2),
              R: randn(dtype, n * m, 30 + m, scale),
            });
          const x0 = randn(dtype, n, 2);
          const gains = randn(dtype, n, 3, 0.3, 1),
            input = randn(dtype, n, 4, 0.5);
          for (const c of couplings)
            for (const [method, phi, g, inp] of [
              ["rk4", "tanh", null, null],
              ["euler", "erf", gains, input],
              ["rk4", "erf", gains, null],
            ] as const) {
              for (const team of teams) {
                const want = oneThread(team.fma ? fused : plain, method, phi, 0.05, 21, c, x0, g, inp);
                const tr = team.trajectory({ n, dtype, method, phi, coupling: c, x0, gains: g, input: inp });
                tr.steps(7, 0.05);
                tr.steps(14, 0.05);
                const got = Array.from(tr.state());
                tr.free();
                const what =
                  `${c.kind}${c.kind === "lowrank" ? ` m = ${c.m}` : ""} ${method} ${phi}, ${team.threads} ` +
                  `threads, fma ${team.fma}`;
                expect(got, what).toEqual(Array.from(want));
              }
            }
        },
      );

  it("keep state written between calls (as noise is added): the next call starts from it", () => {
    const team = teams[1],
      n = 37,
      dtype = "float64" as const;
    const J = randn(dtype, n * n, 5, 0.5),
      x0 = randn(dtype, n, 6);
    const tr = team.trajectory({ n, dtype, method: "rk4", phi: "tanh", coupling: { kind: "dense", J }, x0 });
    tr.steps(3, 0.1);
    tr.state()[5] += 1;
    const mid = Float64Array.from(tr.state());
    tr.steps(3, 0.1);
    const got = Array.from(tr.state());
    tr.free();
    expect(got).toEqual(
      Array.from(oneThread(team.fma ? fused : plain, "rk4", "tanh", 0.1, 3, { kind: "dense", J }, mid, null, null)),
    );
  });
});

describe("team refusals", () => {
  it("refuse a bad thread count or a missing spawn function, naming the argument", async () => {
    await expect(Team.create({ threads: 0 })).rejects.toThrow(/`threads` must be at least 1; got `0`/);
    await expect(Team.create({ threads: 1.5 })).rejects.toThrow(/`threads`/);
    await expect(Team.create({ threads: 2 })).rejects.toThrow(/`spawn` must be a function/);
  });

  it("refuse a second live trajectory, wrong lengths and bad steps, and leave the team usable", () => {
    const team = teams[0],
      n = 4,
      dtype = "float32" as const;
    const J = randn(dtype, n * n, 7),
      x0 = randn(dtype, n, 8);
    const dense = { kind: "dense" as const, J };
    expect(() =>
      team.trajectory({
        n,
        dtype,
        method: "rk4",
        phi: "tanh",
        coupling: { kind: "dense", J: randn(dtype, n * n - 1, 1) },
        x0,
      }),
    ).toThrow(/`coupling.J` must have length 16/);
    expect(() =>
      team.trajectory({
        n,
        dtype,
        method: "rk4",
        phi: "tanh",
        coupling: { kind: "lowrank", m: 2, L: randn(dtype, 8, 1), D: randn(dtype, 3, 1), R: randn(dtype, 8, 1) },
        x0,
      }),
    ).toThrow(/`coupling.D` must have length 2/);
    expect(() =>
      team.trajectory({ n, dtype, method: "rk4", phi: "tanh", coupling: { kind: "sparse" } as unknown as Spec, x0 }),
    ).toThrow(/`coupling.kind` must be one of "dense", "lowrank"/);
    expect(() =>
      team.trajectory({ n, dtype, method: "rk4", phi: "tanh", coupling: dense, x0: randn(dtype, 3, 1) }),
    ).toThrow(/`x0` must have length 4/);
    expect(() => team.trajectory({ n, dtype, method: "heun" as "rk4", phi: "tanh", coupling: dense, x0 })).toThrow(
      /`method` must be one of "rk4", "euler"/,
    );
    const tr = team.trajectory({ n, dtype, method: "rk4", phi: "tanh", coupling: dense, x0 });
    expect(() => team.trajectory({ n, dtype, method: "rk4", phi: "tanh", coupling: dense, x0 })).toThrow(
      /already has a live trajectory/,
    );
    expect(() => tr.steps(-1, 0.05)).toThrow(/`count`/);
    expect(() => tr.steps(1, Number.NaN)).toThrow(/`dt` must be a finite number/);
    tr.steps(2, 0.05);
    expect(Array.from(tr.state()).every(Number.isFinite)).toBe(true);
    tr.free();
    expect(() => tr.steps(1, 0.05)).toThrow(/freed/);
  });

  it("refuse calls after close", async () => {
    const team = await Team.create({ threads: 1 });
    await team.close();
    expect(() =>
      team.trajectory({
        n: 1,
        dtype: "float64",
        method: "euler",
        phi: "tanh",
        coupling: { kind: "dense", J: new Float64Array(1) },
        x0: new Float64Array(1),
      }),
    ).toThrow(/closed/);
  });
});

describe("the team protocol", () => {
  it("has the same barrier offsets in the kernels (assembly/team.ts) as on the host (TEAM_PROTOCOL)", () => {
    const src = readFileSync(fileURLToPath(new URL("../../assembly/team.ts", import.meta.url)), "utf8");
    const names = ["BAR_COUNT", "BAR_GENERATION", "BAR_SLEEPERS", "BAR_ABORT", "BAR_SPIN"] as const;
    for (const name of names) {
      const m = new RegExp(`const ${name}: usize = (\\d+);`).exec(src);
      expect(m, name).not.toBeNull();
      expect(Number(m![1]), name).toBe(TEAM_PROTOCOL[name]);
    }
    // the barrier's five words fit between it and the arguments
    expect(TEAM_PROTOCOL.BAR + TEAM_PROTOCOL.BAR_SPIN + 4).toBeLessThanOrEqual(TEAM_PROTOCOL.ARGS);
  });
});

describe("team tangent steps", () => {
  for (const dtype of DTYPES)
    it(
      `match the one-thread backend's tangentStep and QR bit for bit: ${dtype}, dense and low-rank, rk4 and euler, ` +
        `1-3 threads, both builds`,
      () => {
        for (const n of [1, 5, 17, 130]) {
          const k = 3;
          const scale = 3 / Math.sqrt(n);
          const couplings: Spec[] = [
            { kind: "dense", J: randn(dtype, n * n, 1, scale) },
            {
              kind: "lowrank",
              m: 6,
              L: randn(dtype, n * 6, 16, scale),
              D: randn(dtype, 6, 26, 1, 2),
              R: randn(dtype, n * 6, 36, scale),
            },
          ];
          const x0 = randn(dtype, n, 2),
            frame = randn("float64", k * n, 5);
          const gains = randn(dtype, n, 3, 0.3, 1),
            input = randn(dtype, n, 4, 0.5);
          for (const c of couplings)
            for (const [method, phi, g, inp] of [
              ["rk4", "tanh", null, null],
              ["euler", "erf", gains, input],
            ] as const)
              for (const team of teams) {
                const be = team.fma ? fused : plain;
                // the backend: x = [x0; frame], 7 steps, QR
                const x = put(
                  be,
                  Float64Array.from({ length: (k + 1) * n }, (_, i) => (i < n ? x0[i] : frame[i - n])),
                );
                const X = be.alloc(dtype, (k + 1) * n);
                be.write(X, be.read(x));
                const m = c.kind === "lowrank" ? c.m : 0;
                const coupling =
                  c.kind === "dense"
                    ? { kind: "dense" as const, j: put(be, c.J) }
                    : {
                        kind: "lowrank" as const,
                        m,
                        l: put(be, c.L),
                        d: put(be, c.D),
                        rt: put(be, transposed(c.R, n, m)),
                      };
                const s = {
                  p: be.alloc(dtype, (k + 1) * n),
                  h: be.alloc(dtype, (k + 1) * n),
                  xs: be.alloc(dtype, (k + 1) * n),
                  acc: be.alloc(dtype, (k + 1) * n),
                  z: be.alloc(dtype, Math.max(1, (k + 1) * m)),
                  dd: be.alloc(dtype, n),
                };
                const G = g ? put(be, g) : null,
                  I = inp ? put(be, inp) : null;
                for (let i = 0; i < 7; i++) be.tangentStep(method, n, k, PHI_KINDS[phi], 0.05, coupling, X, G, I, s);
                const want = be.read(X);
                const q = put(be, Float64Array.from(want.subarray(n))),
                  r = be.alloc("float64", 16 * k),
                  logr = be.alloc("float64", k);
                be.gramSchmidt(n, k, q, r, logr);
                const wantLogr = be.read(logr),
                  wantQ = be.read(q);
                const t = teamTangent(team, {
                  n,
                  k,
                  dtype,
                  method,
                  phi,
                  coupling: c,
                  gains: g,
                  input: inp,
                  x0,
                  frame,
                });
                try {
                  t.steps(4, 0.05);
                  t.steps(3, 0.05);
                  expect(Array.from(t.state()), `${method} ${c.kind} n=${n} threads=${team.threads}`).toEqual(
                    Array.from(want.subarray(0, n)),
                  );
                  const got = t.qr();
                  expect(Array.from(got)).toEqual(Array.from(wantLogr));
                  if (dtype === "float64") expect(Array.from(t.frameView())).toEqual(Array.from(wantQ));
                } finally {
                  t.free();
                }
              }
        }
      },
    );
});
