/**
 * Lyapunov spectra (issue 26): strand's QR loop against the straightforward NumPy one (bench/numpy_lyapunov.py: RK4
 * on the joint system, J @ (phi' * Q), np.linalg.qr every 0.5 time units, float64) at N = 1000, i.i.d. tanh, g = 6,
 * k = 100 and 250; and the tangent step's throughput against the batched RK4 step of strand's simulate (the frame is
 * k trajectories: one tangent step with k vectors does the work of an RK4 step of k + 1 trajectories, plus phi'
 * and the products D ⊙ Q).
 *
 * Same run, same machine, alternated, best of RUNS:
 *  - whole processes: `strand lyapunov --n 1000 --g 6 --k K --burn-in 5 --warm-up 0 --duration 10` (float64 and
 *    float32, both cores) against `python3 numpy_lyapunov.py 1000 K 6 10 5 0.05 0.5 1` (NumPy on both cores);
 *  - per step of the observed loop, in-process: strand from two durations (10 and 20 time units: the difference
 *    removes start-up, J and burn-in), NumPy its own loop timer / steps;
 *  - tangent step vs simulate's batched RK4 step, one thread, float64, in-process.
 * Run: npm run bench:lyapunov [-- --runs 3] (after npm run build; ~5 min).
 */
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { machine } from "../src/cli/bench.ts";
import { hasNumpy } from "./python.ts";
import { seconds } from "./whole-process.ts";
import { createWasmBackend } from "../src/backend/wasm-load.ts";
import { enableRelaxedSimd } from "../src/io/relaxed-simd.ts";
import { createTeam } from "../src/io/team-pool.ts";
import { makeNetwork } from "../src/network/ensembles.ts";
import { lyapunov } from "../src/chaos/lyapunov.ts";
import { PHI_KINDS } from "../src/backend/types.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ri = process.argv.indexOf("--runs");
const RUNS = ri > 0 ? Number(process.argv[ri + 1]) : 3;
const N = 1000,
  G = 6;
const python = hasNumpy();
const numpyEnv = { ...process.env };
delete numpyEnv.OPENBLAS_CORETYPE;
delete numpyEnv.OPENBLAS_L2_SIZE;
enableRelaxedSimd();

const best = (xs: number[]) => Math.min(...xs);
const strandCmd = (k: number, dtype: string, duration: number) => [
  path.join(root, "bin/strand.js"),
  "lyapunov",
  "--coupling",
  "iid",
  "--n",
  String(N),
  "--g",
  String(G),
  "--k",
  String(k),
  "--burn-in",
  "5",
  "--warm-up",
  "0",
  "--duration",
  String(duration),
  "--blocks",
  "2",
  "--dtype",
  dtype,
];
const numpyLoop = (k: number) => {
  const r = spawnSync(
    "python3",
    [path.join(root, "bench/numpy_lyapunov.py"), String(N), String(k), String(G), "10", "5", "0.05", "0.5", "1"],
    {
      encoding: "utf8",
      env: numpyEnv,
    },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { seconds_loop: number }).seconds_loop / 200;
};

const m = machine();
console.log(
  `Lyapunov QR loop, N = ${N}, i.i.d. tanh g = ${G}, RK4 dt 0.05, QR every 0.5 — ${m.cpu}, ${m.cores} cores, ${m.node}`,
);
console.log("k     what                                   strand s   NumPy s   NumPy/strand");
const be = await createWasmBackend({ fma: true });
const team = await createTeam(2, { fma: true });
const net = makeNetwork({ coupling: "iid", n: N, g: G, seed: 1 });
for (const k of [100, 250]) {
  const whole: Record<string, number[]> = { f64: [], f32: [], numpy: [] };
  const step: Record<string, number[]> = { f64: [], f32: [], numpy: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const dtype of ["float64", "float32"] as const) {
      const key = dtype === "float64" ? "f64" : "f32";
      whole[key].push(seconds(process.execPath, strandCmd(k, dtype, 10), root));
      const time = async (duration: number) => {
        const t0 = performance.now();
        await lyapunov(net, { k, dtype, duration, burnIn: 5, warmUp: 0, blocks: 2, backend: be, team, seed: 1 });
        return (performance.now() - t0) / 1000;
      };
      const t10 = await time(10),
        t20 = await time(20);
      step[key].push((t20 - t10) / 200);
    }
    if (python) {
      whole.numpy.push(
        seconds(
          "python3",
          [path.join(root, "bench/numpy_lyapunov.py"), String(N), String(k), String(G), "10", "5", "0.05", "0.5", "1"],
          root,
          numpyEnv,
        ),
      );
      step.numpy.push(numpyLoop(k));
    }
  }
  const row = (what: string, s: number, np: number | null, unit = "") =>
    console.log(
      `${String(k).padEnd(6)}${what.padEnd(39)}${(s * (unit ? 1000 : 1)).toFixed(unit ? 1 : 2).padStart(8)}${unit}` +
        `${np === null ? "         -" : `${(np * (unit ? 1000 : 1)).toFixed(unit ? 1 : 2).padStart(9)}${unit}`}` +
        `${np === null ? "" : `   ${(np / s).toFixed(2)}x`}`,
    );
  const np = (xs: number[]) => (xs.length ? best(xs) : null);
  row("whole process, float64 (2 threads)", best(whole.f64), np(whole.numpy));
  row("whole process, float32 (2 threads)", best(whole.f32), np(whole.numpy));
  row("per step, float64 (2 threads), ms", best(step.f64), np(step.numpy), " ");
  row("per step, float32 (2 threads), ms", best(step.f32), np(step.numpy), " ");
}
await team.close();

// the tangent step against the batched RK4 step of k + 1 trajectories (one thread, float64)
console.log("\ntangent step vs simulate's batched RK4 step (one thread, float64, N = 1000), ms per step");
const J = be.alloc("float64", N * N);
be.write(J, (net.coupling as { J: Float64Array }).J);
const coupling = { kind: "dense" as const, j: J };
for (const k of [100, 250]) {
  const buf = () => be.alloc("float64", (k + 1) * N);
  const x = buf();
  be.write(
    x,
    Float64Array.from({ length: (k + 1) * N }, (_, i) => Math.sin(i)),
  );
  const s = { p: buf(), h: buf(), xs: buf(), acc: buf(), z: be.alloc("float64", 1), dd: be.alloc("float64", N) };
  const time = (f: () => void) => {
    f();
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) f();
    return (performance.now() - t0) / 5;
  };
  const tangent = best(
    [0, 1, 2].map(() => time(() => be.tangentStep("rk4", N, k, PHI_KINDS.tanh, 0.05, coupling, x, null, null, s))),
  );
  const batched = best(
    [0, 1, 2].map(() => time(() => be.rk4(N, k + 1, PHI_KINDS.tanh, 0.05, coupling, x, null, null, s))),
  );
  console.log(
    `k = ${k}: tangent ${tangent.toFixed(1)}, batched RK4 of ${k + 1} trajectories ${batched.toFixed(1)}: ` +
      `ratio ${(batched / tangent).toFixed(2)}`,
  );
}
