/**
 * The predicted maximal exponent of a network, for `strand lyapunov --theory` and `strand theory`: the mean-field
 * ground state (src/theory/lyapunov.ts, CHAOS.md §4) for i.i.d. couplings and the random-mode model through g_eff
 * (§4 last point: i.i.d. modes give the i.i.d. single site with g -> g_eff); below the transition the quiescent
 * state's exact finite-N value, max Re mu(J) - 1 for the flow and log max |1 - dt + dt mu(J)| / dt for the Euler
 * map, from the eigenvalues of J; the Euler map's mean field from its discrete DMFT. What has no theory here says so
 * (gains, partial symmetry, connectomes) instead of answering with the wrong one.
 */
import type { Backend, PhiName } from "../backend/types.ts";
import type { Network } from "../network/ensembles.ts";
import { eigenvalues } from "../linalg/dense.ts";
import { maximalExponent, maximalExponentEuler } from "../theory/lyapunov.ts";
import { formDense, type Method } from "../simulate/simulate.ts";

/** A predicted lambda_max with where it comes from, or why there is none. */
export type ExponentPrediction =
  { lambdaMax: number; source: string; e1: number | null } | { lambdaMax: null; note: string };

/** The largest dense J whose eigenvalues the quiescent-state prediction computes (O(N^3)). */
const EIG_N_MAX = 3000;

/**
 * The predicted maximal Lyapunov exponent of `network` (see the module comment).
 *
 * @param network the network simulated
 * @param options phi, method and dt of the run, and a backend for the eigenvalues below g = 1
 */
export function predictMaximalExponent(
  network: Network,
  options: { phi: PhiName; method: Method; dt: number; backend: Backend },
): ExponentPrediction {
  const { spec, summary, coupling } = network;
  const g = summary.g;
  // a connectome's own J comes as spec { coupling: "iid", g: NaN } (src/cli/network-flags.ts): no g_eff, no theory
  if ((spec.coupling !== "iid" && spec.coupling !== "rmm") || !Number.isFinite(g))
    return {
      lambdaMax: null,
      note: "no mean-field exponent for a connectome's own J (its random-mode stand-in has one: --stand-in random)",
    };
  if (network.gains)
    return { lambdaMax: null, note: "no mean-field exponent with gains (a heterogeneous single site)" };
  if (summary.symmetry) return { lambdaMax: null, note: "no mean-field exponent with partial symmetry (i.i.d. only)" };
  if (g > 1) {
    if (options.method === "euler") {
      if (options.dt > 1) return { lambdaMax: null, note: `the Euler map's theory needs dt <= 1; got ${options.dt}` };
      const r = maximalExponentEuler(g, options.phi, options.dt);
      return {
        lambdaMax: r.lambdaMax,
        source: `mean field of the Euler map (g_eff ${g}, delta ${options.dt})`,
        e1: null,
      };
    }
    const r = maximalExponent(g, options.phi);
    return { lambdaMax: r.lambdaMax, source: `mean field (g_eff ${g}, E_1 = ${r.e1.toExponential(1)})`, e1: r.e1 };
  }
  const n = coupling.n;
  if (n > EIG_N_MAX) {
    if (options.method === "euler")
      return { lambdaMax: null, note: `the quiescent Euler map needs J's eigenvalues (N <= ${EIG_N_MAX})` };
    return { lambdaMax: -1 + g, source: "mean field (quiescent: -1 + g)", e1: null };
  }
  const J =
    coupling.kind === "dense"
      ? Float64Array.from(coupling.J)
      : formDense(options.backend, n, coupling.m, coupling.L, coupling.D, coupling.R);
  const { re, im } = eigenvalues(n, J, options.backend);
  let best = -Infinity;
  for (let i = 0; i < n; i++) {
    const v =
      options.method === "rk4"
        ? re[i] - 1
        : Math.log(Math.hypot(1 - options.dt + options.dt * re[i], options.dt * im[i])) / options.dt;
    best = Math.max(best, v);
  }
  return { lambdaMax: best, source: "quiescent state: the eigenvalues of J (exact at this N)", e1: null };
}
