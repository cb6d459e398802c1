// The randomised suites train / val / test: sizes, disjoint seeds, balance, determinism, and
// per-pedestrian ground truth that matches the planned intent in every variant.
import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import {
  JAYWALK_TEMPLATES,
  NON_JAYWALK_TEMPLATES,
  RANDOM_SUITES,
  type Scenario,
  findScenario,
  findSuite,
  suiteVariants,
  templateVariant,
} from "../../sim/scenarios/index.ts";
import { World } from "../../sim/world/index.ts";

const hasJaywalker = (s: Scenario) => s.pedestrians.some((p) => p.behaviour === "jaywalk" || p.behaviour === "run");

describe("randomised suites", () => {
  it("have the documented sizes and disjoint seed ranges", () => {
    expect(findSuite("train").length).toBe(800);
    expect(findSuite("val").length).toBe(400);
    expect(findSuite("test").length).toBe(2000);
    const seeds = (["train", "val", "test"] as const).map((n) => new Set(suiteVariants(n).map((v) => v.seed)));
    const ranges = Object.values(RANDOM_SUITES).map((r) => [r.firstSeed, r.firstSeed + r.size] as const);
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        expect(ranges[i][1] <= ranges[j][0] || ranges[j][1] <= ranges[i][0]).toBe(true);
        for (const s of seeds[i]) expect(seeds[j].has(s)).toBe(false);
      }
    }
    const names = ["train", "val", "test"].flatMap((n) => findSuite(n).map((s) => s.name));
    expect(new Set(names).size).toBe(names.length);
    expect(findSuite("train")[2].name).toMatch(/^jaywalk-parked-cars#100002$/);
  });

  it("are balanced: half the variants have a jaywalker, every template is used", () => {
    for (const name of ["train", "val", "test"]) {
      const suite = findSuite(name);
      const j = suite.filter(hasJaywalker).length;
      expect(j / suite.length, name).toBe(0.5);
      const templates = new Set(suite.map((s) => s.name.split("#")[0]));
      for (const t of [...JAYWALK_TEMPLATES, ...NON_JAYWALK_TEMPLATES]) expect(templates.has(t), `${name} ${t}`).toBe(true);
    }
    // The jaywalk templates always plan a jaywalk, the others never do.
    for (const s of findSuite("train")) expect(hasJaywalker(s), s.name).toBe((JAYWALK_TEMPLATES as readonly string[]).includes(s.name.split("#")[0]));
  });

  it("a variant is deterministic per seed, differs between seeds, and findScenario finds any template#seed", () => {
    expect(templateVariant("jaywalk-parked-cars", 123)).toEqual(templateVariant("jaywalk-parked-cars", 123));
    expect(templateVariant("jaywalk-parked-cars", 123)).not.toEqual(templateVariant("jaywalk-parked-cars", 124));
    expect(findScenario("jaywalk-parked-cars#100002")).toEqual(findSuite("train")[2]);
    expect(findScenario("walk-along#7").name).toBe("walk-along#7");
    expect(() => findScenario("no-such-template#7")).toThrow(/unknown scenario/);
  });

  it("every template gives a valid scenario for any seed, not only the suites' seeds", () => {
    // A template whose ranges can collide (two parked cars, a car on a crosswalk) fails for some seeds
    // only; seeds 0-1999 caught the van-pitch overlap of jaywalk-parked-cars (3 % of seeds).
    for (const t of [...JAYWALK_TEMPLATES, ...NON_JAYWALK_TEMPLATES]) {
      for (let seed = 0; seed < 2000; seed++) expect(() => templateVariant(t, seed), `${t}#${seed}`).not.toThrow();
    }
  }, 60_000);

  it("randomise positions, speeds, triggers, sides and counts", () => {
    const variants = findSuite("train").filter((s) => s.name.startsWith("jaywalk-parked-cars#"));
    const xs = new Set(variants.map((s) => s.pedestrians[0].start.xM));
    const speeds = new Set(variants.map((s) => s.pedestrians[0].speedMps));
    const triggers = new Set(variants.map((s) => s.pedestrians[0].trigger?.egoDistanceM));
    const sides = new Set(variants.map((s) => Math.sign(s.pedestrians[0].start.yM)));
    const counts = new Set(variants.map((s) => s.parkedCars.length));
    expect(xs.size).toBeGreaterThan(0.9 * variants.length);
    expect(speeds.size).toBeGreaterThan(0.9 * variants.length);
    expect(triggers.size).toBeGreaterThan(0.9 * variants.length);
    expect(sides.size).toBe(2);
    expect(counts.size).toBeGreaterThan(3);
  });

  it("ground truth matches the planned intent in every val and test variant, whatever the ego does", () => {
    for (const name of ["val", "test"]) {
      for (const s of findSuite(name)) {
        for (const policy of ["coast", "stop"] as const) {
          const w = new World(s, 1);
          const outside = new Set<number>();
          const onRoad = new Set<number>();
          const inCrosswalk = new Set<number>();
          while (!w.done) {
            w.step(0.1, { accelerationMps2: policy === "stop" && w.timeS > 1 ? -6 : 0, steeringAngleRad: 0 });
            for (const o of w.groundTruth().objects) {
              if (!o.pedestrian) continue;
              if (o.pedestrian.onRoad) onRoad.add(o.id);
              if (o.pedestrian.onRoad && !o.pedestrian.inCrosswalk) outside.add(o.id);
              if (o.pedestrian.inCrosswalk) inCrosswalk.add(o.id);
            }
          }
          for (const o of w.groundTruth().objects) {
            const p = o.pedestrian;
            if (!p) continue;
            const tag = `${s.name} ${policy} pedestrian ${o.id}`;
            if (p.willJaywalk) {
              // Decided, left the curb after deciding, and was on the road outside a crosswalk.
              expect(p.decisionTimeNs > 0n && p.curbLeaveTimeNs >= p.decisionTimeNs, tag).toBe(true);
              expect(outside.has(o.id), tag).toBe(true);
            } else if (p.willCross) {
              expect(p.decisionTimeNs > 0n && p.curbLeaveTimeNs >= p.decisionTimeNs, tag).toBe(true);
              expect(inCrosswalk.has(o.id) && !outside.has(o.id), tag).toBe(true);
            } else if (p.behaviour !== msg.PedestrianTruth_Behaviour.HESITATE) {
              expect(onRoad.has(o.id), tag).toBe(false);
              expect(p.decisionTimeNs, tag).toBe(0n);
            }
          }
        }
      }
    }
  }, 60_000);
});
