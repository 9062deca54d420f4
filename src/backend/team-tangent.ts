/**
 * TeamTangent: the state and an N x k tangent frame stepped together on a team of threads (assembly/team.ts
 * team_tangent_*: thread t owns columns [r_t, r_{t+1}) of every row, one barrier per stage, two for J = L diag(D)
 * R^T), with the frame's QR (CGS2, float64) on the calling thread between calls. The same arithmetic as the wasm
 * backend's tangentStep of the same build, bit for bit (the team conformance test checks it): lyapunov() takes
 * a team to use both cores for the O(N^2 k) products.
 */
import { checkArray, checkFinite, checkSize, type DType, type FloatArray } from "../errors.ts";
import { GS_SCRATCH, PHI_KINDS } from "./types.ts";
import { transposed } from "./buffers.ts";
import { TEAM_PROTOCOL } from "./team-protocol.ts";
import { TEAM_KERNELS, checkTeamSpec, type Team, type TeamTrajectorySpec } from "./team.ts";

/** A tangent frame on a team: the trajectory's spec plus the frame's k vectors (k x n, each a row). */
export interface TeamTangentSpec extends Omit<TeamTrajectorySpec, "x0"> {
  /** initial state, n values */
  x0: FloatArray;
  /** the initial frame, k x n (row-major: vector b is row b) */
  frame: FloatArray;
  k: number;
}

/** State and frame in team memory; steps(count, dt) advances both, qr() re-orthonormalises the frame. */
export class TeamTangent {
  readonly n: number;
  readonly k: number;
  readonly dtype: DType;
  private readonly args: number[];
  private readonly index: number;
  private readonly ptr: { x: number; r: number; logr: number; q64: number };
  private freed = false;

  constructor(
    private readonly team: Team,
    spec: TeamTangentSpec,
    private readonly release: () => void,
  ) {
    const { n, dtype, method, phi, m } = checkTeamSpec(spec);
    const k = checkSize("k", spec.k);
    checkArray("frame", spec.frame, k * n);
    const c = spec.coupling;
    this.n = n;
    this.k = k;
    this.dtype = dtype;
    const bytes = dtype === "float32" ? 4 : 8;
    const k1 = k + 1;
    const put = (data: ArrayLike<number>) => {
      const p = team.alloc(data.length * bytes);
      this.view(p, data.length).set(data);
      return p;
    };
    const j = put(c.kind === "dense" ? c.J : c.L);
    const d = c.kind === "lowrank" ? put(c.D) : 0;
    const rt = c.kind === "lowrank" ? put(transposed(c.R, n, m)) : 0;
    const x = team.alloc(k1 * n * bytes);
    this.view(x, n).set(spec.x0);
    this.view(x + n * bytes, k * n).set(spec.frame);
    const g = spec.gains ? put(spec.gains) : 0;
    const inp = spec.input ? put(spec.input) : 0;
    const scratch = () => team.alloc(k1 * n * bytes);
    const [p0, p1, h, xs, acc] = [scratch(), scratch(), scratch(), scratch(), scratch()];
    const z = team.alloc(Math.max(1, k1 * m) * bytes);
    const dd = team.alloc(n * bytes);
    this.ptr = {
      x,
      r: team.alloc(GS_SCRATCH * k * 8),
      logr: team.alloc(k * 8),
      // the frame widened to float64 for its QR (float32 runs)
      q64: dtype === "float64" ? x + n * 8 : team.alloc(k * n * 8),
    };
    this.index = TEAM_KERNELS.indexOf(dtype === "float32" ? "team_tangent_f32" : "team_tangent_f64");
    // every argument after the count and dt is fixed: [threads, rk4, lowrank, count, n, m, k1, kind, dt, ...]
    this.args = [
      team.threads,
      method === "rk4" ? 1 : 0,
      c.kind === "lowrank" ? 1 : 0,
      0,
      n,
      m,
      k1,
      PHI_KINDS[phi],
      0,
      j,
      d,
      rt,
      x,
      g,
      inp,
      p0,
      p1,
      h,
      xs,
      acc,
      z,
      dd,
      team.control + TEAM_PROTOCOL.BAR,
    ];
  }

  private view(ptr: number, length: number): FloatArray {
    return this.dtype === "float32"
      ? new Float32Array(this.team.buffer(), ptr, length)
      : new Float64Array(this.team.buffer(), ptr, length);
  }

  /** `count` steps of size dt of the state and the frame, shared by the team's threads. */
  steps(count: number, dt: number): void {
    if (this.freed) throw new Error("this tangent frame was freed");
    checkSize("count", count);
    checkFinite("dt", dt, { positive: true });
    if (count === 0) return;
    this.args[3] = count;
    this.args[8] = dt;
    this.team.run(this.index, this.args);
  }

  /** The state (n values), a live view valid until the next call; writes change it. */
  state(): FloatArray {
    return this.view(this.ptr.x, this.n);
  }

  /** The frame (k x n, each vector a row), a live view valid until the next call. */
  frameView(): FloatArray {
    return this.view(this.ptr.x + this.n * (this.dtype === "float32" ? 4 : 8), this.k * this.n);
  }

  /** Orthonormalise the frame (CGS2 in float64) and return log |R_jj| (k values). */
  qr(): Float64Array {
    const { x, r, logr, q64 } = this.ptr;
    const { n, k } = this;
    const buf = this.team.buffer();
    if (this.dtype === "float32") new Float64Array(buf, q64, k * n).set(this.view(x + n * 4, k * n));
    this.team.local("gram_schmidt_f64", n, k, q64, r, logr);
    if (this.dtype === "float32") this.view(x + n * 4, k * n).set(new Float64Array(this.team.buffer(), q64, k * n));
    return Float64Array.from(new Float64Array(this.team.buffer(), logr, k));
  }

  /** Release the team's memory. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.release();
  }
}

/** A tangent frame on `team` (one live object per team). */
export function teamTangent(team: Team, spec: TeamTangentSpec): TeamTangent {
  return team.hold((release) => new TeamTangent(team, spec, release));
}
