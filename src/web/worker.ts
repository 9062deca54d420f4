/**
 * Web Worker entry of the live page: runs liveRun (src/web/live.ts) off the main thread and streams
 * { type: "theory" | "round" | "done" | "cancelled" | "error" } messages; { type: "cancel" } aborts the run
 * (the simulation yields every ~100 ms, so cancelling takes effect promptly).
 */
import { liveParams, liveRun } from "./live.ts";

interface WorkerScope {
  onmessage: ((ev: { data: { type: "run"; params: unknown } | { type: "cancel" } }) => void) | null;
  postMessage(message: unknown): void;
}
const scope = globalThis as unknown as WorkerScope;
let current: AbortController | null = null;

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === "cancel") {
    current?.abort();
    return;
  }
  current?.abort();
  const controller = new AbortController();
  current = controller;
  void (async () => {
    try {
      const p = liveParams(msg.params);
      const result = await liveRun(p, {
        signal: controller.signal,
        onTheory: (theory) => scope.postMessage({ type: "theory", theory }),
        onRound: (estimate) => scope.postMessage({ type: "round", estimate }),
      });
      scope.postMessage({ type: "done", result });
    } catch (e) {
      scope.postMessage(
        controller.signal.aborted ? { type: "cancelled" } : { type: "error", message: (e as Error).message },
      );
    }
  })();
};
