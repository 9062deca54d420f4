/**
 * The sampling single-site DMFT (src/theory/selfcoupled.ts, structured.ts): its reductions to the Gaussian
 * theory when the reciprocal structure vanishes, its statistical error against that exact answer, its
 * refusals, and determinism. Theory against network simulations at N = 2000 (the check) is in
 * test/science/ (STRAND_SCIENCE=1; docs/VALIDATION.md).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/types.ts";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import { ConvergenceError } from "../../src/errors.ts";
import { theory } from "../../src/theory/index.ts";
import { structureModel, structuredTheory, type Structure } from "../../src/theory/structured.ts";
import { fourPoint } from "../../src/theory/structured-psi.ts";
import { sampleSingleSite, type SelfCouplingModel } from "../../src/theory/selfcoupled.ts";
import { freqOf } from "../../src/theory/selfcoupled-state.ts";
import { gaussianPhiStats } from "../../src/theory/dmft.ts";
import { denseJ, makeNetwork, rmmModes } from "../../src/network/ensembles.ts";
import { meanAndSe } from "../../src/stats/estimators.ts";

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
    const r = (await structuredTheory(be, { kind: "symmetry", g: 3, rho: 0 }, { paths: 8, iterations: 6, seed: 3 }))
      .results;
    const t = theory(3).results;
    expect(rel(r.prPhi, t.prPhi!)).toBeLessThan(2e-3);
    expect(rel(r.cPhi0, t.cPhi0)).toBeLessThan(2e-3);
    expect(rel(r.cX0, t.cX0)).toBeLessThan(2e-3);
    expect(rel(r.meanPhiPrime, t.meanPhiPrime)).toBeLessThan(2e-3);
    // the four-point function's two lines, Psi(tau, 0) and the slow diagonal Psi(tau, tau), from the sampler's
    // Psi(w1, w2) on its active frequencies against the closed form's full grid: the same 2e-3 (the dropped bins
    // hold < 1e-4 of the spectrum)
    for (const tau of [1, 3, 6]) {
      const l = Math.round(tau / 0.1);
      expect(r.collective.tau[l]).toBeCloseTo(tau, 9);
      expect(rel(r.collective.psiPhi[l], t.collective.psiPhi[l])).toBeLessThan(2e-3);
      expect(rel(r.diagonal.psiPhi[l], t.diagonal.psiPhi[l])).toBeLessThan(2e-3);
    }
  });

  it("agrees with the i.i.d. theory within its own standard error when the control variate is off", async () => {
    // The raw Monte-Carlo estimate: its se is the delete-one-batch jackknife over 5 batches of the averaged
    // iterations, so (PR - exact) / se follows (approximately) a t distribution with 4 degrees of freedom:
    // |t| < 4.6 holds with 99 %.
    const r = (
      await structuredTheory(
        be,
        { kind: "symmetry", g: 3, rho: 0 },
        { paths: 16, iterations: 10, seed: 4, controlVariate: false },
      )
    ).results;
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
    const sigma = 0.2,
      M = 4096,
      dt = 0.1;
    const model: SelfCouplingModel = {
      gEff: 1,
      rInst: 0,
      jumpFactor: sigma,
      breakdown: () => null,
      apply(sRe, sIm, _c, q, rRe, rIm) {
        for (let k = 0; k < M; k++) {
          q[k] = 2e-4 / (1 + freqOf(k, M, dt) ** 2);
          rRe[k] = sigma * sRe[k];
          rIm[k] = sigma * sIm[k];
        }
      },
    };
    const init = {
      cPhi: Float64Array.from({ length: M / 2 + 1 }, (_, j) => 1e-4 * Math.exp(-j * dt)),
      meanPhiPrime: 1,
      kappa: 1,
    };
    const r = await sampleSingleSite(be, 1, model, init, (cX) => gaussianPhiStats("erf", cX), {
      paths: 8,
      iterations: 20,
      seed: 1,
    });
    const exact = (w: number) => {
      const dr = 1 - w * w - 4 * sigma,
        di = 2 * w,
        mod = Math.hypot(dr, di);
      const sr = Math.sqrt((mod + dr) / 2),
        si = Math.sign(di || 1) * Math.sqrt((mod - dr) / 2);
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
    let r2 = 0,
      r4 = 0;
    for (const d of m.D) {
      r2 += d * d;
      r4 += d ** 4;
    }
    const alpha = m.D.length / m.n,
      er = (alpha * r2 * r2) / (m.D.length * r4);
    const r = (
      await structuredTheory(
        be,
        { kind: "overlaps", alpha, D: m.D, rho: new Float64Array(m.D.length) },
        { phi: "erf", paths: 8, iterations: 6 },
      )
    ).results;
    const t = theory(6, { phi: "erf", effectiveRank: er }).results;
    expect(er).toBeLessThan(1); // a low-rank case, where the 1/(alpha PR^D) term matters
    expect(rel(r.prPhi, t.prPhi!)).toBeLessThan(2e-3);
  });

  it("lowers PR^phi below the random-mode value when strong overlaps of either sign are added (PRX Fig. 7)", async () => {
    // The setting, gamma_rho = +-0.6 vs 0, N = 2000 profile: the sampler's se at these settings is
    // ~1 %; the effect in the paper is ~20-40 %, so a 10 % margin cannot come from noise.
    const pr = async (gamma: number) => {
      const m = rmmModes({
        coupling: "rmm",
        n: 2000,
        g: 6,
        alpha: 1,
        prD: 0.8,
        overlap: gamma ? { gamma } : undefined,
        seed: 1,
      });
      return (
        await structuredTheory(
          be,
          { kind: "overlaps", alpha: m.D.length / m.n, D: m.D, rho: m.rho ?? new Float64Array(m.D.length) },
          { phi: "erf", paths: 8, iterations: 8 },
        )
      ).results;
    };
    const [p0, plus, minus] = [await pr(0), await pr(0.6), await pr(-0.6)];
    expect(plus.prPhi).toBeLessThan(0.9 * p0.prPhi);
    expect(minus.prPhi).toBeLessThan(0.9 * p0.prPhi);
    // the strongest mode's loop gain max D rho S(0): zero without overlaps; below condensation (1) at +-0.6, and
    // larger at +0.6, where the strong modes have the positive overlaps (at -0.6 the weak ones do)
    expect(p0.maxModeGain).toBe(0);
    expect(plus.maxModeGain!).toBeLessThan(1);
    expect(plus.maxModeGain!).toBeGreaterThan(minus.maxModeGain!);
    expect(minus.maxModeGain!).toBeGreaterThan(0);
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
    await expect(structuredTheory(be, { kind: "symmetry", g: 2, rho: 1.2 })).rejects.toThrow(
      /`symmetry` must lie in \[-1, 1\].*1\.2/,
    );
    await expect(structuredTheory(be, { kind: "symmetry", g: 0.8, rho: 0.3 })).rejects.toThrow(/`g` must exceed 1/);
    await expect(structuredTheory(be, { kind: "symmetry", g: 2, rho: 0.3 }, { paths: 1 })).rejects.toThrow(/`paths`/);
  });

  it("gives the same numbers for the same seed and different ones for another seed", async () => {
    const run = async (seed: number) =>
      (await structuredTheory(be, { kind: "symmetry", g: 3, rho: 0.2 }, { phi: "erf", paths: 4, iterations: 5, seed }))
        .results.prPhi;
    const a = await run(7);
    expect(await run(7)).toBe(a);
    expect(await run(8)).not.toBe(a);
  });
});

/** (T I - J)^{-1} for the n x n real J and complex T = tr + i ti, by Gauss-Jordan with partial pivoting
 *  (re, im row-major) */
function resolvent(n: number, J: Float64Array, tr: number, ti: number): { re: Float64Array; im: Float64Array } {
  const ar = Float64Array.from(J, (v) => -v),
    ai = new Float64Array(n * n),
    br = new Float64Array(n * n),
    bi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    ar[i * n + i] += tr;
    ai[i * n + i] = ti;
    br[i * n + i] = 1;
  }
  const swap = (x: Float64Array, r: number, c: number) => {
    for (let k = 0; k < n; k++) [x[r * n + k], x[c * n + k]] = [x[c * n + k], x[r * n + k]];
  };
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (ar[r * n + c] ** 2 + ai[r * n + c] ** 2 > ar[p * n + c] ** 2 + ai[p * n + c] ** 2) p = r;
    if (p !== c) for (const x of [ar, ai, br, bi]) swap(x, p, c);
    const d = ar[c * n + c] ** 2 + ai[c * n + c] ** 2,
      qr = ar[c * n + c] / d,
      qi = -ai[c * n + c] / d;
    for (const [xr, xi] of [
      [ar, ai],
      [br, bi],
    ]) {
      for (let k = 0; k < n; k++) {
        const vr = xr[c * n + k],
          vi = xi[c * n + k];
        xr[c * n + k] = vr * qr - vi * qi;
        xi[c * n + k] = vr * qi + vi * qr;
      }
    }
    for (let r = 0; r < n; r++) {
      const fr = ar[r * n + c],
        fi = ai[r * n + c];
      if (r === c || (fr === 0 && fi === 0)) continue;
      for (const [xr, xi] of [
        [ar, ai],
        [br, bi],
      ]) {
        for (let k = 0; k < n; k++) {
          const vr = xr[c * n + k],
            vi = xi[c * n + k];
          xr[r * n + k] -= fr * vr - fi * vi;
          xi[r * n + k] -= fr * vi + fi * vr;
        }
      }
    }
  }
  return { re: br, im: bi };
}

describe("PRX (51) in the linear limit", () => {
  it("gives the four-point function of noise-driven linear networks with the same overlaps, within the change from N/2 to N", async () => {
    // An exact check of (51) and of the single site's Q, R (PRX (48)-(49)) that does not use the sampler: the
    // linear network dx/dt = -x + J x + xi (unit white noise), J = L diag(D) R^T drawn as the simulations draw
    // it (App. K), g_eff = 0.5 (stable), alpha = 1, PR^D = 0.8, gamma_rho = -0.6. Per network exactly:
    // C_ij(w) = [G^* G^T]_ij with G = ((1 + i w) I - J)^{-1}, Psi(w1, w2) = (1/N) sum_ij C_ij(w1) C_ij(w2). The
    // mean-field single site is linear too: S = 1/(1 + i w - R(w)), C = |S|^2 (Q(w) + 1), with R, Q from the
    // model (structureModel, the sampler's own), and (51) is fourPoint() with phi = x.
    const w = 0.5,
      theoryModes = rmmModes({
        coupling: "rmm",
        n: 4096,
        g: 0.5,
        alpha: 1,
        prD: 0.8,
        overlap: { gamma: -0.6 },
        seed: 1,
      });
    const st: Structure = { kind: "overlaps", alpha: 1, D: theoryModes.D, rho: theoryModes.rho! };
    const model = structureModel(st);
    let sr = 1 / (1 + w * w),
      si = -w / (1 + w * w);
    const q = new Float64Array(1),
      rr = new Float64Array(1),
      ri = new Float64Array(1),
      one = new Float64Array([1]);
    for (let it = 0; it < 500; it++) {
      model.apply(new Float64Array([sr]), new Float64Array([si]), one, q, rr, ri);
      const dr = 1 - rr[0] - model.rInst,
        di = w - ri[0],
        d = dr * dr + di * di;
      [sr, si] = [0.5 * sr + (0.5 * dr) / d, 0.5 * si - (0.5 * di) / d];
    }
    const s2 = sr * sr + si * si,
      c = s2 / (1 - s2 * q[0]); // q = Q / C (Q is linear in C)
    // frequencies w and -w (S(-w) = S(w)^*): row 0 gives Psi(w, w) and Psi(w, -w)
    const psi = (s: Structure) =>
      fourPoint(
        be,
        s,
        new Float64Array([sr, sr]),
        new Float64Array([si, -si]),
        new Float64Array([c, c]),
        new Int32Array([0]),
      );
    const theoryPsi = psi(st);
    const exact = (n: number, networks: number) => {
      const rows: number[][] = [];
      for (let seed = 1; seed <= networks; seed++) {
        const J = denseJ(
          makeNetwork({ coupling: "rmm", n, g: 0.5, alpha: 1, prD: 0.8, overlap: { gamma: -0.6 }, seed }),
        );
        const G = resolvent(n, J, 1, w);
        let same = 0,
          opposite = 0,
          diag = 0;
        // P_ji = P_ij^*, so both sums are symmetric in i, j: the upper triangle, off-diagonal entries twice
        for (let i = 0; i < n; i++)
          for (let j = i; j < n; j++) {
            let pr = 0,
              pi = 0; // P_ij = sum_k G_ik^* G_jk
            for (let k = 0; k < n; k++) {
              const ar = G.re[i * n + k],
                ai = G.im[i * n + k],
                br = G.re[j * n + k],
                bi = G.im[j * n + k];
              pr += ar * br + ai * bi;
              pi += ar * bi - ai * br;
            }
            const twice = i === j ? 1 : 2;
            same += twice * (pr * pr - pi * pi); // C_ij(w) C_ij(w), real part
            opposite += twice * (pr * pr + pi * pi); // C_ij(w) C_ij(-w) = |C_ij(w)|^2
            if (i === j) diag += pr;
          }
        rows.push([diag / n, same / n, opposite / n]);
      }
      return [0, 1, 2].map((k) => meanAndSe(rows.map((r) => r[k])));
    };
    const small = exact(96, 48),
      large = exact(192, 24);
    const want = [c, theoryPsi[0], theoryPsi[1]];
    // (51) without its overlap terms (rho set to 0 in the four-point function, the single site kept): the
    // check must be able to tell it apart (it is 9 % off at w1 = w2)
    const blind = psi({ ...st, rho: new Float64Array(st.rho.length) });
    const tol = [0, 1, 2].map(
      (k) => Math.abs(large[k].mean - small[k].mean) + 3 * Math.hypot(large[k].se!, small[k].se!),
    );
    for (let k = 0; k < 3; k++) {
      // Finite-N corrections of these resolvent averages fall like 1/N, so what is left at N is at most the
      // change from N/2 to N; plus three standard errors of the network means (the two sizes' in quadrature).
      expect(Math.abs(large[k].mean - want[k]), `quantity ${k}`).toBeLessThan(tol[k]);
    }
    // (at w1 = w2; at w1 = -w2 the overlap terms nearly cancel here: blind is within 1 % there)
    expect(Math.abs(large[1].mean - blind[0])).toBeGreaterThan(tol[1]);
  });
});
