/** Wall time of one whole process (a new process each call), for the whole-process benchmarks. */
import { spawnSync } from "node:child_process";

/** Seconds `cmd args` takes from spawn to exit, run in `cwd`; throws with its stderr if it fails. */
export function seconds(cmd: string, args: string[], cwd: string, env = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}
