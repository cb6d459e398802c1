import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { CurbRulePredictor, StreetGeometry, addCrossingPath, constantVelocityPath, crossingPath } from "../../prediction/index.ts";
import { streetMap, track, trackList } from "./streetFixture.ts";

const street = new StreetGeometry(streetMap());
const params = { crossingSpeedMps: 1.4, pathHorizonS: 3, pathStepS: 0.1 };

describe("crossingPath", () => {
  it("a pedestrian standing on the south sidewalk walks north into the road at the crossing pace", () => {
    const t = track({ id: 1, x: 60, y: -6.5 });
    const path = crossingPath(t, street.nearestCurb(t.xM, t.yM), 0.8, params)!;
    expect(path.probability).toBe(0.8);
    expect(path.dtS).toBe(0.1);
    expect(path.points).toHaveLength(30);
    expect(path.points[0].x).toBeCloseTo(60, 12);
    expect(path.points[0].y).toBeCloseTo(-6.5 + 0.14, 12);
    expect(path.points[29].y).toBeCloseTo(-6.5 + 1.4 * 3, 9);
    // After 1 s it has left the sidewalk (curb at y = −5.5).
    expect(street.onRoad(path.points[9].x, path.points[9].y)).toBe(true);
  });

  it("on the north sidewalk it walks south; a pedestrian faster than the pace keeps its own speed", () => {
    const t = track({ id: 2, x: 80, y: 6, vx: 2.5 });
    const path = crossingPath(t, street.nearestCurb(t.xM, t.yM), 0.6, params)!;
    expect(path.points[9].x).toBeCloseTo(80, 12); // straight across, not along
    expect(path.points[9].y).toBeCloseTo(6 - 2.5, 9);
  });

  it("no road beside the curb ⇒ no path", () => {
    const t = track({ id: 3, x: 60, y: -6.5 });
    expect(crossingPath(t, { distanceM: 1, x: 60, y: -5.5, nx: 0, ny: 0 }, 0.9, params)).toBeUndefined();
  });

  it("addCrossingPath puts the crossing first and leaves the constant-velocity path the rest of the probability", () => {
    const t = track({ id: 4, x: 60, y: -6.5, vx: 0.1 });
    const agent = msg.create(msg.AgentPredictionSchema, { trackId: 4, paths: [constantVelocityPath(t, 3, 0.1)] });
    addCrossingPath(agent, t, street.nearestCurb(t.xM, t.yM), 0.7, params);
    expect(agent.paths).toHaveLength(2);
    expect(agent.paths[0].probability).toBeCloseTo(0.7, 12);
    expect(agent.paths[1].probability).toBeCloseTo(0.3, 12);
    expect(agent.paths[1].points[9].y).toBeCloseTo(-6.5, 12); // the CV path is unchanged
  });

  it("the curb rule gives a warned pedestrian on the curb the crossing path, one on the road or not warned none", () => {
    const predictor = new CurbRulePredictor();
    predictor.setMap(streetMap());
    const out = predictor.update(trackList(0, [
      { id: 1, x: 60, y: -5.8, vy: 0.8 }, // on the curb edge, stepping off: warned
      { id: 2, x: 80, y: -2, vy: 1.2 }, // on the road already: warned, its own motion is its path
      { id: 3, x: 100, y: -7, vx: 1.3 }, // walking along: not warned
    ]));
    const [curb, onRoad, along] = out.agents;
    expect(curb.crossingPredicted).toBe(true);
    expect(curb.paths).toHaveLength(2);
    expect(curb.paths[0].points[0].y).toBeCloseTo(-5.8 + 0.14, 9);
    expect(onRoad.crossingPredicted).toBe(true);
    expect(onRoad.paths).toHaveLength(1);
    expect(along.crossingPredicted).toBe(false);
    expect(along.paths).toHaveLength(1);
    expect(along.paths[0].probability).toBe(1);
    // crossingPath: false (the dataset collection drive) leaves it out.
    const without = new CurbRulePredictor({ crossingPath: false });
    without.setMap(streetMap());
    const quiet = without.update(trackList(0, [{ id: 1, x: 60, y: -5.8, vy: 0.8 }])).agents[0];
    expect(quiet.crossingPredicted).toBe(true);
    expect(quiet.paths).toHaveLength(1);
    expect(quiet.paths[0].probability).toBe(1);
  });
});
