import { describe, expect, it } from "vitest";
import { type OrientedBox, boxCorners, boxDistance, boxesOverlap } from "../../../sim/metrics/index.ts";

const square = (cx: number, cy: number, yaw = 0, side = 2): OrientedBox => ({ cx, cy, yaw, length: side, width: side });

describe("boxCorners", () => {
  it("gives counter-clockwise corners starting front-left", () => {
    const c = boxCorners({ cx: 1, cy: 2, yaw: 0, length: 4, width: 2 });
    expect([...c]).toEqual([3, 3, -1, 3, -1, 1, 3, 1]);
  });
});

describe("boxesOverlap (SAT)", () => {
  it("detects clear overlap and clear separation", () => {
    expect(boxesOverlap(square(0, 0), square(1.5, 0.5))).toBe(true);
    expect(boxesOverlap(square(0, 0), square(3, 0))).toBe(false);
    expect(boxesOverlap(square(0, 0), square(0, -2.5))).toBe(false);
  });

  it("counts touching edges and corners as overlap (closed boxes)", () => {
    expect(boxesOverlap(square(0, 0), square(2, 0))).toBe(true);
    expect(boxesOverlap(square(0, 0), square(2, 2))).toBe(true);
    expect(boxesOverlap(square(0, 0), square(2.001, 0))).toBe(false);
  });

  it("handles a 45° box whose corner reaches √2 from its centre", () => {
    const r = Math.SQRT2;
    expect(boxesOverlap(square(0, 0), square(1 + r - 0.01, 0, Math.PI / 4))).toBe(true);
    expect(boxesOverlap(square(0, 0), square(1 + r + 0.01, 0, Math.PI / 4))).toBe(false);
  });

  it("separates thin parallel diagonal boxes whose axis-aligned bounds overlap", () => {
    const a: OrientedBox = { cx: 0, cy: 0, yaw: Math.PI / 4, length: 10, width: 0.2 };
    const b: OrientedBox = { cx: 3, cy: -3, yaw: Math.PI / 4, length: 10, width: 0.2 };
    expect(boxesOverlap(a, b)).toBe(false);
    // Perpendicular distance between the centre lines is 6/√2 = 4.2426; minus two half-widths.
    expect(boxDistance(a, b)).toBeCloseTo(6 / Math.SQRT2 - 0.2, 9);
    expect(boxesOverlap(a, { ...b, cx: 0.05, cy: -0.05 })).toBe(true);
  });

  it("is symmetric", () => {
    const a: OrientedBox = { cx: 0.3, cy: -0.2, yaw: 0.7, length: 4.6, width: 1.9 };
    for (let k = 0; k < 50; k++) {
      const b: OrientedBox = { cx: -4 + 0.17 * k, cy: 2.5 - 0.1 * k, yaw: 0.13 * k, length: 0.5, width: 0.5 };
      expect(boxesOverlap(a, b)).toBe(boxesOverlap(b, a));
      expect(boxDistance(a, b)).toBeCloseTo(boxDistance(b, a), 12);
    }
  });
});

describe("boxDistance", () => {
  it("is the edge gap for axis-aligned boxes and 0 when touching", () => {
    expect(boxDistance(square(0, 0), square(5, 0))).toBeCloseTo(3, 12);
    expect(boxDistance(square(0, 0), square(2, 0))).toBe(0);
    // Diagonal neighbours: corner (1,1) to corner (2,2).
    expect(boxDistance(square(0, 0), square(3, 3))).toBeCloseTo(Math.SQRT2, 12);
  });

  it("measures from a rotated box's corner", () => {
    // The 45° square at x = 4 has its left corner at 4 − √2; A's right edge is x = 1.
    expect(boxDistance(square(0, 0), square(4, 0, Math.PI / 4))).toBeCloseTo(3 - Math.SQRT2, 12);
  });
});
