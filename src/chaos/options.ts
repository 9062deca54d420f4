/**
 * lyapunov()'s options, result and defaults, and its cost from sizes alone (lyapunovCost: the CLI's --dry-run and the
 * checks before any work). src/chaos/lyapunov.ts runs the method.
 */
import type { Backend, PhiName } from "../backend/types.ts";
import type { BackendChoice } from "../backend/select.ts";
import type { Team } from "../backend/team.ts";
import type { DType } from "../errors.ts";
import type { Provenance } from "../provenance.ts";
import type { Method } from "../simulate/simulate.ts";
import { MULTIPLY_ADDS_PER_SECOND } from "../simulate/estimates.ts";

/** lyapunov()'s option names (a typo is named, not ignored) */
export const LYAPUNOV_OPTION_KEYS = [
  "k",
  "method",
  "dt",
  "burnIn",
  "warmUp",
  "duration",
  "qrEvery",
  "blocks",
  "phi",
  "dtype",
  "seed",
  "sigma",
  "input",
  "checkTwin",
  "backend",
  "onProgress",
  "signal",
  "maxSeconds",
  "team",
] as const;

/** Options of lyapunov(); every field has a default (see its comment). */
export interface LyapunovOptions {
  /** exponents to compute: 1..N, or "all" (default: ceil(N / 5), enough for D_KY of i.i.d. tanh networks) */
  k?: number | "all";
  /** "rk4": the flow's exponents (RK4 tangent); "euler": those of the Euler map with step dt (default rk4) */
  method?: Method;
  dt?: number;
  /** time units of the state alone before the frame starts (default 100) */
  burnIn?: number;
  /** time units the frame is advanced and re-orthonormalised before its logs count (default 50) */
  warmUp?: number;
  /** observed time units (default 200) */
  duration?: number;
  /** time units between QR steps, a whole number of steps (default 0.5) */
  qrEvery?: number;
  /** observation blocks for the error bars (default 8) */
  blocks?: number;
  phi?: PhiName;
  /** the state's and the frame's dtype (the QR and sums are float64) (default float64) */
  dtype?: DType;
  seed?: number;
  sigma?: number;
  input?: number | Float64Array;
  /** also estimate lambda_1 from a twin trajectory (default false) */
  checkTwin?: boolean;
  backend?: BackendChoice | Backend;
  /** called as the run advances (time, fraction done, phase) */
  onProgress?: (p: { t: number; fraction: number; phase: "burn-in" | "warm-up" | "observation" }) => void;
  signal?: AbortSignal;
  /** refuse runs whose time estimate is above this (seconds; default a day) */
  maxSeconds?: number;
  /** threads sharing the steps (src/io/team-pool.ts createTeam in Node): used on the wasm backend of the same
   *  build, with the same numbers as one thread; the twin trajectory stays on the backend */
  team?: Team;
}

/** What lyapunov() returns. */
export interface LyapunovResult {
  params: {
    n: number;
    k: number;
    method: Method;
    dt: number;
    burnIn: number;
    warmUp: number;
    duration: number;
    qrEvery: number;
    blocks: number;
    phi: PhiName;
    dtype: DType;
    seed: number;
    sigma: number;
    input: string;
    coupling: string;
    backend: string;
    /** threads that shared the steps (a team's size when one was used) */
    stepThreads: number;
    /** "flow" (RK4 tangent) or "euler map (delta = dt)" */
    meaning: string;
  };
  provenance: Provenance;
  results: {
    /** the k leading exponents per unit time, in the QR's order (descending up to finite-time fluctuations) */
    exponents: number[];
    /** their delete-one-block jackknife standard errors */
    errors: number[];
    lambdaMax: number;
    lambdaMaxError: number;
    /** Kaplan–Yorke dimension; null when the k exponents do not reach the crossing (kaplanYorkeStatus says so) */
    kaplanYorkeDimension: number | null;
    kaplanYorkeFraction: number | null;
    kaplanYorkeStatus: string;
    /** sum of the positive exponents (Pesin); a lower bound when all k are positive and k < N */
    ksEntropy: number;
    ksEntropyPerNeuron: number;
    /** positive exponents among the k, and their number per neuron */
    positiveCount: number;
    positiveFraction: number;
    /** each block's exponents (blocks x k, in the order of `exponents`) */
    blockExponents: number[][];
    /** lambda_1's running estimate at the end of each QR interval of the observation */
    trace: { t: number[]; lambda1: number[] };
    /** the twin-trajectory estimate of lambda_1 (checkTwin) and its difference from lambda_1 in combined errors */
    twin: { lambda1: number; error: number; z: number } | null;
    seconds: number;
  };
}

export const DEFAULTS = { burnIn: 100, warmUp: 50, duration: 200, qrEvery: 0.5, blocks: 8, dt: 0.05 };

/** what one WebAssembly (wasm32) instance may hold for a lyapunov run: 4 GiB less room for the runtime's own data */
export const LYAPUNOV_BYTES_MAX = 3.5 * 2 ** 30;

/**
 * A lower bound on a lyapunov() run's time and its memory in one WebAssembly instance, from sizes alone (before
 * J is drawn; the CLI's --dry-run prints it): the steps' O(N^2 (k + 1)) (dense) or O(N M (k + 1)) products, four
 * per RK4 step, and the QRs' O(N k^2), at MULTIPLY_ADDS_PER_SECOND; the coupling, six (k + 1) x N buffers and the
 * float64 frame.
 *
 * @param n neurons
 * @param coupling dense, or low-rank with m modes
 * @param options lyapunov()'s options (k, method, dt, burnIn, warmUp, duration, qrEvery, dtype)
 */
export function lyapunovCost(
  n: number,
  coupling: { kind: "dense" } | { kind: "lowrank"; m: number },
  options: Pick<LyapunovOptions, "k" | "method" | "dt" | "burnIn" | "warmUp" | "duration" | "qrEvery" | "dtype"> = {},
): { k: number; steps: number; seconds: number; bytes: number } {
  const k = options.k === "all" ? n : Math.min(n, options.k ?? Math.ceil(n / 5));
  const dt = options.dt ?? DEFAULTS.dt;
  const qrEvery = options.qrEvery ?? DEFAULTS.qrEvery;
  const frameTime = (options.warmUp ?? DEFAULTS.warmUp) + (options.duration ?? DEFAULTS.duration);
  const steps = Math.round(((options.burnIn ?? DEFAULTS.burnIn) + frameTime) / dt);
  const stages = (options.method ?? "rk4") === "rk4" ? 4 : 1;
  const product = coupling.kind === "dense" ? n * n : 2 * n * coupling.m;
  const multiplyAdds = steps * stages * (k + 1) * product + (frameTime / qrEvery) * 2 * n * k * k;
  const size = (options.dtype ?? "float64") === "float64" ? 8 : 4;
  const couplingBytes = size * (coupling.kind === "dense" ? n * n : 2 * n * coupling.m + coupling.m);
  const bytes = couplingBytes + 6 * size * (k + 1) * n + 8 * (k * n + 17 * k);
  return { k, steps, seconds: multiplyAdds / MULTIPLY_ADDS_PER_SECOND, bytes };
}
