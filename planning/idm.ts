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

/** Coolness factor c of the ACC model: 0 is plain IDM, 1 is the constant-acceleration heuristic only. */
export const ACC_COOLNESS = 0.99;

/**
 * The ACC model (Treiber & Kesting, "Traffic Flow Dynamics", 2013, §11.3.7): IDM, blended with
 * the constant-acceleration heuristic (CAH) when IDM over-reacts. Plain IDM brakes far harder than
 * needed when an obstacle appears close (a pedestrian stepping out, a cut-in): the CAH asks only for
 * the deceleration that avoids the collision if the obstacle keeps its speed, and the blend keeps
 * at least that. The obstacle is assumed not to accelerate. Gap and jam gap as in `idmAccel`.
 */
export function accAccel(speedMps: number, desiredSpeedMps: number, gapM: number, obstacleSpeedMps: number, jamGapM: number, p: IdmParams): number {
  const aIdm = idmAccel(speedMps, desiredSpeedMps, gapM, speedMps - obstacleSpeedMps, jamGapM, p);
  if (!Number.isFinite(aIdm)) return aIdm;
  const v = Math.max(speedMps, 0);
  const closing = v - obstacleSpeedMps;
  // Stop (or match speed) at the jam gap, not at the obstacle itself.
  const s = Math.max(gapM - jamGapM, 0.1);
  const aCah = closing > 0 ? -(closing * closing) / (2 * s) : 0;
  if (aIdm >= aCah) return aIdm;
  const b = p.comfortDecelMps2;
  return (1 - ACC_COOLNESS) * aIdm + ACC_COOLNESS * (aCah + b * Math.tanh((aIdm - aCah) / b));
}

/** The constant deceleration that stops from `speedMps` within `distanceM` (> 0), m/s², positive. */
export function stopLineDecel(speedMps: number, distanceM: number): number {
  const v = Math.max(speedMps, 0);
  return (v * v) / (2 * distanceM);
}
