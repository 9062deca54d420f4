/**
 * The exports of strand's kernel module (assembly/index.ts, compiled to build/strand.wasm and build/strand-fma.wasm):
 * one typed signature per kernel, pointers and sizes as numbers. src/backend/wasm.ts calls them. Most kernels come in
 * a float32 and a float64 build with the same arguments (`matvec_f32`, `matvec_f64`): their signature is written
 * once, in BothDtypes.
 */

/** The kernels built for both dtypes, by their name without the `_f32` / `_f64` suffix. */
interface BothDtypes {
  matvec(m: number, n: number, a: number, x: number, y: number): void;
  matmat(m: number, n: number, k: number, a: number, x: number, y: number): void;
  lowrank(n: number, m: number, k: number, l: number, d: number, rt: number, v: number, z: number, y: number): void;
  phi(kind: number, n: number, k: number, x: number, g: number, out: number): void;
  dphi(kind: number, len: number, x: number, out: number): void;
  euler_dense(
    n: number,
    k: number,
    kind: number,
    dt: number,
    j: number,
    x: number,
    g: number,
    inp: number,
    p: number,
    h: number,
  ): void;
  euler_lowrank(
    n: number,
    m: number,
    k: number,
    kind: number,
    dt: number,
    l: number,
    d: number,
    rt: number,
    x: number,
    g: number,
    inp: number,
    p: number,
    h: number,
    z: number,
  ): void;
  rk4_dense(
    n: number,
    k: number,
    kind: number,
    dt: number,
    j: number,
    x: number,
    g: number,
    inp: number,
    p: number,
    h: number,
    xs: number,
    acc: number,
  ): void;
  rk4_lowrank(
    n: number,
    m: number,
    k: number,
    kind: number,
    dt: number,
    l: number,
    d: number,
    rt: number,
    x: number,
    g: number,
    inp: number,
    p: number,
    h: number,
    xs: number,
    acc: number,
    z: number,
  ): void;
  tangent_step(
    rk4: number,
    lowrank: number,
    n: number,
    m: number,
    k1: number,
    kind: number,
    dt: number,
    j: number,
    d: number,
    rt: number,
    x: number,
    g: number,
    inp: number,
    p: number,
    h: number,
    xs: number,
    acc: number,
    z: number,
    dd: number,
  ): void;
  cov_lag_accum(n: number, k: number, l0: number, lags: number, hist: number, acc: number): void;
  cov_sym_accum(n: number, k: number, hist: number, acc: number): void;
  row_sum_accum(n: number, k: number, x: number, sum: number): void;
  rng_normal(n: number, state: number, mean: number, std: number, out: number): void;
}

/** The float64-only kernels (the linear algebra and the theory's sums). */
interface Float64Only {
  trace_f64(n: number, a: number): number;
  dot_f64(len: number, a: number, b: number): number;
  sumsq_f64(len: number, a: number): number;
  trace_prod_f64(n: number, a: number, b: number): number;
  gram_upper_f64(
    n: number,
    nb: number,
    r0: number,
    rows: number,
    s: number,
    mu: number,
    gram: number,
    quad: number,
  ): void;
  rng_uniform_f64(n: number, state: number, out: number): void;
  bidiag_f64(n: number, a: number, d: number, e: number, w: number): void;
  bidiag_vectors_f64(n: number, a: number, d: number, ut: number, vt: number, w: number): void;
  tridiag_f64(n: number, a: number, d: number, e: number, w: number): void;
  tridiag_vectors_f64(n: number, a: number, qt: number, w: number): void;
  rot_seq_f64(n: number, x: number, first: number, count: number, cs: number, sn: number): void;
  rot_pair_f64(n: number, x: number, r1: number, r2: number, c: number, s: number): void;
  hessenberg_f64(n: number, a: number, w: number, q: number): void;
  hess_invit_f64(
    n: number,
    h: number,
    lr: number,
    li: number,
    eps1: number,
    y: number,
    z: number,
    u: number,
    wk: number,
  ): void;
  hqr_f64(n: number, a: number, wr: number, wi: number): number;
  gram_schmidt_f64(n: number, k: number, q: number, r: number, logr: number): void;
  self_site_f64(
    p: number,
    steps: number,
    klen: number,
    kind: number,
    h: number,
    eta: number,
    w: number,
    xs: number,
    ph: number,
    gs: number,
  ): void;
  psi_sums_f64(
    m: number,
    a0: number,
    a1: number,
    nu: number,
    w: number,
    cp: number,
    cx: number,
    xb: number,
    sa: number,
    rows: number,
    anti: number,
  ): void;
}

/** The module's exports: memory, build facts, and every kernel under its exported name. */
export type Exports = {
  memory: WebAssembly.Memory;
  heap_base(): number;
  build_fma(): number;
} & { [K in keyof BothDtypes as `${K}_f32` | `${K}_f64`]: BothDtypes[K] } & Float64Only;
