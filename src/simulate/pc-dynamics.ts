/**
 * The PCs' dynamics in a simulation (issue 27 part 4; PRX (27)-(28), PRL Fig. 3-4), from trial 0's sampled
 * trajectory a(t) = phi(x(t)) (S samples, centred by its own time mean):
 *
 *  - per-PC timescales: the PCs v_k are the eigenvectors of the run's C^phi(0) (all trials; the backend's SVD,
 *    pc-spectrum.ts principalComponents), p_k(t) = v_k . a(t); each PC's autocorrelation
 *    rho_k(l) = sum_t p_k(t) p_k(t + l) / (S - l) over lags up to a window, summarised by its 1/e time (decayTime;
 *    null when rho_k stays above 1/e within the window). One trial: a PC slower than ~window is not resolved.
 *  - the slow diagonal of the four-point function, Psi^phi(tau, tau) = (1/N) sum_ij C_ij(tau)^2 (THEORY §4.1), and
 *    psi^phi(tau, tau) without the i = j terms, by the time-by-time form over non-adjacent time blocks
 *    (src/simulate/four-point.ts, fourPointDiagonal). At most the first 4096 samples (the S x S Gram matrix).
 */
import type { Backend, PhiName } from "../backend/types.ts";
import { decayTime } from "../stats/timescales.ts";
import { realProduct } from "../linalg/complex.ts";
import { centredPhi, fourPointDiagonal, FOUR_POINT_BLOCKS } from "./four-point.ts";
import { principalComponents } from "./pc-spectrum.ts";

/** Psi(tau, tau) uses at most this many of trial 0's first samples (its Gram matrix: 128 MiB) */
export const DIAGONAL_SAMPLES_MAX = 4096;
/** the autocorrelation window: at most 50 time units and 500 lags (and a quarter of the trial) */
const WINDOW_TIME = 50,
  WINDOW_LAGS = 500;

/** What pcDynamics returns. */
export interface PcDynamics {
  /** per PC, in the order of decreasing eigenvalue: the 1/e time of its autocorrelation (null: not within window),
   *  and the leading three PCs' traces p_k(t) over trial 0's first (at most 200) samples (PRX Fig. 9) */
  pcTimescales: { tau: (number | null)[]; window: number; trial: 0; traces: number[][] };
  /** Psi^phi(tau, tau) on the lags tau (sampleEvery apart), and divided by its value at 0 */
  diagonal: {
    tau: number[];
    psiPhi: number[];
    psiPhiNormalized: number[];
    /** psi^phi(tau, tau): without the i = j terms (PRL's off-diagonal object) */
    psiPhiOff: number[];
    trial: 0;
    blocks: number;
  };
}

/**
 * PC timescales and Psi^phi(tau, tau) from trial 0 (module comment).
 *
 * @param n neurons
 * @param axes the PCs of the run's C^phi(0): rows of an n x n row-major, by decreasing eigenvalue (principalAxes)
 * @param x trial 0's sampled x, samples x n (float32)
 * @param samples S
 * @param phi the nonlinearity
 * @param sampleEvery time between samples
 * @param lags lags (in samples) of Psi(tau, tau), as simulate's `lags`
 * @param be the backend for the projections and the Gram matrix
 */
export function pcDynamics(
  n: number,
  axes: Float64Array,
  x: Float32Array,
  samples: number,
  phi: PhiName,
  sampleEvery: number,
  lags: number,
  be: Backend,
): PcDynamics {
  const S = samples;
  const Y = centredPhi(x, S, n, phi);
  const { tau, window, P } = axisTimescales(be, Y, S, n, axes, n, sampleEvery);
  const traces = Array.from({ length: Math.min(3, n) }, (_, k) =>
    Array.from({ length: Math.min(S, 200) }, (_, t) => P[k * S + t]),
  );
  return {
    pcTimescales: { tau, window, trial: 0, traces },
    diagonal: slowDiagonal(n, Y, Math.min(S, DIAGONAL_SAMPLES_MAX), sampleEvery, lags, be),
  };
}

/** The PCs of a symmetric covariance: rows of the result (n x n), in the order of decreasing eigenvalue. */
export function principalAxes(n: number, C: Float64Array, be: Backend): Float64Array {
  return principalComponents(n, C, be).axes;
}

/**
 * The 1/e times of the projections p_k(t) = v_k . a(t) of a centred trajectory Y (S x n) on the first k rows of Vt,
 * within a window of at most 50 time units, 500 lags and a quarter of the trial; also the projections (k x S: row j
 * is p_j(t), contiguous for the autocorrelation sums).
 */
export function axisTimescales(
  be: Backend,
  Y: Float64Array,
  S: number,
  n: number,
  Vt: Float64Array,
  k: number,
  sampleEvery: number,
): { tau: (number | null)[]; window: number; P: Float64Array } {
  const P = realProduct(be, k, n, S, Vt.subarray(0, k * n), Y); // P[j][t] = v_j . a(t)
  const window = Math.max(2, Math.min(Math.floor(S / 4), Math.ceil(WINDOW_TIME / sampleEvery), WINDOW_LAGS));
  const lagTimes = Array.from({ length: window + 1 }, (_, l) => l * sampleEvery);
  const tau: (number | null)[] = [];
  const rho = new Float64Array(window + 1);
  for (let j = 0; j < k; j++) {
    const p = P.subarray(j * S, (j + 1) * S);
    for (let l = 0; l <= window; l++) {
      let s = 0;
      for (let t = 0; t + l < S; t++) s += p[t] * p[t + l];
      rho[l] = s / (S - l);
    }
    tau.push(decayTime(lagTimes, rho));
  }
  return { tau, window: window * sampleEvery, P };
}

/** Psi^phi(tau, tau) by the time-by-time form over non-adjacent blocks of one trial (src/simulate/four-point.ts). */
function slowDiagonal(
  n: number,
  Y: Float64Array,
  S: number,
  sampleEvery: number,
  lags: number,
  be: Backend,
): PcDynamics["diagonal"] {
  const L = Math.min(lags, Math.floor(S / FOUR_POINT_BLOCKS) - 1);
  const d = fourPointDiagonal(be, n, Y, S, sampleEvery, L);
  const psi = Array.from(d.psiPhi);
  return {
    tau: d.tau,
    psiPhi: psi,
    psiPhiNormalized: psi.map((v) => v / psi[0]),
    psiPhiOff: Array.from(d.psiPhiOff),
    trial: 0,
    blocks: d.blocks,
  };
}
