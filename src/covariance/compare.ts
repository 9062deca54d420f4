/**
 * One network's covariance, predicted and simulated (issue 27 part 3, LINEAR.md §3): the linear-equivalence prediction
 * (src/theory/linear-equivalence.ts) of C^phi(0) for the network's own J, against simulate() of the same J, with
 *  - the noise ceiling: the same numbers between the two halves of the simulation (half the trials each, independent
 *    initial states and noise). Since C_sim = (C_1 + C_2) / 2 and C_sim - C_true = (e_1 + e_2) / 2, the half
 *    difference (C_1 - C_2) / 2 = (e_1 - e_2) / 2 has the same expected norm as the simulation's own error: the
 *    relative Frobenius error an exact prediction would show is noiseFloor = ||C_1 - C_2||_F / (2 ||C_sim||_F).
 *  - the static-linear control (I - a J)^{-1} (I - a J)^{-T}, scaled to the DMFT's variance: what the prediction's
 *    frequency dependence must beat.
 * The verdict states the prediction's error in units of the noise floor and against the control's, as measured.
 */
import type { Backend, PhiName } from "../backend/types.ts";
import { createBackend } from "../backend/select.ts";
import type { Network } from "../network/ensembles.ts";
import { SIMULATE_OPTION_KEYS, simulate, type SimulateOptions, type SimulationResult } from "../simulate/simulate.ts";
import { checkKeys, checkOneOf } from "../errors.ts";
import {
  type NetworkCovariance,
  checkedCovariance,
  directionTimescales,
  equivalentNetwork,
  staticLinearCovariance,
} from "../theory/linear-equivalence.ts";
import { axisTimescales, principalAxes } from "../simulate/pc-dynamics.ts";
import { centredPhi } from "../simulate/four-point.ts";
import { agreement, spectrumBrief, type Agreement, type SpectrumBrief } from "./agreement.ts";

/** Options of compareCovariance: the simulation's (trials at least 2: they are split in halves) and the backend. */
export type CompareCovarianceOptions = Omit<
  SimulateOptions,
  "keepCovariance" | "pcSpectrum" | "backend" | "input" | "keepTrajectory"
> & {
  backend?: Backend;
};

/** The comparison's result. */
export interface CovarianceComparison {
  params: {
    n: number;
    phi: PhiName;
    sigma: number;
    trials: number;
    seeds: [number, number];
    duration: number;
  };
  prediction: {
    gEff: number;
    a: number;
    margin: number;
    condition: number;
    perturbation: NetworkCovariance["results"]["perturbation"];
    kind: "dense" | "lowrank";
    seconds: number;
    spectrum: SpectrumBrief;
    covariance: Float64Array;
  };
  simulation: {
    seconds: number;
    spectrum: SpectrumBrief;
    covariance: Float64Array;
    /** the two halves' PR^phi estimates (the simulation's own estimator) */
    halves: [number | null, number | null];
  };
  control: { spectrum: SpectrumBrief; covariance: Float64Array };
  /** the simulation's leading PCs (of its C^phi(0)): each one's 1/e autocorrelation time in the simulation (trial 0 of
   *  the first half) and in the prediction (v^T C^phi(tau) v), null beyond the window */
  pcTimescales: { k: number; simulated: (number | null)[]; predicted: (number | null)[]; window: number };
  /** of the prediction, the control and the second half with the simulation / first half as reference */
  agreement: { prediction: Agreement; control: Agreement; halves: Agreement };
  /** the relative Frobenius error an exact prediction would show (module comment) */
  noiseFloor: number;
  verdict: string;
}

/** simulate()'s options that compareCovariance sets itself (or that its theory does not model: input) */
const OWN_OUTPUTS: readonly string[] = ["keepCovariance", "pcSpectrum", "input", "keepTrajectory"];

/** how many leading PCs get their timescales compared */
export const PC_TIMESCALES_K = 10;

/** a second simulation seed, distinct from the first for every seed (both <= 2^53 - 1) */
const secondSeed = (seed: number) => (seed + 0x9e3779b9) % Number.MAX_SAFE_INTEGER;

/**
 * Predict one network's equal-time covariance C^phi(0) and simulate the same J (module comment).
 *
 * @param network a drawn network or a connectome's own J (no gains or reciprocal structure)
 * @param options simulate()'s options (trials >= 2, split into two halves with seeds seed and another), sigma, phi
 * @returns the prediction, the simulation, the static control, their agreements, the noise floor and a verdict
 * @throws NotPredictedError when the prediction is refused (unstable equivalent, defective J, gains, structure)
 */
export async function compareCovariance(
  network: Network,
  options: CompareCovarianceOptions = {},
): Promise<CovarianceComparison> {
  checkKeys(
    "compareCovariance's options",
    options,
    SIMULATE_OPTION_KEYS.filter((k) => !OWN_OUTPUTS.includes(k)),
  );
  const phi = checkOneOf("phi", options.phi ?? "tanh", ["tanh", "erf"] as const);
  const trials = options.trials ?? 8;
  if (!(Number.isInteger(trials) && trials >= 2))
    throw new RangeError(`invalid argument: \`trials\` must be an integer >= 2 (split in two halves); got ${trials}`);
  const be = options.backend ?? (await createBackend());
  const n = network.coupling.n;
  const sigma = options.sigma ?? 0;
  // the prediction first: it refuses (unstable, defective) before the long simulation
  let t0 = performance.now();
  const eq = equivalentNetwork(network, be, phi, sigma);
  const { form, site } = eq;
  const predicted = checkedCovariance(eq, be, { withX: false });
  const P = predicted.results.cPhi;
  const predictionSeconds = (performance.now() - t0) / 1000;
  const control = staticLinearCovariance(form, site.a, site.cPhi0, be);
  // the two halves
  t0 = performance.now();
  const seed = options.seed ?? 1;
  const seeds: [number, number] = [seed, secondSeed(seed)];
  const half = [Math.ceil(trials / 2), Math.floor(trials / 2)];
  const runs: SimulationResult[] = [];
  for (const [h, s] of seeds.entries()) {
    const progress = options.onProgress;
    runs.push(
      await simulate(network, {
        ...options,
        backend: be,
        trials: half[h],
        seed: s,
        keepCovariance: true,
        // trial 0 of the first half: the leading PCs' autocorrelation times
        keepTrajectory: h === 0,
        ...(progress ? { onProgress: (p) => progress({ ...p, fraction: (h + p.fraction) / 2 }) } : {}),
      }),
    );
  }
  const [C1, C2] = runs.map((r) => r.covariancePhi as Float64Array);
  const S = C1.map((v, i) => (half[0] * v + half[1] * C2[i]) / trials);
  const simulationSeconds = (performance.now() - t0) / 1000;
  let d2 = 0,
    s2 = 0;
  for (let i = 0; i < S.length; i++) {
    d2 += (C1[i] - C2[i]) ** 2;
    s2 += S[i] ** 2;
  }
  const noiseFloor = Math.sqrt(d2 / s2) / 2;
  const agree = {
    prediction: agreement(n, P, S),
    control: agreement(n, control, S),
    halves: agreement(n, C2, C1),
  };
  // the simulation's leading PCs: their autocorrelation times in trial 0 and in the prediction (the same directions)
  const K = Math.min(PC_TIMESCALES_K, n);
  const traj = runs[0].trajectory!;
  const axes = principalAxes(n, S, be);
  const simulatedTimes = axisTimescales(
    be,
    centredPhi(traj.x, traj.samples, n, phi),
    traj.samples,
    n,
    axes,
    K,
    runs[0].params.sampleEvery,
  );
  const predictedTimes = directionTimescales(form, site, be, axes.subarray(0, K * n), K, simulatedTimes.window);
  const e = agree.prediction.relativeFrobenius,
    ec = agree.control.relativeFrobenius;
  const verdict =
    `the prediction's relative Frobenius error is ${e.toPrecision(3)}, ${(e / noiseFloor).toPrecision(3)} times the ` +
    `simulation's own (${noiseFloor.toPrecision(3)}); the static-linear control's is ${ec.toPrecision(3)} ` +
    `(${(ec / e).toPrecision(3)} times the prediction's); off-diagonal correlation ${agree.prediction.correlation.toFixed(3)} ` +
    `(halves ${agree.halves.correlation.toFixed(3)}, control ${agree.control.correlation.toFixed(3)})`;
  return {
    params: { n, phi, sigma, trials, seeds, duration: runs[0].params.duration },
    prediction: {
      gEff: site.gEff,
      a: site.a,
      margin: predicted.results.margin,
      condition: predicted.results.condition,
      perturbation: predicted.results.perturbation,
      kind: form.kind,
      seconds: predictionSeconds,
      spectrum: spectrumBrief(n, P, be),
      covariance: P,
    },
    simulation: {
      seconds: simulationSeconds,
      spectrum: spectrumBrief(n, S, be),
      covariance: S,
      halves: [runs[0].results.prPhi, runs[1].results.prPhi],
    },
    control: { spectrum: spectrumBrief(n, control, be), covariance: control },
    pcTimescales: { k: K, simulated: simulatedTimes.tau, predicted: predictedTimes.tau, window: simulatedTimes.window },
    agreement: agree,
    noiseFloor,
    verdict,
  };
}
