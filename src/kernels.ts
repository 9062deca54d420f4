/**
 * Checked kernel API on plain typed arrays: validate every argument, copy into the backend, run one
 * kernel, copy the result out. Same maths and layouts as src/backend/types.ts:
 *
 *   matvec   y = A x                              A m x n row-major
 *   matmat   Y[b] = A X[b], b < k                 X k x n, Y k x m (trajectory-major)
 *   lowrank  Y[b] = L diag(d) R^T V[b]            L, R n x m: O(n m) work instead of O(n^2)
 *   phi      g ⊙ phi(x);  dphi: phi'(x)           phi = tanh or erf(sqrt(pi) x / 2)
 *   eulerStep, rk4Step: one step of dx/dt = -x + J (g ⊙ phi(x)) + input, k trajectories
 *   covLagAccumulate  C_l += sum_s a(t_s) a(t_s - l)^T   (float64 accumulators)
 *   trace, sumsq (||C||_F^2), dot (tr A B^T), traceProd (tr A B)
 *   normal   seeded N(mean, std^2) draws, identical on both backends
 *
 * Each call copies its arrays, which is fine for checks and small jobs; long runs (simulation) keep their
 * state inside the backend and call Backend methods directly.
 */
import { transposed, withBuffers } from "./backend/buffers.ts";
import {
  checkArray,
  checkDType,
  checkFinite,
  checkOneOf,
  checkSize,
  dtypeOf,
  invalid,
  type DType,
  type FloatArray,
} from "./errors.ts";
import { createBackend, type BackendChoice } from "./backend/select.ts";
import { seedState } from "./backend/rng.ts";
import { PHI_KINDS, type Backend, type Buf, type Coupling, type PhiName } from "./backend/types.ts";

export type { FloatArray, DType };
/** The nonlinearities by name. */
export const PHI_NAMES = Object.keys(PHI_KINDS) as PhiName[];

/** A coupling matrix given as arrays: dense J (n x n) or J = L diag(d) R^T with L, R n x m. */
export type CouplingArrays =
  { kind: "dense"; J: FloatArray } | { kind: "lowrank"; L: FloatArray; d: FloatArray; R: FloatArray; m: number };

/** Options of one Euler/RK4 step through Kernels. */
export interface StepOptions {
  /** number of neurons */
  n: number;
  /** number of trajectories in x (x has k * n values); default 1 */
  k?: number;
  /** time step, in units of the neuron time constant */
  dt: number;
  /** nonlinearity; default "tanh" */
  phi?: PhiName;
  /** per-neuron gains G (n values); default all 1 */
  gains?: FloatArray;
  /** constant input (n values, shared by all trajectories); default 0 */
  input?: FloatArray;
}

/** Checked, copying wrappers of a backend's kernels (typed arrays in and out); get one from loadKernels(). */
export class Kernels {
  constructor(readonly backend: Backend) {}

  /** Copy arrays in, run, free everything (also on error). */
  private run<R>(arrays: (FloatArray | null)[], body: (bufs: (Buf | null)[]) => R): R {
    return withBuffers(this.backend, arrays, body);
  }

  /** Like run, plus a fresh output buffer of `length` values whose contents are returned. */
  private out(
    dtype: DType,
    length: number,
    inputs: (FloatArray | null)[],
    run: (bufs: (Buf | null)[], y: Buf) => void,
  ): FloatArray {
    return withBuffers(this.backend, [...inputs, { dtype, length }], (bufs) => {
      const y = bufs[inputs.length]!;
      run(bufs.slice(0, inputs.length), y);
      return this.backend.read(y);
    });
  }

  /** y = A x, A m x n row-major. */
  matvec(m: number, n: number, A: FloatArray, x: FloatArray): FloatArray {
    checkSize("m", m);
    checkSize("n", n);
    const dtype = dtypeOf(checkArray("A", A, m * n));
    checkArray("x", x, n, dtype);
    return this.out(dtype, m, [A, x], ([a, xb], y) => this.backend.matvec(m, n, a!, xb!, y));
  }

  /** Y[b] = A X[b] for k trajectories: A m x n, X k x n, returns k x m. */
  matmat(m: number, n: number, k: number, A: FloatArray, X: FloatArray): FloatArray {
    checkSize("m", m);
    checkSize("n", n);
    checkSize("k", k);
    const dtype = dtypeOf(checkArray("A", A, m * n));
    checkArray("X", X, k * n, dtype);
    return this.out(dtype, k * m, [A, X], ([a, xb], y) => this.backend.matmat(m, n, k, a!, xb!, y));
  }

  /** Y[b] = L diag(d) R^T V[b]: L, R n x m, d m, V k x n; returns k x n. */
  lowrank(n: number, m: number, k: number, L: FloatArray, d: FloatArray, R: FloatArray, V: FloatArray): FloatArray {
    checkSize("n", n);
    checkSize("m", m);
    checkSize("k", k);
    const dtype = dtypeOf(checkArray("L", L, n * m));
    checkArray("d", d, m, dtype);
    checkArray("R", R, n * m, dtype);
    checkArray("V", V, k * n, dtype);
    return this.run([L, d, transposed(R, n, m), V], ([l, db, rt, v]) => {
      const z = this.backend.alloc(dtype, k * m);
      const y = this.backend.alloc(dtype, k * n);
      try {
        this.backend.lowrank(n, m, k, l!, db!, rt!, v!, z, y);
        return this.backend.read(y);
      } finally {
        this.backend.free(z);
        this.backend.free(y);
      }
    });
  }

  /** g ⊙ phi(x), x holding k blocks of n values (n = x.length when no gains are given). */
  phi(x: FloatArray, opts: { phi?: PhiName; gains?: FloatArray } = {}): FloatArray {
    const dtype = dtypeOf(checkArray("x", x, (x as FloatArray)?.length ?? -1));
    const kind = PHI_KINDS[checkOneOf("phi", opts.phi ?? "tanh", PHI_NAMES)];
    const g = opts.gains ?? null;
    let n = x.length;
    if (g) {
      n = checkArray("gains", g, g instanceof Float32Array || g instanceof Float64Array ? g.length : 0, dtype).length;
      if (n === 0 ? x.length !== 0 : x.length % n !== 0)
        throw invalid("gains", `must have a length dividing x.length = ${x.length}`, g);
    }
    const k = n === 0 ? 0 : x.length / n;
    return this.out(dtype, x.length, [x, g], ([xb, gb], y) => this.backend.phi(kind, n, k, xb!, gb, y));
  }

  /** phi'(x), elementwise. */
  dphi(x: FloatArray, opts: { phi?: PhiName } = {}): FloatArray {
    const dtype = dtypeOf(checkArray("x", x, (x as FloatArray)?.length ?? -1));
    const kind = PHI_KINDS[checkOneOf("phi", opts.phi ?? "tanh", PHI_NAMES)];
    return this.out(dtype, x.length, [x], ([xb], y) => this.backend.dphi(kind, x.length, xb!, y));
  }

  private step(method: "euler" | "rk4", x: FloatArray, coupling: CouplingArrays, opts: StepOptions): FloatArray {
    const n = checkSize("n", opts?.n);
    const k = checkSize("k", opts.k ?? 1);
    checkFinite("dt", opts.dt, { positive: true });
    const kind = PHI_KINDS[checkOneOf("phi", opts.phi ?? "tanh", PHI_NAMES)];
    const dtype = dtypeOf(checkArray("x", x, k * n));
    if (opts.gains !== undefined) checkArray("gains", opts.gains, n, dtype);
    if (opts.input !== undefined) checkArray("input", opts.input, n, dtype);
    if (!coupling || (coupling.kind !== "dense" && coupling.kind !== "lowrank")) {
      throw invalid("coupling.kind", 'must be "dense" or "lowrank"', (coupling as { kind?: unknown })?.kind, TypeError);
    }
    let m = 0;
    const arrays: FloatArray[] = [];
    if (coupling.kind === "dense") {
      arrays.push(checkArray("coupling.J", coupling.J, n * n, dtype));
    } else {
      m = checkSize("coupling.m", coupling.m);
      arrays.push(
        checkArray("coupling.L", coupling.L, n * m, dtype),
        checkArray("coupling.d", coupling.d, m, dtype),
        transposed(checkArray("coupling.R", coupling.R, n * m, dtype), n, m),
      );
    }
    const be = this.backend;
    return this.run([x, opts.gains ?? null, opts.input ?? null, ...arrays], ([xb, gb, ib, ...cb]) => {
      const c: Coupling =
        coupling.kind === "dense"
          ? { kind: "dense", j: cb[0]! }
          : { kind: "lowrank", m, l: cb[0]!, d: cb[1]!, rt: cb[2]! };
      const scratch = {
        p: be.alloc(dtype, k * n),
        h: be.alloc(dtype, k * n),
        xs: be.alloc(dtype, k * n),
        acc: be.alloc(dtype, k * n),
        z: be.alloc(dtype, k * m),
      };
      try {
        if (method === "euler") be.euler(n, k, kind, opts.dt, c, xb!, gb, ib, scratch);
        else be.rk4(n, k, kind, opts.dt, c, xb!, gb, ib, scratch);
        return be.read(xb!);
      } finally {
        for (const b of Object.values(scratch)) be.free(b);
      }
    });
  }

  /** One Euler step x + dt f(x); returns the new state (k x n). */
  eulerStep(x: FloatArray, coupling: CouplingArrays, opts: StepOptions): FloatArray {
    return this.step("euler", x, coupling, opts);
  }

  /** One classical RK4 step; returns the new state (k x n). */
  rk4Step(x: FloatArray, coupling: CouplingArrays, opts: StepOptions): FloatArray {
    return this.step("rk4", x, coupling, opts);
  }

  /**
   * C_l += sum_{s<k} a(t_s) a(t_s - l)^T for l = 0..lags. `history`: (lags + k) x n samples, oldest first
   * (the first `lags` rows precede the k new ones); `acc`: (lags + 1) x n x n float64, updated in place and
   * returned.
   */
  covLagAccumulate(n: number, k: number, lags: number, history: FloatArray, acc: Float64Array): Float64Array {
    checkSize("n", n);
    checkSize("k", k);
    checkSize("lags", lags);
    checkArray("history", history, (lags + k) * n);
    checkArray("acc", acc, (lags + 1) * n * n, "float64");
    const out = this.run([history, acc], ([h, a]) => {
      this.backend.covLagAccum(n, k, lags, h!, a!);
      return this.backend.read(a!);
    });
    acc.set(out);
    return acc;
  }

  private reduce(name: string, A: FloatArray, len: number, f: (a: Buf) => number): number {
    checkArray(name, A, len, "float64");
    return this.run([A], ([a]) => f(a!));
  }

  /** tr C for an n x n float64 matrix. */
  trace(n: number, C: Float64Array): number {
    checkSize("n", n);
    return this.reduce("C", C, n * n, (a) => this.backend.trace(n, a));
  }
  /** ||C||_F^2 = sum of squares (float64). */
  sumsq(C: Float64Array): number {
    return this.reduce("C", C, (C as FloatArray)?.length ?? -1, (a) => this.backend.sumsq(C.length, a));
  }
  /** sum_i A_i B_i = tr(A B^T) (float64, equal lengths). */
  dot(A: Float64Array, B: Float64Array): number {
    const len = checkArray("A", A, (A as FloatArray)?.length ?? -1, "float64").length;
    checkArray("B", B, len, "float64");
    return this.run([A, B], ([a, b]) => this.backend.dot(len, a!, b!));
  }
  /** tr(A B) for n x n float64 matrices. */
  traceProd(n: number, A: Float64Array, B: Float64Array): number {
    checkSize("n", n);
    checkArray("A", A, n * n, "float64");
    checkArray("B", B, n * n, "float64");
    return this.run([A, B], ([a, b]) => this.backend.traceProd(n, a!, b!));
  }

  /** n draws of N(mean, std^2) from stream `stream` of `seed`; same seed, same numbers on every backend. */
  normal(n: number, opts: { seed: number; stream?: number; mean?: number; std?: number; dtype?: DType }): FloatArray {
    checkSize("n", n);
    if (!opts || opts.seed === undefined)
      throw invalid("seed", "must be given (every random draw takes an explicit seed)", opts?.seed, TypeError);
    const state = seedState(opts.seed, opts.stream ?? 0);
    const mean = checkFinite("mean", opts.mean ?? 0);
    const std = checkFinite("std", opts.std ?? 1, { min: 0 });
    const dtype = checkDType("dtype", opts.dtype ?? "float64");
    const rng = this.backend.rngCreate(state);
    const out = this.backend.alloc(dtype, n);
    try {
      this.backend.rngNormal(rng, n, mean, std, out);
      return this.backend.read(out);
    } finally {
      this.backend.free(out);
      this.backend.rngFree(rng);
    }
  }
}

/** Checked kernels on a new backend ("auto": wasm where SIMD is available, else js). */
export async function loadKernels(opts: { backend?: BackendChoice } = {}): Promise<Kernels> {
  return new Kernels(await createBackend(opts.backend ?? "auto"));
}
