/**
 * `strand network`: draw a network from an ensemble (or load a connectome) and report its parameters and
 * realised structure: g_eff, r_2, r_4, PR^D, effective rank alpha PR^D, PR^G (targets), and the realised
 * N Var(J_ij), PR^S and effective rank from traces (and singular values with --svd).
 */
import { parseArgs } from "node:util";
import { createBackend, BACKEND_CHOICES } from "../backend/select.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { singularValues } from "../linalg/svd.ts";
import { denseJ } from "../network/ensembles.ts";
import { couplingStructure, prSTheory } from "../network/structure.ts";
import { provenance } from "../provenance.ts";
import { UsageError, choice, formatNumber } from "./args.ts";
import { NETWORK_FLAGS_HELP, NETWORK_FLAG_OPTIONS, loadNetwork, networkFromFlags } from "./network-flags.ts";

export const NETWORK_HELP = `strand network — draw a coupling matrix and report its structure

Usage: strand network [connectivity flags] [--svd] [--json FILE|-] [--backend B]

${NETWORK_FLAGS_HELP}

Output:
  --svd               also compute all singular values (forms J for rmm; O(N^3))
  --json FILE         write { params, provenance, results } to FILE ("-" for stdout), atomically
  --backend B         auto | wasm | js                                      (default: auto)

Example: strand network --coupling rmm --n 2000 --g 6 --effective-rank 0.5`;

export async function networkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...NETWORK_FLAG_OPTIONS,
      svd: { type: "boolean", default: false },
      json: { type: "string" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(NETWORK_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`strand network takes no positional arguments; got ${JSON.stringify(positionals)}`);
  const choiceOf = networkFromFlags(values);
  const be = await createBackend(choice("--backend", values.backend, BACKEND_CHOICES, "auto"));
  const net = await loadNetwork(choiceOf);
  const structure = couplingStructure(net, be);
  const svd = values.svd ? singularValues(net.coupling.n, denseJ(net), be) : null;
  const s = net.summary;
  const f = (v: number | null, d = 4) => formatNumber(v, d);
  const lowRank = net.coupling.kind === "lowrank";
  const name = choiceOf.kind === "file" ? choiceOf.file : `${net.spec.coupling} network`;
  const modes =
    net.coupling.kind === "lowrank" ? `, M = ${s.modes} modes (${net.coupling.m} nonzero), alpha = ${f(s.alpha)}` : "";
  const spectrum = lowRank
    ? `, r_2 ${f(s.r2)}, r_4 ${f(s.r4)}, PR^D ${f(s.prD)}, effective rank alpha PR^D ${f(s.effectiveRank)}`
    : "";
  const prSLarge = lowRank
    ? ` (large-N theory alpha PR^D / (1 + 2 alpha PR^D) = ${f(prSTheory(s.effectiveRank))})`
    : "";
  const gammaRho = (net.spec as { overlap?: { gamma: number } }).overlap?.gamma ?? NaN;
  const lines = [
    `${name}: N = ${s.n}${modes}`,
    `  target             g_eff ${f(s.g)}${spectrum}${s.symmetry ? `, symmetry ${f(s.symmetry)}` : ""}`,
    ...(net.gains ? [`  gains              PR^G ${f(s.prG)}, q_2 ${f(s.q2)}, q_4 ${f(s.q4)}`] : []),
    ...(s.betaD !== undefined ? [`  spectrum           exponential, beta_D ${f(s.betaD)}`] : []),
    ...(s.gamma !== undefined ? [`  spectrum           power law, gamma ${f(s.gamma)}`] : []),
    ...(s.uFlip !== undefined
      ? [`  overlaps           gamma_rho ${f(gammaRho)}, u_flip ${f(s.uFlip)} (<D rho> = 0)`]
      : []),
    `  realised           N Var(J_ij) ${f(structure.gEff2)} (g_eff^2 target ${f(s.g * s.g)}), mean J_ii ${f(structure.meanDiagonal)}`,
    `  structure          PR^S ${f(structure.prS)}${prSLarge}, effective rank of J ${f(structure.effectiveRankS)}`,
    ...(svd
      ? [`  singular values    ${Array.from(svd.subarray(0, 6), (v) => f(v)).join(", ")}, …, ${f(svd[svd.length - 1])}`]
      : []),
  ];
  // with --json - the JSON owns stdout, so the summary goes to stderr
  (values.json === "-" ? console.error : console.log)(lines.join("\n"));
  if (values.json !== undefined) {
    const results = {
      summary: s,
      structure,
      singularValues: svd ? Array.from(svd) : null,
      strengths: net.strengths ? Array.from(net.strengths) : null,
      rho: net.rho ? Array.from(net.rho) : null,
    };
    await writeFileAtomic(
      values.json,
      JSON.stringify(
        { params: choiceOf, provenance: provenance(be, { argv: ["network", ...argv] }), results },
        null,
        2,
      ) + "\n",
    );
  }
  return 0;
}
