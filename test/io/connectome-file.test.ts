/**
 * Reading the real connectomes in ../shared/data (read in place, never copied) and checking the reference
 * values its README lists (effective rank = (sum S^2)^2 / sum S^4, computed there with numpy's SVD) to 3
 * significant digits, plus the file-level formats (npy, zip members, workbooks) and file-level errors.
 */
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../src/backend/select.ts";
import type { Backend } from "../../src/backend/types.ts";
import { readConnectome, type ReadOptions } from "../../src/io/connectome-file.ts";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { couplingStructure } from "../../src/network/structure.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATA = path.resolve(root, "../shared/data");
const haveData = existsSync(DATA);

let be: Backend;
beforeAll(async () => {
  be = await createBackend("auto");
});

const sig3 = (x: number) => Number(x.toPrecision(3));

describe.skipIf(!haveData)("the shared connectomes (../shared/data; skipped when absent)", () => {
  const cases: [string, string, ReadOptions, number, number, number][] = [
    // [label, file, options, N, nonzero entries, README effective rank]
    [
      "C. elegans (Cook) chemical",
      "celegans-cook2019-herm/herm_full_edgelist.csv",
      { include: /^[A-Z]/ },
      300,
      3638,
      24.69,
    ],
    [
      "C. elegans (Cook) gap junctions",
      "celegans-cook2019-herm/herm_full_edgelist.csv",
      { include: /^[A-Z]/, layer: "electrical" },
      300,
      2168,
      22.23,
    ],
    [
      "C. elegans (Cook) chemical + gap",
      "celegans-cook2019-herm/herm_full_edgelist.csv",
      { include: /^[A-Z]/, layer: "all" },
      300,
      5084,
      29.91,
    ],
    [
      "C. elegans (OpenWorm) chemical",
      "celegans-openworm-varshney2011-nt/CElegansNeuronTables.xls",
      {},
      299,
      2279,
      29.79,
    ],
    [
      "C. elegans (OpenWorm) gap junctions",
      "celegans-openworm-varshney2011-nt/CElegansNeuronTables.xls",
      { layer: "electrical" },
      299,
      1084,
      18.0,
    ],
    ["larval Drosophila all-all", "drosophila-larva-winding2023/Supplementary-Data-S1.zip", {}, 2952, 110677, 110.91],
    [
      "larval Drosophila axon-dendrite",
      "drosophila-larva-winding2023/Supplementary-Data-S1.zip",
      { entry: "ad_connectivity_matrix.csv" },
      2952,
      63545,
      127.64,
    ],
    ["mouse MICrONS subset", "mouse-microns-salova2025/mouse_directed_connectome.csv", {}, 6548, 115379, 33.04],
  ];
  it.each(cases)(
    "reads the %s matrix and reproduces the README's effective rank",
    async (_label, file, opts, n, edges, rank) => {
      const full = path.join(DATA, file);
      if (!existsSync(full)) return; // the mouse folder is optional
      const c = await readConnectome(full, opts);
      expect(c.n).toBe(n);
      expect(c.stats.edges).toBe(edges);
      const s = couplingStructure({ kind: "dense", n: c.n, J: c.J }, be);
      expect(sig3(s.effectiveRankS)).toBe(sig3(rank));
    },
  );

  it("reads the larval matrix with rows presynaptic: row sums are the neurons' outputs (537 autapses)", async () => {
    const c = await readConnectome(path.join(DATA, "drosophila-larva-winding2023/Supplementary-Data-S1.zip"));
    expect(c.stats.totalWeight).toBe(352611);
    expect(c.stats.selfEdges).toBe(537);
    expect(c.source.entry).toBe("Supplementary-Data-S1/all-all_connectivity_matrix.csv");
  });

  it("names the members when a zip entry does not exist, and the sheets for a workbook", async () => {
    await expect(
      readConnectome(path.join(DATA, "drosophila-larva-winding2023/Supplementary-Data-S1.zip"), { entry: "nope.csv" }),
    ).rejects.toThrow(/Supplementary-Data-S1\.zip: no member "nope\.csv"; members: .*aa_connectivity_matrix\.csv/);
    await expect(
      readConnectome(path.join(DATA, "celegans-openworm-varshney2011-nt/CElegansNeuronTables.xls"), { entry: "Nope" }),
    ).rejects.toThrow(/no sheet "Nope"; sheets: Connectome, NeuronsToMuscle, Sensory/);
  });
});

describe("connectome files", () => {
  it("round-trip a dense matrix through .npy", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    const A = Float64Array.from([0, 1, 2, 0]);
    const f = path.join(dir, "a.npy");
    await writeFile(f, writeNpy(A, [2, 2]));
    const c = await readConnectome(f);
    expect(Array.from(c.J)).toEqual([0, 2, 1, 0]); // rows presynaptic: J = A^T
    expect(readNpy(writeNpy(Float32Array.from([1.5, -2]), [2], "float32")).data).toEqual(Float64Array.from([1.5, -2]));
  });

  it("refuse missing, empty, oversized and non-square inputs with one line naming the file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-"));
    await expect(readConnectome(path.join(dir, "none.csv"))).rejects.toThrow(/none\.csv: no such file$/);
    await writeFile(path.join(dir, "empty.csv"), "");
    await expect(readConnectome(path.join(dir, "empty.csv"))).rejects.toThrow(/empty\.csv: the file is empty$/);
    await writeFile(path.join(dir, "big.csv"), "pre,post\nA,B\n".repeat(100));
    await expect(readConnectome(path.join(dir, "big.csv"), { maxBytes: 1000 })).rejects.toThrow(
      /big\.csv: file of 1300 bytes exceeds the 1000-byte limit/,
    );
    await writeFile(path.join(dir, "v.npy"), writeNpy(new Float64Array(6), [2, 3]));
    await expect(readConnectome(path.join(dir, "v.npy"))).rejects.toThrow(
      /v\.npy: expected a square 2-D array, got shape \(2, 3\)/,
    );
    await writeFile(path.join(dir, "x.zip"), "not a zip");
    await expect(readConnectome(path.join(dir, "x.zip"))).rejects.toThrow(/x\.zip: not a readable zip archive/);
  });
});
