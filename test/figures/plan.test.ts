/** The figures' averaging over networks: a network without an estimate is left out and counted, never a 0. */
import { describe, expect, it } from "vitest";
import { overNetworks } from "../../src/figures/plan.ts";

describe("overNetworks", () => {
  it("averages the networks that have an estimate and counts those that have none", () => {
    const r = overNetworks([0.1, null, 0.3], [0.01, null, 0.02]);
    expect(r.mean).toBeCloseTo(0.2, 15);
    expect(r.missing).toBe(1);
    // sd of (0.1, 0.3) / sqrt(2)
    expect(r.se).toBeCloseTo((Math.SQRT2 * 0.1) / Math.SQRT2, 15);
  });

  it("gives no value when no network has an estimate, and one network's own error when only one has", () => {
    expect(overNetworks([null, null], [null, null])).toEqual({ mean: null, se: null, missing: 2 });
    expect(overNetworks([null, 0.25], [null, 0.03])).toEqual({ mean: 0.25, se: 0.03, missing: 1 });
  });
});
