/**
 * The mean-field maximal exponent against simulated networks (CHAOS.md §4-5): i.i.d. tanh couplings at g = 3,
 * lambda_1 of several networks per N (RK4 flow, k = 1, 400 observed time units).
 * Finite N lowers lambda_max (CHAOS.md §5: 1-2.5 % at N = 4096). Measured here (4-8 networks per point, plain and
 * fused builds): 0.82 x theory at N = 250, 0.85-0.90 at 500, 0.95 at 1000 — a deficit of roughly 50 / N, but not
 * clean enough at N <= 500 for an extrapolation (2 lambda(500) - lambda(250) came out 0.204-0.230 against 0.2355 in
 * three samples of networks).
 *  - npm test: the approach from below, lambda(250) < lambda(500) < theory: the deficits are 5-15 standard errors
 *    of a 4-network mean, so the ordering fails only if the theory or the tangent code is wrong.
 *  - STRAND_SCIENCE=1 (npm run test:science; ~30 min on 2 cores): N = 1000 and 2000, 4 networks each, the 1/N
 *    extrapolation 2 lambda(2000) - lambda(1000) within 3 combined standard errors of the theory; and D_KY/N at
 *    g = 5 for N = 250, 500, 1000 (k = N/4, one network each, printed for docs/VALIDATION.md): the Kaplan-Yorke
 *    fraction is intensive, so successive differences must shrink (no mean-field value to compare with).
 */
import { describe, expect, it } from "vitest";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { lyapunov, spectrumSummary } from "../../src/chaos/lyapunov.ts";
import { maximalExponent } from "../../src/theory/lyapunov.ts";
import { jackknifeSe, meanAndSe } from "../../src/stats/estimators.ts";
import { createTeam } from "../../src/io/team-pool.ts";
import { createBackend } from "../../src/backend/select.ts";

const g = 3;
const theory = () => maximalExponent(g).lambdaMax;
async function at(n: number, networks: number) {
  const values: number[] = [];
  for (let seed = 1; seed <= networks; seed++) {
    const r = await lyapunov(makeNetwork({ coupling: "iid", n, g, seed }), { k: 1, duration: 400, seed });
    values.push(r.results.lambdaMax);
  }
  return meanAndSe(values);
}

describe("the mean-field maximal exponent", () => {
  it("is approached from below by simulated lambda_1 as N grows (i.i.d. tanh, g = 3, N = 250, 500)", async () => {
    const small = await at(250, 4),
      large = await at(500, 4);
    expect(small.mean).toBeLessThan(large.mean);
    expect(large.mean + 3 * large.se!).toBeLessThan(theory());
  }, 120_000);

  it.runIf(!!process.env.STRAND_SCIENCE)(
    "is the 1/N extrapolation of simulated lambda_1 at N = 1000 and 2000 (i.i.d. tanh, g = 3)",
    async () => {
      const small = await at(1000, 4),
        large = await at(2000, 4);
      const extrapolated = 2 * large.mean - small.mean;
      const se = Math.sqrt(4 * large.se! ** 2 + small.se! ** 2);
      console.log(
        `lambda_1: N = 1000 ${small.mean} ± ${small.se}, 2000 ${large.mean} ± ${large.se}; theory ${theory()}`,
      );
      expect(Math.abs(extrapolated - theory())).toBeLessThan(3 * se);
    },
    3 * 3600_000,
  );

  it.runIf(!!process.env.STRAND_SCIENCE)(
    "gives an intensive Kaplan-Yorke fraction: D_KY/N converges as N grows (i.i.d. tanh, g = 5)",
    async () => {
      const fractions: number[] = [],
        errors: number[] = [];
      const team = await createTeam(2, { fma: (await createBackend("auto")).fma });
      for (const n of [250, 500, 1000]) {
        const r = await lyapunov(makeNetwork({ coupling: "iid", n, g: 5, seed: 1 }), {
          k: Math.ceil(n / 4),
          duration: 200,
          seed: 1,
          team,
        });
        fractions.push(r.results.kaplanYorkeFraction!);
        // the fraction's error: delete-one-block jackknife over the 8 blocks' exponents
        const B = r.results.blockExponents.length;
        const loo = r.results.blockExponents.map((_, b) => {
          const rest = r.results.blockExponents.filter((_, c) => c !== b);
          const mean = rest[0].map((_, i) => rest.reduce((a, row) => a + row[i], 0) / (B - 1));
          return spectrumSummary(
            [...mean].sort((x, y) => y - x),
            n,
          ).kaplanYorkeFraction!;
        });
        errors.push(jackknifeSe(loo));
      }
      await team.close();
      console.log(`D_KY/N at g = 5: N = 250, 500, 1000: ${fractions.join(", ")} ± ${errors.join(", ")}`);
      const gap = (i: number) => Math.abs(fractions[i + 1] - fractions[i]);
      expect(gap(1)).toBeLessThan(gap(0) + 3 * Math.hypot(errors[1], errors[2]));
    },
    3 * 3600_000,
  );
});
