// Pure plane geometry on map primitives (points, polylines, polygons), metres and radians.
// No allocation beyond the returned result; no map knowledge here.

/** Anything with x and y in metres (curb Point2 messages fit). */
export interface Vec2 {
  readonly x: number;
  readonly y: number;
}

/** Even-odd rule; points exactly on an edge may fall either way. `polygon` is not closed. */
export function pointInPolygon(px: number, py: number, polygon: readonly Vec2[]): boolean {
  let inside = false;
  const n = polygon.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = polygon[i];
    const b = polygon[j];
    if (a.y > py !== b.y > py && px < ((b.x - a.x) * (py - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

export function pointInAnyPolygon(px: number, py: number, polygons: readonly (readonly Vec2[])[]): boolean {
  for (const polygon of polygons) if (pointInPolygon(px, py, polygon)) return true;
  return false;
}

/** The nearest point of a polyline to a query point, with the polyline's local frame there. */
export interface PolylineProjection {
  /** Nearest point on the polyline. */
  x: number;
  y: number;
  /** Euclidean distance from the query point to (x, y), m. */
  distanceM: number;
  /** Arc length from the first vertex to (x, y), m. */
  sM: number;
  /** Signed lateral offset of the query point, m: positive left of the driving direction. */
  offsetM: number;
  /** Unit tangent of the segment holding (x, y). */
  tx: number;
  ty: number;
  segmentIndex: number;
}

/**
 * Projects (px, py) onto a polyline (at least two points). Ties go to the first segment.
 * With `extend`, the first and last segments are treated as rays, so a point before the start gets
 * a negative sM and a point past the end an sM beyond the length (used for lane frames).
 */
export function projectOntoPolyline(px: number, py: number, polyline: readonly Vec2[], extend = false): PolylineProjection {
  if (polyline.length < 2) throw new Error(`polyline needs at least 2 points, got ${polyline.length}`);
  let best: PolylineProjection | undefined;
  let sStart = 0;
  const last = polyline.length - 2;
  for (let i = 0; i <= last; i++) {
    const a = polyline[i];
    const b = polyline[i + 1];
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy);
    if (len === 0) continue;
    const tx = dx / len;
    const ty = dy / len;
    let along = (px - a.x) * tx + (py - a.y) * ty;
    const lo = extend && i === 0 ? -Infinity : 0;
    const hi = extend && i === last ? Infinity : len;
    along = Math.min(Math.max(along, lo), hi);
    const cx = a.x + tx * along;
    const cy = a.y + ty * along;
    const d = Math.hypot(px - cx, py - cy);
    if (!best || d < best.distanceM) {
      const offsetM = tx * (py - a.y) - ty * (px - a.x);
      best = { x: cx, y: cy, distanceM: d, sM: sStart + along, offsetM, tx, ty, segmentIndex: i };
    }
    sStart += len;
  }
  if (!best) throw new Error("polyline has no segment of non-zero length");
  return best;
}

export function distanceToPolyline(px: number, py: number, polyline: readonly Vec2[]): number {
  return projectOntoPolyline(px, py, polyline).distanceM;
}

export function polylineLengthM(polyline: readonly Vec2[]): number {
  let s = 0;
  for (let i = 0; i + 1 < polyline.length; i++) s += Math.hypot(polyline[i + 1].x - polyline[i].x, polyline[i + 1].y - polyline[i].y);
  return s;
}

export interface PolylinePose {
  x: number;
  y: number;
  headingRad: number;
}

/** The point at arc length sM; before the start and past the end the end segments are extended. */
export function poseAtArcLength(polyline: readonly Vec2[], sM: number): PolylinePose {
  if (polyline.length < 2) throw new Error(`polyline needs at least 2 points, got ${polyline.length}`);
  let sStart = 0;
  const last = polyline.length - 2;
  for (let i = 0; i <= last; i++) {
    const a = polyline[i];
    const b = polyline[i + 1];
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len === 0 && i < last) continue;
    if (sM <= sStart + len || i === last) {
      const headingRad = Math.atan2(b.y - a.y, b.x - a.x);
      const along = sM - sStart;
      return { x: a.x + Math.cos(headingRad) * along, y: a.y + Math.sin(headingRad) * along, headingRad };
    }
    sStart += len;
  }
  throw new Error("unreachable");
}

/** Wraps an angle to (−π, π]. */
export function wrapAngleRad(a: number): number {
  let r = a % (2 * Math.PI);
  if (r > Math.PI) r -= 2 * Math.PI;
  else if (r <= -Math.PI) r += 2 * Math.PI;
  return r;
}
