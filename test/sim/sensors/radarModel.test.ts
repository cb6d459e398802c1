// The simulated ARS408: ground truth → object list → CAN frames → the hw decoder, determinism,
// field of view, occlusion, relative velocity in the moving sensor frame, RCS by class, false targets.
import { describe, expect, it } from "vitest";
import { Ars408Decoder, parseCandumpLine, type RadarObjectList } from "../../../hw/index.ts";
import { type ScenarioInput, findScenario } from "../../../sim/scenarios/index.ts";
import { Ars408Radar, DYN_PROP, MEAS_STATE, RADAR_CLASS, type RadarCycle, toCandumpLines } from "../../../sim/sensors/radar/index.ts";
import { World } from "../../../sim/world/index.ts";

const COAST = { accelerationMps2: 0, steeringAngleRad: 0 };
const STEP_NS = 20_000_000n;

/** Run the world at 50 Hz and the radar whenever a cycle is due; returns the cycles. */
function run(scenario: ScenarioInput, seed: number, seconds: number, radarOptions: Partial<ConstructorParameters<typeof Ars408Radar>[0]> = {}): { cycles: RadarCycle[]; world: World } {
  const world = new World(scenario, seed);
  const radar = new Ars408Radar({ seed, ...radarOptions });
  const cycles: RadarCycle[] = [];
  const end = BigInt(Math.round(seconds * 1e9));
  while (world.timeNs < end) {
    if (radar.isDue(world.timeNs)) cycles.push(radar.cycle(world, world.timeNs));
    world.stepNs(STEP_NS, COAST);
  }
  return { cycles, world };
}

function decodeAll(cycles: readonly RadarCycle[]): RadarObjectList[] {
  // No expectations given: the decoder learns SendQuality/SendExtInfo from the 0x201 the radar sends first.
  const dec = new Ars408Decoder();
  const lists: RadarObjectList[] = [];
  for (const c of cycles) {
    for (const f of c.frames) {
      const r = dec.push(f);
      if (!r.ok) throw new Error(r.error.message);
      for (const e of r.value) if (e.type === "objects") lists.push(e.list);
    }
  }
  const last = dec.flush();
  if (last) lists.push(last);
  expect(dec.errors.total).toBe(0);
  return lists;
}

const STREET: ScenarioInput = {
  name: "radar-street",
  description: "A parked car and standing pedestrians ahead of, behind and far from the radar.",
  durationS: 10,
  ego: { xM: 10, speedMps: 10 },
  parkedCars: [{ xM: 40, side: "south" }],
  pedestrians: [
    { label: "near", behaviour: "stand", start: { xM: 30, yM: -6.0 }, speedMps: 1.4 },
    { label: "behind", behaviour: "stand", start: { xM: 2, yM: -6.0 }, speedMps: 1.4 },
    { label: "far", behaviour: "stand", start: { xM: 150, yM: 6.5 }, speedMps: 1.4 },
  ],
};

describe("ARS408 radar model", () => {
  it("runs at ~13.9 Hz and its frames decode back to the model's objects within quantisation", () => {
    const { cycles } = run(findScenario("crosswalk-crossing")!, 3, 8);
    // Polled at the 50 Hz physics step, cycles land on the step grid but keep the 72 ms period on average.
    expect(cycles.length).toBeGreaterThanOrEqual(110);
    expect(Number(cycles[cycles.length - 1].stampNs - cycles[0].stampNs) / 1e6 / (cycles.length - 1)).toBeCloseTo(72, 0);
    const lists = decodeAll(cycles);
    expect(lists).toHaveLength(cycles.length);
    let compared = 0;
    for (const [k, c] of cycles.entries()) {
      const l = lists[k];
      expect(l.complete).toBe(true);
      expect(l.measCounter).toBe(c.measCounter);
      expect(l.objects.map((o) => o.id)).toEqual(c.objects.map((o) => o.id));
      for (const [i, m] of c.objects.entries()) {
        const d = l.objects[i];
        expect(Math.abs(d.distLongM - m.distLongM)).toBeLessThanOrEqual(0.1 + 1e-9);
        expect(Math.abs(d.distLatM - m.distLatM)).toBeLessThanOrEqual(0.1 + 1e-9);
        expect(Math.abs(d.vrelLongMps - m.vrelLongMps)).toBeLessThanOrEqual(0.125 + 1e-9);
        expect(Math.abs(d.vrelLatMps - m.vrelLatMps)).toBeLessThanOrEqual(0.125 + 1e-9);
        expect(Math.abs(d.rcsDbm2 - m.rcsDbm2)).toBeLessThanOrEqual(0.25 + 1e-9);
        expect(d.quality?.probOfExistRaw).toBe(m.quality.probOfExistRaw);
        expect(d.quality?.measState).toBe(["deleted", "new", "measured", "predicted"][m.quality.measState]);
        expect(d.extended?.objClass).toBe(["point", "car", "truck", "pedestrian", "motorcycle", "bicycle", "wide"][m.extended.objClass]);
        expect(Math.abs(d.extended!.lengthM - m.extended.lengthM)).toBeLessThanOrEqual(0.1 + 1e-9);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("the candump -l lines parse back to the same frames", () => {
    const { cycles } = run(STREET, 1, 1);
    const frames = cycles.flatMap((c) => c.frames);
    const lines = toCandumpLines(frames, "can1");
    expect(lines[0]).toMatch(/^\(0\.000000\) can1 201#[0-9A-F]{16}$/);
    expect(lines[1]).toMatch(/^\(0\.000260\) can1 60A#/);
    for (const [i, line] of lines.entries()) {
      const r = parseCandumpLine(line);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.id).toBe(frames[i].id);
        expect(Array.from(r.value.data)).toEqual(Array.from(frames[i].data));
        expect(r.value.timestampNs).toBe(frames[i].timestampNs! - (frames[i].timestampNs! % 1000n));
      }
    }
  });

  it("is deterministic: same seed ⇒ identical frames; another seed ⇒ different noise", () => {
    const a = toCandumpLines(run(findScenario("jaywalk-occluded")!, 7, 4).cycles.flatMap((c) => c.frames));
    const b = toCandumpLines(run(findScenario("jaywalk-occluded")!, 7, 4).cycles.flatMap((c) => c.frames));
    const c = toCandumpLines(run(findScenario("jaywalk-occluded")!, 8, 4).cycles.flatMap((c) => c.frames));
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("reports positions in the sensor frame and velocities relative to the moving ego", () => {
    const { cycles } = run(STREET, 2, 1.5, { params: { falseTargetProbPerCycle: 0, rangeSigmaNearM: 0, azimuthSigmaNearRad: [[0, 0]], vrelLongSigmaMps: 0, vrelLatSigmaMps: 0 } });
    const last = cycles[cycles.length - 1];
    const t = Number(last.stampNs) / 1e9;
    const car = last.objects.find((o) => o.truthId === 101)!;
    expect(car).toBeDefined();
    // Parked car centre (40, −4.5), 4.5 × 1.8: nearest point to the radar is its rear-left corner
    // region (37.75, −3.6); radar at ego centre + 2.3 m, ego centre at 10 + 10 t, lane y = −1.75.
    const radarX = 10 + 10 * t + 2.3;
    expect(car.distLongM).toBeCloseTo(37.75 - radarX, 6);
    expect(car.distLatM).toBeCloseTo(-3.6 + 1.75, 6);
    expect(car.vrelLongMps).toBeCloseTo(-10, 6);
    expect(car.vrelLatMps).toBeCloseTo(0, 6);
    expect(car.dynProp).toBe(DYN_PROP.stationary);
    expect(car.extended.objClass).toBe(RADAR_CLASS.car);
    expect(car.quality.measState).toBe(MEAS_STATE.measured);
    expect(car.quality.probOfExistRaw).toBe(7);
    expect(car.rcsDbm2).toBeGreaterThan(0);
    // The pedestrian behind the radar and the one 140 m away (beyond a pedestrian's range) are not reported.
    const ids = new Set(cycles.flatMap((c) => c.objects.map((o) => o.truthId)));
    expect(ids.has(2)).toBe(false);
    expect(ids.has(3)).toBe(false);
    expect(ids.has(1)).toBe(true);
  });

  it("turning: a static object's relative velocity includes the rotation of the sensor frame", () => {
    const world = new World({ ...STREET, parkedCars: [], pedestrians: [] }, 1);
    for (let i = 0; i < 50; i++) world.step(0.02, { accelerationMps2: 0, steeringAngleRad: 0.1 });
    const radar = new Ars408Radar({ seed: 1, params: { referencePoint: "center", falseTargetProbPerCycle: 0, rangeSigmaNearM: 0, azimuthSigmaNearRad: [[0, 0]], vrelLongSigmaMps: 0, vrelLatSigmaMps: 0 } });
    const gt = world.groundTruth();
    // A static point straight ahead at 20 m: ṗ = −v_sensor − ω × p.
    gt.objects.push({ ...gt.objects[0], $typeName: "curb.GroundTruthObject", id: 50, objectClass: 2, xM: 0, yM: 0, yawRad: 0, vxMps: 0, vyMps: 0, lengthM: 0.01, widthM: 0.01, heightM: 1, parked: true, visibility: 1 } as never);
    const ego = gt.ego!;
    const w = world.vehicleState().yawRateRadps;
    expect(Math.abs(w)).toBeGreaterThan(0.1);
    const sx = ego.xM + 2.3 * Math.cos(ego.yawRad);
    const sy = ego.yM + 2.3 * Math.sin(ego.yawRad);
    gt.objects[gt.objects.length - 1].xM = sx + 20 * Math.cos(ego.yawRad);
    gt.objects[gt.objects.length - 1].yM = sy + 20 * Math.sin(ego.yawRad);
    radar.cycle(world, 0n, gt); // first cycle: new track
    const o = radar.cycle(world, 72_000_000n, gt).objects.find((x) => x.truthId === 50)!;
    // Sensor velocity: rear-axle speed along the heading plus ω × (sensor − rear axle) = (v, ω·3.7).
    const v = ego.speedMps;
    expect(o.vrelLongMps).toBeCloseTo(-v, 6);
    expect(o.vrelLatMps).toBeCloseTo(-w * 3.7 - w * 20, 6);
  });

  it("RCS by class, pedestrians in [−10, 0] dBsm; false targets appear; Obj_IDs unique per cycle and stable per object", () => {
    const { cycles, world } = run(findScenario("jaywalk-occluded")!, 5, 6);
    const all = cycles.flatMap((c) => c.objects);
    const peds = all.filter((o) => !o.falseTarget && world.groundTruth().objects.find((g) => g.id === o.truthId)?.objectClass === 1);
    const cars = all.filter((o) => o.truthId > 100);
    expect(peds.length).toBeGreaterThan(0);
    for (const p of peds) expect(p.rcsDbm2).toBeGreaterThanOrEqual(-10), expect(p.rcsDbm2).toBeLessThanOrEqual(0);
    const meanCar = cars.reduce((s, o) => s + o.rcsDbm2, 0) / cars.length;
    expect(meanCar).toBeGreaterThan(5);
    expect(meanCar).toBeLessThan(15);
    const ghosts = all.filter((o) => o.falseTarget);
    expect(ghosts.length).toBeGreaterThan(0);
    expect(ghosts.every((g) => g.extended.objClass === RADAR_CLASS.point && g.quality.probOfExistRaw <= 3)).toBe(true);
    // Obj_IDs are unique per cycle and stable per ground-truth object while it is tracked.
    for (const c of cycles) expect(new Set(c.objects.map((o) => o.id)).size).toBe(c.objects.length);
    const idOf = new Map<number, Set<number>>();
    for (const o of all.filter((x) => x.truthId === 101)) idOf.set(101, (idOf.get(101) ?? new Set()).add(o.id));
    expect(idOf.get(101)?.size).toBe(1);
  });

  it("an occluded pedestrian (visibility below the threshold) is never measured", () => {
    const world = new World(findScenario("jaywalk-occluded")!, 5);
    const radar = new Ars408Radar({ seed: 5 });
    let hiddenSeen = 0;
    let hiddenCycles = 0;
    while (world.timeNs < 3_000_000_000n) {
      if (radar.isDue(world.timeNs)) {
        const gt = world.groundTruth();
        const c = radar.cycle(world, world.timeNs, gt);
        for (const g of gt.objects) {
          if (g.objectClass !== 1 || g.visibility >= 0.25) continue;
          hiddenCycles++;
          const o = c.objects.find((x) => x.truthId === g.id);
          if (o && o.quality.measState !== MEAS_STATE.predicted) hiddenSeen++;
        }
      }
      world.stepNs(STEP_NS, COAST);
    }
    expect(hiddenCycles).toBeGreaterThan(10);
    expect(hiddenSeen).toBe(0);
  });

  it("takes its pose and rate from the scenario rig and names a missing radar", () => {
    const world = new World(findScenario("empty-street")!, 1);
    const r = Ars408Radar.fromScenario(world.scenario.sensors, 1);
    expect(r.name).toBe("front_radar");
    expect(r.pose.xM).toBe(2.3);
    expect(() => Ars408Radar.fromScenario([], 1)).toThrow(/no ARS408 radar/);
    expect(() => new Ars408Radar({ seed: 1, params: { rateHz: -1 } })).toThrow(/rateHz/);
  });
});
