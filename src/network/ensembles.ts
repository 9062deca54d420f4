/**
 * Coupling ensembles (THEORY §1.4, §2): every draw takes an explicit seed, with independent RNG streams
 * per random object (STREAMS), so e.g. changing the gains never changes J.
 *
 * i.i.d.:       J_ij ~ N(0, g^2/N).  Partially symmetric (§2.7, PRX (H2)), sigma = rho g^2:
 *               J = sqrt(g^2 - |sigma|) X + sqrt(|sigma|/2) (Y + sgn(sigma) Y^T),  X, Y i.i.d. N(0, 1/N)
 *               => Var J_ij = g^2/N and corr(J_ij, J_ji) = rho for i != j.
 * random-mode:  J = L diag(D) R^T, L and R N x M with i.i.d. N(0, 1/N) entries, alpha = M/N, kept factored
 *               (the dynamics use the O(N M) path). D is rescaled so that g_eff^2 = alpha r_2 q_2 = g^2.
 *               Modes with D_a = 0 (step spectrum) are dropped from the factors (J is unchanged) but stay in
 *               the moments r_n, as in the paper's definition.
 * overlaps:     (§2.6, App. K) L_ia = sqrt(1-|rho_a|) X1_ia + sqrt(|rho_a|) Y_ia,
 *               R_ia = sqrt(1-|rho_a|) X2_ia + sgn(rho_a) sqrt(|rho_a|) Y_ia, so l_a . r_a -> rho_a;
 *               profile rho_a = gamma_rho (1 - 2 / (1 + exp(-beta_rho (a/N - u_flip)))), beta_rho = 16,
 *               u_flip found by bisection so that <D rho> = 0 (no O(1) autapses: <J_ii> = alpha <D rho>).
 * gains:        G_i = exp(-beta_G i / N) with PR^G = q_2^2/q_4 = target, normalised to q_2 = <G^2> = 1 so
 *               g_eff is unchanged; or a user array (not normalised; then g sets alpha r_2 q_2 = g^2).
 * `g` is always the target g_eff = sqrt(N) std(J_ij) (with gains: the effective one).
 */
import { checkFinite, checkOneOf, checkSize, invalid, checkG, checkKeys } from "../errors.ts";
import { STREAMS, fillNormal, seedState } from "../backend/rng.ts";
import { exponentialProfile, moment, participationRatio, solveExponentialBeta, type SpectrumKind } from "./spectra.ts";
import { resolveSpectrum, overlapProfile, solveUFlip } from "./rmm-spectrum.ts";

/** Per-neuron gains: drawn with a target participation ratio PR^G, or given (one per neuron). */
export type GainSpec = { prG: number } | Float64Array;

/** An i.i.d. Gaussian coupling matrix, N Var J_ij = g^2 (optionally partially symmetric). */
export interface IidSpec {
  coupling: "iid";
  n: number;
  g: number;
  /** rho in [-1, 1]: correlation of J_ij and J_ji (default 0) */
  symmetry?: number;
  seed: number;
  gains?: GainSpec;
}

/** The random-mode model J = L diag(D) R^T with a mode spectrum, effective rank alpha PR^D and optional overlaps. */
export interface RmmSpec {
  coupling: "rmm";
  n: number;
  g: number;
  /** M / N (default 1; set by effectiveRank when that is given) */
  alpha?: number;
  /** default "exponential" when prD or betaD is given, else "flat"; or the strengths D_a themselves */
  spectrum?: SpectrumKind | Float64Array;
  betaD?: number;
  /** target PR^D in (0, 1] */
  prD?: number;
  /** power-law exponent gamma >= 0 */
  gamma?: number;
  /** target alpha PR^D; below 1: alpha = 1, exponential spectrum; 1 and above: flat spectrum, alpha = target */
  effectiveRank?: number;
  /** structured diagonal overlaps: the sigmoid profile's gamma_rho (and beta_rho, default 16), or rho_a */
  overlap?: { gamma: number; beta?: number } | Float64Array;
  seed: number;
  gains?: GainSpec;
}

/** What makeNetwork draws. */
export type NetworkSpec = IidSpec | RmmSpec;

/** A dense N x N coupling matrix (row-major, J_ij from j to i). */
export interface DenseCoupling {
  kind: "dense";
  n: number;
  /** n x n row-major, J_ij = coupling from j to i */
  J: Float64Array;
}
/** A factored coupling matrix J = L diag(D) R^T (never formed densely). */
export interface LowRankCoupling {
  kind: "lowrank";
  n: number;
  /** number of stored (nonzero-strength) modes */
  m: number;
  /** n x m row-major */
  L: Float64Array;
  D: Float64Array;
  /** n x m row-major */
  R: Float64Array;
}

/** The realised ensemble parameters of a drawn network (targets and what the draw gave). */
export interface EnsembleSummary {
  n: number;
  /** modes in the spectrum (including zero strengths) */
  modes: number;
  alpha: number;
  r2: number;
  r4: number;
  prD: number;
  effectiveRank: number;
  /** target g_eff */
  g: number;
  q2: number;
  q4: number;
  prG: number;
  /** spectrum parameter found or given (beta_D, gamma) */
  betaD?: number;
  gamma?: number;
  uFlip?: number;
  symmetry?: number;
}

/** A drawn network: its spec, coupling, gains and summary; input to simulate(). */
export interface Network {
  spec: NetworkSpec;
  coupling: DenseCoupling | LowRankCoupling;
  gains: Float64Array | null;
  /** full strength spectrum D_a (a = 1..M, zeros included), rmm only */
  strengths: Float64Array | null;
  /** rho_a per stored mode, rmm with overlaps only */
  rho: Float64Array | null;
  summary: EnsembleSummary;
}

function normals(seed: number, stream: number, length: number, std: number): Float64Array {
  const out = new Float64Array(length);
  fillNormal(seedState(seed, stream), length, 0, std, out);
  return out;
}

/** The largest dense network: J as float32 must fit one wasm32 instance (4 GiB, with the state and statistics). */
export const DENSE_N_MAX = 32768;

/** Refuse a dense J larger than DENSE_N_MAX before drawing it, with what it would take. */
export function checkDenseN(n: number, what: string): void {
  if (n > DENSE_N_MAX)
    throw invalid(
      "n",
      `is too large for ${what}: N^2 entries take ${((8 * n * n) / 2 ** 30).toFixed(1)} GiB as drawn (float64) and ` +
        `${((4 * n * n) / 2 ** 30).toFixed(1)} GiB as float32, more than one wasm32 instance holds (4 GiB: ` +
        `N <= ${DENSE_N_MAX}); the random-mode model at low effective rank (coupling "rmm", memory O(N M)) goes further`,
      n,
    );
}

const IID_KEYS = ["coupling", "n", "g", "symmetry", "seed", "gains"] as const;
const RMM_KEYS = [
  "coupling",
  "n",
  "g",
  "alpha",
  "spectrum",
  "betaD",
  "prD",
  "gamma",
  "effectiveRank",
  "overlap",
  "seed",
  "gains",
] as const;

/** A network spec holds only its kind's keys (checkKeys: a typo such as `effectiverank` is named, not ignored). */
export function checkSpecKeys(spec: NetworkSpec): void {
  checkKeys(`a ${spec.coupling} network spec`, spec, spec.coupling === "rmm" ? RMM_KEYS : IID_KEYS);
}

/** The most neurons any network has here (the mode arrays of the random-mode model are O(N) float64 each). */
export const N_MAX = 2 ** 24;

function checkN(n: unknown): number {
  const v = checkSize("n", n);
  if (v < 2 || v > N_MAX) throw invalid("n", `must be an integer from 2 to ${N_MAX} (number of neurons)`, n);
  return v;
}

/** The exponential profile is deterministic in i (neurons are exchangeable); a user array is taken as given. */
function resolveGains(spec: GainSpec | undefined, n: number): Float64Array | null {
  if (spec === undefined) return null;
  if (spec instanceof Float64Array) {
    if (spec.length !== n) throw invalid("gains", `must have length n = ${n}`, spec);
    let any = false;
    for (const v of spec) {
      if (!Number.isFinite(v) || v < 0) throw invalid("gains", "must hold finite values >= 0", v);
      if (v > 0) any = true;
    }
    if (!any) throw invalid("gains", "must not be all zero", spec);
    return Float64Array.from(spec);
  }
  if (typeof spec !== "object" || spec === null)
    throw invalid("gains", "must be { prG } or a Float64Array", spec, TypeError);
  const prG = checkFinite("gains.prG", spec.prG);
  if (!(prG > 1 / n && prG <= 1)) throw invalid("gains.prG", `must be in (1/n, 1] = (${1 / n}, 1]`, prG);
  const G = exponentialProfile(n, solveExponentialBeta(n, prG, "gains.prG"));
  const s = 1 / Math.sqrt(moment(G, 2));
  for (let i = 0; i < n; i++) G[i] *= s;
  return G;
}

function gainMoments(G: Float64Array | null) {
  if (!G) return { q2: 1, q4: 1, prG: 1 };
  const q2 = moment(G, 2),
    q4 = moment(G, 4);
  return { q2, q4, prG: (q2 * q2) / q4 };
}

function makeIid(spec: IidSpec): Network {
  const n = checkN(spec.n);
  const g = checkG("g", spec.g);
  const rho = checkFinite("symmetry", spec.symmetry ?? 0, { min: -1, max: 1 });
  const gains = resolveGains(spec.gains, n);
  const gm = gainMoments(gains);
  const gBare = g / Math.sqrt(gm.q2); // J's own scale so that g_eff^2 = g_bare^2 q_2 = g^2
  checkDenseN(n, "an i.i.d. J");
  // J scaled in place from its normals: one N x N array (N = 16384: 2 GiB, not 4)
  const J = normals(spec.seed, STREAMS.couplingX, n * n, 1 / Math.sqrt(n));
  const sigma = rho * gBare * gBare;
  const a = Math.sqrt(gBare * gBare - Math.abs(sigma));
  for (let i = 0; i < n * n; i++) J[i] *= a;
  if (sigma !== 0) {
    const Y = normals(spec.seed, STREAMS.couplingY, n * n, 1 / Math.sqrt(n));
    const b = Math.sqrt(Math.abs(sigma) / 2),
      sgn = Math.sign(sigma);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) J[i * n + j] += b * (Y[i * n + j] + sgn * Y[j * n + i]);
  }
  return {
    spec,
    coupling: { kind: "dense", n, J },
    gains,
    strengths: null,
    rho: null,
    summary: { n, modes: n, alpha: 1, r2: NaN, r4: NaN, prD: NaN, effectiveRank: Infinity, g, ...gm, symmetry: rho },
  };
}

/**
 * The random-mode model's deterministic part: the nonzero mode strengths D_a (scaled to alpha r_2 q_2 =
 * g^2) and their overlaps rho_a (null without overlaps), without drawing the modes — what the mean-field
 * theory needs (src/theory/structured.ts).
 */
export function rmmModes(spec: RmmSpec) {
  checkSpecKeys(spec);
  const n = checkN(spec.n);
  const g = checkG("g", spec.g);
  const { D: Dfull, alpha, betaD, gamma } = resolveSpectrum(spec, n);
  const gains = resolveGains(spec.gains, n);
  const gm = gainMoments(gains);
  const r2raw = moment(Dfull, 2);
  if (!(r2raw > 0)) throw invalid("spectrum", "must have at least one nonzero strength", spec.spectrum);
  // rescale: alpha r_2 q_2 = g^2
  const scale = g / Math.sqrt(alpha * r2raw * gm.q2);
  const strengths = Dfull.map((v) => v * scale);
  // overlaps over the full spectrum (u_flip depends on all modes), then keep nonzero modes
  let rhoFull: Float64Array | null = null;
  let uFlip: number | undefined;
  if (spec.overlap !== undefined) {
    if (spec.overlap instanceof Float64Array) {
      if (spec.overlap.length !== Dfull.length)
        throw invalid("overlap", `must have one rho_a per mode (${Dfull.length})`, spec.overlap);
      for (const v of spec.overlap) if (!(Math.abs(v) <= 1)) throw invalid("overlap", "must hold values in [-1, 1]", v);
      rhoFull = Float64Array.from(spec.overlap);
    } else {
      if (typeof spec.overlap !== "object" || spec.overlap === null)
        throw invalid("overlap", "must be { gamma, beta? } or a Float64Array", spec.overlap, TypeError);
      const gr = checkFinite("overlap.gamma", spec.overlap.gamma, { min: -1, max: 1 });
      const br = checkFinite("overlap.beta", spec.overlap.beta ?? 16, { positive: true });
      if (gr !== 0) {
        uFlip = solveUFlip(strengths, n, gr, br);
        rhoFull = overlapProfile(Dfull.length, n, gr, br, uFlip);
      }
    }
  }
  const keep: number[] = [];
  for (let a = 0; a < strengths.length; a++) if (strengths[a] !== 0) keep.push(a);
  const D = Float64Array.from(keep, (a) => strengths[a]);
  const rho = rhoFull ? Float64Array.from(keep, (a) => rhoFull![a]) : null;
  return { n, g, alpha, betaD, gamma, gains, gm, strengths, D, rho, uFlip };
}

function makeRmm(spec: RmmSpec): Network {
  const { n, g, alpha, betaD, gamma, gains, gm, strengths, D, rho, uFlip } = rmmModes(spec);
  const m = D.length;
  // simulated densely when M > N/2 (src/simulate/simulate.ts); else L and R^T (float32) share a wasm32 instance
  if (m > n / 2) checkDenseN(n, `a random-mode J with M = ${m} > N/2 modes (simulated as a dense matrix)`);
  else if (2 * n * m * 4 > 3 * 2 ** 30)
    throw invalid(
      "n",
      `is too large for M = ${m} modes: L and R take ${((2 * n * m * 4) / 2 ** 30).toFixed(1)} GiB as float32, more ` +
        "than one wasm32 instance holds with the state (3 GiB); lower N or the effective rank",
      n,
    );
  const sd = 1 / Math.sqrt(n);
  const X1 = normals(spec.seed, STREAMS.modesL, n * m, sd);
  const X2 = normals(spec.seed, STREAMS.modesR, n * m, sd);
  let L = X1,
    R = X2;
  if (rho) {
    const Y = normals(spec.seed, STREAMS.modesShared, n * m, sd);
    L = new Float64Array(n * m);
    R = new Float64Array(n * m);
    for (let a = 0; a < m; a++) {
      const p = Math.abs(rho[a]),
        c = Math.sqrt(1 - p),
        s = Math.sqrt(p),
        sg = Math.sign(rho[a]);
      for (let i = 0; i < n; i++) {
        const k = i * m + a;
        L[k] = c * X1[k] + s * Y[k];
        R[k] = c * X2[k] + sg * s * Y[k];
      }
    }
  }
  const r2 = moment(strengths, 2),
    r4 = moment(strengths, 4);
  const prD = participationRatio(strengths);
  return {
    spec,
    coupling: { kind: "lowrank", n, m, L, D, R },
    gains,
    strengths,
    rho,
    summary: {
      n,
      modes: strengths.length,
      alpha,
      r2,
      r4,
      prD,
      effectiveRank: alpha * prD,
      g,
      ...gm,
      ...(betaD !== undefined ? { betaD } : {}),
      ...(gamma !== undefined ? { gamma } : {}),
      ...(uFlip !== undefined ? { uFlip } : {}),
    },
  };
}

/**
 * Draw a network from an ensemble (see the module comment). Deterministic in `seed`.
 *
 * @param spec { coupling: "iid" | "rmm", n, g, seed, … } (IidSpec or RmmSpec)
 * @returns the Network (coupling, gains, summary)
 * @example
 * const net = makeNetwork({ coupling: "rmm", n: 2000, g: 6, effectiveRank: 0.5, seed: 7 });
 * net.summary.effectiveRank;
 */
export function makeNetwork(spec: NetworkSpec): Network {
  if (!spec || typeof spec !== "object") throw invalid("spec", "must be an object", spec, TypeError);
  checkSize("seed", spec.seed, Number.MAX_SAFE_INTEGER);
  const kind = checkOneOf("coupling", spec.coupling, ["iid", "rmm"] as const);
  checkSpecKeys(spec);
  return kind === "iid" ? makeIid(spec as IidSpec) : makeRmm(spec as RmmSpec);
}

/** The dense matrix J (n x n) of any network; forms L diag(D) R^T for random-mode networks (O(n^2 m)). */
export function denseJ(net: Network): Float64Array {
  const c = net.coupling;
  if (c.kind === "dense") return c.J;
  const { n, m, L, D, R } = c;
  const J = new Float64Array(n * n);
  const LD = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < m; a++) LD[a] = L[i * m + a] * D[a];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += LD[a] * R[j * m + a];
      J[i * n + j] = s;
    }
  }
  return J;
}

/**
 * A random-mode stand-in for a measured coupling matrix (THEORY §6): D_a = its singular values S_a (alpha =
 * 1 for a square matrix), with fresh random modes, so g_eff^2 = sum S^2 / N = N Var J_ij as in the original
 * (for zero-mean J). With `overlaps` (the measured u_a . v_a, clipped to [-1, 1]) the modes get those
 * diagonal overlaps (PRX Fig. 6: "RMM with fly overlaps"); without, they are independent.
 */
export function standInNetwork(singular: Float64Array, seed: number, overlaps?: Float64Array): Network {
  const n = singular.length;
  let s2 = 0;
  for (const v of singular) s2 += v * v;
  const overlap = overlaps ? overlaps.map((v) => Math.max(-1, Math.min(1, v))) : undefined;
  return makeNetwork({
    coupling: "rmm",
    n,
    g: Math.sqrt(s2 / n),
    spectrum: Float64Array.from(singular),
    overlap,
    seed,
  });
}
