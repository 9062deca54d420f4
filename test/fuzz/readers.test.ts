/**
 * Fuzz of the connectome readers (src/network/connectome.ts, src/io/connectome-file.ts, src/io/npy.ts) on generated
 * bytes: CSV/TSV text of numbers, words, blanks and odd delimiters; .npy headers and bodies; zip and xlsx bytes,
 * truncated or garbage. Property: a reader returns a connectome whose J is finite and square (N >= 1, N^2 entries),
 * or throws its format error (ConnectomeFormatError, or NpyFormatError for .npy) with a message — never another error.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { readConnectome } from "../../src/io/connectome-file.ts";
import { readNpy } from "../../src/io/npy.ts";
import { parseDenseMatrix, parseEdgeList, type Connectome } from "../../src/network/connectome.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { BUG_MESSAGES, params } from "./fuzz.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "strand-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectValid(c: Connectome) {
  expect(c.n).toBeGreaterThanOrEqual(1);
  expect(c.J.length).toBe(c.n * c.n);
  for (const v of c.J) expect(Number.isFinite(v)).toBe(true);
}

/** returns normally or throws one of the readers' own errors */
async function readsOrRefuses(read: () => Connectome | Promise<Connectome>, formatErrors: string[]) {
  let c: Connectome;
  try {
    c = await read();
  } catch (e) {
    const err = e as Error;
    expect(formatErrors, `${err.name}: ${err.message}`).toContain(err.name);
    expect(err.message).not.toMatch(BUG_MESSAGES);
    expect(err.message.length).toBeGreaterThan(0);
    return;
  }
  expectValid(c);
}

const cell = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 9 }).map(String) },
  { weight: 2, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "NaN",
      "Infinity",
      "1e400",
      "-1e300",
      "abc",
      '"x"',
      "pre",
      "post",
      "weight",
      "i",
      "j",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const table = fc
  .tuple(
    fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 7 }),
    fc.constantFrom(",", "\t", ";"),
  )
  .map(([rows, d]) => rows.map((r) => r.join(d)).join("\n"));

describe("the connectome readers under fuzz", () => {
  it("read or refuse generated dense matrices and edge lists", async () => {
    await fc.assert(
      fc.asyncProperty(table, async (text) => {
        await readsOrRefuses(() => parseDenseMatrix(text, "m.csv"), ["ConnectomeFormatError"]);
        await readsOrRefuses(() => parseEdgeList(text, "e.csv"), ["ConnectomeFormatError"]);
      }),
      params(800),
    );
  });

  it("read or refuse generated files through readConnectome (auto: header-less edge lists, matrices)", async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(table, async (text) => {
        const file = path.join(dir, `t${k++}.csv`);
        writeFileSync(file, text);
        await readsOrRefuses(() => readConnectome(file), ["ConnectomeFormatError"]);
      }),
      params(300),
    );
  });

  it("read or refuse .npy bytes: valid arrays of any shape and dtype, truncated, or garbage", async () => {
    const valid = fc
      .tuple(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom("float32", "float64" as const),
      )
      .map(([r, c, dtype]) =>
        writeNpy(
          new Float64Array(r * c).map((_, i) => i - 3),
          [r, c],
          dtype,
        ),
      );
    const bytes = fc.oneof(
      valid,
      fc.tuple(valid, fc.nat()).map(([b, cut]) => b.subarray(0, cut % (b.length + 1))),
      fc.uint8Array({ maxLength: 200 }),
    );
    let k = 0;
    await fc.assert(
      fc.asyncProperty(bytes, async (b) => {
        try {
          const a = readNpy(b, "a.npy");
          expect(a.data.length).toBe(a.shape.reduce((x, y) => x * y, 1));
        } catch (e) {
          expect((e as Error).name).toBe("NpyFormatError");
          expect((e as Error).message).not.toMatch(BUG_MESSAGES);
        }
        const file = path.join(dir, `a${k++}.npy`);
        writeFileSync(file, b);
        await readsOrRefuses(() => readConnectome(file), ["ConnectomeFormatError"]);
      }),
      params(300),
    );
  });

  it("read or refuse zip archives of generated members and workbook-like garbage", async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(table, fc.nat(), fc.constantFrom("zip", "xlsx"), async (text, cut, ext) => {
        const whole = zipSync({ "x/all-all_connectivity_matrix.csv": new TextEncoder().encode(text) });
        const b = cut % 3 === 0 ? whole.subarray(0, cut % (whole.length + 1)) : whole;
        const file = path.join(dir, `z${k++}.${ext}`);
        writeFileSync(file, b);
        await readsOrRefuses(() => readConnectome(file), ["ConnectomeFormatError"]);
      }),
      params(60),
    );
  }, 120_000);

  it("keeps the issue's cases: a 3 x 4 matrix is refused with its shape, a header-less edge list is an edge list", () => {
    expect(() => parseDenseMatrix("1,2,3,4\n5,6,7,8\n9,10,11,12\n", "m.csv")).toThrow(
      /must be square: found 3 rows of 4 numbers/,
    );
    expect(() => parseDenseMatrix("a,b,c,d\n1,2,3,4\n5,6,7,8\n", "m.csv")).toThrow(/must be square: found 2 rows of 4/);
    expect(parseDenseMatrix("x,1,2\n1,0,1\n2,1,0\n", "m.csv", { labels: true }).names).toEqual(["1", "2"]);
    expect(parseDenseMatrix("1,2,3\n4,5,6\n7,8,9\n", "m.csv").n).toBe(3); // numbers are data, not ids
  });

  it("reads a header-less edge list as an edge list (by content), with the file's line numbers in errors", async () => {
    const file = path.join(dir, "edges.csv");
    writeFileSync(file, "0,1,0.5\n1,2,0.3\n2,0,-0.2\n3,1,1\n");
    const c = await readConnectome(file);
    expect(c.source.format).toBe("edgelist");
    expect(c.n).toBe(4);
    writeFileSync(file, "0,1,0.5\n1,2,x\n2,0,-0.2\n3,1,1\n"); // not all numbers: not taken for an edge list
    await expect(readConnectome(file)).rejects.toThrow(/edges\.csv/);
  });
});
