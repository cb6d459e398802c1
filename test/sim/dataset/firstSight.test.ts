import { describe, expect, it } from "vitest";
import { RASTER_SPEC } from "../../../prediction/index.ts";
import { firstSight, type LoadedDataset } from "../../../sim/dataset/index.ts";

// One pedestrian's speeds at 10 Hz, as a dataset's features (every other feature 0).
function track(speeds: number[], spec = RASTER_SPEC) {
  const F = spec.features.length;
  const features = new Float32Array(speeds.length * F);
  speeds.forEach((v, k) => (features[k * F + spec.features.indexOf("speed_mps")] = v));
  return { features, header: { spec } } as unknown as Pick<LoadedDataset, "features" | "header">;
}

describe("firstSight", () => {
  it("reads the median speed over the first second against the standing threshold", () => {
    expect(firstSight(track(Array(20).fill(0.05)), 0, 20)).toBe("standing");
    expect(firstSight(track(Array(20).fill(1.2)), 0, 20)).toBe("walking");
    // Tracked speeds jitter: three noisy frames in a standing second do not make a walker.
    expect(firstSight(track([0.1, 0.9, 0.05, 0.6, 0.1, 0.0, 0.7, 0.1, 0.2, 0.1, 1.3, 1.3]), 0, 12)).toBe("standing");
    // Only the first second counts: a pedestrian that starts walking later stood when first seen.
    expect(firstSight(track([...Array(10).fill(0), ...Array(30).fill(1.4)]), 0, 40)).toBe("standing");
    // Just at the threshold is not standing (standing_s counts speeds below it).
    expect(firstSight(track(Array(10).fill(RASTER_SPEC.standingSpeedMps)), 0, 10)).toBe("walking");
  });

  it("reads a sequence from its own start, and a track shorter than the window whole", () => {
    const ds = track([...Array(10).fill(1.2), 0, 0, 0]);
    expect(firstSight(ds, 0, 10)).toBe("walking");
    expect(firstSight(ds, 10, 3)).toBe("standing");
    expect(firstSight(track([0, 1.0]), 0, 2)).toBe("walking"); // median of two: 0.5 m/s
  });

  it("refuses a dataset without a speed feature", () => {
    const spec = { ...RASTER_SPEC, features: RASTER_SPEC.features.filter((f) => f !== "speed_mps") };
    expect(() => firstSight(track([], spec as typeof RASTER_SPEC), 0, 1)).toThrow(/no speed_mps/);
  });
});
