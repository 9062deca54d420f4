// Eigenvalues of a general real matrix (THEORY §6: spectra of connectomes and random-mode stand-ins).
//
// hessenberg_f64: Householder reduction A -> Q^T A Q upper Hessenberg (10 n^3 / 3 flops). Step k reflects
// rows/columns k+1..n-1 to zero A[k+2:, k]: the left update is w = sum_i v_i A_i (row axpys into w), then
// A_i -= beta v_i w; the right update is, per row, A_r -= beta (A_r . v) v — all along rows (row-major,
// unit stride), f64x2 SIMD with a scalar tail. Entries below the subdiagonal are set to zero.
// hqr_f64: the Francis double-shift QR iteration on the Hessenberg matrix for eigenvalues only (EISPACK
// hqr / JAMA hqr2 without the vector accumulation): the bulge is chased with 3 x 3 reflectors restricted
// to the active window, negligible subdiagonals (< eps (|h_ll| + |h_l-1,l-1|)) deflate, exceptional shifts
// at iterations 10 and 30. Returns 0, or -1 if an eigenvalue needed more than 60 iterations.
// Both unchecked and allocation-free; w is n float64 of scratch.

import { __axpy_f64 as __axpy, __madd, __dot_f64 as __dot } from "./inline/simd";

export function hessenberg_f64(n: i32, a: usize, w: usize): void {
  let row = <usize>n << 3;
  let v = w + row; // second half of the scratch: the reflector
  for (let k = 0; k < n - 2; k++) {
    let s = k + 1, len = n - s;
    let so = <usize>s << 3;
    let norm2 = 0.0;
    for (let i = 0; i < len; i++) {
      let x = load<f64>(a + <usize>(s + i) * row + (<usize>k << 3));
      store<f64>(v + (<usize>i << 3), x);
      norm2 += x * x;
    }
    let x0 = load<f64>(v);
    let tail2 = norm2 - x0 * x0;
    if (tail2 == 0) continue; // already Hessenberg in this column
    let alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    let v0 = x0 - alpha;
    store<f64>(v, v0);
    let beta = 2.0 / (tail2 + v0 * v0);
    // left: rows s..n-1, columns k..n-1
    let ko = <usize>k << 3, clen = n - k;
    memory.fill(w + ko, 0, <usize>clen << 3);
    for (let i = 0; i < len; i++) __axpy(clen, load<f64>(v + (<usize>i << 3)), a + <usize>(s + i) * row + ko, w + ko);
    for (let i = 0; i < len; i++) __axpy(clen, -beta * load<f64>(v + (<usize>i << 3)), w + ko, a + <usize>(s + i) * row + ko);
    // right: every row, columns s..n-1
    for (let r = 0; r < n; r++) {
      let rr = a + <usize>r * row + so;
      __axpy(len, -beta * __dot(len, rr, v), v, rr);
    }
    store<f64>(a + <usize>s * row + ko, alpha);
    for (let i = s + 1; i < n; i++) store<f64>(a + <usize>i * row + ko, 0.0);
  }
}

// @ts-ignore: decorator
@inline function H(a: usize, n: i32, i: i32, j: i32): f64 {
  return load<f64>(a + ((<usize>i * <usize>n + <usize>j) << 3));
}
// @ts-ignore: decorator
@inline function setH(a: usize, n: i32, i: i32, j: i32, v: f64): void {
  store<f64>(a + ((<usize>i * <usize>n + <usize>j) << 3), v);
}

export function hqr_f64(nn: i32, a: usize, wr: usize, wi: usize): i32 {
  let eps = f64.EPSILON;
  let norm = 0.0;
  for (let i = 0; i < nn; i++) for (let j = max(i - 1, 0); j < nn; j++) norm += Math.abs(H(a, nn, i, j));
  let n = nn - 1;
  let exshift = 0.0, iter = 0;
  let p = 0.0, q = 0.0, r = 0.0, s = 0.0, z = 0.0, w = 0.0, x = 0.0, y = 0.0;
  while (n >= 0) {
    let l = n;
    while (l > 0) {
      s = Math.abs(H(a, nn, l - 1, l - 1)) + Math.abs(H(a, nn, l, l));
      if (s == 0) s = norm;
      if (Math.abs(H(a, nn, l, l - 1)) < eps * s) break;
      l--;
    }
    if (l == n) {
      store<f64>(wr + (<usize>n << 3), H(a, nn, n, n) + exshift);
      store<f64>(wi + (<usize>n << 3), 0.0);
      n--;
      iter = 0;
    } else if (l == n - 1) {
      w = H(a, nn, n, n - 1) * H(a, nn, n - 1, n);
      p = (H(a, nn, n - 1, n - 1) - H(a, nn, n, n)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      x = H(a, nn, n, n) + exshift;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        let d1 = x + z;
        store<f64>(wr + (<usize>(n - 1) << 3), d1);
        store<f64>(wr + (<usize>n << 3), z != 0 ? x - w / z : d1);
        store<f64>(wi + (<usize>(n - 1) << 3), 0.0);
        store<f64>(wi + (<usize>n << 3), 0.0);
      } else {
        store<f64>(wr + (<usize>(n - 1) << 3), x + p);
        store<f64>(wr + (<usize>n << 3), x + p);
        store<f64>(wi + (<usize>(n - 1) << 3), z);
        store<f64>(wi + (<usize>n << 3), -z);
      }
      n -= 2;
      iter = 0;
    } else {
      x = H(a, nn, n, n);
      y = H(a, nn, n - 1, n - 1);
      w = H(a, nn, n, n - 1) * H(a, nn, n - 1, n);
      if (iter == 10) {
        exshift += x;
        for (let i = 0; i <= n; i++) setH(a, nn, i, i, H(a, nn, i, i) - x);
        s = Math.abs(H(a, nn, n, n - 1)) + Math.abs(H(a, nn, n - 1, n - 2));
        x = 0.75 * s;
        y = x;
        w = -0.4375 * s * s;
      }
      if (iter == 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) setH(a, nn, i, i, H(a, nn, i, i) - s);
          exshift += s;
          x = 0.964;
          y = x;
          w = x;
        }
      }
      if (iter >= 60) return -1;
      iter++;
      let m = n - 2;
      while (m >= l) {
        z = H(a, nn, m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / H(a, nn, m + 1, m) + H(a, nn, m, m + 1);
        q = H(a, nn, m + 1, m + 1) - z - r - s;
        r = H(a, nn, m + 2, m + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m == l) break;
        if (Math.abs(H(a, nn, m, m - 1)) * (Math.abs(q) + Math.abs(r)) < eps * (Math.abs(p) * (Math.abs(H(a, nn, m - 1, m - 1)) + Math.abs(z) + Math.abs(H(a, nn, m + 1, m + 1))))) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        setH(a, nn, i, i - 2, 0.0);
        if (i > m + 2) setH(a, nn, i, i - 3, 0.0);
      }
      for (let k = m; k <= n - 1; k++) {
        let notlast = k != n - 1;
        if (k != m) {
          p = H(a, nn, k, k - 1);
          q = H(a, nn, k + 1, k - 1);
          r = notlast ? H(a, nn, k + 2, k - 1) : 0.0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x != 0) {
            p /= x;
            q /= x;
            r /= x;
          }
        }
        if (x == 0) break;
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s != 0) {
          if (k != m) setH(a, nn, k, k - 1, -s * x);
          else if (l != m) setH(a, nn, k, k - 1, -H(a, nn, k, k - 1));
          p += s;
          x = p / s;
          y = q / s;
          z = r / s;
          q /= p;
          r /= p;
          // rows k..k+2, columns k..n (eigenvalues only: the active window suffices)
          let rk = a + ((<usize>k * <usize>nn) << 3), rk1 = rk + (<usize>nn << 3), rk2 = rk1 + (<usize>nn << 3);
          if (notlast) __reflect3(n - k + 1, rk + (<usize>k << 3), rk1 + (<usize>k << 3), rk2 + (<usize>k << 3), q, r, x, y, z);
          else __reflect2(n - k + 1, rk + (<usize>k << 3), rk1 + (<usize>k << 3), q, x, y);
          // columns k..k+2, rows l..min(n, k+3)
          let top = min(n, k + 3);
          for (let i = l; i <= top; i++) {
            let ri = a + ((<usize>i * <usize>nn + <usize>k) << 3);
            let h0 = load<f64>(ri), h1 = load<f64>(ri, 8);
            let pp = x * h0 + y * h1;
            if (notlast) {
              let h2 = load<f64>(ri, 16);
              pp += z * h2;
              store<f64>(ri, h2 - pp * r, 16);
            }
            store<f64>(ri, h0 - pp);
            store<f64>(ri, h1 - pp * q, 8);
          }
        }
      }
    }
  }
  return 0;
}

// rows (a, b, c) over len columns: p = a + q b + r c; a -= p x; b -= p y; c -= p z
// @ts-ignore: decorator
@inline function __reflect3(len: i32, ra: usize, rb: usize, rc: usize, q: f64, r: f64, x: f64, y: f64, z: f64): void {
  let vq = f64x2.splat(q), vr = f64x2.splat(r), vx = f64x2.splat(x), vy = f64x2.splat(y), vz = f64x2.splat(z);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    let o = <usize>j << 3;
    let A = v128.load(ra + o), B = v128.load(rb + o), C = v128.load(rc + o);
    let P = __madd<f64>(__madd<f64>(A, vq, B), vr, C);
    v128.store(ra + o, f64x2.sub(A, f64x2.mul(P, vx)));
    v128.store(rb + o, f64x2.sub(B, f64x2.mul(P, vy)));
    v128.store(rc + o, f64x2.sub(C, f64x2.mul(P, vz)));
  }
  for (; j < len; j++) {
    let o = <usize>j << 3;
    let A = load<f64>(ra + o), B = load<f64>(rb + o), C = load<f64>(rc + o);
    let P = A + q * B + r * C;
    store<f64>(ra + o, A - P * x);
    store<f64>(rb + o, B - P * y);
    store<f64>(rc + o, C - P * z);
  }
}

// @ts-ignore: decorator
@inline function __reflect2(len: i32, ra: usize, rb: usize, q: f64, x: f64, y: f64): void {
  for (let j = 0; j < len; j++) {
    let o = <usize>j << 3;
    let A = load<f64>(ra + o), B = load<f64>(rb + o);
    let P = A + q * B;
    store<f64>(ra + o, A - P * x);
    store<f64>(rb + o, B - P * y);
  }
}
