// The one place the drivers read the wall clock: the host receive time of a datagram or frame.
// Date.now() is only milliseconds; anchor it once and advance with the monotonic high-resolution
// clock, so receive times have sub-microsecond resolution and never go backwards within a process.

const originWallNs = BigInt(Date.now()) * 1_000_000n;
const originMonoNs = process.hrtime.bigint();

/** Host time now, integer ns since the epoch (monotonic within this process). */
export function wallClockNs(): bigint {
  return originWallNs + (process.hrtime.bigint() - originMonoNs);
}

/** Milliseconds between two ns times, as a float (for latencies and durations). */
export function msBetween(fromNs: bigint, toNs: bigint): number {
  return Number(toNs - fromNs) / 1e6;
}
