import { describe, expect, it } from "vitest";
import { type msg } from "../../bus/index.ts";
import { type ScenarioInput, findScenario } from "../../sim/scenarios/index.ts";
import { World, buildStreet, isInCrosswalk } from "../../sim/world/index.ts";

const street = buildStreet();
const COAST = { accelerationMps2: 0, steeringAngleRad: 0 };
const BRAKE = { accelerationMps2: -8, steeringAngleRad: 0 };

interface Sample {
  tNs: bigint;
  o: msg.GroundTruthObject;
  p: msg.PedestrianTruth;
}

/** Steps at 10 Hz until done; returns the track of pedestrian `id`. */
function track(world: World, id = 1, cmd = COAST): Sample[] {
  const out: Sample[] = [];
  while (!world.done) {
    world.step(0.1, cmd);
    const o = world.groundTruth().objects.find((x) => x.id === id)!;
    out.push({ tNs: world.timeNs, o, p: o.pedestrian! });
  }
  return out;
}

/**
 * Runs a coasting ego past pedestrian 0 (no collision allowed on any step): when it left the curb,
 * when the ego's rear passed it (+0.5 m), and how far ahead the ego's front was when it left.
 */
function crossingBesideEgo(input: ScenarioInput): { leaveNs: bigint; passedNs: bigint; egoGapAtLeaveM: number } {
  const w = new World(input, 1);
  let passedNs = 0n;
  let egoGapAtLeaveM = NaN;
  while (!w.done) {
    w.step(0.1, COAST);
    const p = w.pedestrians[0];
    if (passedNs === 0n && w.ego.frontX - w.ego.params.lengthM > p.x + 0.5) passedNs = w.timeNs;
    if (Number.isNaN(egoGapAtLeaveM) && p.curbLeaveNs > 0n) egoGapAtLeaveM = p.x - w.ego.frontX;
    expect(w.collisions()).toEqual([]);
  }
  return { leaveNs: w.pedestrians[0].curbLeaveNs, passedNs, egoGapAtLeaveM };
}

/** A scenario with one pedestrian and a stopped ego far away, so only time triggers fire. */
type PedInput = NonNullable<ScenarioInput["pedestrians"]>[number];

function single(ped: PedInput, durationS = 20): ScenarioInput {
  return {
    name: "single",
    description: "one pedestrian",
    durationS,
    ego: { xM: 10, speedMps: 0 },
    pedestrians: [ped],
  };
}

describe("pedestrian behaviours", () => {
  it("jaywalk: approaches the curb after deciding, then crosses outside the crosswalk to the far sidewalk", () => {
    const s = track(new World(findScenario("jaywalk-clear-view"), 3));
    const last = s[s.length - 1].p;
    expect(last.behaviour).toBe(3); // JAYWALK
    expect(last.willJaywalk).toBe(true);
    expect(last.willCross).toBe(true);
    const decision = last.decisionTimeNs;
    const leave = last.curbLeaveTimeNs;
    expect(decision).toBeGreaterThan(0n);
    // The approach phase (turn toward the curb and walk to it) lasts about 0.5–1.5 s.
    const approachS = Number(leave - decision) / 1e9;
    expect(approachS).toBeGreaterThan(0.4);
    expect(approachS).toBeLessThan(1.6);
    for (const x of s) if (x.tNs <= decision) expect(x.p.onRoad).toBe(false);
    const jay = s.filter((x) => x.p.onRoad && !x.p.inCrosswalk);
    expect(jay.length).toBeGreaterThan(10);
    expect(jay[0].tNs).toBeGreaterThan(decision);
    expect(jay.some((x) => Math.abs(x.o.yM - street.egoLaneCenterYM) < 0.3)).toBe(true);
    // Labels are published only once the events happened.
    expect(s.find((x) => x.tNs < decision)!.p.decisionTimeNs).toBe(0n);
    const end = s[s.length - 1].o;
    expect(end.yM).toBeGreaterThan(street.curbYM);
    expect(last.onRoad).toBe(false);
  });

  it("cross-at-crosswalk: stays inside the crosswalk polygon whenever on the road", () => {
    const s = track(new World(findScenario("crosswalk-crossing"), 5));
    const onRoad = s.filter((x) => x.p.onRoad);
    expect(onRoad.length).toBeGreaterThan(20);
    for (const x of onRoad) {
      expect(x.p.inCrosswalk).toBe(true);
      expect(isInCrosswalk(street, x.o.xM - x.o.widthM / 2, x.o.yM)).toBe(true);
      expect(isInCrosswalk(street, x.o.xM + x.o.widthM / 2, x.o.yM)).toBe(true);
    }
    const last = s[s.length - 1];
    expect(last.p.willCross).toBe(true);
    expect(last.p.willJaywalk).toBe(false);
    expect(last.o.yM).toBeGreaterThan(street.curbYM); // reached the far (north) sidewalk
  });

  it("walk-along: walks along the sidewalk and never enters the road", () => {
    const s = track(new World(findScenario("walk-along-curb"), 1), 1);
    for (const x of s) {
      expect(x.p.onRoad).toBe(false);
      expect(x.p.willCross).toBe(false);
      expect(x.p.decisionTimeNs).toBe(0n);
      expect(x.o.yM).toBeCloseTo(-5.9, 12);
    }
    expect(s[s.length - 1].o.xM - s[0].o.xM).toBeGreaterThan(15);
    expect(s[5].o.vxMps).toBeGreaterThan(1.2);
  });

  it("stand: never moves", () => {
    const w = new World(single({ behaviour: "stand", start: { xM: 60, yM: 7 }, speedMps: 1.4 }, 5), 1);
    const s = track(w);
    const x0 = s[0].o.xM;
    for (const x of s) {
      expect(x.o.xM).toBe(x0);
      expect(x.o.yM).toBe(7);
      expect(x.o.vxMps).toBe(0);
      expect(x.p.onRoad).toBe(false);
    }
  });

  it("hesitate: steps off the curb onto the road, then returns to the sidewalk and stays there", () => {
    const s = track(new World(findScenario("hesitating-pedestrian"), 2));
    const firstOn = s.findIndex((x) => x.p.onRoad);
    expect(firstOn).toBeGreaterThan(0);
    const lastOn = s.length - 1 - [...s].reverse().findIndex((x) => x.p.onRoad);
    expect(lastOn).toBeLessThan(s.length - 10);
    for (const x of s.slice(lastOn + 1)) expect(x.p.onRoad).toBe(false);
    // Never past the parking strip into the ego lane.
    for (const x of s) expect(x.o.yM).toBeLessThan(-street.laneEdgeYM);
    const deepest = Math.max(...s.map((x) => x.o.yM));
    expect(deepest).toBeGreaterThan(-street.curbYM + 0.6);
    const last = s[s.length - 1].p;
    expect(last.behaviour).toBe(5); // HESITATE
    expect(last.willCross).toBe(false);
    expect(last.willJaywalk).toBe(false);
    expect(last.curbLeaveTimeNs).toBeGreaterThan(last.decisionTimeNs);
  });

  it("run: a child crosses at running speed outside the crosswalk", () => {
    const s = track(new World(findScenario("running-child"), 4));
    const last = s[s.length - 1].p;
    expect(last.behaviour).toBe(6); // RUN
    expect(last.isChild).toBe(true);
    expect(last.willJaywalk).toBe(true);
    const crossing = s.filter((x) => x.p.onRoad && Math.abs(x.o.yM) < 3);
    expect(crossing.length).toBeGreaterThan(0);
    for (const x of crossing) {
      expect(x.p.inCrosswalk).toBe(false);
      expect(Math.hypot(x.o.vxMps, x.o.vyMps)).toBeGreaterThan(2.5);
    }
    expect(s[s.length - 1].o.heightM).toBeLessThan(1.3);
  });

  it("time trigger: decides at atS and leaves the curb after the approach", () => {
    const w = new World(
      single({
        behaviour: "jaywalk",
        start: { xM: 60, yM: -6.5 },
        speedMps: 1.25,
        trigger: { atS: 2 },
        variation: { startXM: 0, speedFraction: 0, triggerFraction: 0 },
      }),
      9,
    );
    const s = track(w);
    const last = s[s.length - 1].p;
    expect(last.decisionTimeNs).toBe(2_000_000_000n);
    // 1 m to the curb, 0.75 m to the sidewalk edge where it steps off (centre half a body width from the curb) at 1.25 m/s: 0.6 s.
    expect(last.curbLeaveTimeNs).toBe(2_600_000_000n);
  });

  it("approachS: a walker near the curb drifts toward it for about that long instead of turning on the spot", () => {
    const ped = (approachS: number, walkDirection: -1 | 0 | 1): PedInput => ({
      behaviour: "jaywalk",
      start: { xM: 60, yM: -(street.curbYM + 0.4) },
      speedMps: 1.4,
      walkDirection,
      trigger: { atS: 2 },
      approachS,
      variation: { startXM: 0, speedFraction: 0, triggerFraction: 0 },
    });
    const approach = (p: PedInput) => {
      const s = track(new World(single(p), 9));
      const last = s[s.length - 1].p;
      const atLeave = s.find((x) => x.tNs === last.curbLeaveTimeNs) ?? s.find((x) => x.tNs > last.curbLeaveTimeNs)!;
      const atDecision = s.find((x) => x.tNs === last.decisionTimeNs)!;
      return { seconds: Number(last.curbLeaveTimeNs - last.decisionTimeNs) / 1e9, dxM: atLeave.o.xM - atDecision.o.xM };
    };
    // 0.4 m from the curb at 1.4 m/s: without approachS it steps off 0.37 s after the decision (0.52 m to its curb point).
    expect(approach(ped(0, 1)).seconds).toBeLessThan(0.5);
    const walker = approach(ped(2, 1));
    expect(walker.seconds).toBeGreaterThan(1.9);
    expect(walker.seconds).toBeLessThan(2.1);
    expect(walker.dxM).toBeGreaterThan(2.5); // onward, in its walking direction
    // Standing at x = 60 (the crosswalk is east of it): angles west, away from the crosswalk.
    const stander = approach(ped(2, 0));
    expect(stander.seconds).toBeGreaterThan(1.9);
    expect(stander.dxM).toBeLessThan(-2.5);
  });

  it("yieldsToEgo: waits at the curb until the ego has passed", () => {
    const input: ScenarioInput = {
      name: "yield",
      description: "a yielding crosser",
      durationS: 15,
      ego: { xM: 10, speedMps: 11 },
      pedestrians: [
        {
          behaviour: "jaywalk",
          start: { xM: 80, yM: -6.5 },
          speedMps: 1.4,
          trigger: { egoDistanceM: 40 },
          yieldsToEgo: true,
        },
      ],
    };
    const { leaveNs: leave, passedNs } = crossingBesideEgo(input);
    expect(leave).toBeGreaterThan(0n);
    expect(passedNs).toBeGreaterThan(0n);
    // It sees the ego after the ego's move in the same step, so it may leave one step (0.1 s) early.
    expect(leave).toBeGreaterThanOrEqual(passedNs - 100_000_000n);
    expect(leave - passedNs).toBeLessThan(300_000_000n);
  });

  it("criticalGapS: crosses in front of the ego when the gap is at least its critical gap, else after the ego has passed", () => {
    const egoSpeedMps = 10;
    const run = (criticalGapS: number) => {
      const r = crossingBesideEgo({
        name: "gap",
        description: "gap acceptance",
        durationS: 15,
        ego: { xM: 10, speedMps: egoSpeedMps },
        pedestrians: [{ behaviour: "jaywalk", start: { xM: 90, yM: -6.5 }, speedMps: 1.4, trigger: { egoDistanceM: 70 }, yieldsToEgo: true, criticalGapS }],
      });
      return { ...r, gapAtLeaveS: r.egoGapAtLeaveM / egoSpeedMps };
    };
    // The ego is 70 m away at the decision, about 6 s at 10 m/s when it reaches the curb.
    const bold = run(3);
    expect(bold.gapAtLeaveS).toBeGreaterThan(3);
    expect(bold.leaveNs).toBeLessThan(bold.passedNs);
    const careful = run(6.5);
    expect(careful.gapAtLeaveS).toBeLessThan(0); // the ego is past
    expect(careful.leaveNs).toBeGreaterThanOrEqual(careful.passedNs - 100_000_000n);
  });

  it("does not react to the ego by default: a stopped ego does not change the crossing", () => {
    const a = track(new World(findScenario("crosswalk-crossing"), 8), 1, COAST);
    const w = new World(findScenario("crosswalk-crossing"), 8);
    // Coast until the decision, then brake hard: the pedestrian's timeline must be the same.
    const b: Sample[] = [];
    while (!w.done) {
      w.step(0.1, w.pedestrians[0].decisionNs > 0n ? BRAKE : COAST);
      const o = w.groundTruth().objects[0];
      b.push({ tNs: w.timeNs, o, p: o.pedestrian! });
    }
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      expect(b[i].o.xM).toBe(a[i].o.xM);
      expect(b[i].o.yM).toBe(a[i].o.yM);
    }
  });

  it("does not walk into the ego: a crosser whose line runs through a stopped ego waits beside it, then crosses once it has driven on", () => {
    const input: ScenarioInput = {
      name: "blocked",
      description: "a jaywalker whose crossing line runs through the stopped ego",
      durationS: 20,
      ego: { xM: 50, speedMps: 0 },
      pedestrians: [{ behaviour: "jaywalk", start: { xM: 50, yM: -6.5 }, speedMps: 1.4, trigger: { atS: 0.5 }, variation: { startXM: 0 } }],
    };
    const w = new World(input, 1);
    let waitedS = 0;
    while (w.timeNs < 10_000_000_000n) {
      w.step(0.1, COAST);
      expect(w.collisions()).toEqual([]);
      if (w.pedestrians[0].curbLeaveNs > 0n && w.pedestrians[0].vy === 0) waitedS += 0.1;
    }
    const p = w.pedestrians[0];
    expect(p.curbLeaveNs).toBeGreaterThan(0n); // it stepped off and walks toward the ego's side ...
    expect(p.y).toBeLessThan(-3.5 + 0.5); // ... but stands short of it, in the parking strip or at the lane edge
    expect(waitedS).toBeGreaterThan(3);
    // The ego drives off: the crosser reaches the far sidewalk, crossing behind it.
    while (!w.done) w.step(0.1, { accelerationMps2: 1.5, steeringAngleRad: 0 });
    expect(p.y).toBeGreaterThan(street.curbYM);
  });
});
