/**
 * Sample-space statistics (src/simulate/gram.ts) against the N x N sums (summary.ts): the same simulation, both
 * spaces forced, float64 state. Every reported number is a sum of the same products in another order, so the two
 * agree to float64 rounding: relative 1e-12 is ~1e4 ulps — room for sums of ~1e5 terms — and far below any error
 * a wrong formula makes (O(1): a missing mean term alone changes PR by |mu|^2 / tr C ~ 1e-2 with the input used).
 */
import { describe, expect, it } from "vitest";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { simulate, type SimulationResult } from "../../src/simulate/simulate.ts";
import { statisticsSpace } from "../../src/simulate/stats.ts";

const REL = 1e-12;

function expectSame(a: SimulationResult, b: SimulationResult) {
  const close = (x: number | null, y: number | null, what: string) => {
    expect(x, what).not.toBeNull();
    expect(Math.abs(x! - y!), what).toBeLessThanOrEqual(REL * Math.abs(x!));
  };
  const ra = a.results,
    rb = b.results;
  for (const k of ["prPhi", "prX", "prPhiError", "prXError", "prPhiPlugin", "prXPlugin", "blockVarianceRatio"] as const)
    close(ra[k], rb[k], k);
  ra.collective.psiPhi.forEach((v, l) => close(v, rb.collective.psiPhi[l], `psiPhi[${l}]`));
  close(ra.collective.psiX00, rb.collective.psiX00, "psiX00");
  ra.autocorrelation.cPhi.forEach((v, l) => expect(v).toBe(rb.autocorrelation.cPhi[l]));
  if (ra.gains)
    for (const k of ["prPhiUnnormalized", "prPhiNormalized", "prPhiReadout"] as const)
      close(ra.gains[k], rb.gains![k], k);
  const ca = a.covariancePhi!,
    cb = b.covariancePhi!;
  let scale = 0;
  for (let i = 0; i < a.params.n; i++) scale = Math.max(scale, ca[i * a.params.n + i]);
  ca.forEach((v, q) => expect(Math.abs(v - cb[q])).toBeLessThanOrEqual(REL * scale));
}

async function bothSpaces(net: ReturnType<typeof makeNetwork>, trials: number, extra = {}) {
  const run = (statistics: "samples" | "sums") =>
    simulate(net, {
      trials,
      duration: 40,
      burnIn: 10,
      lags: 6,
      blocks: 4,
      dtype: "float64",
      statistics,
      keepCovariance: true,
      seed: 2,
      ...extra,
    });
  const samples = await run("samples"),
    sums = await run("sums");
  expect(samples.params.statistics).toBe("samples");
  expect(sums.params.statistics).toBe("sums");
  return { samples, sums };
}

describe("sample-space statistics", () => {
  it("equal the N x N sums to float64 rounding with trial blocks, including Psi(tau, 0) and C_0", async () => {
    const net = makeNetwork({ coupling: "iid", n: 120, g: 2, seed: 3 });
    const { samples, sums } = await bothSpaces(net, 4, { input: 0.3 });
    expectSame(samples, sums);
  });

  it("equal the N x N sums with time blocks (fewer trials than blocks), on both backends", async () => {
    const net = makeNetwork({ coupling: "iid", n: 90, g: 2.5, seed: 4 });
    for (const backend of ["wasm", "js"] as const) {
      const { samples, sums } = await bothSpaces(net, 2, { backend });
      expectSame(samples, sums);
    }
  });

  it("equal the N x N sums for the gain observables of the random-mode model", async () => {
    const net = makeNetwork({ coupling: "rmm", n: 100, g: 2, alpha: 0.5, gains: { prG: 0.3 }, seed: 5 });
    const { samples, sums } = await bothSpaces(net, 8);
    expect(samples.results.gains).toBeDefined();
    expectSame(samples, sums);
  });

  it("are chosen automatically when a run has at most N samples", async () => {
    expect(statisticsSpace(100, 100)).toBe("samples");
    expect(statisticsSpace(100, 101)).toBe("sums");
    const net = makeNetwork({ coupling: "iid", n: 100, g: 2, seed: 1 });
    const r = await simulate(net, { trials: 2, duration: 40, burnIn: 5, lags: 2, blocks: 4 });
    expect(r.params.statistics).toBe("samples");
    expect(r.covariancePhi).toBeUndefined();
  });
});
