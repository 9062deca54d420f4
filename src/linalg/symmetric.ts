/**
 * Eigenvalues and eigenvectors of a real symmetric matrix: the PCs of a covariance (src/simulate/pc-spectrum.ts).
 *
 * Stage 1 (O(n^3), backend kernel `tridiag`): Householder tridiagonalisation A = Q T Q^T (Golub & Van Loan §8.3.1;
 * the wasm kernel works in the upper triangle, 4/3 n^3 flops, one pass over it per step).
 * Stage 2 (here): the implicit symmetric QR iteration on T with Wilkinson's shift (GVL Algorithm 8.3.2): each
 * sweep over an unreduced block l..m starts with the rotation that a shifted QR step's first column fixes and
 * chases the bulge down with rotations G_k of (k, k + 1); an off-diagonal entry below eps ||T|| is set to zero and
 * splits T. O(n) per sweep, ~2 sweeps per eigenvalue: O(n^2) for the values.
 * Vectors: the backend forms Q^T (kernel tridiagVectors, from the stage-1 reflectors, 4/3 n^3 flops, a cache-sized
 * block of reflectors applied to each row in turn); every sweep's rotations are
 * then applied to its rows (kernel rotSeq, one call per sweep: each rotation two contiguous SIMD row updates), so
 * row k ends as the k-th eigenvector. ~6 n^3 flops for the rotations (LAPACK's dsteqr), the bulk of the vectors'
 * cost; the values alone cost stage 1 only.
 * Backward stable (GVL §8.3): the values are exact for A + dA with ||dA|| ~ n u ||A||, so each
 * is within that of an exact one; the vectors are orthonormal to ~n u and, for well-separated values, accurate.
 * Why not the other routes: the nonsymmetric `eig` (Hessenberg + Francis QR) spends ~10 n^3 flops and complex
 * arithmetic where the symmetric structure needs none; the SVD (svd.ts) of a symmetric matrix gives the same
 * vectors at twice the reduction cost and two sets of rotations.
 */
import { withBuffers } from "../backend/buffers.ts";
import type { Backend } from "../backend/types.ts";
import { ConvergenceError } from "../errors.ts";
import { checkSquareMatrix } from "./svd.ts";

/** The eigendecomposition of a symmetric matrix (symmetricEigen). */
export interface SymmetricEigen {
  /** eigenvalues, decreasing */
  values: Float64Array;
  /** n x n row-major, row k the unit eigenvector of values[k]; null when not asked for */
  vectors: Float64Array | null;
}

/**
 * The eigendecomposition of the symmetric n x n row-major matrix A (not modified). A may be asymmetric at the
 * level of rounding (a covariance summed in two orders): it is symmetrised as (A + A^T) / 2; beyond 1e-8 of
 * max |A_ij| it is refused with a RangeError naming `name`.
 */
export function symmetricEigen(
  n: number,
  A: Float64Array,
  be: Backend,
  options: { vectors?: boolean; name?: string } = {},
): SymmetricEigen {
  checkSquareMatrix(n, A);
  const S = symmetrised(n, A, options.name ?? "A");
  const f64 = (length: number) => ({ dtype: "float64" as const, length });
  const wantVectors = options.vectors ?? false;
  return withBuffers(
    be,
    [S, f64(n), f64(n), f64(2 * n), wantVectors ? f64(n * n) : null, f64(n), f64(n)],
    ([a, d, e, w, qt, cs, sn]) => {
      be.tridiag(n, a!, d!, e!, w!);
      if (qt) be.tridiagVectors(n, a!, qt, w!);
      const values = be.read(d!) as Float64Array,
        off = be.read(e!) as Float64Array;
      const c = new Float64Array(n),
        s = new Float64Array(n);
      tridiagonalEigen(
        values,
        off,
        (first, count) => {
          if (!qt) return;
          be.write(cs!, c.subarray(0, count));
          be.write(sn!, s.subarray(0, count));
          be.rotSeq(n, qt, first, count, cs!, sn!);
        },
        c,
        s,
      );
      const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => values[y] - values[x]);
      const sorted = Float64Array.from(order, (k) => values[k]);
      if (!qt) return { values: sorted, vectors: null };
      const Q = be.read(qt) as Float64Array;
      const vectors = new Float64Array(n * n);
      order.forEach((k, r) => vectors.set(Q.subarray(k * n, (k + 1) * n), r * n));
      return { values: sorted, vectors };
    },
  );
}

/** (A + A^T) / 2, or a RangeError if A is not symmetric up to rounding (1e-8 of its largest entry). */
function symmetrised(n: number, A: Float64Array, name: string): Float64Array {
  let scale = 0;
  for (let k = 0; k < A.length; k++) scale = Math.max(scale, Math.abs(A[k]));
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    S[i * n + i] = A[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const x = A[i * n + j],
        y = A[j * n + i];
      if (Math.abs(x - y) > 1e-8 * scale)
        throw new RangeError(
          `invalid argument: \`${name}\` must be symmetric; got ${name}[${i}][${j}] = ${x} and ${name}[${j}][${i}] = ${y}`,
        );
      S[i * n + j] = S[j * n + i] = 0.5 * (x + y);
    }
  }
  return S;
}

/**
 * The eigenvalues of the symmetric tridiagonal matrix with diagonal d and off-diagonal e (e[k] couples k and k + 1;
 * e[n-1] ignored), in place into d (unsorted), by implicit-shift QR sweeps. Each sweep's rotations (c[j], s[j]) of
 * rows (first + j, first + j + 1), j < count, are handed to `sweep` in order: rows <- (c r1 + s r2, c r2 - s r1).
 */
export function tridiagonalEigen(
  d: Float64Array,
  e: Float64Array,
  sweep?: (first: number, count: number) => void,
  c = new Float64Array(d.length),
  s = new Float64Array(d.length),
  maxSweeps = 30,
): void {
  const n = d.length;
  const eps = 2 ** -52,
    tiny = 2 ** -966;
  // an off-diagonal entry is negligible below eps ||T|| (EISPACK tql2's test): setting it to zero is a backward error
  // of that size, which the QR sweeps commit anyway. A test relative to its neighbours only (|d_k| + |d_k+1|) asks a
  // rank-deficient covariance's null space, entries at the rounding level of the large ones that the sweeps
  // pass through, for a precision they cannot reach: at N = 4096 its first eigenvalue took over 30 sweeps.
  let norm = 0;
  for (let k = 0; k < n; k++) norm = Math.max(norm, Math.abs(d[k]) + (k + 1 < n ? Math.abs(e[k]) : 0));
  const negligible = (k: number) => Math.abs(e[k]) <= tiny + eps * norm;
  let m = n - 1,
    sweeps = 0;
  while (m > 0) {
    if (negligible(m - 1)) {
      e[m - 1] = 0;
      m--;
      continue;
    }
    let l = m - 1;
    while (l > 0 && !negligible(l - 1)) l--;
    if (l > 0) e[l - 1] = 0;
    // LAPACK's budget (dsteqr): 30 n sweeps in all; one eigenvalue may take many more than 30 (a rank-deficient
    // covariance's null space, rounding-level entries with no gap, at N = 4096)
    if (++sweeps > maxSweeps * n) {
      throw new ConvergenceError(
        `the symmetric tridiagonal QR did not converge after ${sweeps - 1} sweeps (${m + 1} eigenvalues left)`,
        { sweeps: sweeps - 1, remaining: m + 1 },
      );
    }
    // Wilkinson's shift: the eigenvalue of the trailing 2 x 2 nearer d[m]
    const t = (d[m - 1] - d[m]) / 2,
      b = e[m - 1];
    const mu = d[m] - (b * b) / (t + (t >= 0 ? 1 : -1) * Math.hypot(t, b));
    let x = d[l] - mu,
      z = e[l];
    for (let k = l; k < m; k++) {
      const r = Math.hypot(x, z);
      const ck = r === 0 ? 1 : x / r,
        sk = r === 0 ? 0 : z / r;
      if (k > l) e[k - 1] = r;
      const a = d[k],
        bk = e[k],
        cc = d[k + 1];
      d[k] = ck * ck * a + 2 * ck * sk * bk + sk * sk * cc;
      d[k + 1] = sk * sk * a - 2 * ck * sk * bk + ck * ck * cc;
      e[k] = ck * sk * (cc - a) + (ck * ck - sk * sk) * bk;
      c[k - l] = ck;
      s[k - l] = sk;
      if (k < m - 1) {
        x = e[k];
        z = sk * e[k + 1];
        e[k + 1] = ck * e[k + 1];
      }
    }
    sweep?.(l, m - l);
  }
}
