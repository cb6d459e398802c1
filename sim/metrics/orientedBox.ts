// Oriented rectangles in the map plane: footprints of the ego and of every object, their overlap
// (separating-axis test) and their distance. Boxes are closed sets: touching counts as overlap.
import type { msg } from "../../bus/index.ts";

/** A footprint: centre (m, map frame), heading yaw (rad, from +x towards +y), full length along the heading and width (m). */
export interface OrientedBox {
  cx: number;
  cy: number;
  yaw: number;
  length: number;
  width: number;
}

/** Footprint of a ground-truth object (its x/y are the footprint centre). */
export function boxFromObject(o: msg.GroundTruthObject): OrientedBox {
  return { cx: o.xM, cy: o.yM, yaw: o.yawRad, length: o.lengthM, width: o.widthM };
}

/**
 * Footprint of the ego. Ground truth is preferred (it is the truth; the vehicle state is odometry);
 * ego x/y are taken to be the footprint centre. Dimensions missing (0) in the ground truth are
 * taken from the vehicle state.
 */
export function egoBox(groundTruth: msg.GroundTruth, vehicleState: msg.VehicleState): OrientedBox {
  const e = groundTruth.ego;
  if (!e) {
    return {
      cx: vehicleState.xM,
      cy: vehicleState.yM,
      yaw: vehicleState.yawRad,
      length: vehicleState.lengthM,
      width: vehicleState.widthM,
    };
  }
  return {
    cx: e.xM,
    cy: e.yM,
    yaw: e.yawRad,
    length: e.lengthM > 0 ? e.lengthM : vehicleState.lengthM,
    width: e.widthM > 0 ? e.widthM : vehicleState.widthM,
  };
}

/**
 * The four corners, counter-clockwise starting front-left, as [x0, y0, x1, y1, ...] written into `out`.
 */
export function boxCorners(b: OrientedBox, out: Float64Array = new Float64Array(8)): Float64Array {
  const c = Math.cos(b.yaw);
  const s = Math.sin(b.yaw);
  const hl = b.length / 2;
  const hw = b.width / 2;
  const local = [hl, hw, -hl, hw, -hl, -hw, hl, -hw];
  for (let i = 0; i < 4; i++) {
    const lx = local[2 * i];
    const ly = local[2 * i + 1];
    out[2 * i] = b.cx + c * lx - s * ly;
    out[2 * i + 1] = b.cy + s * lx + c * ly;
  }
  return out;
}

/** Half-extent of `b` projected on the unit axis (ux, uy). */
function projectedRadius(b: OrientedBox, ux: number, uy: number): number {
  const c = Math.cos(b.yaw);
  const s = Math.sin(b.yaw);
  return (b.length / 2) * Math.abs(c * ux + s * uy) + (b.width / 2) * Math.abs(-s * ux + c * uy);
}

/**
 * Separating-axis test for two oriented rectangles. True when they share at least one point
 * (interiors intersecting or edges touching).
 */
export function boxesOverlap(a: OrientedBox, b: OrientedBox): boolean {
  const dx = b.cx - a.cx;
  const dy = b.cy - a.cy;
  const axes = [a.yaw, a.yaw + Math.PI / 2, b.yaw, b.yaw + Math.PI / 2];
  for (const th of axes) {
    const ux = Math.cos(th);
    const uy = Math.sin(th);
    const gap = Math.abs(dx * ux + dy * uy) - projectedRadius(a, ux, uy) - projectedRadius(b, ux, uy);
    if (gap > 0) return false;
  }
  return true;
}

function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax;
  const ey = by - ay;
  const len2 = ex * ex + ey * ey;
  let t = len2 > 0 ? ((px - ax) * ex + (py - ay) * ey) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - (ax + t * ex), py - (ay + t * ey));
}

const scratchA = new Float64Array(8);
const scratchB = new Float64Array(8);

/** Euclidean distance between two footprints (m); 0 when they overlap or touch. */
export function boxDistance(a: OrientedBox, b: OrientedBox): number {
  if (boxesOverlap(a, b)) return 0;
  const ca = boxCorners(a, scratchA);
  const cb = boxCorners(b, scratchB);
  let best = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    const p = pass === 0 ? ca : cb;
    const q = pass === 0 ? cb : ca;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const k = (j + 1) % 4;
        const d = pointSegmentDistance(p[2 * i], p[2 * i + 1], q[2 * j], q[2 * j + 1], q[2 * k], q[2 * k + 1]);
        if (d < best) best = d;
      }
    }
  }
  return best;
}
