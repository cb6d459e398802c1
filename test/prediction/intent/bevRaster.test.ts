import { describe, expect, it } from "vitest";
import { msg } from "../../../bus/index.ts";
import { BevRasteriser, diffRasterSpec, RASTER_SPEC } from "../../../prediction/index.ts";
import { World } from "../../../sim/world/index.ts";
import { streetMap, trackFromTruth, trackList, vehicleState } from "../streetFixture.ts";

const S = RASTER_SPEC.sizePx;
const C = RASTER_SPEC.channels.length;
const F = RASTER_SPEC.features.length;
const ch = (name: string) => RASTER_SPEC.channels.indexOf(name as never);
const feat = (f: Float32Array, name: string) => f[RASTER_SPEC.features.indexOf(name as never)];

function rasterOne(r: BevRasteriser, index = 0) {
  const raster = new Uint8Array(C * S * S);
  const features = new Float32Array(F);
  r.rasterise(r.pedestrians[index], { raster, rasterOffset: 0, features, featureOffset: 0 });
  const at = (c: string, row: number, col: number) => raster[ch(c) * S * S + row * S + col];
  return { raster, features, at };
}

describe("RASTER_SPEC", () => {
  it("is frozen and versioned", () => {
    expect(Object.isFrozen(RASTER_SPEC)).toBe(true);
    expect(Object.isFrozen(RASTER_SPEC.channels)).toBe(true);
    expect(RASTER_SPEC.version).toBeGreaterThanOrEqual(1);
    expect(diffRasterSpec(JSON.parse(JSON.stringify(RASTER_SPEC)))).toEqual([]);
    expect(diffRasterSpec({ ...RASTER_SPEC, sizePx: 64 })).toEqual(["sizePx: card 64, rasteriser 32"]);
  });
});

describe("BevRasteriser", () => {
  it("aligns the raster with the walking direction: a pedestrian walking north to the south curb sees the road ahead", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    // South sidewalk, 1 m from the curb (y = −5.5), walking north (toward the road) at 1.4 m/s.
    r.update(trackList(1, [{ id: 3, x: 50, y: -6.5, vy: 1.4 }]), vehicleState(1, 20, -1.75, 10));
    const { at, features } = rasterOne(r);
    const mid = S / 2;
    // Row 0 (6.4 m ahead = y ≈ −0.1) is road; the last row (y ≈ −12.9) is neither road nor sidewalk (buildings side, off map).
    expect(at("road", 0, mid)).toBe(255);
    expect(at("sidewalk", 0, mid)).toBe(0);
    expect(at("sidewalk", mid + 2, mid)).toBe(255); // 0.8 m behind: sidewalk
    // The curb is 1 m ahead: rows mid − 3 (u ≈ 1.0 m) carry the curb line.
    expect(at("curb", mid - 3, mid)).toBe(255);
    expect(at("curb", mid + 3, mid)).toBe(0);
    expect(at("history", mid, mid)).toBe(255); // current position at the centre
    expect(feat(features, "speed_mps")).toBeCloseTo(1.4, 5);
    expect(feat(features, "toward_road_mps")).toBeCloseTo(1.4, 5);
    expect(feat(features, "curb_signed_distance_m")).toBeCloseTo(1.0, 5);
    expect(feat(features, "on_road")).toBe(0);
    expect(feat(features, "ego_ahead_m")).toBeCloseTo(30, 5);
    expect(feat(features, "outside_map")).toBe(0);
  });

  it("time_to_curb_s: the time until its body's edge reaches the curb at the recent mean approach speed, noise averaged out", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    // Drifting toward the south curb (y = −5.5) at 0.5 m/s, tracked velocity alternating ±0.2 m/s around it.
    for (let k = 0; k <= 6; k++) {
      r.update(trackList(k * 0.1, [{ id: 5, x: 50 + 0.14 * k, y: -8 + 0.05 * k, vx: 1.4, vy: 0.5 + (k % 2 ? 0.2 : -0.2) }]), undefined);
    }
    const { features } = rasterOne(r);
    // The last six velocities (0.5 s) average 0.5 m/s toward the road; the centre is 2.2 m from the curb,
    // the body's edge (half of the 0.5 m track width) 1.95 m ⇒ 3.9 s, when it steps off.
    expect(feat(features, "toward_road_mean_mps")).toBeCloseTo(0.5, 5);
    expect(feat(features, "curb_signed_distance_m")).toBeCloseTo(2.2, 5);
    expect(feat(features, "time_to_curb_s")).toBeCloseTo((2.2 - 0.25) / 0.5, 4);
    // Walking along (no approach): the clip value.
    const along = new BevRasteriser();
    along.setMap(streetMap());
    along.update(trackList(0, [{ id: 6, x: 50, y: -7, vx: 1.4 }]), undefined);
    expect(feat(rasterOne(along).features, "time_to_curb_s")).toBe(10);
  });

  it("time_to_curb_s averages out position jitter: the curb distance is smoothed over the window", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    // A slow drift (0.3 m/s) toward the south curb, exact velocities, positions jittering ±0.1 m across
    // it frame by frame, as tracked positions do. The current frame is jittered 0.1 m toward the curb.
    for (let k = 0; k <= 10; k++) {
      const jitter = k % 2 === 0 ? 0.1 : -0.1;
      r.update(trackList(k * 0.1, [{ id: 7, x: 50 + 1.3 * 0.1 * k, y: -7 + 0.03 * k + jitter, vx: 1.3, vy: 0.3 }]), undefined);
    }
    const { features } = rasterOne(r);
    // True centre at y = −6.7: 1.2 m from the curb, the edge 0.95 m ⇒ 3.17 s. From the jittered current
    // position alone it would read 0.85 m ⇒ 2.83 s (0.33 s early); six frames average the jitter to ±0.017 m.
    const trueS = (1.2 - 0.25) / 0.3;
    expect(feat(features, "curb_signed_distance_m")).toBeCloseTo(1.1, 5);
    expect(Math.abs(feat(features, "time_to_curb_s") - trueS)).toBeLessThan(0.1);
  });

  it("time_to_curb_s agrees with the simulator's curb leave for a noise-free approach", () => {
    // A jaywalker drifting toward the curb for about 2 s (approachS), seen through exact tracks.
    const w = new World({
      name: "approach", description: "one jaywalker", durationS: 12, ego: { xM: 10, speedMps: 0 },
      pedestrians: [{ behaviour: "jaywalk", start: { xM: 60, yM: -7.2 }, speedMps: 1.3, walkDirection: 1, trigger: { atS: 2 }, approachS: 2, variation: { startXM: 0, speedFraction: 0, triggerFraction: 0 } }],
    }, 1);
    const r = new BevRasteriser();
    r.setMap(w.streetMap());
    const seen: { tS: number; timeToCurbS: number }[] = [];
    while (!w.done && w.pedestrians[0].curbLeaveNs === 0n) {
      w.step(0.1, { accelerationMps2: 0, steeringAngleRad: 0 });
      const truth = w.groundTruth();
      r.update(msg.create(msg.TrackListSchema, { timestamp: truth.timestamp, tracks: truth.objects.map(trackFromTruth) }), undefined);
      seen.push({ tS: Number(w.timeNs) / 1e9, timeToCurbS: feat(rasterOne(r).features, "time_to_curb_s") });
    }
    const leaveS = Number(w.pedestrians[0].curbLeaveNs) / 1e9;
    const checked = seen.filter((s) => leaveS - s.tS <= 1.2 && leaveS - s.tS >= 0.2);
    expect(checked.length).toBeGreaterThanOrEqual(8);
    // Steady approach: within one frame of the true time to the curb leave.
    for (const s of checked) expect(Math.abs(s.timeToCurbS - (leaveS - s.tS))).toBeLessThan(0.1);
  });

  it("a standing pedestrian faces the road at the nearest curb; standing time accumulates", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    // North sidewalk: the road is to the south (−y).
    for (let k = 0; k < 15; k++) r.update(trackList(k * 0.1, [{ id: 4, x: 60, y: 6.5 }]), undefined);
    const { at, features } = rasterOne(r);
    expect(at("road", 0, S / 2)).toBe(255);
    expect(feat(features, "standing_s")).toBeCloseTo(1.4, 5);
    expect(feat(features, "history_fraction")).toBe(1);
  });

  it("draws other agents and the ego as boxes, not the pedestrian itself", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    // Pedestrian walking east; a parked car 3 m ahead; ego 4 m to the right (south).
    r.update(
      trackList(1, [{ id: 1, x: 50, y: -6, vx: 1.4 }, { id: 101, objectClass: msg.ObjectClass.CAR, x: 53, y: -4.5 }]),
      vehicleState(1, 50, -10, 0),
    );
    const { at } = rasterOne(r);
    const mid = S / 2;
    // Car centre: u = 3 m ahead, v = 1.5 m left → row mid − 8, col mid − 4.
    expect(at("agents", mid - 8, mid - 4)).toBe(255);
    expect(at("agents", mid, mid)).toBe(0);
    // Ego centre: 4 m to the right → col mid + 10.
    expect(at("ego", mid, mid + 10)).toBe(255);
    expect(at("ego", mid, mid - 10)).toBe(0);
  });

  it("a track with one frame of history is padded and marked", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    r.update(trackList(0, [{ id: 9, x: 70, y: -7, vx: 1 }]), undefined);
    const { raster, features } = rasterOne(r);
    expect(feat(features, "history_fraction")).toBeCloseTo(1 / RASTER_SPEC.historyFrames, 6);
    expect(feat(features, "toward_road_delta_mps")).toBe(0);
    const hist = raster.subarray(ch("history") * S * S, (ch("history") + 1) * S * S);
    expect(hist.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)).toBe(1);
    expect(features.every(Number.isFinite)).toBe(true);
  });

  it("a pedestrian outside the map gets empty static layers and outside_map = 1, without throwing", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    r.update(trackList(0, [{ id: 2, x: 1000, y: 400, vx: 1 }]), vehicleState(0, 10, -1.75, 10));
    const { raster, features } = rasterOne(r);
    for (const c of ["road", "sidewalk", "crosswalk", "curb"]) {
      expect(raster.subarray(ch(c) * S * S, (ch(c) + 1) * S * S).every((v) => v === 0)).toBe(true);
    }
    expect(feat(features, "outside_map")).toBe(1);
    expect(features.every(Number.isFinite)).toBe(true);
  });

  it("forgets dead tracks and restarts a re-born id with fresh history", () => {
    const r = new BevRasteriser();
    r.setMap(streetMap());
    r.update(trackList(0, [{ id: 1, x: 50, y: -7, vx: 1 }, { id: 2, x: 60, y: -7, vx: 1 }]), undefined);
    r.update(trackList(0.1, [{ id: 2, x: 60.1, y: -7, vx: 1 }]), undefined);
    expect([...r.trackIds()]).toEqual([2]);
    r.update(trackList(0.2, [{ id: 1, x: 50.2, y: -7, vx: 1 }, { id: 2, x: 60.2, y: -7, vx: 1 }]), undefined);
    const one = rasterOne(r, 0);
    expect(feat(one.features, "history_fraction")).toBeCloseTo(0.1, 6);
    const two = rasterOne(r, 1);
    expect(feat(two.features, "history_fraction")).toBeCloseTo(0.3, 6);
  });

  it("is deterministic: same inputs, same bytes", () => {
    const run = () => {
      const r = new BevRasteriser();
      r.setMap(streetMap());
      for (let k = 0; k < 12; k++) r.update(trackList(k * 0.1, [{ id: 1, x: 50 + 0.13 * k, y: -7 + 0.05 * k, vx: 1.3, vy: 0.5 }]), vehicleState(k * 0.1, 10 + k, -1.75, 10));
      return rasterOne(r);
    };
    const a = run(), b = run();
    expect(Buffer.from(a.raster).equals(Buffer.from(b.raster))).toBe(true);
    expect([...a.features]).toEqual([...b.features]);
  });
});
