/**
 * Structure of a coupling matrix from traces, without an SVD (THEORY §2.2, §2.3):
 *
 *   sum_a S_a^2 = ||J||_F^2 = tr(J J^T),      sum_a S_a^4 = ||J J^T||_F^2 = tr((J^T J)^2)
 *   PR^S = (sum S^2)^2 / (N sum S^4)   (normalised, the paper's; 1/2 for an i.i.d. square matrix)
 *   effective rank (unnormalised PR) = (sum S^2)^2 / sum S^4  (the "PR" of ../shared/data/README.md)
 *   realised g_eff^2 = N Var(J_ij) over all N^2 entries
 *
 * Dense J: J J^T by the batched matmat kernel (2 N^3 flops). Factored J = L D R^T: with A = L^T L and
 * B = R^T R (M x M, 2 N M^2 flops each), ||J||_F^2 = sum_ab D_a D_b A_ab B_ab and, with P = (D A D) B,
 * sum S^4 = tr(P^2) (M^3), so nothing of size N^2 is formed.
 *
 * Theory (§2.3): PR^S = alpha PR^D / (1 + 2 alpha PR^D) (PRX (13)); for D = 1 the nonzero singular values of
 * L R^T fill [S_-, S_+], S_(+/-)^2 = 1 + 5 alpha/2 - alpha^2/8 +/- (1 + alpha/8)^(3/2) sqrt(8 alpha) (PRX (14),
 * alpha < 1).
 */
import { withBuffers } from "../backend/buffers.ts";
import type { Backend } from "../backend/types.ts";
import type { DenseCoupling, LowRankCoupling, Network } from "./ensembles.ts";

/** Trace-based structure of a coupling matrix: realised N Var J_ij, PR^S, effective rank, g_eff. */
export interface StructureSummary {
  n: number;
  /** sum_a S_a^2 */
  sumS2: number;
  /** sum_a S_a^4 */
  sumS4: number;
  /** (sum S^2)^2 / (N sum S^4) */
  prS: number;
  /** (sum S^2)^2 / sum S^4 */
  effectiveRankS: number;
  /** N Var(J_ij), all entries */
  gEff2: number;
  meanJ: number;
  /** mean of J_ii (O(1) autapses show here) */
  meanDiagonal: number;
}

/** X^T X for X n x m row-major (m x m, symmetric), by the matmat kernel on X^T. */
export function gram(be: Backend, n: number, m: number, X: Float64Array): Float64Array {
  const Xt = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) Xt[a * n + i] = X[i * m + a];
  return withBuffers(be, [Xt, { dtype: "float64", length: m * m }], ([xt, y]) => {
    be.matmat(m, n, m, xt, xt, y);
    return be.read(y) as Float64Array;
  });
}

/** Trace-based structure of a network's coupling, or of a bare dense / factored coupling. */
export function couplingStructure(of: Network | DenseCoupling | LowRankCoupling, be: Backend): StructureSummary {
  const c = "coupling" in of ? of.coupling : of;
  const n = c.n;
  let sumS2: number,
    sumS4: number,
    sumJ: number,
    sumDiag = 0;
  if (c.kind === "dense" && sparseEnough(c.J)) {
    ({ sumS2, sumS4 } = sparseTraces(n, c.J));
    sumJ = 0;
    for (let i = 0; i < n * n; i++) sumJ += c.J[i];
    for (let i = 0; i < n; i++) sumDiag += c.J[i * n + i];
  } else if (c.kind === "dense") {
    ({ sumS2, sumS4 } = withBuffers(be, [c.J, { dtype: "float64", length: n * n }], ([j, w]) => {
      be.matmat(n, n, n, j, j, w); // w[b][a] = (J J^T)_ab
      return { sumS2: be.sumsq(n * n, j), sumS4: be.sumsq(n * n, w) };
    }));
    sumJ = 0;
    for (let i = 0; i < n * n; i++) sumJ += c.J[i];
    for (let i = 0; i < n; i++) sumDiag += c.J[i * n + i];
  } else {
    const { m, L, D, R } = c;
    const A = gram(be, n, m, L),
      B = gram(be, n, m, R);
    const C = new Float64Array(m * m);
    sumS2 = 0;
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) {
        C[a * m + b] = D[a] * A[a * m + b] * D[b];
        sumS2 += C[a * m + b] * B[a * m + b];
      }
    sumS4 = withBuffers(be, [C, B, { dtype: "float64", length: m * m }], ([cb, bb, y]) => {
      be.matmat(m, m, m, cb, bb, y); // y[b][a] = (C B)_ab = P_ab
      return be.traceProd(m, y, y);
    });
    const colL = new Float64Array(m),
      colR = new Float64Array(m);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < m; a++) {
        colL[a] += L[i * m + a];
        colR[a] += R[i * m + a];
        sumDiag += L[i * m + a] * D[a] * R[i * m + a];
      }
    sumJ = 0;
    for (let a = 0; a < m; a++) sumJ += colL[a] * D[a] * colR[a];
  }
  const meanJ = sumJ / (n * n);
  return {
    n,
    sumS2,
    sumS4,
    prS: (sumS2 * sumS2) / (n * sumS4),
    effectiveRankS: (sumS2 * sumS2) / sumS4,
    gEff2: n * (sumS2 / (n * n) - meanJ * meanJ),
    meanJ,
    meanDiagonal: sumDiag / n,
  };
}

/** Sparse path when at most 5 % of the entries are nonzero (connectomes): cost sum_j nnz(column j)^2. */
function sparseEnough(J: Float64Array): boolean {
  let nnz = 0;
  for (let k = 0; k < J.length; k++) if (J[k] !== 0) nnz++;
  return nnz <= 0.05 * J.length;
}

/** sum S^2 = sum J_ij^2 and sum S^4 = ||J J^T||_F^2 from the nonzeros, row by row of J J^T. */
function sparseTraces(n: number, J: Float64Array): { sumS2: number; sumS4: number } {
  const rowStart = new Int32Array(n + 1),
    colStart = new Int32Array(n + 1);
  let nnz = 0;
  for (let k = 0; k < J.length; k++)
    if (J[k] !== 0) {
      nnz++;
      rowStart[Math.floor(k / n) + 1]++;
      colStart[(k % n) + 1]++;
    }
  for (let i = 0; i < n; i++) {
    rowStart[i + 1] += rowStart[i];
    colStart[i + 1] += colStart[i];
  }
  const rowCol = new Int32Array(nnz),
    rowVal = new Float64Array(nnz),
    colRow = new Int32Array(nnz),
    colVal = new Float64Array(nnz);
  const rFill = rowStart.slice(0, n),
    cFill = colStart.slice(0, n);
  let sumS2 = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = J[i * n + j];
      if (v === 0) continue;
      sumS2 += v * v;
      rowCol[rFill[i]] = j;
      rowVal[rFill[i]++] = v;
      colRow[cFill[j]] = i;
      colVal[cFill[j]++] = v;
    }
  const acc = new Float64Array(n),
    touched = new Int32Array(n),
    mark = new Uint8Array(n);
  let sumS4 = 0;
  for (let a = 0; a < n; a++) {
    let t = 0;
    for (let p = rowStart[a]; p < rowStart[a + 1]; p++) {
      const j = rowCol[p],
        v = rowVal[p];
      for (let q = colStart[j]; q < colStart[j + 1]; q++) {
        const b = colRow[q];
        if (!mark[b]) {
          mark[b] = 1;
          touched[t++] = b;
        }
        acc[b] += v * colVal[q];
      }
    }
    for (let k = 0; k < t; k++) {
      const b = touched[k];
      sumS4 += acc[b] * acc[b];
      acc[b] = 0;
      mark[b] = 0;
    }
  }
  return { sumS2, sumS4 };
}

/** PRX (13): PR^S = alpha PR^D / (1 + 2 alpha PR^D), large N. */
export function prSTheory(effectiveRank: number): number {
  return effectiveRank / (1 + 2 * effectiveRank);
}

/** PRX (14): edges [S_-, S_+] of the nonzero singular values of L R^T (D = 1), alpha < 1. */
export function singularValueEdges(alpha: number): { lower: number; upper: number } {
  const base = 1 + (5 * alpha) / 2 - (alpha * alpha) / 8;
  const width = (1 + alpha / 8) ** 1.5 * Math.sqrt(8 * alpha);
  return { lower: Math.sqrt(Math.max(0, base - width)), upper: Math.sqrt(base + width) };
}
