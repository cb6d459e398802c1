// The intent benchmark (`curb bench`'s "intent"): it runs on the shipped model and reports every figure
// the issue names. Speed itself is not asserted here (rule 4): only that each figure was measured.
import { describe, expect, it } from "vitest";
import { benchmarkIntent } from "../../../prediction/index.ts";
import { findScenario } from "../../../sim/scenarios/index.ts";
import { World } from "../../../sim/world/index.ts";

describe("benchmarkIntent", () => {
  it("measures rasterisation per pedestrian and streaming inference per pedestrian at 1, 8 and 32", async () => {
    const map = new World(findScenario("crosswalk-crossing"), 1).streetMap();
    const r = await benchmarkIntent(map, "models/intent.card.json", { rasterFrames: 10, inferenceRuns: 3 });
    expect(Object.keys(r.streaming)).toEqual(["1", "8", "32"]);
    const figures = [r.rasterisationUsPerPedestrian.preRasterisedStaticLayers, r.rasterisationUsPerPedestrian.polygonTestsPerPixelStaticOnly,
      ...Object.values(r.streaming).flatMap((s) => [s.inferenceMsPerPed, s.updateMsPerPed, s.p50UpdateMs, s.p99UpdateMs])];
    for (const x of figures) {
      expect(Number.isFinite(x)).toBe(true);
      expect(x).toBeGreaterThan(0);
    }
    expect(r.budgetMsPerPedestrianAt32).toBe(0.2);
    await expect(benchmarkIntent(map, "models/nope.card.json", { rasterFrames: 10, inferenceRuns: 1 })).rejects.toThrow(/card file not found/);
  });
});
