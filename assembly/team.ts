// Team kernels: one trajectory's Euler / RK4 steps (dense or low-rank J) shared by `threads` threads over one shared
// linear memory (build/strand-team.wasm: --enable threads, imported shared memory; src/backend/team.ts).
//
//   f(x) = -x + J (G ⊙ phi(x)) + I,  RK4 and Euler exactly as in ode.ts (same inline helpers)
//
// Thread t owns rows [r_t, r_{t+1}) of x, with r_t = floor(t n / threads) rounded down to a multiple of 4
// (r_threads = n), and does for each stage: p[own] = G ⊙ phi(xin[own]); barrier; h[own] = J[own, :] p
// (low-rank: its own rows of z = d ⊙ R^T p, a second barrier, then L[own, :] z); the stage's element-wise
// update of its own rows. Every value is computed by the same instructions in the
// same order as the one-thread kernels (matvec's 4-row blocks start at multiples of 4 either way), so a
// team's trajectory is bit for bit the one-thread trajectory of the same build.
// One barrier per stage suffices because p alternates between two buffers (stage parity): a thread that runs
// ahead writes the other buffer while a slower one still reads this stage's, and it cannot run two stages
// ahead without passing the next barrier, which the slower thread reaches only after its product. (Low-rank:
// z is rewritten only after the next stage's first barrier, which every thread reaches after its L product.) A last
// barrier ends each call, so x is whole when the caller's thread returns.
// Barrier: a counter at bar and a generation at bar + 4, and a sleeper count at bar + 8. The last thread to
// arrive resets the counter and bumps the generation; the others spin on the generation (the steps are
// ~0.1 ms, a barrier's wait a few microseconds), then sleep with atomic.wait after `spin` polls (the int32 at
// bar + 16, set by the host: a thread descheduled by the OS must not make the others burn a core); the last arrival wakes sleepers only if
// there are any (seq-cst: a sleeper counted after the leader looked finds the generation already bumped).
// A nonzero word at bar + 12 (set by a helper whose call failed, which then wakes the sleepers) makes every
// barrier return at once, so no thread waits forever for a dead partner; the host checks it after the call.

import { __matvec, __matmat } from "./matvec";
import { __phi_gain } from "./phi";
import { __tangent_p } from "./tangent";
import { __euler_update, __rk4_combine } from "./ode";
import { __shift } from "./inline/simd";

// The barrier's words, byte offsets from bar: the host's TEAM_PROTOCOL (src/backend/team-protocol.ts) has the same
// values under the same names (test/backend/team.test.ts reads them from this file and compares).
const BAR_COUNT: usize = 0;
const BAR_GENERATION: usize = 4;
const BAR_SLEEPERS: usize = 8;
const BAR_ABORT: usize = 12;
const BAR_SPIN: usize = 16;

// @ts-ignore: decorator
@inline function __barrier(bar: usize, threads: i32, spin: i32): void {
  let gen = atomic.load<i32>(bar, BAR_GENERATION);
  if (atomic.add<i32>(bar + BAR_COUNT, 1) == threads - 1) {
    atomic.store<i32>(bar + BAR_COUNT, 0);
    atomic.store<i32>(bar, gen + 1, BAR_GENERATION);
    if (atomic.load<i32>(bar, BAR_SLEEPERS) > 0) atomic.notify(bar + BAR_GENERATION);
    return;
  }
  let spins = 0;
  while (atomic.load<i32>(bar, BAR_GENERATION) == gen) {
    if (atomic.load<i32>(bar, BAR_ABORT) != 0) return;
    if (++spins > spin) {
      atomic.add<i32>(bar + BAR_SLEEPERS, 1);
      memory.atomic.wait32(bar + BAR_GENERATION, gen, -1);
      atomic.sub<i32>(bar + BAR_SLEEPERS, 1);
    }
  }
}

// first row of thread t
// @ts-ignore: decorator
@inline function __row(t: i32, threads: i32, n: i32): i32 {
  return t >= threads ? n : <i32>((<i64>n * <i64>t) / <i64>threads) & ~3;
}

// h[own] = (J p)[own]: dense, J's own rows; low-rank (J = L diag(d) R^T), z = d ⊙ (R^T p) by own rows of z
// (rows of R^T split like those of J, at multiples of 4 of m), a barrier (every thread needs all of z), then
// L's own rows times z. Same arithmetic per element as __lowrank's two products and its scaling.
// @ts-ignore: decorator
@inline function __team_product<T>(lowrank: bool, tid: i32, threads: i32, n: i32, m: i32, j: usize, d: usize, rt: usize,
                                   p: usize, z: usize, h: usize, r0: i32, rows: i32, bar: usize, spin: i32): void {
  const S = __shift<T>();
  if (lowrank) {
    let z0 = __row(tid, threads, m);
    let zrows = __row(tid + 1, threads, m) - z0;
    let zo = <usize>z0 << S;
    __matvec<T>(zrows, n, rt + <usize>z0 * (<usize>n << S), p, z + zo);
    for (let a = 0; a < zrows; a++) {
      let at = zo + (<usize>a << S);
      store<T>(z + at, load<T>(z + at) * load<T>(d + at));
    }
    __barrier(bar, threads, spin);
    __matvec<T>(rows, m, j + <usize>r0 * (<usize>m << S), z, h + (<usize>r0 << S));
  } else {
    __matvec<T>(rows, n, j + <usize>r0 * (<usize>n << S), p, h + (<usize>r0 << S));
  }
}

// @ts-ignore: decorator
@inline function __team_step<T>(rk4: bool, lowrank: bool, tid: i32, threads: i32, steps: i32, n: i32, m: i32, kind: i32, dt: T,
                                j: usize, d: usize, rt: usize, x: usize, g: usize, inp: usize, p0: usize, p1: usize, h: usize,
                                xs: usize, acc: usize, z: usize, bar: usize): void {
  const S = __shift<T>();
  let r0 = __row(tid, threads, n);
  let rows = __row(tid + 1, threads, n) - r0;
  let off = <usize>r0 << S;
  let go = g != 0 ? g + off : 0;
  let io = inp != 0 ? inp + off : 0;
  let parity = 0;
  let spin = load<i32>(bar, BAR_SPIN);
  for (let s = 0; s < steps; s++) {
    if (rk4) {
      for (let stage = 0; stage < 4; stage++) {
        let p = parity ? p1 : p0;
        parity ^= 1;
        let xin = stage == 0 ? x : xs;
        __phi_gain<T>(kind, rows, 1, xin + off, go, p + off);
        __barrier(bar, threads, spin);
        __team_product<T>(lowrank, tid, threads, n, m, j, d, rt, p, z, h, r0, rows, bar, spin);
        __rk4_combine<T>(stage, rows, 1, dt, x + off, xin + off, h + off, io, acc + off, xs + off);
      }
    } else {
      let p = parity ? p1 : p0;
      parity ^= 1;
      __phi_gain<T>(kind, rows, 1, x + off, go, p + off);
      __barrier(bar, threads, spin);
      __team_product<T>(lowrank, tid, threads, n, m, j, d, rt, p, z, h, r0, rows, bar, spin);
      __euler_update<T>(rows, 1, dt, x + off, h + off, io);
    }
  }
  __barrier(bar, threads, spin);
}

/** Thread tid's share of `steps` RK4 (rk4 = 1) or Euler (0) steps of one trajectory, dense J (n x n), float32.
 *  g, inp: 0 for none. Scratch (n values each): p0, p1, h, xs, acc (the last two unused by Euler); bar: the
 *  team's barrier block (five int32: zeros, then the spin count). */
export function team_dense_f32(tid: i32, threads: i32, rk4: i32, steps: i32, n: i32, kind: i32, dt: f32, j: usize, x: usize, g: usize,
                               inp: usize, p0: usize, p1: usize, h: usize, xs: usize, acc: usize, bar: usize): void {
  if (rk4) __team_step<f32>(true, false, tid, threads, steps, n, 0, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, bar);
  else __team_step<f32>(false, false, tid, threads, steps, n, 0, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, bar);
}
/** float64 version of team_dense_f32. */
export function team_dense_f64(tid: i32, threads: i32, rk4: i32, steps: i32, n: i32, kind: i32, dt: f64, j: usize, x: usize, g: usize,
                               inp: usize, p0: usize, p1: usize, h: usize, xs: usize, acc: usize, bar: usize): void {
  if (rk4) __team_step<f64>(true, false, tid, threads, steps, n, 0, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, bar);
  else __team_step<f64>(false, false, tid, threads, steps, n, 0, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, bar);
}
/** The same for J = L diag(d) R^T (L: n x m, R^T given as rt: m x n), float32; scratch z: m values. */
export function team_lowrank_f32(tid: i32, threads: i32, rk4: i32, steps: i32, n: i32, m: i32, kind: i32, dt: f32, l: usize, d: usize, rt: usize,
                                 x: usize, g: usize, inp: usize, p0: usize, p1: usize, h: usize, xs: usize, acc: usize, z: usize, bar: usize): void {
  if (rk4) __team_step<f32>(true, true, tid, threads, steps, n, m, kind, dt, l, d, rt, x, g, inp, p0, p1, h, xs, acc, z, bar);
  else __team_step<f32>(false, true, tid, threads, steps, n, m, kind, dt, l, d, rt, x, g, inp, p0, p1, h, xs, acc, z, bar);
}
/** float64 version of team_lowrank_f32. */
export function team_lowrank_f64(tid: i32, threads: i32, rk4: i32, steps: i32, n: i32, m: i32, kind: i32, dt: f64, l: usize, d: usize, rt: usize,
                                 x: usize, g: usize, inp: usize, p0: usize, p1: usize, h: usize, xs: usize, acc: usize, z: usize, bar: usize): void {
  if (rk4) __team_step<f64>(true, true, tid, threads, steps, n, m, kind, dt, l, d, rt, x, g, inp, p0, p1, h, xs, acc, z, bar);
  else __team_step<f64>(false, true, tid, threads, steps, n, m, kind, dt, l, d, rt, x, g, inp, p0, p1, h, xs, acc, z, bar);
}

// Tangent steps on a team (Lyapunov spectra, assembly/tangent.ts): the state (row 0) and k1 - 1 frame vectors of
// x ((k1) x n), thread t owning columns [r_t, r_{t+1}) of every row. Per stage: the thread's columns of P (phi,
// phi' and D ⊙ Q, into the stage's parity buffer); barrier; its rows of H = J P for every row of P (dense: J's own
// rows; low-rank: its rows of Z = d ⊙ R^T P, a barrier, then L's own rows times Z); the element-wise RK4 / Euler
// update of its columns. The parity argument of the steps above holds unchanged (P alternates, Z is rewritten only
// after the next stage's first barrier).
// @ts-ignore: decorator
@inline function __team_tangent<T>(rk4: bool, lowrank: bool, tid: i32, threads: i32, steps: i32, n: i32, m: i32, k1: i32,
                                   kind: i32, dt: T, j: usize, d: usize, rt: usize, x: usize, g: usize, inp: usize,
                                   p0: usize, p1: usize, h: usize, xs: usize, acc: usize, z: usize, dd: usize,
                                   bar: usize): void {
  const S = __shift<T>();
  let r0 = __row(tid, threads, n);
  let rows = __row(tid + 1, threads, n) - r0;
  let off = <usize>r0 << S;
  let row = <usize>n << S;
  let io = inp != 0 ? inp + off : 0;
  let parity = 0;
  let spin = load<i32>(bar, BAR_SPIN);
  let z0 = __row(tid, threads, m);
  let zrows = __row(tid + 1, threads, m) - z0;
  let zo = <usize>z0 << S;
  let stages = rk4 ? 4 : 1;
  for (let s = 0; s < steps; s++) {
    for (let stage = 0; stage < stages; stage++) {
      let p = parity ? p1 : p0;
      parity ^= 1;
      let xin = stage == 0 ? x : xs;
      __tangent_p<T>(kind, n, r0, rows, k1, xin, g, p, dd);
      __barrier(bar, threads, spin);
      if (lowrank) {
        __matmat<T>(zrows, n, k1, rt + <usize>z0 * row, p, z + zo, m);
        for (let b = 0; b < k1; b++) {
          let zb = z + <usize>b * (<usize>m << S) + zo;
          for (let a = 0; a < zrows; a++) {
            let at = <usize>a << S;
            store<T>(zb + at, load<T>(zb + at) * load<T>(d + zo + at));
          }
        }
        __barrier(bar, threads, spin);
        __matmat<T>(rows, m, k1, j + <usize>r0 * (<usize>m << S), z, h + off, n);
      } else {
        __matmat<T>(rows, n, k1, j + <usize>r0 * row, p, h + off, n);
      }
      for (let b = 0; b < k1; b++) {
        let at = <usize>b * row + off;
        if (rk4) __rk4_combine<T>(stage, rows, 1, dt, x + at, xin + at, h + at, b == 0 ? io : 0, acc + at, xs + at);
        else __euler_update<T>(rows, 1, dt, x + at, h + at, b == 0 ? io : 0);
      }
    }
  }
  __barrier(bar, threads, spin);
}

/** Thread tid's share of `steps` RK4 (rk4 = 1) or Euler (0) tangent steps: the state (row 0 of x) and k1 - 1 vectors,
 *  dense J (lowrank = 0; j: n x n) or J = L diag(d) R^T (lowrank = 1; j: L, n x m; rt: R^T, m x n), float32.
 *  Scratch p0, p1, h, xs, acc: k1 x n; z: k1 x m; dd: n; bar: the team's barrier block. */
export function team_tangent_f32(tid: i32, threads: i32, rk4: i32, lowrank: i32, steps: i32, n: i32, m: i32, k1: i32,
                                 kind: i32, dt: f32, j: usize, d: usize, rt: usize, x: usize, g: usize, inp: usize,
                                 p0: usize, p1: usize, h: usize, xs: usize, acc: usize, z: usize, dd: usize,
                                 bar: usize): void {
  if (lowrank) {
    if (rk4) __team_tangent<f32>(true, true, tid, threads, steps, n, m, k1, kind, dt, j, d, rt, x, g, inp, p0, p1, h, xs, acc, z, dd, bar);
    else __team_tangent<f32>(false, true, tid, threads, steps, n, m, k1, kind, dt, j, d, rt, x, g, inp, p0, p1, h, xs, acc, z, dd, bar);
  } else {
    if (rk4) __team_tangent<f32>(true, false, tid, threads, steps, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, dd, bar);
    else __team_tangent<f32>(false, false, tid, threads, steps, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, dd, bar);
  }
}
/** float64 version of team_tangent_f32. */
export function team_tangent_f64(tid: i32, threads: i32, rk4: i32, lowrank: i32, steps: i32, n: i32, m: i32, k1: i32,
                                 kind: i32, dt: f64, j: usize, d: usize, rt: usize, x: usize, g: usize, inp: usize,
                                 p0: usize, p1: usize, h: usize, xs: usize, acc: usize, z: usize, dd: usize,
                                 bar: usize): void {
  if (lowrank) {
    if (rk4) __team_tangent<f64>(true, true, tid, threads, steps, n, m, k1, kind, dt, j, d, rt, x, g, inp, p0, p1, h, xs, acc, z, dd, bar);
    else __team_tangent<f64>(false, true, tid, threads, steps, n, m, k1, kind, dt, j, d, rt, x, g, inp, p0, p1, h, xs, acc, z, dd, bar);
  } else {
    if (rk4) __team_tangent<f64>(true, false, tid, threads, steps, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, dd, bar);
    else __team_tangent<f64>(false, false, tid, threads, steps, n, 0, k1, kind, dt, j, 0, 0, x, g, inp, p0, p1, h, xs, acc, 0, dd, bar);
  }
}

export { gram_schmidt_f64 } from "./tangent";

/** First free byte after the static data (src/backend/team.ts allocates from here). */
export function heap_base(): usize {
  return __heap_base;
}
