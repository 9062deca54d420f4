/**
 * What kind of state a simulation sampled, from its streaming statistics (no extra pass): a dimension and timescales
 * describe a fluctuating (chaotic or noise-driven) stationary state, and mean nothing for the others.
 *
 *   quiescent    the pooled variance (1/N) tr C^x(0) < 1e-8: every trial decayed to the same fixed point (x = 0
 *                for g_eff < 1 without input);
 *   fixed point  the within-trial variance C_w(0) (about each trial's own mean) below 1e-3 of the pooled variance:
 *                each trial sits still, at (or creeping towards) a fixed point of its own (raw connectome weights,
 *                g just above 1 at small N) — the pooled covariance then measures the spread of the fixed points,
 *                not activity. (C_w comes from the lagged sums: a slow drift d of a state of norm |x| adds O(|x| d)
 *                to it, hence a relative threshold well above rounding, far below the O(1) ratio of a chaotic
 *                state, whose trials share one attractor);
 *   periodic     the within-trial autocorrelation r(l) = C_w(l) / C_w(0) falls below 0.9 and returns above 0.99
 *                at a sampled lag l: the trajectory repeats itself after l samples (a limit cycle, e.g. Euler at
 *                dt = 1 oscillating with period 2); detected only for periods within the sampled lags;
 *   fluctuating  otherwise.
 * The thresholds are far from chaotic values: there C_w(0) is O(1) and r(l) decays without returning to 1 (a
 * chaotic r(l) returns at most to the O(1/sqrt(samples)) noise of the estimate).
 */

/** The kinds of sampled state. */
export type Dynamics = "fluctuating" | "quiescent" | "fixed point" | "periodic";

/**
 * Classify a run from its x statistics.
 * @param pooled (1/N) tr C^x(0) about the pooled mean
 * @param within C_w(l), l = 0..L, the within-trial autocovariance of x (CovarianceSummary.withinTrial)
 * @param sampleEvery time units between samples (for the period)
 * @returns the kind, its period in time units (periodic only, else null), and for every kind but fluctuating the
 *   reason a dimension means nothing
 */
export function classifyDynamics(
  pooled: number,
  within: ArrayLike<number>,
  sampleEvery: number,
): { dynamics: Dynamics; period: number | null; reason: string | null } {
  if (!(pooled >= 1e-8))
    return {
      dynamics: "quiescent",
      period: null,
      reason: "the network is quiescent (no fluctuations, so no dimension)",
    };
  if (!(within[0] >= 1e-3 * pooled))
    return {
      dynamics: "fixed point",
      period: null,
      reason:
        "each trial sits at a fixed point (x constant in time; the variance is the spread between the trials' fixed " +
        "points, not activity), so there is no dimension to measure",
    };
  let dipped = false;
  for (let l = 1; l < within.length; l++) {
    const r = within[l] / within[0];
    if (r < 0.9) dipped = true;
    else if (dipped && r > 0.99) {
      const period = l * sampleEvery;
      return {
        dynamics: "periodic",
        period,
        reason:
          `the trajectories are periodic (they repeat after ${period} time units): a limit cycle, not a fluctuating ` +
          "state, so PR counts its harmonics rather than a dimension (with Euler, a smaller dt may remove it)",
      };
    }
  }
  return { dynamics: "fluctuating", period: null, reason: null };
}
