/**
 * predict(spec): the one path from a network spec to the prediction of what simulate() measures.
 */
import { describe, expect, it } from "vitest";
import { makeNetwork, type NetworkSpec } from "../../src/network/ensembles.ts";
import { theory } from "../../src/theory/index.ts";
import { NotPredictedError, predict, predictionMethod, theoryInputs } from "../../src/theory/predict.ts";

describe("predict", () => {
  it("reads the effective rank from the spectrum without drawing, equal to the drawn network's", () => {
    const spec: NetworkSpec = { coupling: "rmm", n: 400, g: 6, alpha: 1, prD: 0.3, seed: 3 };
    expect(theoryInputs(spec).effectiveRank).toBe(makeNetwork(spec).summary.effectiveRank);
    expect(theoryInputs({ coupling: "iid", n: 10, g: 2, seed: 1 }).effectiveRank).toBe(Infinity);
  });

  it("gives the Gaussian theory for i.i.d. and random-mode specs, with simulate's observables", async () => {
    const p = await predict({ coupling: "rmm", n: 1000, g: 6, effectiveRank: 0.5, seed: 1 }, { phi: "erf" });
    expect(p.method).toBe("gaussian");
    const direct = theory(6, { phi: "erf", effectiveRank: 0.5 }).results;
    expect(p.observables.prPhi).toBeCloseTo(direct.prPhi!, 12);
    expect(p.observables.prX).toBeCloseTo(direct.prX!, 12);
    expect(p.observables.prPhiError).toBe(0);
  });

  it("predicts the z-scored PR^phi with gains and leaves PR^x unpredicted", async () => {
    const p = await predict(
      { coupling: "rmm", n: 1000, g: 6, effectiveRank: 0.5, gains: { prG: 0.5 }, seed: 1 },
      { phi: "erf" },
    );
    if (p.method !== "gaussian") throw new Error("expected the Gaussian theory");
    expect(p.observables.prPhi).toBe(p.theory.results.gains!.prPhiNormalized);
    expect(p.observables.prPhi).toBeLessThan(p.theory.results.prPhi!);
    expect(p.observables.prX).toBeNull();
  });

  it("reports quiescence below g = 1 with no dimension", async () => {
    const p = await predict({ coupling: "iid", n: 100, g: 0.8, seed: 1 });
    expect(p.observables).toMatchObject({ quiescent: true, prPhi: null, prX: null });
  });

  it("chooses the sampling single site for reciprocal structure, and refuses what no theory covers", async () => {
    expect(predictionMethod({ coupling: "iid", n: 100, g: 3, symmetry: 0.4, seed: 1 })).toBe("sampling");
    expect(
      predictionMethod({ coupling: "rmm", n: 100, g: 3, prD: 0.8, alpha: 1, overlap: { gamma: 0 }, seed: 1 }),
    ).toBe("gaussian");
    await expect(
      predict({ coupling: "iid", n: 100, g: 3, symmetry: 0.4, gains: { prG: 0.5 }, seed: 1 }),
    ).rejects.toThrow(NotPredictedError);
    await expect(predict({ coupling: "iid", n: 100, g: NaN, seed: 1 })).rejects.toThrow(/--stand-in random/);
  });
});
