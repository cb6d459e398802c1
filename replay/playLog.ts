// Feeds a recorded log back onto a bus, in log-time order, at a chosen multiple of real time
// (or as fast as possible), so anything that listens to the bus sees the drive again.
import { setTimeout as sleep } from "node:timers/promises";
import type { Bus } from "../bus/index.ts";
import { DEFAULT_MAX_GAP_S, type LogGap, maxGapNs, silenceBefore } from "./logGaps.ts";
import { LogReader } from "./LogReader.ts";

export interface PlayOptions {
  /** Multiple of real time; Infinity = as fast as possible. Default 1. */
  rate?: number;
  /**
   * A silence in the log longer than this (log time, s) is not waited out: the next message plays at
   * once. Default 10 (DEFAULT_MAX_GAP_S); Infinity waits every silence. See logGaps.ts.
   */
  maxGapS?: number;
  /** Only these topics (default: all in the log). */
  topics?: string[];
  signal?: AbortSignal;
  onProgress?: (published: number, total: number) => void;
  /** Called for each silence longer than maxGapS, as it is skipped (or met, at rate Infinity). */
  onGap?: (gap: LogGap) => void;
}

export interface PlayResult {
  published: number;
  /** Log time played, s: from the first message to the last, less the silences skipped. */
  simSeconds: number;
  wallSeconds: number;
  /** The silences longer than maxGapS, in order. */
  gaps: LogGap[];
}

/** Waits at most this long in one timer: Node's timers overflow at 2^31 ms (a wait set to 1 ms instead). */
const MAX_SLEEP_MS = 1000;

export async function playLog(path: string, bus: Bus, options: PlayOptions = {}): Promise<PlayResult> {
  const rate = options.rate ?? 1;
  if (!(rate > 0)) throw new Error(`replay rate must be positive, got ${rate}`);
  const longestWaitNs = maxGapNs(options.maxGapS ?? DEFAULT_MAX_GAP_S);
  const reader = await LogReader.open(path);
  const counts = reader.messageCounts();
  const total = Number([...counts].filter(([t]) => !options.topics || options.topics.includes(t)).reduce((s, [, n]) => s + n, 0n));
  const wallStart = performance.now();
  const gaps: LogGap[] = [];
  let firstNs: bigint | undefined;
  let lastNs = 0n;
  // Log time skipped so far: the pacing runs on log time less the silences not waited out.
  let skippedNs = 0n;
  let published = 0;
  try {
    for await (const e of reader.messages({ topics: options.topics })) {
      if (options.signal?.aborted) break;
      const gap = silenceBefore(firstNs === undefined ? undefined : lastNs, e.stampNs, longestWaitNs);
      firstNs ??= e.stampNs;
      if (gap) {
        gaps.push(gap);
        skippedNs += gap.toNs - gap.fromNs;
        options.onGap?.(gap);
      }
      lastNs = e.stampNs;
      if (Number.isFinite(rate)) {
        const dueMs = Number(e.stampNs - firstNs - skippedNs) / 1e6 / rate;
        for (let aheadMs = dueMs - (performance.now() - wallStart); aheadMs > 1 && !options.signal?.aborted; aheadMs = dueMs - (performance.now() - wallStart)) {
          await sleep(Math.min(aheadMs, MAX_SLEEP_MS), undefined, { signal: options.signal }).catch(() => undefined);
        }
        if (options.signal?.aborted) break;
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
  const simSeconds = firstNs === undefined ? 0 : Number(lastNs - firstNs - skippedNs) / 1e9;
  return { published, simSeconds, wallSeconds: (performance.now() - wallStart) / 1000, gaps };
}
