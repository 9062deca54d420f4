/**
 * The strand command as a user runs it (node bin/strand.js): help, version, usage errors with exit code 2,
 * and a short JSON benchmark whose output carries params, provenance and results.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root, strand } from "./run.ts";
import { VERSION } from "../../src/version.ts";

describe("the strand command", () => {
  it("prints help listing the bench command, and the version", () => {
    const help = strand("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: strand <command>/);
    expect(help.stdout).toMatch(/bench/);
    expect(strand("--version").stdout.trim()).toBe(VERSION);
    expect(strand("bench", "--help").stdout).toMatch(/--backend B/);
  });

  it("exits with code 2 and a message naming the problem on bad usage", () => {
    const unknown = strand("simulat");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command `simulat`/);
    const badFlag = strand("bench", "--dtype", "float16");
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/`--dtype` must be one of .*got `"float16"`/);
    expect(strand("bench", "--max-time=-1").stderr).toMatch(
      /`--max-time` must be a number of seconds in \(0, 60\]; got `-1`/,
    );
    expect(strand("bench", "--max-time", "abc").status).toBe(2);
    expect(strand("bench", "--nope").status).toBe(2);
  });

  it("reads a negative number as a flag's value, refuses a repeated flag and numbers that are not decimal", () => {
    // was: "Option '--g' argument is ambiguous"
    const neg = strand("theory", "--g", "-3");
    expect(neg.status).toBe(2);
    expect(neg.stderr.trim()).toBe("strand: invalid argument: `g` must be >= 0; got `-3` (number)");
    // was: the last one taken silently
    const twice = strand("theory", "--g", "3", "--g=4");
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/`--g` is given more than once; give it once/);
    // was: 0x40 read as 64
    for (const [flag, value] of [
      ["--n", "0x40"],
      ["--g", "3abc"],
      ["--g", ""],
      ["--effective-rank", "1e"],
    ]) {
      const r = strand("network", "--coupling", "rmm", flag, value);
      expect(r.status, `${flag} ${value}`).toBe(2);
      expect(r.stderr, `${flag} ${value}`).toMatch(
        new RegExp(`\`${flag}\` must be (an integer|a finite decimal number)`),
      );
    }
    expect(strand("theory", "--g", "1e1").status).toBe(0); // exponents are decimal
  });

  it("runs a short benchmark and prints JSON with params, provenance and both backends' rates", () => {
    const out = execFileSync(
      process.execPath,
      [path.join(root, "bin/strand.js"), "bench", "--json", "--filter", "^matvec$", "--max-time", "0.05"],
      { encoding: "utf8", cwd: root },
    );
    const doc = JSON.parse(out);
    expect(doc.provenance.version).toBe(VERSION);
    expect(doc.params.dtypes).toEqual(["float32"]);
    const rows = doc.results.filter((r: { kernel: string; n: number }) => r.kernel === "matvec" && r.n === 1000);
    expect(rows.map((r: { backend: string }) => r.backend).sort()).toEqual(["js", "wasm"]);
    for (const r of rows) expect(r.rate).toBeGreaterThan(0);
    expect(rows.find((r: { backend: string }) => r.backend === "wasm").wasmOverJs).toBeGreaterThan(0);
    expect(doc.checks[0].name).toMatch(/matvec N=1000/);
  });
});
