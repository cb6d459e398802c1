// Yielding at marked crosswalks. Someone waiting at a crosswalk the ego path crosses, or walking onto it
// toward the ego path, gets a stop line before the crosswalk (the rule in most places, and Autoware's
// crosswalk module). The constant-velocity path sees a crossing only once it has begun: with a group
// waiting at the crosswalk, the ego used to arrive at the speed limit and brake at up to 8 m/s² when they
// stepped out. Pure functions; the Planner keeps which crosswalks it yields at and who declined.
import type { Vec2 } from "../prediction/index.ts";
import { distanceToPolyline, pointInPolygon } from "../prediction/index.ts";
import type { LaneFrame } from "./LaneFrame.ts";

/** A map crosswalk: its polygon, and the polygon closed (first vertex repeated) for distances to its outline. */
export interface CrosswalkShape {
  /** Index in the map's crosswalks. */
  index: number;
  polygon: readonly Vec2[];
  outline: readonly Vec2[];
}

/** A crosswalk the ego path crosses, in the ego lane frame. */
export interface CrosswalkOnPath extends CrosswalkShape {
  /** Arc length of the crosswalk's first vertex along the lane (where the path enters it), m. */
  sEntryM: number;
}

/**
 * How a pedestrian uses a crosswalk: "on" it inside the ego path band, "approaching" the ego path (on the
 * crosswalk or stepping onto it), or "waiting" at it (standing on it or within the attention distance).
 */
export type CrosswalkUse = "on" | "approaching" | "waiting";

export interface CrosswalkParams {
  /** A pedestrian within this of a crosswalk's outline is at the crosswalk, m. */
  crosswalkAttentionM: number;
  /** Someone at the crosswalk last cycle stays at it until this much further out, m. */
  crosswalkAttentionHysteresisM: number;
  /** Slower than this, a pedestrian at the crosswalk is waiting; walking toward the path at least this fast, approaching, m/s. */
  crosswalkWaitingSpeedMps: number;
}

/** The map's crosswalks with at least three vertices, made once per map. */
export function crosswalkShapes(crosswalks: readonly { points: readonly Vec2[] }[]): CrosswalkShape[] {
  const shapes: CrosswalkShape[] = [];
  crosswalks.forEach((c, index) => {
    if (c.points.length >= 3) shapes.push({ index, polygon: c.points, outline: [...c.points, c.points[0]] });
  });
  return shapes;
}

/** Crosswalks whose vertices span the path band and whose entry is ahead of the ego front, nearest first. */
export function crosswalksOnPath(lane: LaneFrame, crosswalks: readonly CrosswalkShape[], sFrontM: number, pathBandM: number): CrosswalkOnPath[] {
  const out: CrosswalkOnPath[] = [];
  for (const c of crosswalks) {
    let sEntryM = Infinity;
    let minOffset = Infinity;
    let maxOffset = -Infinity;
    for (const v of c.polygon) {
      const q = lane.project(v.x, v.y);
      sEntryM = Math.min(sEntryM, q.sM);
      minOffset = Math.min(minOffset, q.offsetM);
      maxOffset = Math.max(maxOffset, q.offsetM);
    }
    if (minOffset > pathBandM || maxOffset < -pathBandM || sEntryM <= sFrontM) continue;
    out.push({ ...c, sEntryM });
  }
  return out.sort((a, b) => a.sEntryM - b.sEntryM);
}

/**
 * How the pedestrian at (x, y) moving at (vx, vy) uses `crosswalk`, or undefined: away from it, walking
 * along the sidewalk past it, or walking away from the ego path (e.g. once it has crossed the ego lane).
 * `wasUsing`: it used the crosswalk last cycle, so it is at it out to the attention distance plus the
 * hysteresis (someone standing at the edge of the attention distance would otherwise come and go with
 * the position noise, and the yield with them).
 */
export function crosswalkUse(
  lane: LaneFrame, crosswalk: CrosswalkShape, x: number, y: number, vx: number, vy: number, pathBandM: number, p: CrosswalkParams, wasUsing = false,
): CrosswalkUse | undefined {
  const attentionM = p.crosswalkAttentionM + (wasUsing ? p.crosswalkAttentionHysteresisM : 0);
  if (!pointInPolygon(x, y, crosswalk.polygon) && distanceToPolyline(x, y, crosswalk.outline) > attentionM) return undefined;
  const q = lane.project(x, y);
  if (Math.abs(q.offsetM) <= pathBandM) return "on";
  const towardPathMps = -Math.sign(q.offsetM) * (vy * q.tx - vx * q.ty); // velocity along the lane normal, toward the centreline
  if (towardPathMps >= p.crosswalkWaitingSpeedMps) return "approaching";
  if (Math.hypot(vx, vy) < p.crosswalkWaitingSpeedMps) return "waiting";
  return undefined;
}

/** The use that matters most for yielding: someone in the path before someone approaching it before someone waiting. */
export function moreUrgent(a: CrosswalkUse | undefined, b: CrosswalkUse): boolean {
  return a === undefined || URGENCY[b] < URGENCY[a];
}

const URGENCY: Record<CrosswalkUse, number> = { on: 0, approaching: 1, waiting: 2 };
