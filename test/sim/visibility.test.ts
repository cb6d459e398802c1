import { describe, expect, it } from "vitest";
import { type ScenarioInput, findScenario } from "../../sim/scenarios/index.ts";
import { OccluderSet, World, boxVisibility, segmentHitsBox } from "../../sim/world/index.ts";

const COAST = { accelerationMps2: 0, steeringAngleRad: 0 };
const ped = (cx: number, cy: number) => ({ cx, cy, yaw: 0, length: 0.5, width: 0.5 });

describe("segmentHitsBox", () => {
  it("hits a box the segment passes through and misses one beside it", () => {
    // Unit-ish box at the origin rotated 45°.
    const c = Math.cos(Math.PI / 4);
    expect(segmentHitsBox(-5, 0, 5, 0, 0, 0, c, c, 1, 0.5)).toBe(true);
    expect(segmentHitsBox(-5, 2, 5, 2, 0, 0, c, c, 1, 0.5)).toBe(false);
    // A segment that ends before the box does not hit it.
    expect(segmentHitsBox(-5, 0, -2, 0, 0, 0, 1, 0, 1, 1)).toBe(false);
    // Vertical segment through an axis-aligned box.
    expect(segmentHitsBox(0.5, -3, 0.5, 3, 0, 0, 1, 0, 1, 1)).toBe(true);
  });
});

describe("boxVisibility", () => {
  const occ = new OccluderSet(2).add({ cx: 10, cy: 0, yaw: 0, length: 4.5, width: 1.8 }, 7);

  it("is 1 in the open and < 0.3 directly behind a parked car", () => {
    expect(boxVisibility(0, 0, ped(20, 5), occ, 1)).toBe(1);
    expect(boxVisibility(0, 0, ped(20, 0), occ, 1)).toBeLessThan(0.3);
  });

  it("is partial at the car's edge and ignores the object's own box", () => {
    const v = boxVisibility(0, 0, ped(20, 2.4), occ, 1);
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(1);
    expect(boxVisibility(0, 0, { cx: 10, cy: 0, yaw: 0, length: 4.5, width: 1.8 }, occ, 7)).toBe(1);
  });

  it("grows its packed storage", () => {
    const many = new OccluderSet(1);
    for (let i = 0; i < 40; i++) many.add({ cx: 5 + i, cy: 0, yaw: 0, length: 0.5, width: 0.5 }, 100 + i);
    expect(many.size).toBe(40);
    expect(boxVisibility(0, 0, ped(60, 0), many, 1)).toBeLessThan(0.3);
  });
});

describe("visibility in the world", () => {
  it("a pedestrian behind a parked car is hidden; one in the open is fully visible", () => {
    const input: ScenarioInput = {
      name: "behind-car",
      description: "occlusion check",
      durationS: 1,
      ego: { xM: 45, speedMps: 0 },
      parkedCars: [{ xM: 50 }],
      pedestrians: [
        { behaviour: "stand", start: { xM: 50.5, yM: -6.5 }, speedMps: 1.4, variation: { startXM: 0 } },
        { behaviour: "stand", start: { xM: 50.5, yM: 6.5 }, speedMps: 1.4, variation: { startXM: 0 } },
      ],
    };
    const gt = new World(input, 1).groundTruth();
    const [hidden, open, car] = gt.objects;
    expect(hidden.visibility).toBeLessThan(0.3);
    expect(open.visibility).toBe(1);
    expect(car.parked).toBe(true);
    expect(car.visibility).toBe(1);
  });

  it("jaywalk-occluded: hidden until it steps out past the parked cars, then visible", () => {
    const w = new World(findScenario("jaywalk-occluded"), 11);
    let leaveGap = NaN;
    let firstSeenGap = NaN;
    while (!w.done && w.timeS < 8) {
      w.step(0.1, COAST);
      const o = w.groundTruth().objects[0];
      const gap = o.xM - w.ego.frontX;
      if (Number.isNaN(leaveGap) && o.pedestrian!.curbLeaveTimeNs > 0n) leaveGap = gap;
      if (o.pedestrian!.onRoad && o.yM < -4) expect(o.visibility).toBeLessThan(0.3);
      if (o.pedestrian!.decisionTimeNs === 0n) expect(o.visibility).toBeLessThan(0.3);
      if (Number.isNaN(firstSeenGap) && o.visibility >= 0.5) firstSeenGap = gap;
    }
    // Leaves the curb (into the gap between parked cars) ~35–40 m ahead of the ego; seen much later.
    expect(leaveGap).toBeGreaterThan(33);
    expect(leaveGap).toBeLessThan(40);
    expect(firstSeenGap).toBeGreaterThan(14);
    expect(firstSeenGap).toBeLessThan(24);
  });
});
