/**
 * A live run for the browser page, the Web Worker and the serverless handler: theory and a simulation of
 * one network, the simulation in independent rounds so that estimates can be shown as they converge.
 *
 * Each round simulates `trialsPerRound` trials (fresh initial conditions, noise-free, seed = seed * 1000 +
 * round) of the same network and estimates PR^phi, PR^x (cross-block over its trials, THEORY §5.1), the
 * single-unit autocorrelation C^phi(tau)/C^phi(0) and the collective Psi^phi(tau, 0)/Psi^phi(0, 0). The
 * running estimate after k rounds is the mean of the k round estimates with standard error sd/sqrt(k) —
 * the spread of independent replicates, nothing assumed. Same parameters and seed give the same numbers on
 * every platform running the same wasm (no Node-only imports here: this module is part of the core).
 */
import type { PhiName } from "../backend/types.ts";
import type { Backend } from "../backend/types.ts";
import { createBackend } from "../backend/select.ts";
import { checkFinite, checkOneOf, checkSize, invalid, checkG } from "../errors.ts";
import { makeNetwork, type NetworkSpec } from "../network/ensembles.ts";
import { simulate } from "../simulate/simulate.ts";
import { meanAndSe, type EstimateStatus } from "../stats/estimators.ts";
import { predict } from "../theory/predict.ts";
import { valueAt } from "../stats/timescales.ts";
import { VERSION } from "../version.ts";

export interface LiveParams {
  n: number;
  /** g_eff */
  g: number;
  /** alpha PR^D of a random-mode network; null: i.i.d. couplings */
  effectiveRank: number | null;
  phi: PhiName;
  seed: number;
  rounds: number;
  trialsPerRound: number;
  /** sampled time units per trial */
  duration: number;
  burnIn: number;
  dt: number;
  /** lags (time units) of C^phi(tau) and Psi^phi(tau, 0) */
  lags: number;
}

export const LIVE_DEFAULTS: LiveParams = {
  n: 300,
  g: 3,
  effectiveRank: null,
  phi: "tanh",
  seed: 1,
  rounds: 8,
  trialsPerRound: 2,
  duration: 100,
  burnIn: 50,
  dt: 0.1,
  lags: 20,
};

/** Upper bounds a caller may impose (the handler does); the page uses the defaults' generous ones. */
export interface LiveLimits {
  maxN: number;
  /** n^2 x trials x (burn-in + duration) / dt over all rounds: the number of coupling multiply-adds */
  maxWork: number;
}

export class WorkTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkTooLargeError";
  }
}

/** Validate and complete parameters (unknown keys refused, every value named in its error). */
export function liveParams(input: unknown, limits: LiveLimits = { maxN: 4000, maxWork: 1e13 }): LiveParams {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw invalid("params", "must be a JSON object", input, TypeError);
  const raw = input as Record<string, unknown>;
  for (const k of Object.keys(raw))
    if (!(k in LIVE_DEFAULTS))
      throw invalid(k, `is not a parameter (known: ${Object.keys(LIVE_DEFAULTS).join(", ")})`, raw[k]);
  const p = { ...LIVE_DEFAULTS, ...raw } as LiveParams;
  checkSize("n", p.n);
  if (p.n < 2) throw invalid("n", "must be an integer >= 2", p.n);
  checkG("g", p.g);
  if (p.effectiveRank !== null) checkFinite("effectiveRank", p.effectiveRank, { positive: true });
  checkOneOf("phi", p.phi, ["tanh", "erf"] as const);
  checkSize("seed", p.seed, Number.MAX_SAFE_INTEGER);
  for (const k of ["rounds", "trialsPerRound"] as const) {
    checkSize(k, p[k]);
    if (p[k] < 1) throw invalid(k, "must be an integer >= 1", p[k]);
  }
  checkFinite("duration", p.duration, { positive: true });
  checkFinite("burnIn", p.burnIn, { min: 0 });
  checkFinite("dt", p.dt, { positive: true, max: 1 });
  checkSize("lags", p.lags);
  if (p.lags < 1 || p.lags >= p.duration)
    throw invalid("lags", `must be an integer in [1, duration = ${p.duration})`, p.lags);
  if (p.n > limits.maxN)
    throw new WorkTooLargeError(`n = ${p.n} is above this server's limit of ${limits.maxN} neurons`);
  const work = p.n * p.n * p.rounds * p.trialsPerRound * ((p.burnIn + p.duration) / p.dt);
  if (work > limits.maxWork)
    throw new WorkTooLargeError(
      `the run needs ${work.toExponential(2)} coupling multiply-adds (n^2 x trials x steps); this ` +
        `server's limit is ${limits.maxWork.toExponential(2)} — lower n, rounds, trialsPerRound or ` +
        `duration`,
    );
  return p;
}

export interface LiveTheory {
  prPhi: number | null;
  prX: number | null;
  cPhi0: number;
  /** integer lags 0..lags */
  tau: number[];
  cPhiNormalized: number[];
  psiPhiNormalized: number[];
}

export interface LiveEstimate {
  rounds: number;
  /** mean over rounds ± its standard error; null where the mean is not positive (no dimension: status says why) */
  prPhi: { mean: number | null; se: number | null };
  prX: { mean: number | null; se: number | null };
  tau: number[];
  cPhiNormalized: { mean: number[]; se: number[] | null };
  psiPhiNormalized: { mean: number[]; se: number[] | null };
  /** the rounds' own estimates, in order (null: a quiescent round, no dimension) */
  perRound: { prPhi: number | null; prX: number | null }[];
  quiescent: boolean;
  /** whether the means mean something (liveStatus): "ok", or "unreliable: <why; how to fix it>" — the page prints
   *  the reason instead of the number */
  status: { prPhi: EstimateStatus; prX: EstimateStatus };
}

export interface LiveResult {
  params: LiveParams;
  provenance: { package: string; version: string; backend: string; dtype: string };
  theory: LiveTheory | null;
  simulation: LiveEstimate;
}

/** The live network's spec: i.i.d., or the random-mode model at the given effective rank. */
function specOf(p: LiveParams): NetworkSpec {
  return p.effectiveRank === null
    ? { coupling: "iid", n: p.n, g: p.g, seed: p.seed }
    : { coupling: "rmm", n: p.n, g: p.g, effectiveRank: p.effectiveRank, seed: p.seed };
}

async function liveTheory(p: LiveParams, be: Backend): Promise<LiveTheory | null> {
  if (p.g <= 1) return null;
  const pr = await predict(specOf(p), { phi: p.phi, backend: be });
  if (pr.method !== "gaussian") throw new Error(`internal: the live page's network predicted by ${pr.method}`);
  const r = pr.theory.results;
  const tau = Array.from({ length: p.lags + 1 }, (_, k) => k);
  return {
    prPhi: pr.observables.prPhi,
    prX: pr.observables.prX,
    cPhi0: r.cPhi0,
    tau,
    // the theory's lag grid (dt = 0.1, coarser near g = 1) read at integer lags
    cPhiNormalized: tau.map((t) => valueAt(r.autocorrelation.tau, r.autocorrelation.cPhi, t) / r.cPhi0),
    psiPhiNormalized: tau.map((t) => valueAt(r.collective.tau, r.collective.psiPhiNormalized, t)),
  };
}

/**
 * The status of a mean over rounds: quiescent, one round (that round's own status, from its blocks), or — with
 * two or more rounds, the se their spread — not positive or within 2 se of 0 (too few samples per round against
 * N: more rounds, longer rounds or more trials per round).
 */
export function liveStatus(mean: number, se: number | null, quiescent: boolean, last: EstimateStatus): EstimateStatus {
  if (quiescent) return "unreliable: the network is quiescent (no fluctuations, so no dimension)";
  if (se === null) return last;
  const fix = "too few samples per round against N; run more rounds, or longer rounds with more trials";
  if (!(mean > 0)) return `unreliable: the mean over rounds is not positive (${fix})`;
  if (mean <= 2 * se)
    return `unreliable: the standard error is ${((100 * se) / mean).toFixed(0)} % of the mean (${fix})`;
  return "ok";
}

/** column-wise mean ± se over the rounds (rows) */
const meanSe = (rows: number[][]) => {
  const cols = rows[0].map((_, j) => meanAndSe(rows.map((r) => r[j])));
  return { mean: cols.map((c) => c.mean), se: rows.length > 1 ? cols.map((c) => c.se!) : null };
};

/**
 * Run theory and the rounds; `onTheory` and `onRound` see each piece as soon as it exists; `signal` cancels
 * between and inside rounds (the promise rejects with an AbortError).
 */
export async function liveRun(
  p: LiveParams,
  hooks: {
    onTheory?: (t: LiveTheory | null) => void;
    onRound?: (e: LiveEstimate) => void;
    signal?: AbortSignal;
    backend?: Backend;
  } = {},
): Promise<LiveResult> {
  const be = hooks.backend ?? (await createBackend("auto"));
  const th = await liveTheory(p, be);
  hooks.onTheory?.(th);
  const net = makeNetwork(specOf(p));
  const rows: {
    prPhi: number | null;
    prX: number | null;
    status: { prPhi: EstimateStatus; prX: EstimateStatus };
    c: number[];
    psi: number[];
  }[] = [];
  let estimate!: LiveEstimate;
  let quiescent: boolean;
  for (let k = 0; k < p.rounds; k++) {
    if (hooks.signal?.aborted) throw new DOMException("run cancelled", "AbortError");
    const r = await simulate(net, {
      phi: p.phi,
      dt: p.dt,
      burnIn: p.burnIn,
      duration: p.duration,
      trials: p.trialsPerRound,
      blocks: Math.max(2, p.trialsPerRound),
      lags: p.lags,
      seed: p.seed * 1000 + k,
      backend: be,
      signal: hooks.signal,
      groups: 1,
    });
    quiescent = r.results.quiescent;
    const R = r.results;
    rows.push({
      prPhi: R.prPhi,
      prX: R.prX,
      status: R.status,
      c: R.autocorrelation.cPhi.map((v) => (R.cPhi0 > 0 ? v / R.cPhi0 : 0)),
      psi: R.collective.psiPhiNormalized.map((v) => (Number.isFinite(v) ? v : 0)),
    });
    const pp = meanSe(rows.map((x) => [x.prPhi ?? 0, x.prX ?? 0]));
    const cc = meanSe(rows.map((x) => x.c)),
      ps = meanSe(rows.map((x) => x.psi));
    estimate = {
      rounds: rows.length,
      prPhi: pp.mean[0] > 0 ? { mean: pp.mean[0], se: pp.se?.[0] ?? null } : { mean: null, se: null },
      prX: pp.mean[1] > 0 ? { mean: pp.mean[1], se: pp.se?.[1] ?? null } : { mean: null, se: null },
      tau: R.autocorrelation.tau,
      cPhiNormalized: cc,
      psiPhiNormalized: ps,
      perRound: rows.map((x) => ({ prPhi: x.prPhi, prX: x.prX })),
      quiescent,
      status: {
        prPhi: liveStatus(pp.mean[0], pp.se?.[0] ?? null, quiescent, rows.at(-1)!.status.prPhi),
        prX: liveStatus(pp.mean[1], pp.se?.[1] ?? null, quiescent, rows.at(-1)!.status.prX),
      },
    };
    hooks.onRound?.(estimate);
  }
  return {
    params: p,
    provenance: { package: "strand", version: VERSION, backend: be.name, dtype: "float32" },
    theory: th,
    simulation: estimate,
  };
}
