/**
 * Helpers of the backend tier for callers that move arrays through backend memory: one scope per block of
 * buffers (allocated, filled, used, always freed, even when the body throws) and the transposed layout the
 * low-rank kernels read (R^T stored row-major, m x n, so that R^T v is a product over contiguous rows).
 */
import type { DType, FloatArray } from "../errors.ts";
import type { Backend, Buf } from "./types.ts";

/** A buffer to make: an array to copy in (its dtype and length), or a zeroed buffer of a dtype and length. */
export type BufferSpec = FloatArray | { dtype: DType; length: number };

/**
 * Allocate one buffer per spec (arrays are written in, the rest are zero; a null spec gives a null buffer, for
 * optional arguments), run `body` on them, and free every buffer afterwards, whether `body` returns or throws.
 * `body` is synchronous: read what it needs before returning.
 *
 * @param be the backend that owns the buffers
 * @param specs arrays to copy in, { dtype, length } for zeroed buffers, or null
 * @param body the work, given the buffers in the order of `specs`
 * @returns what `body` returns
 */
export function withBuffers<T>(be: Backend, specs: readonly BufferSpec[], body: (bufs: Buf[]) => T): T;
export function withBuffers<T>(
  be: Backend,
  specs: readonly (BufferSpec | null)[],
  body: (bufs: (Buf | null)[]) => T,
): T;
export function withBuffers<T>(be: Backend, specs: readonly (BufferSpec | null)[], body: (bufs: Buf[]) => T): T {
  // (a null spec's slot holds null; the overloads type it for the caller)
  const bufs: (Buf | null)[] = [];
  try {
    for (const s of specs) {
      if (s === null) bufs.push(null);
      else if (s instanceof Float32Array || s instanceof Float64Array) {
        const b = be.alloc(s instanceof Float32Array ? "float32" : "float64", s.length);
        bufs.push(b);
        be.write(b, s);
      } else bufs.push(be.alloc(s.dtype, s.length));
    }
    return body(bufs as Buf[]);
  } finally {
    for (const b of bufs) if (b) be.free(b);
  }
}

/** The rows x cols row-major matrix `a`, transposed (cols x rows, row-major), in a new array of its type. */
export function transposed<T extends FloatArray>(a: T, rows: number, cols: number): T {
  const out = new (a.constructor as new (length: number) => T)(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
