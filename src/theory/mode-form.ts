/**
 * A coupling in mode form for the linear-equivalence covariance (src/theory/linear-equivalence.ts, LINEAR.md §2):
 * T(w) = (I - S J)^{-1} = I + A diag(h) B^T and T J = A diag(p) B^T with m modes —
 *   dense J = V diag(lambda) V^{-1} (N x N eigendecomposition, src/linalg/eigenvectors.ts): A = V, B^T = V^{-1};
 *   random-mode J = L diag(D) R^T: E = diag(D) R^T L = P diag(lambda) P^{-1} (M x M), A = L P, B^T = P^{-1} diag(D) R^T
 * (Woodbury's identity with E diagonalised) — and the complex products the covariance is assembled from (four real
 * products each, on the backend's matmat).
 *
 * A (nearly) defective matrix — a connectome: chains of feed-forward neurons make Jordan blocks at lambda = 0, with
 * eigenvector condition numbers of 1e9-1e16 — is decomposed after a seeded perturbation X + eps rms(X) G (G standard
 * normal, eps = 1e-7) when its condition number exceeds 1e6. A Jordan block of size k then splits by eps^{1/k} and
 * its condition falls to ~eps^{-(k-1)/k}; the covariance, a smooth function of J while the margin is positive, moves
 * by O(eps), and rounding through V^{-1} costs ~u kappa^2 — both ~1e-8 relative (measured on C. elegans: two
 * perturbations differ by 3e-9 of the largest entry, eps = 1e-6 moves it by 2.5e-8). The caller decomposes twice
 * (two seeds) and reports the difference (linear-equivalence.ts).
 */
import type { Backend } from "../backend/types.ts";
import { fillNormal, seedState, STREAMS } from "../backend/rng.ts";
import type { Network } from "../network/ensembles.ts";
import { eigenDecomposition, type EigenDecomposition } from "../linalg/eigenvectors.ts";
import { complexProduct, realProduct, transposeC, type CMatrix } from "../linalg/complex.ts";
import { transposed } from "../backend/buffers.ts";

/** J in mode form (module comment). */
export interface ModeForm {
  n: number;
  m: number;
  kind: "dense" | "lowrank";
  lambdaRe: Float64Array;
  lambdaIm: Float64Array;
  /** n x m */
  A: CMatrix;
  /** B^T, m x n */
  Bt: CMatrix;
  /** max Re lambda(J) (0 counts for a low-rank J with m < n) */
  maxReLambda: number;
  /** the largest eigenvalue condition number of the decomposition (after the perturbation, if any) */
  condition: number;
  /** the perturbation a (nearly) defective matrix was decomposed with (module comment), or null */
  perturbation: { epsilon: number; seed: number; conditionBefore: number } | null;
  /** ||J||_F^2 */
  frobenius2: number;
}

/** the largest eigenvector condition number accepted (beyond it, products through V^{-1} lose > 8 digits) */
export const CONDITION_MAX = 1e8;
/** above this condition number the matrix is decomposed after a perturbation of relative size PERTURBATION */
export const CONDITION_PERTURB = 1e6;
export const PERTURBATION = 1e-7;

/** The eigendecomposition of the order-m matrix X, perturbed (module comment) when it is (nearly) defective. */
function decompose(
  m: number,
  X: Float64Array,
  seed: number,
  be: Backend,
): { e: EigenDecomposition; perturbation: ModeForm["perturbation"] } {
  const e = eigenDecomposition(m, X, be);
  if (e.condition <= CONDITION_PERTURB) return { e, perturbation: null };
  let s2 = 0;
  for (const v of X) s2 += v * v;
  const G = new Float64Array(m * m);
  fillNormal(seedState(seed, STREAMS.modePerturbation), m * m, 0, PERTURBATION * Math.sqrt(s2 / (m * m)), G);
  return {
    e: eigenDecomposition(
      m,
      X.map((v, i) => v + G[i]),
      be,
    ),
    perturbation: { epsilon: PERTURBATION, seed, conditionBefore: e.condition },
  };
}

/**
 * The mode form of a network's coupling (dense: N x N eigendecomposition; low-rank: M x M, Woodbury).
 *
 * @param network its coupling (dense or low-rank)
 * @param be the backend for the products
 * @param seed the perturbation's seed, should the matrix be (nearly) defective (module comment)
 */
export function modeForm(network: Network, be: Backend, seed = 1): ModeForm {
  const c = network.coupling;
  if (c.kind === "dense") {
    const n = c.n;
    const { e, perturbation } = decompose(n, c.J, seed, be);
    let fro = 0;
    for (const v of c.J) fro += v * v;
    return {
      n,
      m: n,
      kind: "dense",
      lambdaRe: e.re,
      lambdaIm: e.im,
      A: { rows: n, cols: n, re: e.vRe, im: e.vIm },
      Bt: { rows: n, cols: n, re: e.uRe, im: e.uIm },
      maxReLambda: Math.max(...e.re),
      condition: e.condition,
      perturbation,
      frobenius2: fro,
    };
  }
  const { n, m, L, D, R } = c;
  // R^T L and L^T L (m x m) on the backend: rows of L^T, R^T are the columns of L, R
  const Lt = transposed(L, n, m),
    Rt = transposed(R, n, m);
  const RtL = realProduct(be, m, n, m, Rt, Lt); // (R^T L)_ab = R^T_a . L^T_b
  const LtL = realProduct(be, m, n, m, Lt, Lt);
  const RtR = realProduct(be, m, n, m, Rt, Rt);
  const E = new Float64Array(m * m);
  let fro = 0;
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      E[a * m + b] = D[a] * RtL[a * m + b];
      fro += D[a] * D[b] * LtL[a * m + b] * RtR[a * m + b];
    }
  const { e, perturbation } = decompose(m, E, seed, be);
  // A = L P (n x m), B^T = P^{-1} diag(D) R^T (m x n)
  const P: CMatrix = { rows: m, cols: m, re: e.vRe, im: e.vIm };
  const A = complexProduct(be, { rows: n, cols: m, re: L, im: new Float64Array(n * m) }, transposeC(P));
  const PinvD: CMatrix = { rows: m, cols: m, re: e.uRe.slice(), im: e.uIm.slice() };
  for (let k = 0; k < m; k++)
    for (let a = 0; a < m; a++) {
      PinvD.re[k * m + a] *= D[a];
      PinvD.im[k * m + a] *= D[a];
    }
  const Bt = complexProduct(be, PinvD, { rows: n, cols: m, re: R, im: new Float64Array(n * m) });
  return {
    n,
    m,
    kind: "lowrank",
    lambdaRe: e.re,
    lambdaIm: e.im,
    A,
    Bt,
    maxReLambda: Math.max(m < n ? 0 : -Infinity, ...e.re),
    condition: e.condition,
    perturbation,
    frobenius2: fro,
  };
}
