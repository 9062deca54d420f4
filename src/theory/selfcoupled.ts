/**
 * The sampling single-site DMFT for couplings with reciprocal structure (THEORY §3.2, §3.5; PRX App. M.1):
 * partial symmetry and structured left/right mode overlaps give each neuron an O(1) self-coupling, so x is
 * no longer Gaussian and the closed forms of dmft.ts do not apply. The single site is
 *
 *   (1 + d/dt) x(t) = eta(t) + rInst phi(x(t)) + int_0^inf R(u) phi(x(t - u)) du,    eta ~ GP(0, Q),
 *
 * with Q(w) and R(w) functionals of C^phi*(w) and S^phi*(w) (the model supplies them, structured.ts):
 *   partial symmetry  Q = g^2 C^phi,                              R = sigma S^phi,  sigma = rho g^2 (PRX (H16))
 *   overlaps          Q = alpha <D^2 / |1 - D rho S|^2> C^phi,    R = alpha <D rho / (1 - D rho S)> (PRX (48)-(49))
 *
 * One iteration: draw `paths` Gaussian paths eta ~ GP(0, Q) by circulant embedding (spectral synthesis:
 * eigenvalues of the circulant covariance by FFT, y = FFT(sqrt(lambda / n) z) with complex normal z gives two
 * independent paths in Re y, Im y), integrate them with the causal convolution (the wasm kernel
 * assembly/selfsite.ts, Heun steps of h), then estimate on the lag grid (dt, M points; Welch: Hann-windowed
 * segments of M samples, half overlapping, the segment length = the grid's period)
 *
 *   C^phi(w)   = <|Phi(w)|^2> dt / sum(win^2)
 *   S^phi(w)   = <Phi(w) E(w)^*> / <|E(w)|^2>      (Furutsu–Novikov: C^{phi eta}(w) = S^phi(w) Q(w), with the
 *                                                  sampled spectrum of eta in the denominator — a regression
 *                                                  estimate, whose noise comes only from the part of phi not
 *                                                  linear in eta)
 *
 * and update C, S <- (1 - beta) old + beta estimate (beta = 0.8, as the paper). The answer is the mean of the
 * last `average` iterates; 5 batch means of them give the statistical error (a jackknife, structured.ts).
 *
 * Variance reduction (control variate): the uncoupled site driven by the same eta is integrated too; its
 * estimates are subtracted and its exact Gaussian statistics (C^x = Q / (1 + w^2), C^phi = F(C^x), <phi'>,
 * dmft.ts) added. Both added terms have the same mean, so nothing is biased; what is left is the noise of the
 * self-coupling's effect alone (at rho = 0 the estimate is exact). Lag windows: S^phi(tau) is causal and
 * C^phi(tau) decays, so beyond 8 1/e times of C^phi both are noise and are cut (C with a cosine taper).
 * The grid period must hold 25 such times (GridTooShortError otherwise; structured.ts then doubles it).
 *
 * Kernel in time: S^phi(tau) jumps at tau = 0 from 0 to <phi'> (dx(0+)/dI = 1), which an inverse FFT of a
 * sampled S(w) would blur (Gibbs). So the jump part is split off analytically: R(w) = c/(1 + i w) + rest(w)
 * with c = jumpFactor <phi'>, R(tau) = c e^{-tau} + IFFT(rest)(tau) for tau >= 0 (rest is continuous), linearly
 * interpolated to the integration step h. Beyond the band where the sampled noise spectrum is above 1e-7 of
 * its peak, S(w) is replaced by its high-frequency form <phi'>/(1 + i w) (the estimate there is leakage).
 *
 * Breakdown (PRX Sec. VII: a mode "condenses", or partial symmetry becomes glassy): a path that diverges,
 * C^phi(tau) that has not decayed to 5 % of C^phi(0) by half the grid period, or a model check (1 - D rho S(0)
 * <= 0) stops the solver with a ConvergenceError that says which, instead of returning a number.
 */
import { ConvergenceError } from "../errors.ts";
import type { Backend, PhiKind } from "../backend/types.ts";
import { STREAMS } from "../backend/rng.ts";
import { lagsOfSpectrum } from "./fft.ts";
import { decayTime } from "../stats/timescales.ts";
import {
  type ChunkTask,
  type ChunkExecutor,
  circulantAmplitudes,
  hannWindow,
  runChunk,
  addAcc,
  welchAcc,
} from "./selfcoupled-chunk.ts";
import {
  type SamplerState,
  freqOf,
  gaussianState,
  zeroState,
  addScaled,
  estimate,
  lagWindow,
  relChange,
  relChange2,
} from "./selfcoupled-state.ts";

/** What the reciprocal structure does to the single site, given S^phi(w) on the frequency grid. */
export interface SelfCouplingModel {
  /** the Gaussian (S = 0) noise strength: the starting point is the i.i.d. DMFT at this g */
  gEff: number;
  /** instantaneous self-coupling R(w -> infinity) (alpha <D rho> for overlaps; 0 with <D rho> = 0) */
  rInst: number;
  /** R(w) - rInst ~ jumpFactor S(w) at high frequency (sigma; alpha <(D rho)^2>) */
  jumpFactor: number;
  /** the noise spectrum q = Q(w) (real) and r = R(w) - rInst (complex) at each frequency, from the current
   *  S^phi(w) and C^phi(w) */
  apply(
    sRe: Float64Array,
    sIm: Float64Array,
    cPhiW: Float64Array,
    q: Float64Array,
    rRe: Float64Array,
    rIm: Float64Array,
  ): void;
  /** null, or why the model breaks down at this S (checked every iteration) */
  breakdown(sRe: Float64Array, sIm: Float64Array): string | null;
}

/** Options of the sampling single-site solver: paths, iterations, grid, seed, threads. */
export interface SamplerOptions {
  /** paths per iteration (default 64) */
  paths?: number;
  /** iterations (default 60) */
  iterations?: number;
  /** trailing iterations averaged into the answer (default: half of the iterations) */
  average?: number;
  /** integration step (default 0.05) */
  h?: number;
  /** lag-grid step (default 0.1, a multiple of h) and points (default 4096): the DMFT grid */
  dt?: number;
  points?: number;
  /** Welch segments per path (default 5: 3 periods of the grid observed after the burn-in) */
  segments?: number;
  /** burn-in before observing, time units (default 40) */
  burn?: number;
  /** lag window: C^phi(tau) and the rest of S^phi(tau) beyond this are noise (default 60, or 12 / kappa
   *  of the starting i.i.d. solution when longer; at most half the grid period) */
  tauCut?: number;
  /** weight of the new estimate in the damped update (default 0.8) */
  beta?: number;
  seed?: number;
  /** subtract the uncoupled site driven by the same noise and add its exact (Gaussian) statistics
   *  (default true; variance reduction, unbiased: the added and subtracted terms have the same mean) */
  controlVariate?: boolean;
  /** runs the chunks of one iteration (default: one after another on `be`; src/io/sampler-pool.ts runs them
   *  on worker threads, with identical results) */
  executor?: ChunkExecutor;
}

/** paths per chunk (one 8-lane block of the kernel); fixed, so results do not depend on the thread count */
const CHUNK = 8;

/** The sampling single site's solution: C(tau), PR^phi with its sampler error, diagnostics. */
export interface SamplerResult {
  /** the average of the last `average` iterates, and `batches` sub-averages of them (for the error) */
  mean: SamplerState;
  batches: SamplerState[];
  /** per iteration: relative L2 change of C^phi(w) and of S^phi(w) (estimate vs previous), and the
   *  estimate's 1/e time of C^phi and S^phi(w = 0) (their trends show whether the iteration has settled) */
  residuals: { cPhi: number[]; s: number[]; decay: number[]; s0: number[] };
  params: Required<Omit<SamplerOptions, "seed" | "executor">> & { seed: number; kernelTau: number; steps: number };
  seconds: number;
}

const BATCHES = 5;

/**
 * Solve the self-coupled single site by sampling. `init`: C^phi(tau) on lags 0 .. M/2 (dt apart) and <phi'>
 * of the starting point (the i.i.d. solution at gEff), with S = <phi'>/(1 + i w).
 */
export async function sampleSingleSite(
  be: Backend,
  kind: PhiKind,
  model: SelfCouplingModel,
  init: { cPhi: Float64Array; meanPhiPrime: number; kappa: number },
  gaussian: (cX: Float64Array) => { cPhi: Float64Array; meanPhiPrime: number },
  opts: SamplerOptions = {},
): Promise<SamplerResult> {
  const t0 = performance.now();
  const P = opts.paths ?? 64,
    iterations = opts.iterations ?? 60,
    average = opts.average ?? Math.ceil(iterations / 2);
  const h = opts.h ?? 0.05,
    dt = opts.dt ?? 0.1,
    M = opts.points ?? 4096,
    nseg = opts.segments ?? 5,
    burn = opts.burn ?? 40;
  const beta = opts.beta ?? 0.8,
    seed = opts.seed ?? 1,
    cv = opts.controlVariate ?? true;
  const tauCutMax = 0.45 * M * dt;
  let tauCut = Math.min(opts.tauCut ?? Math.max(40, init.kappa > 0 ? 12 / init.kappa : 0), tauCutMax);
  const sub = Math.round(dt / h);
  const half = M / 2;
  const burnSteps = Math.ceil(burn / dt) * sub;
  const obs = ((nseg + 1) / 2) * M; // observed lag-grid samples per path
  const steps = burnSteps + (obs - 1) * sub;
  let nEta = M * sub; // the circulant must hold Q(tau) for |tau| < M dt / 2
  while (nEta < steps + 1) nEta *= 2;

  const tauGrid = Float64Array.from({ length: half + 1 }, (_, j) => j * dt);
  // current C^phi(w), S(w)
  const cur = gaussianState(init.cPhi, init.meanPhiPrime, M, dt);

  const qW = new Float64Array(M),
    rRe = new Float64Array(M),
    rIm = new Float64Array(M);
  const run = opts.executor ?? ((tasks: ChunkTask[]) => Promise.resolve(tasks.map((t) => runChunk(be, t))));
  let winSq = 0;
  for (const v of hannWindow(M)) winSq += v * v;

  const residuals = { cPhi: [] as number[], s: [] as number[], decay: [] as number[], s0: [] as number[] };
  const mean = zeroState(M);
  const batches = Array.from({ length: BATCHES }, () => zeroState(M));
  let kernelTau = 0;
  for (let it = 0; it < iterations; it++) {
    const why = model.breakdown(cur.sRe, cur.sIm);
    if (why) throw new ConvergenceError(why, { iteration: it });
    model.apply(cur.sRe, cur.sIm, cur.cPhiW, qW, rRe, rIm);

    // noise: circulant-embedding amplitudes of Q
    const amp = circulantAmplitudes(qW, M, sub, dt, nEta);

    // causal kernel: c e^{-tau} + rest(tau); rest from the spectrum with the jump's part removed
    const c1 = model.jumpFactor * cur.meanPhiPrime;
    const restRe = new Float64Array(M),
      restIm = new Float64Array(M);
    for (let k = 0; k < M; k++) {
      const w = freqOf(k, M, dt),
        d = 1 + w * w;
      restRe[k] = rRe[k] - c1 / d;
      restIm[k] = rIm[k] + (c1 * w) / d;
    }
    const rest = lagsOfSpectrum(restRe, restIm, dt);
    const rTau = (tau: number) => {
      const j = tau / dt,
        j0 = Math.floor(j),
        f = j - j0;
      return c1 * Math.exp(-tau) + (1 - f) * rest[j0] + f * rest[j0 + 1];
    };
    // kernel length: until |R| < 1e-6 max |R| for good (at most half the grid period)
    let rMax = 0,
      jEnd = 0;
    const rGrid = Float64Array.from({ length: half }, (_, j) => rTau(j * dt));
    for (const v of rGrid) rMax = Math.max(rMax, Math.abs(v));
    for (let j = half - 1; j >= 0; j--)
      if (Math.abs(rGrid[j]) > 1e-6 * rMax) {
        jEnd = j + 1;
        break;
      }
    const klen = rMax > 0 ? Math.min(jEnd * sub + 1, (half - 1) * sub) : 1;
    kernelTau = (klen - 1) * h;
    const w = new Float64Array(klen);
    for (let k = 0; k < klen; k++) w[k] = h * rTau(k * h);
    w[0] = 0.5 * w[0] + model.rInst;

    // sample, integrate, estimate: chunks of CHUNK paths, each with its own random stream (so the numbers do
    // not depend on how many threads run the chunks)
    const tasks: ChunkTask[] = [];
    for (let c = 0; c * CHUNK < P; c++) {
      tasks.push({
        kind,
        paths: Math.min(CHUNK, P - c * CHUNK),
        steps,
        klen,
        h,
        w,
        amp,
        burnSteps,
        sub,
        obs,
        M,
        nseg,
        cv,
        seed,
        stream: STREAMS.samplerBase + it * 4096 + c,
        iteration: it,
      });
    }
    const pending = run(tasks);

    // the control variate's exact answer: the uncoupled (Gaussian) site under the same noise Q, computed here
    // while the executor's threads integrate the paths (the tanh table is ~0.1-0.5 s per iteration)
    let exactU: SamplerState | null = null;
    if (cv) {
      const cX = Float64Array.from(qW, (q, k) => Math.max(0, q) / (1 + freqOf(k, M, dt) ** 2));
      const gs = gaussian(lagsOfSpectrum(cX, new Float64Array(M), dt).subarray(0, half + 1));
      exactU = gaussianState(gs.cPhi, gs.meanPhiPrime, M, dt);
      exactU.cXW.set(cX);
    }

    const parts = await pending;
    const accC = welchAcc(M),
      accU = cv ? welchAcc(M) : null;
    let dphiSum = 0,
      dphiSumU = 0,
      dphiCount = 0;
    for (const r of parts) {
      addAcc(accC, r.accC);
      if (accU && r.accU) addAcc(accU, r.accU);
      dphiSum += r.dphiSum;
      dphiSumU += r.dphiSumU;
      dphiCount += r.count;
    }
    const norm = dt / (winSq * P * nseg);
    const est = estimate(accC, accC.ee, norm, dphiSum / dphiCount, rRe, rIm, model.rInst, M, dt);
    if (accU && exactU) {
      // control variate: coupled - reference (same noise) + the reference's exact statistics
      const u = estimate(accU, accC.ee, norm, dphiSumU / dphiCount, new Float64Array(M), new Float64Array(M), 0, M, dt);
      addScaled(est, u, -1);
      addScaled(est, exactU, 1);
    }
    // stationarity: C^phi(tau) must have decayed within half the grid period
    const cLag = lagsOfSpectrum(est.cPhiW, new Float64Array(M), dt);
    // Lag windows (noise reduction by what is known of the exact functions, not smoothing by choice):
    // S^phi(tau) is causal and decays, C^phi(tau) decays; beyond tauCut both are noise. S: its jump part
    // <phi'>/(1 + i w) is exact, the continuous rest is kept on [0, tauCut]; C: kept on |tau| <= tauCut with
    // a cosine taper over the last half (a sharp cut could make the spectrum negative).
    // the window follows the correlation time: 8 1/e times of C^phi (at least 40), unless given
    const te = decayTime(tauGrid, cLag.subarray(0, half + 1));
    if (te === null || te > (M * dt) / GRID_PER_DECAY) {
      throw new GridTooShortError(
        `the single site's correlation time (${te === null ? "no decay" : te.toFixed(1)}) is too ` +
          `long for the lag grid of ${M} x ${dt} (at most ${((M * dt) / GRID_PER_DECAY).toFixed(1)})`,
        te ?? Infinity,
      );
    }
    if (opts.tauCut === undefined) tauCut = Math.min(tauCutMax, Math.max(40, 8 * te));
    lagWindow(est, cLag, M, dt, tauCut);
    let tailMax = 0;
    for (let j = Math.floor(0.4 * M); j <= half; j++) tailMax = Math.max(tailMax, Math.abs(cLag[j]));
    if (tailMax > 0.05 * cLag[0]) {
      throw new ConvergenceError(
        `C^phi(tau) does not decay (|C^phi| = ${(tailMax / cLag[0]).toFixed(2)} C^phi(0) at tau >= ` +
          `${(0.4 * M * dt).toFixed(0)}): the single site is not stationary (a condensed mode or a ` +
          `glassy state)`,
        { iteration: it },
      );
    }
    residuals.cPhi.push(relChange(est.cPhiW, cur.cPhiW));
    residuals.s.push(relChange2(est.sRe, est.sIm, cur.sRe, cur.sIm));
    residuals.decay.push(te);
    residuals.s0.push(est.sRe[0]);
    // damped update
    for (let k = 0; k < M; k++) {
      cur.cPhiW[k] = (1 - beta) * cur.cPhiW[k] + beta * est.cPhiW[k];
      cur.sRe[k] = (1 - beta) * cur.sRe[k] + beta * est.sRe[k];
      cur.sIm[k] = (1 - beta) * cur.sIm[k] + beta * est.sIm[k];
      cur.cXW[k] = it === 0 ? est.cXW[k] : (1 - beta) * cur.cXW[k] + beta * est.cXW[k];
    }
    cur.meanPhiPrime = (1 - beta) * cur.meanPhiPrime + beta * est.meanPhiPrime;
    const a = it - (iterations - average);
    if (a >= 0) {
      addScaled(mean, cur, 1 / average);
      const b = batchOf(a, average);
      addScaled(batches[b], cur, 1 / batchSizes(average)[b]);
    }
  }
  return {
    mean,
    batches: average >= BATCHES ? batches : [],
    residuals,
    params: {
      paths: P,
      iterations,
      average,
      h,
      dt,
      points: M,
      segments: nseg,
      burn,
      beta,
      seed,
      controlVariate: cv,
      tauCut,
      kernelTau,
      steps,
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** the grid period must hold this many 1/e times of C^phi (Welch bias and the lag windows) */
export const GRID_PER_DECAY = 25;

/** The single site decorrelates too slowly for the lag grid: retry with more points (structured.ts does). */
export class GridTooShortError extends ConvergenceError {
  constructor(
    message: string,
    readonly decay: number,
  ) {
    super(message, { decay });
    this.name = "GridTooShortError";
  }
}

/** averaged iteration a (0 .. average-1) belongs to batch floor(a B / average) */
function batchOf(a: number, average: number): number {
  return Math.min(BATCHES - 1, Math.floor((a * BATCHES) / average));
}
/** how many of `average` averaged iterations each of the BATCHES batches holds */
export function batchSizes(average: number): number[] {
  const n = new Array<number>(BATCHES).fill(0);
  for (let a = 0; a < average; a++) n[batchOf(a, average)]++;
  return n;
}
