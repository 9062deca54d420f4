/**
 * Simulation beside prediction: for each observable both have, the simulated value with its standard error, the
 * predicted one with its own (the sampling single site's batch error; 0 for the Gaussian theory), the relative
 * difference and, where an error exists, the difference in units of both errors combined,
 *   z = (simulation - theory) / sqrt(se_sim^2 + se_theory^2).
 * Observables the prediction does not cover (null) are left out rather than compared with a wrong number.
 */
import type { SimulationResult } from "./simulate/simulate.ts";
import type { Prediction } from "./theory/predict.ts";

/** One observable simulated and predicted. */
export interface ComparisonRow {
  simulation: number | null;
  /** combined standard error of the difference (null when neither side has one) */
  error: number | null;
  theory: number | null;
  /** (simulation - theory) / theory */
  relative: number | null;
  /** (simulation - theory) / error */
  z: number | null;
}

/**
 * Compare a simulation's results with the prediction for the same spec.
 *
 * @param results simulate()'s `results`
 * @param prediction predict()'s result for the simulated network's spec
 * @returns rows keyed by observable: prPhi, prX (when predicted), cX0, cPhi0, tauCPhi, tauPsiPhi (when predicted)
 */
export function comparePrediction(
  results: SimulationResult["results"],
  prediction: Prediction,
): Record<string, ComparisonRow> {
  const o = prediction.observables;
  const row = (
    simulation: number | null,
    simError: number | null,
    theory: number | null,
    theoryError = 0,
  ): ComparisonRow => {
    const error = simError === null && !theoryError ? null : Math.hypot(simError ?? 0, theoryError);
    const d = simulation !== null && theory !== null ? simulation - theory : null;
    return {
      simulation,
      error,
      theory,
      relative: d !== null && theory ? d / theory : null,
      z: d !== null && error ? d / error : null,
    };
  };
  // an estimate that does not mean something (results.status) is not compared
  const ok = (v: number | null, status: string) => (status === "ok" ? v : null);
  return {
    prPhi: row(ok(results.prPhi, results.status.prPhi), results.prPhiError, o.prPhi, o.prPhiError),
    ...(o.prX !== null ? { prX: row(ok(results.prX, results.status.prX), results.prXError, o.prX) } : {}),
    cX0: row(results.cX0, null, o.cX0),
    cPhi0: row(results.cPhi0, null, o.cPhi0),
    tauCPhi: row(results.timescales.cPhi, null, o.tauCPhi),
    ...(prediction.method === "gaussian" ? { tauPsiPhi: row(results.timescales.psiPhi, null, o.tauPsiPhi) } : {}),
  };
}
