/**
 * Estimators shared by the simulations and the theory (src/simulate/, src/theory/ and everything above them):
 *
 *   cross-block second moment (THEORY §5.1): with B independent blocks of samples and their covariances C^(b),
 *     tr(C)^2 / (N mean_{a != b} tr(C^(a) C^(b))) estimates PR / N without the plug-in estimator's 1/T bias,
 *     because E tr(C^(a) C^(b)) = tr(C^2) for independent blocks;
 *   delete-one jackknife standard errors of a nonlinear estimator from its leave-one-out values;
 *   mean and standard error of independent replicates.
 */
/**
 * tr C^(b) and the mean over a != b of tr(C^(a) C^(b)) = sum_ij C^(a)_ij C^(b)_ij (symmetric blocks), with optional
 * weights w_i w_j on entry ij.
 */
export function crossBlock(
  n: number,
  blockCov: Float64Array[],
  weight?: Float64Array,
): { trace: Float64Array; cross: number; pairs: Float64Array } {
  const B = blockCov.length;
  const w = weight ?? null;
  const trace = Float64Array.from(blockCov, (c) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += c[i * n + i] * (w ? w[i] * w[i] : 1);
    return t;
  });
  let cross = 0,
    count = 0;
  const pairMatrix = new Float64Array(B * B);
  for (let a = 0; a < B; a++)
    for (let b = a + 1; b < B; b++) {
      const A = blockCov[a],
        Bm = blockCov[b];
      let s = 0;
      if (w) {
        for (let i = 0; i < n; i++) {
          const wi = w[i] * w[i];
          for (let j = 0; j < n; j++) s += A[i * n + j] * Bm[i * n + j] * wi * w[j] * w[j];
        }
      } else for (let i = 0; i < n * n; i++) s += A[i] * Bm[i];
      cross += s;
      count++;
      pairMatrix[a * B + b] = pairMatrix[b * B + a] = s;
    }
  return { trace, cross: count ? cross / count : NaN, pairs: pairMatrix };
}

/**
 * Delete-one-block jackknife of the cross-block PR: PR_(i) uses the blocks other than i;
 * SE = sqrt((B - 1)/B sum_i (PR_(i) - mean)^2) (Efron & Stein). Needs B >= 3.
 */
export function jackknife(n: number, trace: Float64Array, pairs: Float64Array): number {
  const B = trace.length;
  if (B < 3) return NaN;
  const loo: number[] = [];
  for (let i = 0; i < B; i++) {
    let t = 0,
      p = 0,
      c = 0;
    for (let a = 0; a < B; a++) if (a !== i) t += trace[a] / (B - 1);
    for (let a = 0; a < B; a++)
      for (let b = a + 1; b < B; b++)
        if (a !== i && b !== i) {
          p += pairs[a * B + b];
          c++;
        }
    loo.push((t * t) / (n * (p / c)));
  }
  return jackknifeSe(loo);
}

/**
 * The delete-one jackknife standard error from the B leave-one-out values of an estimator:
 * SE = sqrt((B - 1)/B sum_i (loo_i - mean)^2) (Efron & Stein); NaN for fewer than two.
 */
export function jackknifeSe(loo: readonly number[]): number {
  const B = loo.length;
  if (B < 2) return NaN;
  const m = loo.reduce((x, y) => x + y, 0) / B;
  return Math.sqrt(((B - 1) / B) * loo.reduce((x, y) => x + (y - m) ** 2, 0));
}

/** Mean of independent replicates and its standard error sd / sqrt(k) (null with one replicate). */
export function meanAndSe(xs: readonly number[]): { mean: number; se: number | null } {
  const k = xs.length;
  const mean = xs.reduce((s, v) => s + v, 0) / k;
  return { mean, se: k > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (k - 1) / k) : null };
}

/** Whether an estimate means something: "ok", or "unreliable: " followed by why and what would fix it. */
export type EstimateStatus = "ok" | `unreliable: ${string}`;

/** What estimateStatus needs to know about a cross-block PR estimate and the run behind it. */
export interface EstimateContext {
  pr: number | null;
  /** why the sampled state has no dimension at all (a fixed point, a periodic orbit: classifyDynamics), else null */
  noDimension?: string | null;
  /** the delete-one-block jackknife standard error (NaN or null without one) */
  prError: number | null;
  blocks: number;
  quiescent: boolean;
  nonStationary: boolean;
  blockVarianceRatio: number;
  /** time blocks: each block's duration (time units); null for trial blocks (independent by construction) */
  blockDuration: number | null;
  /** the slowest correlation time measured (the 1/e time of Psi(tau, 0), else the lag window it outlasted, a
   *  lower bound); null if no lags were measured */
  correlationTime: number | null;
}

/**
 * The status of a cross-block PR estimate (THEORY §5.1). Unreliable, in this order:
 *  - quiescent: no fluctuations, so no dimension;
 *  - non-stationary: the blocks' variances differ by more than 4x (a transient or too short a burn-in);
 *  - fewer than 3 blocks: the delete-one jackknife, hence the error bar, needs 3;
 *  - not positive, or not significant: PR <= 2 se, i.e. a 2-standard-error interval reaches 0 — the block
 *    covariances are too noisy for tr(C_a C_b) (few samples per block against N);
 *  - time blocks not independent: the estimator assumes independent blocks; consecutive time slices share about
 *    tau_c of correlated activity at each boundary, so the adjacent pairs (2 of every B pairs) carry a relative bias
 *    of order tau_c / d for blocks of duration d. Flagged when (2 / B)(tau_c / d) > 0.1, a bias above 10 %, and
 *    when tau_c is unknown (no lags measured), since independence then cannot be checked.
 *
 * @param c the estimate and the run's facts
 * @returns "ok" or "unreliable: <reason; how to fix it>"
 */
export function estimateStatus(c: EstimateContext): EstimateStatus {
  const unreliable = (why: string): EstimateStatus => `unreliable: ${why}`;
  const more = "too few samples per block against N; lengthen the duration or add trials";
  if (c.quiescent) return unreliable("the network is quiescent (no fluctuations, so no dimension)");
  if (c.noDimension) return unreliable(c.noDimension);
  if (c.nonStationary)
    return unreliable(
      `the blocks' variances differ by ${c.blockVarianceRatio.toFixed(1)}x: not stationary (lengthen the burn-in)`,
    );
  if (c.blocks < 3) return unreliable(`${c.blocks} blocks give no error bar (the jackknife needs 3 or more blocks)`);
  const pr = c.pr ?? NaN,
    se = c.prError ?? NaN;
  if (!(pr > 0)) return unreliable(`the cross-block estimate is not positive (${more})`);
  if (!(se >= 0)) return unreliable("no standard error could be formed");
  if (pr <= 2 * se)
    return unreliable(`the standard error is ${((100 * se) / pr).toFixed(0)} % of the estimate (${more})`);
  if (c.blockDuration !== null && c.correlationTime === null)
    return unreliable(
      "time blocks whose independence cannot be checked without lags (measure lags, e.g. --lags 10, or run at " +
        "least as many trials as blocks)",
    );
  if (c.blockDuration !== null && c.correlationTime !== null) {
    const bias = (2 / c.blocks) * (c.correlationTime / c.blockDuration);
    if (bias > 0.1)
      return unreliable(
        `time blocks of ${c.blockDuration.toFixed(1)} time units are not independent (correlation time ` +
          `${c.correlationTime.toFixed(1)}, bias up to ~${(100 * bias).toFixed(0)} %): lengthen the duration, or run ` +
          "at least as many trials as blocks",
      );
  }
  return "ok";
}
