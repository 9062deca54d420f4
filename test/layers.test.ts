/**
 * The house reads top-down: each folder of src/ imports only from the folders below it (issue 23). Lower tiers
 * never import higher ones: the backend only errors.ts; stats/ nothing; simulate/ and theory/ are siblings over
 * stats/ and never import each other; nothing in the core imports io/, figures/ or cli/.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./cli/run.ts";

const SRC = path.join(root, "src");
/** what each part of src/ may import (besides itself); a top-level file is named by its base name */
const ALLOWED: Record<string, string[]> = {
  errors: [],
  version: [],
  backend: ["errors"],
  stats: [],
  provenance: ["backend", "version"],
  linalg: ["backend", "errors"],
  network: ["backend", "errors", "linalg"],
  kernels: ["backend", "errors"],
  simulate: ["backend", "errors", "network", "provenance", "stats", "linalg"],
  theory: ["backend", "errors", "network", "stats", "linalg"],
  chaos: ["backend", "errors", "network", "provenance", "stats", "simulate", "theory", "linalg"],
  compare: ["simulate", "theory"],
  covariance: ["backend", "errors", "network", "simulate", "theory", "linalg"],
  sweep: ["backend", "errors", "network", "simulate", "theory"],
  plot: ["stats", "errors"],
  web: ["backend", "errors", "network", "simulate", "stats", "theory", "version"],
  index: ["*core"],
};
const CORE = [
  "errors",
  "version",
  "backend",
  "stats",
  "provenance",
  "linalg",
  "network",
  "kernels",
  "simulate",
  "theory",
  "chaos",
  "compare",
  "covariance",
  "sweep",
  "plot",
  "web",
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The part of src/ a file belongs to: its folder, or its base name at the top level. */
const partOf = (file: string) => {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, "");
};

describe("the layers of src/", () => {
  it("import only downwards", () => {
    const offences: string[] = [];
    for (const file of files(SRC)) {
      const part = partOf(file);
      if (["cli", "io", "figures"].includes(part)) continue; // the top: may use everything below
      const allowed = ALLOWED[part];
      expect(allowed, `src/${part} has no entry in ALLOWED`).toBeDefined();
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
        const target = partOf(path.resolve(path.dirname(file), m[1]));
        if (target === part) continue;
        const ok = allowed.includes("*core") ? CORE.includes(target) : allowed.includes(target);
        if (!ok) offences.push(`${path.relative(root, file)} imports ${m[1]} (src/${target})`);
      }
    }
    expect(offences).toEqual([]);
  });
});
