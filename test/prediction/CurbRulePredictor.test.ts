import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { CurbRulePredictor } from "../../prediction/index.ts";
import { streetMap, trackList, type ObjectSpec } from "./streetFixture.ts";

function predict(o: ObjectSpec): msg.AgentPrediction {
  const predictor = new CurbRulePredictor();
  predictor.setMap(streetMap());
  return predictor.update(trackList(1, [o])).agents[0];
}
const pAt = (a: msg.AgentPrediction, h: number) => a.crossing.find((c) => c.horizonS === h)!.probability;

describe("CurbRulePredictor", () => {
  it("pedestrian on the sidewalk near the curb walking toward the road ⇒ high probability at 1 s", () => {
    const a = predict({ id: 5, x: 50, y: -6, vx: 0.1, vy: 1.2 });
    expect(a.crossing.map((c) => c.horizonS)).toEqual([0.5, 1, 1.5, 2]);
    expect(pAt(a, 0.5)).toBeGreaterThan(0.9);
    expect(pAt(a, 1)).toBeGreaterThan(0.9);
    expect(a.crossingPredicted).toBe(true);
  });

  it("works on the far side too (road normal found from the map)", () => {
    const a = predict({ id: 5, x: 80, y: 6.2, vx: 0, vy: -1.3 });
    expect(pAt(a, 1)).toBeGreaterThan(0.9);
    expect(a.crossingPredicted).toBe(true);
  });

  it("walking along the sidewalk ⇒ low probability", () => {
    for (const o of [{ id: 1, x: 50, y: -6, vx: 1.4 }, { id: 2, x: 50, y: -5.7, vx: -1.4, vy: 0.1 }, { id: 3, x: 50, y: 7, vx: 1.2 }]) {
      const a = predict(o);
      for (const c of a.crossing) expect(c.probability).toBeLessThan(0.1);
      expect(a.crossingPredicted).toBe(false);
    }
  });

  it("walking away from the road or standing ⇒ low", () => {
    expect(pAt(predict({ id: 1, x: 50, y: -6, vy: -1.2 }), 2)).toBeLessThan(0.1);
    expect(pAt(predict({ id: 1, x: 50, y: -5.8 }), 2)).toBeLessThan(0.1);
  });

  it("entering at a crosswalk or walking on it ⇒ not jaywalking", () => {
    const entering = predict({ id: 1, x: 120, y: -6, vy: 1.3 });
    for (const c of entering.crossing) expect(c.probability).toBeLessThan(0.1);
    const onIt = predict({ id: 2, x: 120, y: -2, vy: 1.3 });
    for (const c of onIt.crossing) expect(c.probability).toBeLessThan(0.1);
    expect(onIt.crossingPredicted).toBe(false);
  });

  it("already on the road outside a crosswalk ⇒ high", () => {
    const a = predict({ id: 1, x: 60, y: -3, vy: 1 });
    expect(pAt(a, 0.5)).toBeGreaterThan(0.9);
  });

  it("uses the constant-velocity time to the road: far from the curb the probability rises with the horizon", () => {
    // 2.5 m from the curb, running at 3 m/s toward the road: enters after ~0.83 s.
    const a = predict({ id: 1, x: 50, y: -8, vy: 3 });
    expect(pAt(a, 0.5)).toBeLessThan(0.1);
    expect(pAt(a, 1)).toBeGreaterThan(0.5);
    // On the curb but slow (0.35 m/s from 0.9 m): the rule holds, the road is reached only after ~2.6 s.
    const slow = predict({ id: 2, x: 50, y: -6.4, vy: 0.35 });
    expect(pAt(slow, 2)).toBeGreaterThan(0.1);
    expect(pAt(slow, 2)).toBeLessThan(0.5);
  });

  it("gives every track a constant-velocity path; only pedestrians get crossing probabilities", () => {
    const predictor = new CurbRulePredictor();
    predictor.setMap(streetMap());
    const out = predictor.update(trackList(2, [{ id: 1, x: 50, y: -6, vx: 1 }, { id: 2, objectClass: msg.ObjectClass.CAR, x: 30, y: -1.75, vx: 10 }]));
    expect(out.predictor).toBe("cv_curb_rule");
    const car = out.agents.find((a) => a.trackId === 2)!;
    expect(car.crossing).toHaveLength(0);
    expect(car.paths[0].points).toHaveLength(30);
    expect(car.paths[0].dtS).toBeCloseTo(0.1);
    expect(car.paths[0].points[9].x).toBeCloseTo(40);
    expect(car.paths[0].points[29].x).toBeCloseTo(60);
  });

  it("without a map: paths only", () => {
    const predictor = new CurbRulePredictor();
    const out = predictor.update(trackList(2, [{ id: 1, x: 50, y: -6, vy: 1.2 }]));
    expect(out.agents[0].paths).toHaveLength(1);
    expect(out.agents[0].crossing).toHaveLength(0);
  });
});
