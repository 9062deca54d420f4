/**
 * The four-point function of reciprocal structure (PRX (H19) for partial symmetry, (51) for mode overlaps; THEORY
 * §4.3, §4.7) on the sampler's frequency grid: the mode averages U, V, W, X as rank-M products on the backend
 * (matmat over the thinned mode list), Psi^phi(w1, w2) and its sums Psi(0, 0) and Psi(tau, 0), restricted to the
 * frequency bins that hold all but ACTIVE_REL of sum C^phi(w) (src/theory/structured.ts has the equations).
 */
import { withBuffers } from "../backend/buffers.ts";
import type { Backend } from "../backend/types.ts";
import { freqOf, type SamplerState } from "./selfcoupled-state.ts";
import { lagsOfSpectrum } from "./fft.ts";
import { type Structure } from "./structured.ts";

export const MAX_MODES = 128;
const ACTIVE_REL = 1e-4;

/** at most MAX_MODES evenly spaced modes of the list (the whole list when shorter) */
export function thinModes(D: Float64Array, rho: Float64Array): { D: Float64Array; rho: Float64Array } {
  if (D.length <= MAX_MODES) return { D, rho };
  const idx = Array.from({ length: MAX_MODES }, (_, i) => Math.floor(((i + 0.5) * D.length) / MAX_MODES));
  return { D: Float64Array.from(idx, (i) => D[i]), rho: Float64Array.from(idx, (i) => rho[i]) };
}

/** Y = L R^T (nl x nr) for L (nl x m), R (nr x m), row-major, each real (imaginary part null) or complex:
 *  real products on the backend (matmat: Y = X A^T), two of width 2m for complex x complex
 *  (Re = [Lr, -Li][Rr, Ri]^T, Im = [Lr, Li][Ri, Rr]^T), two of width m for complex x real. */
function product(
  be: Backend,
  nl: number,
  nr: number,
  m: number,
  Lr: Float64Array,
  Li: Float64Array | null,
  Rr: Float64Array,
  Ri: Float64Array | null,
): { re: Float64Array; im: Float64Array } {
  const real = (X: Float64Array, A: Float64Array, w: number) => {
    return withBuffers(be, [A, X, { dtype: "float64", length: nl * nr }], ([a, x, y]) => {
      be.matmat(nr, w, nl, a, x, y);
      return be.read(y) as Float64Array;
    });
  };
  const cat = (n: number, P: Float64Array, Q: Float64Array, sq: number) => {
    const out = new Float64Array(n * 2 * m);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < m; c++) {
        out[r * 2 * m + c] = P[r * m + c];
        out[r * 2 * m + m + c] = sq * Q[r * m + c];
      }
    }
    return out;
  };
  if (Li && Ri)
    return {
      re: real(cat(nl, Lr, Li, -1), cat(nr, Rr, Ri, 1), 2 * m),
      im: real(cat(nl, Lr, Li, 1), cat(nr, Ri, Rr, 1), 2 * m),
    };
  if (Li) return { re: real(Lr, Rr, m), im: real(Li, Rr, m) };
  if (Ri) return { re: real(Lr, Rr, m), im: real(Lr, Ri, m) };
  return { re: real(Lr, Rr, m), im: new Float64Array(nl * nr) };
}

export interface Psi {
  /** Psi(0, 0) and the row sums over w2 (for Psi(tau, 0)), on the active frequencies */
  psi00: number;
  rows: Float64Array;
  /** sums along the anti-diagonals w1 + w2 = Omega (grid index modulo M; for Psi(tau, tau)), over all w1 */
  anti: Float64Array;
  active: Int32Array;
  c0: number;
}

/**
 * The four-point function Psi^phi(w_i, w_j) of PRX (51) (overlaps) or (H19) (partial symmetry) from the single
 * site's C^phi(w) and S^phi(w) at n frequencies (sRe, sIm, cPhi: one value per frequency, any order), for the
 * rows i in `rows` and all j: a rows.length x n row-major array. Unchecked (internal; psiOf and the tests).
 */
export function fourPoint(
  be: Backend,
  st: Structure,
  Sr: Float64Array,
  Si: Float64Array,
  C: Float64Array,
  rows: Int32Array,
): Float64Array {
  const n = C.length,
    nh = rows.length;
  const out = new Float64Array(nh * n);
  if (st.kind === "symmetry") {
    const g2 = st.g * st.g,
      sigma = st.rho * g2;
    for (let h = 0; h < nh; h++) {
      const i = rows[h];
      for (let j = 0; j < n; j++) {
        // S1 S2 and S1^* S2
        const pr = Sr[i] * Sr[j] - Si[i] * Si[j],
          pi = Sr[i] * Si[j] + Si[i] * Sr[j];
        const cr = Sr[i] * Sr[j] + Si[i] * Si[j],
          ci = Sr[i] * Si[j] - Si[i] * Sr[j];
        const a2 = (1 - g2 * pr) ** 2 + (g2 * pi) ** 2;
        const b2 = (1 - sigma * cr) ** 2 + (sigma * ci) ** 2;
        const num = 1 - sigma * sigma * (cr * cr + ci * ci);
        out[h * n + j] = (C[i] * C[j] * num) / (a2 * b2);
      }
    }
  } else {
    const { D, rho } = thinModes(st.D, st.rho);
    const m = D.length,
      a = st.alpha / m;
    // per mode and frequency: Sigma = S / (1 - D rho S)
    const Zr = new Float64Array(n * m),
      Zi = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let q = 0; q < m; q++) {
        const p = D[q] * rho[q],
          dre = 1 - p * Sr[i],
          dim = -p * Si[i],
          den = dre * dre + dim * dim;
        Zr[i * m + q] = (Sr[i] * dre + Si[i] * dim) / den;
        Zi[i * m + q] = (Si[i] * dre - Sr[i] * dim) / den;
      }
    }
    // left factors on the requested rows, right factors on all frequencies
    const left = (
      f: (q: number, zr: number, zi: number) => number,
      imag: ((q: number, zr: number, zi: number) => number) | null,
    ) => {
      const R = new Float64Array(nh * m),
        I = imag ? new Float64Array(nh * m) : null;
      for (let h = 0; h < nh; h++) {
        for (let q = 0; q < m; q++) {
          const at = rows[h] * m + q;
          R[h * m + q] = f(q, Zr[at], Zi[at]);
          if (I && imag) I[h * m + q] = imag(q, Zr[at], Zi[at]);
        }
      }
      return [R, I] as const;
    };
    const Z2 = Float64Array.from(Zr, (v, k) => v * v + Zi[k] * Zi[k]); // |Sigma|^2, all rows
    const xR = Float64Array.from(Zr, (v, k) => a * D[k % m] ** 3 * rho[k % m] * v),
      xI = Float64Array.from(Zi, (v, k) => a * D[k % m] ** 3 * rho[k % m] * v);
    // U = a <D^2 Z1 Z2>;  V = a <D^4 |Z1|^2 |Z2|^2>;  W = a <D^2 rho^2 Z1^* Z2>;  X12 = a <D^3 rho Z1 |Z2|^2>, X21 = a <D^3 rho Z2 |Z1|^2>
    const [uR, uI] = left(
      (q, zr) => a * D[q] ** 2 * zr,
      (q, _zr, zi) => a * D[q] ** 2 * zi,
    );
    const [vR] = left((q, zr, zi) => a * D[q] ** 4 * (zr * zr + zi * zi), null);
    const [wR, wI] = left(
      (q, zr) => a * (D[q] * rho[q]) ** 2 * zr,
      (q, _zr, zi) => -a * (D[q] * rho[q]) ** 2 * zi,
    );
    const [xLR, xLI] = left(
      (q, zr) => a * D[q] ** 3 * rho[q] * zr,
      (q, _zr, zi) => a * D[q] ** 3 * rho[q] * zi,
    );
    const [z2L] = left((_q, zr, zi) => zr * zr + zi * zi, null);
    const U = product(be, nh, n, m, uR, uI, Zr, Zi);
    const V = product(be, nh, n, m, vR, null, Z2, null);
    const W = product(be, nh, n, m, wR, wI, Zr, Zi);
    const X12 = product(be, nh, n, m, xLR, xLI, Z2, null);
    const X21 = product(be, nh, n, m, z2L, null, xR, xI);
    for (let h = 0; h < nh; h++) {
      const i = rows[h];
      for (let j = 0; j < n; j++) {
        const hj = h * n + j;
        // (1 + X_12)(1 + X_21^*) / (1 - W^*)
        const ar = 1 + X12.re[hj],
          ai = X12.im[hj];
        const br = 1 + X21.re[hj],
          bi = -X21.im[hj];
        const pr = ar * br - ai * bi,
          pi = ar * bi + ai * br;
        const wr = 1 - W.re[hj],
          wi = W.im[hj]; // 1 - W^*
        const qr = (pr * wr + pi * wi) / (wr * wr + wi * wi);
        const u2 = (1 - U.re[hj]) ** 2 + U.im[hj] ** 2;
        out[hj] = ((V.re[hj] - 1 + 2 * qr) / u2) * C[i] * C[j];
      }
    }
  }
  return out;
}

/** Psi^phi on the active frequencies of one sampler state. */
export function psiOf(be: Backend, st: Structure, s: SamplerState, M: number, dt: number): Psi {
  // active frequencies: the largest C^phi(w) holding all but ACTIVE_REL of sum C^phi (the dropped bins are
  // the sampler's noise floor; they change Psi(0,0) by < ACTIVE_REL relative, as Psi <= C_1 C_2 x O(1))
  const order = Array.from({ length: M }, (_, k) => k).sort((a, b) => s.cPhiW[b] - s.cPhiW[a]);
  let total = 0;
  for (const v of s.cPhiW) total += Math.max(v, 0);
  const act: number[] = [];
  for (let i = 0, acc = 0; i < M && acc < (1 - ACTIVE_REL) * total; i++) {
    act.push(order[i]);
    acc += Math.max(s.cPhiW[order[i]], 0);
  }
  const sym = new Set(act);
  for (const k of act) sym.add(k === 0 ? 0 : M - k);
  const active = Int32Array.from([...sym].sort((a, b) => a - b)),
    n = active.length;
  let c0 = 0;
  for (let k = 0; k < M; k++) c0 += s.cPhiW[k];
  c0 /= M * dt;
  const C = Float64Array.from(active, (k) => s.cPhiW[k]),
    Sr = Float64Array.from(active, (k) => s.sRe[k]),
    Si = Float64Array.from(active, (k) => s.sIm[k]);
  // Psi(w1, w2) is real and Psi(-w1, -w2) = Psi(w1, w2) (C even, S(-w) = S(w)^*): rows with w1 >= 0 only,
  // counted twice except w1 = 0 and the Nyquist frequency (the active set is closed under w -> -w)
  const half = Int32Array.from(Array.from(active.keys()).filter((i) => active[i] <= M / 2));
  const nh = half.length;
  const psi = fourPoint(be, st, Sr, Si, C, half);
  const rowsHalf = new Float64Array(nh);
  for (let h = 0; h < nh; h++) for (let j = 0; j < n; j++) rowsHalf[h] += psi[h * n + j];
  // the mirrored row -w1 adds to the anti-diagonal sums what row w1 adds (relabel w2 -> -w2: Psi(-w1, -w2) =
  // Psi(w1, w2), and -w1 - w2 gives the same cosines), so each half row counts twice but w1 = 0 and Nyquist
  const anti = new Float64Array(M);
  for (let h = 0; h < nh; h++) {
    const kh = active[half[h]],
      mult = kh === 0 || kh === M / 2 ? 1 : 2;
    for (let j = 0; j < n; j++) anti[(kh + active[j]) % M] += mult * psi[h * n + j];
  }
  const meas = 1 / (M * dt) ** 2;
  // mirror the rows to all active frequencies; Psi(0, 0) and the row sums (1/(M dt)) sum over w2
  const rows = new Float64Array(n);
  const rowOf = new Map<number, number>();
  for (let h = 0; h < nh; h++) rowOf.set(active[half[h]], rowsHalf[h]);
  let psi00 = 0;
  for (let i = 0; i < n; i++) {
    const k = active[i];
    const row = rowOf.get(k) ?? rowOf.get(M - k);
    if (row === undefined) throw new Error(`internal: active frequencies not symmetric at bin ${k}`);
    rows[i] = row / (M * dt);
    psi00 += row * meas;
  }
  return { psi00, rows, anti, active, c0 };
}

/** Psi(tau_l, tau_l) = (1/(M dt))^2 sum_Omega e^{i Omega tau_l} anti(Omega), l = 0 .. lags: one inverse FFT (the
 *  aliased sums Omega + 2 pi / dt give the same phases at the grid's lags) */
export function diagonalOf(p: Psi, M: number, dt: number, lags: number): Float64Array {
  return lagsOfSpectrum(p.anti, new Float64Array(M), M * dt * dt).slice(0, lags + 1);
}

/** Psi(tau_l, 0) = (1/(M dt)) sum_{w1} e^{i w1 tau_l} row(w1), l = 0 .. lags (row real and even: a cosine sum) */
export function collectiveOf(p: Psi, M: number, dt: number, lags: number): Float64Array {
  const out = new Float64Array(lags + 1);
  for (let l = 0; l <= lags; l++) {
    let s = 0;
    for (let i = 0; i < p.active.length; i++) {
      const w = freqOf(p.active[i], M, dt);
      s += p.rows[i] * Math.cos(w * l * dt); // rows are real and even in w1
    }
    out[l] = s / (M * dt);
  }
  return out;
}
