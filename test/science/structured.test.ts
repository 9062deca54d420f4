/**
 * Long scientific check of the sampling single-site theory (issue: reciprocal structure; not part of
 * `npm test`; `npm run test:science`; the simulations on 2 worker threads and the sampler on 2 more, ~6 h on 2
 * cores): the N -> infinity predictions of
 * src/theory/structured.ts against `simulate` on N = 2000 networks, exactly as `strand simulate` / `strand
 * theory` run them with their defaults (docs/VALIDATION.md has the numbers):
 *
 *  - partial symmetry, tanh: g in {2, 3, 4} x rho in {0.2, 0.4, 0.6}; RK4, dt 0.05, 8 trials x 1000 time units
 *    after 100 of burn-in (the slow dynamics at strong symmetry need the long runs), three networks each
 *    (seeds 11, 12, 13);
 *  - diagonal overlaps, erf, alpha = 1, PR^D = 0.8, g_eff = 6: gamma_rho in {-0.6, -0.3, 0, 0.3, 0.6}; 8 trials
 *    x 500 time units, at N (ten networks, seeds 21 .. 30; STRAND_SCIENCE_NETWORKS=K: seeds 21 .. 20 + K) and at
 *    N/2 (16 networks), compared through the 1/N extrapolation 2 PR(N) - PR(N/2) (with strong positive
 *    overlaps the finite-N correction at N = 2000 exceeds the error bar), absolute and as ratios to
 *    gamma_rho = 0 on the same networks (paired: the networks' shared disorder cancels); and the theory's curve
 *    over gamma_rho in steps of 0.15, whose maximum must sit at a slightly negative gamma_rho (PRX Fig. 7).
 *
 * Each point: |simulation - theory| < 3 sqrt(se_sim^2 + se_theory^2) (the jackknife error of the cross-block PR
 * for one network, the standard error over networks for several, propagated through the extrapolation, and the
 * sampler's batch error; 3 combined errors: a 0.3 % chance per point for Gaussian errors, so ~4 % that one of the
 * 14 fails by chance; finite-N effects at N = 2000 are within 1-3 % for i.i.d. couplings).
 */
import { afterAll, describe, expect, it } from "vitest";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import { workerExecutor } from "../../src/io/parallel.ts";
import { samplerPool, type SamplerPool } from "../../src/io/sampler-pool.ts";
import { makeNetwork, type NetworkSpec } from "../../src/network/ensembles.ts";
import { simulate } from "../../src/simulate/simulate.ts";
import { theory } from "../../src/theory/index.ts";
import { meanAndSe } from "../../src/stats/estimators.ts";
import { structureOf, structuredTheory } from "../../src/theory/structured.ts";
import { predict } from "../../src/theory/predict.ts";

const RUN = !!process.env.STRAND_SCIENCE;
/** N of the overlaps points (N/2 too, for the 1/N extrapolation): 2000 as the issue asks; STRAND_SCIENCE_N=4000
 * runs them at 4000 and 2000 (~7 min per N = 4000 network on 2 cores; docs/VALIDATION.md has the runs) */
const OVERLAPS_N = Number(process.env.STRAND_SCIENCE_N ?? 2000);
if (!(Number.isInteger(OVERLAPS_N) && OVERLAPS_N >= 100))
  throw new Error(`STRAND_SCIENCE_N must be an integer >= 100, got ${process.env.STRAND_SCIENCE_N}`);
/** networks per overlaps point (seeds 21, 22, ...): 10 by default. Single N = 2000 networks at this low effective
 * rank scatter by sd ~12 % (0.032 to 0.053 at gamma_rho = 0), so three networks leave ~7 % of standard error and
 * the three first seeds happen to lie high (docs/VALIDATION.md, "Ten networks per point"); ~18 min per point on 2
 * cores with ten */
const OVERLAPS_NETWORKS = Number(process.env.STRAND_SCIENCE_NETWORKS ?? 10);
if (!(Number.isInteger(OVERLAPS_NETWORKS) && OVERLAPS_NETWORKS >= 2))
  throw new Error(`STRAND_SCIENCE_NETWORKS must be an integer >= 2, got ${process.env.STRAND_SCIENCE_NETWORKS}`);
/** networks per overlaps point at N/2 for the 1/N extrapolation (seeds 21, 22, ...): 16 (N = 1000 networks
 * scatter by ~25 % at gamma_rho = 0.6; ~9 min per point on 2 cores) */
const HALF_NETWORKS = Number(process.env.STRAND_SCIENCE_HALF_NETWORKS ?? 16);
if (!(Number.isInteger(HALF_NETWORKS) && HALF_NETWORKS >= 2))
  throw new Error(
    `STRAND_SCIENCE_HALF_NETWORKS must be an integer >= 2, got ${process.env.STRAND_SCIENCE_HALF_NETWORKS}`,
  );
if (OVERLAPS_N % 2) throw new Error(`STRAND_SCIENCE_N must be even (the extrapolation runs N/2), got ${OVERLAPS_N}`);
const rows: string[] = [];

// the same numbers as one thread (simulate's groups and the sampler's chunks are summed in a fixed order)
const executor = workerExecutor(2);
let pool: SamplerPool | undefined;
const sampler = async () => (pool ??= await samplerPool(2));
afterAll(async () => pool?.close());

/** Simulate `seeds.length` networks (each its own seed): their PR^phi, its mean and standard error. */
async function measure(spec: NetworkSpec, phi: "tanh" | "erf", duration: number, seeds: number[]) {
  const be = await createWasmBackend();
  const values: number[] = [],
    errors: number[] = [];
  for (const seed of seeds) {
    const sim = (
      await simulate(makeNetwork({ ...spec, seed }), {
        phi,
        method: "rk4",
        dt: 0.05,
        trials: 8,
        duration,
        burnIn: 100,
        lags: 0,
        seed,
        backend: be,
        executor,
      })
    ).results;
    expect(sim.nonStationary).toBe(false);
    values.push(sim.prPhi!);
    errors.push(sim.prPhiError!);
  }
  // one network: its jackknife error; several: the standard error of the mean over networks (their spread
  // includes each run's noise and the network-to-network variation, tens of percent at strong overlaps)
  const over = meanAndSe(values);
  return { values, mean: over.mean, se: over.se ?? errors[0] };
}

/** The theory's PR^phi (and the sampler's se) for a network spec: the library's predict(), as simulate --theory. */
async function theoryOf(
  spec: NetworkSpec,
  phi: "tanh" | "erf",
  seed: number,
): Promise<{ theory: number; theorySe: number }> {
  const { summary } = makeNetwork({ ...spec, seed }); // the realised effective rank, as the simulations have it
  const p = await predict(
    { ...spec, seed },
    { phi, backend: await createWasmBackend(), summary, sampler: { seed, executor: (await sampler()).executor } },
  );
  return { theory: p.observables.prPhi!, theorySe: p.observables.prPhiError };
}

/** A table row: label, per-network values, mean ± se, theory ± se, difference, z. */
function row(label: string, values: number[], mean: number, se: number, th: number, thSe: number, digits = 4): number {
  const z = (mean - th) / Math.hypot(se, thSe);
  rows.push(
    `| ${label} | ${values.map((v) => v.toFixed(digits)).join(", ")} | ${mean.toFixed(digits)} ` +
      `± ${se.toFixed(digits)} | ${th.toFixed(digits)} ± ${thSe.toFixed(digits)} | ` +
      `${(100 * (mean / th - 1)).toFixed(1)} % | ${z.toFixed(1)} |`,
  );
  console.log(rows.at(-1));
  return z;
}

/** Simulate `seeds.length` networks and compare their mean PR^phi with the theory. */
async function compare(label: string, spec: NetworkSpec, phi: "tanh" | "erf", duration: number, seeds: number[]) {
  const m = { ...(await measure(spec, phi, duration, seeds)), ...(await theoryOf(spec, phi, seeds[0])) };
  expect(Math.abs(row(label, m.values, m.mean, m.se, m.theory, m.theorySe)), label).toBeLessThan(3);
}

describe.skipIf(!RUN)(
  `the sampling single-site theory vs N = 2000 simulations (overlaps: N = ${OVERLAPS_N}; STRAND_SCIENCE=1)`,
  () => {
    it.each([2, 3, 4].flatMap((g) => [0.2, 0.4, 0.6].map((rho) => [g, rho])))(
      "partial symmetry g = %s, rho = %s",
      { timeout: 3600_000 },
      async (g, rho) => {
        // three networks: single N = 2000 networks scatter by ~10 % (docs/VALIDATION.md: g 3, rho 0.2, seeds 11, 12)
        await compare(
          `symmetry g ${g} rho ${rho}`,
          { coupling: "iid", n: 2000, g, symmetry: rho, seed: 11 },
          "tanh",
          1000,
          [11, 12, 13],
        );
      },
    );

    /** One overlaps point at N and N/2, computed once per run whichever test asks first (the paired test run alone
     *  computes the points it needs). */
    const points = new Map<number, ReturnType<typeof overlapsPoint>>();
    const pointOf = (gamma: number) => {
      if (!points.has(gamma)) points.set(gamma, overlapsPoint(gamma));
      return points.get(gamma)!;
    };
    async function overlapsPoint(gamma: number) {
      // The theory is the N -> infinity limit, and with strong positive overlaps (the strongest mode's loop gain
      // D rho S(0) 0.55 at gamma_rho = 0.6) the simulations' finite-N correction exceeds their error bar: at
      // gamma_rho = 0.6, +47 % at N = 1000, +28 % at N = 2000 (z 3.5), +1.5 % at N = 4000 (docs/VALIDATION.md,
      // "Finite N at gamma_rho = 0.6"). So each point is simulated at N
      // (OVERLAPS_NETWORKS networks) and N/2 (HALF_NETWORKS) and compared through the extrapolation with the
      // leading correction c/N: PR(inf) = 2 PR(N) - PR(N/2), standard error sqrt(4 se_N^2 + se_{N/2}^2)
      // (independent networks; each se is the standard error over networks, which includes each run's noise and
      // the network-to-network scatter, tens of percent at strong overlaps), combined with the sampler's se.
      // The rows at N and N/2 alone are printed for the record.
      const spec = (n: number): NetworkSpec => ({
        coupling: "rmm",
        n,
        g: 6,
        alpha: 1,
        prD: 0.8,
        overlap: gamma ? { gamma } : undefined,
        seed: 21,
      });
      const th = await theoryOf(spec(OVERLAPS_N), "erf", 21);
      const atN = await measure(
        spec(OVERLAPS_N),
        "erf",
        500,
        Array.from({ length: OVERLAPS_NETWORKS }, (_, k) => 21 + k),
      );
      const half = await measure(
        spec(OVERLAPS_N / 2),
        "erf",
        500,
        Array.from({ length: HALF_NETWORKS }, (_, k) => 21 + k),
      );
      const point = { ...atN, ...th, half };
      row(`overlaps gamma ${gamma}, N = ${OVERLAPS_N}`, atN.values, atN.mean, atN.se, th.theory, th.theorySe);
      row(`overlaps gamma ${gamma}, N = ${OVERLAPS_N / 2}`, half.values, half.mean, half.se, th.theory, th.theorySe);
      return point;
    }

    it.each([-0.6, -0.3, 0, 0.3, 0.6])(
      "overlaps gamma_rho = %s (N/2 and N, extrapolated in 1/N)",
      { timeout: 4 * 3600_000 },
      async (gamma) => {
        const p = await pointOf(gamma);
        const z = row(
          `overlaps gamma ${gamma}, 1/N extrapolation`,
          [],
          2 * p.mean - p.half.mean,
          Math.hypot(2 * p.se, p.half.se),
          p.theory,
          p.theorySe,
        );
        expect(Math.abs(z), `gamma ${gamma}`).toBeLessThan(3);
      },
    );

    it(
      "overlaps change PR^phi relative to gamma_rho = 0 as the theory predicts, paired on the same networks",
      { timeout: 20 * 3600_000 },
      async () => {
        // The same seed gives the same random modes at every gamma_rho (src/network/ensembles.ts mixes a shared
        // draw into L and R), so the ratio PR(gamma)/PR(0) per network cancels what the networks share: their
        // quenched disorder, which the absolute comparison above cannot separate from the overlaps' theory.
        // The overlaps' own finite-N correction does not cancel (gamma_rho = 0.6: +29 % at N = 2000), so the
        // ratios are extrapolated in 1/N as above: 2 r(N) - r(N/2). Error: the ratios' standard errors over
        // networks (sd / sqrt(k)) combined as above, and the sampler's se propagated through
        // theory(gamma)/theory(0) (the closed form at gamma = 0 has none).
        const zero = await pointOf(0);
        for (const gamma of [-0.6, -0.3, 0.3, 0.6]) {
          const p = await pointOf(gamma);
          const th = p.theory / zero.theory,
            thSe = p.theorySe / zero.theory;
          const ratio = (label: string, a: number[], b: number[]) => {
            const r = a.map((v, k) => v / b[k]),
              m = meanAndSe(r);
            row(label, r, m.mean, m.se!, th, thSe, 3);
            return m;
          };
          const atN = ratio(`paired gamma ${gamma} / 0, N = ${OVERLAPS_N}`, p.values, zero.values);
          const half = ratio(`paired gamma ${gamma} / 0, N = ${OVERLAPS_N / 2}`, p.half!.values, zero.half!.values);
          const z = row(
            `paired gamma ${gamma} / 0, 1/N extrapolation`,
            [],
            2 * atN.mean - half.mean,
            Math.hypot(2 * atN.se!, half.se!),
            th,
            thSe,
            3,
          );
          expect(Math.abs(z), `gamma ${gamma}`).toBeLessThan(3);
        }
      },
    );

    it(
      "puts the maximum of PR^phi(gamma_rho) at a slightly negative gamma_rho (PRX Fig. 7)",
      { timeout: 3600_000 },
      async () => {
        const be = await createWasmBackend();
        const gammas = [-0.6, -0.45, -0.3, -0.15, 0, 0.15, 0.3, 0.45, 0.6];
        const pr: number[] = [];
        for (const gamma of gammas) {
          const st = structureOf({
            coupling: "rmm",
            n: 2000,
            g: 6,
            alpha: 1,
            prD: 0.8,
            overlap: gamma ? { gamma } : undefined,
            seed: 21,
          });
          pr.push(
            st
              ? (await structuredTheory(be, st, { phi: "erf", seed: 21, executor: (await sampler()).executor })).results
                  .prPhi
              : theory(6, { phi: "erf", effectiveRank: 0.8 }).results.prPhi!,
          );
        }
        console.log(gammas.map((g, i) => `gamma ${g}: ${pr[i].toFixed(4)}`).join(", "));
        const best = gammas[pr.indexOf(Math.max(...pr))];
        expect(best).toBeLessThan(0);
        expect(best).toBeGreaterThanOrEqual(-0.3);
      },
    );

    // the record of every compared point (docs/VALIDATION.md), printed once the tests that ran are done
    afterAll(() => {
      if (!rows.length) return;
      console.log(
        [
          "| point | per network | simulation PR^phi | theory PR^phi | difference | z |",
          "|---|---|---|---|---|---|",
          ...rows,
        ].join("\n"),
      );
    });
  },
);
