// Driver configuration: zod validation with field-naming errors, the example configs, camera_info.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkDriverFiles } from "../../../hw/drivers/driverFiles.ts";
import { DATA_DIR } from "../data.ts";
import { backoffMs, type DriverConfig, loadDriverConfig, loadVehicleConfig, parseCameraInfoYaml, parseDriverConfig, parseVehicleConfig, readConfiguredFile, recordedClockNotes } from "../../../hw/drivers/index.ts";

const CONFIG_DIR = new URL("../../../hw/drivers/config/", import.meta.url).pathname;

describe("driver configuration", () => {
  it("loads every example config, resolving paths against the config's folder", () => {
    const v = loadVehicleConfig(`${CONFIG_DIR}vehicle.example.yaml`);
    expect(v.drivers.map((d) => `${d.kind}/${d.name}`)).toEqual(["velodyne/top", "radar/front_radar", "camera/front_camera"]);
    const lidar = v.drivers[0];
    if (lidar.kind !== "velodyne" || !("pcap" in lidar.input)) throw new Error("expected a pcap velodyne");
    expect(lidar.model).toBe("VLP16"); // "VLP-16" normalised
    expect(readFileSync(lidar.input.pcap.file).length).toBeGreaterThan(0);
    for (const [file, kind] of [["velodyne", "velodyne"], ["radar", "radar"], ["camera", "camera"]] as const) {
      expect(loadDriverConfig(`${CONFIG_DIR}${file}.example.yaml`, kind).kind).toBe(kind);
    }
    // A vehicle file serves as a driver config too (the supervisor passes --name).
    expect(loadDriverConfig(`${CONFIG_DIR}vehicle.example.yaml`, "radar", "front_radar").kind).toBe("radar");
  });

  it("names the field in every error", () => {
    const base = { kind: "velodyne", name: "top", model: "VLP-16", calibration: "c.yaml", input: { pcap: { file: "x.pcap" } } };
    const bad = (patch: object) => () => parseDriverConfig({ ...base, ...patch }, "v.yaml", "/");
    expect(bad({ model: "VLP-17" })).toThrow(/model: .*VLP16/);
    // An input is one of several shapes: the one whose key is given is named, not "input: Invalid input".
    expect(bad({ input: { pcap: { file: "x", rate: -1 } } })).toThrow(/^v\.yaml: invalid configuration\n  input\.pcap\.rate: .*>0$/);
    expect(bad({ input: { pcp: { file: "x" } } })).toThrow(/^v\.yaml: invalid configuration\n  input: expected one of udp, pcap \(got pcp\)$/);
    expect(bad({ name: "nope" })).toThrow(/name: bus\/topics.ts has no \/sensors\/lidar\/nope\/packets.*declared lidar sensors: top/);
    expect(bad({ cutAngleDeg: 400 })).toThrow(/cutAngleDeg/);
    expect(bad({ extra: 1 })).toThrow(/extra/);
    expect(() => parseDriverConfig({ kind: "radar", name: "front_radar", input: { candump: { file: "a" } }, configure: { outputType: "points" } }, "r.yaml")).toThrow(
      /configure\.outputType/,
    );
  });

  it("stamps a replayed capture on the host clock in a vehicle and with its own times alone, unless told", () => {
    const radar = (candump: object) => ({ kind: "radar", name: "front_radar", input: { candump: { file: "a.log", ...candump } } });
    const lidar = (pcap: object) => ({ kind: "velodyne", name: "top", model: "VLP-16", calibration: "c.yaml", input: { pcap: { file: "x.pcap", ...pcap } } });
    const stamps = (d: DriverConfig) => (d.kind === "radar" && "candump" in d.input ? d.input.candump.stamps : d.kind === "velodyne" && "pcap" in d.input ? d.input.pcap.stamps : "none");
    expect(parseVehicleConfig({ drivers: [radar({}), lidar({})] }, "v.yaml", "/").drivers.map(stamps)).toEqual(["now", "now"]);
    expect(parseVehicleConfig({ drivers: [radar({ stamps: "recorded" }), lidar({ stamps: "recorded" })] }, "v.yaml", "/").drivers.map(stamps)).toEqual(["recorded", "recorded"]);
    expect(stamps(parseDriverConfig(radar({}), "r.yaml", "/"))).toBe("recorded");
    expect(stamps(parseDriverConfig(lidar({ stamps: "now" }), "v.yaml", "/"))).toBe("now");
    expect(() => parseDriverConfig(radar({ stamps: "wall" }), "r.yaml", "/")).toThrow(`r.yaml: invalid configuration\n  input.candump.stamps: Invalid option: expected one of "recorded"|"now"`);
    // A driver started by curb drive reads its entry of the vehicle file: on the host clock.
    expect(stamps(loadDriverConfig(`${CONFIG_DIR}vehicle.example.yaml`, "radar", "front_radar"))).toBe("now");
  });

  it("curb drive names a recorded drive's replay that keeps its capture's clock", () => {
    const vehicle = (record: string | undefined, stamps?: string) =>
      parseVehicleConfig({ record, drivers: [{ kind: "radar", name: "front_radar", input: { candump: { file: "a.log", stamps } } }] }, "v.yaml", "/");
    expect(recordedClockNotes(vehicle("drive.mcap", "recorded"))).toEqual([
      "radar/front_radar replays its capture with the capture's own stamps (input.candump.stamps: recorded): the log will hold that clock beside the host clock of the drive's status",
    ]);
    expect(recordedClockNotes(vehicle("drive.mcap"))).toEqual([]);
    expect(recordedClockNotes(vehicle(undefined, "recorded"))).toEqual([]); // no log to mix
  });

  it("backs off exponentially, capped", () => {
    const r = { initialDelayMs: 250, maxDelayMs: 2000, factor: 2, stableAfterMs: 10_000, stopTimeoutMs: 1000 };
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffMs(r, n))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it("refuses restart parameters that would restart in a tight loop or never back off", () => {
    const vehicle = (restart: object) => () =>
      parseVehicleConfig({ restart, drivers: [{ kind: "radar", name: "front_radar", input: { candump: { file: "a.log" } } }] }, "v.yaml", "/");
    expect(vehicle({ initialDelayMs: 250, maxDelayMs: 2000, factor: 2 })).not.toThrow();
    expect(vehicle({ initialDelayMs: 0 })).toThrow(/restart\.initialDelayMs: .*>0/);
    expect(vehicle({ initialDelayMs: -5 })).toThrow(/restart\.initialDelayMs/);
    expect(vehicle({ factor: 0 })).toThrow(/restart\.factor: .*>=1/);
    expect(vehicle({ initialDelayMs: 5000, maxDelayMs: 1000 })).toThrow(/restart\.maxDelayMs: maxDelayMs must be at least initialDelayMs/);
    expect(vehicle({ stopTimeoutMs: 0 })).toThrow(/restart\.stopTimeoutMs/);
    expect(vehicle({ maxDelayMs: "10s" })).toThrow(/restart\.maxDelayMs/);
  });
});

describe("checkDriverFiles (what curb drive reads before starting anything)", () => {
  const camera = (input: object) => parseDriverConfig({ kind: "camera", name: "front_camera", input }, `${CONFIG_DIR}x.yaml`);
  it("passes the example vehicle, and a camera device or lavfi graph it cannot check", () => {
    for (const d of loadVehicleConfig(`${CONFIG_DIR}vehicle.example.yaml`).drivers) expect(() => checkDriverFiles(d)).not.toThrow();
    expect(() => checkDriverFiles(camera({ url: "/dev/video9" }))).not.toThrow(); // may be plugged in later
    expect(() => checkDriverFiles(camera({ url: "testsrc", format: "lavfi" }))).not.toThrow();
  });
  it("names a video file, capture or candump log that cannot be read", () => {
    expect(() => checkDriverFiles(camera({ url: "missing.mp4" }))).toThrow(`input.url: cannot read ${CONFIG_DIR}missing.mp4 (ENOENT`);
    expect(() => checkDriverFiles(parseDriverConfig({ kind: "radar", name: "front_radar", input: { candump: { file: "." } } }, `${CONFIG_DIR}r.yaml`))).toThrow(
      `candump: cannot read ${CONFIG_DIR.replace(/\/$/, "")} (a folder, not a file)`,
    );
    // A driver reading the same folder (readConfiguredFile, at start-up) says it in the same words.
    expect(() => readConfiguredFile(CONFIG_DIR, "candump")).toThrow(`candump: cannot read ${CONFIG_DIR} (a folder, not a file)`);
    const lidar = { kind: "velodyne", name: "top", model: "VLP-16", calibration: new URL("velodyne/calibration/VLP16db.yaml", DATA_DIR).pathname };
    expect(() => checkDriverFiles(parseDriverConfig({ ...lidar, input: { pcap: { file: "nope.pcap" } } }, `${CONFIG_DIR}v.yaml`))).toThrow(`pcap: cannot read ${CONFIG_DIR}nope.pcap (ENOENT`);
  });
});

describe("ROS camera_info YAML", () => {
  it("parses the example into K, D, R, P", () => {
    const r = parseCameraInfoYaml(readFileSync(`${CONFIG_DIR}camera_info.example.yaml`, "utf8"));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ cameraName: "front", width: 320, height: 240, distortionModel: "plumb_bob" });
    expect(r.value.K).toEqual([300, 0, 160, 0, 300, 120, 0, 0, 1]);
    expect(r.value.D).toEqual([-0.12, 0.03, 0.0005, -0.0002, 0]);
    expect(r.value.R).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(r.value.P).toHaveLength(12);
    expect(r.value.P[0]).toBe(290);
  });

  it("fills R and P when absent, and names broken fields", () => {
    const minimal = `image_width: 640\nimage_height: 480\ncamera_matrix: {rows: 3, cols: 3, data: [500, 0, 320, 0, 500, 240, 0, 0, 1]}\ndistortion_model: equidistant\ndistortion_coefficients: {rows: 1, cols: 4, data: [0.1, 0.01, 0, 0]}\n`;
    const r = parseCameraInfoYaml(minimal);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.R).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(r.value.P).toEqual([500, 0, 320, 0, 0, 500, 240, 0, 0, 0, 1, 0]);
    const wrong = parseCameraInfoYaml(minimal.replace("data: [500, 0, 320, 0, 500, 240, 0, 0, 1]", "data: [500, 0, 320]"));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toMatch(/camera_matrix\.data: expected rows·cols = 9 numbers, got 3/);
    const noWidth = parseCameraInfoYaml(minimal.replace("image_width: 640\n", ""));
    expect(!noWidth.ok && noWidth.error.message).toMatch(/image_width/);
    expect(parseCameraInfoYaml("a: [").ok).toBe(false);
  });
});
