// A per-bus barrier for stages whose work finishes asynchronously (ONNX inference: onnxruntime's
// `InferenceSession.run` returns a promise). A stage registers the promise of the work a message
// started; a synchronous driver (the closed-loop simulator) awaits `settleAsyncWork(bus)` after
// publishing a frame's inputs, so everything downstream (prediction → planning → command) has run
// before the world steps — the run stays deterministic. Over ZeroMQ nobody waits: messages simply
// flow when the work is done, and work that succeeded leaves the list, so it does not grow.
import type { Bus } from "../bus/index.ts";

const pending = new WeakMap<Bus, Set<Promise<unknown>>>();

/** Registers work started on behalf of `bus`; a rejection surfaces in the next settleAsyncWork. */
export function registerAsyncWork(bus: Bus, work: Promise<unknown>): void {
  let set = pending.get(bus);
  if (!set) pending.set(bus, (set = new Set()));
  // What is kept is the work followed by its own removal: a success leaves the set; a failure stays
  // for settleAsyncWork to rethrow, or, on a bus nobody settles, is an unhandled rejection as before.
  const tracked: Promise<unknown> = work.then(() => pending.get(bus)?.delete(tracked));
  set.add(tracked);
}

/** Work registered on `bus` and not yet settled (succeeded work leaves by itself). */
export function pendingAsyncWork(bus: Bus): number {
  return pending.get(bus)?.size ?? 0;
}

/** Resolves when every registered piece of work (including work registered meanwhile) is done; rethrows the first failure. */
export async function settleAsyncWork(bus: Bus): Promise<void> {
  for (;;) {
    const set = pending.get(bus);
    if (!set || set.size === 0) return;
    pending.set(bus, new Set());
    await Promise.all(set);
  }
}
