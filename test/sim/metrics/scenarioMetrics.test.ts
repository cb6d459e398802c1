import { describe, expect, it } from "vitest";
import { msg } from "../../../bus/index.ts";
import {
  buildSuiteTable,
  computeScenarioMetrics,
  detectCollisions,
  formatSuiteTable,
  hardBrakeEvents,
  maxAbsJerk,
  scenarioMetricsToJson,
  stableJson,
} from "../../../sim/metrics/index.ts";
import { jaywalkFrames } from "../report/streetScenario.ts";
import { LANE_Y_M, buildFrames, constantDrive, parkedCar, pedestrianObject, stopAt45, twoLaneMap } from "./syntheticDrive.ts";

const S = 1_000_000_000n;

describe("collisions", () => {
  it("drive through a standing pedestrian: contact at the right frame and speed", () => {
    // Pedestrian (0.5 m box) at x = 50: its back is at 49.75. Ego centre x = k at t = k/10, front
    // at k + 2.3: first overlap at k ≥ 47.45, i.e. frame 48, t = 4.8 s, ego speed 10 m/s.
    const frames = buildFrames(80, constantDrive, () => [pedestrianObject({ id: 7, x: 50, y: LANE_Y_M })]);
    const events = detectCollisions(frames, 0n);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ objectId: 7, objectClass: "PEDESTRIAN", pedestrian: true, firstContactTimeS: 4.8 });
    expect(events[0].egoSpeedMps).toBe(10);
    expect(events[0].relativeSpeedMps).toBe(10);

    const m = computeScenarioMetrics({ scenario: "through", durationS: 8, frames });
    expect(m.collisions).toMatchObject({ pedestrian: 1, other: 0, total: 1, firstContactTimeS: 4.8 });
    expect(m.pedestrians.minDistanceM).toBe(0);
    expect(m.pedestrians.minTtcS).toBe(0);
    expect(m.pedestrians.table[0].collided).toBe(true);
  });

  it("stop 2.45 m short: no collision, min distance from the geometry", () => {
    // Ego centre stops at x = 45: front at 47.3; pedestrian back at 50 − 0.25 = 49.75 → 2.45 m.
    const frames = buildFrames(90, stopAt45, () => [pedestrianObject({ id: 7, x: 50, y: LANE_Y_M })]);
    const m = computeScenarioMetrics({ scenario: "stop", durationS: 9, frames });
    expect(m.collisions.total).toBe(0);
    expect(m.collisions.firstContactTimeS).toBeNull();
    expect(m.pedestrians.minDistanceM).toBeCloseTo(2.45, 6);
    expect(m.pedestrians.minDistancePedestrianId).toBe(7);
    expect(m.pedestrians.minDistanceTimeS).toBe(5.5);
    // TTC = gap / v while braking: gap = 12.45 − 10τ + 2.5τ², v = 10 − 5τ, smallest at τ = 1 (t = 4.5 s): 4.95 / 5.
    expect(m.pedestrians.minTtcS).toBeCloseTo(0.99, 6);
    expect(m.pedestrians.minTtcTimeS).toBe(4.5);
    expect(m.pedestrians.minTtcInfinite).toBe(false);
  });

  it("counts distinct objects, pedestrians apart from others", () => {
    const frames = buildFrames(80, constantDrive, () => [
      pedestrianObject({ id: 1, x: 30, y: LANE_Y_M }),
      parkedCar(2, 60, -1.0), // badly parked, into the lane
      parkedCar(3, 60, -4.6), // in the parking strip, clear of the lane (ego y ∈ [−2.7, −0.8])
    ]);
    const m = computeScenarioMetrics({ scenario: "multi", durationS: 8, frames });
    expect(m.collisions).toMatchObject({ pedestrian: 1, other: 1, total: 2 });
    expect(m.collisions.events.map((e) => e.objectId)).toEqual([1, 2]);
    expect(m.collisions.events[1]).toMatchObject({ objectClass: "CAR", parked: true });
  });
});

describe("comfort", () => {
  it("counts consecutive below-threshold frames as one hard-braking event", () => {
    const acc = [0, -5, -5, 0, -4.5, 0, -4, -3.9, -6, -6.5];
    const frames = buildFrames(acc.length, (k) => ({ x: k, speed: 10, acceleration: acc[k] }));
    const ev = hardBrakeEvents(frames, 0n);
    // −4 itself is not below −4.
    expect(ev).toEqual([
      { startTimeS: 0.1, endTimeS: 0.2, minAccelerationMps2: -5 },
      { startTimeS: 0.4, endTimeS: 0.4, minAccelerationMps2: -4.5 },
      { startTimeS: 0.8, endTimeS: 0.9, minAccelerationMps2: -6.5 },
    ]);
    const m = computeScenarioMetrics({ scenario: "brakes", durationS: 1, frames });
    expect(m.comfort.hardBrakeCount).toBe(3);
    expect(m.comfort.minAccelerationMps2).toBe(-6.5);
  });

  it("max |jerk| of a known ramp", () => {
    // a(t) = −3 t for t ≤ 1 s, then held at −3: jerk −3 m/s³ during the ramp, 0 after.
    const frames = buildFrames(30, (_k, t) => ({ x: 0, speed: 10, acceleration: -3 * Math.min(t, 1) }));
    expect(maxAbsJerk(frames)).toBeCloseTo(3, 9);
    expect(computeScenarioMetrics({ scenario: "ramp", durationS: 3, frames }).comfort.maxAbsJerkMps3).toBe(3);
  });

  it("a step in acceleration is a jerk of Δa / dt", () => {
    const frames = buildFrames(90, stopAt45);
    // 0 → −5 m/s² between frames 0.1 s apart, then −5 → 0 on stopping.
    expect(maxAbsJerk(frames)).toBeCloseTo(50, 9);
  });
});

describe("progress and completion", () => {
  it("reaches the end of a given route", () => {
    const frames = buildFrames(120, constantDrive);
    const route = [
      { x: 0, y: LANE_Y_M },
      { x: 100, y: LANE_Y_M },
    ];
    const m = computeScenarioMetrics({ scenario: "route", durationS: 12, frames, route });
    // Completed when the front bumper (centre + 2.3 m) is within 0.5 m of the end: centre x ≥ 97.2,
    // first at frame 98 (t = 9.8 s, x = 98).
    expect(m.progress).toEqual({
      routeSource: "given",
      routeLengthM: 100,
      progressM: 100,
      distanceTravelledM: 119,
      completed: true,
      completionTimeS: 9.8,
    });
  });

  it("takes the lane the ego starts in from the map, and reports no completion when short", () => {
    const frames = buildFrames(90, stopAt45);
    const m = computeScenarioMetrics({ scenario: "map", durationS: 9, frames, streetMap: twoLaneMap() });
    expect(m.progress.routeSource).toBe("map_lane");
    expect(m.progress.routeLengthM).toBe(200);
    expect(m.progress.progressM).toBeCloseTo(45, 6);
    expect(m.progress.completed).toBe(false);
    expect(m.progress.completionTimeS).toBeNull();
  });

  it("falls back to the odometer without a route", () => {
    const m = computeScenarioMetrics({ scenario: "odo", durationS: 9, frames: buildFrames(90, stopAt45) });
    expect(m.progress.routeSource).toBe("none");
    expect(m.progress.progressM).toBeCloseTo(45, 6);
  });

  it("mean speed is the time average", () => {
    // 3.5 s at 10, 2 s braking linearly 10 → 0 (mean 5), 3.4 s stopped: (35 + 10) / 8.9.
    const m = computeScenarioMetrics({ scenario: "speed", durationS: 9, frames: buildFrames(90, stopAt45) });
    expect(m.speed.meanMps).toBeCloseTo(45 / 8.9, 6);
    expect(m.speed.maxMps).toBe(10);
    expect(m.speed.finalMps).toBe(0);
  });
});

describe("pedestrian table", () => {
  it("records events, road entry and whether the ego was stopped then", () => {
    const frames = buildFrames(90, stopAt45, (_k, t) => [
      pedestrianObject({ id: 7, x: 50, y: LANE_Y_M }),
      pedestrianObject({
        id: 9,
        x: 60,
        y: t >= 7 ? -5 : -6.5,
        behaviour: msg.PedestrianTruth_Behaviour.JAYWALK,
        willCross: true,
        decisionTimeNs: t >= 6 ? 6n * S : 0n,
        curbLeaveTimeNs: t >= 7 ? 7n * S : 0n,
        onRoad: t >= 7,
      }),
    ]);
    const m = computeScenarioMetrics({ scenario: "table", durationS: 9, frames });
    expect(m.pedestrians.count).toBe(2);
    const p9 = m.pedestrians.table.find((p) => p.id === 9)!;
    expect(p9).toMatchObject({
      behaviour: "JAYWALK",
      willCross: true,
      decisionTimeS: 6,
      curbLeaveTimeS: 7,
      enteredRoadTimeS: 7,
      egoStoppedWhenEnteredRoad: true,
      collided: false,
      minTtcS: null,
      minTtcInfinite: true,
      minTtcTimeS: null,
    });
    const p7 = m.pedestrians.table.find((p) => p.id === 7)!;
    expect(p7.enteredRoadTimeS).toBeNull();
    expect(p7.egoStoppedWhenEnteredRoad).toBeNull();
    expect(p7.behaviour).toBe("STAND");
  });

  it("ego moving when a pedestrian steps out", () => {
    const frames = buildFrames(30, constantDrive, (_k, t) => [
      pedestrianObject({ id: 3, x: 80, y: t >= 1 ? -5 : -6, onRoad: t >= 1 }),
    ]);
    const m = computeScenarioMetrics({ scenario: "moving", durationS: 3, frames });
    expect(m.pedestrians.table[0]).toMatchObject({ enteredRoadTimeS: 1, egoStoppedWhenEnteredRoad: false });
  });
});

describe("deterministic JSON", () => {
  const run = () =>
    computeScenarioMetrics({
      scenario: "det",
      durationS: 9,
      frames: buildFrames(90, stopAt45, (_k, t) => [
        pedestrianObject({ id: 7, x: 50, y: LANE_Y_M }),
        // Behind the ego, walking away: TTC never finite.
        pedestrianObject({ id: 8, x: -20 - t, y: LANE_Y_M, vx: -1 }),
      ]),
      streetMap: twoLaneMap(),
    });

  it("same input gives the identical string", () => {
    expect(scenarioMetricsToJson(run())).toBe(scenarioMetricsToJson(run()));
  });

  it("writes Infinity as null with a flag, and rounds to 1e-6", () => {
    const json = scenarioMetricsToJson(run());
    const parsed = JSON.parse(json);
    const p8 = parsed.pedestrians.table.find((p: { id: number }) => p.id === 8);
    expect(p8.minTtcS).toBeNull();
    expect(p8.minTtcInfinite).toBe(true);
    expect(json).not.toMatch(/\d\.\d{7,}/);
    expect(Object.keys(parsed)).toEqual([
      "version",
      "scenario",
      "durationS",
      "frameCount",
      "startTimeS",
      "endTimeS",
      "options",
      "collisions",
      "pedestrians",
      "comfort",
      "progress",
      "speed",
    ]);
  });

  it("stableJson refuses non-finite numbers instead of silently writing null", () => {
    expect(() => stableJson({ a: Infinity })).toThrow(/non-finite/);
    expect(stableJson({ b: 1 / 3, a: -0 }, 0)).toBe('{"b":0.333333,"a":0}');
  });

  it("scenario with no pedestrians: nulls, not Infinity", () => {
    const m = computeScenarioMetrics({ scenario: "empty", durationS: 1, frames: buildFrames(10, constantDrive) });
    expect(m.pedestrians).toMatchObject({ count: 0, minDistanceM: null, minTtcS: null, minTtcInfinite: true });
    expect(() => scenarioMetricsToJson(m)).not.toThrow();
  });
});

describe("warnings in closed loop", () => {
  // P4 jaywalks, stepping off at 3.0 s; P9 crosses at the crosswalk. The predictor warns about the track ids in `warned(k)`.
  const base = jaywalkFrames();
  const withWarnings = (warned: (k: number) => number[]) =>
    base.map((f, k) => ({
      ...f,
      predictions: msg.create(msg.AgentPredictionsSchema, {
        predictor: "test",
        agents: [4, 9].map((id) => ({ trackId: id, objectClass: msg.ObjectClass.PEDESTRIAN, crossingPredicted: warned(k).includes(id) })),
      }),
    }));
  const metricsOf = (frames: typeof base, scenario = "jaywalk") => computeScenarioMetrics({ scenario, durationS: 9, frames });
  const ped = (m: ReturnType<typeof metricsOf>, id: number) => m.pedestrians.table.find((p) => p.id === id)!;

  it("a jaywalker warned without a break from 2.2 s is warned 0.8 s before its step-off; a warning that lapsed is a miss", () => {
    const early = metricsOf(withWarnings((k) => (k >= 22 ? [4, 9] : k === 5 ? [4] : [])));
    expect(ped(early, 4)).toMatchObject({ curbLeaveTimeS: 3, warnedAtCurbLeave: true, warningLeadS: 0.8 });
    // Crossing at the crosswalk is not a jaywalk: not judged, whatever the predictor said.
    expect(ped(early, 9)).toMatchObject({ warnedAtCurbLeave: null, warningLeadS: null });
    // Warned 1.0–2.0 s, then not at 2.9 s: not warned when it stepped off.
    const lapsed = metricsOf(withWarnings((k) => (k >= 10 && k < 20 ? [4] : [])));
    expect(ped(lapsed, 4)).toMatchObject({ warnedAtCurbLeave: false, warningLeadS: null });
    // No predictions at all (a stack without prediction): nothing to judge.
    expect(ped(metricsOf(base), 4)).toMatchObject({ warnedAtCurbLeave: null, warningLeadS: null });

    const table = buildSuiteTable([early, lapsed, metricsOf(base, "no-prediction")]);
    expect(table.rows.map((r) => [r.jaywalkers, r.jaywalkersWarned, r.medianWarningLeadS])).toEqual([[1, 1, 0.8], [1, 0, null], [0, 0, null]]);
    expect(table.totals).toMatchObject({ jaywalkers: 2, jaywalkersWarned: 1, medianWarningLeadS: 0.8 });
    const lines = formatSuiteTable(table).split("\n");
    expect(lines.find((l) => l.startsWith("TOTAL"))).toMatch(/ 1\/2 +0\.80 /);
    expect(lines.find((l) => l.startsWith("no-prediction"))).toMatch(/ - +- /);
  });
});
