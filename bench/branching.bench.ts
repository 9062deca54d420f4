/**
 * Independent or branched trials (issue 30, docs/BRANCHING.md): for i.i.d. tanh networks at g = 1.5, 2 and 5 (N =
 * 300, one network each, 8 trials x 100 time units, trial blocks), PR^phi over SEEDS run seeds for independent
 * starts (burn-in 50 and 200) and branched starts (settle 5, 20, 100): the mean, the spread over seeds (the true
 * error of one run), the mean reported jackknife error and their ratio, and the time per run. Prints the markdown
 * rows of docs/BRANCHING.md. Run: npm run bench:branching [-- --seeds 24] (~5 min).
 */
import { makeNetwork } from "../src/network/ensembles.ts";
import { simulate, type SimulateOptions } from "../src/simulate/simulate.ts";

const si = process.argv.indexOf("--seeds");
const SEEDS = si > 0 ? Number(process.argv[si + 1]) : 24;
const configs: SimulateOptions[] = [
  {},
  { burnIn: 200 },
  { start: "branch", branchSettle: 5 },
  { start: "branch", branchSettle: 20 },
  { start: "branch" },
];
console.log("| g | start | PR^phi (mean ± se of mean) | sd | se | ratio | s / run |\n|---|---|---|---|---|---|---|");
for (const g of [1.5, 2, 5]) {
  const net = makeNetwork({ coupling: "iid", n: 300, g, seed: 7 });
  for (const o of configs) {
    const pr: number[] = [],
      se: number[] = [];
    let secs = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await simulate(net, { trials: 8, duration: 100, burnIn: 50, seed, backend: "wasm", groups: 1, ...o });
      pr.push(r.results.prPhi ?? NaN);
      se.push(r.results.prPhiError ?? NaN);
      secs += r.results.seconds;
    }
    const m = pr.reduce((a, b) => a + b) / SEEDS;
    const sd = Math.sqrt(pr.reduce((a, b) => a + (b - m) ** 2, 0) / (SEEDS - 1));
    const mse = se.reduce((a, b) => a + b) / SEEDS;
    const name = o.start ? `branch, settle ${o.branchSettle ?? 100}` : `independent, burn-in ${o.burnIn ?? 50}`;
    const f = (v: number) => v.toFixed(4);
    console.log(
      `| ${g} | ${name} | ${f(m)} ± ${f(sd / Math.sqrt(SEEDS))} | ${f(sd)} | ${f(mse)} | ${(mse / sd).toFixed(2)} | ` +
        `${(secs / SEEDS).toFixed(2)} |`,
    );
  }
}
