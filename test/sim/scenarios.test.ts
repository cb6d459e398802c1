import { describe, expect, it } from "vitest";
import { DEFAULT_SUITE, SUITES, ScenarioError, findScenario, findSuite, parseScenario } from "../../sim/scenarios/index.ts";

const base = {
  name: "unit-test",
  description: "test",
  durationS: 5,
  ego: { xM: 10, speedMps: 11 },
};

function problems(input: unknown): string {
  try {
    parseScenario(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error("expected the scenario to be rejected");
}

const walker = { behaviour: "walk-along", start: { xM: 50, yM: -7 }, speedMps: 1.4, walkDirection: 1 };

describe("scenario validation", () => {
  it("accepts a minimal scenario and fills defaults", () => {
    const s = parseScenario({ ...base, pedestrians: [walker], parkedCars: [{ xM: 30 }] });
    expect(s.pedestrians[0].isChild).toBe(false);
    expect(s.pedestrians[0].variation.startXM).toBe(0.3);
    expect(s.parkedCars[0].side).toBe("south");
    expect(s.parkedCars[0].lengthM).toBe(4.5);
    expect(s.street).toEqual({});
  });

  it("names the field of every problem", () => {
    expect(problems({ ...base, durationS: undefined })).toContain("durationS");
    expect(problems({ ...base, durationS: -1 })).toMatch(/durationS: .*>0/);
    expect(problems({ ...base, name: "Jaywalk Occluded" })).toMatch(/name: must be kebab-case/);
    expect(problems({ ...base, pedestrians: [{ ...walker, speedMps: 0 }] })).toContain("pedestrians[0].speedMps");
    expect(problems({ ...base, pedestrians: [walker, { ...walker, behaviour: "fly" }] })).toContain("pedestrians[1].behaviour");
    expect(problems({ ...base, pedestrians: [{ ...walker, walkDirection: 0 }] })).toContain("pedestrians[0].walkDirection");
    expect(problems({ ...base, pedestrians: [{ ...walker, start: { xM: 50, yM: -2 } }] })).toContain("pedestrians[0].start.yM");
    expect(problems({ ...base, pedestrians: [{ ...walker, behaviour: "jaywalk", walkDirection: 0 }] })).toContain(
      "pedestrians[0].trigger: required for behaviour jaywalk",
    );
    expect(
      problems({ ...base, pedestrians: [{ ...walker, behaviour: "jaywalk", walkDirection: 0, trigger: {} }] }),
    ).toContain("pedestrians[0].trigger: needs egoDistanceM or atS");
    expect(problems({ ...base, parkedCars: [{ xM: 120 }] })).toContain("parkedCars[0].xM: car overlaps the crosswalk");
    expect(problems({ ...base, ego: { xM: 10 } })).toContain("ego.speedMps");
    expect(problems({ ...base, pedestrians: [{ ...walker, approachS: 2 }] })).toContain(
      "pedestrians[0].approachS: only crossing and hesitating pedestrians approach the curb, not walk-along",
    );
    expect(problems({ ...base, pedestrians: [{ ...walker, behaviour: "jaywalk", trigger: { atS: 1 }, approachS: -1 }] })).toContain("pedestrians[0].approachS");
    expect(problems({ ...base, pedestrians: [{ ...walker, behaviour: "jaywalk", trigger: { atS: 1 }, criticalGapS: 3 }] })).toContain(
      "pedestrians[0].criticalGapS: only a pedestrian that yields to the ego (yieldsToEgo: true) judges gaps",
    );
    expect(problems({ ...base, pedestrians: [{ ...walker, behaviour: "jaywalk", trigger: { atS: 1 }, yieldsToEgo: true, criticalGapS: 0 }] })).toContain("pedestrians[0].criticalGapS");
  });

  it("rejects unknown keys (typos) by name", () => {
    expect(problems({ ...base, durationSec: 5 })).toContain("durationSec");
    expect(problems({ ...base, pedestrians: [{ ...walker, sped: 2 }] })).toMatch(/pedestrians\[0\].*sped/);
  });

  it("puts the scenario name in the error", () => {
    expect(problems({ ...base, durationS: 0 })).toContain('"unit-test"');
  });
});

describe("suites", () => {
  it("the default suite has the eight required scenarios", () => {
    const names = DEFAULT_SUITE.map((s) => s.name);
    for (const n of [
      "empty-street",
      "crosswalk-crossing",
      "jaywalk-clear-view",
      "jaywalk-occluded",
      "walk-along-curb",
      "group-crossing",
      "hesitating-pedestrian",
      "running-child",
    ]) {
      expect(names).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(SUITES.default).toBe(DEFAULT_SUITE);
    for (const s of DEFAULT_SUITE) {
      expect(s.ego.xM).toBe(10);
      expect(s.ego.speedMps).toBe(11);
      expect(s.durationS).toBe(20);
    }
    const group = findScenario("group-crossing");
    expect(group.pedestrians.length).toBeGreaterThanOrEqual(3);
    expect(group.pedestrians.length).toBeLessThanOrEqual(4);
  });

  it("finds by name and lists the valid names for an unknown one", () => {
    expect(findScenario("jaywalk-occluded").name).toBe("jaywalk-occluded");
    expect(findSuite("default")).toBe(DEFAULT_SUITE);
    expect(() => findScenario("jaywalk")).toThrow(/unknown scenario "jaywalk".*jaywalk-occluded.*running-child/);
    expect(() => findSuite("nightly")).toThrow(/unknown suite "nightly"; valid suites: default/);
    expect(() => findSuite("toString")).toThrow(/unknown suite/);
  });
});
