// The street the simulator builds, as a StreetMap fixture, plus small message builders for tests.
import { msg, secondsToNs, toTimestamp } from "../../bus/index.ts";

export const SPEED_LIMIT_MPS = 12.5;

const pts = (...xy: [number, number][]) => xy.map(([x, y]) => ({ x, y }));
const rect = (x0: number, y0: number, x1: number, y1: number) => ({ points: pts([x0, y0], [x1, y0], [x1, y1], [x0, y1]) });

/** x east along the street 0..300 m; eastbound lane y∈[−3.5,0], westbound y∈[0,3.5]; parking to |y| = 5.5. */
export function streetMap(): msg.StreetMap {
  return msg.create(msg.StreetMapSchema, {
    timestamp: toTimestamp(0n),
    frameId: "map",
    name: "test street",
    lanes: [
      { id: 1, centerline: { points: pts([0, -1.75], [150, -1.75], [300, -1.75]) }, widthM: 3.5, speedLimitMps: SPEED_LIMIT_MPS },
      { id: 2, centerline: { points: pts([300, 1.75], [0, 1.75]) }, widthM: 3.5, speedLimitMps: SPEED_LIMIT_MPS },
    ],
    sidewalks: [rect(0, -9.5, 300, -5.5), rect(0, 5.5, 300, 9.5)],
    curbs: [{ points: pts([0, -5.5], [300, -5.5]) }, { points: pts([0, 5.5], [300, 5.5]) }],
    crosswalks: [rect(118, -5.5, 122, 5.5)],
    road: [rect(0, -5.5, 300, 5.5)],
  });
}

export interface ObjectSpec {
  id: number;
  objectClass?: msg.ObjectClass;
  x: number;
  y: number;
  vx?: number;
  vy?: number;
  visibility?: number;
  parked?: boolean;
  /** Track age (track() only), s; default 1: an established track. */
  ageS?: number;
}

export function groundTruthObject(o: ObjectSpec): msg.GroundTruthObject {
  const cls = o.objectClass ?? msg.ObjectClass.PEDESTRIAN;
  const ped = cls === msg.ObjectClass.PEDESTRIAN;
  return msg.create(msg.GroundTruthObjectSchema, {
    id: o.id, objectClass: cls, xM: o.x, yM: o.y, yawRad: Math.atan2(o.vy ?? 0, o.vx ?? 0),
    vxMps: o.vx ?? 0, vyMps: o.vy ?? 0,
    lengthM: ped ? 0.5 : 4.5, widthM: ped ? 0.5 : 1.8, heightM: ped ? 1.7 : 1.5,
    parked: o.parked ?? false, visibility: o.visibility ?? 1,
    pedestrian: ped ? {} : undefined,
  });
}

export function groundTruth(tS: number, objects: ObjectSpec[], ego = { x: 0, y: -1.75, speed: 0 }): msg.GroundTruth {
  return msg.create(msg.GroundTruthSchema, {
    timestamp: toTimestamp(secondsToNs(tS)),
    frameId: "map",
    objects: objects.map(groundTruthObject),
    ego: { xM: ego.x, yM: ego.y, yawRad: 0, speedMps: ego.speed, lengthM: 4.6, widthM: 1.9 },
  });
}

export function track(o: ObjectSpec): msg.Track {
  const t = trackFromTruth(groundTruthObject(o));
  t.ageS = o.ageS ?? 1;
  return t;
}

/** The exact track of a ground-truth object (a noise-free perception). */
export function trackFromTruth(g: msg.GroundTruthObject): msg.Track {
  return msg.create(msg.TrackSchema, {
    id: g.id, objectClass: g.objectClass, xM: g.xM, yM: g.yM, yawRad: g.yawRad, vxMps: g.vxMps, vyMps: g.vyMps,
    lengthM: g.lengthM, widthM: g.widthM, heightM: g.heightM,
  });
}

export function trackList(tS: number, objects: ObjectSpec[]): msg.TrackList {
  return msg.create(msg.TrackListSchema, { timestamp: toTimestamp(secondsToNs(tS)), frameId: "map", tracks: objects.map(track) });
}

export function vehicleState(tS: number, x: number, y: number, speed: number, yaw = 0): msg.VehicleState {
  return msg.create(msg.VehicleStateSchema, {
    timestamp: toTimestamp(secondsToNs(tS)), frameId: "map", xM: x, yM: y, yawRad: yaw, speedMps: speed,
    lengthM: 4.6, widthM: 1.9, wheelbaseM: 2.8,
  });
}
