// Per-sensor ground truth (/sim/sensor_truth): for each output of a rig sensor (LiDAR scan, radar
// cycle, camera frame), which objects that sensor could see — line-of-sight visibility from ITS
// mount position, LiDAR returns per object, camera 2D boxes. Training labels for detectors.
import { msg, toTimestamp } from "../bus/index.ts";
import type { GroundTruthBox2D } from "./sensors/index.ts";
import { OccluderSet, STATIC_OWNER, boxVisibility, polygonBounds, type World } from "./world/index.ts";

/** A rig pose in base_link (metres, radians, ROS roll-pitch-yaw). */
export interface MountPose {
  xM: number;
  yM: number;
  zM?: number;
  rollRad?: number;
  pitchRad?: number;
  yawRad?: number;
}

/** Row-major R = Rz(yaw)·Ry(pitch)·Rx(roll) (sensor → base_link). */
function rpyMatrix(roll: number, pitch: number, yaw: number): number[] {
  const [cr, sr, cp, sp, cy, sy] = [Math.cos(roll), Math.sin(roll), Math.cos(pitch), Math.sin(pitch), Math.cos(yaw), Math.sin(yaw)];
  return [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr, sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr, -sp, cp * sr, cp * cr];
}

/**
 * The object's upright box in the frame of a sensor mounted at `pose` on an ego at `ego`: centre
 * (half the height above the ground, z = 0 of base_link), size and yaw about the sensor's z.
 */
export function boxInSensorFrame(o: msg.GroundTruthObject, ego: { xM: number; yM: number; yawRad: number } | undefined, pose: MountPose): msg.SensorFrameBox {
  const e = ego ?? { xM: 0, yM: 0, yawRad: 0 };
  const c = Math.cos(e.yawRad);
  const s = Math.sin(e.yawRad);
  // map → base_link, then minus the mount translation, then Rᵀ.
  const dx = o.xM - e.xM;
  const dy = o.yM - e.yM;
  const bx = c * dx + s * dy - pose.xM;
  const by = -s * dx + c * dy - pose.yM;
  const bz = o.heightM / 2 - (pose.zM ?? 0);
  const R = rpyMatrix(pose.rollRad ?? 0, pose.pitchRad ?? 0, pose.yawRad ?? 0);
  // Heading: the length axis (cos ψ, sin ψ, 0) in base_link, rotated into the sensor frame.
  const psi = o.yawRad - e.yawRad;
  const hx = Math.cos(psi);
  const hy = Math.sin(psi);
  let yaw = Math.atan2(R[1] * hx + R[4] * hy, R[0] * hx + R[3] * hy);
  if (yaw <= -Math.PI) yaw += 2 * Math.PI;
  return msg.create(msg.SensorFrameBoxSchema, {
    xM: R[0] * bx + R[3] * by + R[6] * bz,
    yM: R[1] * bx + R[4] * by + R[7] * bz,
    zM: R[2] * bx + R[5] * by + R[8] * bz,
    yawRad: yaw,
    lengthM: o.lengthM,
    widthM: o.widthM,
    heightM: o.heightM,
  });
}

/** The sensor's mount position in the map frame for an ego at `ego` (footprint centre, yaw). */
export function mountInMap(ego: { xM: number; yM: number; yawRad: number } | undefined, pose: MountPose): { x: number; y: number } {
  const e = ego ?? { xM: 0, yM: 0, yawRad: 0 };
  const c = Math.cos(e.yawRad);
  const s = Math.sin(e.yawRad);
  return { x: e.xM + c * pose.xM - s * pose.yM, y: e.yM + s * pose.xM + c * pose.yM };
}

/**
 * 2D line of sight like the world's (`boxVisibility`: fraction of the footprint outline's sample
 * points not hidden by buildings or vehicles), but from any point, e.g. a sensor's mount position.
 */
export class LineOfSight {
  private readonly occluders = new OccluderSet();
  private readonly staticCount: number;

  constructor(world: World) {
    for (const b of world.street.buildings) this.occluders.add(polygonBounds(b), STATIC_OWNER);
    this.staticCount = this.occluders.size;
  }

  /** Visibility of every object of `gt` from (x, y), in `gt.objects` order. Vehicles (not pedestrians) occlude. */
  visibilities(gt: msg.GroundTruth, x: number, y: number): number[] {
    this.occluders.truncate(this.staticCount);
    for (const o of gt.objects) {
      if (o.objectClass !== msg.ObjectClass.PEDESTRIAN) this.occluders.add(boxOf(o), o.id);
    }
    return gt.objects.map((o) => boxVisibility(x, y, boxOf(o), this.occluders, o.id));
  }
}

function boxOf(o: msg.GroundTruthObject) {
  return { cx: o.xM, cy: o.yM, yaw: o.yawRad, length: o.lengthM, width: o.widthM };
}

const TWO_PI = 2 * Math.PI;

/**
 * Splits a LiDAR's returns into scans exactly as the driver's ScanAssembler does (a scan ends where
 * the wire azimuth crosses the cut angle; the crossing return opens the next scan) and counts the
 * returns per ground-truth object id in each. Feed returns in firing order; completed scans queue up.
 */
export class LidarScanCounter {
  private readonly cutRad: number;
  private lastRel = -1;
  private current = new Map<number, number>();
  private readonly completed: Map<number, number>[] = [];

  constructor(cutAngleDeg = 0) {
    this.cutRad = ((((cutAngleDeg % 360) + 360) % 360) * Math.PI) / 180;
  }

  /** One return: wire azimuth (0.01° units) and the object hit (0 = static street). */
  add(azimuth: number, objectId: number): void {
    let rel = (azimuth * Math.PI) / 18000 - this.cutRad;
    if (rel < 0) rel += TWO_PI;
    if (this.lastRel >= 0 && this.lastRel - rel > Math.PI) {
      this.completed.push(this.current);
      this.current = new Map();
    }
    this.lastRel = rel;
    if (objectId > 0) this.current.set(objectId, (this.current.get(objectId) ?? 0) + 1);
  }

  /** Counts of the oldest completed scan (the one the driver just published), else of the scan in progress (end of input). */
  take(): Map<number, number> {
    const next = this.completed.shift();
    if (next) return next;
    const cur = this.current;
    this.current = new Map();
    this.lastRel = -1;
    return cur;
  }
}

/** SensorTruth of one LiDAR scan: objects within `maxRangeM` of the sensor, or with returns. */
export function lidarTruth(sensor: string, pose: MountPose, stampNs: bigint, gt: msg.GroundTruth, visibility: readonly number[], counts: Map<number, number>, mount: { x: number; y: number }, maxRangeM: number): msg.SensorTruth {
  const objects: msg.SensorObjectTruth[] = [];
  gt.objects.forEach((o, i) => {
    const points = counts.get(o.id) ?? 0;
    if (points === 0 && Math.hypot(o.xM - mount.x, o.yM - mount.y) > maxRangeM) return;
    objects.push(msg.create(msg.SensorObjectTruthSchema, { id: o.id, objectClass: o.objectClass, visibility: visibility[i], lidarPoints: points, box3d: boxInSensorFrame(o, gt.ego, pose) }));
  });
  return msg.create(msg.SensorTruthSchema, { timestamp: toTimestamp(stampNs), sensor, objects });
}

/** SensorTruth of one radar cycle: every ground-truth object with its visibility from the radar. */
export function radarTruth(sensor: string, pose: MountPose, stampNs: bigint, gt: msg.GroundTruth, visibility: readonly number[]): msg.SensorTruth {
  const objects = gt.objects.map((o, i) => msg.create(msg.SensorObjectTruthSchema, { id: o.id, objectClass: o.objectClass, visibility: visibility[i], box3d: boxInSensorFrame(o, gt.ego, pose) }));
  return msg.create(msg.SensorTruthSchema, { timestamp: toTimestamp(stampNs), sensor, objects });
}

/** SensorTruth of one camera frame: the objects with a box in the image (CameraSensor.render's boxes). */
export function cameraTruth(sensor: string, stampNs: bigint, gt: msg.GroundTruth, visibility: readonly number[], boxes: readonly GroundTruthBox2D[]): msg.SensorTruth {
  const index = new Map(gt.objects.map((o, i) => [o.id, i]));
  const objects = boxes.map((b) => {
    const i = index.get(b.id);
    return msg.create(msg.SensorObjectTruthSchema, {
      id: b.id,
      objectClass: b.objectClass,
      visibility: i === undefined ? b.visibility : visibility[i],
      box: { xMinPx: b.xMin, yMinPx: b.yMin, xMaxPx: b.xMax, yMaxPx: b.yMax, fractionInImage: b.inImage, depthM: b.depthM },
    });
  });
  return msg.create(msg.SensorTruthSchema, { timestamp: toTimestamp(stampNs), sensor, objects });
}
