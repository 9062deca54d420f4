/**
 * The sampling single-site solver on a pool of worker threads: the same numbers as in this thread (each
 * chunk of paths has its own random stream and the chunks are summed in task order), and a worker's
 * ConvergenceError arrives as one.
 */
import { describe, expect, it } from "vitest";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import { ConvergenceError } from "../../src/errors.ts";
import { samplerPool } from "../../src/io/sampler-pool.ts";
import { structuredTheory } from "../../src/theory/structured.ts";

describe("the sampler on worker threads", () => {
  it("gives results identical to the single-threaded run", async () => {
    const be = await createWasmBackend();
    const opts = { phi: "erf" as const, paths: 12, iterations: 5, seed: 2 }; // 2 chunks: 8 + 4 paths
    const a = (await structuredTheory(be, { kind: "symmetry", g: 3, rho: 0.2 }, opts)).results;
    const pool = await samplerPool(2);
    try {
      const b = (await structuredTheory(be, { kind: "symmetry", g: 3, rho: 0.2 }, { ...opts, executor: pool.executor }))
        .results;
      expect(b.prPhi).toBe(a.prPhi);
      expect(b.autocorrelation).toEqual(a.autocorrelation);
      expect(b.sampler.residuals).toEqual(a.sampler.residuals);
    } finally {
      await pool.close();
    }
  });

  it("passes a diverging path's ConvergenceError back from the worker", async () => {
    const pool = await samplerPool(1);
    try {
      // a runaway chunk: a huge instantaneous self-coupling w_0 = 1e8 drives x beyond 1e6 (tanh saturates at 1, so x -> ~w_0)
      const task = {
        kind: 0 as const,
        paths: 2,
        steps: 400,
        klen: 1,
        h: 0.05,
        w: Float64Array.of(1e8),
        amp: new Float64Array(512).fill(0.01),
        burnSteps: 0,
        sub: 2,
        obs: 128,
        M: 64,
        nseg: 3,
        cv: false,
        seed: 1,
        stream: 1,
        iteration: 0,
      };
      await expect(pool.executor([task])).rejects.toThrow(ConvergenceError);
    } finally {
      await pool.close();
    }
  });
});
