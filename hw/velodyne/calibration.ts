// Velodyne calibration in the ros-drivers/velodyne YAML format (velodyne_pointcloud/params/*.yaml),
// parsed with `yaml`, validated with zod, then turned into per-laser lookup tables the decoder reads.
// Angles in the file are radians; distances metres.

import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { err, ok, type DecodeError, type Result } from "../result.ts";

const laserSchema = z.object({
  laser_id: z.number().int().min(0).max(127),
  rot_correction: z.number(),
  vert_correction: z.number(),
  dist_correction: z.number().default(0),
  dist_correction_x: z.number().default(0),
  dist_correction_y: z.number().default(0),
  vert_offset_correction: z.number().default(0),
  horiz_offset_correction: z.number().default(0),
  focal_distance: z.number().default(0),
  focal_slope: z.number().default(0),
  two_pt_correction_available: z.boolean().default(false),
  min_intensity: z.number().min(0).max(255).default(0),
  max_intensity: z.number().min(0).max(255).default(255),
});

const calibrationSchema = z.object({
  num_lasers: z.number().int().positive().optional(),
  distance_resolution: z.number().positive().max(1).optional(),
  lasers: z.array(laserSchema).min(1).max(128),
});

export type LaserCalibration = z.infer<typeof laserSchema>;

/** Parsed calibration plus per-laser tables (index = laser_id). */
export interface VelodyneCalibration {
  readonly numLasers: number;
  /** Metres per raw distance unit; undefined when the file does not say (model default applies). */
  readonly distanceResolutionM: number | undefined;
  readonly lasers: readonly Readonly<LaserCalibration>[];
  /** Ring of each laser: rank of its vertical angle, 0 = lowest. */
  readonly ring: Uint16Array;
  /** float32 like the C++ drivers (cosf of the float angle). */
  readonly cosVert: Float32Array;
  readonly sinVert: Float32Array;
  readonly cosRot: Float32Array;
  readonly sinRot: Float32Array;
  readonly distCorrection: Float32Array;
  readonly distCorrectionX: Float32Array;
  readonly distCorrectionY: Float32Array;
  readonly vertOffset: Float32Array;
  readonly horizOffset: Float32Array;
  readonly minIntensity: Float32Array;
  readonly maxIntensity: Float32Array;
  readonly focalDistance: Float32Array;
  readonly focalSlope: Float32Array;
  readonly twoPoint: Uint8Array;
  /** 1 if the laser needs the full model (offsets, two-point, focal); 0 for the fast path. */
  readonly fullModel: Uint8Array;
}

export type CalibrationErrorCode = "yaml" | "schema" | "laser-ids";
export type CalibrationError = DecodeError<CalibrationErrorCode>;

/** Parse a ros-drivers calibration YAML text. */
export function parseCalibrationYaml(text: string): Result<VelodyneCalibration, CalibrationError> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return err({ code: "yaml", message: `calibration YAML: ${(e as Error).message}` });
  }
  const parsed = calibrationSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    return err({
      code: "schema",
      message: `calibration: ${where ? where + ": " : ""}${issue?.message ?? "invalid"} (${parsed.error.issues.length} issue(s))`,
    });
  }
  return buildCalibration(parsed.data);
}

function buildCalibration(data: z.infer<typeof calibrationSchema>): Result<VelodyneCalibration, CalibrationError> {
  const n = data.lasers.length;
  if (data.num_lasers !== undefined && data.num_lasers !== n) {
    return err({ code: "laser-ids", message: `calibration: num_lasers says ${data.num_lasers}, lasers lists ${n}` });
  }
  const lasers: LaserCalibration[] = new Array(n);
  for (const laser of data.lasers) {
    if (laser.laser_id >= n) {
      return err({ code: "laser-ids", message: `calibration: laser_id ${laser.laser_id} out of range 0..${n - 1}` });
    }
    if (lasers[laser.laser_id] !== undefined) {
      return err({ code: "laser-ids", message: `calibration: laser_id ${laser.laser_id} listed twice` });
    }
    lasers[laser.laser_id] = laser;
  }
  const f = Math.fround;
  const t = {
    cosVert: new Float32Array(n),
    sinVert: new Float32Array(n),
    cosRot: new Float32Array(n),
    sinRot: new Float32Array(n),
    distCorrection: new Float32Array(n),
    distCorrectionX: new Float32Array(n),
    distCorrectionY: new Float32Array(n),
    vertOffset: new Float32Array(n),
    horizOffset: new Float32Array(n),
    minIntensity: new Float32Array(n),
    maxIntensity: new Float32Array(n),
    focalDistance: new Float32Array(n),
    focalSlope: new Float32Array(n),
    twoPoint: new Uint8Array(n),
    fullModel: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const l = lasers[i];
    t.cosVert[i] = Math.cos(f(l.vert_correction));
    t.sinVert[i] = Math.sin(f(l.vert_correction));
    t.cosRot[i] = Math.cos(f(l.rot_correction));
    t.sinRot[i] = Math.sin(f(l.rot_correction));
    t.distCorrection[i] = l.dist_correction;
    t.distCorrectionX[i] = l.dist_correction_x;
    t.distCorrectionY[i] = l.dist_correction_y;
    t.vertOffset[i] = l.vert_offset_correction;
    t.horizOffset[i] = l.horiz_offset_correction;
    t.minIntensity[i] = l.min_intensity;
    t.maxIntensity[i] = l.max_intensity;
    t.focalDistance[i] = l.focal_distance;
    t.focalSlope[i] = l.focal_slope;
    t.twoPoint[i] = l.two_pt_correction_available ? 1 : 0;
    t.fullModel[i] =
      l.two_pt_correction_available || l.vert_offset_correction !== 0 || l.horiz_offset_correction !== 0 || l.focal_slope !== 0
        ? 1
        : 0;
  }
  // Ring: stable rank by vertical angle (ties keep laser order), as ros-drivers' laser_ring.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => lasers[a].vert_correction - lasers[b].vert_correction || a - b,
  );
  const ring = new Uint16Array(n);
  order.forEach((laser, rank) => (ring[laser] = rank));
  return ok({
    numLasers: n,
    distanceResolutionM: data.distance_resolution,
    lasers: lasers.map((l) => Object.freeze({ ...l })),
    ring,
    ...t,
  });
}
