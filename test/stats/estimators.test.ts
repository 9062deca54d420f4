/**
 * The status of a cross-block PR estimate: each reason it can be unreliable, and ok when none applies.
 */
import { describe, expect, it } from "vitest";
import { estimateStatus, type EstimateContext } from "../../src/stats/estimators.ts";

const good: EstimateContext = {
  pr: 0.045,
  prError: 0.004,
  blocks: 8,
  quiescent: false,
  nonStationary: false,
  blockVarianceRatio: 1.2,
  blockDuration: null,
  correlationTime: 9,
};

describe("estimateStatus", () => {
  it("is ok for a positive, significant estimate from independent blocks", () => {
    expect(estimateStatus(good)).toBe("ok");
  });

  it.each<[string, Partial<EstimateContext>, RegExp]>([
    ["quiescent", { quiescent: true }, /quiescent/],
    ["non-stationary", { nonStationary: true, blockVarianceRatio: 6.3 }, /differ by 6\.3x.*burn-in/],
    ["two blocks", { blocks: 2 }, /2 blocks give no error bar/],
    ["negative", { pr: -0.017 }, /not positive.*lengthen the duration or add trials/],
    ["no error", { prError: NaN }, /no standard error/],
    ["within 2 se of zero", { pr: 0.01, prError: 0.006 }, /standard error is 60 %/],
    // (2 / 8)(9 / 10) = 0.225 > 0.1
    ["short time blocks", { blockDuration: 10 }, /time blocks of 10\.0 time units are not independent.*~23 %/],
    ["time blocks without lags", { blockDuration: 100, correlationTime: null }, /independence cannot be checked/],
  ])("is unreliable when %s, with the reason", (_label, change, reason) => {
    const s = estimateStatus({ ...good, ...change });
    expect(s).toMatch(/^unreliable: /);
    expect(s).toMatch(reason);
  });

  it("accepts time blocks long against the correlation time: (2 / B)(tau / d) <= 0.1", () => {
    expect(estimateStatus({ ...good, blockDuration: 22.5 })).toBe("ok"); // (2/8)(9/22.5) = 0.1
  });
});
