/**
 * The JsBackend's reference implementations of assembly/eig.ts's eigenvector kernels (the layouts are in types.ts):
 * hessenbergOf — Householder reduction to upper Hessenberg form with Q accumulated (A = Q H Q^T), the same reflectors
 * in the same order as hessenberg_f64; hessInvitOf — inverse iteration for one eigenvalue's right and left vectors
 * on the Hessenberg matrix (complex LU with adjacent-row pivoting, two solves each way). Plain loops over Float64Arrays.
 */
import type { Arrays } from "./js-dense.ts";
import type { Buf } from "./types.ts";

export function hessenbergOf(arr: Arrays, n: number, a: Buf, q: Buf | null): void {
  const A = arr(a),
    Q = q ? arr(q) : null;
  if (Q) {
    Q.fill(0);
    for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  }
  const v = new Float64Array(n),
    w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const s = k + 1,
      len = n - s;
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      v[i] = A[(s + i) * n + k];
      norm2 += v[i] * v[i];
    }
    const x0 = v[0],
      tail2 = norm2 - x0 * x0;
    if (tail2 === 0) continue;
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v[0] = x0 - alpha;
    const beta = 2 / (tail2 + v[0] * v[0]);
    // left: rows s..n-1, columns k..n-1
    w.fill(0, k, n);
    for (let i = 0; i < len; i++) for (let j = k; j < n; j++) w[j] += v[i] * A[(s + i) * n + j];
    for (let i = 0; i < len; i++) for (let j = k; j < n; j++) A[(s + i) * n + j] -= beta * v[i] * w[j];
    // right: every row of A (and of Q), columns s..n-1
    for (const M of Q ? [A, Q] : [A])
      for (let r = 0; r < n; r++) {
        let d = 0;
        for (let i = 0; i < len; i++) d += M[r * n + s + i] * v[i];
        for (let i = 0; i < len; i++) M[r * n + s + i] -= beta * d * v[i];
      }
    A[s * n + k] = alpha;
    for (let i = s + 1; i < n; i++) A[i * n + k] = 0;
  }
}

export function hessInvitOf(
  arr: Arrays,
  n: number,
  h: Buf,
  lr: number,
  li: number,
  eps1: number,
  y: Buf,
  z: Buf,
): void {
  const H = arr(h),
    Y = arr(y),
    Z = arr(z);
  const ur = new Float64Array(n * n),
    ui = new Float64Array(n * n),
    mr = new Float64Array(n),
    mi = new Float64Array(n),
    piv = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - 1); j < n; j++) ur[i * n + j] = H[i * n + j];
    ur[i * n + i] -= lr;
    ui[i * n + i] = -li;
  }
  for (let j = 0; j < n - 1; j++) {
    const rj = j * n,
      rk = rj + n;
    if (ur[rk + j] ** 2 + ui[rk + j] ** 2 > ur[rj + j] ** 2 + ui[rj + j] ** 2) {
      piv[j] = 1;
      for (let c = j; c < n; c++) {
        [ur[rj + c], ur[rk + c]] = [ur[rk + c], ur[rj + c]];
        [ui[rj + c], ui[rk + c]] = [ui[rk + c], ui[rj + c]];
      }
    }
    if (ur[rj + j] === 0 && ui[rj + j] === 0) ur[rj + j] = eps1;
    const ar = ur[rj + j],
      ai = ui[rj + j],
      br = ur[rk + j],
      bi = ui[rk + j],
      den = ar * ar + ai * ai;
    const m_r = (br * ar + bi * ai) / den,
      m_i = (bi * ar - br * ai) / den;
    mr[j] = m_r;
    mi[j] = m_i;
    for (let c = j + 1; c < n; c++) {
      const xr = ur[rj + c],
        xi = ui[rj + c];
      ur[rk + c] -= m_r * xr - m_i * xi;
      ui[rk + c] -= m_r * xi + m_i * xr;
    }
    ur[rk + j] = 0;
    ui[rk + j] = 0;
  }
  const last = (n - 1) * n + n - 1;
  if (ur[last] === 0 && ui[last] === 0) ur[last] = eps1;
  const div = (sr: number, si: number, dr: number, di: number): [number, number] => {
    const den = dr * dr + di * di;
    return [(sr * dr + si * di) / den, (si * dr - sr * di) / den];
  };
  const normalize = (V: Float64Array) => {
    let s = 0;
    for (let i = 0; i < 2 * n; i++) s += V[i] * V[i];
    if (!(s > 0) || !Number.isFinite(s)) return;
    const f = 1 / Math.sqrt(s);
    for (let i = 0; i < 2 * n; i++) V[i] *= f;
  };
  // right: (H - lambda I) y = b from ones, twice
  for (let i = 0; i < n; i++) {
    Y[i] = 1;
    Y[n + i] = 0;
  }
  for (let it = 0; it < 2; it++) {
    for (let j = 0; j < n - 1; j++) {
      if (piv[j]) {
        [Y[j], Y[j + 1]] = [Y[j + 1], Y[j]];
        [Y[n + j], Y[n + j + 1]] = [Y[n + j + 1], Y[n + j]];
      }
      const b_r = Y[j],
        b_i = Y[n + j];
      Y[j + 1] -= mr[j] * b_r - mi[j] * b_i;
      Y[n + j + 1] -= mr[j] * b_i + mi[j] * b_r;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sr = Y[i],
        si = Y[n + i];
      for (let k = i + 1; k < n; k++) {
        const a_r = ur[i * n + k],
          a_i = ui[i * n + k];
        sr -= a_r * Y[k] - a_i * Y[n + k];
        si -= a_r * Y[n + k] + a_i * Y[k];
      }
      [Y[i], Y[n + i]] = div(sr, si, ur[i * n + i], ui[i * n + i]);
    }
    normalize(Y as Float64Array);
  }
  // left: U^T t = c, then z = M^T t, from ones, twice
  for (let i = 0; i < n; i++) {
    Z[i] = 1;
    Z[n + i] = 0;
  }
  for (let it = 0; it < 2; it++) {
    for (let i = 0; i < n; i++) {
      const [t_r, t_i] = div(Z[i], Z[n + i], ur[i * n + i], ui[i * n + i]);
      Z[i] = t_r;
      Z[n + i] = t_i;
      for (let k = i + 1; k < n; k++) {
        const a_r = ur[i * n + k],
          a_i = ui[i * n + k];
        Z[k] -= t_r * a_r - t_i * a_i;
        Z[n + k] -= t_r * a_i + t_i * a_r;
      }
    }
    for (let j = n - 2; j >= 0; j--) {
      const b_r = Z[j + 1],
        b_i = Z[n + j + 1];
      Z[j] -= mr[j] * b_r - mi[j] * b_i;
      Z[n + j] -= mr[j] * b_i + mi[j] * b_r;
      if (piv[j]) {
        [Z[j], Z[j + 1]] = [Z[j + 1], Z[j]];
        [Z[n + j], Z[n + j + 1]] = [Z[n + j + 1], Z[n + j]];
      }
    }
    normalize(Z as Float64Array);
  }
}
