/**
 * The committed gallery (docs/figures/README.md, made by `npm run gallery`) is complete: every figure strand draws
 * has a row naming the paper panel it reproduces, and every image the gallery shows is there.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIGS, PAPER_PANELS } from "../../src/figures/index.ts";
import { root } from "../cli/run.ts";

const dir = path.join(root, "docs/figures");
const fullTimesFile = path.join(dir, "full-times.json");
const fullTimes = existsSync(fullTimesFile)
  ? (JSON.parse(readFileSync(fullTimesFile, "utf8")) as {
      figures: Record<string, { seconds: number; n: string; sizes?: Record<string, string> }>;
    })
  : null;

describe("the gallery docs/figures/README.md", () => {
  const text = readFileSync(path.join(dir, "README.md"), "utf8");
  const rows = text
    .split("\n")
    .filter((l) => /^\| \[/.test(l))
    .map((l) => l.split("|").map((c) => c.trim()));

  it("has a row for every figure, with the paper panel it reproduces", () => {
    expect(Object.keys(PAPER_PANELS).sort()).toEqual(Object.keys(FIGS).sort());
    for (const [key, panel] of Object.entries(PAPER_PANELS)) {
      const mine = rows.filter((r) => r[2] === panel);
      expect(mine.length, `${key}: ${panel}`).toBeGreaterThan(0);
      for (const r of mine) {
        expect(r[3], `${key}'s N`).toMatch(/^(\d+(, \d+)*|∞ \(theory only\))$/);
        expect(r[5], `${key}'s time`).toMatch(/^\d+ s$/);
        // the --full time at the papers' sizes, where npm run gallery:full has measured it
        const full = fullTimes?.figures[key];
        expect(r[6], `${key}'s --full time`).toMatch(
          full ? /^\d+(\.\d)? (s|min|h) \(N = ([\d, ]+|∞ \(theory only\))\)$/ : /^not run yet$/,
        );
        // each figure of a source that draws several (the connectomes) shows its own N
        const name = r[1].match(/^\[([\w-]+)\]/)![1];
        if (full?.sizes) expect(r[6], `${name}'s --full N`).toContain(`(N = ${full.sizes[name]})`);
      }
    }
  });

  it("shows only images that are there, and says how they were made", () => {
    const images = [...text.matchAll(/!\[[^\]]*\]\(([^)]+\.png)\)/g)].map((m) => m[1]);
    expect(images.length).toBeGreaterThanOrEqual(rows.length);
    for (const img of images) expect(existsSync(path.join(dir, img)), img).toBe(true);
    expect(text).toMatch(/npx strand figures --quick --gallery --out docs\/figures --force/);
    expect((text.match(/^Made by `npx strand figures --quick --only [\w-]+`/gm) ?? []).length).toBe(images.length);
  });
});
