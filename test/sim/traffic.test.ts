// Moving traffic (IDM), buses as occluders and ground truth, parked vehicles of every kind.
import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { type ScenarioInput, parseScenario } from "../../sim/scenarios/index.ts";
import { VEHICLE_ID_BASE, World, boxesOverlap, idmAcceleration } from "../../sim/world/index.ts";

const COAST = { accelerationMps2: 0, steeringAngleRad: 0 };
const base = { description: "test", durationS: 20, ego: { xM: 10, speedMps: 0 } };

describe("buses", () => {
  it("a stopped bus is a BUS ground-truth object against the curb and hides a pedestrian behind it", () => {
    const input: ScenarioInput = {
      ...base,
      name: "behind-bus",
      ego: { xM: 40, speedMps: 0 },
      parkedCars: [{ kind: "bus", xM: 70 }],
      pedestrians: [
        { behaviour: "stand", start: { xM: 76.8, yM: -6.0 }, speedMps: 1.4, variation: { startXM: 0 } },
        { behaviour: "stand", start: { xM: 76.8, yM: 6.0 }, speedMps: 1.4, variation: { startXM: 0 } },
      ],
    };
    const gt = new World(input, 1).groundTruth();
    const [hidden, open, bus] = gt.objects;
    expect(bus.objectClass).toBe(msg.ObjectClass.BUS);
    expect(bus.parked).toBe(true);
    expect(bus.lengthM).toBe(12);
    expect(bus.yM - bus.widthM / 2).toBeGreaterThan(-5.5); // on the road, against the curb
    expect(hidden.visibility).toBe(0);
    expect(open.visibility).toBe(1);
    // Without the bus the same pedestrian is in plain view.
    const noBus = new World({ ...input, parkedCars: [] }, 1).groundTruth();
    expect(noBus.objects[0].visibility).toBe(1);
  });

  it("rejects a bus that would stand on the sidewalk", () => {
    expect(() => parseScenario({ ...base, name: "x", parkedCars: [{ kind: "bus", xM: 70, yM: -5 }] })).toThrow(/parkedCars\[0\]\.yM: bus must stay on the road/);
  });
});

describe("IDM traffic", () => {
  it("the IDM law: free road accelerates to v0, a close standing leader brakes hard", () => {
    const p = { timeHeadwayS: 1.5, maxAccelMps2: 1.5, comfortDecelMps2: 2, delta: 4 };
    expect(idmAcceleration(0, 10, p)).toBeCloseTo(1.5, 12);
    expect(idmAcceleration(10, 10, p)).toBeCloseTo(0, 12);
    expect(idmAcceleration(10, 10, p, { gapM: 10, speedMps: 0, jamGapM: 2 })).toBeLessThan(-5);
  });

  it("a westbound platoon behind a slow leader keeps a gap and never touches a parked car sticking into its lane", () => {
    const input: ScenarioInput = {
      ...base,
      name: "platoon",
      durationS: 40,
      parkedCars: [
        { xM: 60, side: "north" },
        // A van double-parked half into the westbound lane.
        { kind: "van", xM: 30, side: "north", yM: 3.2 },
      ],
      vehicles: [
        { lane: "westbound", xM: 150, speedMps: 5, desiredSpeedMps: 5 },
        { lane: "westbound", xM: 165, speedMps: 12, desiredSpeedMps: 14 },
        { lane: "westbound", xM: 180, speedMps: 12, desiredSpeedMps: 14, kind: "bus" },
        { lane: "westbound", xM: 195, speedMps: 14 },
      ],
    };
    const w = new World(input, 1);
    let minGap = Infinity;
    while (!w.done) {
      w.step(0.05, COAST);
      const vs = w.vehicles;
      for (let i = 0; i + 1 < vs.length; i++) {
        const gap = vs[i + 1].x - vs[i + 1].lengthM / 2 - (vs[i].x + vs[i].lengthM / 2);
        minGap = Math.min(minGap, gap);
      }
      for (const v of vs) {
        for (const c of w.parkedCars) expect(boxesOverlap(v.footprint(), c.footprint()), `${v.id} vs parked ${c.id} at ${w.timeS}`).toBe(false);
        for (const o of vs) if (o !== v) expect(boxesOverlap(v.footprint(), o.footprint())).toBe(false);
      }
    }
    expect(minGap).toBeGreaterThan(1.5);
    // Everyone queued behind the double-parked van: stopped, the first about the jam gap short of it.
    const vanEastEnd = 30 + 5.2 / 2;
    expect(w.vehicles.every((v) => v.speed < 0.05)).toBe(true);
    expect(w.vehicles[0].x - w.vehicles[0].lengthM / 2 - vanEastEnd).toBeGreaterThan(1.5);
    expect(w.vehicles[0].x - w.vehicles[0].lengthM / 2 - vanEastEnd).toBeLessThan(3);
  });

  it("traffic reports ground truth (ids from VEHICLE_ID_BASE), occludes, stops for a crossing pedestrian, and leaves at the street end", () => {
    const input: ScenarioInput = {
      ...base,
      name: "traffic",
      durationS: 30,
      ego: { xM: 10, speedMps: 0 },
      vehicles: [
        { lane: "eastbound", xM: 30, speedMps: 10 },
        { lane: "westbound", xM: 190, speedMps: 12 },
      ],
      pedestrians: [{ behaviour: "jaywalk", start: { xM: 100, yM: 7 }, speedMps: 1.2, trigger: { atS: 3 }, variation: { startXM: 0 } }],
    };
    const w = new World(input, 1);
    const gt0 = w.groundTruth();
    const cars = gt0.objects.filter((o) => o.id > VEHICLE_ID_BASE);
    expect(cars.map((c) => c.vxMps)).toEqual([10, -12]);
    expect(cars.every((c) => !c.parked && c.objectClass === msg.ObjectClass.CAR)).toBe(true);
    let minPedGap = Infinity;
    while (!w.done) {
      w.step(0.05, COAST);
      const ped = w.pedestrians[0];
      for (const v of w.vehicles) {
        if (!v.active) continue;
        expect(boxesOverlap(v.footprint(), ped.footprint())).toBe(false);
        if (Math.abs(ped.y - v.y) < 1.5) minPedGap = Math.min(minPedGap, Math.abs(ped.x - v.x) - v.lengthM / 2);
      }
    }
    expect(minPedGap).toBeGreaterThan(1);
    expect(w.vehicles.every((v) => !v.active)).toBe(true);
    expect(w.groundTruth().objects.some((o) => o.id > VEHICLE_ID_BASE)).toBe(false);
    expect(w.pedestrians[0].curbLeaveNs).toBeGreaterThan(0n);
  });

  it("validates traffic: overlapping vehicles, an eastbound vehicle behind the ego", () => {
    const v = (xM: number, lane: "eastbound" | "westbound" = "westbound") => ({ lane, xM, speedMps: 5 });
    expect(() => parseScenario({ ...base, name: "x", vehicles: [v(100), v(103)] })).toThrow(/vehicles\[1\]\.xM: overlaps vehicles\[0\]/);
    expect(() => parseScenario({ ...base, name: "x", vehicles: [v(12, "eastbound")] })).toThrow(/vehicles\[0\]\.xM: an eastbound vehicle must start ahead of the ego/);
  });
});
