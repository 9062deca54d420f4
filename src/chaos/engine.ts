/**
 * Where lyapunov() steps the state and its tangent frame (src/chaos/lyapunov.ts): the backend's tangentStep on this
 * thread, or a team of threads (src/backend/team-tangent.ts: the same numbers). Until startFrame, steps advance the
 * state alone (the burn-in); qr() re-orthonormalises the frame (CGS2, float64) and returns log |R_ii|.
 */
import {
  GS_SCRATCH,
  type Backend,
  type Buf,
  type Coupling,
  type PhiKind,
  type PhiName,
  type TangentScratch,
} from "../backend/types.ts";
import type { Team, TeamTrajectory } from "../backend/team.ts";
import { teamTangent, type TeamTangent } from "../backend/team-tangent.ts";
import type { DType, FloatArray } from "../errors.ts";
import type { Network } from "../network/ensembles.ts";
import type { Method } from "../simulate/simulate.ts";

/** Where the state and the frame step: the backend's tangentStep (one thread), or a team (src/backend/team-tangent.ts).
 *  Until startFrame, steps advance the state alone (the burn-in). */
export interface Engine {
  /** the state, a live view (writes change it: the noise) */
  state(): FloatArray;
  step(count: number): void;
  startFrame(frame: Float64Array): void;
  qr(): Float64Array;
  free(): void;
}

interface EngineSpec {
  n: number;
  k: number;
  dtype: DType;
  method: Method;
  dt: number;
}

export function backendEngine(
  be: Backend,
  alloc: (dtype: DType, length: number) => Buf,
  o: EngineSpec & { kind: PhiKind; coupling: Coupling; gains: Buf | null; input: Buf | null },
  x0: FloatArray,
): Engine {
  const { n, k, dtype } = o;
  const k1 = k + 1;
  const m = o.coupling.kind === "lowrank" ? o.coupling.m : 0;
  const x = alloc(dtype, k1 * n);
  be.write(x, x0);
  const scratch: TangentScratch = {
    p: alloc(dtype, k1 * n),
    h: alloc(dtype, k1 * n),
    xs: alloc(dtype, k1 * n),
    acc: alloc(dtype, k1 * n),
    z: alloc(dtype, Math.max(1, k1 * m)),
    dd: alloc(dtype, n),
  };
  // the frame in float64 for the QR (the stepping buffer's rows 1..k itself when dtype is float64)
  const frame64 = dtype === "float64" ? be.sub(x, n, k * n) : alloc("float64", k * n);
  const r = alloc("float64", GS_SCRATCH * k),
    logr = alloc("float64", k);
  let vectors = 0;
  return {
    state: () => be.view(x).subarray(0, n),
    step: (count) => {
      for (let s = 0; s < count; s++)
        be.tangentStep(o.method, n, vectors, o.kind, o.dt, o.coupling, x, o.gains, o.input, scratch);
    },
    startFrame: (frame) => {
      be.write(x, frame, n);
      vectors = k;
    },
    qr: () => {
      if (dtype !== "float64") be.write(frame64, be.view(x).subarray(n, k1 * n));
      be.gramSchmidt(n, k, frame64, r, logr);
      if (dtype !== "float64") be.write(x, be.view(frame64), n);
      return Float64Array.from(be.view(logr));
    },
    free: () => {},
  };
}

export function teamEngine(
  team: Team,
  network: Network,
  o: EngineSpec & { phi: PhiName; input: Float64Array | null },
  x0: FloatArray,
): Engine {
  const c = network.coupling;
  const base = {
    n: o.n,
    dtype: o.dtype,
    method: o.method,
    phi: o.phi,
    coupling: c.kind === "dense" ? c : { kind: "lowrank" as const, m: c.m, L: c.L, D: c.D, R: c.R },
    gains: network.gains,
    input: o.input,
  };
  let burn: TeamTrajectory | null = team.trajectory({ ...base, x0 });
  let frame: TeamTangent | null = null;
  return {
    state: () => (frame ? frame.state() : burn!.state()),
    step: (count) => (frame ? frame.steps(count, o.dt) : burn!.steps(count, o.dt)),
    startFrame: (q) => {
      const state = Float64Array.from(burn!.state());
      burn!.free();
      burn = null;
      frame = teamTangent(team, { ...base, x0: state, frame: q, k: o.k });
    },
    qr: () => frame!.qr(),
    free: () => {
      burn?.free();
      frame?.free();
    },
  };
}
