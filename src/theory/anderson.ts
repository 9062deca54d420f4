/**
 * Anderson acceleration (type II, depth m) of a fixed-point iteration x = G(x): each step solves the small least-
 * squares problem min |f_k - dF gamma| over the last m differences of the residuals f = G(x) - x and moves to
 * G(x_k) - (dX + dF) gamma (Walker & Ni 2011). Used where the plain iteration contracts slowly: the Euler map's
 * discrete DMFT and the noise-driven DMFT (src/theory/lyapunov.ts, src/theory/driven.ts).
 */

/** The fixed point of `map` from x0: stops when max |G(x) - x| < tol; null when maxIterations pass without it. */
export function andersonFixedPoint(
  map: (x: Float64Array) => Float64Array,
  x0: Float64Array,
  options: { tol: (x: Float64Array) => number; depth?: number; maxIterations?: number },
): Float64Array | null {
  const depth = options.depth ?? 6;
  const dX: Float64Array[] = [],
    dF: Float64Array[] = [];
  let x = x0;
  let prevX: Float64Array | null = null,
    prevF: Float64Array | null = null;
  for (let it = 0; it < (options.maxIterations ?? 300); it++) {
    const gx = map(x);
    const f = gx.map((v, n) => v - x[n]);
    let change = 0;
    for (const v of f) change = Math.max(change, Math.abs(v));
    if (change < options.tol(gx)) return gx;
    if (prevX && prevF) {
      dX.push(x.map((v, n) => v - prevX![n]));
      dF.push(f.map((v, n) => v - prevF![n]));
      if (dX.length > depth) {
        dX.shift();
        dF.shift();
      }
    }
    prevX = x;
    prevF = f;
    const m = dF.length;
    if (m === 0) {
      x = gx;
      continue;
    }
    // gamma = argmin |f - dF gamma| by the normal equations (ridge 1e-12 of the diagonal's scale)
    const A = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => dot(dF[i], dF[j])));
    const rhs = Array.from({ length: m }, (_, i) => dot(dF[i], f));
    const scale = Math.max(...A.map((row, i) => row[i]));
    for (let i = 0; i < m; i++) A[i][i] += 1e-12 * scale;
    const gamma = solveSmall(A, rhs);
    x = gx.map((v, n) => {
      let y = v;
      for (let i = 0; i < m; i++) y -= gamma[i] * (dX[i][n] + dF[i][n]);
      return y;
    });
  }
  return null;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** x with A x = b for a small dense system (Gaussian elimination with partial pivoting) */
function solveSmall(A: number[][], b: number[]): number[] {
  const m = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < m; col++) {
    let p = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(M[r][col]) > Math.abs(M[p][col])) p = r;
    [M[col], M[p]] = [M[p], M[col]];
    for (let r = col + 1; r < m; r++) {
      const f = M[r][col] / M[col][col];
      for (let j = col; j <= m; j++) M[r][j] -= f * M[col][j];
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let v = M[r][m];
    for (let j = r + 1; j < m; j++) v -= M[r][j] * x[j];
    x[r] = v / M[r][r];
  }
  return x;
}
