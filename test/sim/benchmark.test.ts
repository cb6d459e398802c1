import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { crowdedStreet, percentile, summariseLatencies } from "../../sim/benchmark.ts";
import { World } from "../../sim/world/index.ts";

describe("benchmark helpers", () => {
  it("nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(summariseLatencies([3, 1, 2])).toEqual({ frames: 3, p50Ms: 2, p90Ms: 3, p99Ms: 3, maxMs: 3 });
  });

  it("the crowded street is the latency budget's load: 30 pedestrians and 20 vehicles", () => {
    const gt = new World(crowdedStreet(), 1).groundTruth();
    expect(gt.objects.filter((o) => o.objectClass === msg.ObjectClass.PEDESTRIAN)).toHaveLength(30);
    expect(gt.objects.filter((o) => o.objectClass === msg.ObjectClass.CAR)).toHaveLength(20);
  });
});
