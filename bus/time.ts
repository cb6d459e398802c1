// Time on the wire is integer nanoseconds (bigint) or google.protobuf.Timestamp; algorithms use float seconds.
import { create } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";

const NS_PER_S = 1_000_000_000n;

export function toTimestamp(ns: bigint): Timestamp {
  const seconds = ns >= 0n ? ns / NS_PER_S : (ns - NS_PER_S + 1n) / NS_PER_S;
  return create(TimestampSchema, { seconds, nanos: Number(ns - seconds * NS_PER_S) });
}

export function fromTimestamp(ts: Timestamp | undefined): bigint {
  if (!ts) return 0n;
  return ts.seconds * NS_PER_S + BigInt(ts.nanos);
}

/** Seconds as float64 — only for durations or times relative to a known origin (sim start). */
export function nsToSeconds(ns: bigint): number {
  return Number(ns) / 1e9;
}

/** Rounds to the nearest nanosecond. */
export function secondsToNs(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1e9));
}
