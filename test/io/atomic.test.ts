/**
 * Output files (src/io/atomic.ts): one file atomically, a run's outputs together (none or all), and output folders
 * made one level deep, refusals naming the user's path.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prepareOutputDir, writeFilesAtomic } from "../../src/io/atomic.ts";

describe("writeFilesAtomic", () => {
  it("writes every output, or none when one of them cannot be written (no partial set, no temp files left)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "strand-atomic-"));
    await writeFilesAtomic([
      [path.join(dir, "a.json"), "{}\n"],
      [undefined, "skipped"],
      [path.join(dir, "b.npy"), new Uint8Array([1, 2, 3])],
    ]);
    expect(readFileSync(path.join(dir, "a.json"), "utf8")).toBe("{}\n");
    expect([...readFileSync(path.join(dir, "b.npy"))]).toEqual([1, 2, 3]);
    // the second output's folder is missing: the first, written to its temporary file, is not renamed either
    await expect(
      writeFilesAtomic([
        [path.join(dir, "c.json"), "{}"],
        [path.join(dir, "missing", "d.json"), "{}"],
      ]),
    ).rejects.toThrow(/ENOENT/);
    expect(existsSync(path.join(dir, "c.json"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("prepareOutputDir", () => {
  it("makes a folder inside an existing one, and refuses a missing parent or a file, naming the path", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "strand-atomic-"));
    prepareOutputDir(path.join(dir, "out"));
    expect(existsSync(path.join(dir, "out"))).toBe(true);
    prepareOutputDir(path.join(dir, "out")); // existing: fine
    expect(() => prepareOutputDir(path.join(dir, "no", "such"))).toThrow(
      `cannot make the folder \`${path.join(dir, "no", "such")}\`: its parent \`${path.join(dir, "no")}\` is missing`,
    );
  });
});
