/**
 * WasmBackend: the kernels of assembly/ (compiled with SIMD to build/strand.wasm, and with relaxed SIMD to
 * build/strand-fma.wasm, whose multiply-adds are fused: the default where the runtime has it) behind the
 * Backend interface. This module alone owns the WebAssembly.Memory: it allocates, frees, copies in and out, and
 * re-makes typed-array views after memory.grow (growth detaches every earlier view of the old buffer).
 *
 * Allocation: first-fit over a free list kept in address order, blocks rounded up to 16 bytes (v128
 * alignment is not required by the kernels but keeps rows of float32 x 4 lanes aligned when n % 4 = 0);
 * freed neighbours coalesce and a free block at the top of the heap returns to the bump pointer. The
 * module is instantiated from the embedded bytes in src/backend/wasm-embedded.ts (no fs, no fetch), so the same
 * code runs in Node, browsers, workers and serverless runtimes; an embedder may instead hand over a compiled
 * module (edge runtimes that forbid compiling from bytes) or a URL of the shipped .wasm file (browsers).
 */
import type { DType, FloatArray } from "../errors.ts";
import type { Backend, Buf, Coupling, EulerScratch, PhiKind, Rk4Scratch, Rng, TangentScratch } from "./types.ts";
import type { Exports } from "./wasm-exports.ts";

const PAGE = 65536;
const ALIGN = 16;
const MAX_BYTES = 2 ** 32 - PAGE; // wasm32 limit

class WasmBuf implements Buf {
  constructor(
    readonly owner: WasmBackend,
    readonly dtype: DType,
    readonly length: number,
    readonly ptr: number,
    /** the allocation this buffer views (itself unless made by sub) */
    readonly base: WasmBuf | null,
  ) {}
  get bytes(): number {
    return this.length * (this.dtype === "float32" ? 4 : 8);
  }
}

class WasmRng implements Rng {
  readonly kind = "rng" as const;
  constructor(readonly ptr: number) {}
}

/** The memory owner: a first-fit allocator over the module's linear memory. */
class Heap {
  private top: number;
  /** memory at and above this address has never been handed out: zero since instantiation or memory.grow,
   *  so alloc need not clear it (a fresh instance per worker task clears nothing) */
  private clean: number;
  private readonly freeList: { ptr: number; size: number }[] = [];
  private readonly sizes = new Map<number, number>();
  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.clean = this.top;
  }

  /** A block of at least `bytes`, all zero. */
  calloc(bytes: number): number {
    const clean = this.clean;
    const ptr = this.malloc(bytes);
    const end = Math.min(ptr + bytes, clean);
    if (end > ptr) new Uint8Array(this.memory.buffer, ptr, end - ptr).fill(0);
    return ptr;
  }

  malloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.freeList.length; i++) {
      const blk = this.freeList[i];
      if (blk.size >= size) {
        const ptr = blk.ptr;
        if (blk.size === size) this.freeList.splice(i, 1);
        else {
          blk.ptr += size;
          blk.size -= size;
        }
        this.sizes.set(ptr, size);
        this.clean = Math.max(this.clean, ptr + size);
        return ptr;
      }
    }
    const ptr = this.top;
    const end = ptr + size;
    if (end > MAX_BYTES)
      throw new RangeError(
        `out of WebAssembly memory: cannot allocate ${bytes} bytes (heap at ${ptr} bytes, limit 4 GiB)`,
      );
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    this.clean = Math.max(this.clean, end);
    this.sizes.set(ptr, size);
    return ptr;
  }

  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`double free or foreign pointer ${ptr}`);
    this.sizes.delete(ptr);
    // insert in address order, then coalesce with neighbours
    let i = 0;
    while (i < this.freeList.length && this.freeList[i].ptr < ptr) i++;
    this.freeList.splice(i, 0, { ptr, size });
    if (i + 1 < this.freeList.length && ptr + size === this.freeList[i + 1].ptr) {
      this.freeList[i].size += this.freeList[i + 1].size;
      this.freeList.splice(i + 1, 1);
    }
    if (i > 0 && this.freeList[i - 1].ptr + this.freeList[i - 1].size === ptr) {
      this.freeList[i - 1].size += this.freeList[i].size;
      this.freeList.splice(i, 1);
    }
    const last = this.freeList[this.freeList.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.freeList.pop();
    }
  }

  /** bytes currently handed out (for leak checks in tests) */
  get inUse(): number {
    let s = 0;
    for (const v of this.sizes.values()) s += v;
    return s;
  }
}

export class WasmBackend implements Backend {
  readonly name = "wasm" as const;
  readonly simd = true;
  private readonly heap: Heap;

  /** `fma`: this instance runs the relaxed-SIMD build (fused multiply-adds) */
  constructor(
    private readonly ex: Exports,
    readonly fma = false,
  ) {
    this.heap = new Heap(ex.memory, ex.heap_base());
  }

  /** Bytes of wasm memory currently allocated through this backend. */
  get bytesInUse(): number {
    return this.heap.inUse;
  }

  private b(buf: Buf): WasmBuf {
    if (!(buf instanceof WasmBuf) || buf.owner !== this)
      throw new TypeError("buffer does not belong to this wasm backend");
    return buf;
  }
  private p(buf: Buf | null | undefined): number {
    return buf ? this.b(buf).ptr : 0;
  }

  alloc(dtype: DType, length: number): Buf {
    const bytes = length * (dtype === "float32" ? 4 : 8);
    const ptr = this.heap.calloc(bytes);
    return new WasmBuf(this, dtype, length, ptr, null);
  }
  sub(buf: Buf, offset: number, length: number): Buf {
    const w = this.b(buf);
    const size = w.dtype === "float32" ? 4 : 8;
    return new WasmBuf(this, w.dtype, length, w.ptr + offset * size, w.base ?? w);
  }
  free(buf: Buf): void {
    const w = this.b(buf);
    if (w.base) throw new TypeError("free the buffer a sub-buffer was made from, not the sub-buffer");
    this.heap.release(w.ptr);
  }
  view(buf: Buf): FloatArray {
    const w = this.b(buf);
    // made anew on every call: memory.grow detaches earlier views
    return w.dtype === "float32"
      ? new Float32Array(this.ex.memory.buffer, w.ptr, w.length)
      : new Float64Array(this.ex.memory.buffer, w.ptr, w.length);
  }
  write(buf: Buf, data: ArrayLike<number>, offset = 0): void {
    this.view(buf).set(data, offset);
  }
  read(buf: Buf): FloatArray {
    return this.view(buf).slice();
  }
  fill(buf: Buf, value: number): void {
    this.view(buf).fill(value);
  }
  copyWithin(buf: Buf, target: number, start: number, end: number): void {
    this.view(buf).copyWithin(target, start, end);
  }

  matvec(m: number, n: number, a: Buf, x: Buf, y: Buf): void {
    (a.dtype === "float32" ? this.ex.matvec_f32 : this.ex.matvec_f64)(m, n, this.p(a), this.p(x), this.p(y));
  }
  matmat(m: number, n: number, k: number, a: Buf, x: Buf, y: Buf): void {
    (a.dtype === "float32" ? this.ex.matmat_f32 : this.ex.matmat_f64)(m, n, k, this.p(a), this.p(x), this.p(y));
  }
  lowrank(n: number, m: number, k: number, l: Buf, d: Buf, rt: Buf, v: Buf, z: Buf, y: Buf): void {
    (l.dtype === "float32" ? this.ex.lowrank_f32 : this.ex.lowrank_f64)(
      n,
      m,
      k,
      this.p(l),
      this.p(d),
      this.p(rt),
      this.p(v),
      this.p(z),
      this.p(y),
    );
  }
  phi(kind: PhiKind, n: number, k: number, x: Buf, g: Buf | null, out: Buf): void {
    (x.dtype === "float32" ? this.ex.phi_f32 : this.ex.phi_f64)(kind, n, k, this.p(x), this.p(g), this.p(out));
  }
  dphi(kind: PhiKind, len: number, x: Buf, out: Buf): void {
    (x.dtype === "float32" ? this.ex.dphi_f32 : this.ex.dphi_f64)(kind, len, this.p(x), this.p(out));
  }
  euler(
    n: number,
    k: number,
    kind: PhiKind,
    dt: number,
    c: Coupling,
    x: Buf,
    g: Buf | null,
    input: Buf | null,
    s: EulerScratch,
  ): void {
    const f32 = x.dtype === "float32";
    if (c.kind === "dense") {
      (f32 ? this.ex.euler_dense_f32 : this.ex.euler_dense_f64)(
        n,
        k,
        kind,
        dt,
        this.p(c.j),
        this.p(x),
        this.p(g),
        this.p(input),
        this.p(s.p),
        this.p(s.h),
      );
    } else {
      (f32 ? this.ex.euler_lowrank_f32 : this.ex.euler_lowrank_f64)(
        n,
        c.m,
        k,
        kind,
        dt,
        this.p(c.l),
        this.p(c.d),
        this.p(c.rt),
        this.p(x),
        this.p(g),
        this.p(input),
        this.p(s.p),
        this.p(s.h),
        this.p(s.z),
      );
    }
  }
  rk4(
    n: number,
    k: number,
    kind: PhiKind,
    dt: number,
    c: Coupling,
    x: Buf,
    g: Buf | null,
    input: Buf | null,
    s: Rk4Scratch,
  ): void {
    const f32 = x.dtype === "float32";
    if (c.kind === "dense") {
      (f32 ? this.ex.rk4_dense_f32 : this.ex.rk4_dense_f64)(
        n,
        k,
        kind,
        dt,
        this.p(c.j),
        this.p(x),
        this.p(g),
        this.p(input),
        this.p(s.p),
        this.p(s.h),
        this.p(s.xs),
        this.p(s.acc),
      );
    } else {
      (f32 ? this.ex.rk4_lowrank_f32 : this.ex.rk4_lowrank_f64)(
        n,
        c.m,
        k,
        kind,
        dt,
        this.p(c.l),
        this.p(c.d),
        this.p(c.rt),
        this.p(x),
        this.p(g),
        this.p(input),
        this.p(s.p),
        this.p(s.h),
        this.p(s.xs),
        this.p(s.acc),
        this.p(s.z),
      );
    }
  }
  tangentStep(
    method: "rk4" | "euler",
    n: number,
    k: number,
    kind: PhiKind,
    dt: number,
    c: Coupling,
    x: Buf,
    g: Buf | null,
    input: Buf | null,
    s: TangentScratch,
  ): void {
    const low = c.kind === "lowrank";
    (x.dtype === "float32" ? this.ex.tangent_step_f32 : this.ex.tangent_step_f64)(
      method === "rk4" ? 1 : 0,
      low ? 1 : 0,
      n,
      low ? c.m : 0,
      k + 1,
      kind,
      dt,
      this.p(low ? c.l : c.j),
      low ? this.p(c.d) : 0,
      low ? this.p(c.rt) : 0,
      this.p(x),
      this.p(g),
      this.p(input),
      this.p(s.p),
      this.p(s.h),
      this.p(s.xs),
      this.p(s.acc),
      this.p(s.z),
      this.p(s.dd),
    );
  }
  gramSchmidt(n: number, k: number, q: Buf, r: Buf, logr: Buf): void {
    this.ex.gram_schmidt_f64(n, k, this.p(q), this.p(r), this.p(logr));
  }
  covLagAccum(n: number, k: number, lags: number, hist: Buf, acc: Buf, firstLag = 0): void {
    (hist.dtype === "float32" ? this.ex.cov_lag_accum_f32 : this.ex.cov_lag_accum_f64)(
      n,
      k,
      firstLag,
      lags,
      this.p(hist),
      this.p(acc),
    );
  }
  covSymAccum(n: number, k: number, hist: Buf, acc: Buf): void {
    (hist.dtype === "float32" ? this.ex.cov_sym_accum_f32 : this.ex.cov_sym_accum_f64)(n, k, this.p(hist), this.p(acc));
  }
  rowSumAccum(n: number, k: number, x: Buf, sum: Buf): void {
    (x.dtype === "float32" ? this.ex.row_sum_accum_f32 : this.ex.row_sum_accum_f64)(n, k, this.p(x), this.p(sum));
  }
  trace(n: number, a: Buf): number {
    return this.ex.trace_f64(n, this.p(a));
  }
  dot(len: number, a: Buf, b: Buf): number {
    return this.ex.dot_f64(len, this.p(a), this.p(b));
  }
  sumsq(len: number, a: Buf): number {
    return this.ex.sumsq_f64(len, this.p(a));
  }
  traceProd(n: number, a: Buf, b: Buf): number {
    return this.ex.trace_prod_f64(n, this.p(a), this.p(b));
  }
  gramUpper(n: number, nb: number, r0: number, rows: number, s: Buf, mu: Buf, gram: Buf, quad: Buf): void {
    this.ex.gram_upper_f64(n, nb, r0, rows, this.p(s), this.p(mu), this.p(gram), this.p(quad));
  }

  bidiag(n: number, a: Buf, d: Buf, e: Buf, w: Buf): void {
    this.ex.bidiag_f64(n, this.p(a), this.p(d), this.p(e), this.p(w));
  }
  bidiagVectors(n: number, a: Buf, d: Buf, ut: Buf, vt: Buf, w: Buf): void {
    this.ex.bidiag_vectors_f64(n, this.p(a), this.p(d), this.p(ut), this.p(vt), this.p(w));
  }
  tridiag(n: number, a: Buf, d: Buf, e: Buf, w: Buf): void {
    this.ex.tridiag_f64(n, this.p(a), this.p(d), this.p(e), this.p(w));
  }
  tridiagVectors(n: number, a: Buf, qt: Buf, w: Buf): void {
    this.ex.tridiag_vectors_f64(n, this.p(a), this.p(qt), this.p(w));
  }
  rotSeq(n: number, x: Buf, first: number, count: number, cs: Buf, sn: Buf): void {
    this.ex.rot_seq_f64(n, this.p(x), first, count, this.p(cs), this.p(sn));
  }
  rotPair(n: number, x: Buf, r1: number, r2: number, c: number, s: number): void {
    this.ex.rot_pair_f64(n, this.p(x), r1, r2, c, s);
  }
  eig(n: number, a: Buf, wr: Buf, wi: Buf, w: Buf): number {
    if (n === 0) return 0;
    this.ex.hessenberg_f64(n, this.p(a), this.p(w), 0);
    return this.ex.hqr_f64(n, this.p(a), this.p(wr), this.p(wi));
  }
  hessenberg(n: number, a: Buf, q: Buf, w: Buf): void {
    if (n === 0) return;
    this.ex.hessenberg_f64(n, this.p(a), this.p(w), this.p(q));
  }
  hessInvit(n: number, h: Buf, lr: number, li: number, eps1: number, y: Buf, z: Buf, u: Buf, wk: Buf): void {
    if (n === 0) return;
    this.ex.hess_invit_f64(n, this.p(h), lr, li, eps1, this.p(y), this.p(z), this.p(u), this.p(wk));
  }

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
  ): void {
    this.ex.self_site_f64(p, steps, klen, kind, h, this.p(eta), this.p(w), this.p(xs), this.p(ph), this.p(gs));
  }

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
  ): void {
    this.ex.psi_sums_f64(
      m,
      a0,
      a1,
      nu,
      this.p(w),
      this.p(cp),
      this.p(cx),
      this.p(xb),
      this.p(sa),
      this.p(rows),
      this.p(anti),
    );
  }

  rngCreate(state: Uint32Array): Rng {
    const ptr = this.heap.malloc(16);
    new Uint32Array(this.ex.memory.buffer, ptr, 4).set(state);
    return new WasmRng(ptr);
  }
  private r(rng: Rng): number {
    if (!(rng instanceof WasmRng)) throw new TypeError("rng does not belong to the wasm backend");
    return rng.ptr;
  }
  rngState(rng: Rng): Uint32Array {
    return new Uint32Array(this.ex.memory.buffer, this.r(rng), 4).slice();
  }
  rngFree(rng: Rng): void {
    this.heap.release(this.r(rng));
  }
  rngNormal(rng: Rng, n: number, mean: number, std: number, out: Buf): void {
    (out.dtype === "float32" ? this.ex.rng_normal_f32 : this.ex.rng_normal_f64)(n, this.r(rng), mean, std, this.p(out));
  }
  rngUniform(rng: Rng, n: number, out: Buf): void {
    this.ex.rng_uniform_f64(n, this.r(rng), this.p(out));
  }
}
