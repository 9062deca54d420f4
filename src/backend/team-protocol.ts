/**
 * The team's shared-memory protocol, in one place for the host (src/backend/team.ts), which also hands it to
 * every helper thread (src/io/team-worker.mjs reads it from its init message), and the kernels
 * (assembly/team.ts repeats the barrier offsets as named constants; test/backend/team.test.ts checks that
 * they are these). A 512-byte control block at the start of the team's memory:
 *
 *   int32 words  CALL_SEQ     a caller bumps it to post a call (helpers wait on it)
 *                CALL_KERNEL  the kernel's index in TEAM_KERNELS, -1 to quit
 *                CALL_ARGC    how many float64 arguments follow
 *   bytes BAR    the barrier, five int32: BAR_COUNT arrivals, BAR_GENERATION (bumped by the last arrival),
 *                BAR_SLEEPERS (threads in atomic.wait), BAR_ABORT (nonzero: a helper failed, every barrier
 *                returns at once), BAR_SPIN (polls before sleeping, set by the host)
 *   bytes ARGS   the call's float64 arguments (up to (CONTROL_BYTES - ARGS) / 8)
 */
export const TEAM_PROTOCOL = {
  CONTROL_BYTES: 512,
  /** int32 indices of the call words */
  CALL_SEQ: 0,
  CALL_KERNEL: 1,
  CALL_ARGC: 2,
  /** byte offset of the barrier in the control block, and its words' byte offsets from there */
  BAR: 64,
  BAR_COUNT: 0,
  BAR_GENERATION: 4,
  BAR_SLEEPERS: 8,
  BAR_ABORT: 12,
  BAR_SPIN: 16,
  /** byte offset of the float64 arguments */
  ARGS: 128,
} as const;

export type TeamProtocol = typeof TEAM_PROTOCOL;
