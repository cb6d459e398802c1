// Calibration files: ros-drivers/velodyne velodyne_pointcloud/params (BSD), via ../shared/data/velodyne/calibration;
// expected values from ../shared/data/README.md.
import { describe, expect, it } from "vitest";
import { parseCalibrationYaml } from "../../hw/velodyne/calibration.ts";
import { dataText } from "./data.ts";

function load(path: string) {
  const r = parseCalibrationYaml(dataText(path));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe("Velodyne calibration YAML", () => {
  it("VLP16db: 16 lasers, laser 0 −15°, laser 15 +15°, rings by elevation", () => {
    const c = load("velodyne/calibration/VLP16db.yaml");
    expect(c.numLasers).toBe(16);
    expect(c.lasers[0].vert_correction).toBe(-0.2617993877991494);
    expect(c.lasers[15].vert_correction).toBe(0.2617993877991494);
    expect(c.ring[0]).toBe(0);
    expect(c.ring[15]).toBe(15);
    expect(c.ring[1]).toBe(8); // +1° is the lowest of the upper half
    expect(c.fullModel.every((v) => v === 0)).toBe(true);
  });

  it("32db: laser 0 and 31", () => {
    const c = load("velodyne/calibration/32db.yaml");
    expect(c.numLasers).toBe(32);
    expect(c.lasers[0].vert_correction).toBe(-0.5352924815866609);
    expect(c.lasers[31].vert_correction).toBe(0.18622663118779495);
    expect(c.distanceResolutionM).toBe(0.002);
    expect(parseCalibrationYaml("lasers:\n- {laser_id: 0, rot_correction: 0, vert_correction: 0}").ok && 1).toBe(1);
  });

  it("64e_utexas: two-point correction, intensities, distance resolution", () => {
    const c = load("velodyne/calibration/64e_utexas.yaml");
    expect(c.numLasers).toBe(64);
    expect(c.lasers.every((l) => l.two_pt_correction_available)).toBe(true);
    expect(c.lasers[0].vert_correction).toBe(-0.124932751059532);
    expect(c.lasers[63].vert_correction).toBe(-0.209881335496902);
    expect(c.lasers[0].max_intensity).toBe(255);
    expect(c.lasers[0].dist_correction).toBeCloseTo(0.1, 6);
    expect(c.distanceResolutionM).toBe(0.002);
    expect(c.twoPoint[0]).toBe(1);
    expect(c.fullModel[0]).toBe(1);
  });

  it("VLS128 and VLP-32C files parse with their laser counts", () => {
    expect(load("velodyne/calibration/VLS128.yaml").numLasers).toBe(128);
    expect(load("velodyne/calibration/VeloView-VLP-32C.yaml").numLasers).toBe(32);
    expect(load("velodyne/vlp16/calibration-VLP16.yaml").numLasers).toBe(16);
  });

  it("rejects bad files with a clear error, never throws", () => {
    const bad = [
      "lasers: [",
      "lasers: []",
      "lasers:\n- {laser_id: 0, rot_correction: 0}",
      "lasers:\n- {laser_id: 0, rot_correction: 0, vert_correction: 0}\n- {laser_id: 0, rot_correction: 0, vert_correction: 1}",
      "lasers:\n- {laser_id: 5, rot_correction: 0, vert_correction: 0}",
      "num_lasers: 2\nlasers:\n- {laser_id: 0, rot_correction: 0, vert_correction: 0}",
      "just a string",
    ];
    for (const text of bad) {
      const r = parseCalibrationYaml(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/calibration/);
    }
    const missing = parseCalibrationYaml("lasers:\n- {laser_id: 0, rot_correction: 0}");
    expect(!missing.ok && missing.error.code).toBe("schema");
    expect(!missing.ok && missing.error.message).toMatch(/vert_correction/);
  });
});
