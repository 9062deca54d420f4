/**
 * The live page in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core,
 * against `strand serve` on 127.0.0.1. Skipped, with a visible message, when Chromium is not installed
 * (.ci/run installs it with apt-get when it can). Screenshots go to build/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/cli/serve.ts";
import { liveParams, liveRun } from "../../src/web/live.ts";
import { root } from "../cli/run.ts";

const CHROMIUM = "/usr/bin/chromium";
const have = existsSync(CHROMIUM);
if (!have) console.warn(`[strand] browser tests SKIPPED: ${CHROMIUM} not found (apt-get install chromium to run them)`);

describe.skipIf(!have)("the live page in headless Chromium", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any, server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer(0);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.server.close();
  });

  const shots = path.join(root, "build/screenshots");

  it("runs a simulation in a Web Worker with the same numbers as Node (same seed), theory beside it", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (e: Error) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.fill("input[name=n]", "150");
    await page.fill("input[name=g]", "3");
    await page.fill("input[name=rounds]", "4");
    await page.fill("input[name=seed]", "7");
    await page.click("#run");
    await page.waitForSelector("body[data-state=idle]", { timeout: 60_000 });
    const result = await page.evaluate(() => (window as unknown as { strandResult: unknown }).strandResult);
    const node = await liveRun(liveParams({ n: 150, g: 3, rounds: 4, seed: 7, effectiveRank: null, phi: "tanh" }));
    // the simulation runs the same wasm on the same seeds: bit-identical
    expect(result.simulation.perRound).toEqual(node.simulation.perRound);
    expect(result.provenance.backend).toBe("wasm");
    // theory is plain TypeScript (Math.exp etc. may differ in the last bit between V8 versions)
    expect(result.theory.prPhi).toBeCloseTo(node.theory!.prPhi!, 10);
    expect(await page.textContent("#status")).toMatch(/done: 4 rounds/);
    expect(await page.locator("#plot-c svg circle").count()).toBeGreaterThan(20);
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "live-page.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("stays responsive during a run, cancels it, and runs again with new parameters", async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.fill("input[name=n]", "600");
    await page.fill("input[name=rounds]", "200");
    await page.click("#run");
    await page.waitForFunction(
      () => /round \d+ of 200/.test(document.getElementById("status")!.textContent ?? ""),
      null,
      { timeout: 60_000 },
    );
    // the main thread answers while the worker computes
    const t = Date.now();
    await page.evaluate(() => 1 + 1);
    expect(Date.now() - t).toBeLessThan(1000);
    await page.click("#cancel");
    await page.waitForFunction(() => document.getElementById("status")!.textContent === "cancelled", null, {
      timeout: 10_000,
    });
    await page.fill("input[name=n]", "100");
    await page.fill("input[name=rounds]", "2");
    await page.selectOption("select[name=phi]", "erf");
    await page.fill("input[name=effectiveRank]", "0.5");
    await page.click("#run");
    await page.waitForSelector("body[data-state=idle]", { timeout: 60_000 });
    const result = await page.evaluate(
      () =>
        (window as unknown as { strandResult: { params: { n: number; phi: string; effectiveRank: number } } })
          .strandResult,
    );
    expect(result.params).toMatchObject({ n: 100, phi: "erf", effectiveRank: 0.5 });
    await page.screenshot({ path: path.join(shots, "live-page-rerun.png"), fullPage: true });
    await page.close();
  }, 120_000);

  it("says quiescent in words for g <= 1, refuses an emptied field, offers the result as JSON, and has a favicon", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (e: Error) => errors.push(e.message));
    page.on(
      "console",
      (m: { type(): string; text(): string }) => void (m.type() === "error" ? errors.push(m.text()) : undefined),
    );
    await page.goto(`http://127.0.0.1:${server.port}/`);
    expect((await fetch(`http://127.0.0.1:${server.port}/favicon.svg`)).headers.get("content-type")).toBe(
      "image/svg+xml",
    );
    // an emptied field: an error naming it, and nothing runs
    await page.fill("input[name=g]", "");
    await page.click("#run");
    expect(await page.textContent("#status")).toMatch(/g_eff is empty/);
    expect(await page.getAttribute("body", "data-state")).toBeNull();
    // g = 0.8: quiescent in words, no dimension printed
    await page.fill("input[name=g]", "0.8");
    await page.fill("input[name=n]", "100");
    await page.fill("input[name=rounds]", "2");
    await page.click("#run");
    await page.waitForSelector("body[data-state=idle]", { timeout: 60_000 });
    const table = (await page.textContent("#table")) ?? "";
    expect(table).toMatch(/PR\^φ \/ N/);
    expect(table).toMatch(/quiescent: activity decays to x = 0/);
    expect(table).toMatch(/quiescent \(g_eff ≤ 1\)/);
    expect(table).not.toMatch(/0\.000/);
    expect(await page.locator("#plot-c svg").textContent()).toMatch(/τ \(units of the neuron time constant\)/);
    expect(await page.locator("#plot-c svg circle").count()).toBe(1); // the legend's marker only: no transient drawn as data
    expect(await page.locator("#progress").isHidden()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    const saved = JSON.parse(readFileSync(await download.path(), "utf8"));
    expect(saved.params).toMatchObject({ n: 100, g: 0.8, rounds: 2 });
    expect(saved.simulation.quiescent).toBe(true);
    await page.screenshot({ path: path.join(shots, "live-page-quiescent.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
