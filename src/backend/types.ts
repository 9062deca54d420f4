/**
 * The Backend interface: one typed method per kernel in assembly/, implemented twice (WasmBackend over the
 * SIMD module, JsBackend in plain TypeScript as the reference and fallback). Methods are unchecked, like
 * the kernels: sizes, dtypes and buffer lengths are the caller's responsibility (src/kernels.ts and the
 * simulation layer validate first). Arrays live in backend-owned buffers (`Buf`), so that a simulation keeps
 * its state inside WebAssembly memory between steps with no copies.
 *
 * Layouts (all row-major; "k x n" = k trajectories of n values each, trajectory-major):
 *   matvec:  y(m) = A(m x n) x(n)                     matmat: Y(k x m) = X(k x n) A^T, i.e. Y[b] = A X[b]
 *   lowrank: Y[b] = L diag(d) R^T V[b], L n x m, R stored transposed (rt: m x n), scratch Z k x m
 *   phi:     out = g ⊙ phi(x) over k blocks of n (g optional)     dphi: out = phi'(x), elementwise
 *   euler/rk4: one step of dx/dt = -x + J (g ⊙ phi(x)) + input for k trajectories, x updated in place
 *   covLagAccum: C_l += sum_s a(t_s) a(t_s - l)^T for l = firstLag..lags, history (lags + k) x n, acc holds
 *   C_firstLag..C_lags (n x n f64 each)
 *   rng: xoshiro128** + polar Box–Muller, bit-identical on both backends.
 *   bidiag: A = U B V^T, B upper bidiagonal (Householder, Golub–Kahan), the O(n^3) stage of the SVD;
 *   bidiagVectors forms U^T, V^T from its reflectors; rotSeq / rotPair apply the QR stage's plane rotations.
 *   tridiag: A = Q T Q^T for a symmetric A, T tridiagonal (Householder), the O(n^3) stage of the symmetric
 *   eigendecomposition; tridiagVectors forms Q^T, whose rows the QR stage rotates (rotSeq) into the eigenvectors.
 *   selfSite: p self-coupled single-site paths (1 + d/dt) x = eta + w * phi(x), Heun steps of h, causal
 *   convolution weights w (klen taps); eta, xs, ph: (steps + 1) x p, time-major (assembly/selfsite.ts).
 *   psiSums: the dimension theory's frequency double sums (row sums and anti-diagonal sums of the four-point
 *   function's integrands on an m-point periodic grid; assembly/psi.ts).
 *   tangentStep: one RK4 / Euler step of the state (row 0 of x) and k tangent vectors (rows 1..k of x, (k + 1) x n):
 *   dQ/dt = -Q + J (G phi'(x) ⊙ Q), one batched product for the state and the frame (assembly/tangent.ts);
 *   gramSchmidt: block CGS2 orthonormalisation of k float64 rows, logr = log |diag R| (scratch r: 16 k values).
 *   eig: Householder Hessenberg reduction + Francis double-shift QR, eigenvalues only (the js backend
 *   delegates to ml-matrix's JAMA port, an independent implementation to check the kernel against).
 */
import type { DType, FloatArray } from "../errors.ts";

/** The two implementations of the kernels: WebAssembly SIMD, or the TypeScript reference and fallback. */
export type BackendName = "wasm" | "js";

/** phi kinds, as numbered in assembly/phi.ts */
export const PHI_KINDS = { tanh: 0, erf: 1 } as const;
/** The nonlinearity: tanh, or erf(sqrt(pi) x / 2) (slope 1 at 0, like tanh). */
export type PhiName = keyof typeof PHI_KINDS;
export type PhiKind = (typeof PHI_KINDS)[PhiName];

/** A backend-owned array of `length` values of `dtype`. Opaque outside the backend that made it. */
export interface Buf {
  readonly dtype: DType;
  readonly length: number;
}

/** A random-number stream (xoshiro128** state) owned by a backend. */
export interface Rng {
  readonly kind: "rng";
}

/** Work buffers of an Euler step (k x n each: p = g ⊙ phi(x), h = J p). */
export interface EulerScratch {
  p: Buf;
  h: Buf;
  /** k x m, low-rank couplings only */
  z?: Buf;
}
/** Work buffers of an RK4 step: the Euler ones plus the stage state xs and the weighted sum of slopes acc (k x n). */
export interface Rk4Scratch extends EulerScratch {
  xs: Buf;
  acc: Buf;
}

/** Values of scratch per frame vector that gramSchmidt needs (assembly/tangent.ts orthogonalises in blocks of 16). */
export const GS_SCRATCH = 16;

/** Work buffers of a tangent step: the RK4 ones for k + 1 rows (z: (k + 1) x m) and dd = G ⊙ phi'(x) (n values). */
export interface TangentScratch extends Rk4Scratch {
  dd: Buf;
}

/** Dense J (n x n) or factored J = L diag(d) R^T (L: n x m; R stored transposed, rt: m x n). */
export type Coupling = { kind: "dense"; j: Buf } | { kind: "lowrank"; m: number; l: Buf; d: Buf; rt: Buf };

/**
 * One implementation of every kernel (WasmBackend, JsBackend): unchecked methods over backend-owned buffers.
 * Get one from `createBackend()`; layouts are in this module's header.
 */
export interface Backend {
  readonly name: BackendName;
  /** true when the kernels run as WebAssembly SIMD */
  readonly simd: boolean;
  /** true when the multiply-adds are fused (the wasm backend's relaxed-SIMD build); results differ in the last bits */
  readonly fma: boolean;

  // memory
  /** A zeroed buffer of `length` values of `dtype`. */
  alloc(dtype: DType, length: number): Buf;
  /** A buffer sharing storage with `buf`, values [offset, offset + length). */
  sub(buf: Buf, offset: number, length: number): Buf;
  /** Release a buffer made by alloc (never one made by sub). */
  free(buf: Buf): void;
  /** Copy `data` into the buffer from value `offset` on. */
  write(buf: Buf, data: ArrayLike<number>, offset?: number): void;
  /** A copy of the buffer's values. */
  read(buf: Buf): FloatArray;
  /** A live view (no copy); valid until the next alloc on this backend (memory may grow). */
  view(buf: Buf): FloatArray;
  /** Set every value of the buffer. */
  fill(buf: Buf, value: number): void;
  /** Within one buffer: move values [start, end) to `target` (like TypedArray.copyWithin). */
  copyWithin(buf: Buf, target: number, start: number, end: number): void;

  // dense and low-rank products
  /** y = A x, A m x n. */
  matvec(m: number, n: number, a: Buf, x: Buf, y: Buf): void;
  /** Y[b] = A X[b] for k trajectories. */
  matmat(m: number, n: number, k: number, a: Buf, x: Buf, y: Buf): void;
  /** Y[b] = L diag(d) R^T V[b] for k trajectories (scratch z: k x m). */
  lowrank(n: number, m: number, k: number, l: Buf, d: Buf, rt: Buf, v: Buf, z: Buf, y: Buf): void;

  // nonlinearity
  /** out = g ⊙ phi(x) over k blocks of n (g null: no gains). */
  phi(kind: PhiKind, n: number, k: number, x: Buf, g: Buf | null, out: Buf): void;
  /** out = phi'(x), elementwise. */
  dphi(kind: PhiKind, len: number, x: Buf, out: Buf): void;

  // integration steps
  /** One Euler step of dx/dt = -x + J (g ⊙ phi(x)) + input for k trajectories, x in place. */
  euler(
    n: number,
    k: number,
    kind: PhiKind,
    dt: number,
    coupling: Coupling,
    x: Buf,
    g: Buf | null,
    input: Buf | null,
    scratch: EulerScratch,
  ): void;
  /** One classical RK4 step of the same equation, x in place. */
  rk4(
    n: number,
    k: number,
    kind: PhiKind,
    dt: number,
    coupling: Coupling,
    x: Buf,
    g: Buf | null,
    input: Buf | null,
    scratch: Rk4Scratch,
  ): void;

  /** One RK4 or Euler step of the state (row 0 of x) and k tangent vectors (rows 1..k), x in place. */
  tangentStep(
    method: "rk4" | "euler",
    n: number,
    k: number,
    kind: PhiKind,
    dt: number,
    coupling: Coupling,
    x: Buf,
    g: Buf | null,
    input: Buf | null,
    scratch: TangentScratch,
  ): void;
  /** Orthonormalise the k rows of q (float64, k x n) in place (CGS2); logr[j] = log |R_jj| (scratch r: 16 k
   *  values). */
  gramSchmidt(n: number, k: number, q: Buf, r: Buf, logr: Buf): void;

  // streaming statistics (accumulators are float64)
  /** C_l += sum_s a(t_s) a(t_s - l)^T for l = firstLag..lags (float64 accumulators). */
  covLagAccum(n: number, k: number, lags: number, hist: Buf, acc: Buf, firstLag?: number): void;
  /** C += sum_s a(t_s) a(t_s)^T for the k samples in hist (k x n), on and above the diagonal only: entries
   *  j >= i equal covLagAccum's lag 0 bit for bit; entries below the diagonal are unspecified (not to be read) */
  covSymAccum(n: number, k: number, hist: Buf, acc: Buf): void;
  /** sum += the k rows of x (float64). */
  rowSumAccum(n: number, k: number, x: Buf, sum: Buf): void;
  /** tr A of an n x n float64 matrix. */
  trace(n: number, a: Buf): number;
  /** sum_i a_i b_i (= tr(A B^T) for matrices). */
  dot(len: number, a: Buf, b: Buf): number;
  /** sum_i a_i^2 (= ||A||_F^2). */
  sumsq(len: number, a: Buf): number;
  /** tr(A B) of n x n float64 matrices. */
  traceProd(n: number, a: Buf, b: Buf): number;
  /** Gram sums of nb symmetric n x n matrices over rows r0 .. r0 + rows - 1 from their upper triangles: s holds
   *  each matrix's band in turn (nb x rows x n); gram[a nb + c] += sum_{i in band, j} S_a,ij S_c,ij for a < c,
   *  quad[a] += sum_{i in band, j} mu_i S_a,ij mu_j (assembly/cov.ts) */
  gramUpper(n: number, nb: number, r0: number, rows: number, s: Buf, mu: Buf, gram: Buf, quad: Buf): void;

  // dense linear algebra (float64)
  /** Householder bidiagonalisation of the n x n matrix a (destroyed): diagonal d, superdiagonal e (n each, e[n-1] = 0); scratch w (2n). */
  bidiag(n: number, a: Buf, d: Buf, e: Buf, w: Buf): void;
  /** U^T and V^T (n x n; row a = basis vector a) from the reflectors bidiag left in a and its d; scratch w (n). */
  bidiagVectors(n: number, a: Buf, d: Buf, ut: Buf, vt: Buf, w: Buf): void;
  /** Householder tridiagonalisation A = Q T Q^T of the symmetric n x n matrix a (destroyed; the wasm kernel reads its
   *  upper triangle only):
   *  diagonal d, off-diagonal e (n each, e[n-1] = 0); scratch w (2n). */
  tridiag(n: number, a: Buf, d: Buf, e: Buf, w: Buf): void;
  /** Q^T (n x n; row a = column a of Q) from the reflectors tridiag left in a; scratch w (n). */
  tridiagVectors(n: number, a: Buf, qt: Buf, w: Buf): void;
  /** for j < count: rows (first + j, first + j + 1) of x (n columns) <- (c r1 + s r2, c r2 - s r1), c = cs[j], s = sn[j] */
  rotSeq(n: number, x: Buf, first: number, count: number, cs: Buf, sn: Buf): void;
  /** eigenvalues (wr + i wi, unordered) of the n x n matrix a (destroyed); scratch w (2n). 0, or -1 if the QR iteration did not converge */
  eig(n: number, a: Buf, wr: Buf, wi: Buf, w: Buf): number;
  /** Householder reduction of a (n x n, destroyed) to upper Hessenberg H, in a, with A = Q H Q^T: Q into q (n x n);
   *  scratch w (2n) */
  hessenberg(n: number, a: Buf, q: Buf, w: Buf): void;
  /** the right (y) and left (z, z^T H = lambda z^T) eigenvectors of the upper Hessenberg h (not modified) for the
   *  eigenvalue lr + i li, by inverse iteration (pivots below eps1 replaced by eps1); y, z: 2n (re, then im), unit
   *  norm; scratch u (2 n^2), wk (3n) */
  hessInvit(n: number, h: Buf, lr: number, li: number, eps1: number, y: Buf, z: Buf, u: Buf, wk: Buf): void;
  /** one rotation of rows r1, r2 of x (n columns), as rotSeq */
  rotPair(n: number, x: Buf, r1: number, r2: number, c: number, s: number): void;

  // sampling single-site DMFT (float64)
  /** integrate p paths for `steps` Heun steps (assembly/selfsite.ts): row 0 of xs holds x_0; fills xs and ph = phi(xs); scratch gs (p) */
  selfSite(
    p: number,
    steps: number,
    klen: number,
    kind: PhiKind,
    h: number,
    eta: Buf,
    w: Buf,
    xs: Buf,
    ph: Buf,
    gs: Buf,
  ): void;

  // dimension theory (float64)
  /** the frequency double sums of assembly/psi.ts for rows a0..a1-1 of an m-point grid: rows (4 m) written,
   *  anti (2 m) accumulated */
  psiSums(
    m: number,
    a0: number,
    a1: number,
    nu: number,
    w: Buf,
    cp: Buf,
    cx: Buf,
    xb: Buf,
    sa: Buf,
    rows: Buf,
    anti: Buf,
  ): void;

  // random numbers
  /** A stream from a 4-word xoshiro128** state (seedState(seed, stream)). */
  rngCreate(state: Uint32Array): Rng;
  /** The stream's current state (to resume it elsewhere). */
  rngState(rng: Rng): Uint32Array;
  /** Release a stream. */
  rngFree(rng: Rng): void;
  /** n normal numbers N(mean, std^2) (polar method), bit-identical on both backends. */
  rngNormal(rng: Rng, n: number, mean: number, std: number, out: Buf): void;
  /** n uniform numbers in [0, 1) (float64). */
  rngUniform(rng: Rng, n: number, out: Buf): void;
}
