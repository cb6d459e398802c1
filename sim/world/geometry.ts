// Small 2D geometry for the object-level world: points in polygons, oriented boxes and the
// segment-versus-box test used for line of sight. Pure functions on numbers, no allocation in the
// hot paths (visibility casts thousands of rays per step).

/** A point in the map plane, metres. */
export interface Vec2 {
  x: number;
  y: number;
}

/** An oriented rectangle: centre, heading (rad, from +x towards +y), full length along the heading, full width. */
export interface Box2 {
  cx: number;
  cy: number;
  yaw: number;
  length: number;
  width: number;
}

/** Even-odd point-in-polygon test (polygon not closed: last point != first point). Boundary counts as inside for axis-aligned edges within 1e-9. */
export function pointInPolygon(x: number, y: number, poly: readonly Vec2[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const xi = poly[i].x;
    const yi = poly[i].y;
    const xj = poly[j].x;
    const yj = poly[j].y;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Axis-aligned rectangle as a counter-clockwise polygon. */
export function rectPolygon(x0: number, y0: number, x1: number, y1: number): Vec2[] {
  return [
    { x: x0, y: y0 },
    { x: x1, y: y0 },
    { x: x1, y: y1 },
    { x: x0, y: y1 },
  ];
}

/**
 * True when the segment (x0, y0)–(x1, y1) shares more than a grazing point with the oriented box
 * centred at (cx, cy) with heading cos/sin (c, s) and half extents hl (along heading) and hw.
 * Liang–Barsky clipping in the box frame.
 */
export function segmentHitsBox(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  cx: number,
  cy: number,
  c: number,
  s: number,
  hl: number,
  hw: number,
): boolean {
  // Segment endpoints in the box frame.
  const ax = x0 - cx;
  const ay = y0 - cy;
  const bx = x1 - cx;
  const by = y1 - cy;
  const p0 = ax * c + ay * s;
  const q0 = -ax * s + ay * c;
  const dp = bx * c + by * s - p0;
  const dq = -bx * s + by * c - q0;
  let tEnter = 0;
  let tExit = 1;
  // Slab along the heading.
  if (Math.abs(dp) < 1e-12) {
    if (p0 < -hl || p0 > hl) return false;
  } else {
    let ta = (-hl - p0) / dp;
    let tb = (hl - p0) / dp;
    if (ta > tb) {
      const t = ta;
      ta = tb;
      tb = t;
    }
    if (ta > tEnter) tEnter = ta;
    if (tb < tExit) tExit = tb;
    if (tEnter > tExit) return false;
  }
  // Slab across the heading.
  if (Math.abs(dq) < 1e-12) {
    if (q0 < -hw || q0 > hw) return false;
  } else {
    let ta = (-hw - q0) / dq;
    let tb = (hw - q0) / dq;
    if (ta > tb) {
      const t = ta;
      ta = tb;
      tb = t;
    }
    if (ta > tEnter) tEnter = ta;
    if (tb < tExit) tExit = tb;
  }
  return tExit - tEnter > 1e-9;
}

/** Separating-axis overlap test of two oriented boxes (touching counts). */
export function boxesOverlap(a: Box2, b: Box2): boolean {
  const dx = b.cx - a.cx;
  const dy = b.cy - a.cy;
  const ca = Math.cos(a.yaw);
  const sa = Math.sin(a.yaw);
  const cb = Math.cos(b.yaw);
  const sb = Math.sin(b.yaw);
  const axes = [ca, sa, -sa, ca, cb, sb, -sb, cb];
  for (let i = 0; i < 8; i += 2) {
    const ux = axes[i];
    const uy = axes[i + 1];
    const ra = (a.length / 2) * Math.abs(ca * ux + sa * uy) + (a.width / 2) * Math.abs(-sa * ux + ca * uy);
    const rb = (b.length / 2) * Math.abs(cb * ux + sb * uy) + (b.width / 2) * Math.abs(-sb * ux + cb * uy);
    if (Math.abs(dx * ux + dy * uy) > ra + rb) return false;
  }
  return true;
}

/** Wraps an angle to (−π, π]. */
export function wrapAngle(a: number): number {
  let r = a % (2 * Math.PI);
  if (r <= -Math.PI) r += 2 * Math.PI;
  else if (r > Math.PI) r -= 2 * Math.PI;
  return r;
}
