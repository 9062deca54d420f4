/**
 * A connectome's signs and its balanced normalisation, on J_ij from presynaptic j to postsynaptic i
 * (src/network/connectome.ts parses files into that convention).
 *
 * Signs (§6, PRX Table I): each presynaptic neuron's outgoing weights are multiplied by the sign of its
 * transmitter; the fly mapping is acetylcholine +1, GABA -1, glutamate -1, everything else "ignored",
 * which drops that neuron's outputs (or keeps them positive, by option).
 *
 * Balanced normalisation (§6): alternately, in every row scale the positive entries by one factor so their
 * L2 norm is 1/sqrt 2 and the negative entries by another so theirs is 1/sqrt 2, then the same on every
 * column; repeat until the largest deviation of any nonzero row or column part from 1/sqrt 2 is below tol.
 * Signs and sparsity are preserved; rows or columns with one sign keep norm 1/sqrt 2.
 */
import { type Connectome } from "./connectome.ts";

/** The paper's fly mapping (PRX Table I): ACh +1, GABA -1, glutamate -1; anything else is "ignored". */
export const FLY_SIGNS: Record<string, number> = { acetylcholine: 1, ach: 1, gaba: -1, glutamate: -1, glu: -1 };

/** Options of applySigns: the transmitter-to-sign map and what to do with unsigned neurons. */
export interface SignOptions {
  /** transmitter label (lower-cased) -> sign; default FLY_SIGNS */
  mapping?: Record<string, number>;
  /** what to do with neurons whose transmitter maps to no sign: "drop" their outputs (default) or "keep" them positive */
  unsigned?: "drop" | "keep";
}

/** What applySigns did: neurons per sign, dropped outputs. */
export interface SignSummary {
  excitatory: number;
  inhibitory: number;
  /** neurons with a label outside the mapping */
  ignored: number;
  /** neurons with no label at all */
  unlabelled: number;
  unsigned: "drop" | "keep";
}

/** Multiply each presynaptic neuron's column of J by the sign of its transmitter; returns a new J. */
export function applySigns(
  c: Connectome,
  transmitters: (string | null)[],
  opts: SignOptions = {},
): { J: Float64Array; summary: SignSummary } {
  const mapping = opts.mapping ?? FLY_SIGNS;
  const unsigned = opts.unsigned ?? "drop";
  const n = c.n;
  const J = Float64Array.from(c.J);
  const summary: SignSummary = { excitatory: 0, inhibitory: 0, ignored: 0, unlabelled: 0, unsigned };
  for (let j = 0; j < n; j++) {
    const label = transmitters[j];
    let s = label ? mapping[label.trim().toLowerCase()] : undefined;
    if (s === undefined) {
      if (label) summary.ignored++;
      else summary.unlabelled++;
      s = unsigned === "drop" ? 0 : 1;
    } else if (s > 0) summary.excitatory++;
    else summary.inhibitory++;
    if (s !== 1) for (let i = 0; i < n; i++) J[i * n + j] *= s;
  }
  return { J, summary };
}

/** The balanced-normalised matrix and the iteration's convergence record. */
export interface NormalizeResult {
  J: Float64Array;
  iterations: number;
  /** largest |norm - 1/sqrt 2| over the nonzero positive and negative parts of rows and columns */
  residual: number;
  converged: boolean;
}

/** The paper's balanced alternating row/column normalisation (see the module comment). Works on the
 *  nonzero entries only, O(nnz) per sweep, since connectomes are sparse. */
export function normalizeBalanced(
  J0: Float64Array,
  n: number,
  opts: { tol?: number; maxIter?: number } = {},
): NormalizeResult {
  const tol = opts.tol ?? 1e-10,
    maxIter = opts.maxIter ?? 2000;
  const target = Math.SQRT1_2;
  const idx: number[] = [];
  for (let k = 0; k < J0.length; k++) if (J0[k] !== 0) idx.push(k);
  const nnz = idx.length;
  const row = Int32Array.from(idx, (k) => Math.floor(k / n)),
    col = Int32Array.from(idx, (k) => k % n);
  const val = Float64Array.from(idx, (k) => J0[k]);
  const pos = new Float64Array(n),
    neg = new Float64Array(n);
  /** sums of squares of the positive and negative parts per row (by = row) or column (by = col) */
  const sums = (by: Int32Array) => {
    pos.fill(0);
    neg.fill(0);
    for (let e = 0; e < nnz; e++) {
      const v = val[e];
      if (v > 0) pos[by[e]] += v * v;
      else neg[by[e]] += v * v;
    }
  };
  const scale = (by: Int32Array) => {
    sums(by);
    for (let e = 0; e < nnz; e++) {
      const part = val[e] > 0 ? pos[by[e]] : val[e] < 0 ? neg[by[e]] : 0;
      if (part > 0) val[e] *= target / Math.sqrt(part); // an entry that underflowed to 0 stays 0
    }
  };
  const residualOf = (by: Int32Array) => {
    sums(by);
    let r = 0;
    for (let k = 0; k < n; k++) {
      if (pos[k] > 0) r = Math.max(r, Math.abs(Math.sqrt(pos[k]) - target));
      if (neg[k] > 0) r = Math.max(r, Math.abs(Math.sqrt(neg[k]) - target));
    }
    return r;
  };
  let residual = nnz ? Infinity : 0,
    it = 0;
  while (it < maxIter && residual > tol) {
    scale(row);
    scale(col);
    it++;
    residual = residualOf(row); // columns are exact after the column step
  }
  const J = new Float64Array(n * n);
  for (let e = 0; e < nnz; e++) J[row[e] * n + col[e]] = val[e];
  return { J, iterations: it, residual, converged: residual <= tol };
}
