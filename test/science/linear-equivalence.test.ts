/**
 * Long scientific check of the linear-equivalence covariance (LINEAR.md §3, issue 27; not part of `npm test`:
 * `npm run test:science`, ~40 min on 2 cores): one network's predicted C^phi(0) against a simulation of the same J,
 * exactly as `strand simulate --compare-covariance` runs it, with LINEAR.md's protocol (RK4, dt 0.05, 8 trials x
 * 1500 time units after 100 of burn-in, a sample every 0.5, float64 state), tanh, N = 1000:
 *
 *  - driven: g = 2, sigma^2 = 2 (margin ~0.1), networks of seeds 1, 2, 3;
 *  - noise-free: g = 6, the first three seeds from 1 whose margin 1 - a max Re lambda(J) is at least 0.03 (LINEAR.md:
 *    redraw below; the seeds skipped are logged).
 *
 * What LINEAR.md and the issue ask, fixed before the runs: the prediction's relative Frobenius error is at most a
 * third of the static-linear control's (a wide margin), and at most 3 times the noise floor ||C_1 - C_2|| / 2 ||C||
 * (the simulation's own error, from its two halves: compare.ts). The numbers are logged whatever they are and copied
 * to docs/VALIDATION.md, including where it fails.
 */
import { describe, expect, it } from "vitest";
import { createWasmBackend } from "../../src/backend/wasm-load.ts";
import { workerExecutor } from "../../src/io/parallel.ts";
import { makeNetwork } from "../../src/network/ensembles.ts";
import { compareCovariance } from "../../src/covariance/compare.ts";
import { modeForm } from "../../src/theory/mode-form.ts";
import { singleSite } from "../../src/theory/linear-equivalence.ts";

const RUN = !!process.env.STRAND_SCIENCE;
const N = 1000;
const executor = RUN ? workerExecutor(2) : undefined;

const protocol = { trials: 8, duration: 1500, burnIn: 100, sampleEvery: 0.5, dt: 0.05, dtype: "float64" as const };

async function run(g: number, sigma: number, seed: number) {
  const be = await createWasmBackend();
  const c = await compareCovariance(makeNetwork({ coupling: "iid", n: N, g, seed }), {
    ...protocol,
    sigma,
    seed,
    backend: be,
    executor,
  });
  const A = c.agreement;
  const row = {
    g,
    sigma2: sigma * sigma,
    seed,
    margin: +c.prediction.margin.toFixed(4),
    errPrediction: +A.prediction.relativeFrobenius.toFixed(4),
    errControl: +A.control.relativeFrobenius.toFixed(4),
    noiseFloor: +c.noiseFloor.toFixed(4),
    ratioToFloor: +(A.prediction.relativeFrobenius / c.noiseFloor).toFixed(2),
    corrPrediction: +A.prediction.correlation.toFixed(4),
    corrHalves: +A.halves.correlation.toFixed(4),
    corrControl: +A.control.correlation.toFixed(4),
    slope: +A.prediction.slope.toFixed(3),
    prTheory: +c.prediction.spectrum.pr.toFixed(4),
    prSimulation: +c.simulation.spectrum.pr.toFixed(4),
    topTheory: c.prediction.spectrum.top.slice(0, 3).map((v) => +v.toPrecision(3)),
    topSimulation: c.simulation.spectrum.top.slice(0, 3).map((v) => +v.toPrecision(3)),
  };
  console.log(JSON.stringify(row));
  return row;
}

describe.runIf(RUN)("linear equivalence against simulations of the same J (N = 1000, tanh)", () => {
  it.each([1, 2, 3])(
    "predicts a driven network's covariance (g = 2, sigma^2 = 2, seed %i)",
    async (seed) => {
      const r = await run(2, Math.SQRT2, seed);
      expect(r.errPrediction).toBeLessThan(r.errControl / 3);
      expect(r.ratioToFloor).toBeLessThan(3);
    },
    3_600_000,
  );

  it("predicts noise-free chaotic networks' covariance (g = 6, three seeds with margin >= 0.03)", async () => {
    const be = await createWasmBackend();
    const seeds: number[] = [];
    for (let seed = 1; seeds.length < 3 && seed <= 12; seed++) {
      const net = makeNetwork({ coupling: "iid", n: N, g: 6, seed });
      const form = modeForm(net, be);
      const margin = 1 - singleSite(Math.sqrt(form.frobenius2 / N), "tanh", 0).a * form.maxReLambda;
      if (margin >= 0.03) seeds.push(seed);
      else console.log(`g = 6, seed ${seed}: margin ${margin.toFixed(4)} < 0.03, redrawn`);
    }
    expect(seeds).toHaveLength(3);
    const rows = [];
    for (const seed of seeds) rows.push(await run(6, 0, seed));
    for (const r of rows) {
      expect(r.errPrediction).toBeLessThan(r.errControl / 3);
      expect(r.ratioToFloor).toBeLessThan(3);
    }
  }, 7_200_000);
});
