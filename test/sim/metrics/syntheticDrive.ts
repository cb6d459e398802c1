// Synthetic frames for metric and report tests: an ego driving east along y = −1.75 with a
// closed-form motion, and pedestrians given per frame.
import { msg, toTimestamp } from "../../../bus/index.ts";
import type { SimFrame } from "../../../sim/metrics/index.ts";

export const EGO_LENGTH_M = 4.6;
export const EGO_WIDTH_M = 1.9;
export const LANE_Y_M = -1.75;

export interface EgoSample {
  x: number;
  speed: number;
  acceleration: number;
}

export interface PedSample {
  id: number;
  x: number;
  y: number;
  vx?: number;
  vy?: number;
  behaviour?: msg.PedestrianTruth_Behaviour;
  decisionTimeNs?: bigint;
  curbLeaveTimeNs?: bigint;
  onRoad?: boolean;
  willCross?: boolean;
  willJaywalk?: boolean;
}

export function pedestrianObject(p: PedSample): msg.GroundTruthObject {
  return msg.create(msg.GroundTruthObjectSchema, {
    id: p.id,
    objectClass: msg.ObjectClass.PEDESTRIAN,
    xM: p.x,
    yM: p.y,
    yawRad: 0,
    vxMps: p.vx ?? 0,
    vyMps: p.vy ?? 0,
    lengthM: 0.5,
    widthM: 0.5,
    heightM: 1.7,
    visibility: 1,
    pedestrian: {
      behaviour: p.behaviour ?? msg.PedestrianTruth_Behaviour.STAND,
      decisionTimeNs: p.decisionTimeNs ?? 0n,
      curbLeaveTimeNs: p.curbLeaveTimeNs ?? 0n,
      onRoad: p.onRoad ?? false,
      willCross: p.willCross ?? false,
      willJaywalk: p.willJaywalk ?? false,
    },
  });
}

export function parkedCar(id: number, x: number, y: number): msg.GroundTruthObject {
  return msg.create(msg.GroundTruthObjectSchema, {
    id,
    objectClass: msg.ObjectClass.CAR,
    xM: x,
    yM: y,
    lengthM: 4.5,
    widthM: 1.8,
    heightM: 1.5,
    parked: true,
  });
}

/** Frames k = 0..n−1 at t = k·dt (tNs exact integers), ego from `ego(k, t)`, objects from `objects(k, t)`. */
export function buildFrames(
  n: number,
  ego: (k: number, t: number) => EgoSample,
  objects: (k: number, t: number) => msg.GroundTruthObject[] = () => [],
  dtNs = 100_000_000n,
): SimFrame[] {
  const frames: SimFrame[] = [];
  for (let k = 0; k < n; k++) {
    const tNs = BigInt(k) * dtNs;
    const t = Number(tNs) / 1e9;
    const e = ego(k, t);
    frames.push({
      tNs,
      groundTruth: msg.create(msg.GroundTruthSchema, {
        timestamp: toTimestamp(tNs),
        frameId: "map",
        objects: objects(k, t),
        ego: { xM: e.x, yM: LANE_Y_M, yawRad: 0, speedMps: e.speed, lengthM: EGO_LENGTH_M, widthM: EGO_WIDTH_M },
      }),
      vehicleState: msg.create(msg.VehicleStateSchema, {
        timestamp: toTimestamp(tNs),
        frameId: "map",
        xM: e.x,
        yM: LANE_Y_M,
        yawRad: 0,
        speedMps: e.speed,
        accelerationMps2: e.acceleration,
        lengthM: EGO_LENGTH_M,
        widthM: EGO_WIDTH_M,
      }),
    });
  }
  return frames;
}

/** Constant 10 m/s from x = 0: x = k metres exactly at frame k. */
export function constantDrive(k: number): EgoSample {
  return { x: k, speed: 10, acceleration: 0 };
}

/**
 * 10 m/s from x = 0, braking at −5 m/s² from x = 35 (t = 3.5 s) to a stop at x = 45 (t = 5.5 s),
 * then standing.
 */
export function stopAt45(_k: number, t: number): EgoSample {
  if (t < 3.5 - 1e-9) return { x: 10 * t, speed: 10, acceleration: 0 };
  const tau = Math.min(t - 3.5, 2);
  const stopped = t - 3.5 > 2 - 1e-9;
  return { x: 35 + 10 * tau - 2.5 * tau * tau, speed: 10 - 5 * tau, acceleration: stopped ? 0 : -5 };
}

/** A two-lane street map: eastbound lane y = −1.75 from x = 0 to 200, westbound y = +1.75 back. */
export function twoLaneMap(): msg.StreetMap {
  const rect = (x0: number, y0: number, x1: number, y1: number) => ({
    points: [
      { x: x0, y: y0 },
      { x: x1, y: y0 },
      { x: x1, y: y1 },
      { x: x0, y: y1 },
    ],
  });
  return msg.create(msg.StreetMapSchema, {
    frameId: "map",
    name: "test street",
    lanes: [
      { id: 1, centerline: { points: [{ x: 0, y: -1.75 }, { x: 200, y: -1.75 }] }, widthM: 3.5, speedLimitMps: 13.9 },
      { id: 2, centerline: { points: [{ x: 200, y: 1.75 }, { x: 0, y: 1.75 }] }, widthM: 3.5, speedLimitMps: 13.9 },
    ],
    road: [rect(0, -5.5, 200, 5.5)],
    sidewalks: [rect(0, -9.5, 200, -5.5), rect(0, 5.5, 200, 9.5)],
    curbs: [
      { points: [{ x: 0, y: -5.5 }, { x: 200, y: -5.5 }] },
      { points: [{ x: 0, y: 5.5 }, { x: 200, y: 5.5 }] },
    ],
    crosswalks: [rect(118, -5.5, 122, 5.5)],
    buildings: [rect(0, -20, 60, -10), rect(70, -20, 200, -10), rect(0, 10, 200, 20)],
  });
}
