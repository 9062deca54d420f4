/**
 * The streaming covariance accumulator on synthetic data with a known covariance: streaming equals batch,
 * the cross-block PR estimator is unbiased (within its standard error over replicates) while the plug-in
 * estimator is biased low when samples are not >> N (THEORY §5.1).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../src/backend/select.ts";
import { fillNormal, seedState } from "../../src/backend/rng.ts";
import type { Backend } from "../../src/backend/types.ts";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import { CovarianceAccumulator, FLUSH } from "../../src/simulate/stats.ts";
import { blockCovariances, summarize } from "../../src/simulate/summary.ts";
import { crossBlock } from "../../src/stats/estimators.ts";

let be: Backend;
beforeAll(async () => {
  be = await createBackend("auto");
});

/** Feed `samples` Gaussian vectors with covariance diag(lambda) (and an AR(1) time correlation rho) to an accumulator. */
function run(
  n: number,
  trials: number,
  samples: number,
  lags: number,
  blocks: number,
  lambda: Float64Array,
  seed: number,
  rho = 0,
  keep?: Float64Array[],
  fullLags?: number,
  offset = 0.3,
  storeSamples = false,
) {
  const acc = new CovarianceAccumulator(be, n, trials, lags, fullLags ?? lags, blocks, "float64", null, {
    storeSamples,
  });
  const buf = be.alloc("float64", trials * n);
  const z = new Float64Array(trials * n);
  const state = new Float64Array(trials * n);
  const s = seedState(seed, 3);
  const sd = lambda.map(Math.sqrt);
  for (let k = 0; k < samples; k++) {
    fillNormal(s, trials * n, 0, 1, z);
    for (let i = 0; i < trials * n; i++) state[i] = k === 0 ? z[i] : rho * state[i] + Math.sqrt(1 - rho * rho) * z[i];
    const v = state.map((x, i) => x * sd[i % n] + offset);
    be.write(buf, v);
    keep?.push(Float64Array.from(v));
    acc.push(buf);
    if (k + 1 === Math.round(((Math.floor((k * blocks) / samples) + 1) * samples) / blocks)) acc.endBlock();
  }
  const summary = acc.summary();
  acc.free();
  be.free(buf);
  return summary;
}

describe("the streaming covariance accumulator", () => {
  it.each([
    [4, "lag sums"],
    [2, "lag sums"],
    [4, "stored samples"],
    [2, "stored samples"],
  ])(
    "equals the batch covariance, autocovariance and Psi(tau, 0) of the samples with %i full " +
      "lags, Psi from %s (trials, flush and block edges included)",
    (fullLags, psiFrom) => {
      const n = 7,
        trials = 3,
        samples = 53,
        lags = 4;
      const kept: Float64Array[] = [];
      const s = run(
        n,
        trials,
        samples,
        lags,
        3,
        Float64Array.from({ length: n }, (_, i) => 1 + i),
        5,
        0.6,
        kept,
        fullLags as number,
        0.3,
        psiFrom === "stored samples",
      );
      const mean = new Float64Array(n);
      for (const v of kept) for (let q = 0; q < trials * n; q++) mean[q % n] += v[q] / (samples * trials);
      const C = (l: number) => {
        const out = new Float64Array(n * n);
        for (let k = l; k < samples; k++)
          for (let t = 0; t < trials; t++)
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) out[i * n + j] += kept[k][t * n + i] * kept[k - l][t * n + j];
        return out.map((v, q) => v / (trials * (samples - l)) - mean[Math.floor(q / n)] * mean[q % n]);
      };
      const c0 = C(0);
      for (let q = 0; q < n * n; q++) expect(s.c0![q]).toBeCloseTo(c0[q], 11);
      for (let l = 0; l <= lags; l++) {
        const cl = C(l);
        let tr = 0,
          psi = 0;
        for (let i = 0; i < n; i++) tr += cl[i * n + i];
        for (let q = 0; q < n * n; q++) psi += cl[q] * c0[q];
        expect(s.autocovariance[l]).toBeCloseTo(tr / n, 11);
        if (l <= fullLags) expect(s.psi[l]).toBeCloseTo(psi / n, 11);
      }
      expect(s.psi.length).toBe(fullLags + 1);
    },
  );

  it("forms trial blocks from whole trials: block covariances equal the batch covariances of those trials about the pooled mean", () => {
    const n = 5,
      trials = 4,
      samples = 37,
      blocks = 2;
    const acc = new CovarianceAccumulator(be, n, trials, 2, 1, blocks, "float64", [0, 0, 1, 1]);
    const buf = be.alloc("float64", trials * n);
    const data: Float64Array[] = [];
    const z = new Float64Array(trials * n);
    const st = seedState(8, 3);
    for (let k = 0; k < samples; k++) {
      fillNormal(st, trials * n, 0.2, 1, z);
      data.push(Float64Array.from(z));
      be.write(buf, z);
      acc.push(buf);
    }
    acc.endBlock();
    const s = acc.summary();
    acc.free();
    const mean = new Float64Array(n);
    for (const v of data) for (let q = 0; q < trials * n; q++) mean[q % n] += v[q] / (samples * trials);
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (const v of data) for (const t of [2 * b, 2 * b + 1]) sum += v[t * n + i] * v[t * n + j];
          expect(blockCovariances(s)[b][i * n + j]).toBeCloseTo(sum / (2 * samples) - mean[i] * mean[j], 12);
        }
    }
    // the estimator's traces and cross products (from the blocks' Gram matrix, no covariance formed) equal the
    // direct sums over the formed covariances, nonzero mean (0.2) included; 1e-12 relative covers the reordering
    const direct = crossBlock(n, blockCovariances(s));
    expect(Math.abs(s.crossBlockTrace2 - direct.cross)).toBeLessThan(1e-12 * Math.abs(direct.cross));
    direct.trace.forEach((t, b) => expect(Math.abs(s.blockTrace[b] - t)).toBeLessThan(1e-12 * Math.abs(t)));
  });

  it.each([false, true])(
    "holds in a trial group only its own trials' block sums, and two groups summarise to the one-group statistics (stored samples: %s)",
    async (storeSamples) => {
      const n = 6,
        samples = 40,
        blocks = 4,
        lags = 2;
      const wasm = await createWasmBackend();
      const feed = (acc: CovarianceAccumulator, trials: number[]) => {
        const buf = wasm.alloc("float64", trials.length * n),
          z = new Float64Array(4 * n);
        const st = seedState(9, 3);
        for (let k = 0; k < samples; k++) {
          fillNormal(st, 4 * n, 0.1, 1, z); // the same 4 trials' samples for every grouping
          wasm.write(buf, z.subarray(trials[0] * n, (trials.at(-1)! + 1) * n));
          acc.push(buf);
        }
        wasm.free(buf);
        acc.endBlock();
      };
      const before = wasm.bytesInUse;
      const first = new CovarianceAccumulator(wasm, n, 2, lags, lags, blocks, "float64", [0, 1], { storeSamples });
      // history, without stored samples the lags' sums (S_0 is the sum of the blocks, formed by summarize) and 2 of
      // the 4 block sums (allocations round up to 16 bytes, an empty one takes 16); stored samples live outside the backend
      const round16 = (bytes: number) => Math.max(16, bytes + 16 - (bytes % 16 || 16));
      expect(wasm.bytesInUse - before).toBe(
        2 * (lags + FLUSH) * n * 8 + round16((storeSamples ? 0 : lags) * n * n * 8) + 2 * round16(n * n * 8),
      );
      if (!storeSamples)
        expect(wasm.bytesInUse - before).toBeLessThanOrEqual(
          CovarianceAccumulator.bytes(n, 2, lags, lags, 2, "float64") + 64,
        );
      const second = new CovarianceAccumulator(wasm, n, 2, lags, lags, blocks, "float64", [2, 3], { storeSamples });
      const whole = new CovarianceAccumulator(wasm, n, 4, lags, lags, blocks, "float64", [0, 1, 2, 3], {
        storeSamples,
      });
      feed(first, [0, 1]);
      feed(second, [2, 3]);
      feed(whole, [0, 1, 2, 3]);
      const split = summarize([first.state(), second.state()], wasm),
        one = whole.summary();
      for (const acc of [first, second, whole]) acc.free();
      expect(wasm.bytesInUse).toBe(before);
      // the same sums added in another grouping: equal to rounding (1e-12 relative)
      for (const key of ["prCrossBlock", "prPlugin", "crossBlockTrace2"] as const)
        expect(Math.abs(split[key] / one[key] - 1)).toBeLessThan(1e-12);
      split.psi.forEach((v, l) => expect(Math.abs(v / one.psi[l] - 1)).toBeLessThan(1e-12));
      blockCovariances(split).forEach((c, b) =>
        c.forEach((v, q) => expect(v).toBeCloseTo(blockCovariances(one)[b][q], 12)),
      );
    },
  );

  it("gives an unbiased cross-block PR and a plug-in PR biased low when samples are few (known spectrum)", () => {
    // lambda_i = 1/i (i = 1..N): PR = (sum 1/i)^2 / (N sum 1/i^2)
    const n = 40,
      samples = 120,
      reps = 24;
    const lambda = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1));
    let h1 = 0,
      h2 = 0;
    for (const l of lambda) {
      h1 += l;
      h2 += l * l;
    }
    const truePr = (h1 * h1) / (n * h2);
    const cb: number[] = [],
      pl: number[] = [],
      jks: number[] = [];
    for (let r = 0; r < reps; r++) {
      // zero-mean data: blocks are centred on the pooled mean (as the authors' estimator does, so that slow
      // modes keep their variance), which leaves an O(|mean|^2 / samples per block) bias for nonzero means
      const s = run(n, 1, samples, 0, 6, lambda, 100 + r, 0, undefined, 0, 0);
      cb.push(s.prCrossBlock);
      jks.push(s.prCrossBlockSE);
      pl.push(s.prPlugin);
    }
    const stats = (a: number[]) => {
      const m = a.reduce((x, y) => x + y) / a.length;
      const sd = Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1));
      return { m, se: sd / Math.sqrt(a.length) };
    };
    const c = stats(cb),
      p = stats(pl);
    // the jackknife SE of one run estimates the replicate spread of the estimator (within a factor ~1.5
    // for 6 blocks: the jackknife variance itself has ~ sqrt(2/(B-1)) = 63 % relative error, averaged here)
    const jk = Math.sqrt(jks.reduce((a, b) => a + b * b, 0) / jks.length);
    const spread = c.se * Math.sqrt(reps);
    expect(jk / spread).toBeGreaterThan(0.5);
    expect(jk / spread).toBeLessThan(2);
    if (process.env.STRAND_DEBUG) console.log({ truePr, crossBlock: c, plugin: p });
    // the ratio of means is unbiased only to O(1/samples); 3 standard errors of the replicate mean cover it
    expect(Math.abs(c.m - truePr)).toBeLessThan(3 * c.se + 0.01 * truePr);
    // plug-in: E tr(C^2) is inflated by ~ (tr C)^2 / samples, so PR is biased low by far more than its SE
    expect(p.m).toBeLessThan(truePr - 3 * p.se);
  });
});
