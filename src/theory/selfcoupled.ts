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
import { STREAMS, seedState } from "../backend/rng.ts";
import { dphiScalar } from "../backend/special.ts";
import { evenSpectrum, fft, fftInterleaved, lagsOfSpectrum } from "./fft.ts";
import { decayTime } from "../stats/timescales.ts";

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

/** One chunk of paths of one iteration: everything a thread needs to sample, integrate and estimate them. */
export interface ChunkTask {
  kind: PhiKind;
  paths: number;
  steps: number;
  klen: number;
  h: number;
  /** convolution weights (klen) and circulant amplitudes (nEta) */
  w: Float64Array;
  amp: Float64Array;
  burnSteps: number;
  sub: number;
  obs: number;
  M: number;
  nseg: number;
  cv: boolean;
  seed: number;
  stream: number;
  iteration: number;
}
/** One chunk's sums, returned by a ChunkExecutor. */
export interface ChunkResult {
  accC: WelchAcc;
  accU: WelchAcc | null;
  dphiSum: number;
  dphiSumU: number;
  count: number;
}
/** Runs chunks of sampler paths (on worker threads: samplerPool from strand/io); results in task order. */
export type ChunkExecutor = (tasks: ChunkTask[]) => Promise<ChunkResult[]>;

/** paths per chunk (one 8-lane block of the kernel); fixed, so results do not depend on the thread count */
const CHUNK = 8;

export interface SamplerState {
  /** C^phi(w_k), S^phi(w_k) on the M-point grid (k = 0 .. M-1, w_k = 2 pi k / (M dt), wrapped) */
  cPhiW: Float64Array;
  sRe: Float64Array;
  sIm: Float64Array;
  /** C^x(w_k) = <|E + R Phi|^2> / (1 + w^2), from the same transforms */
  cXW: Float64Array;
  meanPhiPrime: number;
}

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

export function freqOf(k: number, M: number, dt: number): number {
  return ((k <= M / 2 ? k : k - M) * 2 * Math.PI) / (M * dt);
}

/** The Gaussian (uncoupled) site's state: C^phi(w) from its lags (0 .. M/2), S^phi = <phi'>/(1 + i w). */
function gaussianState(cPhiLag: Float64Array, meanPhiPrime: number, M: number, dt: number): SamplerState {
  const st = zeroState(M);
  st.cPhiW.set(evenSpectrum(cPhiLag, M, dt));
  st.meanPhiPrime = meanPhiPrime;
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    st.sRe[k] = meanPhiPrime / d;
    st.sIm[k] = (-meanPhiPrime * w) / d;
  }
  return st;
}

function zeroState(M: number): SamplerState {
  return {
    cPhiW: new Float64Array(M),
    sRe: new Float64Array(M),
    sIm: new Float64Array(M),
    cXW: new Float64Array(M),
    meanPhiPrime: 0,
  };
}
function addScaled(acc: SamplerState, s: SamplerState, w: number): void {
  for (let k = 0; k < acc.cPhiW.length; k++) {
    acc.cPhiW[k] += w * s.cPhiW[k];
    acc.sRe[k] += w * s.sRe[k];
    acc.sIm[k] += w * s.sIm[k];
    acc.cXW[k] += w * s.cXW[k];
  }
  acc.meanPhiPrime += w * s.meanPhiPrime;
}

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

/** sqrt(lambda / n) for the circulant embedding (n = nEta points of h) of the covariance with spectrum q
 *  (M-point grid of dt): Q(m h) by band-limited interpolation (the spectrum zero-padded to M sub points),
 *  kept for |m h| < M dt / 2; negative eigenvalues (truncation) are set to 0. */
function circulantAmplitudes(q: Float64Array, M: number, sub: number, dt: number, nEta: number): Float64Array {
  const Mh = M * sub,
    half = M / 2;
  const qr = new Float64Array(Mh),
    qi = new Float64Array(Mh);
  for (let k = 0; k < M; k++) qr[k <= half ? k : Mh - (M - k)] = Math.max(0, q[k]);
  fft(qr, qi, true);
  const cr = new Float64Array(nEta),
    ci = new Float64Array(nEta);
  for (let m = 0; m < Mh / 2; m++) {
    const v = (qr[m] * sub) / dt; // Q(m h) = (1/(M dt)) sum_k q_k e^{i w_k m h} = IFFT_Mh * Mh / (M dt)
    cr[m] = v;
    if (m > 0) cr[nEta - m] = v;
  }
  fft(cr, ci);
  return cr.map((v) => Math.sqrt(Math.max(v, 0) / nEta));
}

/** Two paths (columns i, i + 1 of the time-major eta) from 2 nEta standard normals: y = FFT(amp z). */
function synthesize(
  z: ArrayLike<number>,
  amp: Float64Array,
  eta: Float64Array,
  steps: number,
  pc: number,
  i: number,
): void {
  const n = amp.length;
  const data = new Float64Array(2 * n),
    y = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    data[2 * k] = amp[k] * z[2 * k];
    data[2 * k + 1] = amp[k] * z[2 * k + 1];
  }
  fftInterleaved(y, data);
  for (let t = 0; t <= steps; t++) {
    eta[t * pc + i] = y[2 * t];
    if (i + 1 < pc) eta[t * pc + i + 1] = y[2 * t + 1];
  }
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

const hannCache = new Map<number, Float64Array>();
function hannWindow(M: number): Float64Array {
  let w = hannCache.get(M);
  if (!w) {
    w = Float64Array.from({ length: M }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (j + 0.5)) / M));
    hannCache.set(M, w);
  }
  return w;
}

/** Sample, integrate and estimate one chunk of paths on backend `be` (any thread). */
export function runChunk(be: Backend, t: ChunkTask): ChunkResult {
  const { paths: pc, steps, M, obs, sub, burnSteps, kind } = t;
  const nEta = t.amp.length;
  const hann = hannWindow(M);
  const rng = be.rngCreate(seedState(t.seed, t.stream));
  const eta = new Float64Array((steps + 1) * pc);
  const bufs = {
    z: be.alloc("float64", 2 * nEta),
    eta: be.alloc("float64", (steps + 1) * pc),
    xs: be.alloc("float64", (steps + 1) * pc),
    ph: be.alloc("float64", (steps + 1) * pc),
    gs: be.alloc("float64", pc),
    w: be.alloc("float64", Math.max(1, t.klen)),
  };
  try {
    for (let i = 0; i < pc; i += 2) {
      be.rngNormal(rng, 2 * nEta, 0, 1, bufs.z);
      synthesize(be.read(bufs.z), t.amp, eta, steps, pc, i);
    }
    be.write(bufs.eta, eta);
    be.write(bufs.w, t.w);
    be.fill(bufs.xs, 0);
    be.selfSite(pc, steps, t.klen, kind, t.h, bufs.eta, bufs.w, bufs.xs, bufs.ph, bufs.gs);
    const xs = be.read(bufs.xs),
      ph = be.read(bufs.ph);
    let phU: Float64Array | null = null,
      xsU: Float64Array | null = null;
    if (t.cv) {
      // the reference: the same noise, no self-coupling
      be.fill(bufs.xs, 0);
      be.selfSite(pc, steps, 0, kind, t.h, bufs.eta, bufs.w, bufs.xs, bufs.ph, bufs.gs);
      xsU = be.read(bufs.xs) as Float64Array;
      phU = be.read(bufs.ph) as Float64Array;
    }
    const out: ChunkResult = { accC: welchAcc(M), accU: t.cv ? welchAcc(M) : null, dphiSum: 0, dphiSumU: 0, count: 0 };
    const phs = new Float64Array(obs),
      es = new Float64Array(obs),
      phsU = new Float64Array(obs);
    for (let i = 0; i < pc; i++) {
      for (let j = 0; j < obs; j++) {
        const at = (burnSteps + j * sub) * pc + i;
        const x = xs[at];
        if (!Number.isFinite(x) || Math.abs(x) > 1e6)
          throw new ConvergenceError(
            `a single-site path diverged (x = ${x} at t = ${((burnSteps + j * sub) * t.h).toFixed(1)}): ` +
              `the self-coupling is too strong for a stationary state`,
            { iteration: t.iteration },
          );
        phs[j] = ph[at];
        es[j] = eta[at];
        out.dphiSum += dphiScalar(kind, x);
        if (phU && xsU) {
          phsU[j] = phU[at];
          out.dphiSumU += dphiScalar(kind, xsU[at]);
        }
      }
      out.count += obs;
      welch(phs, es, M, t.nseg, hann, out.accC);
      if (out.accU) welch(phsU, es, M, t.nseg, hann, out.accU);
    }
    return out;
  } finally {
    for (const b of Object.values(bufs)) be.free(b);
    be.rngFree(rng);
  }
}

function addAcc(a: WelchAcc, b: WelchAcc): void {
  for (let k = 0; k < a.pp.length; k++) {
    a.pp[k] += b.pp[k];
    a.peRe[k] += b.peRe[k];
    a.peIm[k] += b.peIm[k];
    a.ee[k] += b.ee[k];
  }
}

export interface WelchAcc {
  pp: Float64Array;
  peRe: Float64Array;
  peIm: Float64Array;
  ee: Float64Array;
}
function welchAcc(M: number): WelchAcc {
  return { pp: new Float64Array(M), peRe: new Float64Array(M), peIm: new Float64Array(M), ee: new Float64Array(M) };
}

/** Accumulate |Phi|^2, Phi E^*, |E|^2 over nseg half-overlapping Hann segments of M samples (one complex
 *  FFT per segment: phi in the real part, eta in the imaginary part, separated by symmetry). */
function welch(phs: Float64Array, es: Float64Array, M: number, nseg: number, hann: Float64Array, acc: WelchAcc): void {
  const data = new Float64Array(2 * M),
    z = new Float64Array(2 * M);
  for (let s = 0; s < nseg; s++) {
    const o = (s * M) / 2;
    for (let j = 0; j < M; j++) {
      data[2 * j] = hann[j] * phs[o + j];
      data[2 * j + 1] = hann[j] * es[o + j];
    }
    fftInterleaved(z, data);
    for (let k = 0; k < M; k++) {
      const kc = k === 0 ? 0 : M - k;
      // Phi = (Z_k + conj Z_{-k}) / 2, E = (Z_k - conj Z_{-k}) / (2i)
      const zr = z[2 * k],
        zi = z[2 * k + 1],
        cr = z[2 * kc],
        ci = z[2 * kc + 1];
      const pr = 0.5 * (zr + cr),
        pi = 0.5 * (zi - ci);
      const er = 0.5 * (zi + ci),
        ei = -0.5 * (zr - cr);
      acc.pp[k] += pr * pr + pi * pi;
      acc.ee[k] += er * er + ei * ei;
      acc.peRe[k] += pr * er + pi * ei; // Phi conj(E)
      acc.peIm[k] += pi * er - pr * ei;
    }
  }
}

/** C^phi(w), S^phi(w) (regression on the sampled eta spectrum `ee`), C^x(w) from one set of sums. */
function estimate(
  acc: WelchAcc,
  ee: Float64Array,
  norm: number,
  meanPhiPrime: number,
  rRe: Float64Array,
  rIm: Float64Array,
  rInst: number,
  M: number,
  dt: number,
): SamplerState {
  const est = zeroState(M);
  est.meanPhiPrime = meanPhiPrime;
  let eeMax = 0;
  for (let k = 0; k < M; k++) eeMax = Math.max(eeMax, ee[k]);
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    const ar = rRe[k] + rInst,
      ai = rIm[k];
    // <|E + R Phi|^2> / (1 + w^2)
    est.cXW[k] = ((ee[k] + (ar * ar + ai * ai) * acc.pp[k] + 2 * (ar * acc.peRe[k] - ai * acc.peIm[k])) * norm) / d;
    est.cPhiW[k] = acc.pp[k] * norm;
    if (ee[k] > 1e-7 * eeMax) {
      est.sRe[k] = acc.peRe[k] / ee[k];
      est.sIm[k] = acc.peIm[k] / ee[k];
    } else {
      est.sRe[k] = meanPhiPrime / d;
      est.sIm[k] = (-meanPhiPrime * w) / d;
    }
  }
  return est;
}

function lagWindow(est: SamplerState, cLag: Float64Array, M: number, dt: number, tauCut: number): void {
  const jc = Math.min(M / 2 - 1, Math.round(tauCut / dt));
  const taper = (j: number) =>
    j <= jc / 2 ? 1 : j >= jc ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (j - jc / 2)) / (jc / 2));
  const c = new Float64Array(M);
  for (let j = 0; j <= M / 2; j++) {
    const v = cLag[j] * taper(j);
    c[j] = v;
    if (j > 0 && j < M / 2) c[M - j] = v;
  }
  est.cPhiW.set(evenSpectrum(c, M, dt));
  for (let k = 0; k < M; k++) est.cPhiW[k] = Math.max(est.cPhiW[k], 0);
  const a = est.meanPhiPrime;
  const rr = new Float64Array(M),
    ri = new Float64Array(M);
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    rr[k] = est.sRe[k] - a / d;
    ri[k] = est.sIm[k] + (a * w) / d;
  }
  fft(rr, ri, true); // rest(tau_j) dt
  for (let j = 0; j < M; j++) {
    const keep = j === 0 ? 0.5 : j <= jc ? taper(j) : 0;
    rr[j] *= keep;
    ri[j] = 0;
  }
  fft(rr, ri);
  for (let k = 0; k < M; k++) {
    const w = freqOf(k, M, dt),
      d = 1 + w * w;
    est.sRe[k] = rr[k] + a / d;
    est.sIm[k] = ri[k] - (a * w) / d;
  }
}

function relChange(a: Float64Array, b: Float64Array): number {
  let d = 0,
    s = 0;
  for (let k = 0; k < a.length; k++) {
    d += (a[k] - b[k]) ** 2;
    s += b[k] ** 2;
  }
  return Math.sqrt(d / s);
}
function relChange2(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): number {
  let d = 0,
    s = 0;
  for (let k = 0; k < ar.length; k++) {
    d += (ar[k] - br[k]) ** 2 + (ai[k] - bi[k]) ** 2;
    s += br[k] ** 2 + bi[k] ** 2;
  }
  return Math.sqrt(d / s);
}
