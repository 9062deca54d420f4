/**
 * Distributed sweeps (issue 29): the same sweep run locally and through the BullMQ queue with one and with two local
 * `strand worker` processes (a redis-server started here, no persistence), as whole processes — the follower's wall
 * time from enqueue to the last line. Two sweeps:
 *  - throughput: 8 simulation points (i.i.d. tanh, N = 400, 2 trials x 300 time units), points per minute;
 *  - overhead: 40 theory points (i.i.d. tanh, g = 1.5 ... 9.3), the queue's time per job minus the local one's.
 * Workers are started before the sweep and run one point at a time with one thread each (`--workers 1`), so that two
 * workers use the machine's two cores as the local sweep's two simulation threads would.
 *
 * Run: npm run bench:queue (needs redis-server on the PATH; ~2 min).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis } from "../test/io/redis.ts";
import { seconds } from "./whole-process.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const strand = path.join(root, "bin/strand.js");
const dir = mkdtempSync(path.join(os.tmpdir(), "strand-bench-queue-"));
let run = 0;
const out = () => path.join(dir, `r${run++}.jsonl`);

const SIM = [
  "--what",
  "simulate",
  "--coupling",
  "iid",
  "--n",
  "400",
  "--g",
  "2",
  "--duration",
  "300",
  "--trials",
  "2",
  "--seeds",
  "8",
];
const THEORY = ["--what", "theory", "--coupling", "iid", "--g", "1.5:9.3:0.2"];

const redis = await startRedis();
const workers: ChildProcess[] = [];
const startWorkers = (k: number, queue: string) => {
  for (let i = 0; i < k; i++)
    workers.push(
      spawn(process.execPath, [strand, "worker", "--queue", redis.url(queue), "--workers", "1"], { stdio: "ignore" }),
    );
};
const stopWorkers = async () => {
  await Promise.all(workers.splice(0).map((w) => new Promise((r) => (w.once("exit", r), w.kill("SIGKILL")))));
};

const rows: string[] = [];
try {
  // throughput
  const local1 = seconds(process.execPath, [strand, "sweep", "--out", out(), ...SIM, "--workers", "1"], root);
  const local2 = seconds(process.execPath, [strand, "sweep", "--out", out(), ...SIM, "--workers", "2"], root);
  startWorkers(1, "sim1");
  await new Promise((r) => setTimeout(r, 500));
  const queued1 = seconds(
    process.execPath,
    [strand, "sweep", "--queue", redis.url("sim1"), "--out", out(), ...SIM],
    root,
  );
  await stopWorkers();
  startWorkers(2, "sim2");
  await new Promise((r) => setTimeout(r, 500));
  const queued2 = seconds(
    process.execPath,
    [strand, "sweep", "--queue", redis.url("sim2"), "--out", out(), ...SIM],
    root,
  );
  await stopWorkers();
  const ppm = (s: number) => ((8 / s) * 60).toFixed(1);
  rows.push(
    `| local sweep, 1 thread per simulation | ${local1.toFixed(1)} s | ${ppm(local1)} |`,
    `| local sweep, 2 threads per simulation | ${local2.toFixed(1)} s | ${ppm(local2)} |`,
    `| queue, 1 worker (1 thread) | ${queued1.toFixed(1)} s | ${ppm(queued1)} |`,
    `| queue, 2 workers (1 thread each) | ${queued2.toFixed(1)} s | ${ppm(queued2)} |`,
  );
  // overhead per job on small theory points
  const localT = seconds(process.execPath, [strand, "sweep", "--out", out(), ...THEORY, "--workers", "1"], root);
  startWorkers(1, "theory");
  await new Promise((r) => setTimeout(r, 500));
  const queuedT = seconds(
    process.execPath,
    [strand, "sweep", "--queue", redis.url("theory"), "--out", out(), ...THEORY],
    root,
  );
  await stopWorkers();
  const perJob = ((queuedT - localT) / 40) * 1000;
  rows.push(
    `| 40 theory points, local | ${localT.toFixed(2)} s | ${((40 / localT) * 60).toFixed(0)} |`,
    `| 40 theory points, queue, 1 worker | ${queuedT.toFixed(2)} s | ${((40 / queuedT) * 60).toFixed(0)} |`,
  );
  console.log(`machine: ${os.cpus()[0].model}, ${os.availableParallelism()} cores, node ${process.version}`);
  console.log("| run | wall time (whole process) | points per minute |\n| --- | --- | --- |");
  console.log(rows.join("\n"));
  console.log(`overhead per job (queue - local, theory points): ${perJob.toFixed(0)} ms`);
} finally {
  await stopWorkers();
  await redis.stop();
}
