/**
 * Complex matrices in split form (real and imaginary parts, row-major) and their products on a backend: every
 * product is X Y^T by the backend's matmat (four real products for a complex one), the layout matmat reads best.
 */
import { transposed, withBuffers } from "../backend/buffers.ts";
import type { Backend } from "../backend/types.ts";

/** A complex matrix in split form, rows x cols row-major. */
export interface CMatrix {
  rows: number;
  cols: number;
  re: Float64Array;
  im: Float64Array;
}

/** The transpose (not the conjugate transpose) of a complex matrix. */
export function transposeC(X: CMatrix): CMatrix {
  return { rows: X.cols, cols: X.rows, re: transposed(X.re, X.rows, X.cols), im: transposed(X.im, X.rows, X.cols) };
}

/** X Y^T for real X (k x n) and Y (m x n), on the backend: k x m. */
export function realProduct(
  be: Backend,
  k: number,
  n: number,
  m: number,
  X: Float64Array,
  Y: Float64Array,
): Float64Array {
  if (k === 0 || m === 0) return new Float64Array(k * m);
  return withBuffers(be, [Y, X, { dtype: "float64", length: k * m }], ([a, x, y]) => {
    be.matmat(m, n, k, a, x, y);
    return be.read(y) as Float64Array;
  });
}

/** X Y^T (or X conj(Y)^T) for complex X (k x n), Y (m x n): four real products. */
export function complexProduct(be: Backend, X: CMatrix, Y: CMatrix, conjugate = false): CMatrix {
  const k = X.rows,
    n = X.cols,
    m = Y.rows;
  const rr = realProduct(be, k, n, m, X.re, Y.re),
    ii = realProduct(be, k, n, m, X.im, Y.im),
    ri = realProduct(be, k, n, m, X.re, Y.im),
    ir = realProduct(be, k, n, m, X.im, Y.re);
  const s = conjugate ? -1 : 1;
  return {
    rows: k,
    cols: m,
    re: rr.map((v, i) => v - s * ii[i]),
    im: ir.map((v, i) => v + s * ri[i]),
  };
}
