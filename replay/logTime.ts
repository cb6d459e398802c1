// How a log stamp reads for a person. A simulation's clock starts at 0, so its stamps are seconds,
// not a day in 1970.

/** Stamps before 2000 are a simulation's clock (or another non-calendar one), not a calendar time. */
const CALENDAR_FROM_NS = 946_684_800n * 1_000_000_000n;

/** "2026-12-03T16:59:34.356Z", or "12.500 s on the simulation clock". */
export function logTimeText(ns: bigint): string {
  const date = new Date(Number(ns / 1_000_000n));
  return ns < CALENDAR_FROM_NS || Number.isNaN(date.getTime()) ? `${(Number(ns) / 1e9).toFixed(3)} s on the simulation clock` : date.toISOString();
}
