/** The four-point function at unequal lags (src/theory/two-time.ts, docs/TWO_TIME.md): its edges are the one-lag
 *  theory, its symmetries hold, and one point equals the double sum written out term by term. */
import { describe, expect, it } from "vitest";
import { solveDmft } from "../../src/theory/dmft.ts";
import { dimensionTheory } from "../../src/theory/dimension.ts";
import { evenSpectrum } from "../../src/theory/fft.ts";
import { twoTimePsi } from "../../src/theory/two-time.ts";

describe("twoTimePsi", () => {
  for (const [g, effectiveRank] of [
    [3, Infinity],
    [10, 0.5],
  ] as const) {
    it(`has Psi(tau, 0) on its tau2 = 0 edge and Psi(tau, tau) on its diagonal (g = ${g}, alpha PR^D = ${effectiveRank})`, () => {
      const sol = solveDmft(g, "erf");
      const L = 30;
      const one = dimensionTheory(sol, effectiveRank, L);
      const two = twoTimePsi(sol, { effectiveRank, lags: L });
      const K = 2 * L + 1;
      const scale = one.collective.psiPhi[0];
      for (let l = 0; l <= L; l++) {
        // the same grid sums in another order: equal to rounding (1e-10 of the peak)
        expect(Math.abs(two.psiPhi[(L + l) * K + L] - one.collective.psiPhi[l])).toBeLessThan(1e-10 * scale);
        expect(Math.abs(two.psiPhi[L * K + L + l] - one.collective.psiPhi[l])).toBeLessThan(1e-10 * scale);
        expect(Math.abs(two.psiPhi[(L + l) * K + L + l] - one.diagonal.psiPhi[l])).toBeLessThan(1e-10 * scale);
        expect(Math.abs(two.psiPhi[(L - l) * K + L - l] - one.diagonal.psiPhi[l])).toBeLessThan(1e-10 * scale);
      }
    });
  }

  it("is symmetric under tau1 <-> tau2 and (tau1, tau2) -> (-tau1, -tau2), and its off-diagonal part is Psi - C C", () => {
    const sol = solveDmft(5);
    const L = 20,
      K = 2 * L + 1;
    const t = twoTimePsi(sol, { lags: L, stride: 2 });
    const peak = t.psiPhi[L * K + L];
    for (let i = 0; i < K; i++)
      for (let j = 0; j < K; j++) {
        expect(Math.abs(t.psiPhi[i * K + j] - t.psiPhi[j * K + i])).toBeLessThan(1e-10 * peak);
        expect(Math.abs(t.psiPhi[i * K + j] - t.psiPhi[(K - 1 - i) * K + K - 1 - j])).toBeLessThan(1e-10 * peak);
        const c = (k: number) => sol.cPhi[2 * Math.abs(k - L)];
        expect(t.psiPhiOff[i * K + j]).toBeCloseTo(t.psiPhi[i * K + j] - c(i) * c(j), 12);
      }
    expect(t.tau[K - 1]).toBeCloseTo(2 * L * sol.params.dt, 12);
    // the diagonal is the slow direction (PRL): at the same |tau|, Psi(tau, tau) > Psi(tau, -tau)
    for (let l = 2; l <= L; l += 6)
      expect(t.psiPhi[(L + l) * K + L + l]).toBeGreaterThan(t.psiPhi[(L + l) * K + L - l]);
    expect(t.rms.psi[0]).toBeCloseTo(Math.sqrt(t.psiPhiOff[L * K + L]), 12);
  });

  it("equals the double sum over the frequency grid written out at an off-axis point", () => {
    const sol = solveDmft(3, "tanh", { points: 256, dt: 0.2 });
    const { dt, points: M } = sol.params;
    const t = twoTimePsi(sol, { lags: 8, stride: 3 });
    const K = 17;
    const Cp = evenSpectrum(sol.cPhi, M, dt);
    const w = (k: number) => ((2 * Math.PI) / (M * dt)) * (k < M / 2 ? k : k - M);
    for (const [i1, i2] of [
      [11, 3],
      [14, 10],
    ]) {
      const t1 = t.tau[i1],
        t2 = t.tau[i2];
      let s = 0;
      for (let a = 0; a < M; a++)
        for (let b = 0; b < M; b++) {
          const re = 1 - w(a) * w(b) - sol.nu,
            im = w(a) + w(b);
          const p = (Cp[a] * Cp[b] * (1 + w(a) ** 2) * (1 + w(b) ** 2)) / (re * re + im * im);
          s += Math.cos(w(a) * t1 + w(b) * t2) * p;
        }
      s /= (M * dt) ** 2;
      expect(t.psiPhi[i1 * K + i2]).toBeCloseTo(s, 10);
    }
  });

  it("refuses lags beyond a quarter of the grid and a non-positive effective rank, naming them", () => {
    const sol = solveDmft(3, "tanh", { points: 256, dt: 0.2 });
    expect(() => twoTimePsi(sol, { lags: 40, stride: 2 })).toThrow(/`lags`.*got `80`/);
    expect(() => twoTimePsi(sol, { effectiveRank: 0 })).toThrow(/`effectiveRank`/);
    expect(() => twoTimePsi(sol, { lags: 1.5 })).toThrow(/`lags` must be a positive integer/);
  });
});
