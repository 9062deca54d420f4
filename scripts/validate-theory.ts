/**
 * Long check (not part of npm test): random-mode model with phi = erf, theory (strand theory) vs
 * simulation (strand simulate) for g_eff in {3, 6, 10} and alpha PR^D in {0.3, 1, 10}, at N = 1000 (2
 * networks) and N = 2000 (1 network), 8 trials x 300 time units each, on worker threads. Prints a markdown
 * table: simulated PR^phi (mean over networks, with the mean jackknife error), theory, relative difference.
 * Run: npx tsx scripts/validate-theory.ts   (about 25 minutes on 2 cores)
 */
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";
import { workerExecutor } from "../src/io/parallel.ts";
import { makeNetwork } from "../src/network/ensembles.ts";
import { simulate } from "../src/simulate/simulate.ts";
import { theory } from "../src/theory/index.ts";

enableRelaxedSimd(); // the wasm build the CLI runs (fused multiply-adds; a V8 flag on Node 20)

const executor = workerExecutor(2);
console.log(
  "| g_eff | alpha PR^D | N | networks | PR^phi simulated | jackknife se | theory | difference | PR^x simulated | theory |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const g of [3, 6, 10]) {
  for (const er of [0.3, 1, 10]) {
    const th = theory(g, { phi: "erf", effectiveRank: er }).results;
    for (const [n, nets] of [
      [1000, 2],
      [2000, 1],
    ] as const) {
      const pp: number[] = [],
        px: number[] = [],
        se: number[] = [];
      for (let s = 1; s <= nets; s++) {
        const net = makeNetwork({ coupling: "rmm", n, g, effectiveRank: er, seed: 200 + s });
        const r = await simulate(net, {
          phi: "erf",
          trials: 8,
          duration: 300,
          burnIn: 100,
          lags: 2,
          seed: s,
          executor,
        });
        pp.push(r.results.prPhi!);
        px.push(r.results.prX!);
        se.push(r.results.prPhiError!);
      }
      const mean = (a: number[]) => a.reduce((x, y) => x + y) / a.length;
      const mp = mean(pp);
      console.log(
        `| ${g} | ${er} | ${n} | ${nets} | ` +
          `${mp.toFixed(4)}${nets > 1 ? ` (${pp.map((v) => v.toFixed(4)).join(", ")})` : ""} | ` +
          `${mean(se).toFixed(4)} | ${th.prPhi!.toFixed(4)} | ` +
          `${(((mp - th.prPhi!) / th.prPhi!) * 100).toFixed(1)} % | ${mean(px).toFixed(4)} | ` +
          `${th.prX!.toFixed(4)} |`,
      );
    }
  }
}
