/**
 * comparePrediction: simulation beside prediction, errors combined, nothing compared with what is not predicted.
 */
import { describe, expect, it } from "vitest";
import { comparePrediction } from "../src/compare.ts";
import { makeNetwork } from "../src/network/ensembles.ts";
import { simulate } from "../src/simulate/simulate.ts";
import { predict } from "../src/theory/predict.ts";

describe("comparePrediction", () => {
  it("puts z = difference / sqrt(se_sim^2 + se_theory^2) and the relative difference beside each observable", async () => {
    const spec = { coupling: "iid" as const, n: 80, g: 3, seed: 2 };
    const sim = await simulate(makeNetwork(spec), { trials: 4, duration: 60, burnIn: 20, lags: 4, blocks: 4, seed: 2 });
    const p = await predict(spec);
    const c = comparePrediction(sim.results, p);
    expect(Object.keys(c)).toEqual(["prPhi", "prX", "cX0", "cPhi0", "tauCPhi", "tauPsiPhi"]);
    const r = c.prPhi;
    expect(r.error).toBe(sim.results.prPhiError); // the Gaussian theory has no error of its own
    expect(r.relative).toBeCloseTo((sim.results.prPhi! - p.observables.prPhi!) / p.observables.prPhi!, 14);
    expect(r.z).toBeCloseTo((sim.results.prPhi! - p.observables.prPhi!) / sim.results.prPhiError!, 12);
    expect(c.cX0.z).toBeNull(); // no error bar on C^x(0): a relative difference only
  });

  it("leaves out what the prediction does not cover and never divides by a zero theory", async () => {
    const spec = { coupling: "iid" as const, n: 60, g: 0.5, seed: 1 };
    const sim = await simulate(makeNetwork(spec), { trials: 2, duration: 20, burnIn: 5, lags: 2, blocks: 2, seed: 1 });
    const c = comparePrediction(sim.results, await predict(spec));
    expect(c.prX).toBeUndefined(); // quiescent: no PR^x predicted
    expect(c.cX0.theory).toBe(0);
    expect(c.cX0.relative).toBeNull();
  });
});
