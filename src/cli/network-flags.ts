/**
 * The connectivity flags shared by every command that builds a network (network, simulate, theory, demo):
 * --coupling iid|rmm|file, --n, --g, --symmetry, --alpha, --spectrum, --pr-d, --beta-d, --gamma,
 * --effective-rank, --pr-g, --overlap-gamma, --overlap-beta, --seed, --file. Values are parsed here and
 * validated by makeNetwork, whose errors name the library argument.
 */
import { UsageError, choice, finite, integer, regex } from "./args.ts";
import { applySigns, normalizeBalanced } from "../network/signs.ts";
import { G_MAX, describe } from "../errors.ts";
import { makeNetwork, rmmModes, standInNetwork, type Network, type NetworkSpec } from "../network/ensembles.ts";
import { readConnectome } from "../io/connectome-file.ts";
import { createBackend } from "../backend/select.ts";
import { modeOverlaps } from "../linalg/dense.ts";
import { singularValues, svd } from "../linalg/svd.ts";
import { SPECTRUM_KINDS } from "../network/spectra.ts";

export const NETWORK_FLAG_OPTIONS = {
  coupling: { type: "string" },
  n: { type: "string" },
  g: { type: "string" },
  symmetry: { type: "string" },
  alpha: { type: "string" },
  spectrum: { type: "string" },
  "pr-d": { type: "string" },
  "beta-d": { type: "string" },
  gamma: { type: "string" },
  "effective-rank": { type: "string" },
  "pr-g": { type: "string" },
  "overlap-gamma": { type: "string" },
  "overlap-beta": { type: "string" },
  seed: { type: "string" },
  file: { type: "string" },
  "stand-in": { type: "string" },
  layer: { type: "string" },
  include: { type: "string" },
  signs: { type: "string" },
  normalize: { type: "string" },
} as const;

export const NETWORK_FLAGS_HELP = `Connectivity:
  --coupling C        iid | rmm | file                                      (default: rmm)
  --n N               number of neurons                                     (default: 1000)
  --g G               g_eff = sqrt(N) std(J_ij) (with gains: the effective value)  (default: 6)
  --symmetry RHO      iid only: corr(J_ij, J_ji) in [-1, 1]                  (default: 0)
  --alpha A           rmm: M / N                                             (default: 1)
  --spectrum S        rmm: exponential | step | flat | powerlaw              (default: flat, or exponential
                      when --pr-d / --beta-d is given)
  --pr-d P            rmm: target PR^D in (1/M, 1] (met exactly on the discrete spectrum)
  --beta-d B          rmm: exponential decay rate beta_D
  --gamma X           rmm: power-law exponent
  --effective-rank R  rmm: target alpha PR^D (below 1: alpha = 1, exponential D; above: flat D, alpha = R)
  --pr-g P            single-neuron gains with PR^G = P (exponential profile, <G^2> = 1)
  --overlap-gamma X   rmm: diagonal left/right mode overlaps, sigmoid profile amplitude gamma_rho in [-1, 1]
  --overlap-beta B    rmm: the profile's steepness beta_rho                  (default: 16)
  --seed S            random seed (every draw is seeded; independent streams per object)  (default: 1)
  --file F            --coupling file: a connectome file (see strand connectome --help), with
  --layer L, --include RE, --signs none|column, --normalize none|balanced as in strand connectome
                      (default: raw weights, no signs)
  --stand-in S        --coupling file: none | random | overlaps — replace the connectome by its random-mode
                      stand-in: D_a = its singular values, random modes (random), or random modes with the
                      measured diagonal overlaps u_a.v_a as rho_a (overlaps; THEORY §6)   (default: none)`;

/** the flags of the random-mode model only */
const RMM_ONLY = [
  "alpha",
  "spectrum",
  "pr-d",
  "beta-d",
  "gamma",
  "effective-rank",
  "overlap-gamma",
  "overlap-beta",
] as const;

/** the flags of the random ensembles (iid, rmm), which a connectome file replaces */
const ENSEMBLE_FLAGS = ["n", "g", "symmetry", "pr-g", ...RMM_ONLY] as const;

export type NetworkChoice =
  | { kind: "spec"; spec: NetworkSpec }
  | {
      kind: "file";
      file: string;
      seed: number;
      layer: "chemical" | "electrical" | "all";
      include?: string;
      signs: "none" | "column";
      normalize: "none" | "balanced";
      standIn: "none" | "random" | "overlaps";
    };

export function networkFromFlags(v: Partial<Record<keyof typeof NETWORK_FLAG_OPTIONS, string>>): NetworkChoice {
  const coupling = choice("--coupling", v.coupling, ["iid", "rmm", "file"] as const, "rmm");
  const seed = integer("--seed", v.seed, 1);
  if (coupling === "file") {
    if (!v.file) throw new UsageError("invalid argument: `--file` is needed with --coupling file; got `undefined`");
    // the file fixes N and J: the ensembles' flags do not apply
    for (const k of ENSEMBLE_FLAGS)
      if (v[k] !== undefined)
        throw new UsageError(
          `invalid argument: \`--${k}\` does not apply to --coupling file (the file gives N and J); got ${describe(v[k])}`,
        );
    regex("--include", v.include);
    return {
      kind: "file",
      file: v.file,
      seed,
      include: v.include,
      layer: choice("--layer", v.layer, ["chemical", "electrical", "all"] as const, "chemical"),
      signs: choice("--signs", v.signs, ["none", "column"] as const, "none"),
      normalize: choice("--normalize", v.normalize, ["none", "balanced"] as const, "none"),
      standIn: choice("--stand-in", v["stand-in"], ["none", "random", "overlaps"] as const, "none"),
    };
  }
  for (const k of ["layer", "include", "signs", "normalize", "stand-in"] as const) {
    if (v[k] !== undefined)
      throw new UsageError(`invalid argument: \`--${k}\` applies to --coupling file only; got ${describe(v[k])}`);
  }
  const n = integer("--n", v.n, 1000, 2);
  const g = finite("--g", v.g) ?? 6;
  const prG = finite("--pr-g", v["pr-g"]);
  const gains = prG !== undefined ? { prG } : undefined;
  if (coupling === "iid") {
    for (const k of RMM_ONLY)
      if (v[k] !== undefined)
        throw new UsageError(`invalid argument: \`--${k}\` applies to --coupling rmm only; got ${describe(v[k])}`);
    return { kind: "spec", spec: { coupling: "iid", n, g, symmetry: finite("--symmetry", v.symmetry), seed, gains } };
  }
  if (v.symmetry !== undefined)
    throw new UsageError(
      `invalid argument: \`--symmetry\` applies to --coupling iid only; got ${describe(v.symmetry)}`,
    );
  const og = finite("--overlap-gamma", v["overlap-gamma"]);
  if (og === undefined && v["overlap-beta"] !== undefined)
    throw new UsageError(
      `invalid argument: \`--overlap-beta\` shapes the overlaps of --overlap-gamma, which is not given; got ` +
        describe(v["overlap-beta"]),
    );
  return {
    kind: "spec",
    spec: {
      coupling: "rmm",
      n,
      g,
      seed,
      gains,
      alpha: finite("--alpha", v.alpha),
      spectrum: v.spectrum === undefined ? undefined : choice("--spectrum", v.spectrum, SPECTRUM_KINDS, "flat"),
      prD: finite("--pr-d", v["pr-d"]),
      betaD: finite("--beta-d", v["beta-d"]),
      gamma: finite("--gamma", v.gamma),
      effectiveRank: finite("--effective-rank", v["effective-rank"]),
      overlap: og !== undefined ? { gamma: og, beta: finite("--overlap-beta", v["overlap-beta"]) } : undefined,
    },
  };
}

/**
 * A connectome's weights as couplings: their scale g = sqrt(sum J_ij^2 / N) (g_eff for zero-mean weights) must be
 * finite and at most G_MAX — weights of 1e300 overflow every product (the run would only say "diverged"), and raw
 * counts far above it make a state that saturates every neuron.
 */
function checkWeights(file: string, J: Float64Array, n: number): void {
  let sq = 0,
    big = 0;
  for (const w of J) {
    sq += w * w;
    big = Math.max(big, Math.abs(w));
  }
  const g = Math.sqrt(sq / n);
  if (!(g <= G_MAX))
    throw new UsageError(
      `invalid argument: the weights of ${file} are too large to simulate: sqrt(sum J_ij^2 / N) = ` +
        `${Number.isFinite(g) ? g.toExponential(2) : "overflows"} (largest |weight| ${big.toExponential(2)}; at most ` +
        `${G_MAX}) — rescale them, or use --normalize balanced`,
    );
}

/** The network the flags describe: drawn from its ensemble, a connectome file as a dense coupling, or the
 *  file's random-mode stand-in (--stand-in). */
export async function loadNetwork(choice: NetworkChoice): Promise<Network> {
  if (choice.kind === "spec") return makeNetwork(choice.spec);
  const c = await readConnectome(choice.file, { layer: choice.layer, include: regex("--include", choice.include) });
  let J = c.J;
  if (choice.signs === "column") {
    if (!c.transmitters)
      throw new UsageError(`invalid argument: \`--signs column\` needs a neurotransmitter column in ${choice.file}`);
    J = applySigns(c, c.transmitters).J;
  }
  if (choice.normalize === "balanced") J = normalizeBalanced(J, c.n).J;
  checkWeights(choice.file, J, c.n);
  if (choice.standIn !== "none") {
    const be = await createBackend();
    if (choice.standIn === "random") return standInNetwork(singularValues(c.n, J, be), choice.seed);
    const sv = svd(c.n, J, be);
    return standInNetwork(sv.s, choice.seed, modeOverlaps(c.n, sv).diagonal);
  }
  return {
    spec: { coupling: "iid", n: c.n, g: NaN, seed: choice.seed },
    coupling: { kind: "dense", n: c.n, J },
    gains: null,
    strengths: null,
    rho: null,
    summary: {
      n: c.n,
      modes: c.n,
      alpha: 1,
      r2: NaN,
      r4: NaN,
      prD: NaN,
      effectiveRank: NaN,
      g: NaN,
      q2: 1,
      q4: 1,
      prG: 1,
    },
  };
}

/**
 * N and the coupling's shape (dense, or low-rank with its M modes) of a network choice, before a spec's J is drawn:
 * what the commands' time and memory estimates need. A connectome file is read (for its N), and returned.
 */
export async function shapeBeforeDrawing(choice: NetworkChoice): Promise<{
  n: number;
  shape: { kind: "dense" } | { kind: "lowrank"; m: number };
  network: Network | null;
}> {
  if (choice.kind === "spec") {
    const spec = choice.spec;
    return {
      n: spec.n,
      shape: spec.coupling === "rmm" ? { kind: "lowrank", m: rmmModes(spec).D.length } : { kind: "dense" },
      network: null,
    };
  }
  const network = await loadNetwork(choice);
  const c = network.coupling;
  return { n: c.n, shape: c.kind === "lowrank" ? { kind: "lowrank", m: c.m } : { kind: "dense" }, network };
}
