// Replays recorded items (pcap packets, candump frames) at their recorded pace, a multiple of it,
// or as fast as possible, optionally looping with times shifted so they keep increasing, and
// optionally moved onto the host clock (the first item stamped when the replay starts).
import { setTimeout as sleep } from "node:timers/promises";

export interface ReplayOptions<T> {
  readonly items: readonly T[];
  /** Recorded time of an item, ns. Items are assumed in recording order. */
  readonly stampOf: (item: T) => bigint;
  /** 1 = recorded pace, 2 = twice as fast, "max" = no waiting. */
  readonly rate: number | "max";
  readonly loop: boolean;
  /**
   * Stamp the items from this time on (ns, the host clock when the replay starts) instead of their
   * recorded times: item time − first item's time + startNs. The recorded spacing is kept.
   */
  readonly startNs?: bigint;
  /** Called per item with its (loop-shifted, moved) time. Must not throw (drivers count their errors). */
  readonly handle: (item: T, stampNs: bigint) => void;
  /** Called once, before the first item, with the move onto the host clock (0 without `startNs`). */
  readonly onStart?: (moveNs: bigint) => void;
  /** Called before each repetition after the first. */
  readonly onLoop?: () => void;
  readonly signal?: AbortSignal;
  /** Items handled between yields to the event loop at rate "max". */
  readonly batch?: number;
}

/** Resolves when the items are exhausted (never, with `loop`, until aborted). */
export async function replayPaced<T>(o: ReplayOptions<T>): Promise<void> {
  const n = o.items.length;
  if (n === 0) return;
  const first = o.stampOf(o.items[0]);
  const last = o.stampOf(o.items[n - 1]);
  // One loop lasts the recording plus one mean interval, so the first item of the next loop is not
  // stamped at the same time as the last of this one.
  const period = last - first + (n > 1 ? (last - first) / BigInt(n - 1) : 1_000_000n);
  const batch = o.batch ?? 256;
  const move = o.startNs === undefined ? 0n : o.startNs - first;
  o.onStart?.(move);
  const startWall = process.hrtime.bigint();
  for (let rep = 0n; ; rep++) {
    if (rep > 0n) o.onLoop?.();
    const shift = rep * period;
    for (let i = 0; i < n; i++) {
      if (o.signal?.aborted) return;
      const item = o.items[i];
      const t = o.stampOf(item) + shift;
      if (o.rate === "max") {
        if (i % batch === batch - 1) await new Promise<void>((r) => setImmediate(r));
      } else {
        const dueNs = startWall + BigInt(Math.round(Number(t - first) / o.rate));
        const waitMs = Number(dueNs - process.hrtime.bigint()) / 1e6;
        if (waitMs > 1) await sleep(waitMs);
        if (o.signal?.aborted) return;
      }
      o.handle(item, t + move);
    }
    if (!o.loop) return;
  }
}
