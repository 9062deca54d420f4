/**
 * Run planning and shared pieces of `strand figures` (src/figures/): the figure record, the mode (--quick / --full,
 * N, networks per point), simulation settings that fit this machine's memory, simulations over networks with their
 * spread, the sampling single site on worker threads, and the finite-N notes every figure prints.
 */
import type { PhiName } from "../backend/types.ts";
import { makeNetwork, type Network, type NetworkSpec } from "../network/ensembles.ts";
import { memoryEstimate, simulate, type SimulateOptions } from "../simulate/simulate.ts";
import { accumulatorBytes } from "../simulate/group.ts";
import { meanAndSe } from "../stats/estimators.ts";
import { structuredTheory, type Structure } from "../theory/structured.ts";
import { definePoint, type PointContext, type PointStore } from "./points.ts";
import { UsageError } from "../cli/args.ts";

export interface Figure {
  name: string;
  title: string;
  spec: Record<string, unknown>;
  data: Record<string, unknown>;
  /** one line for index.md */
  summary: string;
}

/** A run of figures: its mode and, as its PointContext, one backend, one set of simulation worker threads (they
 *  persist between simulate() calls), the sampling theory's 2 threads and a team, started by the first point that
 *  needs them. */
export interface Mode extends PointContext {
  full: boolean;
  /** --n: the network size of every model figure, instead of the mode's */
  n?: number;
  /** the resumable points (src/figures/points.ts): every simulation, sampling single site and Lyapunov run, once
   *  per invocation (PRX Fig. 4a and 4b share their g_eff = 3 and 10 networks: 4a simulates them with 4b's lags)
   *  and, from the CLI, kept in <out>/points.jsonl for --resume */
  points: PointStore;
  /** --networks: networks per simulated PR point (mean ± se over them) */
  networks: number;
}

/** a figure's network size: --n if given, else its quick or full size */
export const sizeOf = (m: Mode, quick: number, full: number) => m.n ?? (m.full ? full : quick);

export const SIM = (full: boolean) => ({
  trials: 8,
  duration: full ? 500 : 150,
  burnIn: full ? 200 : 50,
  dt: 0.05,
  lags: 1,
  blocks: 8,
  dtype: "float32" as const,
});

/** Fig. 4b's longest lag (time units), also simulated by Fig. 4a so that 4b can reuse its runs */
export const TAU_4B = 20;

type Run = ReturnType<typeof SIM> & {
  sampleEvery?: number;
  groups?: number;
  maxBytes?: number;
  statistics?: "samples" | "sums";
};

/** memory the figures' simulations may take in all (covariance sums of every trial group) and per wasm instance
 *  (one group at a time on each thread; wasm32 memory ends at 4 GiB) */
const FIG_MAX_BYTES = 12 * 2 ** 30,
  GROUP_MAX_BYTES = 3 * 2 ** 30;

/** A figure's run at network size n, with lagged covariances up to maxTau (0: the equal-time ones). A run with
 *  at most N samples keeps its statistics in sample space (memory ~ samples x N, src/simulate/gram.ts). Otherwise,
 *  at large N (--full, --n), the lags are sampled every 2, 4, 8 time units until each of the 2 trial groups' N x N
 *  sums fit one wasm instance, and then the trials are split into 4 or 8 groups (each holds only its trials' block
 *  sums, but every group its own lag sums). */
export function fitRun(m: Mode, n: number, maxTau = 0): Run & { lags: number } {
  const run = SIM(m.full);
  const lags0 = maxTau || run.lags;
  const est = memoryEstimate(n, { kind: "dense" }, { ...run, lags: lags0, maxBytes: FIG_MAX_BYTES });
  if (est.space === "samples" && est.statistics <= FIG_MAX_BYTES)
    return { ...run, lags: lags0, maxBytes: FIG_MAX_BYTES };
  for (const groups of [2, 4, 8]) {
    for (let sampleEvery = 1; sampleEvery <= (maxTau ? 8 : 1); sampleEvery *= 2) {
      const lags = maxTau ? Math.ceil(maxTau / sampleEvery) : run.lags;
      const total = accumulatorBytes(
        n,
        run.trials,
        groups,
        lags,
        run.blocks,
        run.dtype,
        Math.floor(run.duration / sampleEvery),
      );
      if (total / groups <= GROUP_MAX_BYTES && total <= FIG_MAX_BYTES) {
        return {
          ...run,
          lags,
          ...(sampleEvery > 1 ? { sampleEvery } : {}),
          ...(groups > 2 ? { groups } : {}),
          maxBytes: FIG_MAX_BYTES,
          statistics: "sums",
        };
      }
    }
  }
  throw new UsageError(
    `invalid argument: N = ${n} is too large for the figures' simulations (their covariance ` +
      `sums exceed ${FIG_MAX_BYTES / 2 ** 30} GiB); use a smaller \`--n\``,
  );
}

/** a simulated point's legend: size, networks, run length and what its error bar is */
export const simLabel = (m: Mode, n: number, duration: number) =>
  m.networks > 1
    ? `N = ${n}, ${m.networks} networks × 8 trials × ${duration} time units, ± se over networks`
    : `N = ${n}, 1 network, 8 trials × ${duration} time units, ± jackknife se`;

/** One simulate() run, a point: its parameters and results (no trajectory). Two shapes of key: the PR points'
 *  {simulate: spec, phi, seed, run} (simulate's default backend) and {simulate: spec, options} (the PC runs of PRX
 *  Fig. 10, on the context's backend). */
export const simulatePoint = definePoint(
  "simulate",
  async (
    key: { simulate: NetworkSpec; phi?: PhiName; seed?: number; run?: Run; options?: SimulateOptions },
    ctx: PointContext,
  ): Promise<Pick<Awaited<ReturnType<typeof simulate>>, "params" | "results">> => {
    const o = key.run ? { ...key.run, phi: key.phi, seed: key.seed } : { ...key.options, backend: ctx.be };
    const r = await simulate(makeNetwork(key.simulate), { ...o, executor: ctx.executor });
    return { params: r.params, results: r.results };
  },
);

/** simulate(), once per (network spec, phi, seed, run): a point (its parameters and results; no trajectory) */
export const simulateOnce = (m: Mode, spec: NetworkSpec, phi: PhiName, seed: number, run: Run) =>
  simulatePoint(m, { simulate: spec, phi, seed, run });

/** One seeded trial (seed 1) of a network with its sampled trajectory, for estimators beyond simulate's (PRX Fig. 3,
 *  PRL Figs. 2b, 3, 6). Not a point by itself: each figure keeps, as its point, only what it derives from it. */
export async function trialTrajectory(
  ctx: PointContext,
  network: Network,
  o: { phi?: PhiName; duration: number; burnIn: number; sampleEvery: number },
) {
  const r = await simulate(network, {
    phi: o.phi ?? "tanh",
    trials: 1,
    duration: o.duration,
    burnIn: o.burnIn,
    sampleEvery: o.sampleEvery,
    lags: 1,
    keepTrajectory: true,
    seed: 1,
    backend: ctx.be,
    executor: ctx.executor,
  });
  return { ...r.trajectory!, results: r.results };
}

/** Mean and spread of one simulated observable over a point's networks: one network gives its own jackknife
 *  error; several give the standard error of their mean, sd/sqrt(K), which also holds the network-to-network
 *  scatter that one run's jackknife cannot see (large at low effective rank and near a collective instability).
 *  A network without an estimate (quiescent, a fixed point, a non-positive cross-block value: its status says
 *  why) is left out and counted, never averaged in as 0; with none left the point has no value. */
export function overNetworks(values: (number | null)[], errors: (number | null)[]) {
  const kept = values.flatMap((v, i) => (v === null ? [] : [{ v, e: errors[i] }]));
  const missing = values.length - kept.length;
  if (!kept.length) return { mean: null, se: null, missing };
  const { mean, se } = meanAndSe(kept.map((k) => k.v));
  return { mean, se: se ?? kept[0].e, missing };
}

/** Each point simulated on m.networks networks (seeds seed, seed + 1, ...; network 1 is the run other figures
 *  share), PR^phi and PR^x as mean ± se over them, with the per-network values. */
export async function simulatePoints(m: Mode, specs: { spec: NetworkSpec; phi: PhiName; seed: number }[], run: Run) {
  // every run asked for at once (computed in this order here, side by side on a queue's workers)
  const runs = await Promise.all(
    specs.map((s) =>
      Promise.all(
        Array.from({ length: m.networks }, (_, k) =>
          simulateOnce(m, { ...s.spec, seed: s.spec.seed + k }, s.phi, s.seed + k, run),
        ),
      ),
    ),
  );
  const out = [];
  for (const rs of runs.map((r) => r.map((x) => x.results))) {
    const phi = overNetworks(
      rs.map((r) => r.prPhi),
      rs.map((r) => r.prPhiError),
    );
    const x = overNetworks(
      rs.map((r) => r.prX),
      rs.map((r) => r.prXError),
    );
    out.push({
      prPhi: phi.mean,
      prPhiError: phi.se,
      prX: x.mean,
      prXError: x.se,
      // networks whose run gave no estimate (their results.status says why)
      withoutEstimate: { prPhi: phi.missing, prX: x.missing },
      ...(m.networks > 1
        ? { networks: rs.map((r) => ({ prPhi: r.prPhi, prPhiError: r.prPhiError, prX: r.prX, prXError: r.prXError })) }
        : {}),
    });
  }
  return out;
}

export type SimPoint = Awaited<ReturnType<typeof simulatePoints>>[number];

/** One simulated point beside its theory value (thSe: the sampler's error; 0 for a closed form): the value with
 *  its ± se rule, the relative difference, z = difference / combined error, and the per-network values. */
export function simPoint(sim: SimPoint, which: "prPhi" | "prX", th: number, thSe = 0) {
  const pr = sim[which],
    se = sim[which === "prPhi" ? "prPhiError" : "prXError"] ?? NaN;
  // no estimate on any network: no point (null values are not drawn), and NaN differences stay out of the gap
  const withoutEstimate = sim.withoutEstimate[which];
  if (pr === null) return { pr: null, lo: null, hi: null, theory: th, difference: NaN, z: NaN, withoutEstimate };
  return {
    pr,
    lo: pr - se,
    hi: pr + se,
    theory: th,
    difference: pr / th - 1,
    z: (pr - th) / Math.hypot(se, thSe),
    withoutEstimate,
    ...(sim.networks ? { networks: sim.networks.map((r) => r[which]) } : {}),
  };
}

/** The sampling single-site theory of one structure on the context's 2 sampler threads, a point (its results). A
 *  structure's arrays come back from JSON as plain arrays: the overlaps' D and rho become Float64Arrays again. */
const samplerPoint = definePoint(
  "sampler",
  async (key: { sampler: Structure; phi: PhiName; seed: number; paths?: number }, ctx: PointContext) => {
    const { sampler: st, ...options } = key;
    const structure: Structure =
      st.kind === "overlaps" ? { ...st, D: Float64Array.from(st.D), rho: Float64Array.from(st.rho) } : st;
    const pool = await ctx.sampler();
    return (await structuredTheory(ctx.be, structure, { ...options, executor: pool.executor })).results;
  },
);

/** The sampling single-site theory of one structure; quick mode uses fewer paths but all 60 iterations (at rho 0.6
 *  the iteration still creeps at 24: PR^phi 14 % low there). */
export const sampled = (st: Structure, phi: PhiName, m: Mode) =>
  samplerPoint(m, { sampler: st, phi, seed: 1, ...(m.full ? {} : { paths: 16 }) });

/** theory line with a ±2 se band, simulation points with ± se rules */
export function bandLayers(
  theoryRows: unknown[],
  simRows: unknown[],
  x: Record<string, unknown>,
  color: Record<string, unknown>,
) {
  return [
    {
      data: { values: theoryRows },
      mark: { type: "area", opacity: 0.25 },
      encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
    },
    {
      data: { values: theoryRows },
      mark: { type: "line", strokeWidth: 2, point: true },
      encoding: { x, y: { field: "pr", type: "quantitative", title: "PR^φ" }, color },
    },
    {
      data: { values: simRows },
      mark: "rule",
      encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
    },
    {
      data: { values: simRows },
      mark: { type: "point", filled: true, size: 60, shape: "square" },
      encoding: { x, y: { field: "pr", type: "quantitative" }, color },
    },
  ];
}

/** simulated / theoretical 1/e time − 1; NaN (left out of the gap) when either never decays to 1/e */
export const timeGap = (sim: number | null, th: number | null) => (sim !== null && th !== null ? sim / th - 1 : NaN);

/** What a figure's simulation points show of the finite-N gap, and what the validation runs know about it
 *  (docs/VALIDATION.md): recorded in each figure's JSON next to the per-point differences. */
export function finiteSize(n: number, differences: number[], note: string, errors?: { networks: number; z: number[] }) {
  const d = differences.filter(Number.isFinite);
  return {
    n,
    largestRelativeDifference: d.length ? Math.max(...d.map(Math.abs)) : null,
    meanRelativeDifference: d.length ? d.reduce((a, b) => a + b, 0) / d.length : null,
    // with the points' errors (jackknife for one network, over networks for several; plus the sampler's):
    // how many differences are within 3 combined errors
    ...(errors
      ? {
          networks: errors.networks,
          points: errors.z.length,
          withinThreeErrors: errors.z.filter((z) => Math.abs(z) < 3).length,
        }
      : {}),
    note,
  };
}
