// Fixed-precision rounding so metrics computed twice compare bit for bit, as numbers and as JSON.

/** Decimal places every reported metric is rounded to (1e-6). */
export const METRIC_DECIMALS = 6;
const SCALE = 10 ** METRIC_DECIMALS;

/** Rounds to 1e-6 and turns −0 into 0. Non-finite values are returned unchanged. */
export function roundMetric(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x * SCALE) / SCALE;
  return r === 0 ? 0 : r;
}

/** `roundMetric`, with null for null, undefined or a non-finite value. */
export function roundOrNull(x: number | null | undefined): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return roundMetric(x);
}
