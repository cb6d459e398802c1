// Velodyne timestamps are µs since the top of the hour (sensor clock, GPS-disciplined when PPS is
// locked). To get absolute time the hour must come from elsewhere: a reference time close to the
// measurement (the host receive time, the NMEA sentence's UTC time).

const US_PER_HOUR = 3_600_000_000n;
const NS_PER_US = 1000n;
const NS_PER_HOUR = US_PER_HOUR * NS_PER_US;

/**
 * Absolute time (ns since the epoch) of a top-of-hour timestamp, choosing the hour that puts the
 * result nearest `referenceNs` (so a receive time up to ±30 min off still resolves correctly).
 */
export function topOfHourToNs(usPastHour: number, referenceNs: bigint): bigint {
  const hourStart = (referenceNs / NS_PER_HOUR) * NS_PER_HOUR;
  const offset = BigInt(Math.trunc(usPastHour)) * NS_PER_US;
  let best = hourStart + offset;
  for (const cand of [best - NS_PER_HOUR, best + NS_PER_HOUR]) {
    const d = cand > referenceNs ? cand - referenceNs : referenceNs - cand;
    const db = best > referenceNs ? best - referenceNs : referenceNs - best;
    if (d < db) best = cand;
  }
  return best;
}
