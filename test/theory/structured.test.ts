/**
 * The sampling single-site DMFT (src/theory/selfcoupled.ts, structured.ts): its reductions to the Gaussian
 * theory when the reciprocal structure vanishes, its statistical error against that exact answer, its
 * refusals, and determinism. Theory against network simulations at N = 2000 (the check) is in
 * test/science/ (STRAND_SCIENCE=1; docs/VALIDATION.md).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { ConvergenceError } from "../../src/errors.ts";
import { theory } from "../../src/theory/index.ts";
import { structuredTheory } from "../../src/theory/structured.ts";
import { freqOf, sampleSingleSite, type SelfCouplingModel } from "../../src/theory/selfcoupled.ts";
import { gaussianPhiStats } from "../../src/theory/dmft.ts";
import { rmmModes } from "../../src/network/ensembles.ts";

let be: Backend;
beforeAll(async () => {
  be = await createWasmBackend();
});
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe("the sampling single site", () => {
  it("reproduces the i.i.d. theory at rho = 0 (the control variate makes the sampler exact there)", async () => {
    // At sigma = 0 the coupled site and the reference site see the same draws, so every estimate equals the
    // reference's exact i.i.d. statistics except where the noise spectrum moves off Q_ref: the lag window
    // tapers C^phi from tau = 20 to 40, where C^phi / C^phi(0) < 1e-3 at g = 3 (so < 1e-3 relative in Q;
    // the PR moves by at most ~2e-3 through the 1/(1 - nu) sensitivity); tolerance 2e-3.
    const r = (await structuredTheory(be, { kind: "symmetry", g: 3, rho: 0 }, { paths: 8, iterations: 6, seed: 3 })).results;
    const t = theory(3).results;
    expect(rel(r.prPhi, t.prPhi!)).toBeLessThan(2e-3);
    expect(rel(r.cPhi0, t.cPhi0)).toBeLessThan(2e-3);
    expect(rel(r.cX0, t.cX0)).toBeLessThan(2e-3);
    expect(rel(r.meanPhiPrime, t.meanPhiPrime)).toBeLessThan(2e-3);
  });

  it("agrees with the i.i.d. theory within its own standard error when the control variate is off", async () => {
    // The raw Monte-Carlo estimate: its se is the delete-one-batch jackknife over 5 batches of the averaged
    // iterations, so (PR - exact) / se follows (approximately) a t distribution with 4 degrees of freedom:
    // |t| < 4.6 holds with 99 %.
    const r = (await structuredTheory(be, { kind: "symmetry", g: 3, rho: 0 }, { paths: 16, iterations: 10, seed: 4, controlVariate: false })).results;
    const exact = theory(3).results.prPhi!;
    expect(r.prPhiSe).toBeGreaterThan(0);
    expect(Math.abs(r.prPhi - exact) / r.prPhiSe).toBeLessThan(4.6);
    // and the error bar is informative (otherwise the t test above could not fail): below 25 % of the value
    expect(r.prPhiSe / exact).toBeLessThan(0.25);
  });

  it("finds the exact self-consistent response S = 1/(1 + i w - sigma S) of a linear self-coupled site", async () => {
    // A weak fixed noise Q(w) = 2e-4 / (1 + w^2) keeps x ~ 1e-2, where erf(sqrt(pi) x / 2) = x (1 - O(x^2)):
    // the site is linear, (1 + i w) x = eta + sigma S x, so the self-consistent response is the root
    // S = [(1 + i w) - sqrt((1 + i w)^2 - 4 sigma)] / (2 sigma) -- an exact answer with self-coupling that
    // checks the Furutsu-Novikov regression, the causal kernel (jump + rest) and the iteration together.
    const sigma = 0.2, M = 4096, dt = 0.1;
    const model: SelfCouplingModel = {
      gEff: 1, rInst: 0, jumpFactor: sigma, breakdown: () => null,
      apply(sRe, sIm, _c, q, rRe, rIm) {
        for (let k = 0; k < M; k++) {
          q[k] = 2e-4 / (1 + freqOf(k, M, dt) ** 2);
          rRe[k] = sigma * sRe[k];
          rIm[k] = sigma * sIm[k];
        }
      },
    };
    const init = { cPhi: Float64Array.from({ length: M / 2 + 1 }, (_, j) => 1e-4 * Math.exp(-j * dt)), meanPhiPrime: 1, kappa: 1 };
    const r = await sampleSingleSite(be, 1, model, init, (cX) => gaussianPhiStats("erf", cX), { paths: 8, iterations: 20, seed: 1 });
    const exact = (w: number) => {
      const dr = 1 - w * w - 4 * sigma, di = 2 * w, mod = Math.hypot(dr, di);
      const sr = Math.sqrt((mod + dr) / 2), si = Math.sign(di || 1) * Math.sqrt((mod - dr) / 2);
      return [(1 - sr) / (2 * sigma), (w - si) / (2 * sigma)];
    };
    // Away from w = 0 the regression is exact for a linear site up to the Heun step's O((w h)^2) and x^2
    // corrections (< 1e-3 here). At w = 0, S has a peak of width ~0.3 (S(0) = 1.382 vs 0.99 at w = 0.3) that
    // the Hann window of the Welch segments averages over +-2 bins (+-0.03): measured -0.2 %; bound 0.5 %.
    for (const k of [20, 100, 300]) {
      const [er, ei] = exact(freqOf(k, M, dt));
      expect(Math.abs(r.mean.sRe[k] - er)).toBeLessThan(1e-3);
      expect(Math.abs(r.mean.sIm[k] - ei)).toBeLessThan(1e-3);
    }
    expect(rel(r.mean.sRe[0], exact(0)[0])).toBeLessThan(5e-3);
  });

  it("reduces PRX (51) with all overlaps zero to the random-mode result (38) at the list's alpha PR^D", async () => {
    // 100 modes (none thinned): alpha PR^D from the list's own r_2, r_4; the sampler is exact here as above,
    // and (51) at rho = 0 is algebraically (38), so the only difference left is the lag window (2e-3).
    const m = rmmModes({ coupling: "rmm", n: 100, g: 6, alpha: 1, prD: 0.5, seed: 1 });
    let r2 = 0, r4 = 0;
    for (const d of m.D) {
      r2 += d * d;
      r4 += d ** 4;
    }
    const alpha = m.D.length / m.n, er = (alpha * r2 * r2) / (m.D.length * r4);
    const r = (await structuredTheory(be, { kind: "overlaps", alpha, D: m.D, rho: new Float64Array(m.D.length) }, { phi: "erf", paths: 8, iterations: 6 })).results;
    const t = theory(6, { phi: "erf", effectiveRank: er }).results;
    expect(er).toBeLessThan(1); // a low-rank case, where the 1/(alpha PR^D) term matters
    expect(rel(r.prPhi, t.prPhi!)).toBeLessThan(2e-3);
  });

  it("lowers PR^phi below the random-mode value when strong overlaps of either sign are added (PRX Fig. 7)", async () => {
    // The setting, gamma_rho = +-0.6 vs 0, N = 2000 profile: the sampler's se at these settings is
    // ~1 %; the effect in the paper is ~20-40 %, so a 10 % margin cannot come from noise.
    const pr = async (gamma: number) => {
      const m = rmmModes({ coupling: "rmm", n: 2000, g: 6, alpha: 1, prD: 0.8, overlap: gamma ? { gamma } : undefined, seed: 1 });
      return (await structuredTheory(be, { kind: "overlaps", alpha: m.D.length / m.n, D: m.D, rho: m.rho ?? new Float64Array(m.D.length) }, { phi: "erf", paths: 8, iterations: 8 })).results.prPhi;
    };
    const p0 = await pr(0);
    expect(await pr(0.6)).toBeLessThan(0.9 * p0);
    expect(await pr(-0.6)).toBeLessThan(0.9 * p0);
  });

  it("reports a condensing mode as an error, not a number", async () => {
    // one mode with D rho S^phi(0) > 1 (D = 60, rho = 1; S^phi(0) = <phi'> ~ 0.12 at g_eff ~ 6)
    const D = new Float64Array(50).fill(5.9);
    D[0] = 60;
    const rho = new Float64Array(50);
    rho[0] = 1;
    const run = structuredTheory(be, { kind: "overlaps", alpha: 1, D, rho }, { phi: "erf", paths: 4, iterations: 5 });
    await expect(run).rejects.toThrow(ConvergenceError);
    await expect(run).rejects.toThrow(/mode 1 of 50 .* condenses/);
  });

  it("refuses symmetry outside [-1, 1], naming the argument and the value", async () => {
    await expect(structuredTheory(be, { kind: "symmetry", g: 2, rho: 1.2 })).rejects.toThrow(/`symmetry` must lie in \[-1, 1\].*1\.2/);
    await expect(structuredTheory(be, { kind: "symmetry", g: 0.8, rho: 0.3 })).rejects.toThrow(/`g` must exceed 1/);
    await expect(structuredTheory(be, { kind: "symmetry", g: 2, rho: 0.3 }, { paths: 1 })).rejects.toThrow(/`paths`/);
  });

  it("gives the same numbers for the same seed and different ones for another seed", async () => {
    const run = async (seed: number) => (await structuredTheory(be, { kind: "symmetry", g: 3, rho: 0.2 }, { phi: "erf", paths: 4, iterations: 5, seed })).results.prPhi;
    const a = await run(7);
    expect(await run(7)).toBe(a);
    expect(await run(8)).not.toBe(a);
  });
});
