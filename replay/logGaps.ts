// Silences in a log: no message for longer than a drive's status period. In a drive's log that is
// two clocks in one file (a capture replayed with its recorded stamps beside the host clock) or two
// recordings; a replay does not wait one out, and `curb log info --check` lists them.

import { logTimeText } from "./logTime.ts";

/** No message between `fromNs` and `toNs` (log times). */
export interface LogGap {
  readonly fromNs: bigint;
  readonly toNs: bigint;
}

/** A drive publishes its status every second; a silence ten times as long is not a pause. */
export const DEFAULT_MAX_GAP_S = 10;

/** What is likely behind a gap in a log, for the lines that report one. */
export const GAP_CAUSE = "a log holding two clocks (a capture replayed with its recorded stamps) or two recordings";

/** "no message for 3.1 years of log time (2023-11-14T22:13:26.574Z → 2026-12-03T16:59:34.356Z)". */
export function logGapLine(gap: LogGap): string {
  return `no message for ${spanWords(Number(gap.toNs - gap.fromNs) / 1e9)} of log time (${logTimeText(gap.fromNs)} → ${logTimeText(gap.toNs)})`;
}

function spanWords(s: number): string {
  const [value, unit] = s < 120 ? [s, "s"] : s < 7200 ? [s / 60, "min"] : s < 172_800 ? [s / 3600, "h"] : s < 63_115_200 ? [s / 86_400, "days"] : [s / 31_557_600, "years"];
  return `${value.toFixed(1)} ${unit}`;
}

/** The silence between a message at `previousNs` (undefined: none yet) and the next at `ns`, if longer than `longestNs`. */
export function silenceBefore(previousNs: bigint | undefined, ns: bigint, longestNs: bigint | undefined): LogGap | undefined {
  return previousNs !== undefined && longestNs !== undefined && ns - previousNs > longestNs ? { fromNs: previousNs, toNs: ns } : undefined;
}

/** maxGapS (s, > 0, Infinity = none) as ns, or undefined for none; a clear error for anything else. */
export function maxGapNs(maxGapS: number): bigint | undefined {
  if (!(maxGapS > 0)) throw new Error(`the longest silence to wait out must be positive, got ${maxGapS} s`);
  return Number.isFinite(maxGapS) ? BigInt(Math.round(maxGapS * 1e9)) : undefined;
}
