/**
 * lyapunov(): the exact identities of CHAOS.md §3 (no statistics) — the quiescent state's exponents from the
 * eigenvalues of J for the RK4 flow and the Euler map, the volume identity, QR-interval invariance, k leading
 * exponents against the full spectrum — the twin-trajectory check, the derived quantities, and argument checks.
 */
import { describe, expect, it } from "vitest";
import { createBackend } from "../../src/backend/select.ts";
import { makeNetwork, type Network } from "../../src/network/ensembles.ts";
import { eigenvalues } from "../../src/linalg/dense.ts";
import { lyapunov, spectrumSummary } from "../../src/chaos/lyapunov.ts";
import { createTeam } from "../../src/io/team-pool.ts";

/** |R(z)| of the classical RK4 stability polynomial at z = dt mu (complex) */
function rk4Gain(re: number, im: number, dt: number): number {
  // z^k / k! summed for k = 0..4
  let sr = 1,
    si = 0,
    pr = 1,
    pi = 0;
  for (let k = 1; k <= 4; k++) {
    const nr = (pr * re * dt - pi * im * dt) / k,
      ni = (pr * im * dt + pi * re * dt) / k;
    pr = nr;
    pi = ni;
    sr += pr;
    si += pi;
  }
  return Math.hypot(sr, si);
}

describe.each(["wasm", "js"] as const)("lyapunov on the %s backend", (backend) => {
  it(
    "gives, below g = 1, the exponents of the linearised quiescent state: log|R_RK4(dt mu)|/dt for the flow and " +
      "log|1 - dt + dt mu_J|/dt for the Euler map",
    async () => {
      const n = 30;
      const net = makeNetwork({ coupling: "iid", n, g: 0.6, seed: 3 });
      const be = await createBackend("wasm");
      const { re, im } = eigenvalues(n, Float64Array.from((net.coupling as { J: Float64Array }).J), be);
      for (const method of ["rk4", "euler"] as const) {
        const dt = method === "rk4" ? 0.05 : 0.1;
        const r = await lyapunov(net, {
          k: "all",
          method,
          dt,
          burnIn: 200,
          warmUp: 50,
          duration: 400,
          seed: 2,
          backend,
        });
        // x -> 0 like e^{-(1 - 0.6) t}: after the burn-in phi'(x) = 1 to float64 precision, the map is constant
        const expected = Array.from(re, (mu, i) =>
          method === "rk4"
            ? Math.log(rk4Gain(mu - 1, im[i], dt)) / dt
            : Math.log(Math.hypot(1 - dt + dt * mu, dt * im[i])) / dt,
        ).sort((a, b) => b - a);
        // a constant map: the QR exponents converge to these at rate 1/T; a complex pair's two exponents oscillate
        // about their common value by O(log(condition) / T), their sum exactly (the pair's determinant)
        const got = r.results.exponents;
        for (let i = 0; i < n; i++)
          expect(Math.abs(got[i] - expected[i]), `${method} exponent ${i}`).toBeLessThan(0.02);
        const sumGot = got.reduce((a, b) => a + b, 0),
          sumExp = expected.reduce((a, b) => a + b, 0);
        expect(Math.abs(sumGot - sumExp), `${method} sum`).toBeLessThan(1e-9 * n);
        expect(r.results.kaplanYorkeDimension).toBe(0);
        expect(r.results.ksEntropy).toBe(0);
        expect(r.params.meaning).toBe(method === "rk4" ? "flow (RK4 tangent)" : `euler map (delta = ${dt})`);
      }
    },
  );

  it("keeps the volume identity: with J_ii = 0 the mean of all N exponents of the flow is -1 (RK4: to O(dt^4))", async () => {
    const n = 40;
    const base = makeNetwork({ coupling: "iid", n, g: 3, seed: 4 });
    const J = Float64Array.from((base.coupling as { J: Float64Array }).J);
    for (let i = 0; i < n; i++) J[i * n + i] = 0;
    const net: Network = { ...base, coupling: { kind: "dense", n, J } };
    const r = await lyapunov(net, { k: "all", duration: 50, warmUp: 10, burnIn: 20, seed: 1, backend });
    const mean = r.results.exponents.reduce((a, b) => a + b, 0) / n;
    // per step the RK4 map's log det is dt tr A + O(dt^5 |A|^5), |A| ~ 1 + g: (0.05)^4 * 4^5 / 120 ~ 5e-5 per unit time
    expect(Math.abs(mean + 1)).toBeLessThan(1e-4);
  });

  it("gives the same exponents for every QR interval (float64: the product of the R factors is the same)", async () => {
    const net = makeNetwork({ coupling: "iid", n: 50, g: 2.5, seed: 5 });
    const o = { k: 10, duration: 20, warmUp: 10, burnIn: 10, seed: 3, blocks: 2, backend } as const;
    const ref = await lyapunov(net, { ...o, qrEvery: 0.05 });
    for (const qrEvery of [0.1, 0.25, 0.5, 1]) {
      const r = await lyapunov(net, { ...o, qrEvery });
      for (let i = 0; i < 10; i++)
        expect(Math.abs(r.results.exponents[i] - ref.results.exponents[i]), `qrEvery ${qrEvery}`).toBeLessThan(1e-9);
    }
  });

  it("gives as its k leading exponents the first k of the full spectrum, also for the random-mode model", async () => {
    for (const net of [
      makeNetwork({ coupling: "iid", n: 40, g: 3, seed: 6 }),
      makeNetwork({ coupling: "rmm", n: 40, g: 3, alpha: 0.25, seed: 6 }),
    ]) {
      const o = { duration: 20, warmUp: 10, burnIn: 10, seed: 4, blocks: 2, backend } as const;
      const all = await lyapunov(net, { ...o, k: "all" });
      const lead = await lyapunov(net, { ...o, k: 8 });
      for (let i = 0; i < 8; i++)
        expect(Math.abs(lead.results.exponents[i] - all.results.exponents[i])).toBeLessThan(1e-8);
    }
  });
});

describe("lyapunov", () => {
  it("gives the same numbers on a team of threads as on one, with and without noise or input", async () => {
    const be = await createBackend("wasm");
    const team = await createTeam(2, { fma: be.fma });
    try {
      for (const net of [
        makeNetwork({ coupling: "iid", n: 41, g: 3, seed: 8 }),
        makeNetwork({ coupling: "rmm", n: 41, g: 3, alpha: 0.3, seed: 8 }),
      ])
        for (const [sigma, input] of [
          [0, undefined],
          [0.3, undefined],
          [0, 0.4],
        ] as const) {
          const o = {
            k: 6,
            duration: 10,
            warmUp: 2,
            burnIn: 5,
            seed: 2,
            blocks: 2,
            backend: be,
            sigma,
            input,
          } as const;
          const one = await lyapunov(net, o);
          const two = await lyapunov(net, { ...o, team });
          expect(two.params.stepThreads).toBe(2);
          expect(two.results.exponents).toEqual(one.results.exponents);
        }
    } finally {
      await team.close();
    }
  });

  it("agrees with a twin trajectory's growth rate within their combined errors", async () => {
    const net = makeNetwork({ coupling: "iid", n: 200, g: 3, seed: 7 });
    const r = await lyapunov(net, { k: 1, duration: 400, seed: 1, checkTwin: true });
    const twin = r.results.twin!;
    expect(r.results.lambdaMax).toBeGreaterThan(0);
    // z = difference / combined jackknife error; 4 allows for the errors' own uncertainty with 8 blocks
    expect(Math.abs(twin.z)).toBeLessThan(4);
    expect(r.results.trace.lambda1.at(-1)).toBeCloseTo(r.results.lambdaMax, 12);
  });

  it("reports progress by phase and can be aborted through an AbortSignal", async () => {
    const ctrl = new AbortController();
    const phases = new Set<string>();
    const p = lyapunov(makeNetwork({ coupling: "iid", n: 300, g: 3, seed: 1 }), {
      k: 30,
      duration: 1000,
      signal: ctrl.signal,
      onProgress: (q) => {
        phases.add(q.phase);
        expect(q.fraction).toBeGreaterThanOrEqual(0);
        expect(q.fraction).toBeLessThanOrEqual(1);
        if (q.phase === "warm-up") ctrl.abort();
      },
    });
    await expect(p).rejects.toThrow(/abort/i);
    // reports come every ~100 ms: the state-only burn-in may end before the first; the warm-up (~1 s) never does
    expect(phases.has("warm-up")).toBe(true);
    expect(phases.has("observation")).toBe(false);
  });

  it("derives D_KY, h_KS and the positive count from the exponents, and says when k is too small", () => {
    const s = spectrumSummary([0.3, 0.1, -0.2, -0.5], 100);
    // S_1 = 0.3, S_2 = 0.4, S_3 = 0.2, S_4 = -0.3: j = 3, D = 3 + 0.2 / 0.5
    expect(s.kaplanYorkeDimension).toBeCloseTo(3.4, 14);
    expect(s.kaplanYorkeFraction).toBeCloseTo(0.034, 14);
    expect(s.ksEntropy).toBeCloseTo(0.4, 14);
    expect(s.positiveCount).toBe(2);
    const short = spectrumSummary([0.3, 0.1, -0.2], 100);
    expect(short.kaplanYorkeDimension).toBeNull();
    expect(short.kaplanYorkeStatus).toMatch(/not reached.*raise k/);
    expect(spectrumSummary([-0.1, -0.2], 2).kaplanYorkeDimension).toBe(0);
  });

  it("validates its options with messages naming the option and the value", async () => {
    const net = makeNetwork({ coupling: "iid", n: 20, g: 2, seed: 1 });
    await expect(lyapunov(net, { k: 21 })).rejects.toThrow(/`k` must be .* <= 20|`k`/);
    await expect(lyapunov(net, { qrEvery: 0.07 })).rejects.toThrow(/`qrEvery` must be a whole number of steps/);
    await expect(lyapunov(net, { duration: 2, qrEvery: 0.5, blocks: 8 })).rejects.toThrow(
      /at least one QR interval per block/,
    );
    await expect(lyapunov(net, { kk: 3 } as never)).rejects.toThrow(/unknown option `kk`/);
    // all 20 exponents of a g = 2 network span ~3 per unit time: QR every 20 time units is e^60 apart
    await expect(lyapunov(net, { k: "all", qrEvery: 20, warmUp: 20, duration: 160, burnIn: 10 })).rejects.toThrow(
      /`qrEvery` is too long for this spectrum: .* use qrEvery <= /,
    );
    await expect(lyapunov(makeNetwork({ coupling: "iid", n: 4000, g: 2, seed: 1 }), { k: "all" })).rejects.toThrow(
      /takes at least .*lower k or the duration/,
    );
  });
});
