// Pure pursuit: the steering angle that puts the rear axle on a circle through a look-ahead point.

/**
 * Steering angle, rad (positive left), for a vehicle with rear axle at (x, y), heading `yawRad`,
 * wheelbase `wheelbaseM`, aiming at (targetX, targetY). Not clamped. A target at the axle gives 0.
 */
export function purePursuitSteering(x: number, y: number, yawRad: number, wheelbaseM: number, targetX: number, targetY: number): number {
  const dx = targetX - x;
  const dy = targetY - y;
  const dist = Math.hypot(dx, dy);
  if (dist < 1e-6) return 0;
  const alpha = Math.atan2(dy, dx) - yawRad;
  return Math.atan2(2 * wheelbaseM * Math.sin(alpha), dist);
}
