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
// Both unchecked and allocation-free; w is 2n float64 of scratch. With q != 0, hessenberg_f64 also accumulates the
// orthogonal Q (n x n, set to I first) with A = Q H Q^T: each reflector applied to Q's rows from the right, like A's.
// hess_invit_f64: one eigenvalue's right and left eigenvectors of the Hessenberg H by inverse iteration (below).

import { __axpy_f64 as __axpy, __madd, __dot_f64 as __dot } from "./inline/simd";

export function hessenberg_f64(n: i32, a: usize, w: usize, q: usize): void {
  let row = <usize>n << 3;
  let v = w + row; // second half of the scratch: the reflector
  if (q != 0) {
    memory.fill(q, 0, <usize>n * row);
    for (let i = 0; i < n; i++) store<f64>(q + <usize>i * row + (<usize>i << 3), 1.0);
  }
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
    // right: every row, columns s..n-1 (and Q's rows: Q <- Q (I - beta v v^T))
    for (let r = 0; r < n; r++) {
      let rr = a + <usize>r * row + so;
      __axpy(len, -beta * __dot(len, rr, v), v, rr);
    }
    if (q != 0)
      for (let r = 0; r < n; r++) {
        let qr = q + <usize>r * row + so;
        __axpy(len, -beta * __dot(len, qr, v), v, qr);
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

// hess_invit_f64: inverse iteration for the eigenvalue lambda = lr + i li of the upper Hessenberg h (n x n, row-major,
// not modified). The complex LU of H - lambda I with partial pivoting between adjacent rows (a Hessenberg matrix
// eliminates one subdiagonal entry per column: O(n^2)) is formed in u (2 n^2: real part, then imaginary part; the
// multipliers and swaps in wk, 3n); a zero pivot is replaced by eps1 (~ eps ||H||, EISPACK invit's choice). Then two
// solves from a vector of ones each way:
//   right: (H - lambda I) y = b, y <- y / |y|, once more      y: 2n (re, then im)
//   left:  (H - lambda I)^T z = c (the bilinear transpose: z^T H = lambda z^T), same      z: 2n
// M A = U with M = E_{n-2} P_{n-2} ... E_0 P_0 (P_j swaps rows j, j+1; E_j subtracts m_j row j from row j+1); the
// left solve is U^T t = c, then z = M^T t. With lambda accurate to ~eps ||H|| one solve already gives the vector to
// working accuracy (growth ~ 1 / eps); the second removes what a start vector nearly orthogonal to it leaves.
export function hess_invit_f64(n: i32, h: usize, lr: f64, li: f64, eps1: f64, y: usize, z: usize, u: usize, wk: usize): void {
  let nn = <usize>n;
  let ur = u, ui = u + ((nn * nn) << 3);
  let mr = wk, mi = wk + (nn << 3), piv = wk + (nn << 4);
  // U = H - lambda I (below the subdiagonal: zero)
  memory.fill(u, 0, (nn * nn) << 4);
  for (let i = 0; i < n; i++) {
    let j0 = i > 0 ? i - 1 : 0;
    memory.copy(ur + ((<usize>i * nn + <usize>j0) << 3), h + ((<usize>i * nn + <usize>j0) << 3), <usize>(n - j0) << 3);
    let d = ur + ((<usize>i * nn + <usize>i) << 3);
    store<f64>(d, load<f64>(d) - lr);
    store<f64>(ui + ((<usize>i * nn + <usize>i) << 3), -li);
  }
  for (let j = 0; j < n - 1; j++) {
    let rj = (<usize>j * nn + <usize>j) << 3, rk = rj + (nn << 3); // U[j][j], U[j+1][j]
    let ar = load<f64>(ur + rj), ai = load<f64>(ui + rj), br = load<f64>(ur + rk), bi = load<f64>(ui + rk);
    let swap = br * br + bi * bi > ar * ar + ai * ai;
    store<f64>(piv + (<usize>j << 3), swap ? 1.0 : 0.0);
    let len = n - j;
    if (swap) {
      __swap(len, ur + rj, ur + rk);
      __swap(len, ui + rj, ui + rk);
      let t = ar; ar = br; br = t;
      t = ai; ai = bi; bi = t;
    }
    if (ar == 0 && ai == 0) {
      ar = eps1;
      store<f64>(ur + rj, ar);
    }
    // m = b / a
    let den = ar * ar + ai * ai;
    let m_r = (br * ar + bi * ai) / den, m_i = (bi * ar - br * ai) / den;
    store<f64>(mr + (<usize>j << 3), m_r);
    store<f64>(mi + (<usize>j << 3), m_i);
    // row j+1 -= m row j over columns j+1..n-1 (complex, split)
    __caxpy(len - 1, -m_r, -m_i, ur + rj + 8, ui + rj + 8, ur + rk + 8, ui + rk + 8);
    store<f64>(ur + rk, 0.0);
    store<f64>(ui + rk, 0.0);
  }
  let last = (<usize>(n - 1) * nn + <usize>(n - 1)) << 3;
  if (load<f64>(ur + last) == 0 && load<f64>(ui + last) == 0) store<f64>(ur + last, eps1);
  let yr = y, yi = y + (nn << 3), zr = z, zi = z + (nn << 3);
  // right: start from ones
  for (let i = 0; i < n; i++) {
    store<f64>(yr + (<usize>i << 3), 1.0);
    store<f64>(yi + (<usize>i << 3), 0.0);
  }
  for (let it = 0; it < 2; it++) {
    // forward: b <- M b
    for (let j = 0; j < n - 1; j++) {
      let o = <usize>j << 3;
      if (load<f64>(piv + o) != 0) {
        let t = load<f64>(yr + o); store<f64>(yr + o, load<f64>(yr + o + 8)); store<f64>(yr + o + 8, t);
        t = load<f64>(yi + o); store<f64>(yi + o, load<f64>(yi + o + 8)); store<f64>(yi + o + 8, t);
      }
      let m_r = load<f64>(mr + o), m_i = load<f64>(mi + o), b_r = load<f64>(yr + o), b_i = load<f64>(yi + o);
      store<f64>(yr + o + 8, load<f64>(yr + o + 8) - (m_r * b_r - m_i * b_i));
      store<f64>(yi + o + 8, load<f64>(yi + o + 8) - (m_r * b_i + m_i * b_r));
    }
    // back: U y = b, rows from the bottom (row i dotted with the solved tail)
    for (let i = n - 1; i >= 0; i--) {
      let ro = (<usize>i * nn) << 3, o = <usize>i << 3;
      let sr = load<f64>(yr + o), si = load<f64>(yi + o);
      for (let k = i + 1; k < n; k++) {
        let ko = <usize>k << 3;
        let a_r = load<f64>(ur + ro + ko), a_i = load<f64>(ui + ro + ko), v_r = load<f64>(yr + ko), v_i = load<f64>(yi + ko);
        sr -= a_r * v_r - a_i * v_i;
        si -= a_r * v_i + a_i * v_r;
      }
      let dr = load<f64>(ur + ro + o), di = load<f64>(ui + ro + o), den = dr * dr + di * di;
      store<f64>(yr + o, (sr * dr + si * di) / den);
      store<f64>(yi + o, (si * dr - sr * di) / den);
    }
    __cnormalize(n, yr, yi);
  }
  // left: start from ones
  for (let i = 0; i < n; i++) {
    store<f64>(zr + (<usize>i << 3), 1.0);
    store<f64>(zi + (<usize>i << 3), 0.0);
  }
  for (let it = 0; it < 2; it++) {
    // U^T t = c: column by column (row i of U updates the entries after i)
    for (let i = 0; i < n; i++) {
      let ro = (<usize>i * nn) << 3, o = <usize>i << 3;
      let dr = load<f64>(ur + ro + o), di = load<f64>(ui + ro + o), den = dr * dr + di * di;
      let sr = load<f64>(zr + o), si = load<f64>(zi + o);
      let t_r = (sr * dr + si * di) / den, t_i = (si * dr - sr * di) / den;
      store<f64>(zr + o, t_r);
      store<f64>(zi + o, t_i);
      __caxpy(n - 1 - i, -t_r, -t_i, ur + ro + o + 8, ui + ro + o + 8, zr + o + 8, zi + o + 8);
    }
    // z = M^T t: j from n-2 down to 0, t_j -= m_j t_{j+1}, then swap t_j, t_{j+1}
    for (let j = n - 2; j >= 0; j--) {
      let o = <usize>j << 3;
      let m_r = load<f64>(mr + o), m_i = load<f64>(mi + o), b_r = load<f64>(zr + o + 8), b_i = load<f64>(zi + o + 8);
      store<f64>(zr + o, load<f64>(zr + o) - (m_r * b_r - m_i * b_i));
      store<f64>(zi + o, load<f64>(zi + o) - (m_r * b_i + m_i * b_r));
      if (load<f64>(piv + o) != 0) {
        let t = load<f64>(zr + o); store<f64>(zr + o, load<f64>(zr + o + 8)); store<f64>(zr + o + 8, t);
        t = load<f64>(zi + o); store<f64>(zi + o, load<f64>(zi + o + 8)); store<f64>(zi + o + 8, t);
      }
    }
    __cnormalize(n, zr, zi);
  }
}

// @ts-ignore: decorator
@inline function __swap(len: i32, a: usize, b: usize): void {
  for (let j = 0; j < len; j++) {
    let o = <usize>j << 3;
    let t = load<f64>(a + o);
    store<f64>(a + o, load<f64>(b + o));
    store<f64>(b + o, t);
  }
}

// (yr + i yi) += (cr + i ci) (xr + i xi) over len entries, split complex, f64x2 SIMD with a scalar tail
// @ts-ignore: decorator
@inline function __caxpy(len: i32, cr: f64, ci: f64, xr: usize, xi: usize, yr: usize, yi: usize): void {
  let vcr = f64x2.splat(cr), vci = f64x2.splat(ci);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    let o = <usize>j << 3;
    let XR = v128.load(xr + o), XI = v128.load(xi + o);
    v128.store(yr + o, f64x2.add(v128.load(yr + o), f64x2.sub(f64x2.mul(vcr, XR), f64x2.mul(vci, XI))));
    v128.store(yi + o, f64x2.add(v128.load(yi + o), f64x2.add(f64x2.mul(vcr, XI), f64x2.mul(vci, XR))));
  }
  for (; j < len; j++) {
    let o = <usize>j << 3;
    let XR = load<f64>(xr + o), XI = load<f64>(xi + o);
    store<f64>(yr + o, load<f64>(yr + o) + cr * XR - ci * XI);
    store<f64>(yi + o, load<f64>(yi + o) + cr * XI + ci * XR);
  }
}

// scale a complex vector to unit 2-norm (a zero vector is left as it is)
// @ts-ignore: decorator
@inline function __cnormalize(n: i32, vr: usize, vi: usize): void {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    let o = <usize>i << 3;
    s += load<f64>(vr + o) * load<f64>(vr + o) + load<f64>(vi + o) * load<f64>(vi + o);
  }
  if (!(s > 0) || !isFinite(s)) return;
  let f = 1.0 / Math.sqrt(s);
  for (let i = 0; i < n; i++) {
    let o = <usize>i << 3;
    store<f64>(vr + o, load<f64>(vr + o) * f);
    store<f64>(vi + o, load<f64>(vi + o) * f);
  }
}
