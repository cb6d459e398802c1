import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { DEFAULT_SUITE, type ScenarioInput, findScenario } from "../../sim/scenarios/index.ts";
import { PARKED_CAR_ID_BASE, World } from "../../sim/world/index.ts";

const COAST = { accelerationMps2: 0, steeringAngleRad: 0 };

function run(name: string, seed: number, maxSteps = 1000): Uint8Array[] {
  const w = new World(findScenario(name), seed);
  const frames: Uint8Array[] = [msg.toBinary(msg.GroundTruthSchema, w.groundTruth())];
  for (let i = 0; i < maxSteps && !w.done; i++) {
    // A deterministic, state-dependent command, like a stack would give.
    const gap = w.pedestrians.length ? w.pedestrians[0].x - w.ego.frontX : 100;
    w.step(0.1, { accelerationMps2: gap < 25 && gap > 0 ? -4 : 0.5, steeringAngleRad: 0 });
    frames.push(msg.toBinary(msg.GroundTruthSchema, w.groundTruth()));
    frames.push(msg.toBinary(msg.VehicleStateSchema, w.vehicleState()));
  }
  return frames;
}

const same = (a: Uint8Array[], b: Uint8Array[]) =>
  a.length === b.length && a.every((f, i) => Buffer.from(f).equals(Buffer.from(b[i])));

describe("World", () => {
  it("is deterministic: same scenario and seed give identical messages, bit for bit", () => {
    for (const s of DEFAULT_SUITE) expect(same(run(s.name, 42), run(s.name, 42)), s.name).toBe(true);
  });

  it("differs between seeds where the scenario has variation", () => {
    expect(same(run("jaywalk-clear-view", 1), run("jaywalk-clear-view", 2))).toBe(false);
    expect(same(run("group-crossing", 1), run("group-crossing", 2))).toBe(false);
    // No pedestrians, no chance: seeds do not matter.
    expect(same(run("empty-street", 1), run("empty-street", 2))).toBe(true);
  });

  it("keeps an integer-nanosecond clock without drift", () => {
    const w = new World(findScenario("empty-street"), 1);
    expect(w.timeNs).toBe(0n);
    for (let i = 0; i < 150; i++) w.step(0.1, { accelerationMps2: -8, steeringAngleRad: 0 });
    expect(w.timeNs).toBe(15_000_000_000n);
    w.stepNs(1n, COAST);
    expect(w.timeNs).toBe(15_000_000_001n);
    expect(w.groundTruth().timestamp).toMatchObject({ seconds: 15n, nanos: 1 });
  });

  it("is done when the duration has elapsed or the ego reached the end of the street", () => {
    const stopped = new World(findScenario("empty-street"), 1);
    let n = 0;
    while (!stopped.done) {
      stopped.step(0.1, { accelerationMps2: -8, steeringAngleRad: 0 });
      n++;
    }
    expect(n).toBe(200);
    expect(stopped.timeNs).toBe(stopped.durationNs);
    const driving = new World(findScenario("empty-street"), 1);
    while (!driving.done) driving.step(0.1, COAST);
    expect(driving.ego.frontX).toBeGreaterThanOrEqual(200);
    expect(driving.timeS).toBeLessThan(20);
  });

  it("reports every object once with its class, and the ego", () => {
    const w = new World(findScenario("group-crossing"), 3);
    w.step(0.1, COAST);
    const gt = w.groundTruth();
    expect(gt.frameId).toBe("map");
    const ids = gt.objects.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const peds = gt.objects.filter((o) => o.objectClass === msg.ObjectClass.PEDESTRIAN);
    const cars = gt.objects.filter((o) => o.objectClass === msg.ObjectClass.CAR);
    expect(peds.length).toBe(4);
    expect(cars.length).toBe(w.scenario.parkedCars.length);
    for (const p of peds) expect(p.pedestrian).toBeDefined();
    for (const c of cars) {
      expect(c.parked).toBe(true);
      expect(c.pedestrian).toBeUndefined();
      expect(c.id).toBeGreaterThan(PARKED_CAR_ID_BASE);
      expect(Math.abs(c.yM)).toBeCloseTo(4.5, 12);
    }
    expect(gt.ego?.xM).toBeCloseTo(10 + 1.1, 9);
    expect(gt.ego?.yM).toBeCloseTo(-1.75, 12);
    expect(w.vehicleState().speedMps).toBe(11);
  });

  it("publishes the street map with the documented geometry", () => {
    const m = new World(findScenario("empty-street"), 1).streetMap();
    expect(m.frameId).toBe("map");
    const [east, west] = m.lanes;
    expect(east.centerline?.points.map((p) => [p.x, p.y])).toEqual([
      [0, -1.75],
      [200, -1.75],
    ]);
    expect(west.centerline?.points.map((p) => [p.x, p.y])).toEqual([
      [200, 1.75],
      [0, 1.75],
    ]);
    expect(east.widthM).toBe(3.5);
    expect(east.speedLimitMps).toBe(13.9);
    expect(m.road[0].points.map((p) => [p.x, p.y])).toEqual([
      [0, -5.5],
      [200, -5.5],
      [200, 5.5],
      [0, 5.5],
    ]);
    expect(m.crosswalks[0].points.map((p) => [p.x, p.y])).toEqual([
      [118, -5.5],
      [122, -5.5],
      [122, 5.5],
      [118, 5.5],
    ]);
    expect(m.curbs.map((c) => c.points[0].y)).toEqual([-5.5, 5.5]);
    expect(m.sidewalks.map((s) => s.points.map((p) => p.y))).toEqual([
      [-9.5, -9.5, -5.5, -5.5],
      [5.5, 5.5, 9.5, 9.5],
    ]);
    for (const b of m.buildings) for (const p of b.points) expect(Math.abs(p.y)).toBeGreaterThanOrEqual(10);
    // Polygons are counter-clockwise (positive signed area).
    for (const poly of [...m.road, ...m.sidewalks, ...m.crosswalks, ...m.buildings]) {
      let a = 0;
      const p = poly.points;
      for (let i = 0; i < p.length; i++) a += p[i].x * p[(i + 1) % p.length].y - p[(i + 1) % p.length].x * p[i].y;
      expect(a).toBeGreaterThan(0);
    }
  });

  it("validates raw scenario input and the seed", () => {
    const raw: unknown = { name: "x", description: "d", durationS: 1, ego: { xM: 10 } };
    expect(() => new World(raw as ScenarioInput, 1)).toThrow(/ego\.speedMps/);
    expect(() => new World(findScenario("empty-street"), 1.5)).toThrow(/seed/);
  });

  it("default suite: a coasting ego hits someone exactly in the conflict scenarios", () => {
    const conflict = new Set(["crosswalk-crossing", "jaywalk-clear-view", "jaywalk-occluded", "group-crossing", "running-child"]);
    for (const s of DEFAULT_SUITE) {
      for (const seed of [1, 2, 3]) {
        const w = new World(s, seed);
        const hit = new Set<number>();
        while (!w.done) {
          w.step(0.1, COAST);
          for (const id of w.collisions()) hit.add(id);
        }
        expect(hit.size > 0, `${s.name} seed ${seed}`).toBe(conflict.has(s.name));
      }
    }
  });

  it("runs an object-level scenario to its end (duration or street's end), one ground-truth frame per step", () => {
    // Its speed is the benchmark's (sim/benchmark.ts, realTimeFactor), not a timed test's.
    const scenario = findScenario("jaywalk-occluded");
    const w = new World(scenario, 1);
    let steps = 0;
    while (!w.done) {
      w.step(0.05, COAST);
      expect(w.groundTruth().objects.length).toBeGreaterThan(0);
      steps++;
    }
    // It ends at its duration or when the ego leaves the street, whichever comes first; the clock counts the steps.
    expect(w.timeS).toBeCloseTo(steps * 0.05, 6);
    expect(w.timeS >= scenario.durationS - 1e-9 || w.ego.frontX >= w.street.params.lengthM).toBe(true);
  });
});
