// Camera intrinsics from a calibration file → the camera model and foxglove.CameraCalibration.
// Two spellings of the same facts are accepted (YAML or JSON), validated with zod:
//   - ROS camera_info (what the ROS camera calibrator writes): image_width, image_height,
//     camera_name, camera_matrix {rows, cols, data}, distortion_model, distortion_coefficients,
//     rectification_matrix, projection_matrix;
//   - the flat foxglove.CameraCalibration fields (sim/scenarios/files/calibration/front_camera.yaml):
//     width, height, distortion_model, D, K, R?, P?.
// R defaults to the identity and P to [K | 0], as ROS does for a monocular camera.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { CameraInfo } from "../../../hw/drivers/index.ts";

/** Intrinsics as the camera driver reads them from camera_info: one type for real and simulated cameras. */
export type CameraIntrinsics = CameraInfo;

const IDENTITY3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
export const SUPPORTED_DISTORTION_MODELS = Object.freeze(["plumb_bob", "rational_polynomial"] as const);

const rosMatrix = (rows: number, cols: number | undefined) =>
  z.strictObject({ rows: z.literal(rows), cols: cols === undefined ? z.number().int().positive() : z.literal(cols), data: z.array(z.number()) }).refine((m) => m.data.length === m.rows * m.cols, {
    message: "data must hold rows·cols numbers",
  });

const RosCameraInfoSchema = z.object({
  image_width: z.number().int().positive(),
  image_height: z.number().int().positive(),
  camera_name: z.string().optional(),
  camera_matrix: rosMatrix(3, 3),
  distortion_model: z.string(),
  distortion_coefficients: rosMatrix(1, undefined),
  rectification_matrix: rosMatrix(3, 3).optional(),
  projection_matrix: rosMatrix(3, 4).optional(),
});

const FlatSchema = z.strictObject({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  camera_name: z.string().optional(),
  distortion_model: z.string(),
  D: z.array(z.number()),
  K: z.array(z.number()).length(9),
  R: z.array(z.number()).length(9).optional(),
  P: z.array(z.number()).length(12).optional(),
});

function check(c: CameraIntrinsics, where: string): CameraIntrinsics {
  const problems: string[] = [];
  if (!(SUPPORTED_DISTORTION_MODELS as readonly string[]).includes(c.distortionModel)) {
    problems.push(`distortion_model: ${JSON.stringify(c.distortionModel)} is not supported (${SUPPORTED_DISTORTION_MODELS.join(", ")})`);
  }
  const need = c.distortionModel === "rational_polynomial" ? 8 : 5;
  if (c.D.length > need) problems.push(`D: ${c.distortionModel} takes at most ${need} coefficients, got ${c.D.length}`);
  if (!(c.K[0] > 0 && c.K[4] > 0)) problems.push("K: fx and fy must be > 0 (K[0] = 0 means uncalibrated)");
  if (c.K[1] !== 0 || c.K[3] !== 0 || c.K[6] !== 0 || c.K[7] !== 0 || c.K[8] !== 1) problems.push("K: expected [fx 0 cx; 0 fy cy; 0 0 1] (no skew)");
  if (problems.length) throw new Error(`invalid camera calibration ${where}: ${problems.join("; ")}`);
  return c;
}

/** Parse a calibration document (YAML or JSON text); errors name the file and the field. */
export function parseCameraCalibration(text: string, where = "(text)"): CameraIntrinsics {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`invalid camera calibration ${where}: not YAML/JSON (${(e as Error).message})`);
  }
  const isRos = typeof doc === "object" && doc !== null && "image_width" in doc;
  const r = isRos ? RosCameraInfoSchema.safeParse(doc) : FlatSchema.safeParse(doc);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ");
    throw new Error(`invalid camera calibration ${where} (${isRos ? "ROS camera_info" : "width/height/K/D"} form): ${issues}`);
  }
  if (isRos) {
    const c = r.data as z.output<typeof RosCameraInfoSchema>;
    const K = c.camera_matrix.data;
    return check(
      {
        width: c.image_width,
        height: c.image_height,
        distortionModel: c.distortion_model,
        D: c.distortion_coefficients.data,
        K,
        R: c.rectification_matrix?.data ?? IDENTITY3,
        P: c.projection_matrix?.data ?? [K[0], K[1], K[2], 0, K[3], K[4], K[5], 0, K[6], K[7], K[8], 0],
        cameraName: c.camera_name ?? "",
      },
      where,
    );
  }
  const c = r.data as z.output<typeof FlatSchema>;
  const K = c.K;
  return check(
    {
      width: c.width,
      height: c.height,
      distortionModel: c.distortion_model,
      D: c.D,
      K,
      R: c.R ?? IDENTITY3,
      P: c.P ?? [K[0], K[1], K[2], 0, K[3], K[4], K[5], 0, K[6], K[7], K[8], 0],
      cameraName: c.camera_name ?? "",
    },
    where,
  );
}

export function loadCameraCalibration(path: string): CameraIntrinsics {
  return parseCameraCalibration(readFileSync(path, "utf8"), path);
}
