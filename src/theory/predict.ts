/**
 * predict(spec): the one path from a network spec to the mean-field prediction of what simulate() measures for a
 * network drawn from that spec. It decides which theory applies, so that the CLI, the sweeps, the figures, the
 * demo, the page and the handler never do:
 *
 *  - Gaussian single site (THEORY §3.1-§4.6; theory()): i.i.d. couplings, the random-mode model without overlaps
 *    (through g_eff and its effective rank alpha PR^D, read deterministically from the spec's spectrum by
 *    rmmModes: no network is drawn) and single-neuron gains (through PR^G);
 *  - sampling single site (THEORY §3.5, §4.3, §4.7; structuredTheory()): partial symmetry, and the random-mode
 *    model with diagonal mode overlaps — a connectome's stand-in with its measured overlaps among them.
 *
 * The observables match simulate()'s results: with gains G_i, simulate() measures PR of phi(x) itself, and
 * because every x_i sees the same field statistics (the gains act on the outputs), phi_i are identically
 * distributed, so that PR is the z-scored PR^phi_norm of PRX (46b) (THEORY §4.6), not the no-gain value; the
 * theory of PR^x with gains is not derived here, so prX is null there, as it is for the sampling single site.
 * What has no theory here (gains together with reciprocal structure; a connectome's own dense J) throws a
 * NotPredictedError that says so and what would have one.
 */
import { createBackend } from "../backend/select.ts";
import type { Backend, PhiName } from "../backend/types.ts";
import { checkSpecKeys, rmmModes, type EnsembleSummary, type NetworkSpec } from "../network/ensembles.ts";
import { checkKeys, invalid } from "../errors.ts";
import { participationRatio } from "../network/spectra.ts";
import { theory, type TheoryResult } from "./index.ts";
import type { ChunkExecutor } from "./selfcoupled-chunk.ts";
import { structureOf, structuredTheory, type Structure, type StructuredTheoryResult } from "./structured.ts";

/** The quantities simulate() measures that the theory predicts (null: not predicted for this spec). */
export interface Observables {
  quiescent: boolean;
  /** PR^phi / N as simulate() measures it (z-scored with gains) */
  prPhi: number | null;
  /** the prediction's own standard error (the sampling single site's batch error; 0 for the Gaussian theory) */
  prPhiError: number;
  prX: number | null;
  cX0: number | null;
  cPhi0: number | null;
  /** 1/e times of C^phi(tau) and Psi^phi(tau, 0) */
  tauCPhi: number | null;
  tauPsiPhi: number | null;
}

/** Options of predict(). */
export interface PredictOptions {
  /** the nonlinearity (default "tanh") */
  phi?: PhiName;
  /** kernels for the dimension sums and the sampler (default: a new "auto" backend where needed) */
  backend?: Backend;
  /** a drawn network's realised structure: its effective rank replaces the spec's target */
  summary?: EnsembleSummary;
  /** the sampling single site's settings (reciprocal structure only); seed defaults to the spec's */
  sampler?: { paths?: number; iterations?: number; seed?: number; executor?: ChunkExecutor };
}

/** A Gaussian single-site prediction: the inputs it used and theory()'s full result. */
export interface GaussianPrediction {
  method: "gaussian";
  phi: PhiName;
  inputs: { g: number; effectiveRank: number; prG: number | undefined };
  theory: TheoryResult;
  observables: Observables;
}

/** A sampling single-site prediction (reciprocal structure): the structure and structuredTheory()'s result. */
export interface SamplingPrediction {
  method: "sampling";
  phi: PhiName;
  structure: Structure;
  theory: StructuredTheoryResult;
  observables: Observables;
}

/** What predict() returns. */
export type Prediction = GaussianPrediction | SamplingPrediction;

/** A spec that no theory here covers; the message says why and what would. */
export class NotPredictedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotPredictedError";
  }
}

/**
 * What the Gaussian theory needs from a spec besides g_eff: alpha PR^D (the drawn network's realised value when
 * a summary is given, else the spec's target, else the spectrum's, computed without drawing; Infinity for i.i.d.
 * couplings) and PR^G of { prG } gains.
 *
 * @param spec a network spec
 * @param summary the realised summary of a network drawn from it, if any
 * @returns { effectiveRank, prG }
 */
export function theoryInputs(
  spec: NetworkSpec,
  summary?: EnsembleSummary,
): { effectiveRank: number; prG: number | undefined } {
  let effectiveRank = Infinity;
  if (spec.coupling === "rmm") {
    effectiveRank = summary?.effectiveRank ?? spec.effectiveRank ?? NaN;
    if (!Number.isFinite(effectiveRank)) {
      const m = rmmModes({ ...spec, gains: undefined });
      effectiveRank = m.alpha * participationRatio(m.strengths);
    }
  }
  const prG = spec.gains && !(spec.gains instanceof Float64Array) ? spec.gains.prG : undefined;
  return { effectiveRank, prG };
}

/**
 * Which theory predict() runs for a spec: "sampling" (reciprocal structure: slow, Monte-Carlo, seeded) or
 * "gaussian" (deterministic).
 *
 * @param spec a network spec
 * @returns "gaussian" | "sampling"
 */
export function predictionMethod(spec: NetworkSpec): Prediction["method"] {
  return structureOf(spec) ? "sampling" : "gaussian";
}

/**
 * The mean-field prediction for networks drawn from `spec`, matched to what simulate() measures.
 *
 * @param spec a network spec (makeNetwork's input, or a connectome stand-in's `network.spec`)
 * @param options phi, backend, the drawn network's summary, the sampler's settings
 * @returns the method used, its full result, and the observables simulate() measures
 * @throws NotPredictedError for specs no theory here covers
 * @example
 * const p = await predict({ coupling: "rmm", n: 2000, g: 6, effectiveRank: 0.5, seed: 1 }, { phi: "erf" });
 * p.method, p.observables.prPhi;
 */
export async function predict(spec: NetworkSpec, options: PredictOptions = {}): Promise<Prediction> {
  if (!spec || typeof spec !== "object") throw invalid("spec", "must be a network spec object", spec, TypeError);
  checkSpecKeys(spec);
  checkKeys("predict's options", options, ["phi", "backend", "summary", "sampler"]);
  const phi = options.phi ?? "tanh";
  if (!Number.isFinite(spec.g)) {
    throw new NotPredictedError(
      "a connectome's own coupling matrix has no mean-field theory here; its random-mode stand-in has one " +
        "(--stand-in random, or --stand-in overlaps with its measured mode overlaps)",
    );
  }
  const structure = structureOf(spec);
  if (structure) {
    if (spec.gains) {
      throw new NotPredictedError(
        "gains together with partial symmetry or mode overlaps have no theory here (the sampling single site has no gains)",
      );
    }
    const be = options.backend ?? (await createBackend());
    const s = options.sampler ?? {};
    const th = await structuredTheory(be, structure, {
      phi,
      seed: s.seed ?? spec.seed,
      paths: s.paths,
      iterations: s.iterations,
      executor: s.executor,
    });
    const R = th.results;
    return {
      method: "sampling",
      phi,
      structure,
      theory: th,
      observables: {
        quiescent: false,
        prPhi: R.prPhi,
        prPhiError: R.prPhiSe,
        prX: null,
        cX0: R.cX0,
        cPhi0: R.cPhi0,
        tauCPhi: R.timescales.cPhi,
        tauPsiPhi: R.timescales.psiPhi,
      },
    };
  }
  const inputs = { g: spec.g, ...theoryInputs(spec, options.summary) };
  const th = theory(spec.g, { phi, effectiveRank: inputs.effectiveRank, prG: inputs.prG, backend: options.backend });
  const R = th.results;
  const quiescent = !!R.quiescent;
  return {
    method: "gaussian",
    phi,
    inputs,
    theory: th,
    observables: {
      quiescent,
      prPhi: quiescent ? null : R.gains ? R.gains.prPhiNormalized : R.prPhi,
      prPhiError: 0,
      prX: quiescent || R.gains ? null : R.prX,
      cX0: R.cX0,
      cPhi0: R.cPhi0,
      tauCPhi: quiescent ? null : R.timescales.cPhi,
      tauPsiPhi: quiescent ? null : R.timescales.psiPhi,
    },
  };
}
