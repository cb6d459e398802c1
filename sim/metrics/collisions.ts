// Collisions: the first frame in which the ego footprint overlaps each object's footprint.
import { msg } from "../../bus/index.ts";
import { type SimFrame, relativeSeconds } from "./frame.ts";
import { boxFromObject, boxesOverlap, egoBox } from "./orientedBox.ts";

/** The first contact with one object. Times are seconds from the scenario origin. */
export interface CollisionEvent {
  objectId: number;
  /** "PEDESTRIAN", "CAR", "BUS", "CYCLIST" or "UNKNOWN". */
  objectClass: string;
  pedestrian: boolean;
  parked: boolean;
  firstContactTimeS: number;
  /** Ego ground-truth speed at first contact, m/s. */
  egoSpeedMps: number;
  /** |ego velocity − object velocity| at first contact, m/s. */
  relativeSpeedMps: number;
}

export function objectClassName(c: msg.ObjectClass): string {
  return msg.ObjectClass[c] ?? "UNKNOWN";
}

/** Ego velocity in the map frame from the ground truth (falls back to the vehicle state). */
export function egoVelocity(frame: SimFrame): { vx: number; vy: number; speed: number } {
  const e = frame.groundTruth.ego;
  const speed = e ? e.speedMps : frame.vehicleState.speedMps;
  const yaw = e ? e.yawRad : frame.vehicleState.yawRad;
  return { vx: speed * Math.cos(yaw), vy: speed * Math.sin(yaw), speed };
}

/**
 * One event per distinct object the ego footprint ever overlaps (touching counts), at the first
 * frame of contact, ordered by time then object id.
 */
export function detectCollisions(frames: readonly SimFrame[], originNs: bigint): CollisionEvent[] {
  const seen = new Map<number, CollisionEvent>();
  for (const frame of frames) {
    const ego = egoBox(frame.groundTruth, frame.vehicleState);
    const v = egoVelocity(frame);
    for (const o of frame.groundTruth.objects) {
      if (seen.has(o.id)) continue;
      if (!boxesOverlap(ego, boxFromObject(o))) continue;
      seen.set(o.id, {
        objectId: o.id,
        objectClass: objectClassName(o.objectClass),
        pedestrian: o.objectClass === msg.ObjectClass.PEDESTRIAN,
        parked: o.parked,
        firstContactTimeS: relativeSeconds(frame.tNs, originNs),
        egoSpeedMps: v.speed,
        relativeSpeedMps: Math.hypot(v.vx - o.vxMps, v.vy - o.vyMps),
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.firstContactTimeS - b.firstContactTimeS || a.objectId - b.objectId);
}
