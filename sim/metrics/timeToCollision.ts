// Time to collision under constant velocity of both parties: the first future instant at which
// the two footprints (not inflated) would share a point. Headings stay fixed, so the relative
// motion is a pure translation and the answer is exact: the relative centre moves on a straight
// line, and the footprints overlap exactly while it is inside the Minkowski sum of the two boxes
// (a convex polygon), so TTC is where that ray enters the polygon (Cyrus–Beck clipping).
import { type OrientedBox, boxCorners, boxesOverlap } from "./orientedBox.ts";

/** A velocity in the map frame, m/s. */
export interface Velocity2 {
  vx: number;
  vy: number;
}

/** Default look-ahead, seconds: a collision later than this is reported as never (Infinity). */
export const DEFAULT_TTC_HORIZON_S = 10;

/** Smallest footprint dimension used, metres, so a zero-size box still has an area. */
const MIN_DIMENSION_M = 1e-3;

function centred(b: OrientedBox): OrientedBox {
  return {
    cx: 0,
    cy: 0,
    yaw: b.yaw,
    length: Math.max(b.length, MIN_DIMENSION_M),
    width: Math.max(b.width, MIN_DIMENSION_M),
  };
}

/** Convex hull, counter-clockwise, collinear points dropped (Andrew's monotone chain). */
function convexHull(points: Array<[number, number]>): Array<[number, number]> {
  const pts = points.slice().sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Array<[number, number]> = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Array<[number, number]> = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Seconds until `a` (moving at `va`) and `b` (moving at `vb`) first overlap, both at constant
 * velocity and fixed heading. 0 if they overlap now; Infinity if they never do within `horizonS`
 * (in particular whenever they are not converging).
 *
 * @example
 * // ego 4 m long at x=0 doing 10 m/s east, 0.5 m pedestrian standing at x=22.25: gap 20 m → 2 s
 * timeToCollision(ego, { vx: 10, vy: 0 }, ped, { vx: 0, vy: 0 }) // 2
 */
export function timeToCollision(
  a: OrientedBox,
  va: Velocity2,
  b: OrientedBox,
  vb: Velocity2,
  horizonS: number = DEFAULT_TTC_HORIZON_S,
): number {
  if (boxesOverlap(a, b)) return 0;
  // Offset of b's centre relative to a's centre, and its rate of change.
  const px = b.cx - a.cx;
  const py = b.cy - a.cy;
  const vx = vb.vx - va.vx;
  const vy = vb.vy - va.vy;
  // No separate "converging" test is needed: the box-to-box gap is a convex function of time under
  // this motion, so a ray that enters the polygon at t ≥ 0 is exactly a converging approach.
  // (Centre distance is not the right test: a pedestrian beside the bonnet can be hit while the
  // centres move apart.)
  // Overlap ⇔ offset ∈ A ⊕ (−B) = A ⊕ B (rectangles are centrally symmetric).
  const ca = boxCorners(centred(a));
  const cb = boxCorners(centred(b));
  const sums: Array<[number, number]> = [];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) sums.push([ca[2 * i] + cb[2 * j], ca[2 * i + 1] + cb[2 * j + 1]]);
  }
  const hull = convexHull(sums);
  let tEnter = 0;
  let tExit = horizonS;
  for (let i = 0; i < hull.length; i++) {
    const [ax, ay] = hull[i];
    const [bx, by] = hull[(i + 1) % hull.length];
    const ex = bx - ax;
    const ey = by - ay;
    // Inside (left of the CCW edge): n0 + n1 t >= 0.
    const n0 = ex * (py - ay) - ey * (px - ax);
    const n1 = ex * vy - ey * vx;
    if (n1 === 0) {
      if (n0 < 0) return Infinity;
    } else if (n1 > 0) {
      tEnter = Math.max(tEnter, -n0 / n1);
    } else {
      tExit = Math.min(tExit, -n0 / n1);
    }
    if (tEnter > tExit) return Infinity;
  }
  return tEnter;
}

/**
 * The same quantity by brute force: the first multiple of `stepS` at which the moved boxes
 * overlap, or Infinity. Slower and quantised; kept as an independent cross-check.
 */
export function timeToCollisionSampled(
  a: OrientedBox,
  va: Velocity2,
  b: OrientedBox,
  vb: Velocity2,
  horizonS: number = DEFAULT_TTC_HORIZON_S,
  stepS = 0.05,
): number {
  const steps = Math.floor(horizonS / stepS + 1e-9);
  for (let k = 0; k <= steps; k++) {
    const t = k * stepS;
    const am = { ...a, cx: a.cx + va.vx * t, cy: a.cy + va.vy * t };
    const bm = { ...b, cx: b.cx + vb.vx * t, cy: b.cy + vb.vy * t };
    if (boxesOverlap(am, bm)) return t;
  }
  return Infinity;
}
