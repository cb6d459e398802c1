// Per-sensor ground truth (/sim/sensor_truth) and the detection dataset written from it: LiDAR
// returns counted per object (a pedestrian hidden behind a parked bus gets none), camera boxes in
// the image, files that match the clouds, and the same labels for the same seed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromTimestamp, msg } from "../../bus/index.ts";
import { unpackField } from "../../hw/drivers/index.ts";
import { collectDetectionRun, type DetectionRunCounts } from "../../sim/dataset/index.ts";
import { parseScenario } from "../../sim/scenarios/index.ts";

const scenarioDir = fileURLToPath(new URL("../../sim/scenarios/files/", import.meta.url));
const hasChromium = existsSync("/usr/bin/chromium");
const dir = mkdtempSync(join(tmpdir(), "curb-truth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIDAR = { name: "top", model: "VLP-16", pose: { xM: 1.5, yM: 0, zM: 1.9 } } as const;
const CAMERA = { name: "front_camera", model: "camera", pose: { xM: 1.9, yM: 0, zM: 1.4 }, calibrationFile: "calibration/front_camera.yaml" } as const;
const VISIBLE = 1;
const HIDDEN = 2;

/** Pedestrian 1 stands in the open on the right sidewalk; pedestrian 2 stands right behind a parked bus. */
const scenario = parseScenario({
  name: "sensor-truth-check",
  description: "one visible pedestrian, one hidden behind a parked bus",
  durationS: 1.2,
  ego: { xM: 10, speedMps: 5 },
  sensors: hasChromium ? [LIDAR, CAMERA] : [LIDAR],
  parkedCars: [{ xM: 50, side: "south", kind: "bus" }],
  pedestrians: [
    { behaviour: "stand", start: { xM: 37, yM: -6 }, speedMps: 1.4 },
    { behaviour: "stand", start: { xM: 54, yM: -6 }, speedMps: 1.4 },
  ],
});

const truths: msg.SensorTruth[] = [];
const clouds = new Map<bigint, msg.PointCloud>();
const runs: { dir: string; counts: DetectionRunCounts }[] = [];

beforeAll(async () => {
  for (const name of ["a", "b"]) {
    const runDir = join(dir, name);
    const counts = await collectDetectionRun(scenario, 3, {
      dir: runDir,
      scenarioDir,
      sensors: hasChromium ? ["lidar", "camera"] : ["lidar"],
      onBus: name === "a" ? (bus) => {
        bus.topic("/sim/sensor_truth").subscribe((e) => truths.push(e.message));
        bus.topic("/sensors/lidar/top/points").subscribe((e) => clouds.set(e.stampNs, e.message));
      } : undefined,
    });
    runs.push({ dir: runDir, counts });
  }
}, 120_000);

const lidarTruths = () => truths.filter((t) => t.sensor === "top");

describe("per-sensor ground truth", () => {
  it("one LiDAR truth per published cloud, same stamp", () => {
    const stamps = lidarTruths().map((t) => fromTimestamp(t.timestamp));
    expect(stamps.length).toBeGreaterThanOrEqual(11);
    expect(stamps).toEqual([...clouds.keys()]);
  });

  it("LiDAR: points on the visible pedestrian, none on the one behind the bus", () => {
    for (const t of lidarTruths().slice(1, -1)) {
      const seen = t.objects.find((o) => o.id === VISIBLE)!;
      const hidden = t.objects.find((o) => o.id === HIDDEN)!;
      expect(seen.objectClass).toBe(msg.ObjectClass.PEDESTRIAN);
      expect(seen.lidarPoints).toBeGreaterThan(0); // a VLP-16 2° apart: a few rings at 20 m
      expect(seen.visibility).toBeGreaterThan(0.9);
      expect(hidden.lidarPoints).toBe(0);
      expect(hidden.visibility).toBe(0);
      const bus = t.objects.find((o) => o.objectClass === msg.ObjectClass.BUS)!;
      expect(bus.lidarPoints).toBeGreaterThan(30);
    }
  });

  it("LiDAR: the counted points are the cloud's points in the object's box (sensor frame)", () => {
    for (const t of lidarTruths().slice(1, -1)) {
      const cloud = clouds.get(fromTimestamp(t.timestamp))!;
      const [xs, ys, zs] = ["x", "y", "z"].map((f) => unpackField(cloud, f));
      const o = t.objects.find((x) => x.id === VISIBLE)!;
      const b = o.box3d!;
      let inside = 0;
      for (let i = 0; i < xs.length; i++) {
        // The box is where the pedestrian is at the end of the scan (the ego moves ≤ 0.5 m during it);
        // points below 0.2 m are left out (the 0.15 m sidewalk around the feet).
        if (Math.abs(xs[i] - b.xM) < 1.0 && Math.abs(ys[i] - b.yM) < 0.6 && zs[i] > b.zM - b.heightM / 2 + 0.2 && zs[i] < b.zM + b.heightM / 2 + 0.1) inside++;
      }
      expect(inside).toBeLessThanOrEqual(o.lidarPoints);
      expect(o.lidarPoints).toBeLessThanOrEqual(inside + 2);
    }
  });

  it.skipIf(!hasChromium)("camera: boxes lie inside the image; the visible pedestrian has one", () => {
    const frames = truths.filter((t) => t.sensor === "front_camera");
    expect(frames.length).toBeGreaterThanOrEqual(10);
    const label = JSON.parse(readFileSync(join(runs[0].dir, "front_camera", "000000.json"), "utf8"));
    const [W, H] = [label.width, label.height];
    expect(W).toBeGreaterThan(0);
    for (const t of frames) {
      for (const o of t.objects) {
        const b = o.box!;
        expect(b.xMinPx).toBeGreaterThanOrEqual(-0.5);
        expect(b.yMinPx).toBeGreaterThanOrEqual(-0.5);
        expect(b.xMaxPx).toBeLessThanOrEqual(W - 0.5);
        expect(b.yMaxPx).toBeLessThanOrEqual(H - 0.5);
        expect(b.xMaxPx).toBeGreaterThan(b.xMinPx);
        expect(b.fractionInImage).toBeGreaterThan(0);
        expect(b.fractionInImage).toBeLessThanOrEqual(1);
      }
      expect(t.objects.find((o) => o.id === VISIBLE)?.visibility).toBeGreaterThan(0.9);
      const hidden = t.objects.find((o) => o.id === HIDDEN);
      if (hidden) expect(hidden.visibility).toBe(0);
    }
  });
});

describe("detection dataset", () => {
  it("point files hold the cloud's points; labels list the pedestrian with its class", () => {
    const sensorDir = join(runs[0].dir, "top");
    const labels = readdirSync(sensorDir).filter((f) => f.endsWith(".json")).sort();
    // First (partial, from the run's start) and last (flushed at shutdown) scans are not written.
    expect(labels.length).toBe(clouds.size - 2);
    expect(runs[0].counts.lidarScans).toBe(labels.length);
    for (const f of labels) {
      const label = JSON.parse(readFileSync(join(sensorDir, f), "utf8"));
      const cloud = clouds.get(BigInt(label.stampNs))!;
      const n = cloud.data.byteLength / cloud.pointStride;
      expect(label.points).toBe(n);
      expect(statSync(join(sensorDir, label.pointsFile)).size).toBe(n * 16);
      const ped = label.objects.find((o: { id: number }) => o.id === VISIBLE);
      expect(ped.class).toBe("pedestrian");
      expect(ped.lidarPoints).toBeGreaterThan(0);
      expect(ped.size).toHaveLength(3);
    }
    // The first point of the file is the cloud's first point.
    const label = JSON.parse(readFileSync(join(sensorDir, labels[0]), "utf8"));
    const cloud = clouds.get(BigInt(label.stampNs))!;
    const bin = readFileSync(join(sensorDir, label.pointsFile));
    const pts = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
    expect([pts[0], pts[1], pts[2], pts[3]]).toEqual(["x", "y", "z", "intensity"].map((f) => Math.fround(unpackField(cloud, f)[0])));
    expect(runs[0].counts.lidarObjects.pedestrian).toBe(labels.length);
  });

  it("same scenario and seed ⇒ the same label files", () => {
    for (const sensor of hasChromium ? ["top", "front_camera"] : ["top"]) {
      const a = readdirSync(join(runs[0].dir, sensor)).filter((f) => f.endsWith(".json")).sort();
      const b = readdirSync(join(runs[1].dir, sensor)).filter((f) => f.endsWith(".json")).sort();
      expect(b).toEqual(a);
      for (const f of a) expect(readFileSync(join(runs[1].dir, sensor, f), "utf8"), `${sensor}/${f}`).toBe(readFileSync(join(runs[0].dir, sensor, f), "utf8"));
    }
  });
});
