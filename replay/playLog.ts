// Feeds a recorded log back onto a bus, in log-time order, at a chosen multiple of real time
// (or as fast as possible), so anything that listens to the bus sees the drive again.
import { setTimeout as sleep } from "node:timers/promises";
import type { Bus } from "../bus/index.ts";
import { LogReader } from "./LogReader.ts";

export interface PlayOptions {
  /** Multiple of real time; Infinity = as fast as possible. Default 1. */
  rate?: number;
  /** Only these topics (default: all in the log). */
  topics?: string[];
  signal?: AbortSignal;
  onProgress?: (published: number, total: number) => void;
}

export interface PlayResult {
  published: number;
  simSeconds: number;
  wallSeconds: number;
}

export async function playLog(path: string, bus: Bus, options: PlayOptions = {}): Promise<PlayResult> {
  const rate = options.rate ?? 1;
  if (!(rate > 0)) throw new Error(`replay rate must be positive, got ${rate}`);
  const reader = await LogReader.open(path);
  const counts = reader.messageCounts();
  const total = Number([...counts].filter(([t]) => !options.topics || options.topics.includes(t)).reduce((s, [, n]) => s + n, 0n));
  const wallStart = performance.now();
  let firstNs: bigint | undefined;
  let lastNs = 0n;
  let published = 0;
  try {
    for await (const e of reader.messages({ topics: options.topics })) {
      if (options.signal?.aborted) break;
      firstNs ??= e.stampNs;
      lastNs = e.stampNs;
      if (Number.isFinite(rate)) {
        const dueMs = Number(e.stampNs - firstNs) / 1e6 / rate;
        const aheadMs = dueMs - (performance.now() - wallStart);
        if (aheadMs > 1) await sleep(aheadMs);
      } else if (published % 1000 === 999) {
        await sleep(0); // let sockets flush
      }
      bus.publish(e.topic, e.message as never, e.stampNs);
      published += 1;
      options.onProgress?.(published, total);
    }
  } finally {
    await reader.close();
  }
  return { published, simSeconds: firstNs === undefined ? 0 : Number(lastNs - firstNs) / 1e9, wallSeconds: (performance.now() - wallStart) / 1000 };
}
