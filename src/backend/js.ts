/**
 * JsBackend: the plain-TypeScript reference implementation of every kernel (see types.ts for the maths and
 * layouts). It is the fallback where WebAssembly SIMD is missing and the yardstick the conformance suite
 * holds the wasm kernels to. Sums are accumulated in float64 even for float32 arrays (values are rounded
 * to float32 only when stored), so for float32 it is the more accurate of the two backends.
 * Integration follows assembly/ode.ts stage by stage (same tableau, same stored intermediates).
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { DType, FloatArray } from "../errors.ts";
import type { Backend, Buf, Coupling, EulerScratch, PhiKind, Rk4Scratch, Rng, TangentScratch } from "./types.ts";
import { phiScalar, dphiScalar } from "./special.ts";
import { fillNormal, uniform53 } from "./rng.ts";
import {
  bidiagOf,
  bidiagVectorsOf,
  gramUpperOf,
  psiSumsOf,
  reflectorRowsOf,
  selfSiteOf,
  tridiagOf,
  type Arrays,
} from "./js-dense.ts";
import { hessenbergOf, hessInvitOf } from "./js-eig.ts";

const RK4_NODE = [0.5, 0.5, 1.0] as const;
const RK4_WEIGHT = [1 / 6, 1 / 3, 1 / 3, 1 / 6] as const;

class JsBuf implements Buf {
  constructor(
    readonly owner: JsBackend,
    readonly data: FloatArray,
  ) {}
  get dtype(): DType {
    return this.data instanceof Float32Array ? "float32" : "float64";
  }
  get length(): number {
    return this.data.length;
  }
}

class JsRng implements Rng {
  readonly kind = "rng" as const;
  constructor(readonly state: Uint32Array) {}
}

export class JsBackend implements Backend {
  readonly name = "js" as const;
  readonly simd = false;
  readonly fma = false;

  private readonly arr: Arrays = (buf) => this.d(buf);
  private d(buf: Buf): FloatArray {
    if (!(buf instanceof JsBuf) || buf.owner !== this) throw new TypeError("buffer does not belong to this js backend");
    return buf.data;
  }

  alloc(dtype: DType, length: number): Buf {
    return new JsBuf(this, dtype === "float32" ? new Float32Array(length) : new Float64Array(length));
  }
  sub(buf: Buf, offset: number, length: number): Buf {
    return new JsBuf(this, this.d(buf).subarray(offset, offset + length));
  }
  free(buf: Buf): void {
    this.d(buf);
  }
  write(buf: Buf, data: ArrayLike<number>, offset = 0): void {
    this.d(buf).set(data, offset);
  }
  read(buf: Buf): FloatArray {
    return this.d(buf).slice();
  }
  view(buf: Buf): FloatArray {
    return this.d(buf);
  }
  fill(buf: Buf, value: number): void {
    this.d(buf).fill(value);
  }
  copyWithin(buf: Buf, target: number, start: number, end: number): void {
    this.d(buf).copyWithin(target, start, end);
  }

  matvec(m: number, n: number, a: Buf, x: Buf, y: Buf): void {
    const A = this.d(a),
      X = this.d(x),
      Y = this.d(y);
    for (let i = 0; i < m; i++) {
      let s = 0;
      const o = i * n;
      for (let j = 0; j < n; j++) s += A[o + j] * X[j];
      Y[i] = s;
    }
  }

  matmat(m: number, n: number, k: number, a: Buf, x: Buf, y: Buf): void {
    const A = this.d(a),
      X = this.d(x),
      Y = this.d(y);
    for (let b = 0; b < k; b++) {
      const xo = b * n,
        yo = b * m;
      for (let i = 0; i < m; i++) {
        let s = 0;
        const o = i * n;
        for (let j = 0; j < n; j++) s += A[o + j] * X[xo + j];
        Y[yo + i] = s;
      }
    }
  }

  lowrank(n: number, m: number, k: number, l: Buf, d: Buf, rt: Buf, v: Buf, z: Buf, y: Buf): void {
    this.matmat(m, n, k, rt, v, z);
    const D = this.d(d),
      Z = this.d(z);
    for (let b = 0; b < k; b++) for (let a = 0; a < m; a++) Z[b * m + a] *= D[a];
    this.matmat(n, m, k, l, z, y);
  }

  phi(kind: PhiKind, n: number, k: number, x: Buf, g: Buf | null, out: Buf): void {
    const X = this.d(x),
      O = this.d(out);
    const G = g ? this.d(g) : null;
    for (let b = 0; b < k; b++) {
      const o = b * n;
      for (let i = 0; i < n; i++) O[o + i] = G ? phiScalar(kind, X[o + i]) * G[i] : phiScalar(kind, X[o + i]);
    }
  }

  dphi(kind: PhiKind, len: number, x: Buf, out: Buf): void {
    const X = this.d(x),
      O = this.d(out);
    for (let i = 0; i < len; i++) O[i] = dphiScalar(kind, X[i]);
  }

  private coupling(n: number, k: number, c: Coupling, p: Buf, h: Buf, z: Buf | undefined): void {
    if (c.kind === "dense") this.matmat(n, n, k, c.j, p, h);
    else this.lowrank(n, c.m, k, c.l, c.d, c.rt, p, z as Buf, h);
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
    this.phi(kind, n, k, x, g, s.p);
    this.coupling(n, k, c, s.p, s.h, s.z);
    const X = this.d(x),
      H = this.d(s.h),
      I = input ? this.d(input) : null;
    for (let b = 0; b < k; b++) {
      for (let i = 0; i < n; i++) {
        const at = b * n + i;
        const f = I ? H[at] - X[at] + I[i] : H[at] - X[at];
        X[at] = X[at] + dt * f;
      }
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
    const X = this.d(x),
      H = this.d(s.h),
      XS = this.d(s.xs),
      ACC = this.d(s.acc),
      I = input ? this.d(input) : null;
    for (let stage = 0; stage < 4; stage++) {
      const xin = stage === 0 ? x : s.xs;
      const XIN = this.d(xin);
      this.phi(kind, n, k, xin, g, s.p);
      this.coupling(n, k, c, s.p, s.h, s.z);
      const w = RK4_WEIGHT[stage];
      const cdt = stage < 3 ? RK4_NODE[stage] * dt : 0;
      for (let b = 0; b < k; b++) {
        for (let i = 0; i < n; i++) {
          const at = b * n + i;
          const f = I ? H[at] - XIN[at] + I[i] : H[at] - XIN[at];
          if (stage === 0) {
            ACC[at] = w * f;
            XS[at] = X[at] + cdt * f;
          } else if (stage < 3) {
            ACC[at] = ACC[at] + w * f;
            XS[at] = X[at] + cdt * f;
          } else {
            X[at] = X[at] + dt * (ACC[at] + w * f);
          }
        }
      }
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
    const k1 = k + 1;
    const X = this.d(x),
      H = this.d(s.h),
      XS = this.d(s.xs),
      ACC = this.d(s.acc),
      P = this.d(s.p),
      DD = this.d(s.dd),
      G = g ? this.d(g) : null,
      I = input ? this.d(input) : null;
    // p_0 = G phi(x_0), D = G phi'(x_0), p_b = D x_b; then H = J P for the k + 1 rows
    const products = (XIN: FloatArray) => {
      for (let i = 0; i < n; i++) {
        P[i] = G ? phiScalar(kind, XIN[i]) * G[i] : phiScalar(kind, XIN[i]);
        DD[i] = G ? dphiScalar(kind, XIN[i]) * G[i] : dphiScalar(kind, XIN[i]);
      }
      for (let b = 1; b < k1; b++) for (let i = 0; i < n; i++) P[b * n + i] = DD[i] * XIN[b * n + i];
      this.coupling(n, k1, c, s.p, s.h, s.z);
    };
    const rhs = (XIN: FloatArray, at: number, i: number) => (I && at < n ? H[at] - XIN[at] + I[i] : H[at] - XIN[at]);
    if (method === "euler") {
      products(X);
      for (let at = 0; at < k1 * n; at++) X[at] = X[at] + dt * rhs(X, at, at % n);
      return;
    }
    for (let stage = 0; stage < 4; stage++) {
      const XIN = stage === 0 ? X : XS;
      products(XIN);
      const w = RK4_WEIGHT[stage];
      const cdt = stage < 3 ? RK4_NODE[stage] * dt : 0;
      for (let at = 0; at < k1 * n; at++) {
        const f = rhs(XIN, at, at % n);
        if (stage === 0) {
          ACC[at] = w * f;
          XS[at] = X[at] + cdt * f;
        } else if (stage < 3) {
          ACC[at] = ACC[at] + w * f;
          XS[at] = X[at] + cdt * f;
        } else {
          X[at] = X[at] + dt * (ACC[at] + w * f);
        }
      }
    }
  }

  gramSchmidt(n: number, k: number, q: Buf, r: Buf, logr: Buf): void {
    const Q = this.d(q),
      R = this.d(r),
      LR = this.d(logr);
    for (let j = 0; j < k; j++) {
      const qj = j * n;
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          let dot = 0;
          for (let t = 0; t < n; t++) dot += Q[i * n + t] * Q[qj + t];
          R[i] = dot;
        }
        for (let i = 0; i < j; i++) for (let t = 0; t < n; t++) Q[qj + t] -= R[i] * Q[i * n + t];
      }
      let sq = 0;
      for (let t = 0; t < n; t++) sq += Q[qj + t] * Q[qj + t];
      const norm = Math.sqrt(sq);
      LR[j] = Math.log(norm);
      for (let t = 0; t < n; t++) Q[qj + t] /= norm;
    }
  }

  covLagAccum(n: number, k: number, lags: number, hist: Buf, acc: Buf, firstLag = 0): void {
    const H = this.d(hist),
      C = this.d(acc);
    for (let l = firstLag; l <= lags; l++) {
      const co = (l - firstLag) * n * n;
      for (let s = 0; s < k; s++) {
        const ao = (lags + s) * n,
          bo = (lags + s - l) * n;
        for (let i = 0; i < n; i++) {
          const ai = H[ao + i];
          const ro = co + i * n;
          for (let j = 0; j < n; j++) C[ro + j] += ai * H[bo + j];
        }
      }
    }
  }

  covSymAccum(n: number, k: number, hist: Buf, acc: Buf): void {
    const H = this.d(hist),
      C = this.d(acc);
    for (let s = 0; s < k; s++) {
      const o = s * n;
      for (let i = 0; i < n; i++) {
        const ai = H[o + i],
          ro = i * n;
        for (let j = i; j < n; j++) C[ro + j] += ai * H[o + j];
      }
    }
  }

  rowSumAccum(n: number, k: number, x: Buf, sum: Buf): void {
    const X = this.d(x),
      S = this.d(sum);
    for (let s = 0; s < k; s++) for (let j = 0; j < n; j++) S[j] += X[s * n + j];
  }

  trace(n: number, a: Buf): number {
    const A = this.d(a);
    let s = 0;
    for (let i = 0; i < n; i++) s += A[i * (n + 1)];
    return s;
  }
  dot(len: number, a: Buf, b: Buf): number {
    const A = this.d(a),
      B = this.d(b);
    let s = 0;
    for (let i = 0; i < len; i++) s += A[i] * B[i];
    return s;
  }
  sumsq(len: number, a: Buf): number {
    return this.dot(len, a, a);
  }
  traceProd(n: number, a: Buf, b: Buf): number {
    const A = this.d(a),
      B = this.d(b);
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += A[i * n + j] * B[j * n + i];
    return s;
  }
  gramUpper(n: number, nb: number, r0: number, rows: number, s: Buf, mu: Buf, gram: Buf, quad: Buf): void {
    gramUpperOf(this.arr, n, nb, r0, rows, s, mu, gram, quad);
  }

  bidiag(n: number, a: Buf, d: Buf, e: Buf, w: Buf): void {
    bidiagOf(this.arr, n, a, d, e, w);
  }
  bidiagVectors(n: number, a: Buf, d: Buf, ut: Buf, vt: Buf, w: Buf): void {
    bidiagVectorsOf(this.arr, n, a, d, ut, vt, w);
  }
  tridiag(n: number, a: Buf, d: Buf, e: Buf, w: Buf): void {
    tridiagOf(this.arr, n, a, d, e, w);
  }
  tridiagVectors(n: number, a: Buf, qt: Buf, w: Buf): void {
    reflectorRowsOf(this.arr(a), n, this.arr(qt), this.arr(w), true);
  }

  eig(n: number, a: Buf, wr: Buf, wi: Buf): number {
    if (n === 0) return 0;
    const A = this.d(a);
    const evd = new EigenvalueDecomposition(
      new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n)))),
      { assumeSymmetric: false },
    );
    this.d(wr).set(evd.realEigenvalues);
    this.d(wi).set(evd.imaginaryEigenvalues);
    return 0;
  }

  hessenberg(n: number, a: Buf, q: Buf, _w: Buf): void {
    hessenbergOf(this.arr, n, a, q);
  }

  hessInvit(n: number, h: Buf, lr: number, li: number, eps1: number, y: Buf, z: Buf, _u: Buf, _wk: Buf): void {
    hessInvitOf(this.arr, n, h, lr, li, eps1, y, z);
  }

  rotSeq(n: number, x: Buf, first: number, count: number, cs: Buf, sn: Buf): void {
    const C = this.d(cs),
      S = this.d(sn);
    for (let j = 0; j < count; j++) this.rotPair(n, x, first + j, first + j + 1, C[j], S[j]);
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
    psiSumsOf(this.arr, m, a0, a1, nu, w, cp, cx, xb, sa, rows, anti);
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
    selfSiteOf(this.arr, p, steps, klen, kind, h, eta, w, xs, ph, gs);
  }

  rotPair(n: number, x: Buf, r1: number, r2: number, c: number, s: number): void {
    const X = this.d(x);
    for (let j = 0; j < n; j++) {
      const p = X[r1 * n + j],
        q = X[r2 * n + j];
      X[r1 * n + j] = c * p + s * q;
      X[r2 * n + j] = c * q - s * p;
    }
  }

  rngCreate(state: Uint32Array): Rng {
    return new JsRng(Uint32Array.from(state));
  }
  private st(rng: Rng): Uint32Array {
    if (!(rng instanceof JsRng)) throw new TypeError("rng does not belong to the js backend");
    return rng.state;
  }
  rngState(rng: Rng): Uint32Array {
    return Uint32Array.from(this.st(rng));
  }
  rngFree(rng: Rng): void {
    this.st(rng);
  }
  rngNormal(rng: Rng, n: number, mean: number, std: number, out: Buf): void {
    fillNormal(this.st(rng), n, mean, std, this.d(out));
  }
  rngUniform(rng: Rng, n: number, out: Buf): void {
    const s = this.st(rng),
      O = this.d(out);
    for (let i = 0; i < n; i++) O[i] = uniform53(s);
  }
}
