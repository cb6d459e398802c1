import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { crosswalkShapes, crosswalksOnPath, crosswalkUse, LaneFrame, moreUrgent } from "../../planning/index.ts";
import { SPEED_LIMIT_MPS, streetMap, type ObjectSpec } from "../prediction/streetFixture.ts";
import { simulate, type Step } from "./pointMassLoop.ts";

const D = msg.Trajectory_Decision;
const HALF_LENGTH_M = 2.3;
// The fixture's street: eastbound lane centred at y = -1.75, curbs at ±5.5, the crosswalk over x 118–122.
const map = streetMap();
const eastbound = new LaneFrame(map.lanes.find((l) => l.id === 1)!, 3.5);
const BAND_M = 1.9 / 2 + 0.8;
const crosswalks = crosswalkShapes(map.crosswalks);
const PARAMS = { crosswalkAttentionM: 2, crosswalkAttentionHysteresisM: 0.5, crosswalkWaitingSpeedMps: 0.5 };

describe("crosswalksOnPath / crosswalkUse", () => {
  it("finds the crosswalk the ego lane crosses while its entry is ahead of the ego front", () => {
    const [cw, ...rest] = crosswalksOnPath(eastbound, crosswalks, 20, BAND_M);
    expect(rest).toHaveLength(0);
    expect(cw.sEntryM).toBeCloseTo(eastbound.project(118, -1.75).sM, 6);
    expect(crosswalksOnPath(eastbound, crosswalks, cw.sEntryM + 0.1, BAND_M)).toHaveLength(0);
    expect(crosswalksOnPath(eastbound, crosswalkShapes([{ points: [{ x: 50, y: 7 }, { x: 54, y: 7 }, { x: 54, y: 12 }] }]), 20, BAND_M)).toHaveLength(0); // off the road
    // A crosswalk of fewer than three vertices is no area: left out, keeping the others' map indices.
    const shapes = crosswalkShapes([{ points: [{ x: 60, y: -5.5 }, { x: 60, y: 5.5 }] }, ...map.crosswalks]);
    expect(shapes.map((c) => c.index)).toEqual([1]);
    expect(crosswalksOnPath(eastbound, shapes, 20, BAND_M).map((c) => c.index)).toEqual([1]);
  });

  it("says who waits at it, walks onto it, is on it in the ego path, and who only passes by or has crossed", () => {
    const [cw] = crosswalksOnPath(eastbound, crosswalks, 20, BAND_M);
    const use = (x: number, y: number, vx = 0, vy = 0) => crosswalkUse(eastbound, cw, x, y, vx, vy, BAND_M, PARAMS);
    expect(use(119, -6.2)).toBe("waiting"); // at the near end, on the sidewalk
    expect(use(121, 6.8)).toBe("waiting"); // at the far end
    expect(use(120, 3)).toBe("waiting"); // standing on it, in the other lane
    expect(use(116.5, -6.2)).toBe("waiting"); // within the attention distance of its outline
    expect(use(119, 4, 0, -1.3)).toBe("approaching"); // from the north, toward the ego lane
    expect(use(119, -6, 0, 1.3)).toBe("approaching"); // stepping off the south curb
    expect(use(120, -1.75)).toBe("on");
    expect(use(119, -6.5, 1.3, 0)).toBeUndefined(); // walking along the sidewalk past it
    expect(use(120, -4.2, 0, -1.3)).toBeUndefined(); // crossed the ego lane, walking away
    expect(use(119, 3, 0, 1.3)).toBeUndefined(); // past the ego lane northbound
    expect(use(100, -6.2)).toBeUndefined(); // waiting, but not at the crosswalk
    expect(use(119, -9)).toBeUndefined(); // 3.5 m back from the curb
    // Someone already at it stays at it out to the attention distance plus the hysteresis.
    const was = (x: number, y: number) => crosswalkUse(eastbound, cw, x, y, 0, 0, BAND_M, PARAMS, true);
    expect(use(121.7, 7.7)).toBeUndefined();
    expect(was(121.7, 7.7)).toBe("waiting");
    expect(was(121.7, 8.1)).toBeUndefined();
  });

  it("ranks someone in the path over someone approaching over someone waiting", () => {
    expect(moreUrgent(undefined, "waiting")).toBe(true);
    expect(moreUrgent("waiting", "approaching")).toBe(true);
    expect(moreUrgent("approaching", "on")).toBe(true);
    expect(moreUrgent("on", "waiting")).toBe(false);
    expect(moreUrgent("approaching", "approaching")).toBe(false);
  });
});

const isCrosswalkYield = (s: Step) => s.trajectory.reason.includes("the crosswalk");
/** The ego has arrived at the crosswalk's stop line (118 − 2 m): within 1 m of it, or stopped. */
const arrived = (s: Step) => s.v < 0.3 || s.x + HALF_LENGTH_M >= 118 - 2 - 1;

describe("Planner at a crosswalk", () => {
  // Waits at the south end until 9 s, then crosses north at 1.4 m/s (past the ego path band at about 13.3 s).
  const crosser = (tS: number): ObjectSpec[] => {
    const walking = tS >= 9;
    return [{ id: 4, x: 119, y: walking ? -6.2 + 1.4 * (tS - 9) : -6.2, vy: walking ? 1.4 : 0 }];
  };

  it("someone waiting at a crosswalk ahead ⇒ YIELD from afar, comfortably, to a stop before it; on again once they have crossed the ego lane", () => {
    const steps = simulate(10, SPEED_LIMIT_MPS, 22, crosser);
    expect(steps[0].trajectory.decision).toBe(D.YIELD);
    expect(steps[0].trajectory.reasonTrackId).toBe(4);
    expect(steps[0].trajectory.reason).toContain("pedestrian 4 waiting at the crosswalk");
    expect(steps[0].trajectory.reason).toContain("stopping 2 m before it");
    expect(Math.min(...steps.map((s) => s.a))).toBeGreaterThanOrEqual(-2.5);
    // It never reaches the crosswalk while the pedestrian is short of the far edge of the ego path band.
    const whileCrossing = steps.filter((s) => s.tS < 13.3);
    expect(Math.max(...whileCrossing.map((s) => s.x + HALF_LENGTH_M))).toBeLessThan(118);
    const stopped = steps.find((s) => s.v < 0.3 && s.tS > 5)!;
    expect(stopped.x + HALF_LENGTH_M).toBeGreaterThan(118 - 2 - 1.5);
    // Released: through the crosswalk by the end.
    const last = steps[steps.length - 1];
    expect(last.trajectory.decision).toBe(D.GO);
    expect(last.x + HALF_LENGTH_M).toBeGreaterThan(122);
  });

  it("someone who waits and does not cross is let be crosswalkWaitTimeoutS after the ego arrived at the line", () => {
    const stander = (): ObjectSpec[] => [{ id: 5, x: 121, y: 6.8 }];
    const steps = simulate(10, SPEED_LIMIT_MPS, 30, stander);
    const firstStop = steps.find(arrived)!;
    expect(firstStop.trajectory.reason).toContain("pedestrian 5 waiting at the crosswalk");
    const go = steps.find((s) => s.tS > firstStop.tS && !isCrosswalkYield(s))!;
    expect(go.tS - firstStop.tS).toBeGreaterThanOrEqual(4 - 1e-9);
    expect(go.tS - firstStop.tS).toBeLessThan(4.2);
    expect(go.trajectory.decision).toBe(D.GO);
    // Let be for good while it stands, then driven past.
    const after = steps.filter((s) => s.tS >= go.tS);
    expect(after.every((s) => !isCrosswalkYield(s))).toBe(true);
    expect(after[after.length - 1].x + HALF_LENGTH_M).toBeGreaterThan(122);
    // A shorter timeout releases sooner.
    const quick = simulate(10, SPEED_LIMIT_MPS, 30, stander, undefined, { crosswalkWaitTimeoutS: 1 });
    const quickStop = quick.find(arrived)!;
    expect(quick.find((s) => s.tS > quickStop.tS && !isCrosswalkYield(s))!.tS - quickStop.tS).toBeLessThan(1.2);
  });

  it("someone standing at the edge of the attention distance, jittering across it, is yielded to without a break until the timeout", () => {
    // 1.9 and 2.1 m from the crosswalk's outline on alternate frames (position noise at the edge).
    const jitter = (tS: number): ObjectSpec[] => [{ id: 5, x: 121.7, y: Math.round(tS * 10) % 2 ? 7.6 : 7.4 }];
    const steps = simulate(10, SPEED_LIMIT_MPS, 30, jitter);
    const first = steps.findIndex(isCrosswalkYield);
    expect(first).toBe(0);
    const stop = steps.find(arrived)!;
    const release = steps.findIndex((s) => s.tS > stop.tS && !isCrosswalkYield(s));
    expect(steps.slice(first, release).every(isCrosswalkYield)).toBe(true);
    expect(steps[release].tS - stop.tS).toBeGreaterThanOrEqual(4 - 1e-9);
    expect(steps[release].tS - stop.tS).toBeLessThan(4.2);
    expect(Math.min(...steps.map((s) => s.a))).toBeGreaterThanOrEqual(-2.5);
    // Without the hysteresis the yield comes and goes with the jitter.
    const flicker = simulate(10, SPEED_LIMIT_MPS, 30, jitter, undefined, { crosswalkAttentionHysteresisM: 0 });
    expect(flicker.slice(0, 20).filter(isCrosswalkYield).length).toBeLessThan(15);
  });

  it("someone who has crossed the ego path and stands at the far end is done, not waiting: the ego goes when the one who only stands there times out", () => {
    // 4 crosses north from 5 s at 1.4 m/s (clear of the ego path at about 9.3 s) and stands at y = 6.5 from
    // about 14 s, before the ego has waited 4 s at its line; 5 stands at the north end throughout.
    const objects = (tS: number): ObjectSpec[] => {
      const y = tS < 5 ? -6.2 : Math.min(6.5, -6.2 + 1.4 * (tS - 5));
      return [{ id: 4, x: 119, y, vy: tS >= 5 && y < 6.5 ? 1.4 : 0 }, { id: 5, x: 121, y: 6.8 }];
    };
    const steps = simulate(10, SPEED_LIMIT_MPS, 30, objects);
    const arrival = steps.find(arrived)!;
    const release = steps.find((s) => s.tS > arrival.tS && !isCrosswalkYield(s))!;
    expect(release.tS - arrival.tS).toBeGreaterThanOrEqual(4 - 1e-9);
    expect(release.tS - arrival.tS).toBeLessThan(4.2);
    expect(steps.some((s) => s.trajectory.reason.includes("pedestrian 4 waiting") && s.tS > 9)).toBe(false);
    expect(steps[steps.length - 1].x + HALF_LENGTH_M).toBeGreaterThan(122);
  });

  it("someone arriving at the crosswalk when the ego is too close to stop comfortably ⇒ no crosswalk stop", () => {
    // The ego front reaches 100 m at 6.5 s; a comfortable stop from the limit before the line takes 39 m.
    const late = (tS: number): ObjectSpec[] => (tS >= 6.5 ? [{ id: 6, x: 119, y: -6.2 }] : []);
    const steps = simulate(10, SPEED_LIMIT_MPS, 10, late);
    expect(steps.some(isCrosswalkYield)).toBe(false);
    expect(Math.min(...steps.map((s) => s.a))).toBeGreaterThanOrEqual(0);
  });

  it("a track's first frame (age 0, no motion known yet) does not count as waiting; from its second it does", () => {
    const born = (ageS: number) => simulate(10, SPEED_LIMIT_MPS, 0, () => [{ id: 9, x: 119, y: -6.2, ageS }])[0];
    expect(isCrosswalkYield(born(0))).toBe(false);
    expect(born(0).trajectory.decision).toBe(D.GO);
    expect(born(0.1).trajectory.reason).toContain("pedestrian 9 waiting at the crosswalk");
  });

  it("walkers passing the crosswalk along the sidewalk, and yieldAtCrosswalks: false ⇒ GO", () => {
    const walkers = (tS: number): ObjectSpec[] => [{ id: 7, x: 110 + 1.3 * tS, y: -6.5, vx: 1.3 }, { id: 8, x: 130 - 1.3 * tS, y: 6.5, vx: -1.3 }];
    expect(simulate(10, SPEED_LIMIT_MPS, 6, walkers).every((s) => s.trajectory.decision === D.GO)).toBe(true);
    expect(simulate(10, SPEED_LIMIT_MPS, 6, crosser, undefined, { yieldAtCrosswalks: false }).some(isCrosswalkYield)).toBe(false);
  });
});
