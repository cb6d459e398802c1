import { describe, expect, it } from "vitest";
import { msg, secondsToNs } from "../../bus/index.ts";
import { StreetGeometry, addCrossingPath, constantVelocityPath } from "../../prediction/index.ts";
import { Planner, accAccel, idmAccel, purePursuitSteering } from "../../planning/index.ts";
import { SPEED_LIMIT_MPS, streetMap, trackList, vehicleState, type ObjectSpec } from "../prediction/streetFixture.ts";
import { simulate, type Predict } from "./pointMassLoop.ts";

const D = msg.Trajectory_Decision;
const HALF_LENGTH_M = 2.3;

const street = new StreetGeometry(streetMap());

/** What a learned predictor publishes when it warns about `warned` (P = 0.8) and not the others: CV paths, plus the crossing path. */
function warnedPredictions(warned: ReadonlySet<number>): Predict {
  return (tracks) => msg.create(msg.AgentPredictionsSchema, {
    timestamp: tracks.timestamp, frameId: "map", predictor: "test",
    agents: tracks.tracks.map((t) => {
      const agent = msg.create(msg.AgentPredictionSchema, { trackId: t.id, objectClass: t.objectClass, paths: [constantVelocityPath(t, 3, 0.1)] });
      if (warned.has(t.id)) {
        agent.crossingPredicted = true;
        addCrossingPath(agent, t, street.nearestCurb(t.xM, t.yM), 0.8, { crossingSpeedMps: 1.4, pathHorizonS: 3, pathStepS: 0.1 });
      }
      return agent;
    }),
  });
}

describe("Planner", () => {
  it("free road ⇒ accelerates to the speed limit (max 1.5 m/s²) and says GO", () => {
    const steps = simulate(10, 0, 40, () => []);
    expect(steps[0].a).toBeCloseTo(1.5, 6);
    expect(steps[0].trajectory.decision).toBe(D.GO);
    expect(steps[0].trajectory.targetSpeedMps).toBe(SPEED_LIMIT_MPS);
    expect(Math.max(...steps.map((s) => s.a))).toBeLessThanOrEqual(1.5 + 1e-9);
    const last = steps[steps.length - 1];
    expect(last.v).toBeGreaterThan(SPEED_LIMIT_MPS - 0.3);
    expect(Math.max(...steps.map((s) => s.v))).toBeLessThanOrEqual(SPEED_LIMIT_MPS + 1e-6);
    // The trajectory covers 5 s.
    const pts = steps[0].trajectory.points;
    expect(pts[pts.length - 1].tS).toBeCloseTo(5);
    expect(pts[pts.length - 1].speedMps).toBeGreaterThan(5);
    expect(pts.every((p) => Math.abs(p.yM + 1.75) < 1e-9)).toBe(true);
  });

  it("stationary pedestrian in the ego lane 30 m ahead at 11 m/s ⇒ stops before them", () => {
    const pedX = 40;
    const steps = simulate(10, 11, 20, () => [{ id: 8, x: pedX, y: -1.5 }]);
    expect(steps[0].a).toBeLessThan(-2);
    expect(steps[0].trajectory.decision).toBe(D.STOP);
    expect(steps[0].trajectory.reasonTrackId).toBe(8);
    expect(Math.min(...steps.map((s) => s.a))).toBeGreaterThanOrEqual(-8);
    const last = steps[steps.length - 1];
    expect(last.v).toBeLessThan(0.05);
    const frontGap = pedX - (last.x + HALF_LENGTH_M);
    expect(frontGap).toBeGreaterThan(1.5);
    expect(frontGap).toBeLessThan(6);
    expect(Math.max(...steps.map((s) => s.x + HALF_LENGTH_M))).toBeLessThan(pedX - 1.5);
    expect(last.trajectory.decision).toBe(D.STOP);
  });

  it("pedestrian on the curb about to jaywalk ahead ⇒ YIELD, then stops short of their path", () => {
    // Waiting on the curb edge, then walks north across the road from t = 1 s at 1.2 m/s.
    const ped = (tS: number): ObjectSpec[] => {
      const walk = Math.max(0, tS - 1);
      return [{ id: 4, x: 60, y: -5.8 + 1.2 * walk, vy: tS >= 1 ? 1.2 : 0 }];
    };
    const steps = simulate(10, 11, 8, ped);
    expect(steps[0].trajectory.decision).toBe(D.GO); // standing still: no conflict yet
    const firstReaction = steps.find((s) => s.trajectory.decision !== D.GO)!;
    expect(firstReaction.tS).toBeCloseTo(1, 6);
    expect(firstReaction.trajectory.decision).toBe(D.YIELD);
    expect(firstReaction.trajectory.reasonTrackId).toBe(4);
    // While the pedestrian is in or near the ego lane the ego stays short of x = 60.
    const inLane = steps.filter((s) => s.tS >= 1 && -5.8 + 1.2 * (s.tS - 1) < 1);
    expect(Math.max(...inLane.map((s) => s.x + HALF_LENGTH_M))).toBeLessThan(60);
  });

  it("a warned pedestrian standing on the curb far ahead ⇒ YIELD before any step, stopping comfortably short of them", () => {
    const steps = simulate(10, 11, 25, () => [{ id: 5, x: 80, y: -5.8 }], warnedPredictions(new Set([5])));
    expect(steps[0].trajectory.decision).toBe(D.YIELD);
    expect(steps[0].trajectory.reasonTrackId).toBe(5);
    expect(Math.min(...steps.map((s) => s.a))).toBeGreaterThan(-2.5);
    const last = steps[steps.length - 1];
    expect(last.v).toBeLessThan(0.05);
    expect(Math.max(...steps.map((s) => s.x + HALF_LENGTH_M))).toBeLessThan(80 - 1.5);
    // The constant-velocity path alone (the same pedestrian, not warned) asks for nothing.
    expect(simulate(10, 11, 0, () => [{ id: 5, x: 80, y: -5.8 }], warnedPredictions(new Set()))[0].trajectory.decision).toBe(D.GO);
  });

  it("a warned pedestrian too close to stop for comfortably ⇒ no braking part way (the observed motion still brakes hard)", () => {
    const standing = simulate(60, 12, 0, () => [{ id: 5, x: 80, y: -5.8 }], warnedPredictions(new Set([5])));
    expect(standing[0].trajectory.decision).toBe(D.GO);
    expect(standing[0].a).toBeGreaterThan(0);
    // The same pedestrian walking into the lane: its own motion is a conflict, whatever the distance.
    const walking = simulate(60, 12, 0, () => [{ id: 5, x: 80, y: -5.8, vy: 1.4 }], warnedPredictions(new Set([5])));
    expect(walking[0].trajectory.decision).toBe(D.YIELD);
    expect(walking[0].a).toBeLessThan(-2.5);
  });

  it("keeps yielding once it has begun while the warning lasts, releases when it drops", () => {
    const map = streetMap();
    const ped = trackList(0, [{ id: 5, x: 80, y: -5.8 }]);
    const warned = warnedPredictions(new Set([5]));
    const planner = new Planner();
    planner.setMap(map);
    const at = (p: Planner, tS: number, x: number, v: number, predictions: msg.AgentPredictions) =>
      p.update({ stampNs: secondsToNs(tS), vehicle: vehicleState(tS, x, -1.75, v), tracks: ped, predictions }).trajectory;
    expect(at(planner, 0, 10, 11, warned(ped)).decision).toBe(D.YIELD);
    // Closer than a comfortable stop: a planner that had not begun would go on, this one keeps yielding.
    const fresh = new Planner();
    fresh.setMap(map);
    expect(at(fresh, 0.1, 60, 12, warned(ped)).decision).toBe(D.GO);
    const kept = at(planner, 0.1, 60, 12, warned(ped));
    expect(kept.decision).toBe(D.YIELD);
    expect(kept.accelerationMps2).toBeLessThan(-2.5);
    expect(at(planner, 0.2, 61, 12, warnedPredictions(new Set())(ped)).decision).toBe(D.GO);
  });

  it("a warned pedestrian whose track is lost (occluded) is still yielded to for lostPedestrianMemoryS, at the same place", () => {
    const map = streetMap();
    const planner = new Planner({ lostPedestrianMemoryS: 3 });
    planner.setMap(map);
    const ped = trackList(0, [{ id: 5, x: 80, y: -5.8 }]);
    const first = planner.update({ stampNs: 0n, vehicle: vehicleState(0, 10, -1.75, 11), tracks: ped, predictions: warnedPredictions(new Set([5]))(ped) });
    expect(first.trajectory.decision).toBe(D.YIELD);
    const conflictS = first.obstacles.find((o) => o.trackId === 5)!.sM;
    const none = trackList(1, []);
    const empty = warnedPredictions(new Set())(none);
    for (const tS of [1, 2, 3]) {
      const out = planner.update({ stampNs: secondsToNs(tS), vehicle: vehicleState(tS, 10 + 5 * tS, -1.75, 8), tracks: none, predictions: empty });
      expect(out.trajectory.decision).toBe(D.YIELD);
      expect(out.trajectory.reasonTrackId).toBe(5);
      expect(out.trajectory.reason).toMatch(/^pedestrian 5 \(out of sight\) predicted to enter the ego path/);
      expect(out.obstacles.find((o) => o.trackId === 5)!.sM).toBeCloseTo(conflictS, 9);
    }
    const later = planner.update({ stampNs: secondsToNs(3.2), vehicle: vehicleState(3.2, 26, -1.75, 8), tracks: none, predictions: empty });
    expect(later.obstacles).toHaveLength(0);
    expect(later.trajectory.decision).toBe(D.GO);
  });

  it("lead car ⇒ follows with a gap", () => {
    const lead = (tS: number): ObjectSpec[] => [{ id: 3, objectClass: msg.ObjectClass.CAR, x: 40 + 8 * tS, y: -1.75, vx: 8 }];
    const steps = simulate(10, 11, 60, lead);
    expect(steps[0].trajectory.decision).toBe(D.FOLLOW);
    expect(steps[0].trajectory.reasonTrackId).toBe(3);
    let minGap = Infinity;
    for (const s of steps) minGap = Math.min(minGap, 40 + 8 * s.tS - 2.25 - (s.x + HALF_LENGTH_M));
    expect(minGap).toBeGreaterThan(2);
    const last = steps[steps.length - 1];
    expect(last.v).toBeCloseTo(8, 1);
    const gap = 40 + 8 * last.tS - 2.25 - (last.x + HALF_LENGTH_M);
    expect(gap).toBeGreaterThan(2 + 8 * 1.5 - 1); // about s0 + v·T
    expect(gap).toBeLessThan(2 + 8 * 1.5 + 6);
    expect(last.trajectory.decision).toBe(D.FOLLOW);
  });

  it("does not follow a car in the opposite lane or a parked car", () => {
    const objects = (tS: number): ObjectSpec[] => [
      { id: 3, objectClass: msg.ObjectClass.CAR, x: 40 - 10 * tS, y: 1.75, vx: -10 },
      { id: 6, objectClass: msg.ObjectClass.CAR, x: 30, y: -4.5, parked: true },
    ];
    expect(simulate(10, 11, 1, objects, undefined, { slowForOcclusions: false }).every((s) => s.trajectory.decision === D.GO)).toBe(true);
    // With occlusion slowing on, the parked car is passed slowly, never followed; the moving car is no occluder.
    const steps = simulate(10, 11, 1, objects);
    expect(steps.some((s) => s.trajectory.decision === D.SLOW)).toBe(true);
    expect(steps.every((s) => s.trajectory.decision !== D.FOLLOW && s.trajectory.reasonTrackId !== 3)).toBe(true);
  });

  it("a parked car beside the lane ⇒ slows late and comfortably to the pass speed by its front end, then back to the limit", () => {
    const frontX = 80 + 4.5 / 2;
    const parked = (): ObjectSpec[] => [{ id: 6, objectClass: msg.ObjectClass.CAR, x: 80, y: -4.5, parked: true }];
    const steps = simulate(10, SPEED_LIMIT_MPS, 12, parked);
    const vPass = new Planner().occlusionPassSpeedMps;
    expect(vPass).toBeGreaterThan(4);
    expect(vPass).toBeLessThan(SPEED_LIMIT_MPS - 3);
    // 70 m away it does not brake yet.
    expect(steps[0].trajectory.decision).toBe(D.GO);
    expect(steps[0].a).toBeGreaterThanOrEqual(0);
    const slowing = steps.find((s) => s.trajectory.decision === D.SLOW)!;
    expect(slowing.trajectory.reasonTrackId).toBe(6);
    expect(slowing.trajectory.reason).toContain("could hide a pedestrian");
    expect(slowing.trajectory.targetSpeedMps).toBeCloseTo(vPass, 9);
    // It begins where slowing from the limit at occlusionDecelMps2 (1.5) reaches the pass speed at the spot.
    const zoneM = (SPEED_LIMIT_MPS ** 2 - vPass ** 2) / (2 * 1.5);
    expect(frontX - (slowing.x + HALF_LENGTH_M)).toBeLessThanOrEqual(zoneM);
    expect(frontX - (slowing.x + HALF_LENGTH_M)).toBeGreaterThan(zoneM - SPEED_LIMIT_MPS * 0.1 - 1e-9);
    // The published trajectory already shows the slow pass.
    expect(Math.min(...slowing.trajectory.points.map((q) => q.speedMps))).toBeLessThan(vPass + 0.3);
    expect(Math.min(...steps.map((s) => s.a))).toBeGreaterThanOrEqual(-2.5 - 1e-9);
    const atSpot = steps.find((s) => s.x + HALF_LENGTH_M >= frontX)!;
    expect(atSpot.v).toBeLessThanOrEqual(vPass + 0.05);
    expect(atSpot.v).toBeGreaterThan(vPass - 0.5);
    const last = steps[steps.length - 1];
    expect(last.trajectory.decision).toBe(D.GO);
    expect(last.v).toBeGreaterThan(atSpot.v + 1);
  });

  it("a parked car across the street is no occlusion spot for the ego lane", () => {
    const steps = simulate(10, SPEED_LIMIT_MPS, 8, () => [{ id: 6, objectClass: msg.ObjectClass.CAR, x: 60, y: 4.5, parked: true }]);
    expect(steps.every((s) => s.trajectory.decision === D.GO)).toBe(true);
  });

  it("pedestrian on the far sidewalk walking along ⇒ GO", () => {
    const steps = simulate(10, 11, 2, (tS) => [{ id: 9, x: 30 + 1.4 * tS, y: 7, vx: 1.4 }, { id: 10, x: 35, y: -7, vx: -1.3 }]);
    for (const s of steps) {
      expect(s.trajectory.decision).toBe(D.GO);
      expect(s.a).toBeGreaterThan(0);
    }
  });

  it("ignores a pedestrian in the lane behind the ego", () => {
    const steps = simulate(50, 11, 0, () => [{ id: 2, x: 40, y: -1.75 }]);
    expect(steps[0].trajectory.decision).toBe(D.GO);
  });

  it("steers back toward the lane centreline (pure pursuit)", () => {
    const map = streetMap();
    const planner = new Planner();
    planner.setMap(map);
    const run = (y: number, yaw = 0) =>
      planner.update({ stampNs: 0n, vehicle: vehicleState(0, 20, y, 8, yaw), tracks: undefined, predictions: undefined }).command.steeringAngleRad;
    expect(run(-1.75)).toBeCloseTo(0, 9);
    expect(run(-2.5)).toBeGreaterThan(0.01); // right of the centreline: steer left
    expect(run(-1.0)).toBeLessThan(-0.01);
    expect(run(-1.75, 0.1)).toBeLessThan(0);
    expect(Math.abs(run(-20))).toBeLessThanOrEqual(0.6);
  });
});

describe("idm and pure pursuit", () => {
  const p = { maxAccelMps2: 1.5, comfortDecelMps2: 2.5, idmDelta: 4, timeHeadwayS: 1.5 };
  it("IDM is in equilibrium at the desired gap and brakes when closer", () => {
    const v = 8;
    const s = 2 + v * 1.5;
    expect(idmAccel(v, 1e9, s, 0, 2, p)).toBeCloseTo(0, 6);
    expect(idmAccel(v, 1e9, s / 2, 0, 2, p)).toBeLessThan(-3);
    expect(idmAccel(v, 12, 0, 0, 2, p)).toBe(-Infinity);
  });
  it("ACC model: a pedestrian appearing 25 m ahead at 13 m/s needs 3.9 m/s²; IDM asks far more, ACC about that", () => {
    const v = 13;
    const gap = 25;
    const jam = 3;
    const needed = (v * v) / (2 * (gap - jam)); // 3.84 m/s², the constant-acceleration heuristic
    const idm = idmAccel(v, 13.9, gap, v, jam, p);
    const acc = accAccel(v, 13.9, gap, 0, jam, p);
    expect(idm).toBeLessThan(-8);
    expect(acc).toBeLessThanOrEqual(-needed); // never less than what stops at the jam gap
    // Bounded by CAH − b, up to the 1 % of IDM the blend keeps.
    expect(acc).toBeGreaterThan(-needed - p.comfortDecelMps2 + 0.01 * idm);
    // Where IDM is calm (a far obstacle, a lead car at the same speed), ACC is IDM.
    expect(accAccel(10, 13.9, 60, 10, 2, p)).toBeCloseTo(idmAccel(10, 13.9, 60, 0, 2, p), 12);
    // Simulated stop behind a standing obstacle: stops before it, never brakes beyond CAH − b.
    let speed = v;
    let front = 0;
    let minA = 0;
    for (let t = 0; t < 15; t += 0.02) {
      const a = Math.max(-8, accAccel(speed, 13.9, gap - front, 0, jam, p));
      minA = Math.min(minA, a);
      const next = Math.max(0, speed + a * 0.02);
      front += ((speed + next) / 2) * 0.02;
      speed = next;
    }
    expect(speed).toBeLessThan(0.05);
    expect(front).toBeLessThan(gap);
    expect(minA).toBeGreaterThan(-needed - p.comfortDecelMps2 + 0.01 * idm);
  });
  it("pure pursuit on a circle", () => {
    // Target on a circle of radius R through the rear axle: δ = atan(L / R).
    const R = 20;
    const L = 2.8;
    const th = 0.3;
    expect(purePursuitSteering(0, 0, 0, L, R * Math.sin(th), R - R * Math.cos(th))).toBeCloseTo(Math.atan(L / R), 9);
  });
});
