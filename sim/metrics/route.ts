// The ego's route as a polyline, arc-length projection onto it, and picking a route from the map.
import type { msg } from "../../bus/index.ts";

export interface Point2Like {
  x: number;
  y: number;
}

/** A polyline in driving order with its cumulative arc length. */
export interface Route {
  points: readonly Point2Like[];
  /** cumulative[i] = arc length from points[0] to points[i], m. */
  cumulative: readonly number[];
  lengthM: number;
}

export function makeRoute(points: readonly Point2Like[]): Route {
  if (points.length < 2) throw new Error(`route needs at least 2 points, got ${points.length}`);
  const cumulative = [0];
  for (let i = 1; i < points.length; i++) {
    cumulative.push(cumulative[i - 1] + Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y));
  }
  return { points, cumulative, lengthM: cumulative[cumulative.length - 1] };
}

/** Arc length (m, clamped to [0, length]) of the route point nearest to (x, y), and that distance. */
export function projectOntoRoute(route: Route, x: number, y: number): { sM: number; lateralM: number } {
  let bestD = Infinity;
  let bestS = 0;
  const p = route.points;
  for (let i = 0; i + 1 < p.length; i++) {
    const ex = p[i + 1].x - p[i].x;
    const ey = p[i + 1].y - p[i].y;
    const len2 = ex * ex + ey * ey;
    let t = len2 > 0 ? ((x - p[i].x) * ex + (y - p[i].y) * ey) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const d = Math.hypot(x - (p[i].x + t * ex), y - (p[i].y + t * ey));
    if (d < bestD) {
      bestD = d;
      bestS = route.cumulative[i] + t * Math.sqrt(len2);
    }
  }
  return { sM: bestS, lateralM: bestD };
}

/**
 * The centreline of the lane the ego starts in: the nearest lane whose direction at the nearest
 * point is within 90° of the ego heading. Null when the map has no usable lane.
 */
export function routeFromStreetMap(map: msg.StreetMap, x: number, y: number, yawRad: number): Route | null {
  let best: Route | null = null;
  let bestD = Infinity;
  for (const lane of map.lanes) {
    const pts = lane.centerline?.points ?? [];
    if (pts.length < 2) continue;
    const route = makeRoute(pts.map((q) => ({ x: q.x, y: q.y })));
    const { sM, lateralM } = projectOntoRoute(route, x, y);
    const dir = directionAt(route, sM);
    if (dir.x * Math.cos(yawRad) + dir.y * Math.sin(yawRad) <= 0) continue;
    if (lateralM < bestD) {
      bestD = lateralM;
      best = route;
    }
  }
  return best;
}

function directionAt(route: Route, sM: number): Point2Like {
  const p = route.points;
  let i = 0;
  while (i + 2 < p.length && route.cumulative[i + 1] < sM) i++;
  const ex = p[i + 1].x - p[i].x;
  const ey = p[i + 1].y - p[i].y;
  const n = Math.hypot(ex, ey) || 1;
  return { x: ex / n, y: ey / n };
}
