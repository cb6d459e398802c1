// The files a driver config names, read and checked the same way by the driver at start-up and by
// `curb drive` before it starts any process: a missing or wrong file is then one clear refusal
// instead of a child that fails, is restarted, and fails again for as long as the vehicle runs.
import { closeSync, fstatSync, openSync } from "node:fs";
import { MODEL_SPECS } from "../velodyne/constants.ts";
import { parseCalibrationYaml, type VelodyneCalibration } from "../velodyne/calibration.ts";
import { type CameraInfo, parseCameraInfoYaml } from "./camera/cameraInfo.ts";
import { type CameraDriverConfig, ConfigError, type DriverConfig, readConfiguredFile, type VelodyneConfig } from "./config.ts";

export function loadVelodyneCalibration(config: VelodyneConfig): VelodyneCalibration {
  const cal = parseCalibrationYaml(readConfiguredFile(config.calibration, "calibration").toString("utf8"));
  if (!cal.ok) throw new ConfigError(`calibration: ${config.calibration}: ${cal.error.message}`);
  // Checked here, not per packet: a wrong file would otherwise run on as a stream of decode errors
  // (too few lasers) or decode silently with the wrong angles (too many).
  const lasers = MODEL_SPECS[config.model].lasers;
  if (cal.value.numLasers !== lasers) {
    throw new ConfigError(`calibration: ${config.calibration} has ${cal.value.numLasers} lasers, the ${config.model} has ${lasers}: is it the calibration of another sensor?`);
  }
  return cal.value;
}

/** The camera_info of a camera config; undefined when it names none. */
export function loadCameraInfo(config: CameraDriverConfig): CameraInfo | undefined {
  if (!config.calibration) return undefined;
  const r = parseCameraInfoYaml(readConfiguredFile(config.calibration, "calibration").toString("utf8"));
  if (!r.ok) throw new ConfigError(`calibration: ${config.calibration}: ${r.error.message}`);
  return r.value;
}

/** A replayed input must be a readable file; opened, not read (a capture can be gigabytes). */
function checkReadableFile(path: string, field: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    if (fstatSync(fd).isDirectory()) throw new Error("a folder, not a file");
  } catch (e) {
    throw new ConfigError(`${field}: cannot read ${path} (${(e as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Throws the ConfigError the driver would meet at start-up over the files its config names. */
export function checkDriverFiles(config: DriverConfig): void {
  switch (config.kind) {
    case "velodyne":
      loadVelodyneCalibration(config);
      if ("pcap" in config.input) checkReadableFile(config.input.pcap.file, "pcap");
      return;
    case "radar":
      if ("candump" in config.input) checkReadableFile(config.input.candump.file, "candump");
      return;
    case "camera":
      loadCameraInfo(config);
      // A video file (a path ffmpeg opens without -f); devices may be plugged in later, URLs are ffmpeg's.
      if (!config.input.format && config.input.url.startsWith("/") && !config.input.url.startsWith("/dev/")) checkReadableFile(config.input.url, "input.url");
      return;
  }
}
