/** The four-point function at unequal lags (src/theory/two-time.ts, docs/TWO_TIME.md): its edges are the one-lag
 *  theory, its symmetries hold, and one point equals the double sum written out term by term. */
import { describe, expect, it } from "vitest";
import { solveDmft } from "../../src/theory/dmft.ts";
import { dimensionTheory } from "../../src/theory/dimension.ts";
import { evenSpectrum } from "../../src/theory/fft.ts";
import { diagonalSources, twoTimePsi } from "../../src/theory/two-time.ts";

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

  it("splits psi(tau, tau) into direct, reverberation and shared-input parts that add up to it (PRL Fig. 5)", () => {
    for (const g of [1.5, 3, 10]) {
      const sol = solveDmft(g);
      const L = 60;
      const s = diagonalSources(sol, L);
      const d = dimensionTheory(sol, Infinity, L);
      const dt = sol.params.dt;
      // the three parts sum to psi = Psi(tau, tau) - C(tau)^2: the same grid sums regrouped (1e-10 of psi(0, 0))
      for (let l = 0; l <= L; l++)
        expect(Math.abs(s.total[l] - (d.diagonal.psiPhi[l] - sol.cPhi[l] ** 2))).toBeLessThan(1e-10 * s.total[0]);
      // the direct part in the time domain: D_ij(tau) = J_ij K(tau) + J_ji K(-tau) with K = S * C, so its share of
      // psi(tau, tau) is g^2 (K(tau)^2 + K(-tau)^2) = nu (k(tau)^2 + k(-tau)^2), k(tau) = int_0^inf e^-s C(tau - s) ds.
      // Midpoint rule (h = 0.01) on C linearly interpolated between lags 0.1 apart: error ~ dt^2/8 C'' ~ 1e-3 C
      // (measured 2e-4): tolerance 2e-3 of the direct part at 0
      const C = (t: number) => {
        const i = Math.abs(t) / dt,
          j = Math.floor(i);
        return j + 1 < sol.cPhi.length ? sol.cPhi[j] * (1 - (i - j)) + sol.cPhi[j + 1] * (i - j) : 0;
      };
      const k = (t: number) => {
        let acc = 0;
        for (let u = 0.005; u < 40; u += 0.01) acc += Math.exp(-u) * C(t - u) * 0.01;
        return acc;
      };
      for (const l of [0, 10, 30]) {
        const tau = l * dt;
        expect(Math.abs(s.direct[l] - sol.nu * (k(tau) ** 2 + k(-tau) ** 2))).toBeLessThan(2e-3 * s.direct[0]);
      }
      // shared input is the largest part and decays more slowly than the direct part (PRL: the slowest source)
      expect(s.sharedInput[0]).toBeGreaterThan(s.direct[0] + s.reverberation[0]);
      expect(s.sharedInput[30] / s.sharedInput[0]).toBeGreaterThan(s.direct[30] / s.direct[0]);
    }
    // reverberation peaks at a non-zero lag (PRL): at g = 3 its maximum lies between tau = 1 and 6
    const r = diagonalSources(solveDmft(3), 100).reverberation;
    const peak = r.indexOf(Math.max(...r));
    expect(peak * 0.1).toBeGreaterThan(1);
    expect(peak * 0.1).toBeLessThan(6);
  });
});
