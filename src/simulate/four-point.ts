/**
 * The four-point function at unequal lags from one simulated trial (PRL Fig. 3; the theory is
 * src/theory/two-time.ts), by the time-by-time form of THEORY §4.1: with a(t) = phi(x(t)) centred, K = Y Y^T the
 * trial's Gram matrix and C^a_ij(l) = (1/T_a) sum_{t in a} a_i(t + l) a_j(t) the lagged covariance of time block a,
 *
 *   sum_{t in a, u in b} K(t + l1, u + l2) K(t, u) / (T_a T_b) = sum_ij C^a_ij(l1) C^b_ij(l2),
 *   Psi^phi(l1, l2) ~ (1/N) mean over block pairs (a, b) of that sum,
 *   psi^phi(l1, l2) ~ the same without the i = j terms, sum_i C^a_ii(l1) C^b_ii(l2).
 *
 * Only blocks at least one block apart are paired: within a block (or across neighbours) the two factors share
 * their sampling noise, whose product adds a bias of order N tau_c / T — the reason for the cross-block estimator.
 * The map's blocks start `lags` samples into the trial and end as many before its end, so that every t + l stays
 * inside; the diagonal's (non-negative lags) start at the trial's start.
 * Cost: (2L + 1)^2 x pairs x T_a^2 multiply-adds (L = 20, 8 blocks of 95 samples: 6e8, ~1 s) plus the Gram matrix.
 */
import type { Backend, PhiName } from "../backend/types.ts";
import { realProduct } from "../linalg/complex.ts";
import { PHI_KINDS } from "../backend/types.ts";
import { phiScalar } from "../backend/special.ts";

/** The time blocks the four-point estimators pair. */
export const FOUR_POINT_BLOCKS = 8;

/** The (ordered) pairs of time blocks at least one block apart: the only pairs the estimators use (module comment). */
function blockPairs(blocks: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < blocks; a++) for (let b = 0; b < blocks; b++) if (Math.abs(a - b) >= 2) out.push([a, b]);
  return out;
}

/** mean over the block pairs of sum_{t in a, u in b} K(t + l1, u + l2) K(t, u) / len^2 (blocks of len samples from
 *  `start`; K the S x S Gram matrix) */
function crossBlockSum(
  K: Float64Array,
  S: number,
  pairs: [number, number][],
  len: number,
  start: number,
  l1: number,
  l2: number,
): number {
  let sum = 0;
  for (const [a, b] of pairs) {
    let s = 0;
    for (let t = start + a * len; t < start + (a + 1) * len; t++) {
      const r1 = (t + l1) * S + l2,
        r0 = t * S;
      for (let u = start + b * len; u < start + (b + 1) * len; u++) s += K[r1 + u] * K[r0 + u];
    }
    sum += s / (len * len);
  }
  return sum / pairs.length;
}

/** phi(x) of a trajectory (S x n, float32), centred by each neuron's time mean, in float64. */
export function centredPhi(x: Float32Array, S: number, n: number, phi: PhiName): Float64Array {
  const kind = PHI_KINDS[phi];
  const Y = new Float64Array(S * n);
  for (let i = 0; i < S * n; i++) Y[i] = phiScalar(kind, x[i]);
  for (let j = 0; j < n; j++) {
    let m = 0;
    for (let t = 0; t < S; t++) m += Y[t * n + j];
    m /= S;
    for (let t = 0; t < S; t++) Y[t * n + j] -= m;
  }
  return Y;
}

/** The four-point estimates at a set of lag pairs: the map's (2L + 1)^2 or the diagonal's L + 1. */
export interface FourPointMap {
  /** the lags: of both axes, (-L ... L) stride sampleEvery (map); of the diagonal, (0 ... L) stride sampleEvery */
  tau: number[];
  /** map: Psi^phi(tau[i1], tau[i2]) at [i1 * tau.length + i2]; diagonal: Psi^phi(tau[l], tau[l]); with the i = j terms */
  psiPhi: Float64Array;
  /** psi^phi: without them (PRL's off-diagonal object) */
  psiPhiOff: Float64Array;
  blocks: number;
  /** samples per block */
  blockSamples: number;
}

/**
 * Psi^phi(tau1, tau2) and psi^phi on the square |tau| <= lags stride sampleEvery from one trial's centred phi (Y, S x n;
 * centredPhi) (module comment). Needs S >= 2 lags stride + 16.
 */
export function fourPointMap(
  be: Backend,
  n: number,
  Y: Float64Array,
  S: number,
  sampleEvery: number,
  lags: number,
  stride = 1,
): FourPointMap {
  const reach = lags * stride;
  const len = blockLength(S, 2 * reach);
  const K = 2 * lags + 1;
  const lagList = Array.from({ length: K }, (_, k) => (k - lags) * stride);
  const pairs = lagList.flatMap((_, k1) => lagList.map((_, k2) => [k1, k2] as const));
  return fourPointAt(be, Y, n, S, reach, len, lagList, pairs, sampleEvery);
}

/** The diagonal tau1 = tau2 = l stride sampleEvery, l = 0 ... lags, of the same estimator (blocks from the trial's
 *  start: only non-negative lags). */
export function fourPointDiagonal(
  be: Backend,
  n: number,
  Y: Float64Array,
  S: number,
  sampleEvery: number,
  lags: number,
  stride = 1,
): FourPointMap {
  const len = blockLength(S, lags * stride);
  const lagList = Array.from({ length: lags + 1 }, (_, l) => l * stride);
  const pairs = lagList.map((_, l) => [l, l] as const);
  return fourPointAt(be, Y, n, S, 0, len, lagList, pairs, sampleEvery);
}

function blockLength(S: number, span: number): number {
  const len = Math.floor((S - span) / FOUR_POINT_BLOCKS);
  if (len < 2)
    throw new RangeError(
      `invalid argument: the trial's ${S} samples are too few for lags spanning ${span} samples in ${FOUR_POINT_BLOCKS} blocks`,
    );
  return len;
}

/** Psi and psi at the lag pairs (indices into lagList), blocks of len samples from `start`; tau = lagList x sampleEvery. */
function fourPointAt(
  be: Backend,
  Y: Float64Array,
  n: number,
  S: number,
  start: number,
  len: number,
  lagList: number[],
  lagPairs: (readonly [number, number])[],
  sampleEvery: number,
): FourPointMap {
  const B = FOUR_POINT_BLOCKS,
    K = lagList.length,
    pairs = blockPairs(B);
  const Kg = realProduct(be, S, n, S, Y.subarray(0, S * n), Y.subarray(0, S * n));
  // D[(a * K + k) * n + i] = C^a_ii(lagList[k]): each block's per-neuron autocovariances, for the i = j terms
  const D = new Float64Array(B * K * n);
  for (let a = 0; a < B; a++)
    for (let k = 0; k < K; k++) {
      const d = D.subarray((a * K + k) * n, (a * K + k + 1) * n);
      for (let t = start + a * len; t < start + (a + 1) * len; t++) {
        const r1 = (t + lagList[k]) * n,
          r0 = t * n;
        for (let i = 0; i < n; i++) d[i] += Y[r1 + i] * Y[r0 + i];
      }
      for (let i = 0; i < n; i++) d[i] /= len;
    }
  const psiPhi = new Float64Array(lagPairs.length),
    psiPhiOff = new Float64Array(lagPairs.length);
  lagPairs.forEach(([k1, k2], p) => {
    const sum = crossBlockSum(Kg, S, pairs, len, start, lagList[k1], lagList[k2]);
    let self = 0;
    for (const [a, b] of pairs) {
      const da = (a * K + k1) * n,
        db = (b * K + k2) * n;
      for (let i = 0; i < n; i++) self += D[da + i] * D[db + i];
    }
    psiPhi[p] = sum / n;
    psiPhiOff[p] = (sum - self / pairs.length) / n;
  });
  return { tau: lagList.map((l) => l * sampleEvery), psiPhi, psiPhiOff, blocks: B, blockSamples: len };
}
