/**
 * A real redis-server for the queue tests, started by the tests themselves on a free loopback port with no
 * persistence (`--save '' --appendonly no`, a temporary dir) and stopped after. Without redis-server on the PATH the
 * tests are skipped with a message — except in CI (CI set), where its absence is a failure (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const REDIS_AVAILABLE = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).status === 0;
if (!REDIS_AVAILABLE) {
  if (process.env.CI)
    throw new Error("redis-server is not installed: the queue tests must run in CI (.ci/run installs it)");
  console.warn("SKIPPED: the BullMQ queue tests need redis-server (apt-get install redis-server); not found on PATH");
}

/** a free TCP port on 127.0.0.1 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running redis-server. */
export interface RedisServer {
  port: number;
  url: (name: string) => string;
  /** SIGKILL it (its state is lost: no persistence) */
  kill(): Promise<void>;
  /** start it again on the same port, empty */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, "127.0.0.1");
      c.once("connect", () => {
        c.write("PING\r\n");
        c.once("data", (d) => {
          c.destroy();
          resolve(d.toString().startsWith("+PONG"));
        });
      });
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "strand-redis-"));
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      {
        stdio: "ignore",
      },
    );
    await waitReady(port);
  };
  const exit = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once("exit", () => resolve());
    });
  await launch();
  return {
    port,
    url: (name) => `redis://127.0.0.1:${port}/${name}`,
    async kill() {
      proc.kill("SIGKILL");
      await exit();
    },
    restart: launch,
    async stop() {
      proc.kill("SIGTERM");
      await exit();
    },
  };
}
