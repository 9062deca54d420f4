/**
 * Sweeps on BullMQ with a real redis-server (started here, on a free loopback port): `strand sweep --queue` and
 * `strand worker` processes as a user runs them — the queue gives exactly the local sweep's lines; re-enqueueing
 * adds nothing; a worker killed with SIGKILL mid-point and a killed follower lose nothing (every point once); a point
 * that fails in its parameters is one failed line, not retried; Redis restarted without persistence is reported and
 * --resume completes the sweep; a worker refuses a queue of another strand version; `strand figures --queue` runs
 * its points on two workers as a local run computes them, and keeps a point failed in its parameters as a local run does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { Queue } from "bullmq";
import { root, strand } from "../cli/run.ts";
import { REDIS_AVAILABLE, startRedis, type RedisServer } from "./redis.ts";
import { queueRunner } from "../../src/figures/task.ts";
import { pointStore } from "../../src/figures/points.ts";
import { openQueue, parseQueueUrl } from "../../src/io/queue.ts";

interface Proc {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function spawnStrand(...args: string[]): Proc {
  const proc = spawn(process.execPath, [path.join(root, "bin/strand.js"), ...args], { cwd: root });
  let out = "",
    err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, stdout: () => out, stderr: () => err, exit };
}

const worker = (url: string) => spawnStrand("worker", "--queue", url, "--workers", "1", "--lock-seconds", "2");

async function stopAll(procs: Proc[]) {
  for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
  await Promise.all(procs.map((p) => p.exit));
}

type Line = { key: string; results: Record<string, unknown> | null; error?: string; worker?: { pid: number } };
function lines(file: string): { header: unknown; records: Line[] } {
  const [h, ...rest] = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  return { header: h.header, records: rest };
}

const until = async (ok: () => boolean, ms: number, what: string) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe.runIf(REDIS_AVAILABLE)("strand sweep --queue and strand worker (BullMQ on a real redis-server)", () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(path.join(os.tmpdir(), "strand-queue-"));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("gives exactly the local sweep's lines (12 points, 2 workers), and enqueueing it again adds nothing", async () => {
    const grid = [
      "--coupling",
      "iid",
      "--n",
      "60",
      "--g",
      "2,3,4",
      "--duration",
      "20",
      "--trials",
      "2",
      "--seeds",
      "3",
    ];
    const local = path.join(dir, "local.jsonl"),
      queued = path.join(dir, "queued.jsonl"),
      again = path.join(dir, "again.jsonl");
    expect(strand("sweep", "--out", local, ...grid, "--workers", "1").status).toBe(0);
    const url = redis.url("equal");
    const workers = [worker(url), worker(url)];
    try {
      const s = spawnStrand("sweep", "--queue", url, "--out", queued, ...grid);
      expect(await s.exit, s.stderr()).toBe(0);
      expect(s.stderr()).toMatch(/12 jobs added \(0 already there\)/);
      const a = lines(local),
        b = lines(queued);
      expect(b.header).toEqual(a.header);
      expect(b.records).toHaveLength(12);
      const byKey = new Map(a.records.map((r) => [r.key, r]));
      for (const r of b.records) {
        const { seconds: _s, ...mine } = r.results!;
        const { seconds: _t, ...theirs } = byKey.get(r.key)!.results!;
        expect(mine).toEqual(theirs); // seeded: the same numbers
      }
      // both workers took points, and each line says which one
      expect(new Set(b.records.map((r) => r.worker!.pid)).size).toBe(2);
      const s2 = spawnStrand("sweep", "--queue", url, "--out", again, ...grid);
      expect(await s2.exit, s2.stderr()).toBe(0);
      expect(s2.stderr()).toMatch(/0 jobs added \(12 already there\)/);
      expect(
        lines(again)
          .records.map((r) => r.key)
          .sort(),
      ).toEqual(b.records.map((r) => r.key).sort());
      const st = strand("sweep", "--queue", url, "--out", queued, ...grid, "--status");
      expect(st.stdout).toMatch(/12 completed, 0 running, 0 waiting, 0 failed; .* holds 12 of 12 points/);
    } finally {
      await stopAll(workers);
    }
  }, 120_000);

  it("loses nothing when a worker is killed mid-point and the follower is killed and run again", async () => {
    const grid = ["--what", "simulate", "--coupling", "iid", "--n", "400", "--g", "2", "--duration", "1000"];
    const args = [...grid, "--trials", "2", "--seeds", "4"];
    const url = redis.url("kill");
    const out = path.join(dir, "kill.jsonl");
    const follower = spawnStrand("sweep", "--queue", url, "--out", out, ...args);
    await until(() => /jobs added/.test(follower.stderr()), 30_000, "the jobs");
    const a = worker(url),
      b = worker(url);
    try {
      // both busy with their first point (~5 s each), then A dies without a word
      const queue = new Queue("kill", { connection: { host: "127.0.0.1", port: redis.port } });
      const t0 = Date.now();
      while ((await queue.getActiveCount()) < 2 && Date.now() - t0 < 30_000)
        await new Promise((r) => setTimeout(r, 100));
      await queue.close();
      expect(a.stdout()).toBe("");
      a.proc.kill("SIGKILL");
      await a.exit;
      follower.proc.kill("SIGKILL");
      await follower.exit;
      // A's point comes back after its 2 s lock; B runs everything
      const again = spawnStrand("sweep", "--queue", url, "--out", out, ...args, "--resume");
      expect(await again.exit, again.stderr()).toBe(0);
      const { records } = lines(out);
      expect(records).toHaveLength(4);
      expect(new Set(records.map((r) => r.key)).size).toBe(4);
      for (const r of records) expect(r.results!.prPhi).toBeGreaterThan(0);
      const bPid = b.proc.pid;
      expect(records.every((r) => r.worker!.pid === bPid)).toBe(true);
    } finally {
      await stopAll([a, b, follower]);
    }
  }, 180_000);

  it("records a point that fails in its parameters as one failed line, without retrying it", async () => {
    const url = redis.url("fail");
    const out = path.join(dir, "fail.jsonl");
    const w = worker(url);
    try {
      // dt = 0.3 does not divide the burn-in of 1 time unit: simulate() refuses that point (bounded phi cannot
      // diverge within the sweep's parameters; this is the failure a point's parameters can make)
      const s = spawnStrand(
        "sweep",
        "--queue",
        url,
        "--out",
        out,
        ...["--what", "simulate", "--coupling", "iid", "--n", "60", "--g", "2", "--duration", "20", "--trials", "2"],
        ...["--burn-in", "1", "--lags", "2", "--dt", "0.3,0.05"],
      );
      expect(await s.exit).toBe(1);
      expect(s.stderr()).toMatch(/done, 2 of 2 points .*; 1 failed/);
      const recs = lines(out).records;
      const bad = recs.find((r) => r.error)!;
      expect(bad.error).toMatch(/RangeError: invalid argument: `burnIn` must be a whole number of steps/);
      expect((bad as { attempts?: number }).attempts).toBe(1);
      expect(recs.filter((r) => !r.error)).toHaveLength(1);
    } finally {
      await stopAll([w]);
    }
  }, 60_000);

  it("reports a Redis restarted without persistence, and --resume completes the sweep without duplicates", async () => {
    const url = redis.url("restart");
    const out = path.join(dir, "restart.jsonl");
    const args = ["--what", "simulate", "--coupling", "iid", "--n", "200", "--g", "2", "--duration", "300"];
    const grid = [...args, "--trials", "2", "--seeds", "6"];
    const w = worker(url);
    try {
      const s = spawnStrand("sweep", "--queue", url, "--out", out, ...grid);
      await until(() => existsSync(out) && lines(out).records.length >= 1, 60_000, "a first point");
      await redis.kill();
      await redis.restart();
      expect(await s.exit).toBe(1);
      expect(s.stderr()).toMatch(/the queue's state is gone .*: \d of 6 points are in .*--resume/);
      const again = spawnStrand("sweep", "--queue", url, "--out", out, ...grid, "--resume");
      expect(await again.exit, again.stderr()).toBe(0);
      const keys = lines(out).records.map((r) => r.key);
      expect(keys).toHaveLength(6);
      expect(new Set(keys).size).toBe(6);
    } finally {
      await stopAll([w]);
    }
  }, 180_000);

  it("has a worker give back a job of another strand version (not failed) and stop taking jobs", async () => {
    // a job enqueued by another strand (no sweep header yet, so the worker starts and meets it)
    const queue = new Queue("foreign", { connection: { host: "127.0.0.1", port: redis.port } });
    await queue.add(
      "theory",
      { key: "k", kind: "theory", point: {}, strand: "0.0.1", schema: 1 },
      { jobId: "p-foreign" },
    );
    const w = worker(redis.url("foreign"));
    try {
      expect(await w.exit).toBe(1);
      expect(w.stderr()).toMatch(
        /holds jobs of strand 0\.0\.1 \(schema 1\); this worker is strand .* and refuses them/,
      );
      const job = await queue.getJob("p-foreign");
      expect(await job!.getState()).toMatch(/delayed|waiting/);
      expect(job!.attemptsMade).toBe(0);
    } finally {
      await queue.close();
      await stopAll([w]);
    }
  }, 60_000);

  it("has workers refuse a queue of another strand version, and the flags that do not go together refused", async () => {
    const client = new Redis({ port: redis.port, host: "127.0.0.1", lazyConnect: true });
    await client.connect();
    await client.set(
      "strand:sweep:old",
      JSON.stringify({ header: { strand: "0.0.1", what: "both", seeds: 1, axes: [] }, schema: 1 }),
    );
    await client.quit();
    const r = strand("worker", "--queue", redis.url("old"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/holds a sweep of strand 0\.0\.1 \(schema 1\); this worker is strand .* and refuses it/);
    const s = strand("sweep", "--queue", redis.url("old"), "--out", path.join(dir, "old.jsonl"), "--g", "2");
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/holds another sweep/);
    expect(strand("sweep", "--out", path.join(dir, "x.jsonl"), "--status").stderr).toMatch(
      /`--status` applies with --queue only/,
    );
    expect(strand("sweep", "--queue", "http://x", "--out", path.join(dir, "y.jsonl")).stderr).toMatch(
      /redis:\/\/HOST:PORT/,
    );
  }, 60_000);

  it("has a stopped figure follower refuse points asked for afterwards instead of waiting for them", async () => {
    const queue = openQueue(parseQueueUrl(redis.url("stopped-follower")));
    try {
      const runner = queueRunner(queue, { pollMs: 50 });
      const key = JSON.stringify({ simulate: { coupling: "iid", n: 60, g: 2, seed: 1 } });
      const pending = runner(key); // enqueued, no worker: it waits
      await new Promise((r) => setTimeout(r, 200));
      runner.stop(new Error("stopped by SIGINT"));
      await expect(pending).rejects.toThrow("stopped by SIGINT");
      await expect(runner(key)).rejects.toThrow("stopped by SIGINT");
      expect(runner.added()).toEqual({ added: 1, present: 0 });
    } finally {
      await queue.close();
    }
  });

  it("keeps a figure point failed on the queue in its parameters, and --resume fails it again without the queue", async () => {
    const url = redis.url("failing-point");
    const queue = openQueue(parseQueueUrl(url));
    const w = worker(url);
    const file = path.join(dir, "failing-points.jsonl"),
      header = { figures: "test", mode: "quick" };
    // a kind of point this strand does not have: the worker's computePoint throws a RangeError, a permanent failure
    const key = { nosuchpoint: { n: 10, seed: 1 } };
    const why =
      /the point nosuchpoint n=10 seed 1 failed on the queue: RangeError: .*no kind of figure point `nosuchpoint`/;
    try {
      await until(() => /pid \d+ on queue/.test(w.stderr()), 20_000, "the worker");
      const store = pointStore(file, header, false, undefined, queueRunner(queue, { pollMs: 50 }));
      const e = (await store.once(key, async () => 0).catch((x: unknown) => x)) as Error;
      expect(e.name, e.message).toBe("RangeError");
      expect(e.message).toMatch(why);
      store.close();
      const kept = lines(file).records as unknown as { key: string; error: { name: string }; seconds: number }[];
      expect(kept).toHaveLength(1);
      expect(kept[0].error.name).toBe("RangeError");
      expect(kept[0].seconds).toBeGreaterThanOrEqual(0);
      // resumed: the failure read back, not asked of the queue again
      const resumed = pointStore(file, header, true, undefined, () => Promise.reject(new Error("asked the queue")));
      await expect(resumed.once(key, async () => 0)).rejects.toThrow(why);
      expect(resumed.counts()).toMatchObject({ reused: 1, computed: 0 });
      resumed.close();
    } finally {
      await queue.close();
      await stopAll([w]);
    }
  }, 60_000);

  it("runs strand figures --queue point by point on two workers, side by side, drawing the panels a local run draws", async () => {
    const url = redis.url("figures");
    const out = path.join(dir, "figs-queue"),
      again = path.join(dir, "figs-again"),
      local = path.join(dir, "figs-local");
    // 4 simulations (PRL Fig. 2a), one trial (PRX Fig. 3), 15 Lyapunov runs (5 g x 3 networks): 20 points
    const only = ["--only", "prl-fig2a,prx-fig3,chaos-lambda", "--n", "100"];
    // a 2 s lock, shorter than a point's thread start and run: the point's thread leaves the worker's event loop free
    // to renew it (a job that held the loop past its lock would be taken back by the other worker and run twice)
    const ws = [1, 2].map(() => spawnStrand("worker", "--queue", url, "--workers", "1", "--lock-seconds", "2"));
    try {
      await until(() => ws.every((w) => /pid \d+ on queue/.test(w.stderr())), 20_000, "both workers");
      const f = strand("figures", ...only, "--queue", url, "--out", out);
      expect(f.status, f.stderr).toBe(0);
      expect(f.stderr).toMatch(/0 points reused .*, 20 computed \(on the queue: 20 jobs added, 0 already there\)/);
      expect(strand("figures", ...only, "--out", local).status).toBe(0);
      const data = (d: string, name: string) => JSON.parse(readFileSync(path.join(d, `${name}.json`), "utf8")).data;
      // the same seeds on the same backend: the same numbers, wherever they ran
      expect(data(out, "prl-fig2a").simulation).toEqual(data(local, "prl-fig2a").simulation);
      expect(data(out, "prx-fig3").prNeuron).toBe(data(local, "prx-fig3").prNeuron);
      expect(data(out, "chaos-lambda").simulation).toEqual(data(local, "chaos-lambda").simulation);
      for (const name of ["prl-fig2a", "prx-fig3", "chaos-lambda"])
        expect(existsSync(path.join(out, `${name}.png`))).toBe(true);
      // the follower kept every point in points.jsonl, as a local run does, with the worker that computed it
      const kept = (d: string) => {
        const [, ...rest] = readFileSync(path.join(d, "points.jsonl"), "utf8").trim().split("\n");
        return rest.map((l) => JSON.parse(l) as { key: string; worker?: { pid: number } });
      };
      expect(new Set(kept(out).map((r) => r.key))).toEqual(new Set(kept(local).map((r) => r.key)));
      const pids = new Set(ws.map((w) => w.proc.pid));
      expect(kept(out).every((r) => pids.has(r.worker!.pid))).toBe(true);
      // each point ran once, on both workers, side by side: some two jobs of different workers overlap in time
      const queue = new Queue("figures", { connection: { host: "127.0.0.1", port: redis.port } });
      try {
        const jobs = (await queue.getJobs(["completed"])).map((j) => ({
          pid: (j.returnvalue as { worker: { pid: number } }).worker.pid,
          start: j.processedOn!,
          end: j.finishedOn!,
        }));
        expect(jobs).toHaveLength(20);
        expect(new Set(jobs.map((j) => j.pid)).size).toBe(2);
        const overlap = jobs.some((a) => jobs.some((b) => a.pid !== b.pid && a.start < b.end && b.start < a.end));
        expect(overlap).toBe(true);
      } finally {
        await queue.close();
      }
      // a fresh follower of the same figures: every point is already on the queue, none runs again
      const g = strand("figures", ...only, "--queue", url, "--out", again);
      expect(g.status, g.stderr).toBe(0);
      expect(g.stderr).toMatch(/20 computed \(on the queue: 0 jobs added, 20 already there\)/);
      expect(data(again, "prl-fig2a").simulation).toEqual(data(out, "prl-fig2a").simulation);
      // and --resume: every point read back from points.jsonl, the queue not asked
      const r = strand("figures", ...only, "--queue", url, "--out", out, "--resume");
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/20 points reused .*, 0 computed \(on the queue: 0 jobs added, 0 already there\)/);
    } finally {
      await stopAll(ws);
    }
  }, 240_000);
});
