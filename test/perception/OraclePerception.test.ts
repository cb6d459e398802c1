import { describe, expect, it } from "vitest";
import { msg, nsToSeconds } from "../../bus/index.ts";
import { OraclePerception } from "../../perception/index.ts";
import { groundTruth, type ObjectSpec } from "../prediction/streetFixture.ts";

const exact = { positionNoiseSdM: 0, velocityNoiseSdMps: 0, missProbability: 0, delayS: 0 };

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

describe("OraclePerception", () => {
  it("with zero noise, misses and delay, tracks equal the ground truth of visible objects", () => {
    const perception = new OraclePerception(exact);
    const objects: ObjectSpec[] = [
      { id: 7, x: 40, y: -6, vx: 0.2, vy: 1.1, visibility: 0.9 },
      { id: 3, objectClass: msg.ObjectClass.CAR, x: 60, y: -1.75, vx: 8, visibility: 0.5 },
      { id: 9, x: 70, y: 7, vx: -1.3, visibility: 0.1 }, // occluded: below minVisibility 0.2
      { id: 1, objectClass: msg.ObjectClass.CAR, x: 10, y: -1.75, vx: 5 }, // the ego itself
    ];
    const gt = groundTruth(2, objects, { x: 10, y: -1.75, speed: 5 });
    const out = perception.update(gt)!;
    expect(out).toBeDefined();
    expect(out.stampNs).toBe(2_000_000_000n);
    expect(out.tracks.tracks.map((t) => t.id)).toEqual([3, 7]);
    expect(out.detections.detections).toHaveLength(2);
    for (const t of out.tracks.tracks) {
      const o = gt.objects.find((g) => g.id === t.id)!;
      expect(t).toMatchObject({
        objectClass: o.objectClass, xM: o.xM, yM: o.yM, yawRad: o.yawRad, vxMps: o.vxMps, vyMps: o.vyMps,
        lengthM: o.lengthM, widthM: o.widthM, heightM: o.heightM, ageS: 0, coastedS: 0,
      });
    }
    // Next frame: age grows, still exact.
    const out2 = perception.update(groundTruth(2.1, objects.map((o) => ({ ...o, x: o.x + (o.vx ?? 0) * 0.1 })), { x: 10.5, y: -1.75, speed: 5 }))!;
    const car = out2.tracks.tracks.find((t) => t.id === 3)!;
    expect(car.ageS).toBeCloseTo(0.1, 9);
    expect(car.xM).toBeCloseTo(60.8, 9);
  });

  it("adds position and velocity noise with the configured standard deviation, seeded", () => {
    const run = (seed: number) => {
      const perception = new OraclePerception({ ...exact, positionNoiseSdM: 0.3, velocityNoiseSdMps: 0.2, seed });
      const dx: number[] = [], dy: number[] = [], dvx: number[] = [];
      for (let k = 0; k < 4000; k++) {
        const t = perception.update(groundTruth(k * 0.1, [{ id: 1, x: 50, y: -7, vx: 1, vy: 0 }], { x: 0, y: -1.75, speed: 0 }))!.tracks.tracks[0];
        dx.push(t.xM - 50); dy.push(t.yM + 7); dvx.push(t.vxMps - 1);
      }
      return { dx, dy, dvx };
    };
    const a = run(42);
    expect(sd(a.dx)).toBeGreaterThan(0.3 * 0.95);
    expect(sd(a.dx)).toBeLessThan(0.3 * 1.05);
    expect(sd(a.dy)).toBeGreaterThan(0.3 * 0.95);
    expect(sd(a.dy)).toBeLessThan(0.3 * 1.05);
    expect(Math.abs(mean(a.dx))).toBeLessThan(0.02);
    expect(sd(a.dvx)).toBeGreaterThan(0.2 * 0.95);
    expect(sd(a.dvx)).toBeLessThan(0.2 * 1.05);
    // Same seed, same run; another seed, another run.
    expect(run(42).dx).toEqual(a.dx);
    expect(run(43).dx).not.toEqual(a.dx);
  });

  it("misses detections at the configured rate", () => {
    const perception = new OraclePerception({ ...exact, missProbability: 0.2, seed: 5 });
    let detected = 0;
    const frames = 5000;
    for (let k = 0; k < frames; k++) {
      detected += perception.update(groundTruth(k * 0.1, [{ id: 1, x: 30, y: -7 }, { id: 2, x: 35, y: 7 }]))!.detections.detections.length;
    }
    expect(detected / (2 * frames)).toBeGreaterThan(0.78);
    expect(detected / (2 * frames)).toBeLessThan(0.82);
  });

  it("delays the output by the configured time", () => {
    const perception = new OraclePerception({ ...exact, delayS: 0.3 });
    const outs = [];
    for (let k = 0; k <= 20; k++) {
      const tS = k * 0.1;
      outs.push(perception.update(groundTruth(tS, [{ id: 4, x: 20 + 1.5 * tS, y: -7, vx: 1.5 }])));
    }
    expect(outs.slice(0, 3).every((o) => o === undefined)).toBe(true);
    for (let k = 3; k <= 20; k++) {
      const o = outs[k]!;
      const measuredS = nsToSeconds(o.stampNs);
      expect(measuredS).toBeCloseTo(k * 0.1 - 0.3, 9);
      expect(o.tracks.tracks[0].xM).toBeCloseTo(20 + 1.5 * (k * 0.1 - 0.3), 9);
    }
  });

  it("coasts an undetected track at constant velocity for maxCoastS, then drops it", () => {
    const perception = new OraclePerception({ ...exact, maxCoastS: 0.5 });
    perception.update(groundTruth(0, [{ id: 2, x: 10, y: -6, vx: 1, vy: 0.5, visibility: 1 }]));
    const coasting: (msg.Track | undefined)[] = [];
    for (let k = 1; k <= 7; k++) {
      // Occluded from now on: the object keeps moving but is not seen.
      const out = perception.update(groundTruth(k * 0.1, [{ id: 2, x: 10 + 0.1 * k, y: -6 + 0.05 * k, vx: 1, vy: 0.5, visibility: 0.05 }]))!;
      coasting.push(out.tracks.tracks.find((t) => t.id === 2));
    }
    for (let k = 1; k <= 5; k++) {
      const t = coasting[k - 1]!;
      expect(t.coastedS).toBeCloseTo(0.1 * k, 9);
      expect(t.ageS).toBeCloseTo(0.1 * k, 9);
      expect(t.xM).toBeCloseTo(10 + 0.1 * k, 9);
      expect(t.yM).toBeCloseTo(-6 + 0.05 * k, 9);
    }
    expect(coasting[5]).toBeUndefined();
    expect(coasting[6]).toBeUndefined();
    // Seen again: a new track is born with the same (oracle) id.
    const back = perception.update(groundTruth(0.8, [{ id: 2, x: 10.8, y: -5.6, vx: 1, visibility: 1 }]))!;
    expect(back.tracks.tracks[0]).toMatchObject({ id: 2, ageS: 0, coastedS: 0 });
  });

  it("rejects bad parameters loudly", () => {
    expect(() => new OraclePerception({ missProbability: 1.5 })).toThrow();
    expect(() => new OraclePerception({ positionNoiseSdM: -1 })).toThrow();
  });
});
