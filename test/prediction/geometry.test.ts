import { describe, expect, it } from "vitest";
import { distanceToPolyline, pointInPolygon, poseAtArcLength, projectOntoPolyline, wrapAngleRad } from "../../prediction/index.ts";

const square = [{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 2 }, { x: 0, y: 2 }];
const bend = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }];

describe("geometry", () => {
  it("point in polygon", () => {
    expect(pointInPolygon(1, 1, square)).toBe(true);
    expect(pointInPolygon(3, 1, square)).toBe(false);
    expect(pointInPolygon(1, -0.1, square)).toBe(false);
    const concave = [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 4 }, { x: 2, y: 1 }, { x: 0, y: 4 }];
    expect(pointInPolygon(2, 3, concave)).toBe(false);
    expect(pointInPolygon(1, 1, concave)).toBe(true);
  });

  it("projects onto a polyline with arc length and signed offset", () => {
    const p = projectOntoPolyline(4, 3, bend);
    expect(p).toMatchObject({ x: 4, y: 0, sM: 4, distanceM: 3, offsetM: 3, segmentIndex: 0 });
    const q = projectOntoPolyline(12, 5, bend);
    expect(q.sM).toBeCloseTo(15);
    expect(q.offsetM).toBeCloseTo(-2); // right of the northbound segment
    expect(distanceToPolyline(-3, 4, bend)).toBeCloseTo(5);
    // Extended ends: before the start the arc length is negative.
    expect(projectOntoPolyline(-3, 1, bend, true).sM).toBeCloseTo(-3);
    expect(projectOntoPolyline(10, 14, bend, true).sM).toBeCloseTo(24);
  });

  it("poses along a polyline, extended past the ends", () => {
    expect(poseAtArcLength(bend, 5)).toMatchObject({ x: 5, y: 0, headingRad: 0 });
    const p = poseAtArcLength(bend, 13);
    expect(p.x).toBeCloseTo(10);
    expect(p.y).toBeCloseTo(3);
    expect(p.headingRad).toBeCloseTo(Math.PI / 2);
    expect(poseAtArcLength(bend, 25).y).toBeCloseTo(15);
    expect(poseAtArcLength(bend, -2).x).toBeCloseTo(-2);
  });

  it("wraps angles", () => {
    expect(wrapAngleRad(3 * Math.PI)).toBeCloseTo(Math.PI);
    expect(wrapAngleRad(-Math.PI / 2 - 2 * Math.PI)).toBeCloseTo(-Math.PI / 2);
  });
});
