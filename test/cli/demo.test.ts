/** `strand demo`, README's first command: it runs, explains, and writes its JSON and figure. */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { strand } from "./run.ts";

describe("strand demo", () => {
  it("simulates and predicts one network side by side and writes demo.json, demo.svg, demo.png", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "strand-demo-"));
    const r = strand("demo", "--out", dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/theory \(N -> inf\)\s+quantity\s+simulation\s+theory/);
    expect(r.stdout).toMatch(/What the numbers say/);
    const doc = JSON.parse(readFileSync(path.join(dir, "demo.json"), "utf8"));
    expect(doc.params).toMatchObject({ n: 1000, phi: "erf" });
    expect(typeof doc.theory.prPhi.theory).toBe("number");
    expect(readFileSync(path.join(dir, "demo.svg"), "utf8")).toMatch(/^<svg/);
    expect(existsSync(path.join(dir, "demo.png"))).toBe(true);
  }, 180_000);
});
