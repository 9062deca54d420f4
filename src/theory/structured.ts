/**
 * Theory for couplings with reciprocal structure, on top of the sampling single site (selfcoupled.ts):
 *
 * Partially symmetric i.i.d. couplings (THEORY §2.7, §4.3; PRX (H16), (H19), PRL (18)), sigma = rho g^2:
 *   single site: Q = g^2 C^phi, R = sigma S^phi
 *   Psi^phi(w1, w2) = C_12 (1 - |sigma S_1^* S_2|^2) / ( |1 - g^2 S_1 S_2|^2 |1 - sigma S_1^* S_2|^2 )
 *
 * Random-mode model with diagonal mode overlaps (THEORY §2.6, §3.2, §4.7; PRX (48), (49), (51)):
 *   single site: Q = alpha <D^2 / |1 - D rho S|^2> C^phi,  R = alpha <D rho / (1 - D rho S)>
 *   Sigma_k = S_k / (1 - D rho S_k),  U = alpha <D^2 Sigma_1 Sigma_2>,  V = alpha <D^4 |Sigma_1 Sigma_2|^2>,
 *   W = alpha <D^2 rho^2 Sigma_1^* Sigma_2>,  X_12 = alpha <D^3 rho Sigma_1 |Sigma_2|^2>
 *   Psi^phi = [ V - 1 + 2 Re{ (1 + X_12)(1 + X_21^*) / (1 - W^*) } ] / |1 - U|^2  C_12
 *   (rho = 0: Sigma = S, W = X = 0, and this is PRX (38); the tests check that reduction.)
 *
 * PR^phi = C^phi(0)^2 / Psi^phi(0, 0), Psi(0,0) = sum over the frequency grid with measure (1/(M dt))^2
 * (§4.2), restricted to the largest C^phi(w) bins that hold all but 1e-4 of sum C^phi (the rest, the
 * sampler's noise floor and the 1/w^2 tail, changes Psi(0,0) by at most 2e-4 relative: Psi <= C_1 C_2 O(1)). The
 * averages over modes are rank-M products over the frequency grid, done as real
 * matrix products on the backend (src/backend matmat); modes are thinned to at most 128 evenly spaced ones
 * of the ordered (D_a, rho_a) list (a quadrature of a smooth profile; the paper used every other mode).
 * Errors: delete-one-batch jackknife over 5 batches of the averaged iterations (PR^phi of the mean with one
 * batch left out; se^2 = (4/5) sum (PR_(-b) - mean)^2).
 */
import { checkFinite, invalid, checkG } from "../errors.ts";
import type { Backend, PhiName } from "../backend/types.ts";
import { PHI_KINDS } from "../backend/types.ts";
import { gaussianPhiStats, solveDmft } from "./dmft.ts";
import {
  GRID_PER_DECAY,
  GridTooShortError,
  batchSizes,
  sampleSingleSite,
  type SamplerOptions,
  type SamplerResult,
  type SelfCouplingModel,
} from "./selfcoupled.ts";
import { lagsOfSpectrum } from "./fft.ts";
import { rmmModes, type NetworkSpec } from "../network/ensembles.ts";
import { decayTime, pcTimescales, type PcTimescales } from "../stats/timescales.ts";
import { jackknifeSe } from "../stats/estimators.ts";
import { MAX_MODES, thinModes, psiOf, collectiveOf, diagonalOf } from "./structured-psi.ts";

/** Reciprocal structure: partial symmetry rho, or mode overlaps of a random-mode model. */
export type Structure =
  | { kind: "symmetry"; g: number; rho: number }
  | { kind: "overlaps"; alpha: number; D: Float64Array; rho: Float64Array };

/** Options of structuredTheory(): the sampler's, plus phi. */
export interface StructuredTheoryOptions extends SamplerOptions {
  phi?: PhiName;
  /** lags (dt apart) reported for C(tau) and Psi^phi(tau, 0) (default: tau <= 40) */
  collectiveLags?: number;
}

/** What structuredTheory() returns. */
export interface StructuredTheoryResult {
  params: { structure: Record<string, unknown>; gEff: number; phi: PhiName; sampler: SamplerResult["params"] };
  results: {
    quiescent: false;
    prPhi: number;
    /** standard error of prPhi from the sampler's batch means */
    prPhiSe: number;
    /** PR^x is not given by (H19)/(51): null */
    prX: null;
    cPhi0: number;
    cX0: number;
    meanPhiPrime: number;
    psiPhi00: number;
    /** overlaps: the strongest mode's self-loop gain max_a D_a rho_a S^phi(0) (1 = the mode condenses, refused);
     *  the finite-N correction of simulations grows with it (N = 2000, g_eff 6: -1, +3, +9, +15, +28 % at
     *  0, 0.23, 0.35, 0.42, 0.55; docs/VALIDATION.md). Partial symmetry: null */
    maxModeGain: number | null;
    autocorrelation: { tau: number[]; cPhi: number[]; cX: number[] };
    collective: { tau: number[]; psiPhi: number[]; psiPhiNormalized: number[] };
    /** the slow diagonal Psi^phi(tau, tau), on the same lags */
    diagonal: { tau: number[]; psiPhi: number[]; psiPhiNormalized: number[] };
    timescales: PcTimescales;
    sampler: {
      seconds: number;
      residuals: SamplerResult["residuals"];
      kernelTau: number;
      batchPrPhi: number[];
      drift: number;
      converged: boolean;
    };
  };
}

/** The reciprocal structure of a network spec (partial symmetry, or the RMM's mode list with overlaps), or
 *  null when it has none (then src/theory/index.ts's Gaussian theory applies). */
export function structureOf(spec: NetworkSpec): Structure | null {
  if (spec.coupling === "iid") return spec.symmetry ? { kind: "symmetry", g: spec.g, rho: spec.symmetry } : null;
  if (!spec.overlap) return null;
  const m = rmmModes(spec);
  return m.rho ? { kind: "overlaps", alpha: m.D.length / m.n, D: m.D, rho: m.rho } : null;
}

function checkStructure(st: Structure): Structure {
  if (st.kind === "symmetry") {
    const g = checkG("g", st.g, { positive: true });
    const rho = checkFinite("symmetry", st.rho, {});
    if (Math.abs(rho) > 1) throw invalid("symmetry", "must lie in [-1, 1] (the correlation of J_ij and J_ji)", rho);
    return { kind: "symmetry", g, rho };
  }
  checkFinite("alpha", st.alpha, { positive: true });
  if (
    !(st.D instanceof Float64Array) ||
    !(st.rho instanceof Float64Array) ||
    st.D.length !== st.rho.length ||
    st.D.length === 0
  ) {
    throw invalid("D, rho", "must be non-empty Float64Arrays of equal length (one strength and one overlap per mode)", [
      st.D?.length,
      st.rho?.length,
    ]);
  }
  for (const v of st.D) if (!Number.isFinite(v)) throw invalid("D", "must hold finite strengths", v);
  for (const v of st.rho) if (!(Math.abs(v) <= 1)) throw invalid("rho", "must hold overlaps in [-1, 1]", v);
  return st;
}

/** The single-site model of each structure (selfcoupled.ts). */
export function structureModel(st: Structure): SelfCouplingModel {
  if (st.kind === "symmetry") {
    const sigma = st.rho * st.g * st.g,
      g2 = st.g * st.g;
    return {
      gEff: st.g,
      rInst: 0,
      jumpFactor: sigma,
      apply(sRe, sIm, cPhiW, q, rRe, rIm) {
        for (let k = 0; k < sRe.length; k++) {
          q[k] = g2 * cPhiW[k];
          rRe[k] = sigma * sRe[k];
          rIm[k] = sigma * sIm[k];
        }
      },
      breakdown: () => null,
    };
  }
  const { D, rho } = thinModes(st.D, st.rho);
  const m = D.length,
    a = st.alpha / m;
  let dr = 0,
    dr2 = 0,
    d2 = 0;
  for (let i = 0; i < m; i++) {
    dr += D[i] * rho[i];
    dr2 += (D[i] * rho[i]) ** 2;
    d2 += D[i] * D[i];
  }
  const rInst = a * dr;
  return {
    gEff: Math.sqrt(a * d2),
    rInst,
    jumpFactor: a * dr2,
    apply(sRe, sIm, cPhiW, q, rRe, rIm) {
      for (let k = 0; k < sRe.length; k++) {
        let qf = 0,
          rr = 0,
          ri = 0;
        for (let i = 0; i < m; i++) {
          const p = D[i] * rho[i];
          const dre = 1 - p * sRe[k],
            dim = -p * sIm[k],
            den = dre * dre + dim * dim;
          qf += (D[i] * D[i]) / den;
          rr += (p * dre) / den; // p / (dre + i dim) = p (dre - i dim) / den
          ri -= (p * dim) / den;
        }
        q[k] = a * qf * cPhiW[k];
        rRe[k] = a * rr - rInst;
        rIm[k] = a * ri;
      }
    },
    breakdown(sRe) {
      // a mode with D rho S(0) >= 1 has no stable linear response: it condenses (PRX Sec. VII)
      for (let i = 0; i < m; i++) {
        const p = D[i] * rho[i] * sRe[0];
        if (p >= 1)
          return (
            `mode ${i + 1} of ${m} (D ${D[i].toPrecision(3)}, rho ${rho[i].toPrecision(3)}) condenses: ` +
            `D rho S^phi(0) = ${p.toFixed(3)} >= 1, no stationary single site without an O(1) overlap ` +
            `of activity and mode`
          );
      }
      return null;
    },
  };
}

/** max_a D_a rho_a S^phi(0) over the (whole) mode list; S^phi(0) is real (the response's integral) */
function maxModeGainOf(st: Structure, s0: number): number | null {
  if (st.kind === "symmetry") return null;
  let u = -Infinity;
  for (let q = 0; q < st.D.length; q++) u = Math.max(u, st.D[q] * st.rho[q] * s0);
  return u;
}

/** The most sampled path-iterations structuredTheory runs (paths x iterations; the defaults are 64 x 40 = 2560). */
export const MAX_PATH_ITERATIONS = 200_000;

/**
 * PR^phi (and C, Psi(tau, 0)) for partially symmetric couplings or diagonal mode overlaps, by the sampling
 * single-site DMFT on backend `be` (the wasm kernels where available). Throws ConvergenceError when the
 * single site has no stationary state (a condensed mode, a glassy phase) instead of returning a number.
 */
export async function structuredTheory(
  be: Backend,
  structure: Structure,
  opts: StructuredTheoryOptions = {},
): Promise<StructuredTheoryResult> {
  const st = checkStructure(structure);
  const phi = opts.phi ?? "tanh";
  if (phi !== "tanh" && phi !== "erf") throw invalid("phi", "must be tanh or erf", phi);
  const model = structureModel(st);
  if (!(model.gEff > 1))
    throw invalid(
      "g",
      "must exceed 1 (g_eff <= 1 is quiescent; with reciprocal structure the theory here is for the chaotic state)",
      model.gEff,
    );
  for (const [name, v, min] of [
    ["paths", opts.paths, 2],
    ["iterations", opts.iterations, 5],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= 1e6))
      throw invalid(name, `must be an integer from ${min} to 1000000`, v);
  }
  // the work grows as paths x iterations (~0.1-1 s per 100 path-iterations on 2 cores at the default grid): bounded
  // before any is done, so a mistyped count is refused instead of running for days
  const work = (opts.paths ?? 64) * (opts.iterations ?? 40);
  if (work > MAX_PATH_ITERATIONS)
    throw invalid(
      "paths",
      `times iterations is ${work}, above ${MAX_PATH_ITERATIONS} (hours of sampling; the error falls only like ` +
        "1/sqrt(paths x iterations)); lower paths or iterations",
      opts.paths,
    );
  const dt = opts.dt ?? 0.1;
  // the grid grows with the single site's correlation time (slow dynamics at strong symmetry), from 4096
  // points (410 time units) up to 32768; on the longer grids the integration step is the lag step 0.1
  let M = opts.points ?? 4096,
    r: SamplerResult;
  for (;;) {
    const sol = solveDmft(model.gEff, phi, { dt, points: M });
    try {
      r = await sampleSingleSite(
        be,
        PHI_KINDS[phi],
        model,
        { cPhi: sol.cPhi, meanPhiPrime: sol.meanPhiPrime, kappa: sol.kappa },
        (cX) => gaussianPhiStats(phi, cX),
        { h: M > 4096 ? dt : 0.05, ...opts, dt, points: M },
      );
      break;
    } catch (e) {
      if (!(e instanceof GridTooShortError) || opts.points !== undefined || M >= 32768) throw e;
      while (M < 32768 && M * dt < GRID_PER_DECAY * e.decay * 1.5) M *= 2;
    }
  }
  const p = psiOf(be, st, r.mean, M, dt);
  const prPhi = (p.c0 * p.c0) / p.psi00;
  // error: delete-one-batch jackknife (PR is a nonlinear function of the averaged C, S: PR of each batch
  // alone is noisier and biased when batches are short; the jackknife states average 4/5 of the iterations)
  const A = r.params.average,
    sizes = batchSizes(A);
  const jack = r.batches.map((b, i) => {
    const w = A / (A - sizes[i]),
      v = sizes[i] / (A - sizes[i]);
    const loo = {
      cPhiW: r.mean.cPhiW.map((m, k) => w * m - v * b.cPhiW[k]),
      sRe: r.mean.sRe.map((m, k) => w * m - v * b.sRe[k]),
      sIm: r.mean.sIm.map((m, k) => w * m - v * b.sIm[k]),
      cXW: r.mean.cXW,
      meanPhiPrime: r.mean.meanPhiPrime,
    };
    const q = psiOf(be, st, loo, M, dt);
    return (q.c0 * q.c0) / q.psi00;
  });
  const B = jack.length;
  const prPhiSe = jackknifeSe(jack);
  // batch values (pseudo-values B PR - (B - 1) PR_(-b)) for the record; drift: first vs last, in units of their scatter
  const batchPrPhi = jack.map((v) => B * prPhi - (B - 1) * v);
  const drift = B > 1 ? (batchPrPhi[B - 1] - batchPrPhi[0]) / (prPhiSe * Math.sqrt(B) * Math.SQRT2) : 0;
  // lags reported: tau <= 40, or five 1/e times of C^phi when longer (slow dynamics at strong symmetry)
  const cLagAll = lagsOfSpectrum(r.mean.cPhiW, new Float64Array(M), dt);
  const te =
    decayTime(cLagAll.map((_, j) => j * dt).subarray(0, M / 2 + 1), cLagAll.subarray(0, M / 2 + 1)) ?? (M / 2) * dt;
  const lags = opts.collectiveLags ?? Math.min(M / 2, Math.max(Math.round(40 / dt), Math.ceil((5 * te) / dt)));
  const coll = collectiveOf(p, M, dt, lags),
    diag = diagonalOf(p, M, dt, lags);
  const tau = Array.from({ length: lags + 1 }, (_, j) => j * dt);
  const cPhi = Array.from(cLagAll.subarray(0, lags + 1)),
    cX = Array.from(lagsOfSpectrum(r.mean.cXW, new Float64Array(M), dt).subarray(0, lags + 1));
  const structureOut =
    st.kind === "symmetry"
      ? { kind: "symmetry", g: st.g, rho: st.rho, sigma: st.rho * st.g * st.g }
      : { kind: "overlaps", alpha: st.alpha, modes: st.D.length, modesUsed: Math.min(MAX_MODES, st.D.length) };
  return {
    params: { structure: structureOut, gEff: model.gEff, phi, sampler: r.params },
    results: {
      quiescent: false,
      prPhi,
      prPhiSe,
      prX: null,
      cPhi0: p.c0,
      cX0: cX[0],
      meanPhiPrime: r.mean.meanPhiPrime,
      psiPhi00: p.psi00,
      maxModeGain: maxModeGainOf(st, r.mean.sRe[0]),
      autocorrelation: { tau, cPhi, cX },
      collective: { tau, psiPhi: Array.from(coll), psiPhiNormalized: Array.from(coll, (v) => v / coll[0]) },
      diagonal: { tau, psiPhi: Array.from(diag), psiPhiNormalized: Array.from(diag, (v) => v / diag[0]) },
      timescales: pcTimescales(tau, cPhi, tau, Array.from(coll)),
      sampler: {
        seconds: r.seconds,
        residuals: r.residuals,
        kernelTau: r.params.kernelTau,
        batchPrPhi,
        drift,
        converged: Math.abs(drift) < 3,
      },
    },
  };
}
