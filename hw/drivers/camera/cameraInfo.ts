// ROS camera_info YAML (camera_calibration_parsers' format, written by the ROS camera calibrator)
// → foxglove.CameraCalibration. Validated with zod; errors name the field.
import { create } from "@bufbuild/protobuf";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { toTimestamp } from "../../../bus/index.ts";
import { type CameraCalibration, CameraCalibrationSchema } from "../../../bus/gen/foxglove/CameraCalibration_pb.ts";
import { err, ok, type DecodeError, type Result } from "../../result.ts";

function matrix(rows: number | undefined, cols: number | undefined) {
  return z
    .object({ rows: z.number().int().positive(), cols: z.number().int().positive(), data: z.array(z.number()) })
    .superRefine((m, ctx) => {
      if (rows !== undefined && m.rows !== rows) ctx.addIssue({ code: "custom", path: ["rows"], message: `expected ${rows}, got ${m.rows}` });
      if (cols !== undefined && m.cols !== cols) ctx.addIssue({ code: "custom", path: ["cols"], message: `expected ${cols}, got ${m.cols}` });
      if (m.data.length !== m.rows * m.cols) {
        ctx.addIssue({ code: "custom", path: ["data"], message: `expected rows·cols = ${m.rows * m.cols} numbers, got ${m.data.length}` });
      }
    });
}

/** The fields of a ROS camera_info YAML file (unknown keys are allowed, as ROS ignores them). */
export const CameraInfoYamlSchema = z.object({
  image_width: z.number().int().positive(),
  image_height: z.number().int().positive(),
  camera_name: z.string().default(""),
  camera_matrix: matrix(3, 3),
  distortion_model: z.string().min(1),
  distortion_coefficients: matrix(1, undefined),
  rectification_matrix: matrix(3, 3).optional(),
  projection_matrix: matrix(3, 4).optional(),
});

export interface CameraInfo {
  readonly cameraName: string;
  readonly width: number;
  readonly height: number;
  readonly distortionModel: string;
  /** Row-major 3×3 intrinsics. */
  readonly K: readonly number[];
  readonly D: readonly number[];
  /** Row-major 3×3 rectification (identity when the file has none). */
  readonly R: readonly number[];
  /** Row-major 3×4 projection (K with a zero column when the file has none). */
  readonly P: readonly number[];
}

export type CameraInfoError = DecodeError<"yaml" | "schema">;

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function parseCameraInfoYaml(text: string): Result<CameraInfo, CameraInfoError> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return err({ code: "yaml", message: `camera_info: not valid YAML (${(e as Error).message})` });
  }
  const r = CameraInfoYamlSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ");
    return err({ code: "schema", message: `camera_info: ${issues}` });
  }
  const c = r.data;
  const K = c.camera_matrix.data;
  return ok({
    cameraName: c.camera_name,
    width: c.image_width,
    height: c.image_height,
    distortionModel: c.distortion_model,
    K,
    D: c.distortion_coefficients.data,
    R: c.rectification_matrix?.data ?? IDENTITY,
    P: c.projection_matrix?.data ?? [K[0], K[1], K[2], 0, K[3], K[4], K[5], 0, K[6], K[7], K[8], 0],
  });
}

export function toCameraCalibration(info: CameraInfo, stampNs: bigint, frameId: string): CameraCalibration {
  return create(CameraCalibrationSchema, {
    timestamp: toTimestamp(stampNs),
    frameId,
    width: info.width,
    height: info.height,
    distortionModel: info.distortionModel,
    D: [...info.D],
    K: [...info.K],
    R: [...info.R],
    P: [...info.P],
  });
}
