/**
 * Complex FFT, forward sign e^{-i w t} (the PRX convention f(w) = int dtau e^{-i w tau} f(tau)); the inverse
 * divides by the length. Length must be a power of two. The transform is fft.js (radix-4, precomputed
 * twiddle table; one plan per length, cached): the sampling single-site solver does hundreds of
 * transforms of 4096-32768 points per iteration, where our earlier textbook radix-2 loop (twiddles by
 * cos/sin per stage, stride access) cost ~3x more.
 *
 * `fft(re, im)` works in place on split arrays; `fftInterleaved(out, data)` on [re0, im0, re1, im1, ...]
 * arrays without the copies, for the hot loops.
 */
import FFT from "fft.js";

const plans = new Map<number, FFT>();
function plan(n: number): FFT {
  let p = plans.get(n);
  if (!p) {
    if (n < 2 || (n & (n - 1)) !== 0)
      throw new RangeError(`invalid argument: the FFT length must be a power of two >= 2; got \`${n}\``);
    p = new FFT(n);
    plans.set(n, p);
  }
  return p;
}

/** out <- FFT(data) (or its inverse, divided by n); both interleaved complex, length 2 n; out !== data. */
export function fftInterleaved(out: Float64Array, data: Float64Array, inverse = false): void {
  const p = plan(data.length / 2);
  if (inverse) p.inverseTransform(out, data);
  else p.transform(out, data);
}

export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0)
    throw new RangeError(`invalid argument: \`re\` must have a power-of-two length equal to im.length; got \`${n}\``);
  if (n === 1) return;
  const data = new Float64Array(2 * n),
    out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    data[2 * k] = re[k];
    data[2 * k + 1] = im[k];
  }
  fftInterleaved(out, data, inverse);
  for (let k = 0; k < n; k++) {
    re[k] = out[2 * k];
    im[k] = out[2 * k + 1];
  }
}

/** The angular frequencies w_k = 2 pi k / (M dt) of an M-point grid of step dt, k = 0 .. M/2 - 1 then the negative
 *  ones (the Nyquist bin k = M/2 counted negative): FFT order. */
export function angularFrequencies(M: number, dt: number): Float64Array {
  return Float64Array.from({ length: M }, (_, k) => ((2 * Math.PI) / (M * dt)) * (k < M / 2 ? k : k - M));
}

/** C(w_k) = dt Re FFT of the even periodic extension of lags c[0 .. M/2] (the PRX convention on an M-point
 *  grid of step dt, THEORY §4.2). */
export function evenSpectrum(c: ArrayLike<number>, M: number, dt: number): Float64Array {
  const re = new Float64Array(M),
    im = new Float64Array(M);
  for (let k = 0; k < M; k++) re[k] = c[Math.min(k, M - k)];
  fft(re, im);
  return re.map((v) => v * dt);
}

/** f(tau_j) = (1 / (M dt)) sum_k f(w_k) e^{i w_k tau_j}, j = 0 .. M-1: the inverse of the above (real part). */
export function lagsOfSpectrum(re: Float64Array, im: Float64Array, dt: number): Float64Array {
  const r = Float64Array.from(re),
    i = Float64Array.from(im);
  fft(r, i, true);
  return r.map((v) => v / dt);
}
