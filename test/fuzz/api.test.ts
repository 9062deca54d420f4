/**
 * Fuzz of the public library entries (makeNetwork, simulate, predict, theory) with generated arguments: hostile
 * numbers in every field, small sizes so that valid calls finish in milliseconds, and mistyped option names.
 * Property: a call returns a result whose numbers are all finite and whose dimensions are null or > 0, or throws a
 * TypeError/RangeError/SimulationError/ConvergenceError naming the argument ("invalid argument: `name` …", "unknown
 * option `name`"), never a crash message.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeNetwork, type NetworkSpec } from "../../src/network/ensembles.ts";
import { simulate } from "../../src/simulate/simulate.ts";
import { predict } from "../../src/theory/predict.ts";
import { BUG_MESSAGES, expectFiniteOutput, params } from "./fuzz.ts";

const KNOWN = [
  "TypeError",
  "RangeError",
  "SimulationError",
  "ConvergenceError",
  "NotPredictedError",
  "GridTooShortError",
];

async function answersOrRefuses(call: () => unknown) {
  let out: unknown;
  try {
    out = await call();
  } catch (e) {
    const err = e as Error;
    expect(KNOWN, `${err?.name}: ${err?.message}`).toContain(err.name);
    expect(err.message).not.toMatch(BUG_MESSAGES);
    if (err.name === "TypeError" || err.name === "RangeError")
      expect(err.message).toMatch(/^invalid argument: (`[A-Za-z.]+`|unknown option `)/);
    return;
  }
  expectFiniteOutput(out);
}

const num = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -2, max: 8, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -0, 1e20, 0) },
  { weight: 1, arbitrary: fc.constantFrom("3", null, undefined, {}, [] as unknown as number) },
);
const small = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -3, 2.5, NaN, 1e9, 2 ** 53) },
);
const spec = fc.record(
  {
    coupling: fc.constantFrom("iid", "rmm", "iid", "bogus"),
    n: small,
    g: num,
    seed: fc.oneof(fc.nat(100), fc.constantFrom(-1, 1.5, 2 ** 60)),
    symmetry: num,
    effectiveRank: num,
    alpha: num,
  },
  { requiredKeys: ["coupling", "n", "g", "seed"] },
) as fc.Arbitrary<NetworkSpec>;

/** an options object with a mistyped key (one letter swapped, case changed) */
const typo = (keys: string[]) =>
  fc.tuple(fc.constantFrom(...keys), fc.nat()).map(([k, i]) => {
    const j = i % (k.length - 1);
    return j % 2 ? k.toLowerCase() + "x" : k.slice(0, j) + k[j + 1] + k[j] + k.slice(j + 2);
  });

describe("the library under fuzz", () => {
  it("makeNetwork draws or refuses every generated spec", async () => {
    await fc.assert(
      fc.asyncProperty(spec, async (s) => answersOrRefuses(() => makeNetwork(s).summary)),
      params(300),
    );
  });

  it("simulate runs or refuses every generated option set on a small network", async () => {
    const net = makeNetwork({ coupling: "iid", n: 12, g: 2, seed: 1 });
    // mostly valid values (so that runs happen and their outputs are checked), sometimes hostile ones
    const mostly = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>) =>
      fc.oneof({ weight: 6, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostile });
    const options = fc.record(
      {
        dt: mostly(fc.constantFrom(0.05, 0.1, 0.25, 1), num),
        duration: mostly(fc.integer({ min: 8, max: 30 }), num),
        burnIn: mostly(fc.integer({ min: 0, max: 10 }), num),
        trials: mostly(fc.integer({ min: 1, max: 6 }), small),
        lags: mostly(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -1, max: 40 })),
        blocks: mostly(fc.integer({ min: 2, max: 6 }), fc.integer({ min: -1, max: 10 })),
        sigma: mostly(fc.constantFrom(0, 0.1, 1), num),
        input: mostly(fc.constantFrom(0, 0.5, -1), num),
        seed: fc.nat(1000),
        method: mostly(fc.constantFrom("rk4", "euler"), fc.constantFrom("heun", "", 3)),
        statistics: mostly(fc.constantFrom("auto", "samples", "sums"), fc.constantFrom("gram", null)),
      },
      { requiredKeys: [] },
    );
    let ran = 0;
    await fc.assert(
      // maxSeconds: a valid but long run (dt = 1e-7) is refused by its estimate instead of running for minutes
      fc.asyncProperty(options, async (o) =>
        answersOrRefuses(async () => {
          const r = (await simulate(net, { ...o, maxSeconds: 2 } as never)).results;
          ran++;
          return r;
        }),
      ),
      params(300),
    );
    expect(ran).toBeGreaterThan(60); // the property saw real runs, not only refusals
  }, 60_000);

  it("predict answers or refuses every generated i.i.d. and random-mode spec", async () => {
    await fc.assert(
      fc.asyncProperty(spec, fc.constantFrom("tanh", "erf", "relu"), async (s, phi) =>
        answersOrRefuses(async () => (await predict(s, { phi: phi as never })).observables),
      ),
      params(80),
    );
  }, 60_000);

  it("names a mistyped option instead of ignoring it (simulate's options, a network spec)", async () => {
    const net = makeNetwork({ coupling: "iid", n: 12, g: 2, seed: 1 });
    await fc.assert(
      fc.asyncProperty(typo(["trials", "duration", "burnIn", "lags", "blocks", "seed"]), async (k) => {
        await expect(simulate(net, { [k]: 3 } as never)).rejects.toThrow(/unknown option `/);
      }),
      params(30),
    );
    expect(() => makeNetwork({ coupling: "rmm", n: 50, g: 2, seed: 1, effectiverank: 0.1 } as never)).toThrow(
      "unknown option `effectiverank` in a rmm network spec; did you mean `effectiveRank`?",
    );
    await expect(simulate(net, { trails: 2 } as never)).rejects.toThrow("did you mean `trials`?");
    await expect(simulate(undefined as never)).rejects.toThrow(/^invalid argument: `network` must be a Network/);
  });
});
