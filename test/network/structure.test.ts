/**
 * Trace-based structure measures (no SVD): the dense and factored paths agree on the same matrix, exact
 * values on matrices with known singular values, and the random-matrix limits of THEORY §2.3.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../src/backend/select.ts";
import type { Backend } from "../../src/backend/types.ts";
import { denseJ, makeNetwork, type Network } from "../../src/network/ensembles.ts";
import { couplingStructure, prSTheory, singularValueEdges } from "../../src/network/structure.ts";

let be: Backend;
beforeAll(async () => {
  be = await createBackend("auto");
});

const asDense = (net: Network): Network => ({ ...net, coupling: { kind: "dense", n: net.coupling.n, J: denseJ(net) } });

describe("structure from traces", () => {
  it("gives the same PR^S, effective rank and g_eff^2 on the factored and the dense path", () => {
    const net = makeNetwork({ coupling: "rmm", n: 120, g: 2, alpha: 0.7, prD: 0.4, overlap: { gamma: 0.3 }, seed: 3 });
    const a = couplingStructure(net, be),
      b = couplingStructure(asDense(net), be);
    for (const k of ["sumS2", "sumS4", "prS", "effectiveRankS", "gEff2", "meanDiagonal"] as const) {
      expect(Math.abs(a[k] / b[k] - 1), k).toBeLessThan(1e-10);
    }
    expect(Math.abs(a.meanJ - b.meanJ)).toBeLessThan(1e-14);
  });

  it("is exact on a matrix with known singular values", () => {
    // J = diag(3, 1, 1, 0): sum S^2 = 11, sum S^4 = 83, PR^S = 121 / (4 * 83), effective rank 121/83
    const J = new Float64Array(16);
    J[0] = 3;
    J[5] = 1;
    J[10] = -1;
    const s = couplingStructure({ coupling: { kind: "dense", n: 4, J } } as Network, be);
    expect(s.sumS2).toBeCloseTo(11, 12);
    expect(s.sumS4).toBeCloseTo(83, 12);
    expect(s.prS).toBeCloseTo(121 / 332, 12);
    expect(s.effectiveRankS).toBeCloseTo(121 / 83, 12);
  });

  it("gives PR^S -> 1/2 for an i.i.d. square matrix at N = 1000", () => {
    // E sum S^4 / N = g^4 (2 + 1/N) (Wishart second moment), so PR^S = 1/(2 + 1/N) + O(1/N) fluctuations
    const s = couplingStructure(makeNetwork({ coupling: "iid", n: 1000, g: 1, seed: 1 }), be);
    expect(Math.abs(s.prS - 0.5)).toBeLessThan(0.005);
  });

  it.each([0.1, 0.2, 0.5])(
    "gives PR^S -> alpha / (1 + 2 alpha) for L R^T with flat D at N = 1000, alpha = %s",
    (alpha) => {
      const s = couplingStructure(makeNetwork({ coupling: "rmm", n: 1000, g: 1, alpha, seed: 2 }), be);
      // across 20 seeds at N = 500-1000 the spread was < 1 % of the target; allow 3 %
      expect(Math.abs(s.prS / prSTheory(alpha) - 1)).toBeLessThan(0.03);
    },
  );

  it("gives singular-value edges 1 +/- sqrt(2 alpha) at small alpha and the checked value at alpha = 0.2", () => {
    const e = singularValueEdges(1e-4);
    expect(e.upper - 1).toBeCloseTo(Math.sqrt(2e-4), 4);
    expect(1 - e.lower).toBeCloseTo(Math.sqrt(2e-4), 4);
    // THEORY §2.3 [checked]: formula (1.676, 0.427) at alpha = 0.2
    expect(singularValueEdges(0.2).upper).toBeCloseTo(1.676, 3);
    expect(singularValueEdges(0.2).lower).toBeCloseTo(0.427, 3);
  });
});
