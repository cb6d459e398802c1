// The LiDAR models the simulator knows: scenario model name → wire model (hw) and the calibration
// file its beam layout comes from (ros-drivers/velodyne YAML, in ../shared/data/velodyne/calibration).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCalibrationYaml, type VelodyneCalibration } from "../../../hw/index.ts";
import type { EncodableModel } from "../../../hw/velodyne/packetEncoder.ts";

export type LidarModelName = "VLP-16" | "VLP-32C" | "HDL-32E";

export interface LidarModelInfo {
  readonly name: LidarModelName;
  readonly wireModel: EncodableModel;
  /** File name in the calibration directory. */
  readonly calibrationFile: string;
  /** Usual rotation rate, Hz (600 rpm). */
  readonly defaultRateHz: number;
  /** 1σ range noise, m (datasheets: ±3 cm accuracy for VLP-16 / VLP-32C, ±2 cm HDL-32E). */
  readonly rangeNoiseSdM: number;
}

export const LIDAR_MODELS: Readonly<Record<LidarModelName, LidarModelInfo>> = Object.freeze({
  "VLP-16": Object.freeze({ name: "VLP-16", wireModel: "VLP16", calibrationFile: "VLP16db.yaml", defaultRateHz: 10, rangeNoiseSdM: 0.015 }),
  "VLP-32C": Object.freeze({ name: "VLP-32C", wireModel: "VLP32C", calibrationFile: "VeloView-VLP-32C.yaml", defaultRateHz: 10, rangeNoiseSdM: 0.015 }),
  "HDL-32E": Object.freeze({ name: "HDL-32E", wireModel: "HDL32E", calibrationFile: "32db.yaml", defaultRateHz: 10, rangeNoiseSdM: 0.01 }),
});

export function isLidarModel(name: string): name is LidarModelName {
  return Object.hasOwn(LIDAR_MODELS, name);
}

/** ../shared/data/velodyne/calibration relative to the project root (overridable with CURB_VELODYNE_CALIBRATION_DIR). */
export function calibrationDir(): string {
  return process.env.CURB_VELODYNE_CALIBRATION_DIR ?? fileURLToPath(new URL("../../../../shared/data/velodyne/calibration/", import.meta.url));
}

const cache = new Map<string, VelodyneCalibration>();

/** The model's calibration, parsed with hw's parseCalibrationYaml (cached per file). */
export function loadLidarCalibration(model: LidarModelName, dir = calibrationDir()): VelodyneCalibration {
  const path = `${dir.replace(/\/$/, "")}/${LIDAR_MODELS[model].calibrationFile}`;
  let cal = cache.get(path);
  if (!cal) {
    const r = parseCalibrationYaml(readFileSync(path, "utf8"));
    if (!r.ok) throw new Error(`${path}: ${r.error.message}`);
    cal = r.value;
    cache.set(path, cal);
  }
  return cal;
}
