/** Run the strand command as a user would (node bin/strand.js …) and capture its output. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function strand(...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, "bin/strand.js"), ...args], { encoding: "utf8", cwd: root });
}
