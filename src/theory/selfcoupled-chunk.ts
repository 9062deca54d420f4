/**
 * One chunk of the sampling single site (src/theory/selfcoupled.ts): CHUNK paths driven by Gaussian noise of the
 * current iterate's spectrum (circulant synthesis), integrated by the backend's Heun kernel with the self-coupling,
 * and their Welch spectra (Hann windows, half-overlapping segments) accumulated for the next iterate. Plain data in
 * and out, so a chunk can run on a worker thread (src/io/sampler-worker.ts); each has its own random stream.
 */
import { ConvergenceError } from "../errors.ts";
import type { Backend, PhiKind } from "../backend/types.ts";
import { seedState } from "../backend/rng.ts";
import { dphiScalar } from "../backend/special.ts";
import { fft, fftInterleaved } from "./fft.ts";

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

/** sqrt(lambda / n) for the circulant embedding (n = nEta points of h) of the covariance with spectrum q
 *  (M-point grid of dt): Q(m h) by band-limited interpolation (the spectrum zero-padded to M sub points),
 *  kept for |m h| < M dt / 2; negative eigenvalues (truncation) are set to 0. */
export function circulantAmplitudes(q: Float64Array, M: number, sub: number, dt: number, nEta: number): Float64Array {
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

const hannCache = new Map<number, Float64Array>();
export function hannWindow(M: number): Float64Array {
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

export function addAcc(a: WelchAcc, b: WelchAcc): void {
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
export function welchAcc(M: number): WelchAcc {
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
