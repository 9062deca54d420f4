/**
 * simulate(): streaming statistics equal batch statistics of the stored trajectory, determinism in the
 * seed, quiescence below g = 1, divergence and abort handling, argument checks, gains observables, and the
 * DMFT single-unit variance as an independent check of the chaotic state.
 */
import { describe, expect, it } from "vitest";
import { createBackend } from "../../src/backend/select.ts";
import { denseJ, makeNetwork, type LowRankCoupling } from "../../src/network/ensembles.ts";
import { diverging } from "../helpers.ts";
import { SimulationError, formDense, memoryEstimate, simulate } from "../../src/simulate/simulate.ts";
import { accumulatorBytes } from "../../src/simulate/group.ts";
import { decayTime, theory } from "../../src/theory/index.ts";

const small = { trials: 2, duration: 60, burnIn: 10, lags: 3, blocks: 3 };

describe("simulate", () => {
  it("gives C^x(tau), C^phi(tau) and Psi^phi(tau, 0) equal to the batch values of the stored trajectory", async () => {
    const n = 30;
    const net = makeNetwork({ coupling: "iid", n, g: 2, seed: 3 });
    const r = await simulate(net, { ...small, trials: 1, keepTrajectory: true, dtype: "float64", backend: "wasm" });
    const { x, samples } = r.trajectory!;
    const mean = new Float64Array(n);
    for (let k = 0; k < samples; k++) for (let i = 0; i < n; i++) mean[i] += x[k * n + i] / samples;
    const p = Float64Array.from(x, Math.tanh);
    const pmean = new Float64Array(n);
    for (let k = 0; k < samples; k++) for (let i = 0; i < n; i++) pmean[i] += p[k * n + i] / samples;
    const C = (a: ArrayLike<number>, mu: Float64Array, l: number) => {
      const out = new Float64Array(n * n);
      for (let k = l; k < samples; k++)
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] += a[k * n + i] * a[(k - l) * n + j];
      return out.map((v, q) => v / (samples - l) - mu[Math.floor(q / n)] * mu[q % n]);
    };
    const p0 = C(p, pmean, 0);
    for (let l = 0; l <= 3; l++) {
      const cx = C(x, mean, l),
        cp = C(p, pmean, l);
      let trx = 0,
        trp = 0,
        psi = 0;
      for (let i = 0; i < n; i++) {
        trx += cx[i * n + i];
        trp += cp[i * n + i];
      }
      for (let q = 0; q < n * n; q++) psi += cp[q] * p0[q];
      // the trajectory is stored as float32: relative rounding 6e-8 per value
      expect(r.results.autocorrelation.cX[l]).toBeCloseTo(trx / n, 5);
      expect(r.results.autocorrelation.cPhi[l]).toBeCloseTo(trp / n, 5);
      expect(r.results.collective.psiPhi[l] / (psi / n)).toBeCloseTo(1, 5);
    }
    expect(r.results.autocorrelation.tau).toEqual([0, 1, 2, 3]);
  });

  it("forms J = L diag(D) R^T densely (used when M > N/2) exactly as the reference product does", async () => {
    const net = makeNetwork({ coupling: "rmm", n: 37, g: 2, alpha: 0.8, prD: 0.5, seed: 2 });
    const c = net.coupling as LowRankCoupling;
    const J = formDense(await createBackend("wasm"), c.n, c.m, c.L, c.D, c.R);
    const ref = denseJ(net);
    for (let q = 0; q < J.length; q++) expect(J[q]).toBeCloseTo(ref[q], 13);
  });

  it("is deterministic in its seed and reports parameters and provenance", async () => {
    const net = makeNetwork({ coupling: "rmm", n: 60, g: 3, effectiveRank: 0.5, seed: 1 });
    const a = await simulate(net, { ...small, seed: 9 });
    const b = await simulate(net, { ...small, seed: 9 });
    const c = await simulate(net, { ...small, seed: 10 });
    expect(a.results.prPhi).toBe(b.results.prPhi);
    expect(a.results.autocorrelation).toEqual(b.results.autocorrelation);
    expect(c.results.prPhi).not.toBe(a.results.prPhi);
    expect(a.params).toMatchObject({
      method: "rk4",
      dt: 0.05,
      dtype: "float32",
      seed: 9,
      n: 60,
      coupling: "lowrank formed densely (M = 60 > N/2)",
    });
    const low = await simulate(makeNetwork({ coupling: "rmm", n: 60, g: 3, alpha: 0.2, seed: 1 }), small);
    expect(low.params.coupling).toBe("lowrank (M = 12)");
    expect(a.provenance).toMatchObject({ package: "strand", network: "rmm" });
  });

  it("reports a network below g = 1 as quiescent with null dimensions, not NaN", async () => {
    const r = await simulate(makeNetwork({ coupling: "iid", n: 40, g: 0.8, seed: 1 }), { ...small, burnIn: 200 });
    expect(r.results.quiescent).toBe(true);
    expect(r.results.prPhi).toBeNull();
    expect(r.results.prXPlugin).toBeNull();
    expect(r.results.cX0).toBeLessThan(1e-12);
  });

  it("stops a diverging run with an error naming dt and g", async () => {
    const net = diverging();
    await expect(simulate(net, small)).rejects.toThrow(SimulationError);
    await expect(simulate(net, small)).rejects.toThrow(
      /diverged at t = .*reduce dt \(now 0.05\) or g \(now 10000000\)/,
    );
  });

  it("can be aborted through an AbortSignal", async () => {
    const ctrl = new AbortController();
    const net = makeNetwork({ coupling: "iid", n: 200, g: 2, seed: 1 });
    const p = simulate(net, { duration: 100000, signal: ctrl.signal, onProgress: () => ctrl.abort() });
    await expect(p).rejects.toThrow(/abort/i);
  });

  it("validates its options with messages naming the option and the value", async () => {
    const net = makeNetwork({ coupling: "iid", n: 20, g: 2, seed: 1 });
    await expect(simulate(net, { dt: 0 })).rejects.toThrow(/`dt` must be a positive finite number; got `0`/);
    await expect(simulate(net, { sampleEvery: 0.33 })).rejects.toThrow(
      /`sampleEvery` must be a whole number of steps of dt = 0.05; got `0.33`/,
    );
    await expect(simulate(net, { blocks: 1 })).rejects.toThrow(/`blocks` must be at least 2/);
    await expect(simulate(net, { method: "midpoint" as "rk4" })).rejects.toThrow(
      /`method` must be one of "rk4", "euler"/,
    );
    await expect(simulate(net, { duration: 12, lags: 12 })).rejects.toThrow(
      /`lags` must be below the number of samples/,
    );
    await expect(simulate(net, { input: new Float64Array(3) })).rejects.toThrow(
      /`input` must be a finite number or a Float64Array of length n = 20/,
    );
    // memory refused before anything is allocated: 200 lags' N x N sums (a run too long to store its samples
    // for Psi: T N > 2 lags N^2 per trial), and 64 trial blocks' N x N sums
    const big = makeNetwork({ coupling: "iid", n: 4000, g: 2, seed: 1 });
    // (2e6 samples: the Gram matrix of sample space would be larger still)
    // (and its time estimate, 2e6 time units, is lifted to reach the memory check)
    await expect(simulate(big, { lags: 200, duration: 2e6, maxSeconds: 1e12 })).rejects.toThrow(
      /need 5[0-9]\.[0-9]+ GiB \(N x N sums; .*lower the duration, trials or lags, or raise maxBytes/,
    );
    await expect(simulate(big, { trials: 64, blocks: 64, statistics: "sums" })).rejects.toThrow(
      /need [0-9.]+ GiB \(N x N sums/,
    );
  });

  it("branches trials from one burn-in: trial 0 continues the burnt-in state of its own x(0), kicked and settled", async () => {
    // float64 state, kick 1e-9: after the kick the branch follows the unkicked path to ~1e-9 e^(lambda t), with
    // lambda < 1 for g = 3 (the flow's maximal exponent), i.e. below 1e-6 after 7 time units
    const net = makeNetwork({ coupling: "iid", n: 50, g: 3, seed: 2 });
    const o = { duration: 12, burnIn: 10, lags: 2, blocks: 2, dtype: "float64", backend: "wasm", seed: 4 } as const;
    const one = await simulate(net, { ...o, trials: 1, keepTrajectory: true });
    for (const settle of [0, 5]) {
      const b = await simulate(net, {
        ...o,
        trials: 2,
        start: "branch",
        branchSettle: settle,
        branchKick: 1e-9,
        keepTrajectory: true,
      });
      // the branch's first sample is the single trial's sample at burnIn + settle + 1
      const x1 = b.trajectory!.x.subarray(0, 50),
        ref = one.trajectory!.x.subarray(settle * 50, settle * 50 + 50);
      for (let i = 0; i < 50; i++) expect(Math.abs(x1[i] - ref[i])).toBeLessThan(1e-6);
      expect(b.params).toMatchObject({ start: "branch", branchSettle: settle, branchKick: 1e-9, burnIn: 10 });
    }
    // independent kicks: trials that start 0.1 apart are different trials (a different PR from the same seed's
    // near-identical branches), and the same seed gives the same numbers
    const k1 = await simulate(net, { ...o, trials: 4, start: "branch", branchSettle: 0 });
    const k2 = await simulate(net, { ...o, trials: 4, start: "branch", branchSettle: 0 });
    const tiny = await simulate(net, { ...o, trials: 4, start: "branch", branchSettle: 0, branchKick: 1e-9 });
    expect(k1.results.prPhi).toBe(k2.results.prPhi);
    expect(k1.results.prPhi).not.toBe(tiny.results.prPhi);
    expect(one.params.start).toBe("independent");
  });

  it("gives the Ornstein-Uhlenbeck statistics at J = 0: C^x(0) = sigma^2/2 and C^x(tau) = C^x(0) e^-tau", async () => {
    const n = 200;
    const base = makeNetwork({ coupling: "iid", n, g: 1, seed: 1 });
    const net = { ...base, coupling: { kind: "dense" as const, n, J: new Float64Array(n * n) } };
    for (const method of ["rk4", "euler"] as const) {
      const r = await simulate(net, {
        method,
        sigma: 1,
        trials: 8,
        duration: 400,
        burnIn: 20,
        lags: 2,
        seed: 3,
        dtype: "float64",
      });
      // the variance of the mean of x^2 over T = 400 samples a time unit apart of N K = 1600 independent OU paths:
      // Var(x^2) = 2 (1/2)^2 = 1/2, x^2 correlated as e^-2|tau|: factor 1 + 2 sum_l e^-2l = coth 1 = 1.313;
      // se = sqrt(0.5 x 1.313 / 640000) = 1.0e-3 (the plain sigma sqrt(dt) increment would sit 0.025 high)
      const se = Math.sqrt((0.5 * 1.313) / (n * 8 * 400));
      expect(Math.abs(r.results.cX0! - 0.5), method).toBeLessThan(4 * se);
      // C(1) / C(0) = e^-1 (the RK4 factor is e^-dt to O(dt^5); Euler's (1 - dt)^20 = e^-1.026 at dt = 0.05);
      // the lag-1 product's error is of the same order as C(0)'s
      const expected = method === "rk4" ? Math.exp(-1) : 0.95 ** 20;
      expect(Math.abs(r.results.autocorrelation.cX[1] / r.results.cX0! - expected), method).toBeLessThan(8 * se);
    }
  });

  it("gives the PC spectrum: the ranked eigenvalues of C^phi(0), whose PR is the plug-in PR^phi, in both spaces", async () => {
    const net = makeNetwork({ coupling: "iid", n: 60, g: 3, seed: 4 });
    for (const statistics of ["samples", "sums"] as const) {
      // float64 state: the two routes to C (the samples' Gram sums, the formed covariance) round alike; in float32 the
      // stored samples are centred in float32 on one route and the PRs differ by ~4e-8
      const r = await simulate(net, {
        ...small,
        trials: 4,
        duration: 40,
        statistics,
        dtype: "float64",
        pcSpectrum: true,
        keepCovariance: true,
      });
      const { eigenvalues, varianceFraction } = r.results.pcSpectrum!;
      const C = r.covariancePhi!;
      let trace = 0;
      for (let i = 0; i < 60; i++) trace += C[i * 60 + i];
      const sum = eigenvalues.reduce((a, b) => a + b, 0),
        sumSq = eigenvalues.reduce((a, b) => a + b * b, 0);
      expect(Math.abs(sum - trace) / trace, statistics).toBeLessThan(1e-10);
      // (sum lambda)^2 / (N sum lambda^2) = (tr C)^2 / (N ||C||_F^2): the plug-in estimate, exactly
      expect(Math.abs((sum * sum) / (60 * sumSq) / r.results.prPhiPlugin! - 1), statistics).toBeLessThan(1e-9);
      for (let i = 1; i < 60; i++) expect(eigenvalues[i]).toBeLessThanOrEqual(eigenvalues[i - 1]);
      expect(eigenvalues[59]).toBeGreaterThan(-1e-10 * eigenvalues[0]); // a covariance: positive semi-definite
      expect(varianceFraction.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    const big = makeNetwork({ coupling: "rmm", n: 5000, g: 3, alpha: 0.02, seed: 1 });
    await expect(simulate(big, { pcSpectrum: true })).rejects.toThrow(/`pcSpectrum` needs N <= 4096/);
  });

  it("refuses branch options that cannot apply, naming them", async () => {
    const net = makeNetwork({ coupling: "iid", n: 20, g: 2, seed: 1 });
    await expect(simulate(net, { trials: 1, start: "branch" })).rejects.toThrow(/`trials` must be at least 2/);
    await expect(simulate(net, { trials: 2, branchSettle: 3 })).rejects.toThrow(/`start` must be "branch"/);
    await expect(simulate(net, { trials: 2, start: "branch", branchKick: 0 })).rejects.toThrow(
      /`branchKick` must be positive without noise/,
    );
    await expect(simulate(net, { trials: 2, start: "fork" as "branch" })).rejects.toThrow(/`start` must be one of/);
  });

  it("computes the three gain observables, which coincide with PR^phi for unit gains", async () => {
    const n = 50;
    const ones = makeNetwork({ coupling: "iid", n, g: 3, seed: 2, gains: new Float64Array(n).fill(1) });
    const r = await simulate(ones, small);
    expect(r.results.gains!.prPhiUnnormalized).toBeCloseTo(r.results.prPhi!, 12);
    expect(r.results.gains!.prPhiReadout).toBeCloseTo(r.results.prPhi!, 12);
    const het = await simulate(makeNetwork({ coupling: "iid", n: 200, g: 5, seed: 2, gains: { prG: 0.5 } }), {
      ...small,
      duration: 200,
      burnIn: 50,
      trials: 4,
    });
    expect(het.results.nonStationary).toBe(false);
    const { prPhiUnnormalized, prPhiNormalized, prPhiReadout } = het.results.gains!;
    for (const v of [prPhiUnnormalized, prPhiNormalized, prPhiReadout]) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    // PRX Fig. 5: weighting by heterogeneous gains lowers the dimension (Cauchy-Schwarz on the weights)
    expect(prPhiUnnormalized!).toBeLessThan(prPhiNormalized!);
  });

  it(
    "reproduces the DMFT single-unit variance C^x(0) = 1.9248 (tanh, g = 2) and the 1/e time of " +
      "C^phi averaged over networks at N = 300",
    async () => {
      // THEORY §5.4: C^x(0) = 1.9248 at g = 2 (N -> infinity). One finite network's neuron-averaged variance
      // differs from it by quenched disorder (sd ~ 9 % across networks at N = 400, measured), so we average
      // 6 networks and allow 4 standard errors of that mean (estimated from the 6 values; t_5 at p ~ 1 %)
      // plus 2 % for O(1/N) finite-size bias. The same for the single-neuron PC timescale (1/e time of
      // C^phi(tau)), compared with the theory's C^phi read on the same unit lag grid (so that the linear
      // interpolation between lags is the same on both sides).
      const v: number[] = [],
        t: number[] = [];
      for (let s = 1; s <= 6; s++) {
        const r = await simulate(makeNetwork({ coupling: "iid", n: 300, g: 2, seed: s }), {
          trials: 4,
          duration: 150,
          burnIn: 100,
          lags: 12,
          seed: 5,
        });
        v.push(r.results.cX0);
        t.push(r.results.timescales.cPhi!);
      }
      const stats = (a: number[]) => {
        const m = a.reduce((x, y) => x + y) / a.length;
        return { m, se: Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1) / a.length) };
      };
      const { m: mean, se } = stats(v);
      expect(Math.abs(mean - 1.9248)).toBeLessThan(4 * se + 0.02 * 1.9248);
      const th = theory(2).results;
      const lagsUnit = Array.from({ length: 13 }, (_, k) => k);
      const tauTheory = decayTime(
        lagsUnit,
        lagsUnit.map((k) => th.autocorrelation.cPhi[k * 10]),
      )!;
      const ts = stats(t);
      expect(Math.abs(ts.m - tauTheory)).toBeLessThan(4 * ts.se + 0.02 * tauTheory);
      expect(se / mean).toBeLessThan(0.1);
    },
  );
});

describe("memoryEstimate", () => {
  it("counts what simulate allocates: the accumulators' bytes and the coupling's copies", () => {
    const o = { trials: 4, duration: 100, lags: 5, blocks: 4, groups: 2, dtype: "float32" as const };
    const e = memoryEstimate(300, { kind: "lowrank", m: 30 }, { ...o, statistics: "sums" });
    // held by the groups, then copied to be combined
    expect(e.statistics).toBe(2 * accumulatorBytes(300, 4, 2, 5, 4, "float32", 100));
    // L and R in float64 as drawn, their float64 copy shared with the workers, and a float32 copy of both per
    // group's backend; the runtime: 64 MiB and 32 MiB per worker
    expect(e.coupling).toBe(2 * 2 * 8 * 300 * 30 + 2 * (2 * 4 * 300 * 30));
    expect(e.runtime).toBe((64 + 2 * 32) * 2 ** 20);
    expect(e.total).toBe(e.coupling + e.statistics + e.runtime);
    // 400 samples > N = 300: auto takes the N x N sums; in sample space the stored samples (x and phi, with their
    // blocks), then the transposed samples and their 400 x 400 float64 Gram matrix
    expect(memoryEstimate(300, { kind: "lowrank", m: 30 }, o).space).toBe("sums");
    const s = memoryEstimate(300, { kind: "lowrank", m: 30 }, { ...o, statistics: "samples" });
    const hist = 2 * 2 * (2 * (5 + 32) * 300 * 4);
    expect(s.statistics).toBe(hist + 2 * 400 * (300 * 4 + 4) + 400 * 300 * 4 + 8 * 400 ** 2);
    // more modes than N/2: simulate forms J densely, and so does the estimate
    // (and shares it with the workers in the run's dtype)
    expect(memoryEstimate(300, { kind: "lowrank", m: 200 }, o).coupling).toBe(
      2 * 8 * 300 * 200 + 8 * 300 ** 2 + 4 * 300 ** 2 + 2 * 4 * 300 ** 2,
    );
  });
});
