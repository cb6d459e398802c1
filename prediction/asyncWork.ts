// A per-bus barrier for stages whose work finishes asynchronously (ONNX inference: onnxruntime's
// `InferenceSession.run` returns a promise). A stage registers the promise of the work a message
// started; a synchronous driver (the closed-loop simulator) awaits `settleAsyncWork(bus)` after
// publishing a frame's inputs, so everything downstream (prediction → planning → command) has run
// before the world steps — the run stays deterministic. Over ZeroMQ nobody waits: messages simply
// flow when the work is done.
import type { Bus } from "../bus/index.ts";

const pending = new WeakMap<Bus, Promise<unknown>[]>();

/** Registers work started on behalf of `bus`; a rejection surfaces in the next settleAsyncWork. */
export function registerAsyncWork(bus: Bus, work: Promise<unknown>): void {
  let list = pending.get(bus);
  if (!list) pending.set(bus, (list = []));
  list.push(work);
}

/** Resolves when every registered piece of work (including work registered meanwhile) is done; rethrows the first failure. */
export async function settleAsyncWork(bus: Bus): Promise<void> {
  for (;;) {
    const list = pending.get(bus);
    if (!list || list.length === 0) return;
    pending.set(bus, []);
    await Promise.all(list);
  }
}
