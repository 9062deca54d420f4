/**
 * The `strand` command line. Thin: parse flags (node:util parseArgs), call the library, print a table or
 * JSON ({ params, provenance, results }). Exit codes: 0 ok, 1 runtime failure, 2 bad usage.
 */
import { VERSION } from "../version.ts";
import { enableRelaxedSimd } from "../io/relaxed-simd.ts";
import { compileWasmOptimized } from "../io/wasm-tiers.ts";
import { UsageError, normalizeArgv } from "./args.ts";

const HELP = `strand ${VERSION} — STructured RAndom Network Dynamics
Simulate and explain large nonlinear recurrent networks dx/dt = -x + J phi(x)
(TypeScript + WebAssembly SIMD kernels).

Usage: strand <command> [options]

Commands:
  demo         one network simulated and predicted, explained, with a figure (about half a minute)
  bench        time every kernel, wasm vs the TypeScript reference, and print a table
  connectome   load a connectome file and measure its structure (PR^S, effective rank, g_eff)
  network      draw a coupling matrix (i.i.d., random-mode model, gains, overlaps) and report its structure
  simulate     simulate the network and measure PR^phi, PR^x, C(tau), Psi(tau, 0) with streaming statistics
  theory       the mean-field (DMFT) predictions for the same quantities; --covariance: one network's
               covariance by linear equivalence (simulate --compare-covariance tests it against a simulation)
  lyapunov     the Lyapunov spectrum (QR method): lambda_max, Kaplan-Yorke dimension, KS entropy
  compare      simulate and theory side by side (= strand simulate --theory)
  sweep        theory and simulation over a parameter grid, appended to a resumable JSON Lines file
               (--queue redis://…: over many machines; --shard I/N and --merge: SLURM arrays)
  worker       run a distributed sweep's points from its BullMQ queue (strand worker --queue redis://…)
  plot         draw a sweep's results (SVG + PNG): theory lines, simulation points with error bars
  figures      regenerate the paper's figures (SVG + PNG + JSON) and an index
  serve        the live page (theory beside a simulation in your browser) and a JSON API, on 127.0.0.1
  help         show this help

Options:
  -h, --help     show help (also: strand <command> --help)
  -v, --version  print the version

Environment:
  STRAND_FMA=0      run the wasm kernels' plain SIMD build instead of the fused multiply-add (relaxed SIMD)
                    one, which is the default where the runtime has it; results record which ran (provenance.fma)
  STRAND_OPTIMIZED_WASM=0  leave V8's tiering of the wasm kernels alone; by default they are compiled optimized at
                    their first call, so a dense decomposition (strand connectome) runs ~1.8x faster

Each command has --help.`;

/**
 * Each command's module, loaded only when that command runs: `strand --version` and `strand theory` do not
 * pay for the plotting, spreadsheet or worker modules of the others (whole-process start-up, bench/startup.bench.ts).
 */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  bench: async () => (await import("./bench-command.ts")).benchCommand,
  connectome: async () => (await import("./connectome.ts")).connectomeCommand,
  network: async () => (await import("./network.ts")).networkCommand,
  simulate: async () => (await import("./simulate.ts")).simulateCommand,
  theory: async () => (await import("./theory.ts")).theoryCommand,
  lyapunov: async () => (await import("./lyapunov.ts")).lyapunovCommand,
  serve: async () => (await import("./serve.ts")).serveCommand,
  sweep: async () => (await import("./sweep.ts")).sweepCommand,
  worker: async () => (await import("./worker.ts")).workerCommand,
  plot: async () => (await import("./plot.ts")).plotCommand,
  demo: async () => (await import("./demo.ts")).demoCommand,
  figures: async () => (await import("./figures.ts")).figuresCommand,
  compare: async () => {
    const { simulateCommand } = await import("./simulate.ts");
    return (argv) => simulateCommand([...argv, "--theory"]);
  },
};

/** Errors of the run, not of its usage (ConnectomeFormatError, SimulationError, ConvergenceError): exit 1. */
const RUNTIME_ERRORS = ["ConnectomeFormatError", "SimulationError", "ConvergenceError"];

/** An error as one line for the user: node:util's parseArgs messages said in ours (its "argument is ambiguous" meant a
 *  flag whose value is missing or is another flag), anything else up to its first line break. */
function oneLine(err: Error): string {
  const m = err.message;
  const missing = /^Option '(--[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(m);
  if (missing) return `invalid argument: \`${missing[1]}\` needs a value (none was given, or the next word is a flag)`;
  const unknown = /^Unknown option '([^']+)'/.exec(m);
  if (unknown) return `invalid argument: unknown flag \`${unknown[1]}\` (see --help)`;
  const noValue = /^Option '(--[\w-]+)' does not take an argument/.exec(m);
  if (noValue) return `invalid argument: \`${noValue[1]}\` takes no value`;
  return m.split("\n")[0];
}

export async function main(argv: string[]): Promise<number> {
  // the wasm backend's fused multiply-add build (relaxed SIMD, behind a V8 flag in Node 20; src/io/relaxed-simd.ts)
  // for this process and its worker threads; STRAND_FMA=0 keeps the plain SIMD build
  if (process.env.STRAND_FMA !== "0") enableRelaxedSimd();
  // every kernel compiled optimized from its first call (src/io/wasm-tiers.ts); STRAND_OPTIMIZED_WASM=0 keeps V8's
  // tiering
  if (process.env.STRAND_OPTIMIZED_WASM !== "0") compileWasmOptimized();
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === "help" || cmd === "--help" || cmd === "-h") {
      console.log(HELP);
      return 0;
    }
    if (cmd === "--version" || cmd === "-v") {
      console.log(VERSION);
      return 0;
    }
    const load = COMMANDS[cmd];
    if (!load || !Object.hasOwn(COMMANDS, cmd))
      throw new UsageError(`unknown command \`${cmd}\`; run \`strand --help\` for the list`);
    const argsOf = normalizeArgv(rest); // before loading: a repeated flag fails at once
    return await (
      await load()
    )(argsOf);
  } catch (err) {
    if (err instanceof Error && RUNTIME_ERRORS.includes(err.name)) {
      console.error(`strand: ${err.message}`);
      return 1;
    }
    const usage =
      err instanceof UsageError ||
      (err instanceof Error && err.name === "OutputPathError") ||
      err instanceof RangeError ||
      err instanceof TypeError ||
      (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS");
    console.error(`strand: ${err instanceof Error ? oneLine(err) : String(err)}`);
    return usage ? 2 : 1;
  }
}
