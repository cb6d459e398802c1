import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { LaneFrame, occlusionAccel, occlusionPassSpeedMps, occlusionSpots, parsePlanningParams } from "../../planning/index.ts";
import { streetMap } from "../prediction/streetFixture.ts";

const p = parsePlanningParams();
const lane = new LaneFrame(streetMap().lanes[0], 3.5); // eastbound, centreline y = −1.75
const PATH_BAND_M = 1.9 / 2 + p.pedestrianLateralMarginM;

function vehicle(id: number, x: number, y: number, extra: Omit<Partial<msg.Track>, "$typeName" | "$unknown"> = {}): msg.Track {
  return msg.create(msg.TrackSchema, { id, objectClass: msg.ObjectClass.CAR, xM: x, yM: y, lengthM: 4.5, widthM: 1.8, heightM: 1.5, ...extra });
}
const tracks = (...t: msg.Track[]) => msg.create(msg.TrackListSchema, { frameId: "map", tracks: t });

describe("occlusion spots", () => {
  it("the pass speed is the one that stops within occlusionStopDistanceM after the reaction time at the emergency deceleration", () => {
    const v = occlusionPassSpeedMps(p);
    expect(v * p.occlusionReactionS + (v * v) / (2 * p.emergencyDecelMps2)).toBeCloseTo(p.occlusionStopDistanceM, 9);
    expect(occlusionPassSpeedMps({ ...p, occlusionStopDistanceM: 5 })).toBeGreaterThan(v);
    expect(occlusionPassSpeedMps({ ...p, occlusionReactionS: 0 })).toBeCloseTo(Math.sqrt(2 * p.emergencyDecelMps2 * p.occlusionStopDistanceM), 9);
  });

  it("a standing vehicle beside the ego path: spot at its front end, with the gap to the path band; nearest first", () => {
    const spots = occlusionSpots(lane, tracks(vehicle(7, 60, -4.5), vehicle(6, 40, -4.5)), 12, PATH_BAND_M, p);
    expect(spots.map((s) => s.trackId)).toEqual([6, 7]);
    expect(spots[0].sM).toBeCloseTo(40 + 2.25, 9);
    expect(spots[0].gapM).toBeCloseTo(4.5 - 0.9 - 1.75 - PATH_BAND_M, 9);
    // A bus hugging the curb reaches into the band: a negative gap, still a spot.
    const bus = occlusionSpots(lane, tracks(vehicle(8, 50, -4.225, { objectClass: msg.ObjectClass.BUS, lengthM: 12, widthM: 2.55 })), 12, PATH_BAND_M, p);
    expect(bus).toHaveLength(1);
    expect(bus[0].sM).toBeCloseTo(56, 9);
    expect(bus[0].gapM).toBeLessThan(0);
    // Turned across the strip, the front end is its farthest corner along the lane.
    const turned = occlusionSpots(lane, tracks(vehicle(9, 40, -5, { yawRad: Math.PI / 2 })), 12, PATH_BAND_M, p);
    expect(turned[0].sM).toBeCloseTo(40 + 0.9, 9);
    expect(turned[0].gapM).toBeCloseTo(5 - 2.25 - 1.75 - PATH_BAND_M, 9);
  });

  it("not spots: moving vehicles, a lead in the ego lane, the far side, pedestrians and cyclists, anything whose front the ego has passed", () => {
    const ignored = tracks(
      vehicle(1, 40, -4.5, { vxMps: 3 }),
      vehicle(2, 40, -1.75),
      vehicle(3, 40, 4.5),
      vehicle(4, 40, -4.5, { objectClass: msg.ObjectClass.PEDESTRIAN, lengthM: 0.5, widthM: 0.5 }),
      vehicle(5, 40, -4.5, { objectClass: msg.ObjectClass.CYCLIST, lengthM: 1.8, widthM: 0.6 }),
      vehicle(6, 5, -4.5),
    );
    expect(occlusionSpots(lane, ignored, 12, PATH_BAND_M, p)).toEqual([]);
    // A standing car in the oncoming lane can hide someone crossing from the far side: a spot.
    expect(occlusionSpots(lane, tracks(vehicle(7, 40, 1.75)), 12, PATH_BAND_M, p).map((s) => s.trackId)).toEqual([7]);
    expect(occlusionSpots(lane, undefined, 12, PATH_BAND_M, p)).toEqual([]);
  });
});

describe("occlusionAccel", () => {
  const vPass = occlusionPassSpeedMps(p);
  const limit = 12.5;
  const zoneM = (limit * limit - vPass * vPass) / (2 * p.occlusionDecelMps2);

  /** Point-mass approach to a spot `gapM` ahead: speed there and the hardest and gentlest braking on the way. */
  function approach(v0: number, gapM: number): { vAtSpot: number; minA: number; maxA: number } {
    let v = v0;
    let gap = gapM;
    let minA = Infinity;
    let maxA = -Infinity;
    while (gap > 0) {
      const a = Math.min(occlusionAccel(v, limit, gap, vPass, p), 1.5 * (1 - (v / limit) ** 4));
      minA = Math.min(minA, a);
      maxA = Math.max(maxA, a);
      const next = Math.max(0, v + a * 0.1);
      gap -= ((v + next) / 2) * 0.1;
      v = next;
    }
    return { vAtSpot: v, minA, maxA };
  }

  it("nothing before the zone, nothing once passed", () => {
    expect(occlusionAccel(limit, limit, zoneM + 0.5, vPass, p)).toBe(Infinity);
    expect(occlusionAccel(limit, limit, zoneM - 0.5, vPass, p)).toBeLessThan(0);
    expect(occlusionAccel(limit, limit, 0, vPass, p)).toBe(Infinity);
    expect(occlusionAccel(limit, limit, -3, vPass, p)).toBe(Infinity);
  });

  it("from the limit at the zone's start: steady braking at about occlusionDecelMps2, at the pass speed by the spot", () => {
    const r = approach(limit, zoneM);
    expect(r.vAtSpot).toBeLessThanOrEqual(vPass + 0.05);
    expect(r.vAtSpot).toBeGreaterThan(vPass - 0.3);
    expect(r.minA).toBeGreaterThan(-p.occlusionDecelMps2 - 0.1);
  });

  it("a spot noticed late: no harder than comfortDecelMps2, so it is passed somewhat faster", () => {
    expect(occlusionAccel(limit, limit, 5, vPass, p)).toBe(-p.comfortDecelMps2);
    const r = approach(limit, 15);
    expect(r.minA).toBeGreaterThanOrEqual(-p.comfortDecelMps2);
    expect(r.vAtSpot).toBeGreaterThan(vPass);
  });

  it("below the pass speed it speeds up toward it, never beyond", () => {
    const r = approach(2, 30);
    expect(r.maxA).toBeGreaterThan(0);
    expect(r.vAtSpot).toBeLessThanOrEqual(vPass + 1e-9);
    expect(r.vAtSpot).toBeGreaterThan(vPass - 1);
    // A pass speed above the limit never slows the ego.
    expect(occlusionAccel(limit, limit, 10, limit + 2, p)).toBe(Infinity);
  });
});
