/**
 * Node helper threads for a strand team (src/backend/team.ts): createTeam(threads) starts threads - 1 worker
 * threads running team-worker.mjs (plain JavaScript, ~20 ms each), each joining the team's shared memory.
 * Helpers are unref'd: a team left open never keeps the process alive; close() stops them.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { Team, type TeamInit, type TeamHelper } from "../backend/team.ts";
import { defaultFma } from "../backend/wasm-load.ts";
import { enableRelaxedSimd } from "./relaxed-simd.ts";

function spawnHelper(init: TeamInit): Promise<TeamHelper> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./team-worker.mjs", import.meta.url));
    const onError = (err: Error) => reject(err);
    w.once("error", onError);
    w.once("message", () => {
      w.off("error", onError);
      w.unref();
      resolve({ close: async () => void (await w.terminate()) });
    });
    w.postMessage(init);
  });
}

/** A team of `threads` threads (default: the machine's cores) in this process; `fma` as the wasm backend's default. */
export async function createTeam(
  threads = os.availableParallelism?.() ?? os.cpus().length,
  options: { fma?: boolean } = {},
): Promise<Team> {
  enableRelaxedSimd();
  return Team.create({ threads, spawn: spawnHelper, fma: options.fma ?? defaultFma() });
}
