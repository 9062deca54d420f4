/**
 * Principal-component timescale summaries (PRX (27)-(28), THEORY §4.1). With PCs p_k of unit variance,
 * the eigenvalue-weighted PC autocorrelation (1/N) sum_k lambda_k <p_k(t) p_k(t + tau)> is C^a(tau) (the
 * single-neuron timescale), and the eigenvalue^2-weighted one (1/N) sum_k lambda_k^2 <p_k(t) p_k(t + tau)>
 * is Psi^a(tau, 0) (the timescale of the leading, collective PCs). Each is summarised by its 1/e time:
 * the first lag where f(tau) / f(0) falls below 1/e, linearly interpolated between grid points (null when
 * f does not fall that far within the lags given, or f(0) <= 0). Both theory and simulation report them.
 */

/**
 * The 1/e time of f on the lag grid tau (linear interpolation); null if f(0) <= 0 or f stays above f(0)/e.
 *
 * @param tau increasing lags
 * @param f the function at those lags
 * @returns the first tau where f(tau) = f(0)/e, or null
 */
export function decayTime(tau: ArrayLike<number>, f: ArrayLike<number>): number | null {
  if (f.length === 0 || !(f[0] > 0)) return null;
  const level = f[0] / Math.E;
  for (let k = 1; k < f.length; k++) {
    if (f[k] <= level) {
      const t = (f[k - 1] - level) / (f[k - 1] - f[k]);
      return tau[k - 1] + t * (tau[k] - tau[k - 1]);
    }
  }
  return null;
}

/** The two PC-timescale summaries: 1/e times of C^phi(tau) and of Psi^phi(tau, 0). */
export interface PcTimescales {
  /** 1/e time of C^phi(tau): the eigenvalue-weighted PC autocorrelation */
  cPhi: number | null;
  /** 1/e time of Psi^phi(tau, 0): the eigenvalue^2-weighted (leading-PC) autocorrelation */
  psiPhi: number | null;
}

/**
 * The PC timescales from C^phi(tau) and Psi^phi(tau, 0) on their lag grids.
 *
 * @returns { cPhi, psiPhi } 1/e times (null where the function does not decay that far)
 */
export function pcTimescales(
  tauC: ArrayLike<number>,
  cPhi: ArrayLike<number>,
  tauPsi: ArrayLike<number>,
  psiPhi: ArrayLike<number>,
): PcTimescales {
  return { cPhi: decayTime(tauC, cPhi), psiPhi: decayTime(tauPsi, psiPhi) };
}

/** f at lag t by linear interpolation on the lag grid tau (increasing); beyond its end, the last value. */
export function valueAt(tau: ArrayLike<number>, f: ArrayLike<number>, t: number): number {
  let j = 0;
  while (j < tau.length && tau[j] < t) j++;
  if (j === tau.length) return f[f.length - 1];
  if (j === 0) return f[0];
  const u = (t - tau[j - 1]) / (tau[j] - tau[j - 1]);
  return f[j - 1] + u * (f[j] - f[j - 1]);
}
