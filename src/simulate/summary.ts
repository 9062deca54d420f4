/**
 * The streaming statistics' summary (src/simulate/stats.ts accumulates): the groups' sums added in group order,
 * the lagged covariances and their traces, the per-block covariances and their Gram sums for the cross-block
 * estimator (THEORY §5.1), formed on the backend from the stored samples or the N x N sums, whichever the run kept.
 */
import { crossBlock, jackknife } from "../stats/estimators.ts";
import type { Backend } from "../backend/types.ts";
import { type CovarianceSummary, type AccumulatorState } from "./stats.ts";
import { addInOrder, mirrorUpper, sampleReweightedPr, summarizeSamples, withinTrialAutocovariance } from "./gram.ts";

/** Add the groups' sums (in the given order) and derive the statistics (see the module comment); `be` does
 *  the products C_0 a(t_s) of stored samples and the blocks' Gram sums. Takes ownership of the groups' arrays:
 *  sums are added into the first group's, C_0 is formed in place of S_0, and the summary's blockS are the
 *  groups' own arrays (every caller passes fresh state(), so no copy of O(B N^2) floats is made). */
export function summarize(groups: AccumulatorState[], be: Backend): CovarianceSummary {
  const g0 = groups[0];
  if (groups.some((g) => g.space !== g0.space)) throw new Error("summarize: groups of different spaces");
  if (g0.space === "samples") return summarizeSamples(groups, be);
  const n = g0.n,
    L = g0.lags,
    Lf = g0.fullLags,
    T = g0.samplesPerTrial,
    nn = n * n;
  const K = groups.reduce((a, g) => a + g.trials, 0);
  for (const g of groups) {
    if (g.samplesPerTrial !== T || g.n !== n || g.lags !== L || g.fullLags !== Lf || !g.samples !== !g0.samples)
      throw new Error("summarize: groups of different shape");
  }
  // Sums over groups, in group order, added into the first group's array. A block with no samples in a group
  // (trial blocks live in one group) has all-zero sums there and is skipped.
  const lagSums = addInOrder(groups.map((g) => g.lagSums)),
    diag = addInOrder(groups.map((g) => g.diag)),
    sum = addInOrder(groups.map((g) => g.sum));
  const blockS = g0.blockS.map((_, k) => {
    const parts = groups.filter((g) => g.blockCount[k] > 0).map((g) => g.blockS[k]);
    return parts.length ? addInOrder(parts) : new Float64Array(nn);
  });
  const blockCount = g0.blockCount.map((_, k) => groups.reduce((a, g) => a + g.blockCount[k], 0));
  const pairs = Float64Array.from({ length: L + 1 }, (_, l) => K * Math.max(0, T - l));
  const total = K * T;
  const mean = sum.map((v) => v / total);
  let mu2 = 0;
  for (const v of mean) mu2 += v * v;
  // The blocks' Gram sums (below) and S_0 as the sum of all blocks in block order (the same
  // numbers however the trials were grouped); C_0 is formed in place of S_0
  const s0 = new Float64Array(nn);
  const B = blockS.length;
  const { gram, quad } = blockGram(be, n, blockS, mean, s0);
  const c0 = centred(s0, pairs[0], mean, s0);
  let tr0 = 0,
    fro = 0;
  for (let i = 0; i < n; i++) tr0 += c0[i * n + i];
  for (let i = 0; i < nn; i++) fro += c0[i] * c0[i];
  const autocovariance = Float64Array.from({ length: L + 1 }, (_, l) => (diag[l] / pairs[l] - mu2) / n);
  const withinTrial = withinTrialAutocovariance(groups, diag, pairs, n);
  // Psi(tau_l, 0) = (1/N) sum_ij C_l,ij C_0,ij without forming C_l
  const psi = new Float64Array(Lf + 1);
  psi[0] = fro / n;
  if (g0.samples) {
    const lagged = laggedWithC0(
      be,
      c0,
      groups.map((g) => g.samples!),
      n,
      T,
      Lf,
    );
    let muCmu = 0;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += c0[i * n + j] * mean[j];
      muCmu += mean[i] * r;
    }
    for (let l = 1; l <= Lf; l++) psi[l] = (lagged[l] / pairs[l] - muCmu) / n;
  } else
    for (let l = 1; l <= Lf; l++) {
      const o = (l - 1) * nn,
        np = pairs[l];
      let dot = 0;
      for (let i = 0; i < n; i++) {
        const mi = mean[i],
          r = i * n;
        for (let j = 0; j < n; j++) dot += (lagSums[o + r + j] / np - mi * mean[j]) * c0[r + j];
      }
      psi[l] = dot / n;
    }
  // cross-block estimator. Each block's covariance is taken about the pooled mean, not the block's own:
  // subtracting block means would remove the variance of collective modes slower than a block
  // (leading-PC timescales can be long, PRL Fig. 4) and bias PR upwards. With C^(b) = S_b / n_b - mu mu^T,
  //   tr C^(b) = tr S_b / n_b - |mu|^2,
  //   sum_ij C^(a)_ij C^(b)_ij = G_ab / (n_a n_b) - mu^T S_a mu / n_a - mu^T S_b mu / n_b + |mu|^4,
  // with the Gram matrix G_ab = sum_ij S_a,ij S_b,ij (blockGram above): no block covariance is formed.
  const blockTrace = Float64Array.from(blockS, (S, b) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += S[i * n + i];
    return t / blockCount[b] - mu2;
  });
  const pairTraces = new Float64Array(B * B);
  let cross = 0,
    count = 0;
  for (let a = 0; a < B; a++)
    for (let b = a + 1; b < B; b++) {
      const na = blockCount[a],
        nb = blockCount[b];
      const v = gram[a * B + b] / (na * nb) - quad[a] / na - quad[b] / nb + mu2 * mu2;
      pairTraces[a * B + b] = pairTraces[b * B + a] = v;
      cross += v;
      count++;
    }
  cross = count ? cross / count : NaN;
  let mt = 0;
  for (const t of blockTrace) mt += t / blockTrace.length;
  const prCrossBlockSE = jackknife(n, blockTrace, pairTraces);
  return {
    n,
    lags: L,
    blocks: B,
    samples: total,
    space: "sums",
    c0,
    mean,
    variance: Float64Array.from({ length: n }, (_, i) => c0[i * n + i]),
    autocovariance,
    withinTrial,
    psi,
    prPlugin: (tr0 * tr0) / (n * fro),
    prCrossBlock: (mt * mt) / (n * cross),
    prCrossBlockSE,
    blockTrace,
    crossBlockTrace2: cross,
    blockS,
    blockCount,
    stored: null,
  };
}

/** <S_l, C_0> = sum over trials and s >= l of y_s . a(t_{s-l}) with y_s = C_0 a(t_s), l = 1..Lf, from the
 *  stored samples (each group's trials x T x n, in group order): the products in the backend, CHUNK samples
 *  at a time as float64. */
function laggedWithC0(
  be: Backend,
  c0: Float64Array,
  groups: (Float32Array | Float64Array)[],
  n: number,
  T: number,
  Lf: number,
): Float64Array {
  const CHUNK = 64;
  const out = new Float64Array(Lf + 1);
  const cb = be.alloc("float64", n * n),
    xb = be.alloc("float64", CHUNK * n),
    yb = be.alloc("float64", CHUNK * n);
  try {
    be.write(cb, c0);
    for (const a of groups) {
      for (let t0 = 0; t0 < a.length; t0 += T * n) {
        for (let s0 = 0; s0 < T; s0 += CHUNK) {
          const k = Math.min(CHUNK, T - s0);
          be.write(xb, a.subarray(t0 + s0 * n, t0 + (s0 + k) * n));
          be.matmat(n, n, k, cb, xb, yb);
          const y = be.view(yb);
          for (let s = 0; s < k; s++) {
            const ys = s * n;
            for (let l = 1; l <= Math.min(Lf, s0 + s); l++) {
              const b = t0 + (s0 + s - l) * n;
              let dot = 0;
              for (let i = 0; i < n; i++) dot += y[ys + i] * a[b + i];
              out[l] += dot;
            }
          }
        }
      }
    }
  } finally {
    be.free(cb);
    be.free(xb);
    be.free(yb);
  }
  return out;
}

/** The blocks' mean-subtracted covariances C^(b) = S_b / n_b - mu mu^T (for reweighted estimators, e.g. gains),
 *  whole (the block sums hold their upper triangles only). N x N space only. */
export function blockCovariances(s: CovarianceSummary): Float64Array[] {
  if (!s.blockS) throw new Error("blockCovariances: the summary was formed in sample space (no N x N block sums)");
  return s.blockS.map((S, b) => {
    const c = centred(S, s.blockCount[b], s.mean);
    mirrorUpper(c, s.n);
    return c;
  });
}

/** The cross-block PR of the reweighted covariance diag(w) C diag(w), in the summary's space: returns a function
 *  of w (the N x N path forms the block covariances once for all the weightings it is called with). */
export function reweightedPr(s: CovarianceSummary, be: Backend): (w: Float64Array) => number {
  if (s.space === "samples") return (w) => sampleReweightedPr(s, be, w);
  let blockCov: Float64Array[] | null = null;
  return (w) => {
    blockCov ??= blockCovariances(s);
    const { trace, cross } = crossBlock(s.n, blockCov, w);
    let mt = 0;
    for (const t of trace) mt += t / trace.length;
    return (mt * mt) / (s.n * cross);
  };
}

/** C = S / count - mu mu^T from the first n^2 entries of S (a lag-0 sum), into `out` (which may be S). */
function centred(
  S: Float64Array,
  count: number,
  mean: Float64Array,
  out: Float64Array = new Float64Array(mean.length ** 2),
): Float64Array {
  const n = mean.length;
  for (let i = 0; i < n; i++) {
    const mi = mean[i],
      r = i * n;
    for (let j = 0; j < n; j++) out[r + j] = S[r + j] / count - mi * mean[j];
  }
  return out;
}

/** The blocks' Gram matrix G_ab = sum_ij S_a,ij S_b,ij (a < b; upper triangle of G) and mu^T S_a mu, and
 *  sum_a S_a written to `total` (whole), by the
 *  backend's gramUpper over bands of rows (~1 MB of the B blocks at a time, copied into backend memory). The lag-0
 *  sums are symmetric and hold their upper triangles only (covSymAccum), so both are sums over the upper
 *  triangles: the diagonal once, the rest twice. */
function blockGram(
  be: Backend,
  n: number,
  blocks: Float64Array[],
  mean: Float64Array,
  total: Float64Array,
): { gram: Float64Array; quad: Float64Array } {
  const B = blocks.length;
  const rows = Math.max(1, Math.min(n, Math.floor(2 ** 17 / (B * n))));
  const s = be.alloc("float64", B * rows * n),
    mu = be.alloc("float64", n),
    g = be.alloc("float64", B * B),
    q = be.alloc("float64", B);
  const t = be.alloc("float64", rows * n);
  try {
    be.write(mu, mean);
    be.fill(g, 0);
    be.fill(q, 0);
    for (let r0 = 0; r0 < n; r0 += rows) {
      const r = Math.min(rows, n - r0);
      blocks.forEach((S, a) => be.write(s, S.subarray(r0 * n, (r0 + r) * n), a * r * n));
      be.gramUpper(n, B, r0, r, s, mu, g, q);
      // the band of sum_a S_a, blocks added in order (the rows' entries below the diagonal are mirrored after)
      const band = be.sub(t, 0, r * n);
      be.fill(band, 0);
      be.rowSumAccum(r * n, B, be.sub(s, 0, B * r * n), band);
      total.set(be.view(band), r0 * n);
    }
    mirrorUpper(total, n);
    return { gram: be.read(g) as Float64Array, quad: be.read(q) as Float64Array };
  } finally {
    for (const b of [s, mu, g, q, t]) be.free(b);
  }
}
