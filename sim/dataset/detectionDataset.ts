// `curb dataset --kind detection`: detector training data from closed-loop runs with the sensor rig.
// Per LiDAR scan the decoded cloud (float32 x y z intensity, sensor frame) + 3D box labels; per camera
// frame the JPEG + 2D box labels; labels from /sim/sensor_truth (see README.md, "Detection data").
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Bus, fromTimestamp, msg } from "../../bus/index.ts";
import { unpackField } from "../../hw/drivers/index.ts";
import { progressBar } from "../../scripts/progressBar.ts";
import { runClosedLoop } from "../closedLoop.ts";
import type { SensorKind } from "../sensorRig.ts";
import { chromiumAvailable } from "../sensors/index.ts";
import type { Scenario, SensorSpec } from "../scenarios/index.ts";
import { type DatasetOptions, datasetScenarios, datasetSeeds } from "./buildDataset.ts";
import { collectionStackParams } from "./collectionStack.ts";
import { makeOutputFolder } from "../../replay/outputFolder.ts";

export const DETECTION_FORMAT = "curb-detection-dataset";
export const DETECTION_FORMAT_VERSION = 1;

/** Folder the example camera's calibration file is resolved against. */
const SCENARIO_FILES_DIR = fileURLToPath(new URL("../scenarios/files/", import.meta.url));
/** The example rig's front camera (sim/scenarios/files/example.yaml), added when a scenario has no camera. */
export const DATASET_CAMERA: SensorSpec = Object.freeze({
  name: "front_camera",
  model: "camera",
  pose: { xM: 1.9, yM: 0, zM: 1.4, rollRad: 0, pitchRad: 0.05, yawRad: 0 },
  calibrationFile: "calibration/front_camera.yaml",
}) as SensorSpec;

/** Lower-case class names for labels (ObjectClass without the prefix). */
export function className(c: msg.ObjectClass): string {
  return (msg.ObjectClass[c] ?? "UNKNOWN").toLowerCase();
}

export interface DetectionRunOptions {
  /** Run folder: `<sensor>/<index>.{bin,json,jpg}` are written under it. */
  dir: string;
  /** Sensor kinds to simulate; default lidar, plus camera when Chromium is available. */
  sensors?: readonly SensorKind[];
  /** Folder relative camera calibration paths are resolved against (default: sim/scenarios/files). */
  scenarioDir?: string;
  /** Extra bus hook (tests). */
  onBus?: (bus: Bus) => void;
}

export interface DetectionRunCounts {
  lidarScans: number;
  cameraFrames: number;
  /** Labelled objects per class: LiDAR (with ≥ 1 point) and camera (with a box). */
  lidarObjects: Record<string, number>;
  cameraObjects: Record<string, number>;
}

interface PendingCloud {
  stampNs: bigint;
  cloud: msg.PointCloud;
}

/**
 * One closed-loop run with sensors → detection samples under `dir`. Each sensor's first output
 * (partial scan from the start of the run) and the partial scan flushed at the end are skipped.
 */
export async function collectDetectionRun(scenario: Scenario, seed: number, options: DetectionRunOptions): Promise<DetectionRunCounts> {
  const sensors = options.sensors ?? (chromiumAvailable() ? ["lidar", "camera"] : ["lidar"]);
  const wantsCamera = sensors.includes("camera");
  const withCamera = wantsCamera && !scenario.sensors.some((s) => s.model === "camera") ? { ...scenario, sensors: [...scenario.sensors, DATASET_CAMERA] } : scenario;
  const counts: DetectionRunCounts = { lidarScans: 0, cameraFrames: 0, lidarObjects: {}, cameraObjects: {} };
  const models = new Map(withCamera.sensors.map((s) => [s.name, s.model]));
  const clouds = new Map<string, PendingCloud>();
  const images = new Map<string, { stampNs: bigint; image: msg.CompressedImage; calibration?: msg.CameraCalibration }>();
  /** Per sensor: outputs seen (the first is partial) and the last complete sample, written when the next arrives. */
  const seen = new Map<string, number>();
  const held = new Map<string, () => void>();
  const index = new Map<string, number>();
  const base = { scenario: scenario.name, seed };

  const hold = (sensor: string, write: (i: number) => void) => {
    const n = (seen.get(sensor) ?? 0) + 1;
    seen.set(sensor, n);
    // A scan is complete once the next one starts: write the held one, hold this one.
    held.get(sensor)?.();
    held.delete(sensor);
    if (n === 1) return; // first scan: from the start of the run, partial
    held.set(sensor, () => {
      const i = index.get(sensor) ?? 0;
      index.set(sensor, i + 1);
      mkdirSync(join(options.dir, sensor), { recursive: true });
      write(i);
    });
  };

  const onTruth = (truth: msg.SensorTruth) => {
    const sensor = truth.sensor;
    const stampNs = fromTimestamp(truth.timestamp);
    const model = models.get(sensor);
    if (model === "camera") {
      const image = images.get(sensor);
      if (!image || image.stampNs !== stampNs) return;
      images.delete(sensor);
      // Camera frames are complete when published: write at once.
      const i = index.get(sensor) ?? 0;
      index.set(sensor, i + 1);
      mkdirSync(join(options.dir, sensor), { recursive: true });
      writeCameraSample(options.dir, sensor, i, base, stampNs, image.image, image.calibration, truth, counts);
      return;
    }
    const pending = clouds.get(sensor);
    if (!pending || pending.stampNs !== stampNs) return; // radar: no samples
    clouds.delete(sensor);
    hold(sensor, (i) => writeLidarSample(options.dir, sensor, i, base, pending, truth, counts));
  };

  await runClosedLoop(withCamera, {
    seed,
    sensors,
    scenarioDir: options.scenarioDir ?? SCENARIO_FILES_DIR,
    stackParams: collectionStackParams(seed),
    onBus: (bus) => {
      bus.all().subscribe((e) => {
        if (e.topic === "/sim/sensor_truth") onTruth(e.message as msg.SensorTruth);
        else if (e.topic.startsWith("/sensors/lidar/") && e.topic.endsWith("/points")) {
          const cloud = e.message as msg.PointCloud;
          clouds.set(cloud.frameId, { stampNs: e.stampNs, cloud });
        } else if (e.topic.startsWith("/sensors/camera/") && e.topic.endsWith("/image")) {
          const image = e.message as msg.CompressedImage;
          images.set(image.frameId, { stampNs: e.stampNs, image });
        } else if (e.topic.startsWith("/sensors/camera/") && e.topic.endsWith("/calibration")) {
          const c = e.message as msg.CameraCalibration;
          const pending = images.get(c.frameId);
          if (pending) pending.calibration = c;
        }
      });
      options.onBus?.(bus);
    },
  });
  // The last held scan is the partial one flushed at shutdown: dropped.
  return counts;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

function writeLidarSample(dir: string, sensor: string, i: number, base: object, { stampNs, cloud }: PendingCloud, truth: msg.SensorTruth, counts: DetectionRunCounts): void {
  const [x, y, z, intensity] = ["x", "y", "z", "intensity"].map((f) => unpackField(cloud, f));
  const n = x.length;
  const points = new Float32Array(n * 4);
  for (let k = 0; k < n; k++) {
    points[k * 4] = x[k];
    points[k * 4 + 1] = y[k];
    points[k * 4 + 2] = z[k];
    points[k * 4 + 3] = intensity[k];
  }
  const name = String(i).padStart(6, "0");
  // Float32Array is in the machine's byte order: little-endian on every platform Node runs on here.
  writeFileSync(join(dir, sensor, `${name}.bin`), new Uint8Array(points.buffer));
  const objects = truth.objects
    .filter((o) => o.box3d)
    .map((o) => {
      const b = o.box3d!;
      return {
        id: o.id,
        class: className(o.objectClass),
        center: [r6(b.xM), r6(b.yM), r6(b.zM)],
        size: [r6(b.lengthM), r6(b.widthM), r6(b.heightM)],
        yawRad: r6(b.yawRad),
        lidarPoints: o.lidarPoints,
        visibility: r6(o.visibility),
      };
    });
  for (const o of objects) if (o.lidarPoints > 0) bump(counts.lidarObjects, o.class);
  counts.lidarScans++;
  const label = { ...base, sensor, kind: "lidar", frameId: cloud.frameId, stampNs: String(stampNs), points: n, pointsFile: `${name}.bin`, objects };
  writeFileSync(join(dir, sensor, `${name}.json`), `${JSON.stringify(label, null, 1)}\n`);
}

function writeCameraSample(dir: string, sensor: string, i: number, base: object, stampNs: bigint, image: msg.CompressedImage, calibration: msg.CameraCalibration | undefined, truth: msg.SensorTruth, counts: DetectionRunCounts): void {
  const name = String(i).padStart(6, "0");
  writeFileSync(join(dir, sensor, `${name}.jpg`), image.data);
  const objects = truth.objects
    .filter((o) => o.box)
    .map((o) => ({
      id: o.id,
      class: className(o.objectClass),
      box: [r6(o.box!.xMinPx), r6(o.box!.yMinPx), r6(o.box!.xMaxPx), r6(o.box!.yMaxPx)],
      fractionInImage: r6(o.box!.fractionInImage),
      depthM: r6(o.box!.depthM),
      visibility: r6(o.visibility),
    }));
  for (const o of objects) bump(counts.cameraObjects, o.class);
  counts.cameraFrames++;
  const label = { ...base, sensor, kind: "camera", frameId: image.frameId, stampNs: String(stampNs), width: calibration?.width ?? 0, height: calibration?.height ?? 0, imageFile: `${name}.jpg`, objects };
  writeFileSync(join(dir, sensor, `${name}.json`), `${JSON.stringify(label, null, 1)}\n`);
}

/** The intent dataset's options (suite, seeds, variation, scenarios) plus the sensors to label. */
export interface DetectionDatasetOptions extends DatasetOptions {
  sensors?: readonly SensorKind[];
}

/** Every scenario (with pedestrians) of a suite × N seeds → `out/<scenario>/seed-<seed>/<sensor>/…` + manifest.json. */
export async function buildDetectionDataset(opts: DetectionDatasetOptions) {
  const out = resolve(opts.out);
  // Both before the folder exists: a wrong name or count leaves nothing behind.
  const seeds = datasetSeeds(opts);
  const scenarios = datasetScenarios(opts);
  makeOutputFolder(out, "the dataset");
  const sensors = opts.sensors ?? (chromiumAvailable() ? (["lidar", "camera"] as const) : (["lidar"] as const));
  const bar = opts.quiet ? undefined : progressBar(scenarios.length * seeds.length, "detection dataset");
  const runs: { scenario: string; seed: number; dir: string; lidarScans: number; cameraFrames: number }[] = [];
  const lidarObjects: Record<string, number> = {};
  const cameraObjects: Record<string, number> = {};
  for (const seed of seeds) {
    for (const scenario of scenarios) {
      const dir = join(scenario.name, `seed-${seed}`);
      const c = await collectDetectionRun(scenario, seed, { dir: join(out, dir), sensors });
      runs.push({ scenario: scenario.name, seed, dir, lidarScans: c.lidarScans, cameraFrames: c.cameraFrames });
      for (const [k, v] of Object.entries(c.lidarObjects)) lidarObjects[k] = (lidarObjects[k] ?? 0) + v;
      for (const [k, v] of Object.entries(c.cameraObjects)) cameraObjects[k] = (cameraObjects[k] ?? 0) + v;
      bar?.tick(`${scenario.name} seed ${seed}`);
    }
  }
  bar?.done();
  const manifest = {
    format: DETECTION_FORMAT,
    formatVersion: DETECTION_FORMAT_VERSION,
    suite: opts.suite,
    variation: opts.variation,
    sensors,
    seeds: { first: seeds[0], last: seeds[seeds.length - 1], count: seeds.length },
    scenarios: scenarios.map((s) => s.name),
    command: `curb dataset --kind detection --suite ${opts.suite} --variants ${opts.variants} --seed-base ${opts.seedBase} --variation ${opts.variation}` +
      (opts.scenarios ? ` --scenarios ${opts.scenarios.join(",")}` : "") + ` --out ${opts.out}`,
    pointFormat: { dtype: "float32", littleEndian: true, columns: ["x_m", "y_m", "z_m", "intensity"], frame: "sensor (x forward, y left, z up)" },
    counts: {
      lidarScans: runs.reduce((a, r) => a + r.lidarScans, 0),
      cameraFrames: runs.reduce((a, r) => a + r.cameraFrames, 0),
      lidarObjectsPerClass: lidarObjects,
      cameraObjectsPerClass: cameraObjects,
    },
    runs,
  };
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
