/**
 * Long scientific check (not part of npm test): simulated PR^phi and PR^x of i.i.d. tanh networks at
 * N = 500, 1000, 2000 against the authors' N -> infinity theory values (THEORY §5.4), g = 2 and 6.
 * Each N averages several network realisations (quenched disorder is the dominant spread at finite N);
 * the table gives mean ± standard error over networks and the mean jackknife error of a single run.
 * Run: npx tsx scripts/validate-simulate.ts [--quick]   (about 10 minutes on 2 cores; --quick: N <= 1000)
 */
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";
import { makeNetwork } from "../src/network/ensembles.ts";
import { simulate } from "../src/simulate/simulate.ts";

enableRelaxedSimd(); // the wasm build the CLI runs (fused multiply-adds; a V8 flag on Node 20)

const THEORY: Record<number, { prPhi: number; prX: number; cX0: number }> = {
  2: { prPhi: 0.01974, prX: 0.01592, cX0: 1.9248 },
  6: { prPhi: 0.08264, prX: 0.04908, cX0: 24.926 },
};
const quick = process.argv.includes("--quick");
const plan: [number, number][] = quick
  ? [
      [500, 4],
      [1000, 2],
    ]
  : [
      [500, 4],
      [1000, 3],
      [2000, 2],
    ];
console.log(
  `| g | N | networks | PR^phi (mean ± se) | theory | PR^x (mean ± se) | theory | C^x(0) | theory | jackknife se (one run) | s/run |`,
);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|`);
for (const g of [2, 6]) {
  for (const [n, nets] of plan) {
    const pp: number[] = [],
      px: number[] = [],
      cx: number[] = [],
      jk: number[] = [],
      secs: number[] = [];
    for (let s = 1; s <= nets; s++) {
      const r = await simulate(makeNetwork({ coupling: "iid", n, g, seed: 100 + s }), {
        trials: 8,
        duration: 500,
        burnIn: 200,
        lags: 2,
        seed: s,
      });
      pp.push(r.results.prPhi!);
      px.push(r.results.prX!);
      cx.push(r.results.cX0);
      jk.push(r.results.prPhiError!);
      secs.push(r.results.seconds);
    }
    const ms = (a: number[]) => {
      const m = a.reduce((x, y) => x + y) / a.length;
      const se = a.length > 1 ? Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1) / a.length) : NaN;
      return `${m.toFixed(4)} ± ${se.toFixed(4)}`;
    };
    const t = THEORY[g];
    console.log(
      `| ${g} | ${n} | ${nets} | ${ms(pp)} | ${t.prPhi} | ${ms(px)} | ${t.prX} | ${ms(cx)} | ` +
        `${t.cX0} | ${(jk.reduce((a, b) => a + b) / jk.length).toFixed(4)} | ` +
        `${(secs.reduce((a, b) => a + b) / secs.length).toFixed(0)} |`,
    );
  }
}
