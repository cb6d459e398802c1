// The Intelligent Driver Model (Treiber, Hennecke, Helbing 2000): acceleration of a follower.

export interface IdmParams {
  /** Maximum acceleration a, m/s². */
  maxAccelMps2: number;
  /** Comfortable deceleration b, m/s². */
  comfortDecelMps2: number;
  /** Acceleration exponent δ. */
  idmDelta: number;
  /** Desired time headway T, s. */
  timeHeadwayS: number;
}

/** Free-road term only: a·(1 − (v/v0)^δ), m/s². */
export function idmFreeAccel(speedMps: number, desiredSpeedMps: number, p: IdmParams): number {
  return p.maxAccelMps2 * (1 - Math.pow(Math.max(speedMps, 0) / desiredSpeedMps, p.idmDelta));
}

/**
 * IDM acceleration behind an obstacle `gapM` ahead (bumper to bumper) closing at `closingMps`
 * (own speed − obstacle speed), with standstill gap `jamGapM`. Not clamped: the caller bounds it.
 * A gap ≤ 0 gives −Infinity.
 */
export function idmAccel(speedMps: number, desiredSpeedMps: number, gapM: number, closingMps: number, jamGapM: number, p: IdmParams): number {
  if (gapM <= 0) return -Infinity;
  const v = Math.max(speedMps, 0);
  const desiredGapM = jamGapM + Math.max(0, v * p.timeHeadwayS + (v * closingMps) / (2 * Math.sqrt(p.maxAccelMps2 * p.comfortDecelMps2)));
  return idmFreeAccel(v, desiredSpeedMps, p) - p.maxAccelMps2 * (desiredGapM / gapM) ** 2;
}
