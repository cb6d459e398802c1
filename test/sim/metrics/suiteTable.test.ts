import { describe, expect, it } from "vitest";
import { buildSuiteTable, computeScenarioMetrics, formatSuiteTable, suiteTableToJson } from "../../../sim/metrics/index.ts";
import { LANE_Y_M, buildFrames, constantDrive, pedestrianObject, stopAt45 } from "./syntheticDrive.ts";

const route = [
  { x: 0, y: LANE_Y_M },
  { x: 60, y: LANE_Y_M },
];
const through = computeScenarioMetrics({
  scenario: "drive_through",
  durationS: 8,
  frames: buildFrames(80, constantDrive, () => [pedestrianObject({ id: 7, x: 50, y: LANE_Y_M })]),
  route,
});
const stop = computeScenarioMetrics({
  scenario: "stop_short",
  durationS: 9,
  frames: buildFrames(90, stopAt45, () => [pedestrianObject({ id: 7, x: 50, y: LANE_Y_M })]),
  route,
});
const empty = computeScenarioMetrics({ scenario: "empty_street", durationS: 1, frames: buildFrames(10, constantDrive) });

describe("suite table", () => {
  it("aggregates rows and totals", () => {
    const t = buildSuiteTable([through, stop, empty]);
    expect(t.rows.map((r) => r.scenario)).toEqual(["drive_through", "stop_short", "empty_street"]);
    expect(t.rows[0]).toMatchObject({ pedestrianCollisions: 1, otherCollisions: 0, minDistanceM: 0, minTtcS: 0, completionTimeS: 5.8 }); // front bumper within 0.5 m of the route end
    expect(t.rows[1]).toMatchObject({ pedestrianCollisions: 0, hardBrakes: 1, completionTimeS: null, maxAbsJerkMps3: 50 });
    expect(t.rows[2]).toMatchObject({ minDistanceM: null, minTtcS: null, minTtcInfinite: false });
    expect(t.totals).toEqual({
      scenarios: 3,
      pedestrianCollisions: 1,
      otherCollisions: 0,
      scenariosWithCollision: 1,
      worstMinDistanceM: 0,
      worstMinDistanceScenario: "drive_through",
      worstMinTtcS: 0,
      worstMinTtcInfinite: false,
      worstMinTtcScenario: "drive_through",
      hardBrakes: 1,
      jaywalkers: 0,
      jaywalkersWarned: 0,
      medianWarningLeadS: null,
      completed: 1,
      maxAbsJerkMps3: 50,
    });
  });

  it("formats a fixed-width terminal table", () => {
    const text = formatSuiteTable([through, stop, empty]);
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^scenario\s+ped coll\s+other coll\s+min dist m\s+min TTC s\s+hard brakes\s+warned\s+lead s\s+progress m\s+done at s\s+max jerk m\/s3$/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    const stopLine = lines.find((l) => l.startsWith("stop_short"))!;
    expect(stopLine.split(/\s+/)).toEqual(["stop_short", "0", "0", "2.45", "0.99", "1", "-", "-", "45.0", "-", "50.0"]);
    const emptyLine = lines.find((l) => l.startsWith("empty_street"))!;
    expect(emptyLine.split(/\s+/)).toEqual(["empty_street", "0", "0", "-", "-", "0", "-", "-", "9.0", "-", "0.0"]);
    expect(text).toContain("TOTAL (3)");
    expect(text).toContain("1/3");
    // Columns line up: every numeric column ends at the same offset on every data line.
    const ends = (l: string) => [...l.matchAll(/\S+/g)].map((m) => m.index! + m[0].length).slice(-3);
    expect(ends(stopLine)).toEqual(ends(lines.find((l) => l.startsWith("drive_through"))!));
  });

  it("JSON is deterministic", () => {
    expect(suiteTableToJson(buildSuiteTable([through, stop]))).toBe(suiteTableToJson(buildSuiteTable([through, stop])));
    expect(JSON.parse(suiteTableToJson(buildSuiteTable([empty]))).totals.worstMinTtcS).toBeNull();
  });
});
