// Helper thread of a strand team (src/backend/team.ts): plain JavaScript (no tsx: it starts in milliseconds).
// Joins the shared memory with its own instance of the team kernels, then waits for calls: it spins briefly on
// the call sequence (the next call usually follows within a sample's bookkeeping) and sleeps with Atomics.wait
// after that. A kernel that throws sets the barrier's abort word and wakes the other threads.
import { parentPort } from "node:worker_threads";

// polls of the call sequence before sleeping (~0.1-0.2 ms: a sample's bookkeeping between calls is shorter)
const SPIN = 20000;
parentPort.once("message", ({ module, memory, control, tid, kernels, protocol: P }) => {
  const { exports } = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error("strand team kernel aborted");
      },
    },
  });
  // the control block's layout comes from the host (src/backend/team-protocol.ts)
  const ctl = new Int32Array(memory.buffer, control, P.CONTROL_BYTES / 4);
  const args = new Float64Array(memory.buffer, control + P.ARGS, (P.CONTROL_BYTES - P.ARGS) / 8);
  // the call sequence before "ready": once the host has it, it may post the first call at once, and a helper that
  // read the sequence only after that would wait for a second call while the host waits for it at the first
  // barrier (both asleep: a hang seen under load, before this order)
  let seen = Atomics.load(ctl, P.CALL_SEQ);
  parentPort.postMessage({ ready: true });
  for (;;) {
    for (let spins = 0; Atomics.load(ctl, P.CALL_SEQ) === seen; spins++) {
      if (spins > SPIN) Atomics.wait(ctl, P.CALL_SEQ, seen);
    }
    seen = Atomics.load(ctl, P.CALL_SEQ);
    const index = ctl[P.CALL_KERNEL];
    if (index < 0) break;
    try {
      exports[kernels[index]](tid, ...args.subarray(0, ctl[P.CALL_ARGC]));
    } catch (err) {
      console.error(`strand team helper ${tid}: ${err?.stack ?? err}`);
      Atomics.store(ctl, (P.BAR + P.BAR_ABORT) / 4, 1);
      Atomics.notify(ctl, (P.BAR + P.BAR_GENERATION) / 4);
    }
  }
  parentPort.close();
});
