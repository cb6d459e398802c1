// The ego lane as a curvilinear frame: arc length s along the centreline (driving direction) and
// signed lateral offset d (left positive). Beyond the ends the centreline is extended straight.
import type { msg } from "../bus/index.ts";
import { poseAtArcLength, projectOntoPolyline, wrapAngleRad, type PolylinePose, type Vec2 } from "../prediction/index.ts";

export class LaneFrame {
  readonly lane: msg.Lane;
  readonly widthM: number;
  private readonly points: readonly Vec2[];

  constructor(lane: msg.Lane, fallbackWidthM: number) {
    const points = lane.centerline?.points ?? [];
    if (points.length < 2) throw new Error(`lane ${lane.id} centreline needs at least 2 points, got ${points.length}`);
    this.lane = lane;
    this.points = points;
    this.widthM = lane.widthM > 0 ? lane.widthM : fallbackWidthM;
  }

  /** (s, d) of a point, m. */
  project(x: number, y: number): { sM: number; offsetM: number; tx: number; ty: number } {
    const p = projectOntoPolyline(x, y, this.points, true);
    return { sM: p.sM, offsetM: p.offsetM, tx: p.tx, ty: p.ty };
  }

  /** Whether a lateral offset lies within the lane, widened by `marginM` on each side. */
  contains(offsetM: number, marginM = 0): boolean {
    return Math.abs(offsetM) <= this.widthM / 2 + marginM;
  }

  pose(sM: number): PolylinePose {
    return poseAtArcLength(this.points, sM);
  }
}

/**
 * The lane the ego drives in: the nearest centreline among lanes whose direction at the ego is within
 * 90° of the ego heading (the nearest of all lanes if none is). Undefined when the map has no usable lane.
 */
export function selectEgoLane(map: msg.StreetMap, x: number, y: number, yawRad: number, fallbackWidthM: number): LaneFrame | undefined {
  let best: { frame: LaneFrame; dist: number; aligned: boolean } | undefined;
  for (const lane of map.lanes) {
    if ((lane.centerline?.points.length ?? 0) < 2) continue;
    const frame = new LaneFrame(lane, fallbackWidthM);
    const p = frame.project(x, y);
    const aligned = Math.abs(wrapAngleRad(Math.atan2(p.ty, p.tx) - yawRad)) < Math.PI / 2;
    const dist = Math.abs(p.offsetM);
    if (!best || (aligned && !best.aligned) || (aligned === best.aligned && dist < best.dist)) best = { frame, dist, aligned };
  }
  return best?.frame;
}
