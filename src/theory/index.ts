/**
 * theory(g, options): the paper's predictions for one parameter set — DMFT two-point functions
 * (src/theory/dmft.ts) and the dimension and collective correlations (src/theory/dimension.ts) for i.i.d.
 * couplings, the random-mode model (through alpha PR^D; THEORY §4.4) and single-neuron gains (§4.6).
 * Only g_eff, alpha PR^D and PR^G enter (N is not needed). Partial symmetry and structured overlaps need
 * the sampling single-site solver (src/theory/structured.ts); predict() (src/theory/predict.ts) chooses.
 */
import type { Backend, PhiName } from "../backend/types.ts";
import { checkFinite, invalid } from "../errors.ts";
import { solveDmft, type DmftOptions, type DmftSolution } from "./dmft.ts";
import { dimensionTheory, gainDimensions, harmonicPr } from "./dimension.ts";
import { pcTimescales, type PcTimescales } from "../stats/timescales.ts";

/** Options of theory(): phi, effectiveRank, prG, the lag grid, a backend for the dimension sums. */
export interface TheoryOptions extends DmftOptions {
  phi?: PhiName;
  /** alpha PR^D (default Infinity: i.i.d. couplings) */
  effectiveRank?: number;
  /** PR^G of the gains (default 1: none) */
  prG?: number;
  /** lags (in dt steps of the lag grid) reported for Psi^phi(tau, 0) */
  collectiveLags?: number;
  /** backend for the frequency double sums (default: the js backend; the wasm one is ~3x faster on them) */
  backend?: Backend;
}

/** What theory() returns: the parameters and every prediction. */
export interface TheoryResult {
  params: {
    g: number;
    phi: PhiName;
    effectiveRank: number | null;
    prG: number | null;
    dt: number;
    points: number;
    quadrature: string;
  };
  results: {
    quiescent: boolean;
    prPhi: number | null;
    prX: number | null;
    prPhiIid: number | null;
    prXIid: number | null;
    kPhi: number | null;
    kX: number | null;
    cPhi0: number;
    cX0: number;
    meanPhiPrime: number;
    nu: number;
    /** Psi^phi(0, 0) at this effective rank (with diagonal) */
    psiPhi00: number;
    autocorrelation: { tau: number[]; cPhi: number[]; cX: number[] };
    collective: { tau: number[]; psiPhi: number[]; psiPhiNormalized: number[] };
    /** Psi^phi(tau, tau), the slow diagonal of the four-point function */
    diagonal: { tau: number[]; psiPhi: number[]; psiPhiNormalized: number[] };
    gains?: { prPhiUnnormalized: number; prPhiNormalized: number; prPhiReadout: number };
    /** 1/e times of C^phi(tau) and Psi^phi(tau, 0) (PC-timescale summaries, src/stats/timescales.ts) */
    timescales: PcTimescales;
  };
  dmft: DmftSolution;
}

/** The DMFT solutions of the last 64 (g, phi, dt, points): theory() at another effective rank or PR^G for
 *  the same g reuses the solution and its frequency sums (src/theory/dimension.ts caches those per solution).
 *  The cached arrays are shared with the returned `dmft` field: treat them as read-only. */
const dmftCache = new Map<string, DmftSolution>();
function cachedDmft(g: number, phi: PhiName, opts: DmftOptions): DmftSolution {
  const key = JSON.stringify([g, phi, opts.dt ?? null, opts.points ?? null]);
  const hit = dmftCache.get(key);
  if (hit) {
    dmftCache.delete(key);
    dmftCache.set(key, hit); // most recently used last
    return hit;
  }
  const sol = solveDmft(g, phi, opts);
  dmftCache.set(key, sol);
  if (dmftCache.size > 64) dmftCache.delete(dmftCache.keys().next().value!);
  return sol;
}

/**
 * The mean-field (DMFT) predictions for a network of gain g (g_eff for the random-mode model): C^x(0), C^phi(0),
 * <phi'>, the autocorrelations C(tau), the dimensions PR^phi/N and PR^x/N (i.i.d., random-mode model via the
 * effective rank, gains via prG) and Psi^phi(tau, 0), the PC timescales. Below g = 1 the state is quiescent.
 *
 * @param g coupling gain (g_eff), finite and > 0
 * @param opts phi ("tanh" | "erf"), effectiveRank (alpha PR^D; Infinity for i.i.d.), prG (gains), lag grid
 * @returns { params, results } with every prediction; deterministic (no random draws)
 * @example
 * theory(3, { phi: "tanh" }).results.prPhi;                      // 0.04465 (i.i.d.)
 * theory(6, { phi: "erf", effectiveRank: 0.5 }).results.prPhi;   // the random-mode model
 */
export function theory(g: number, opts: TheoryOptions = {}): TheoryResult {
  const phi = opts.phi ?? "tanh";
  const er = opts.effectiveRank ?? Infinity;
  if (!(er > 0)) throw invalid("effectiveRank", "must be a positive number (Infinity for i.i.d. couplings)", er);
  const prG = checkFinite("prG", opts.prG ?? 1, { positive: true, max: 1 });
  const sol = cachedDmft(g, phi, opts);
  // lags reported: tau <= 40, or five correlation times 1/kappa when longer (near g = 1)
  const tauOut = Math.max(40, sol.kappa > 0 ? 5 / sol.kappa : 0);
  const lagsOut = Math.min(sol.tau.length - 1, Math.round(tauOut / sol.params.dt));
  const params = { g, phi, effectiveRank: Number.isFinite(er) ? er : null, prG: opts.prG ?? null, ...sol.params };
  const ac = {
    tau: Array.from(sol.tau.subarray(0, lagsOut + 1)),
    cPhi: Array.from(sol.cPhi.subarray(0, lagsOut + 1)),
    cX: Array.from(sol.cX.subarray(0, lagsOut + 1)),
  };
  if (sol.quiescent) {
    return {
      params,
      dmft: sol,
      results: {
        quiescent: true,
        prPhi: null,
        prX: null,
        prPhiIid: null,
        prXIid: null,
        kPhi: null,
        kX: null,
        cPhi0: 0,
        cX0: 0,
        meanPhiPrime: sol.meanPhiPrime,
        nu: sol.nu,
        psiPhi00: 0,
        autocorrelation: ac,
        collective: { tau: [], psiPhi: [], psiPhiNormalized: [] },
        diagonal: { tau: [], psiPhi: [], psiPhiNormalized: [] },
        timescales: { cPhi: null, psiPhi: null },
      },
    };
  }
  const d = dimensionTheory(sol, er, opts.collectiveLags ?? lagsOut, opts.backend);
  const prPhi = harmonicPr(d.prPhiIid, d.kPhi, er);
  return {
    params,
    dmft: sol,
    results: {
      quiescent: false,
      prPhi,
      prX: harmonicPr(d.prXIid, d.kX, er),
      prPhiIid: d.prPhiIid,
      prXIid: d.prXIid,
      kPhi: d.kPhi,
      kX: d.kX,
      cPhi0: sol.cPhi[0],
      cX0: sol.cX[0],
      meanPhiPrime: sol.meanPhiPrime,
      nu: sol.nu,
      psiPhi00: d.collective.psiPhi[0],
      autocorrelation: ac,
      collective: {
        tau: Array.from(d.collective.tau),
        psiPhi: Array.from(d.collective.psiPhi),
        psiPhiNormalized: Array.from(d.collective.psiPhiNormalized),
      },
      diagonal: {
        tau: Array.from(d.diagonal.tau),
        psiPhi: Array.from(d.diagonal.psiPhi),
        psiPhiNormalized: Array.from(d.diagonal.psiPhiNormalized),
      },
      ...(opts.prG !== undefined ? { gains: gainDimensions(d.prPhiIid, d.kPhi, er, prG) } : {}),
      timescales: pcTimescales(sol.tau, sol.cPhi, d.collective.tau, d.collective.psiPhi),
    },
  };
}

export { solveDmft, type DmftSolution } from "./dmft.ts";
export { dimensionTheory, harmonicPr, gainDimensions } from "./dimension.ts";
export { decayTime, pcTimescales, type PcTimescales } from "../stats/timescales.ts";
