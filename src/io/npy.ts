/**
 * NumPy .npy (format versions 1-3): read little-endian numeric arrays into float64, write float32/float64.
 * Spec: numpy.lib.format — magic "\x93NUMPY", version, header length, a Python dict literal
 * {'descr': '<f8', 'fortran_order': False, 'shape': (r, c), } padded so the data starts 64-byte aligned.
 * Pure (no file access), so it serves the CLI and the browser alike.
 */
export class NpyFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "NpyFormatError";
  }
}

const READERS: Record<string, [number, (v: DataView, o: number) => number]> = {
  "<f8": [8, (v, o) => v.getFloat64(o, true)],
  "<f4": [4, (v, o) => v.getFloat32(o, true)],
  "<i8": [8, (v, o) => Number(v.getBigInt64(o, true))],
  "<i4": [4, (v, o) => v.getInt32(o, true)],
  "<i2": [2, (v, o) => v.getInt16(o, true)],
  "|i1": [1, (v, o) => v.getInt8(o)],
  "<u8": [8, (v, o) => Number(v.getBigUint64(o, true))],
  "<u4": [4, (v, o) => v.getUint32(o, true)],
  "<u2": [2, (v, o) => v.getUint16(o, true)],
  "|u1": [1, (v, o) => v.getUint8(o)],
  "|b1": [1, (v, o) => v.getUint8(o)],
};

/**
 * Read a NumPy .npy array (float32/float64/integers, C or Fortran order) as float64.
 *
 * @param bytes the file's bytes
 * @param file its name, for error messages
 * @returns shape and data (row-major)
 */
export function readNpy(bytes: Uint8Array, file = "array.npy"): { shape: number[]; data: Float64Array } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, k) => bytes[k] !== b))
    throw new NpyFormatError(file, "not a .npy file (bad magic bytes)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new NpyFormatError(file, "truncated header");
  const header = new TextDecoder("latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined)
    throw new NpyFormatError(file, `unreadable header ${JSON.stringify(header.trim())}`);
  const reader = READERS[descr];
  if (!reader)
    throw new NpyFormatError(file, `unsupported dtype ${descr} (supported: ${Object.keys(READERS).join(", ")})`);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const [size, get] = reader;
  const off = start + headerLen;
  if (off + count * size > bytes.length)
    throw new NpyFormatError(
      file,
      `data truncated: shape (${shape.join(", ")}) needs ${count * size} bytes, found ${bytes.length - off}`,
    );
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) data[k] = get(view, off + k * size);
  if (fortran && shape.length === 2) {
    const [r, c] = shape;
    const t = new Float64Array(count);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[i * c + j] = data[j * r + i];
    return { shape, data: t };
  }
  return { shape, data };
}

/** A .npy (version 1) holding `data` (C order) with the given shape, as float32 or float64. */
export function writeNpy(
  data: ArrayLike<number>,
  shape: number[],
  dtype: "float32" | "float64" = "float64",
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(
      `invalid argument: \`shape\` must multiply to data.length = ${data.length}; got \`(${shape.join(", ")})\``,
    );
  const descr = dtype === "float32" ? "<f4" : "<f8";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(pad % 64) + "\n";
  const size = dtype === "float32" ? 4 : 8;
  const out = new Uint8Array(10 + header.length + count * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let k = 0; k < count; k++) {
    if (size === 4) view.setFloat32(k * 4, data[k], true);
    else view.setFloat64(k * 8, data[k], true);
  }
  return out;
}
