/**
 * `strand theory`: the DMFT predictions for the connectivity the flags describe (same flags as simulate;
 * N only matters when the spectrum is given by beta_D or gamma, through the discrete PR^D).
 */
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../io/atomic.ts";
import { provenance } from "../provenance.ts";
import { theory } from "../theory/index.ts";
import { UsageError, choice, formatNumber } from "./args.ts";
import { NETWORK_FLAGS_HELP, NETWORK_FLAG_OPTIONS, loadNetwork, networkFromFlags, theoryInputs } from "./network-flags.ts";

export const THEORY_HELP = `strand theory — DMFT predictions: C(tau), <phi'>, PR^phi, PR^x, Psi^phi(tau, 0)

Usage: strand theory [connectivity flags] [--phi tanh|erf] [--json FILE|-]

${NETWORK_FLAGS_HELP}

  --phi F             tanh | erf                                            (default: tanh)
  --json FILE         write { params, provenance, results } to FILE ("-" for stdout)

Only g_eff, alpha PR^D (the effective rank) and PR^G enter (N -> infinity). Partial symmetry (--symmetry)
and structured overlaps (--overlap-gamma) need the sampling single-site solver, which is not built yet.
Any g > 1 for both nonlinearities. Near g = 1 the lag step grows automatically (the
functions are slow there); below g ~ 1.003 the grid would need more than 32768 points and the run is refused
with the near-critical law PR ~ (g - 1)^3 / 4.27 instead.`;

export async function theoryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...NETWORK_FLAG_OPTIONS, phi: { type: "string" }, json: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    console.log(THEORY_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`strand theory takes no positional arguments; got ${JSON.stringify(positionals)}`);
  const phi = choice("--phi", values.phi, ["tanh", "erf"] as const, "tanh");
  const net = networkFromFlags(values);
  if (net.kind === "file" && net.standIn !== "random") {
    throw new UsageError(`invalid argument: \`--coupling file\` has a mean-field theory only through its random-mode stand-in (--stand-in random; with measured overlaps it needs the sampling single-site solver); got --stand-in ${net.standIn}`);
  }
  // a connectome's stand-in: g_eff and alpha PR^D from its singular values
  const spec = net.kind === "file" ? (await loadNetwork(net)).spec : net.spec;
  if (spec.coupling === "iid" && spec.symmetry) throw new UsageError(`invalid argument: \`--symmetry\` needs the sampling single-site solver (not built yet); got \`${spec.symmetry}\``);
  if (spec.coupling === "rmm" && spec.overlap) throw new UsageError("invalid argument: `--overlap-gamma` needs the sampling single-site solver (not built yet)");
  const { effectiveRank, prG } = theoryInputs(spec);
  const r = theory(spec.g, { phi, effectiveRank, prG });
  const R = r.results;
  const f = (v: number | null, d = 5) => formatNumber(v, d);
  const lines = [
    `theory: g_eff ${spec.g}, phi = ${phi}, ${Number.isFinite(effectiveRank) ? `effective rank alpha PR^D ${f(effectiveRank, 4)}` : "i.i.d. couplings"}${prG !== undefined ? `, PR^G ${prG}` : ""}`,
    ...(R.quiescent
      ? ["  quiescent: g_eff <= 1, x = 0 is stable (no fluctuations)"]
      : [
          `  PR^phi             ${f(R.prPhi)}${Number.isFinite(effectiveRank) ? ` (i.i.d. ${f(R.prPhiIid)}, K^phi ${f(R.kPhi)})` : ""}`,
          `  PR^x               ${f(R.prX)}${Number.isFinite(effectiveRank) ? ` (i.i.d. ${f(R.prXIid)}, K^x ${f(R.kX)})` : ""}`,
          ...(R.gains ? [`  gains              PR^{G phi} ${f(R.gains.prPhiUnnormalized)}, z-scored ${f(R.gains.prPhiNormalized)}, random readout ${f(R.gains.prPhiReadout)}`] : []),
          `  C^x(0), C^phi(0)   ${f(R.cX0)}, ${f(R.cPhi0)};  <phi'> ${f(R.meanPhiPrime)}, nu ${f(R.nu)}`,
          `  C^phi(tau)/C(0)    ${[0, 1, 2, 3, 4, 5].map((t) => `${t}: ${(R.autocorrelation.cPhi[t * 10] / R.cPhi0).toFixed(3)}`).join("  ")}`,
          `  Psi^phi(tau,0)/(0) ${[0, 1, 2, 3, 4, 5].map((t) => `${t}: ${R.collective.psiPhiNormalized[t * 10].toFixed(3)}`).join("  ")}`,
          `  PC timescales      1/e time of C^phi ${f(R.timescales.cPhi, 4)}, of Psi^phi(tau,0) (leading PCs) ${f(R.timescales.psiPhi, 4)}`,
        ]),
  ];
  // with --json - the JSON owns stdout, so the summary goes to stderr
  (values.json === "-" ? console.error : console.log)(lines.join("\n"));
  if (values.json !== undefined) {
    const network = net.kind === "file" ? { coupling: "file", file: net.file, layer: net.layer, include: net.include ?? null, signs: net.signs, normalize: net.normalize, standIn: net.standIn, n: spec.n, g: spec.g } : spec;
    const doc = { params: { ...r.params, network }, provenance: provenance(undefined, { argv: ["theory", ...argv] }), results: R };
    await writeFileAtomic(values.json, JSON.stringify(doc, (_k, v) => (v === Infinity ? null : v), 2) + "\n");
  }
  return 0;
}
