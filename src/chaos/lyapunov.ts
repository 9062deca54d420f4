/**
 * lyapunov(network, options): the leading k Lyapunov exponents of dx/dt = -x + J (G ⊙ phi(x)) + I (+ sigma dW/dt)
 * by the QR (Benettin) method, CHAOS.md §1-2.
 *
 *   tangent  dQ/dt = -Q + J (D ⊙ Q),  D = G ⊙ phi'(x)     (flow: RK4 on the joint system, the exact derivative of
 *                                                         the RK4 map; or the Euler map M = (1 - dt) I + dt J D)
 *   every qrEvery: Q, R = QR(Q);  in observation blocks acc_i += log |R_ii|;  lambda_i = acc_i / time
 *
 * Protocol: x(0) ~ N(0, 1) (STREAMS.initialState), `burnIn` time units of the state alone, then the frame Q (an
 * orthonormalised Gaussian N x k frame, STREAMS.lyapunovFrame) is advanced with it for `warmUp` time units (QR'd,
 * logs discarded: the frame aligns with the backward Lyapunov vectors), then `duration` time units observed in
 * `blocks` equal blocks. Each block's exponents are its log sums over its time; the exponents are their mean (the
 * blocks tile the observation) and the error the delete-one-block jackknife (for a mean, sd / sqrt(B)); consecutive
 * blocks of a long run are close to independent when a block outlasts the correlation time.
 * Numerics: the state and frame step in `dtype` (float64 by default), one batched product for both
 * (backend.tangentStep); the QR (CGS2) and the log sums in float64 (a float32 frame is widened for its QR). In exact
 * arithmetic the QR interval does not change the exponents; it keeps the frame conditioned: (lambda_1 - lambda_k)
 * qrEvery should stay below ~30 in float64 and ~8 in float32 (checked after the warm-up from its growth rates: a
 * longer interval is refused with the longest that fits).
 * Derived: D_KY = j + S_j / |lambda_{j+1}| (S_j the sum of the first j exponents, j the last index with S_j >= 0;
 * 0 when lambda_1 < 0; null when the k exponents never reach the crossing), h_KS = the sum of the positive exponents
 * (a lower bound when all k are positive and k < N), both also per neuron.
 * Noise: the tangent of additive noise is the noise-free one along the noisy path; the spectrum is that of the random
 * dynamical system (the noise adds to the state after each step, as in simulate).
 * Twin check (checkTwin): a second trajectory at distance eps (1e-8 in float64, 1e-4 in float32), renormalised every
 * QR interval: its log growth rate estimates lambda_1 independently of the tangent code.
 */
import { GS_SCRATCH, type Backend, type Buf, type Coupling } from "../backend/types.ts";
import { backendEngine, teamEngine, type Engine } from "./engine.ts";
import { spectrumSummary } from "./summary.ts";
import {
  DEFAULTS,
  LYAPUNOV_BYTES_MAX,
  LYAPUNOV_OPTION_KEYS,
  lyapunovCost,
  type LyapunovOptions,
  type LyapunovResult,
} from "./options.ts";
import { PHI_KINDS } from "../backend/types.ts";
import { createBackend, type BackendChoice } from "../backend/select.ts";
import { STREAMS, seedState } from "../backend/rng.ts";
import { transposed } from "../backend/buffers.ts";
import { checkDType, checkFinite, checkKeys, checkOneOf, checkSize, invalid, type DType } from "../errors.ts";
import type { Network } from "../network/ensembles.ts";
import { provenance } from "../provenance.ts";
import { jackknifeSe } from "../stats/estimators.ts";
import { SimulationError, noiseIncrement, yielder } from "../simulate/group.ts";
import { METHODS, checkInput, formatSeconds, stepsOf } from "../simulate/simulate.ts";

/**
 * The leading k Lyapunov exponents of a network by the QR method on the RK4 tangent flow or the Euler map, with
 * block errors, the Kaplan–Yorke dimension, the KS entropy, a convergence trace and optionally the twin check.
 *
 * @param network from makeNetwork, standInNetwork or a connectome
 * @param options k, method, dt, burnIn, warmUp, duration, qrEvery, blocks, phi, dtype, seed, sigma, input, …
 * @returns { params, provenance, results }
 * @throws SimulationError when the state diverges or the frame collapses
 * @example
 * const r = await lyapunov(makeNetwork({ coupling: "iid", n: 200, g: 3, seed: 1 }), { k: 20, seed: 1 });
 * r.results.lambdaMax, r.results.kaplanYorkeDimension;
 */
export async function lyapunov(network: Network, options: LyapunovOptions = {}): Promise<LyapunovResult> {
  const t0 = performance.now();
  if (!network || typeof network !== "object" || !network.coupling)
    throw invalid("network", "must be a Network from makeNetwork (or standInNetwork)", network, TypeError);
  checkKeys("lyapunov's options", options, LYAPUNOV_OPTION_KEYS);
  const c = network.coupling;
  const n = c.n;
  const kOpt = options.k ?? Math.ceil(n / 5);
  const k = kOpt === "all" ? n : checkSize("k", kOpt, n);
  if (k < 1) throw invalid("k", `must be between 1 and N = ${n}, or "all"`, kOpt);
  const method = checkOneOf("method", options.method ?? "rk4", METHODS);
  const dt = checkFinite("dt", options.dt ?? DEFAULTS.dt, { positive: true });
  if (dt > 1) throw invalid("dt", "must be <= 1 (the neuron time constant is 1)", dt);
  const burnIn = checkFinite("burnIn", options.burnIn ?? DEFAULTS.burnIn, { min: 0 });
  const warmUp = checkFinite("warmUp", options.warmUp ?? DEFAULTS.warmUp, { min: 0 });
  const duration = checkFinite("duration", options.duration ?? DEFAULTS.duration, { positive: true });
  const qrEvery = checkFinite("qrEvery", options.qrEvery ?? DEFAULTS.qrEvery, { positive: true });
  const blocks = checkSize("blocks", options.blocks ?? DEFAULTS.blocks, 1000);
  if (blocks < 2) throw invalid("blocks", "must be at least 2 (the error bar compares blocks)", blocks);
  const phi = checkOneOf("phi", options.phi ?? "tanh", ["tanh", "erf"] as const);
  const dtype = checkDType("dtype", options.dtype ?? "float64");
  const seed = checkSize("seed", options.seed ?? 1, Number.MAX_SAFE_INTEGER);
  const sigma = checkFinite("sigma", options.sigma ?? 0, { min: 0 });
  const checkTwin = !!options.checkTwin;
  const burnSteps = stepsOf("burnIn", burnIn, dt);
  const qrSteps = stepsOf("qrEvery", qrEvery, dt);
  if (qrSteps < 1) throw invalid("qrEvery", `must be at least one step (dt = ${dt})`, qrEvery);
  const warmIntervals = Math.round(warmUp / qrEvery);
  if (Math.abs(warmIntervals * qrEvery - warmUp) > 1e-9 * Math.max(1, warmUp))
    throw invalid("warmUp", `must be a whole number of QR intervals (qrEvery = ${qrEvery})`, warmUp);
  const intervals = Math.round(duration / qrEvery);
  if (Math.abs(intervals * qrEvery - duration) > 1e-9 * Math.max(1, duration))
    throw invalid("duration", `must be a whole number of QR intervals (qrEvery = ${qrEvery})`, duration);
  if (intervals < blocks)
    throw invalid("duration", `must hold at least one QR interval per block (${blocks} blocks)`, duration);
  const inputArr = checkInput(options.input, n);
  const maxSeconds = checkFinite("maxSeconds", options.maxSeconds ?? 24 * 3600, { positive: true });
  const totalSteps = burnSteps + (warmIntervals + intervals) * qrSteps;
  const cost = lyapunovCost(n, c.kind === "dense" ? c : { kind: "lowrank", m: c.m }, {
    ...options,
    k,
    method,
    dt,
    burnIn,
    warmUp,
    duration,
    qrEvery,
    dtype,
  });
  if (cost.seconds > maxSeconds)
    throw invalid(
      "duration",
      `with N = ${n}, k = ${k} and ${totalSteps} steps the run takes at least ${formatSeconds(cost.seconds)} ` +
        `(limit ${formatSeconds(maxSeconds)}, maxSeconds); lower k or the duration, or raise maxSeconds`,
      duration,
    );
  // one wasm32 instance holds the coupling, the state and frame with their four scratch copies, and the twin
  if (cost.bytes > LYAPUNOV_BYTES_MAX)
    throw invalid(
      "k",
      `with N = ${n} the coupling and k + 1 = ${k + 1} state and frame rows (x 6 buffers) need ` +
        `${(cost.bytes / 2 ** 30).toFixed(1)} GiB, above one WebAssembly instance's ${LYAPUNOV_BYTES_MAX / 2 ** 30} GiB; ` +
        "lower k or use dtype float32",
      kOpt,
    );

  const backendArg = typeof options.backend === "object" && options.backend !== null ? options.backend : undefined;
  const be = backendArg ?? (await createBackend((options.backend as BackendChoice | undefined) ?? "auto"));
  const kind = PHI_KINDS[phi];
  const team = options.team;
  let engine: Engine | null = null;
  const bufs: Buf[] = [];
  const rngs: ReturnType<Backend["rngCreate"]>[] = [];
  const alloc = (dtypeOf: DType, length: number) => {
    const b = be.alloc(dtypeOf, length);
    bufs.push(b);
    return b;
  };
  const put = (data: ArrayLike<number>) => {
    const b = alloc(dtype, data.length);
    be.write(b, data);
    return b;
  };
  try {
    const useTeam = !!team && be.name === "wasm" && be.fma === team.fma;
    // the coupling in the backend's memory only where the backend steps: without a team, or for the twin (a team
    // holds its own copy)
    const onBackend = !useTeam || checkTwin;
    const coupling: Coupling | null = !onBackend
      ? null
      : c.kind === "dense"
        ? { kind: "dense", j: put(c.J) }
        : { kind: "lowrank", m: c.m, l: put(c.L), d: put(c.D), rt: put(transposed(c.R, n, c.m)) };
    const m = c.kind === "lowrank" ? c.m : 0;
    const gains = onBackend && network.gains ? put(network.gains) : null;
    const input = onBackend && inputArr ? put(inputArr) : null;
    const normal = (stream: number, length: number, into: Buf) => {
      const r = be.rngCreate(seedState(seed, stream));
      rngs.push(r);
      be.rngNormal(r, length, 0, 1, into);
    };
    const x0 = alloc("float64", n);
    normal(STREAMS.initialState, n, x0);
    engine = useTeam
      ? teamEngine(team!, network, { n, k, dtype, method, phi, dt, input: inputArr }, be.read(x0))
      : backendEngine(be, alloc, { n, k, dtype, method, kind, dt, coupling: coupling!, gains, input }, be.read(x0));
    const run = engine;
    const noise = sigma > 0 ? alloc(dtype, n) : null;
    const noiseRng = sigma > 0 ? be.rngCreate(seedState(seed, STREAMS.noiseBase)) : null;
    if (noiseRng) rngs.push(noiseRng);

    // the twin: a second state at distance eps, stepped with the same noise (on the backend, one thread)
    const eps = dtype === "float64" ? 1e-8 : 1e-4;
    const twin = checkTwin ? alloc(dtype, n) : null;
    const twinScratch = checkTwin
      ? {
          p: alloc(dtype, n),
          h: alloc(dtype, n),
          xs: alloc(dtype, n),
          acc: alloc(dtype, n),
          z: alloc(dtype, Math.max(1, m)),
        }
      : null;

    let stepsDone = 0;
    const totalTime = totalSteps * dt;
    const phaseOf = (s: number) =>
      s < burnSteps ? "burn-in" : s < burnSteps + warmIntervals * qrSteps ? "warm-up" : "observation";
    const yieldAt = yielder(
      totalSteps,
      (f) => options.onProgress?.({ t: f * totalTime, fraction: f, phase: phaseOf(Math.round(f * totalSteps)) }),
      options.signal,
      "lyapunov",
    );
    const maybeYield = () => yieldAt(stepsDone);
    const check = () => {
      const xv = run.state();
      for (let i = 0; i < n; i++)
        if (!(Math.abs(xv[i]) <= 1e6))
          throw new SimulationError(
            `the state diverged at t = ${(stepsDone * dt).toFixed(2)} (x = ${xv[i]}): reduce dt (now ${dt}) or g ` +
              `(now ${network.summary.g}), or use method "rk4"`,
          );
    };
    /** `count` steps of the state (and the frame once it started); one call when there is no noise or twin */
    const advance = (count: number) => {
      if (!noise && !twin) {
        run.step(count);
        stepsDone += count;
        return;
      }
      for (let s = 0; s < count; s++) {
        if (twin) {
          if (method === "rk4") be.rk4(n, 1, kind, dt, coupling!, twin, gains, input, twinScratch!);
          else be.euler(n, 1, kind, dt, coupling!, twin, gains, input, twinScratch!);
        }
        run.step(1);
        if (noise) {
          be.rngNormal(noiseRng!, n, 0, noiseIncrement(sigma, dt, method), noise);
          const xv = run.state(),
            nv = be.view(noise);
          for (let i = 0; i < n; i++) xv[i] += nv[i];
          if (twin) {
            const tv = be.view(twin);
            for (let i = 0; i < n; i++) tv[i] += nv[i];
          }
        }
        stepsDone++;
      }
    };

    for (let s = 0; s < burnSteps; s += 20) {
      advance(Math.min(20, burnSteps - s));
      check();
      await maybeYield();
    }
    // the frame: a Gaussian N x k frame, orthonormalised
    {
      const g0 = alloc("float64", k * n);
      normal(STREAMS.lyapunovFrame, k * n, g0);
      const r = alloc("float64", GS_SCRATCH * k),
        logr = alloc("float64", k);
      be.gramSchmidt(n, k, g0, r, logr);
      run.startFrame(be.read(g0) as Float64Array);
    }
    if (twin) {
      const u = alloc("float64", n);
      normal(STREAMS.lyapunovTwin, n, u);
      const uv = be.view(u);
      let sq = 0;
      for (let i = 0; i < n; i++) sq += uv[i] * uv[i];
      const norm = Math.sqrt(sq);
      const xv = run.state();
      be.write(
        twin,
        Array.from(uv, (v, i) => xv[i] + (eps * v) / norm),
      );
    }
    /** QR of the frame: its log |R_ii| (float64, k values) */
    const qr = (): Float64Array => {
      const out = run.qr();
      for (let i = 0; i < k; i++)
        if (!Number.isFinite(out[i]))
          throw new SimulationError(
            `the tangent frame collapsed at t = ${(stepsDone * dt).toFixed(2)} (vector ${i + 1} vanished or overflowed): ` +
              `lower qrEvery (now ${qrEvery}) or k (now ${k})`,
          );
      return out;
    };
    /** the twin's log growth over the last interval, then back to distance eps along its direction */
    const twinLog = (): number => {
      const tv = be.view(twin!),
        xv = run.state();
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (tv[i] - xv[i]) ** 2;
      const dist = Math.sqrt(sq);
      for (let i = 0; i < n; i++) tv[i] = xv[i] + ((tv[i] - xv[i]) * eps) / dist;
      return Math.log(dist / eps);
    };

    // conditioning: within one QR interval the vectors' norms spread by e^((lambda_1 - lambda_k) qrEvery); beyond
    // ~e^30 (float64; e^8 stepping in float32) the last vectors are lost to rounding before the QR separates them
    const limit = dtype === "float64" ? 30 : 8;
    const warmLogs = new Float64Array(k);
    const checkSpread = (logs: Float64Array, time: number) => {
      let hi = -Infinity,
        lo = Infinity;
      for (const v of logs) {
        hi = Math.max(hi, v / time);
        lo = Math.min(lo, v / time);
      }
      if ((hi - lo) * qrEvery > limit)
        throw invalid(
          "qrEvery",
          `is too long for this spectrum: its growth rates span ${(hi - lo).toFixed(3)} per unit time, so within ` +
            `one interval the frame's norms spread by e^${((hi - lo) * qrEvery).toFixed(0)} (limit e^${limit} in ` +
            `${dtype}); use qrEvery <= ${(limit / (hi - lo)).toPrecision(2)} (a whole number of steps) or a smaller k`,
          qrEvery,
        );
    };
    for (let w = 0; w < warmIntervals; w++) {
      advance(qrSteps);
      check();
      const lr = qr();
      for (let i = 0; i < k; i++) warmLogs[i] += lr[i];
      if (twin) twinLog();
      await maybeYield();
    }
    if (warmIntervals > 0) checkSpread(warmLogs, warmIntervals * qrEvery);
    const blockSums: Float64Array[] = Array.from({ length: blocks }, () => new Float64Array(k));
    const blockTwin = new Float64Array(blocks);
    const blockIntervals = new Float64Array(blocks);
    const total = new Float64Array(k);
    const trace = { t: [] as number[], lambda1: [] as number[] };
    for (let it = 0; it < intervals; it++) {
      advance(qrSteps);
      check();
      const lr = qr();
      if (it === 0 && warmIntervals === 0) checkSpread(lr, qrEvery);
      const b = Math.min(blocks - 1, Math.floor((it * blocks) / intervals));
      for (let i = 0; i < k; i++) {
        blockSums[b][i] += lr[i];
        total[i] += lr[i];
      }
      blockIntervals[b]++;
      if (twin) blockTwin[b] += twinLog();
      trace.t.push((it + 1) * qrEvery);
      trace.lambda1.push(total[0] / ((it + 1) * qrEvery));
      await maybeYield();
    }
    options.onProgress?.({ t: totalTime, fraction: 1, phase: "observation" });

    // per-block exponents; the estimate pools all blocks (= their interval-weighted mean); jackknife over blocks
    const blockExponents = blockSums.map((s, b) => Array.from(s, (v) => v / (blockIntervals[b] * qrEvery)));
    const exponentsRaw = Array.from(total, (v) => v / duration);
    const looOf = (sums: (b: number) => number, all: number) =>
      Array.from({ length: blocks }, (_, b) => (all - sums(b)) / (duration - blockIntervals[b] * qrEvery));
    const errorsRaw = exponentsRaw.map((_, i) => jackknifeSe(looOf((b) => blockSums[b][i], total[i])));
    // in the QR's order (the Lyapunov index): descending up to finite-time fluctuations; not sorted, so that
    // exponent i is the same quantity in every block, in the k-leading and the full run
    const exponents = exponentsRaw;
    const errors = errorsRaw;
    const derived = spectrumSummary(
      [...exponents].sort((a, b) => b - a),
      n,
    );
    let twinResult: LyapunovResult["results"]["twin"] = null;
    if (twin) {
      const all = blockTwin.reduce((a, v) => a + v, 0);
      const lambda1 = all / duration;
      const error = jackknifeSe(looOf((b) => blockTwin[b], all));
      twinResult = { lambda1, error, z: (lambda1 - exponents[0]) / Math.hypot(error, errors[0]) };
    }
    return {
      params: {
        n,
        k,
        method,
        dt,
        burnIn,
        warmUp,
        duration,
        qrEvery,
        blocks,
        phi,
        dtype,
        seed,
        sigma,
        input: inputArr ? (typeof options.input === "number" ? String(options.input) : "array") : "none",
        coupling: c.kind === "dense" ? "dense" : `lowrank (M = ${c.m})`,
        backend: be.name,
        stepThreads: useTeam ? team!.threads : 1,
        meaning: method === "rk4" ? "flow (RK4 tangent)" : `euler map (delta = ${dt})`,
      },
      provenance: provenance(be, { network: network.spec.coupling, networkSeed: network.spec.seed }),
      results: {
        exponents,
        errors,
        lambdaMax: exponents[0],
        lambdaMaxError: errors[0],
        ...derived,
        blockExponents,
        trace,
        twin: twinResult,
        seconds: (performance.now() - t0) / 1000,
      },
    };
  } finally {
    engine?.free();
    for (const rg of rngs) be.rngFree(rg);
    for (const b of bufs) be.free(b);
  }
}

export { spectrumSummary } from "./summary.ts";
export { LYAPUNOV_BYTES_MAX, lyapunovCost, type LyapunovOptions, type LyapunovResult } from "./options.ts";
