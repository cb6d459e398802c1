import { describe, expect, it } from "vitest";
import { type OrientedBox, timeToCollision, timeToCollisionSampled } from "../../../sim/metrics/index.ts";

const ego = (x: number, y = 0, yaw = 0): OrientedBox => ({ cx: x, cy: y, yaw, length: 4.6, width: 1.9 });
const ped = (x: number, y: number): OrientedBox => ({ cx: x, cy: y, yaw: 0, length: 0.5, width: 0.5 });

describe("timeToCollision", () => {
  it("head-on: gap / closing speed", () => {
    // Ego front at 2.3, pedestrian back at 30 − 0.25: gap 27.45 m, closing 10 + 1.5 m/s.
    const expected = 27.45 / 11.5;
    const args = [ego(0), { vx: 10, vy: 0 }, ped(30, 0), { vx: -1.5, vy: 0 }] as const;
    expect(timeToCollision(...args)).toBeCloseTo(expected, 9);
    const sampled = timeToCollisionSampled(...args, 10, 0.05);
    expect(sampled).toBeGreaterThanOrEqual(expected - 1e-9);
    expect(sampled - expected).toBeLessThan(0.05);
  });

  it("standing pedestrian in the lane: gap / ego speed", () => {
    expect(timeToCollision(ego(0), { vx: 10, vy: 0 }, ped(22.55, 0.5), { vx: 0, vy: 0 })).toBeCloseTo(2, 9);
  });

  it("is 0 when already overlapping, Infinity when diverging or passing clear", () => {
    expect(timeToCollision(ego(0), { vx: 10, vy: 0 }, ped(2, 0), { vx: 0, vy: 0 })).toBe(0);
    expect(timeToCollision(ego(0), { vx: 10, vy: 0 }, ped(-10, 0), { vx: 0, vy: 0 })).toBe(Infinity);
    // Pedestrian 3 m to the side of the lane, standing: the ego passes by.
    expect(timeToCollision(ego(0), { vx: 10, vy: 0 }, ped(20, 3), { vx: 0, vy: 0 })).toBe(Infinity);
    // Both stopped.
    expect(timeToCollision(ego(0), { vx: 0, vy: 0 }, ped(20, 0), { vx: 0, vy: 0 })).toBe(Infinity);
  });

  it("respects the horizon", () => {
    expect(timeToCollision(ego(0), { vx: 1, vy: 0 }, ped(22.55, 0), { vx: 0, vy: 0 }, 10)).toBe(Infinity);
    expect(timeToCollision(ego(0), { vx: 1, vy: 0 }, ped(22.55, 0), { vx: 0, vy: 0 }, 30)).toBeCloseTo(20, 9);
  });

  it("crossing pedestrian walking into the lane", () => {
    // Ego 10 m/s, pedestrian at x = 20, 4 m left of the ego centre, walking south at 1.5 m/s.
    // Lateral contact when its near edge (4 − 0.25) reaches the ego's side (0.95): t = 2.8 / 1.5.
    // The ego's front (2.3 + 18.67) has passed the pedestrian's back (19.75) and its rear
    // (−2.3 + 18.67) is still behind the pedestrian's front (20.25), so that is the contact.
    const t = timeToCollision(ego(0), { vx: 10, vy: 0 }, ped(20, 4), { vx: 0, vy: -1.5 });
    expect(t).toBeCloseTo(2.8 / 1.5, 9);
  });

  it("catches a pedestrian beside the bonnet while the centres move apart", () => {
    // Centre offset (2, 1.5) moving at (1, −1) relative: centres diverge, yet the pedestrian sweeps
    // into the ego's side. Ego side at y = 0.95, pedestrian near edge at 1.25: 0.3 m at 1 m/s.
    const a = ego(0);
    const b = ped(2, 1.5);
    expect(timeToCollision(a, { vx: 0, vy: 0 }, b, { vx: 1, vy: -1 })).toBeCloseTo(0.3, 9);
  });

  it("agrees with brute-force sampling on many random-ish cases", () => {
    for (let k = 0; k < 200; k++) {
      const a: OrientedBox = { cx: 0, cy: 0, yaw: 0.05 * (k % 7), length: 4.6, width: 1.9 };
      const b: OrientedBox = { cx: 5 + (k % 23), cy: -6 + (k % 13), yaw: 0.3 * k, length: 0.5, width: 0.6 };
      const va = { vx: 3 + (k % 5) * 2, vy: 0.2 * ((k % 3) - 1) };
      const vb = { vx: -1 + (k % 4) * 0.5, vy: ((k % 9) - 4) * 0.6 };
      const exact = timeToCollision(a, va, b, vb);
      const sampled = timeToCollisionSampled(a, va, b, vb, 10, 0.01);
      if (exact === Infinity) {
        // Sampling can only miss a graze, never find a contact exact analysis rejects.
        expect(sampled).toBe(Infinity);
      } else if (sampled !== Infinity) {
        expect(sampled).toBeGreaterThanOrEqual(exact - 1e-9);
        expect(sampled - exact).toBeLessThanOrEqual(0.01 + 1e-9);
      } else {
        // A graze shorter than the sampling step.
        expect(exact).toBeLessThan(10);
      }
    }
  });
});
