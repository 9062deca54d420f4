/**
 * Seeding and the TypeScript reference of assembly/rng.ts.
 *
 * seedState(seed, stream): a xoshiro128** state (4 x u32) from an integer seed and a stream number, by
 * feeding (seed low 32 bits, seed high bits, stream) through splitmix32 (golden-ratio increment + the
 * murmur3 32-bit finaliser). Different streams of one seed are independent sequences, so couplings, gains,
 * initial states and noise each draw from their own stream.
 *
 * The generator functions below repeat the kernel's operations in the same order with IEEE-754 basic
 * operations only (32-bit integer ops via Math.imul and >>> 0; our own ln), so this backend and the wasm
 * backend produce bit-identical numbers for the same seed.
 */
import { checkSize } from "../errors.ts";

/**
 * The registry of random streams: every draw strand makes takes its stream from here, so two kinds of draw of one
 * seed never share a sequence (changing the gains never changes J; adding trials never changes the first trials'
 * noise). A new kind of draw gets a new entry, never a number in use. Bases are followed by an index: the noise
 * of trial t is stream noiseBase + t; sampler chunk c of iteration i is samplerBase + 4096 i + c.
 */
export const STREAMS = {
  couplingX: 1,
  couplingY: 2,
  modesL: 3,
  modesR: 4,
  modesShared: 5,
  gains: 6,
  initialState: 7,
  branchKick: 8,
  branchRootNoise: 9,
  lyapunovFrame: 10,
  lyapunovTwin: 11,
  modePerturbation: 12,
  samplerBase: 16,
  noiseBase: 1000,
} as const;

const GOLDEN = 0x9e3779b9;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** xoshiro128** state for (seed, stream). `seed`: integer in [0, 2^53); `stream`: integer in [0, 2^32). */
export function seedState(seed: number, stream = 0): Uint32Array {
  checkSize("seed", seed, Number.MAX_SAFE_INTEGER);
  checkSize("stream", stream, 0xffffffff);
  let z = 0;
  for (const w of [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, stream >>> 0]) {
    z = fmix32((z + GOLDEN + w) >>> 0);
  }
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    z = (z + GOLDEN) >>> 0;
    s[i] = fmix32(z);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point
  return s;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Next 32-bit word; advances s in place. */
export function xoshiroNext(s: Uint32Array): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

export function uniform53(s: Uint32Array): number {
  const a = xoshiroNext(s) >>> 5;
  const b = xoshiroNext(s) >>> 6;
  return (a * 67108864.0 + b) * 1.1102230246251565e-16;
}

const lnView = new DataView(new ArrayBuffer(8));

/** ln x for normal x > 0, the same algorithm and operation order as __ln in assembly/rng.ts. */
export function ln(x: number): number {
  lnView.setFloat64(0, x, true);
  const hi = lnView.getUint32(4, true);
  let e = ((hi >>> 20) & 0x7ff) - 1023;
  lnView.setUint32(4, (hi & 0x000fffff) | 0x3ff00000, true);
  let m = lnView.getFloat64(0, true);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const f = m - 1.0;
  const u = f / (2.0 + f);
  const u2 = u * u;
  let p = 1.0 / 23.0;
  p = p * u2 + 1.0 / 21.0;
  p = p * u2 + 1.0 / 19.0;
  p = p * u2 + 1.0 / 17.0;
  p = p * u2 + 1.0 / 15.0;
  p = p * u2 + 1.0 / 13.0;
  p = p * u2 + 1.0 / 11.0;
  p = p * u2 + 1.0 / 9.0;
  p = p * u2 + 1.0 / 7.0;
  p = p * u2 + 1.0 / 5.0;
  p = p * u2 + 1.0 / 3.0;
  p = p * u2 + 1.0;
  return e * 6.9314718036912381649e-1 + (2.0 * u * p + e * 1.90821492927058770002e-10);
}

/** out[i] = mean + std * N(0,1), polar method; an odd count drops the last pair's second value. */
export function fillNormal(
  s: Uint32Array,
  n: number,
  mean: number,
  std: number,
  out: Float32Array | Float64Array,
): void {
  let i = 0;
  while (i < n) {
    const v1 = 2.0 * uniform53(s) - 1.0;
    const v2 = 2.0 * uniform53(s) - 1.0;
    const q = v1 * v1 + v2 * v2;
    if (q >= 1.0 || q === 0.0) continue;
    const f = Math.sqrt((-2.0 * ln(q)) / q);
    out[i++] = mean + std * (v1 * f);
    if (i < n) out[i++] = mean + std * (v2 * f);
  }
}
