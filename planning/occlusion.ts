// Occlusion spots: a standing vehicle beside the ego path hides whoever is about to step out in front
// of it. Prediction cannot warn about a pedestrian no one can see, so the ego passes such a spot no
// faster than it could stop from within `occlusionStopDistanceM` of someone who appears there
// (the speed-limit part of Autoware's occlusion_spot module, with the spot at the vehicle's front end).
import { msg } from "../bus/index.ts";
import { idmFreeAccel, type IdmParams } from "./idm.ts";
import type { LaneFrame } from "./LaneFrame.ts";

/** The front end of a standing vehicle beside the ego path, in the ego lane frame. */
export interface OcclusionSpot {
  trackId: number;
  /** Arc length of the vehicle's front end (the most advanced corner), m. */
  sM: number;
  /** Lateral gap from the vehicle's near side to the edge of the ego path band, m (negative: it reaches into the band). */
  gapM: number;
}

export interface OcclusionParams extends IdmParams {
  occlusionStopDistanceM: number;
  occlusionReactionS: number;
  occlusionMaxGapM: number;
  occlusionDecelMps2: number;
  emergencyDecelMps2: number;
  stoppedSpeedMps: number;
  leadLateralMarginM: number;
}

/**
 * Fastest speed from which the ego stops within `occlusionStopDistanceM` after `occlusionReactionS` at
 * the emergency deceleration: the root of v·t + v²/(2a) = d.
 */
export function occlusionPassSpeedMps(p: Pick<OcclusionParams, "occlusionStopDistanceM" | "occlusionReactionS" | "emergencyDecelMps2">): number {
  const a = p.emergencyDecelMps2;
  const t = p.occlusionReactionS;
  return a * (Math.sqrt(t * t + (2 * p.occlusionStopDistanceM) / a) - t);
}

/**
 * Standing vehicles (car, bus or unknown class, slower than `stoppedSpeedMps`) outside the ego lane whose
 * near side is within `occlusionMaxGapM` of the path band and whose front end is ahead of the ego front;
 * nearest first.
 */
export function occlusionSpots(lane: LaneFrame, tracks: msg.TrackList | undefined, sFrontM: number, pathBandM: number, p: OcclusionParams): OcclusionSpot[] {
  const spots: OcclusionSpot[] = [];
  for (const t of tracks?.tracks ?? []) {
    if (t.objectClass === msg.ObjectClass.PEDESTRIAN || t.objectClass === msg.ObjectClass.CYCLIST) continue;
    if (Math.hypot(t.vxMps, t.vyMps) >= p.stoppedSpeedMps) continue;
    const centre = lane.project(t.xM, t.yM);
    if (lane.contains(centre.offsetM, p.leadLateralMarginM)) continue; // a lead vehicle (Planner.leadVehicles), not a roadside one
    const c = Math.cos(t.yawRad);
    const s = Math.sin(t.yawRad);
    let frontS = -Infinity;
    let nearOffset = Infinity;
    for (const [l, w] of CORNERS) {
      const dx = (l * t.lengthM) / 2;
      const dy = (w * t.widthM) / 2;
      const q = lane.project(t.xM + c * dx - s * dy, t.yM + s * dx + c * dy);
      frontS = Math.max(frontS, q.sM);
      nearOffset = Math.min(nearOffset, Math.abs(q.offsetM));
    }
    const gapM = nearOffset - pathBandM;
    if (gapM > p.occlusionMaxGapM || frontS <= sFrontM) continue;
    spots.push({ trackId: t.id, sM: frontS, gapM });
  }
  return spots.sort((a, b) => a.sM - b.sM);
}

const CORNERS = [[1, 1], [1, -1], [-1, 1], [-1, -1]] as const;

/**
 * Acceleration that brings the ego to `passSpeedMps` by a spot `gapM` ahead. It acts within the distance
 * over which the ego slows from the speed limit to the pass speed at `occlusionDecelMps2` (Infinity
 * before), so the ego slows late and steadily rather than creeping from far away. Above the pass speed
 * it is the constant deceleration that reaches it at the spot, never harder than `comfortDecelMps2`
 * (no one has been seen; a spot noticed late is passed somewhat faster). Below it, IDM toward the pass
 * speed, so the ego does not speed up into the spot.
 */
export function occlusionAccel(speedMps: number, speedLimitMps: number, gapM: number, passSpeedMps: number, p: OcclusionParams): number {
  if (gapM <= 0) return Infinity; // passed
  const v = Math.max(speedMps, 0);
  const vPass = Math.min(passSpeedMps, speedLimitMps);
  const vTop = Math.max(v, speedLimitMps);
  if (gapM > (vTop * vTop - vPass * vPass) / (2 * p.occlusionDecelMps2)) return Infinity;
  if (v <= vPass) return idmFreeAccel(v, vPass, p);
  const neededMps2 = (v * v - vPass * vPass) / (2 * Math.max(gapM, 0.1));
  return -Math.min(neededMps2, p.comfortDecelMps2);
}
