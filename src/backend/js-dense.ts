/**
 * The JsBackend's dense linear algebra and theory sums (the reference implementations of assembly/svd.ts,
 * assembly/tridiag.ts, assembly/cov.ts gram_upper, assembly/psi.ts and assembly/selfsite.ts), as functions over the
 * backend's arrays: `arr` resolves a buffer to its array. The maths and layouts are in types.ts; JsBackend's methods call these.
 */
import type { FloatArray } from "../errors.ts";
import type { Buf, PhiKind } from "./types.ts";
import { phiScalar } from "./special.ts";

/** A buffer's backing array. */
export type Arrays = (buf: Buf) => FloatArray;

export function gramUpperOf(
  arr: Arrays,
  n: number,
  nb: number,
  r0: number,
  rows: number,
  s: Buf,
  mu: Buf,
  gram: Buf,
  quad: Buf,
): void {
  const S = arr(s),
    M = arr(mu),
    G = arr(gram),
    Q = arr(quad);
  const band = rows * n;
  for (let i = 0; i < rows; i++) {
    const gi = r0 + i,
      mi = M[gi];
    for (let a = 0; a < nb; a++) {
      const pa = a * band + i * n;
      let off = 0;
      for (let j = gi + 1; j < n; j++) off += S[pa + j] * M[j];
      Q[a] += mi * (S[pa + gi] * mi + 2 * off);
      for (let c = a + 1; c < nb; c++) {
        const pc = c * band + i * n;
        let d = 0;
        for (let j = gi + 1; j < n; j++) d += S[pa + j] * S[pc + j];
        G[a * nb + c] += S[pa + gi] * S[pc + gi] + 2 * d;
      }
    }
  }
}

export function bidiagOf(arr: Arrays, n: number, a: Buf, d: Buf, e: Buf, w: Buf): void {
  const A = arr(a),
    D = arr(d),
    E = arr(e),
    W = arr(w);
  for (let k = 0; k < n; k++) {
    let norm2 = 0;
    for (let i = k; i < n; i++) norm2 += A[i * n + k] ** 2;
    const x0 = A[k * n + k];
    const alpha = norm2 > 0 ? (x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2)) : 0;
    D[k] = alpha;
    if (norm2 > 0 && k + 1 < n) {
      const v0 = x0 - alpha;
      const beta = 2 / (norm2 - x0 * x0 + v0 * v0);
      W.fill(0, k + 1, n);
      for (let i = k; i < n; i++) {
        const vi = i === k ? v0 : A[i * n + k];
        for (let j = k + 1; j < n; j++) W[j] += vi * A[i * n + j];
      }
      for (let i = k; i < n; i++) {
        const c = -beta * (i === k ? v0 : A[i * n + k]);
        for (let j = k + 1; j < n; j++) A[i * n + j] += c * W[j];
      }
    }
    if (k + 1 < n) {
      let y2 = 0;
      for (let j = k + 1; j < n; j++) y2 += A[k * n + j] ** 2;
      const y0 = A[k * n + k + 1];
      const alpha2 = y2 > 0 ? (y0 > 0 ? -Math.sqrt(y2) : Math.sqrt(y2)) : 0;
      E[k] = alpha2;
      if (y2 > 0) {
        const u0 = y0 - alpha2;
        const beta2 = 2 / (y2 - y0 * y0 + u0 * u0);
        A[k * n + k + 1] = u0;
        for (let i = k + 1; i < n; i++) {
          let s = 0;
          for (let j = k + 1; j < n; j++) s += A[i * n + j] * A[k * n + j];
          const c = -beta2 * s;
          for (let j = k + 1; j < n; j++) A[i * n + j] += c * A[k * n + j];
        }
      }
    } else E[k] = 0;
  }
}

export function bidiagVectorsOf(arr: Arrays, n: number, a: Buf, d: Buf, ut: Buf, vt: Buf, w: Buf): void {
  reflectorRowsOf(arr(a), n, arr(ut), arr(w), false, arr(d));
  reflectorRowsOf(arr(a), n, arr(vt), arr(w), true);
}

/** U^T from the left reflectors (right = false; D: bidiag's diagonal) or V^T / tridiag's Q^T from the right ones,
 *  as assembly/svd.ts reflector_rows_f64. */
export function reflectorRowsOf(
  A: FloatArray,
  n: number,
  out: FloatArray,
  W: FloatArray,
  right: boolean,
  D?: FloatArray,
) {
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const start = right ? k + 1 : k;
    if (start >= n) continue;
    let vv = 0;
    for (let i = start; i < n; i++) {
      W[i] = right ? A[k * n + i] : A[i * n + k] - (i === k ? D![k] : 0);
      vv += W[i] * W[i];
    }
    if (vv === 0) continue;
    for (let r = start; r < n; r++) {
      let dot = 0;
      for (let j = start; j < n; j++) dot += out[r * n + j] * W[j];
      const c = (-2 * dot) / vv;
      for (let j = start; j < n; j++) out[r * n + j] += c * W[j];
    }
  }
}

/** Householder tridiagonalisation of the symmetric a, as assembly/tridiag.ts but unfused: per step the reflector
 *  v (kept in row k from column k + 1), p = beta A22 v, w = p - (beta p.v / 2) v, A22 -= v w^T + w v^T. */
export function tridiagOf(arr: Arrays, n: number, a: Buf, d: Buf, e: Buf, w: Buf): void {
  const A = arr(a),
    D = arr(d),
    E = arr(e),
    W = arr(w);
  for (let k = 0; k < n; k++) {
    D[k] = A[k * n + k];
    E[k] = 0;
    if (k === n - 1) break;
    const v = k * n; // v_j = A[v + j], j = k + 1..n-1
    let norm2 = 0;
    for (let j = k + 1; j < n; j++) norm2 += A[v + j] ** 2;
    const x0 = A[v + k + 1];
    const alpha = norm2 > 0 ? (x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2)) : 0;
    E[k] = alpha;
    if (norm2 === 0) continue;
    const v0 = x0 - alpha;
    A[v + k + 1] = v0;
    const beta = 2 / (norm2 - x0 * x0 + v0 * v0);
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[i * n + j] * A[v + j];
      W[i] = beta * s;
      pv += W[i] * A[v + i];
    }
    const half = 0.5 * beta * pv;
    for (let i = k + 1; i < n; i++) W[i] -= half * A[v + i];
    for (let i = k + 1; i < n; i++) for (let j = k + 1; j < n; j++) A[i * n + j] -= A[v + i] * W[j] + W[i] * A[v + j];
  }
}

export function psiSumsOf(
  arr: Arrays,
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
  const W = arr(w),
    CP = arr(cp),
    CX = arr(cx),
    XB = arr(xb),
    SA = arr(sa),
    R = arr(rows),
    A = arr(anti);
  for (let a = a0; a < a1; a++) {
    const wa = W[a],
      xa = XB[a],
      s = SA[a];
    let sp = 0,
      sdp = 0,
      sx = 0,
      sdx = 0;
    for (let b = 0; b < m; b++) {
      const re = 1 - nu - wa * W[b],
        im = wa + W[b];
      const inv = 1 / (re * re + im * im);
      const x2 = xa * XB[b],
        p = CP[b] * inv,
        q = CX[b] * inv;
      sp += p * x2;
      sdp += p;
      sx += q * (2 * x2 - nu * nu);
      sdx += q * x2;
      const j = a + b < m ? a + b : a + b - m;
      A[j] += s * p * x2;
      A[m + j] += s * p;
    }
    R[a] = sp;
    R[m + a] = sdp;
    R[2 * m + a] = sx;
    R[3 * m + a] = sdx;
  }
}

export function selfSiteOf(
  arr: Arrays,
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
  const E = arr(eta),
    W = arr(w),
    X = arr(xs),
    P = arr(ph),
    G = arr(gs);
  const w0 = klen > 0 ? W[0] : 0;
  for (let i = 0; i < p; i++) {
    P[i] = phiScalar(kind, X[i]);
    G[i] = 0;
  }
  for (let t = 0; t < steps; t++) {
    const r0 = t * p,
      r1 = r0 + p,
      kmax = Math.min(klen - 1, t + 1);
    for (let i = 0; i < p; i++) {
      let g = 0;
      for (let k = 1; k <= kmax; k++) g += W[k] * P[(t + 1 - k) * p + i];
      const x = X[r0 + i];
      const f0 = E[r0 + i] - x + (G[i] + w0 * P[r0 + i]);
      const xt = x + h * f0;
      const f1 = E[r1 + i] - xt + (g + w0 * phiScalar(kind, xt));
      const xn = x + 0.5 * h * (f0 + f1);
      X[r1 + i] = xn;
      P[r1 + i] = phiScalar(kind, xn);
      G[i] = g;
    }
  }
}
