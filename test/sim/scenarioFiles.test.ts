// Scenario files: the format reference example, bad files with their file:line and path, and the template layer.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  ScenarioFileError,
  loadScenarioFile,
  parseScenarioFileText,
  resolveTemplate,
} from "../../sim/scenarios/index.ts";
import { World } from "../../sim/world/index.ts";

const SCENARIOS = fileURLToPath(new URL("../../sim/scenarios/", import.meta.url));
const BAD = join(SCENARIOS, "files", "bad");

function fileError(file: string, seed = 1): ScenarioFileError {
  try {
    loadScenarioFile(join(BAD, file), seed);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioFileError);
    return e as ScenarioFileError;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe("scenario file format", () => {
  it("the annotated example in sim/scenarios/README.md parses", () => {
    const readme = readFileSync(join(SCENARIOS, "README.md"), "utf8");
    const block = /```yaml\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const s = parseScenarioFileText(block![1], "README.md#example.yaml", 5);
    expect(s.name).toBe("bus-stop-jaywalk#5");
    expect(s.parkedCars[0].kind).toBe("bus");
    expect(s.sensors.map((x) => x.model)).toEqual(["VLP-32C", "ARS408", "camera"]);
    // The README example is the example file, verbatim.
    expect(block![1].trim()).toBe(readFileSync(join(SCENARIOS, "files", "example.yaml"), "utf8").trim());
  });

  it("loads the example file (calibration path checked) and runs it", () => {
    const s = loadScenarioFile(join(SCENARIOS, "files", "example.yaml"), 3);
    const w = new World(s, 1);
    for (let i = 0; i < 50; i++) w.step(0.1, { accelerationMps2: 0, steeringAngleRad: 0 });
    expect(w.groundTruth().objects.length).toBeGreaterThan(3);
  });

  it("a random file is deterministic per seed and differs between seeds", () => {
    const file = join(SCENARIOS, "files", "example.yaml");
    expect(loadScenarioFile(file, 42)).toEqual(loadScenarioFile(file, 42));
    expect(loadScenarioFile(file, 42).parkedCars[0].xM).not.toBe(loadScenarioFile(file, 43).parkedCars[0].xM);
  });

  it("a fixed file keeps its name; JSON works too", () => {
    const s = parseScenarioFileText(JSON.stringify({ name: "plain", description: "d", durationS: 5, ego: { xM: 10, speedMps: 5 } }), "plain.json");
    expect(s.name).toBe("plain");
    expect(s.sensors.map((x) => x.name)).toEqual(["top", "front_radar"]); // the default rig
  });
});

describe("bad scenario files name the file, the line and the path inside it", () => {
  it("unknown field", () => {
    const e = fileError("unknown-field.yaml");
    expect(e.message).toContain("unknown-field.yaml:14:");
    expect(e.message).toContain("pedestrians[1].sped");
    expect(e.message).toMatch(/Unrecognized key.*sped/);
  });

  it("negative speed", () => {
    const e = fileError("negative-speed.yaml");
    expect(e.message).toContain("negative-speed.yaml:13:");
    expect(e.message).toContain("pedestrians[1].speedMps");
  });

  it("a pedestrian inside a building", () => {
    const e = fileError("pedestrian-in-building.yaml");
    expect(e.message).toContain("pedestrian-in-building.yaml:8:");
    expect(e.message).toMatch(/pedestrians\[0\]\.start: .*inside a building/);
  });

  it("an unknown sensor model", () => {
    const e = fileError("unknown-sensor.yaml");
    expect(e.message).toContain("unknown-sensor.yaml:8:");
    expect(e.message).toContain('sensors[1].model: unknown sensor model "VLP-64"; known models: VLP-16, VLP-32C, HDL-32E, ARS408, camera');
  });

  it("a crosswalk outside the road", () => {
    const e = fileError("crosswalk-outside-road.yaml");
    expect(e.message).toContain("crosswalk-outside-road.yaml:9:");
    expect(e.message).toMatch(/street\.crosswalks\[1\]\.centerXM: crosswalk .* outside the road/);
  });

  it("an ego off the road, facing away from its route, in a lane too narrow, or a street of negative length", () => {
    const file = (ego: string, street = "") => {
      try {
        parseScenarioFileText(`name: s\ndescription: d\ndurationS: 5\nego: ${ego}\n${street}`, "ego.yaml");
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    };
    expect(file("{ xM: 10, yM: 50, speedMps: 5 }")).toMatch(/ego\.yaml:4:\d+: ego\.yM: must be on the road \(\|y\| < 5\.5/);
    expect(file("{ xM: 10, yM: -7, speedMps: 5 }")).toContain("ego.yM: must be on the road"); // the sidewalk
    expect(file("{ xM: 10, yM: 1.75, speedMps: 5 }")).toBe(""); // the other lane is still road
    expect(file("{ xM: 100, yawRad: 3.14, speedMps: 5 }")).toMatch(/ego\.yaml:4:\d+: ego\.yawRad: must face along the eastbound route/);
    expect(file("{ xM: 10, speedMps: 5 }", "street: { laneWidthM: 0.1 }\n")).toMatch(/ego\.yaml:5:\d+: street\.laneWidthM: Too small/);
    // A field that fails its own check must not crash the street built for the cross-checks, and keeps its line.
    expect(file("{ xM: 10, speedMps: 5 }", "street: { lengthM: -5 }\n")).toMatch(/ego\.yaml:5:\d+: street\.lengthM: Too small/);
  });

  it("malformed YAML and JSON give the line", () => {
    const y = fileError("malformed.yaml");
    expect(y.message).toMatch(/malformed\.yaml:[56]:\d+: malformed YAML/);
    expect(y.problems[0].line).toBeGreaterThanOrEqual(5);
    const j = fileError("malformed.json");
    expect(j.message).toMatch(/malformed\.json:5:\d+: malformed JSON/);
  });

  it("an unknown variable and a missing calibration file", () => {
    expect(fileError("unknown-variable.yaml").message).toMatch(/unknown-variable\.yaml:10:\d+: pedestrians\[0\]\.start\.xM: .*unknown variable "xx"; defined: x/);
    expect(fileError("missing-calibration.yaml").message).toMatch(/missing-calibration\.yaml:7:\d+: sensors\[0\]\.calibrationFile: no such file/);
  });

  it("camera without calibration, calibration on a lidar, duplicate sensor names", () => {
    const base = "name: s\ndescription: d\ndurationS: 5\nego: { xM: 10, speedMps: 5 }\n";
    const msg = (sensors: string) => {
      try {
        parseScenarioFileText(base + sensors, "rig.yaml");
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    };
    expect(msg("sensors:\n  - { name: cam, model: camera, pose: { xM: 1, yM: 0, zM: 1 } }\n")).toContain("sensors[0].calibrationFile: a camera needs a calibration file");
    expect(msg("sensors:\n  - { name: l, model: VLP-16, pose: { xM: 1, yM: 0, zM: 1 }, calibrationFile: x.yaml }\n")).toContain("only cameras take a calibration file");
    expect(msg("sensors:\n  - { name: l, model: VLP-16, pose: { xM: 1, yM: 0, zM: 1 } }\n  - { name: l, model: HDL-32E, pose: { xM: 1, yM: 0, zM: 2 } }\n")).toContain("sensors[1].name: duplicate");
  });

  it("errors inside a repeat name the expanded item and the source line", () => {
    const text = [
      "name: r",
      "description: d",
      "durationS: 5",
      "ego: { xM: 10, speedMps: 5 }",
      "pedestrians:",
      "  - repeat: 3",
      "    as: k",
      "    each:",
      "      behaviour: stand",
      '      start: { xM: "= 50 + k", yM: -7 }',
      '      speedMps: "= 1 - k"',
    ].join("\n");
    try {
      parseScenarioFileText(text, "rep.yaml");
      throw new Error("expected a rejection");
    } catch (e) {
      expect((e as Error).message).toMatch(/rep\.yaml:11:\d+: pedestrians\[1\]\.speedMps/);
      expect((e as Error).message).toMatch(/rep\.yaml:11:\d+: pedestrians\[2\]\.speedMps/);
    }
  });
});

describe("template layer", () => {
  it("draws vars in order, supports refs, fields, arithmetic, repeat with per-copy lets, weights", () => {
    const doc = {
      vars: { side: { choice: [{ sign: -1, name: "south" }] }, x: { uniform: [10, 20] }, n: { int: [2, 2] } },
      a: "$side.name",
      b: "= side.sign * (x - x) + max(2, 3) * 2 % 5",
      list: [{ repeat: "$n", as: "k", let: { d: { choice: [7], weights: [1] } }, each: { v: "= k * 10 + d" } }, 99],
    };
    const r = resolveTemplate(doc, 1);
    expect(r.value).toEqual({ a: "south", b: 1, list: [{ v: 7 }, { v: 17 }, 99] });
    expect(r.random).toBe(true);
    expect((r.vars.x as number) >= 10 && (r.vars.x as number) <= 20).toBe(true);
    expect(() => resolveTemplate({ a: { uniform: [3, 1] } }, 1)).toThrow(/a\.uniform: needs \[lo, hi\]/);
    expect(() => resolveTemplate({ a: "= 1 +" }, 1)).toThrow(/a: expression/);
    expect(() => resolveTemplate({ a: "= process.exit(1)" }, 1)).toThrow(/unknown function process\.exit/);
  });
});
