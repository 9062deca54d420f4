/**
 * Connectome parsing, signs and balanced normalisation on small synthetic inputs whose answers are known,
 * and one clear error line (file:line: problem) for every kind of malformed input.
 */
import { describe, expect, it } from "vitest";
import { ConnectomeFormatError, parseDenseMatrix, parseEdgeList } from "../../src/network/connectome.ts";
import { FLY_SIGNS, applySigns, normalizeBalanced } from "../../src/network/signs.ts";

const EDGES = `Source,Target,Weight,Type
A  , B ,2,chemical
B,C,3,chemical
A,B,1,chemical
C,C,4,chemical
B,A,5,electrical
A,B,5,electrical
c1,A,9,chemical
`;

describe("edge-list parsing", () => {
  it("trims padded names, sums repeated pairs, keeps self edges and puts pre -> post at J[post][pre]", () => {
    const c = parseEdgeList(EDGES, "e.csv", { include: /^[A-Z]/ });
    expect(c.names).toEqual(["A", "B", "C"]);
    const J = (post: string, pre: string) => c.J[c.names.indexOf(post) * c.n + c.names.indexOf(pre)];
    expect(J("B", "A")).toBe(3); // 2 + 1, a repeated pair
    expect(J("C", "B")).toBe(3);
    expect(J("C", "C")).toBe(4);
    expect(J("A", "B")).toBe(0); // electrical rows are not in the chemical layer
    expect(c.stats).toMatchObject({ edges: 3, totalWeight: 10, duplicateRows: 1, selfEdges: 1, skippedRows: 3 });
  });

  it("selects the electrical layer or all layers, and can drop self edges or reject duplicates", () => {
    const el = parseEdgeList(EDGES, "e.csv", { include: /^[A-Z]/, layer: "electrical" });
    expect(el.stats.edges).toBe(2);
    expect(el.n).toBe(3); // C has no gap junctions but is still a neuron of the file
    const all = parseEdgeList(EDGES, "e.csv", { include: /^[A-Z]/, layer: "all", selfEdges: "drop" });
    expect(all.stats.totalWeight).toBe(2 + 3 + 1 + 5 + 5);
    expect(() => parseEdgeList(EDGES, "e.csv", { duplicates: "error" })).toThrow("e.csv:4: duplicate edge A -> B");
  });

  it("reads i/j columns as 0-based indices and tab-separated files", () => {
    const c = parseEdgeList("i\tj\tweight\n0\t3\t2\n3\t1\t1\n", "m.tsv");
    expect(c.n).toBe(4);
    expect(c.J[3 * 4 + 0]).toBe(2);
    expect(c.J[1 * 4 + 3]).toBe(1);
  });

  it("collects each presynaptic neuron's transmitter and refuses a neuron with two", () => {
    const text =
      "Origin,Target,Type,Number of " +
      "Connections,Neurotransmitter\nA,B,Send,2,Acetylcholine\nB,A,Send,1,GABA\nA,C,Send,1,Acetylcholine\nA,B,GapJunction,1,Generic_GJ\n";
    const c = parseEdgeList(text, "t.csv");
    expect(c.transmitters).toEqual(["Acetylcholine", "GABA", null]);
    expect(() => parseEdgeList(text + "A,C,Send,1,Glutamate\n", "t.csv")).toThrow(
      "t.csv:6: neuron A has two transmitters (Acetylcholine, Glutamate)",
    );
  });

  it("gives one clear line naming the file, the line and the problem for malformed input", () => {
    const bad = (text: string) => {
      try {
        parseEdgeList(text, "bad.csv");
      } catch (e) {
        expect(e).toBeInstanceOf(ConnectomeFormatError);
        return (e as Error).message;
      }
      throw new Error("no error");
    };
    expect(bad("")).toBe("bad.csv: the file is empty");
    expect(bad("a,b,c\n1,2,3\n")).toMatch(/^bad\.csv:1: the header must name a presynaptic column/);
    expect(bad("pre,post,weight\nA,B,x\n")).toBe('bad.csv:2: weight "x" is not a finite number');
    expect(bad("pre,post,weight\nA,B,1\nA,B\n")).toBe("bad.csv:3: expected 3 columns, found 2");
    expect(bad("pre,post,weight\nA,B,NaN\n")).toBe('bad.csv:2: weight "NaN" is not a finite number');
    expect(bad("pre,post,weight,type\nA,B,1,muscle\n")).toBe(
      'bad.csv:2: unknown synapse type "muscle" (expected chemical or electrical/gap junction)',
    );
    expect(bad("pre,post\n , B\n")).toBe("bad.csv:2: empty neuron name");
    expect(bad("pre,post,weight\n")).toBe("bad.csv: no edges");
    expect(() => parseEdgeList("i,j\n0,30000\n", "big.csv")).toThrow(
      /big\.csv: 30001 neurons exceed the limit of 20000/,
    );
  });
});

describe("dense matrices", () => {
  it("read an id header and id column, rows presynaptic by default (J = A^T)", () => {
    const c = parseDenseMatrix(",10,20,30\n10,0,1,0\n20,0,0,2.5\n30,7,0,0\n", "m.csv");
    expect(c.names).toEqual(["10", "20", "30"]);
    expect(c.J[1 * 3 + 0]).toBe(1); // 10 -> 20
    expect(c.J[2 * 3 + 1]).toBe(2.5); // 20 -> 30
    expect(c.J[0 * 3 + 2]).toBe(7); // 30 -> 10
    const post = parseDenseMatrix("0,1\n2,0\n", "p.csv", { orientation: "post-rows" });
    expect(Array.from(post.J)).toEqual([0, 1, 2, 0]);
  });

  it("refuse ragged rows, non-numbers and mismatched row ids with the line", () => {
    expect(() => parseDenseMatrix("0,1\n2\n", "m.csv")).toThrow(
      "m.csv:2: expected 2 cells in a 2 x 2 matrix row, found 1",
    );
    expect(() => parseDenseMatrix("0,1\n2,abc\n", "m.csv")).toThrow(
      /m\.csv:2: entry "abc" in column 2 is not a finite number/,
    );
    expect(() => parseDenseMatrix(",a,b\nb,0,1\na,1,0\n", "m.csv")).toThrow(
      /m\.csv:2: row id "b" does not match column id "a"/,
    );
  });
});

describe("signs and normalisation", () => {
  it("multiplies each presynaptic column by its transmitter's sign and drops unsigned outputs", () => {
    const c = parseDenseMatrix("0,1,1\n1,0,1\n1,1,0\n", "m.csv", { orientation: "post-rows" });
    const { J, summary } = applySigns(c, ["Acetylcholine", "GABA", "Dopamine"]);
    expect(Array.from(J)).toEqual([0, -1, 0, 1, -0, 0, 1, -1, 0]);
    expect(summary).toMatchObject({ excitatory: 1, inhibitory: 1, ignored: 1, unlabelled: 0 });
    expect(FLY_SIGNS.glutamate).toBe(-1);
    const keep = applySigns(c, ["Acetylcholine", null, "Dopamine"], { unsigned: "keep" });
    expect(keep.summary.unlabelled).toBe(1);
    expect(keep.J[0 * 3 + 2]).toBe(1);
  });

  it("balances rows and columns to positive and negative parts of norm 1/sqrt 2 when that is feasible", () => {
    // every row and column has one positive and one negative entry: a feasible pattern
    const n = 4;
    const J0 = new Float64Array([0, 3, -1, 0, 0, 0, 2, -5, -4, 0, 0, 7, 1, -2, 0, 0]);
    const r = normalizeBalanced(J0, n);
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) {
      let p = 0,
        q = 0,
        pc = 0,
        qc = 0;
      for (let j = 0; j < n; j++) {
        const v = r.J[i * n + j],
          w = r.J[j * n + i];
        if (v > 0) p += v * v;
        else q += v * v;
        if (w > 0) pc += w * w;
        else qc += w * w;
      }
      for (const s of [p, q, pc, qc]) expect(Math.sqrt(s)).toBeCloseTo(Math.SQRT1_2, 9);
    }
    // signs and sparsity preserved
    for (let k = 0; k < n * n; k++) expect(Math.sign(r.J[k])).toBe(Math.sign(J0[k]));
  });

  it("reports non-convergence when the pattern cannot be balanced (more nonzero rows than columns)", () => {
    // rows 0 and 1 both feed only from column 0: column 0 cannot hold two row norms of 1/sqrt 2 at once
    const r = normalizeBalanced(new Float64Array([1, 0, 1, 0]), 2, { maxIter: 200 });
    expect(r.converged).toBe(false);
    expect(r.residual).toBeGreaterThan(0.1);
    expect(r.J.every(Number.isFinite)).toBe(true);
  });
});
