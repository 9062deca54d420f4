/** What the Lyapunov spectrum says (CHAOS.md §2): the Kaplan–Yorke dimension, the KS entropy, the positive count. */
import type { LyapunovResult } from "./options.ts";

/**
 * The Kaplan–Yorke dimension, KS entropy and positive count of the k leading exponents (descending) of an
 * N-dimensional system (CHAOS.md §2).
 */
export function spectrumSummary(
  exponents: readonly number[],
  n: number,
): Pick<
  LyapunovResult["results"],
  | "kaplanYorkeDimension"
  | "kaplanYorkeFraction"
  | "kaplanYorkeStatus"
  | "ksEntropy"
  | "ksEntropyPerNeuron"
  | "positiveCount"
  | "positiveFraction"
> {
  const k = exponents.length;
  const positive = exponents.filter((v) => v > 0);
  const ksEntropy = positive.reduce((a, v) => a + v, 0);
  let dim: number | null = null;
  let status = "ok";
  if (exponents[0] < 0) dim = 0;
  else {
    let sum = 0,
      j = 0;
    while (j < k && sum + exponents[j] >= 0) sum += exponents[j++];
    if (j === k)
      status =
        k === n
          ? "the exponents' sum stays non-negative over all N (no volume contraction): D_KY = N"
          : `not reached: the sum of the ${k} leading exponents is still non-negative; raise k`;
    if (j === k && k === n) dim = n;
    else if (j < k) dim = j + sum / Math.abs(exponents[j]);
  }
  const partial = positive.length === k && k < n;
  return {
    kaplanYorkeDimension: dim,
    kaplanYorkeFraction: dim === null ? null : dim / n,
    kaplanYorkeStatus: status,
    ksEntropy,
    ksEntropyPerNeuron: ksEntropy / n,
    positiveCount: positive.length,
    positiveFraction: positive.length / n,
    ...(partial ? { kaplanYorkeStatus: `all ${k} exponents are positive: raise k (h_KS is a lower bound)` } : {}),
  };
}
