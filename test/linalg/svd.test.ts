/**
 * Singular values: both backends' bidiagonalisation against each other and against matrices with known
 * singular values, trace identities, the free-probability edges of L R^T (THEORY §2.3), and the reference
 * spectra of the shared connectomes (σ₁ and numerical rank, as numpy's LAPACK gives them).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { readConnectome } from "../../src/io/connectome-file.ts";
import { factoredSingularValues, singularValues } from "../../src/linalg/svd.ts";
import { denseJ, makeNetwork } from "../../src/network/ensembles.ts";
import { couplingStructure, singularValueEdges } from "../../src/network/structure.ts";
import { BACKEND_LABELS, backends, label, LENGTHS, randn } from "../helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATA = path.resolve(root, "../shared/data");
const u = 2 ** -53;

let all: Backend[] = [];
beforeAll(async () => {
  all = await backends();
});

/** numpy.linalg.matrix_rank's rule: count of S > S_max * N * eps (eps = 2^-52). */
const numericalRank = (s: Float64Array, n: number) => s.filter((v) => v > s[0] * n * 2 ** -52).length;

describe.each(BACKEND_LABELS)("singular values on the %s backend", (name) => {
  const be = () => all.find((b) => label(b) === name)!;

  it("gives a factored L diag(D) R^T the dense matrix's non-zero singular values without forming it", () => {
    const n = 90;
    for (const [alpha, prD] of [
      [0.2, undefined],
      [0.5, 0.5],
    ] as const) {
      const net = makeNetwork({ coupling: "rmm", n, g: 1.5, alpha, prD, seed: 4 });
      const c = net.coupling;
      if (c.kind !== "lowrank") throw new Error("expected a factored network");
      const f = factoredSingularValues(be(), n, c.m, c.L, c.D, c.R);
      const d = singularValues(n, denseJ(net), be());
      expect(f).toHaveLength(c.m);
      // both backward stable to ~ulp x ||J||; the Gram route squares the factors' condition (~(1 + sqrt(m/n)) /
      // (1 - sqrt(m/n)) <= 6 here): 1e-10 of the largest covers it
      for (let a = 0; a < c.m; a++) expect(Math.abs(f[a] - d[a])).toBeLessThan(1e-10 * d[0]);
    }
  });

  it.each(LENGTHS.filter((n) => n <= 400).concat([400]))(
    "satisfy sum S^2 = ||A||_F^2 and sum S^4 = ||A A^T||_F^2 at n = %i",
    (n) => {
      const A = randn("float64", n * n, 40 + n) as Float64Array;
      const s = singularValues(n, A, be());
      expect(s.length).toBe(n);
      for (let k = 1; k < n; k++) expect(s[k]).toBeLessThanOrEqual(s[k - 1]);
      if (n === 0) return;
      const t = couplingStructure({ kind: "dense", n, J: A }, be());
      let s2 = 0,
        s4 = 0;
      for (const v of s) {
        s2 += v * v;
        s4 += v ** 4;
      }
      // Householder reduction is backward stable: the computed values are exact for A + dA with
      // ||dA||_F <= c n u ||A||_F (Higham, Thm 19.4); so |sum S^2 / ||A||_F^2 - 1| <= 2 c n u; c = 10 is generous
      expect(Math.abs(s2 / t.sumS2 - 1)).toBeLessThan(20 * (n + 1) * u);
      expect(Math.abs(s4 / t.sumS4 - 1)).toBeLessThan(40 * (n + 1) * u);
    },
  );

  it("are exact for diagonal, orthogonal and rank-one matrices", () => {
    expect(
      Array.from(singularValues(4, Float64Array.from([3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]), be())),
    ).toEqual([3, 2, 1, 0]);
    const c = Math.cos(0.3),
      sn = Math.sin(0.3);
    for (const v of singularValues(2, Float64Array.from([c, -sn, sn, c]), be())) expect(v).toBeCloseTo(1, 14);
    const x = [1, 2, 3],
      y = [4, -5, 6];
    const R1 = Float64Array.from({ length: 9 }, (_, k) => x[Math.floor(k / 3)] * y[k % 3]);
    const s = singularValues(3, R1, be());
    expect(s[0]).toBeCloseTo(Math.hypot(...x) * Math.hypot(...y), 12);
    expect(s[1]).toBeLessThan(1e-14 * s[0]);
  });

  it("refuse non-finite entries", () => {
    expect(() => singularValues(2, Float64Array.from([1, NaN, 0, 1]), be())).toThrow(
      /`A` must hold finite values; got `NaN` at index 1/,
    );
  });
});

describe("singular values", () => {
  it("agree between the backends within the backward-error bound", () => {
    const n = 150;
    const A = randn("float64", n * n, 7) as Float64Array;
    const [a, ...others] = all.map((be) => singularValues(n, A, be)).reverse(); // js against both wasm builds
    for (const b of others) for (let k = 0; k < n; k++) expect(Math.abs(a[k] - b[k])).toBeLessThan(20 * n * u * a[0]);
  });

  it("fill the free-probability interval [S_-, S_+] of L R^T (flat D) at N = 1000, alpha = 0.2, within 3 %", () => {
    const n = 1000,
      alpha = 0.2;
    const net = makeNetwork({ coupling: "rmm", n, g: Math.sqrt(alpha), alpha, seed: 12 }); // D_a = 1 exactly
    const s = singularValues(n, denseJ(net), all[0]);
    const m = alpha * n;
    const edges = singularValueEdges(alpha);
    // edge fluctuations are O(N^(-2/3)) ~ 1 %; THEORY §2.3 saw (1.643, 0.431) vs (1.676, 0.427)
    expect(Math.abs(s[0] / edges.upper - 1)).toBeLessThan(0.03);
    expect(Math.abs(s[m - 1] / edges.lower - 1)).toBeLessThan(0.03);
    expect(s[m]).toBeLessThan(1e-10); // rank M
  });
});

describe.skipIf(!existsSync(DATA))("connectome spectra (../shared/data)", () => {
  it("give the C. elegans chemical matrix's sigma_1 = 200.61 and numerical rank 292", async () => {
    const c = await readConnectome(path.join(DATA, "celegans-cook2019-herm/herm_full_edgelist.csv"), {
      include: /^[A-Z]/,
    });
    const s = singularValues(c.n, c.J, all[0]);
    expect(Number(s[0].toPrecision(5))).toBe(200.61);
    expect(numericalRank(s, c.n)).toBe(292);
  });

  it.skipIf(!process.env.STRAND_SLOW)(
    "give the larval matrix's sigma_1 = 393.74 and numerical rank 2882 (slow: STRAND_SLOW=1)",
    async () => {
      const c = await readConnectome(path.join(DATA, "drosophila-larva-winding2023/Supplementary-Data-S1.zip"));
      const s = singularValues(c.n, c.J, all[0]);
      expect(Number(s[0].toPrecision(5))).toBe(393.74);
      expect(numericalRank(s, c.n)).toBe(2882);
    },
  );
});
