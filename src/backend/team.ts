/**
 * Team: one trajectory's Euler / RK4 steps (dense or low-rank J) on several threads sharing one WebAssembly.Memory —
 * the kernels of assembly/team.ts, built with threads to build/strand-team.wasm (and -fma). Equations as in
 * the wasm backend's rk4/euler (dx/dt = -x + J (G ⊙ phi(x)) + I); thread t computes rows
 * [r_t, r_{t+1}) of every stage (and, for J = L diag(D) R^T, its rows of z = D ⊙ R^T phi) and the threads meet
 * at one barrier per stage (two for low-rank J), so the trajectory is bit for
 * bit the one-thread wasm backend's of the same build (the team conformance test checks exactly that).
 *
 * Why: one trajectory on one core leaves the second core idle while NumPy's BLAS uses both; the dense product
 * streams J once per stage, and splitting its rows halves each thread's stream (issue 8).
 *
 * This module owns the shared memory: a bump allocator (one live trajectory at a time; free() returns its
 * bytes), views re-made from memory.buffer on every access (growth replaces the buffer). It is environment
 * neutral: threads beyond the caller's own come from a `spawn` function (src/io/team-pool.ts starts Node
 * worker threads running src/io/team-worker.mjs). Protocol: a control block at the heap base laid out by
 * TEAM_PROTOCOL (src/backend/team-protocol.ts: the call words, the barrier, the arguments), which every helper
 * receives with its init message. The caller writes the arguments, bumps the sequence and
 * notifies, then runs its own share (tid 0); helpers wait on the sequence and run theirs (tid 1..).
 * A helper whose call throws sets the barrier's abort word and wakes everyone; the caller's call then
 * returns early and steps() throws (the team is closed; the helper prints its error).
 */
import {
  checkArray,
  checkDType,
  checkFinite,
  checkOneOf,
  checkSize,
  invalid,
  type DType,
  type FloatArray,
} from "../errors.ts";
import { relaxedSimdSupported } from "./features.ts";
import { PHI_KINDS, type PhiName } from "./types.ts";
import { transposed } from "./buffers.ts";
import { TEAM_PROTOCOL, type TeamProtocol } from "./team-protocol.ts";
import { decode } from "./wasm-load.ts";

/** the kernels a helper can be asked to run, by index in the control block */
export const TEAM_KERNELS = [
  "team_dense_f32",
  "team_dense_f64",
  "team_lowrank_f32",
  "team_lowrank_f64",
  "team_tangent_f32",
  "team_tangent_f64",
] as const;
const { CONTROL_BYTES, BAR, ARGS, CALL_SEQ, CALL_KERNEL, CALL_ARGC, BAR_ABORT, BAR_SPIN } = TEAM_PROTOCOL;
const PAGE = 65536;
const MAX_PAGES = 65536;
/** barrier polls before sleeping. Long enough to outlast a sleeper's wake-up (tens of microseconds): once one thread
 *  sleeps, it wakes late, so the other waits past a short spin and sleeps at the next barrier, and so on — every stage
 *  then pays a futex round trip. Measured (2-core EPYC, idle, f32 RK4, us per RK4 stage, 2 threads; one thread in
 *  brackets): low-rank N = 2000, M = 200: 2048 polls 67-75, 4096 74-84, 8192 41-52, 16384-32768 37-42, 262144 45-48
 *  [73]; dense N = 1000: 2048 59-62, 8192 56-62, 16384-32768 41-44 [78]. With a third busy thread on the two cores the
 *  long spin costs more (low-rank 94 at 2048, 124-132 at 16384, 142-149 at 65536): a team only pays when its threads
 *  have cores to themselves, which is when strand uses one. */
const SPIN = 32768;

type TeamKernel = (tid: number, ...args: number[]) => void;
interface TeamExports {
  heap_base(): number;
  [name: string]: unknown;
}

/** What a helper thread needs to join: the compiled module, the shared memory, where the control block is,
 *  its thread index and the kernel names. Plain data (structured-cloneable). */
export interface TeamInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  tid: number;
  kernels: readonly string[];
  /** the control block's layout (src/backend/team-protocol.ts) */
  protocol: TeamProtocol;
}
export interface TeamHelper {
  close(): Promise<void>;
}
export type TeamSpawn = (init: TeamInit) => Promise<TeamHelper>;

/** Options of a Team: threads, how helpers start, the wasm build, barrier polling. */
export interface TeamOptions {
  /** threads including the caller's (default 2) */
  threads?: number;
  /** starts each helper thread (required when threads > 1) */
  spawn?: TeamSpawn;
  /** the relaxed-SIMD build (fused multiply-adds); must match the backend whose numbers the team should give */
  fma?: boolean;
  /** polls of the barrier before a thread sleeps (default SPIN) */
  spin?: number;
}

const modules = new Map<boolean, Promise<WebAssembly.Module>>();
function teamModule(fma: boolean): Promise<WebAssembly.Module> {
  let p = modules.get(fma);
  if (!p) {
    p = import("./team-embedded.ts").then(({ teamBase64, teamFmaBase64 }) =>
      WebAssembly.compile(decode(fma ? teamFmaBase64 : teamBase64)),
    );
    modules.set(fma, p);
    p.catch(() => modules.delete(fma));
  }
  return p;
}

/** true where a team can run: SharedArrayBuffer, shared WebAssembly memory and Atomics.wait on this thread. */
export function teamSupported(): boolean {
  try {
    if (typeof SharedArrayBuffer !== "function" || typeof Atomics?.wait !== "function") return false;
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Threads sharing one WebAssembly memory, each computing its rows of every RK4/Euler stage of one trajectory
 * (createTeam from strand/io starts one in Node).
 */
export class Team {
  private top: number;
  private live: object | null = null;
  private closed = false;

  private constructor(
    readonly threads: number,
    readonly fma: boolean,
    private readonly memory: WebAssembly.Memory,
    private readonly ex: TeamExports,
    readonly control: number,
    private readonly helpers: TeamHelper[],
  ) {
    this.top = control + CONTROL_BYTES;
  }

  /** A team of `threads` threads (this one and threads - 1 helpers from `spawn`). */
  static async create(options: TeamOptions = {}): Promise<Team> {
    const threads = options.threads ?? 2;
    if (checkSize("threads", threads, 64) < 1) throw invalid("threads", "must be at least 1", threads);
    if (threads > 1 && typeof options.spawn !== "function")
      throw invalid(
        "spawn",
        `must be a function starting the helper threads when threads = ${threads} > 1 (src/io/team-pool.ts createTeam in Node)`,
        options.spawn,
        TypeError,
      );
    if (!teamSupported())
      throw new Error(
        "a team needs SharedArrayBuffer, shared WebAssembly memory and Atomics.wait, which this runtime or thread lacks",
      );
    const spin = checkSize("spin", options.spin ?? SPIN);
    const fma = options.fma ?? false;
    if (fma && !relaxedSimdSupported())
      throw new Error("fma: true needs WebAssembly relaxed SIMD, which this runtime does not support");
    const module = await teamModule(fma);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = await WebAssembly.instantiate(module, {
      env: {
        memory,
        abort: () => {
          throw new Error("strand team kernel aborted");
        },
      },
    });
    const ex = instance.exports as unknown as TeamExports;
    const control = Math.ceil(ex.heap_base() / 64) * 64;
    const need = control + CONTROL_BYTES;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
    new Uint8Array(memory.buffer, control, CONTROL_BYTES).fill(0);
    new Int32Array(memory.buffer, control + BAR, 5)[BAR_SPIN / 4] = spin;
    const helpers: TeamHelper[] = [];
    try {
      for (let tid = 1; tid < threads; tid++)
        helpers.push(
          await options.spawn!({ module, memory, control, tid, kernels: TEAM_KERNELS, protocol: TEAM_PROTOCOL }),
        );
    } catch (err) {
      await Promise.all(helpers.map((h) => h.close()));
      throw err;
    }
    return new Team(threads, fma, memory, ex, control, helpers);
  }

  /** bytes from the bump pointer, 64-byte aligned, growing the shared memory as needed */
  alloc(bytes: number): number {
    const ptr = Math.ceil(this.top / 64) * 64;
    const end = ptr + bytes;
    if (end > MAX_PAGES * PAGE - PAGE)
      throw new RangeError(`out of team memory: cannot allocate ${bytes} bytes (heap at ${ptr} bytes, limit 4 GiB)`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return ptr;
  }

  /** the shared memory's current buffer (re-read on every call: growth replaces it) */
  buffer(): SharedArrayBuffer {
    return this.memory.buffer as unknown as SharedArrayBuffer;
  }

  private ctl(): Int32Array {
    return new Int32Array(this.buffer(), this.control, CONTROL_BYTES / 4);
  }

  /** Hand the helpers a call (kernel index, or -1 to quit) and wake them. */
  private post(index: number, args: number[]): void {
    const ctl = this.ctl();
    new Float64Array(this.buffer(), this.control + ARGS, args.length).set(args);
    ctl[CALL_KERNEL] = index;
    ctl[CALL_ARGC] = args.length;
    Atomics.add(ctl, CALL_SEQ, 1);
    Atomics.notify(ctl, CALL_SEQ);
  }

  /** Run kernel `index` on every thread with these arguments (after the thread index); returns when all are done. */
  run(index: number, args: number[]): void {
    if (this.closed) throw new Error("this team is closed");
    if (this.helpers.length) this.post(index, args);
    (this.ex[TEAM_KERNELS[index]] as TeamKernel)(0, ...args);
    if (Atomics.load(this.ctl(), (BAR + BAR_ABORT) / 4) !== 0) {
      this.closed = true;
      throw new Error("a team helper thread failed (its error is on the console); the team is closed");
    }
  }

  /** A trajectory in team memory; one at a time per team. */
  trajectory(spec: TeamTrajectorySpec): TeamTrajectory {
    return this.hold((release) => new TeamTrajectory(this, spec, release));
  }

  /** The team's memory for one live object (a trajectory, a tangent frame: src/backend/team-tangent.ts), made by
   *  `make` with the release that frees it. */
  hold<T extends object>(make: (release: () => void) => T): T {
    if (this.closed) throw new Error("this team is closed");
    if (this.live) throw new Error("this team already has a live trajectory: free() it first");
    const release = () => {
      this.top = this.control + CONTROL_BYTES;
      this.live = null;
    };
    try {
      const made = make(release);
      this.live = made;
      return made;
    } catch (err) {
      release();
      throw err;
    }
  }

  /** A kernel of the team module run on this thread only (the frame's QR between team calls). */
  local(name: "gram_schmidt_f64", ...args: number[]): void {
    if (this.closed) throw new Error("this team is closed");
    (this.ex[name] as (...a: number[]) => void)(...args);
  }

  /** Stop the helper threads (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.post(-1, []);
    await Promise.all(this.helpers.map((h) => h.close()));
  }
}

/** One trajectory on a team: size, coupling, nonlinearity, step. */
export interface TeamTrajectorySpec {
  n: number;
  dtype: DType;
  method: "rk4" | "euler";
  phi: PhiName;
  /** dense J (n x n row-major) or J = L diag(D) R^T (L, R: n x m row-major); converted to dtype */
  coupling:
    { kind: "dense"; J: FloatArray } | { kind: "lowrank"; m: number; L: FloatArray; D: FloatArray; R: FloatArray };
  gains?: FloatArray | null;
  input?: FloatArray | null;
  /** initial state, n values */
  x0: FloatArray;
}

/** A team trajectory's spec checked by name (sizes, dtype, method, phi, the coupling's arrays, x0, gains, input). */
export function checkTeamSpec(spec: TeamTrajectorySpec) {
  const n = checkSize("n", spec.n);
  const dtype = checkDType("dtype", spec.dtype);
  const method = checkOneOf("method", spec.method, ["rk4", "euler"] as const);
  const phi = checkOneOf("phi", spec.phi, Object.keys(PHI_KINDS) as PhiName[]);
  const c = spec.coupling;
  const kind = checkOneOf("coupling.kind", c?.kind, ["dense", "lowrank"] as const);
  const m = c.kind === "lowrank" ? checkSize("coupling.m", c.m) : 0;
  if (c.kind === "dense") checkArray("coupling.J", c.J, n * n);
  else {
    checkArray("coupling.L", c.L, n * m);
    checkArray("coupling.D", c.D, m);
    checkArray("coupling.R", c.R, n * m);
  }
  checkArray("x0", spec.x0, n);
  if (spec.gains) checkArray("gains", spec.gains, n);
  if (spec.input) checkArray("input", spec.input, n);
  return { n, dtype, method, phi, kind, m };
}

/** One trajectory's buffers in team memory; steps(count, dt) advances it, state() views x. */
export class TeamTrajectory {
  readonly n: number;
  readonly dtype: DType;
  private readonly ptr: {
    j: number;
    d: number;
    rt: number;
    x: number;
    g: number;
    inp: number;
    p0: number;
    p1: number;
    h: number;
    xs: number;
    acc: number;
    z: number;
  };
  private readonly index: number;
  private readonly lowrank: boolean;
  private readonly m: number;
  private readonly rk4: number;
  private readonly kind: number;
  private freed = false;

  constructor(
    private readonly team: Team,
    spec: TeamTrajectorySpec,
    private readonly release: () => void,
  ) {
    const { n, dtype, method, phi, kind, m } = checkTeamSpec(spec);
    const c = spec.coupling;
    this.n = n;
    this.dtype = dtype;
    const bytes = dtype === "float32" ? 4 : 8;
    const put = (data: ArrayLike<number>) => {
      const p = team.alloc(data.length * bytes);
      this.array(p, data.length).set(data);
      return p;
    };
    // R^T (m x n) for the kernels' contiguous rows, as the wasm backend stores it
    const rt = c.kind === "lowrank" ? put(transposed(c.R, n, m)) : 0;
    this.ptr = {
      j: put(c.kind === "dense" ? c.J : c.L),
      d: c.kind === "lowrank" ? put(c.D) : 0,
      rt,
      x: put(spec.x0),
      g: spec.gains ? put(spec.gains) : 0,
      inp: spec.input ? put(spec.input) : 0,
      p0: team.alloc(n * bytes),
      p1: team.alloc(n * bytes),
      h: team.alloc(n * bytes),
      xs: team.alloc(n * bytes),
      acc: team.alloc(n * bytes),
      z: team.alloc(m * bytes),
    };
    this.m = m;
    this.lowrank = kind === "lowrank";
    this.rk4 = method === "rk4" ? 1 : 0;
    this.index = TEAM_KERNELS.indexOf(`team_${kind}_${dtype === "float32" ? "f32" : "f64"}`);
    this.kind = PHI_KINDS[phi];
  }

  private array(ptr: number, length: number): FloatArray {
    return this.dtype === "float32"
      ? new Float32Array(this.team.buffer(), ptr, length)
      : new Float64Array(this.team.buffer(), ptr, length);
  }

  /** `count` steps of size dt, shared by the team's threads. */
  steps(count: number, dt: number): void {
    if (this.freed) throw new Error("this trajectory was freed");
    checkSize("count", count);
    checkFinite("dt", dt, { positive: true });
    if (count === 0) return;
    const { j, d, rt, x, g, inp, p0, p1, h, xs, acc, z } = this.ptr;
    const { threads, control } = this.team;
    if (this.lowrank)
      this.team.run(this.index, [
        threads,
        this.rk4,
        count,
        this.n,
        this.m,
        this.kind,
        dt,
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
        control + BAR,
      ]);
    else
      this.team.run(this.index, [
        threads,
        this.rk4,
        count,
        this.n,
        this.kind,
        dt,
        j,
        x,
        g,
        inp,
        p0,
        p1,
        h,
        xs,
        acc,
        control + BAR,
      ]);
  }

  /** x (n values), a view into team memory: valid until the next steps() or free(); writes change the state. */
  state(): FloatArray {
    return this.array(this.ptr.x, this.n);
  }

  /** Release the trajectory's shared memory. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.release();
  }
}
