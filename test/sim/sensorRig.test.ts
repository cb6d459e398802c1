// A simulated drive with LiDAR, radar and camera: the models' wire bytes go through the same
// drivers as real hardware, land in the log, and what they decode to lines up with ground truth.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Envelope, msg } from "../../bus/index.ts";
import type { RadarObjectList, VelodyneScan } from "../../bus/gen/curb/sensors_pb.ts";
import { unpackField } from "../../hw/drivers/index.ts";
import { STACK_NODE_NAMES } from "../../planning/index.ts";
import { LogReader, rerunStack, samePayload } from "../../replay/index.ts";
import { runClosedLoop } from "../../sim/index.ts";
import { chromiumAvailable } from "../../sim/sensors/index.ts";
import { parseScenario } from "../../sim/scenarios/index.ts";

const scenarioDir = fileURLToPath(new URL("../../sim/scenarios/files/", import.meta.url));
const hasChromium = chromiumAvailable();
const dir = mkdtempSync(join(tmpdir(), "curb-rig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIDAR = { name: "top", model: "VLP-16", pose: { xM: 1.5, yM: 0, zM: 1.9 } } as const;
const RADAR = { name: "front_radar", model: "ARS408", pose: { xM: 2.3, yM: 0, zM: 0.5 } } as const;
const CAMERA = { name: "front_camera", model: "camera", pose: { xM: 1.9, yM: 0, zM: 1.4 }, calibrationFile: "calibration/front_camera.yaml" } as const;

/** A standing pedestrian 25 m ahead on the right curb and a parked car beyond: both in every sensor's view. */
const scenario = parseScenario({
  name: "sensor-rig-check",
  description: "ego approaching a standing pedestrian and a parked car",
  durationS: 1.5,
  ego: { xM: 10, speedMps: 5 },
  sensors: hasChromium ? [LIDAR, RADAR, CAMERA] : [LIDAR, RADAR],
  parkedCars: [{ xM: 45, side: "south" }],
  pedestrians: [{ behaviour: "stand", start: { xM: 37, yM: -6 }, speedMps: 1.4 }],
});

const logs = [join(dir, "a.mcap"), join(dir, "b.mcap")];
const byTopic = new Map<string, Envelope[]>();

beforeAll(async () => {
  for (const logPath of logs) await runClosedLoop(scenario, { seed: 3, logPath, sensors: ["lidar", "radar", "camera"], scenarioDir });
  const reader = await LogReader.open(logs[0]);
  for await (const e of reader.messages()) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
  await reader.close();
}, 120_000);

/** Latest message on `topic` at or before `stampNs`. */
function at<T>(topic: string, stampNs: bigint): T {
  const list = byTopic.get(topic)!.filter((e) => e.stampNs <= stampNs);
  return list[list.length - 1].message as T;
}

/** Sensor frame → map frame for a sensor at `pose` on an ego at (x, y, yaw). */
function toMap(ego: msg.VehicleState, pose: { xM: number; yM: number; zM: number }, x: number, y: number, z: number) {
  const bx = pose.xM + x;
  const by = pose.yM + y;
  const c = Math.cos(ego.yawRad);
  const s = Math.sin(ego.yawRad);
  return { x: ego.xM + c * bx - s * by, y: ego.yM + s * bx + c * by, z: pose.zM + z };
}

function insideBox(o: msg.GroundTruthObject, p: { x: number; y: number; z: number }, marginM: number): boolean {
  const c = Math.cos(-o.yawRad);
  const s = Math.sin(-o.yawRad);
  const dx = p.x - o.xM;
  const dy = p.y - o.yM;
  const lx = c * dx - s * dy;
  const ly = s * dx + c * dy;
  return Math.abs(lx) <= o.lengthM / 2 + marginM && Math.abs(ly) <= o.widthM / 2 + marginM && p.z >= -marginM && p.z <= o.heightM + marginM;
}

describe("sensor rig in the closed loop", () => {
  it("records packets, point clouds, radar object lists and images at their rates, with sensor frames on /tf", () => {
    const clouds = byTopic.get("/sensors/lidar/top/points")!;
    expect(clouds.length).toBeGreaterThanOrEqual(13); // 10 Hz for 1.5 s, minus the first partial scan
    expect(byTopic.get("/sensors/lidar/top/packets")!.length).toBeGreaterThanOrEqual(13);
    expect(byTopic.get("/sensors/radar/front_radar/objects")!.length).toBeGreaterThanOrEqual(19); // 72 ms cycle
    const tf = byTopic.get("/tf")!.at(-1)!.message as msg.FrameTransforms;
    expect(tf.transforms.map((t) => t.childFrameId).sort()).toEqual((hasChromium ? ["base_link", "front_camera", "front_radar", "top"] : ["base_link", "front_radar", "top"]).sort());
  });

  it("LiDAR points fall on the pedestrian's and the parked car's ground-truth boxes", () => {
    // The last full scan (the log ends with the partial scan flushed at shutdown).
    const env = byTopic.get("/sensors/lidar/top/points")!.at(-2)!;
    const cloud = env.message as msg.PointCloud;
    expect(cloud.data.byteLength / cloud.pointStride).toBeGreaterThan(10_000);
    expect(cloud.frameId).toBe("top");
    const [xs, ys, zs, dt] = ["x", "y", "z", "time_offset_s"].map((f) => unpackField(cloud, f));
    // Each point in the sensor frame at its own firing time: the ego moves 0.5 m during a 5 m/s scan.
    const ego = at<msg.VehicleState>("/vehicle/state", env.stampNs);
    const egoAt = (i: number) => {
      const t = Number(env.stampNs - (byTopic.get("/vehicle/state")!.filter((e) => e.stampNs <= env.stampNs).at(-1)!.stampNs)) / 1e9 + dt[i];
      return { ...ego, xM: ego.xM + ego.speedMps * Math.cos(ego.yawRad) * t, yM: ego.yM + ego.speedMps * Math.sin(ego.yawRad) * t };
    };
    const gt = at<msg.GroundTruth>("/sim/ground_truth", env.stampNs);
    // A VLP-16's 2° rings: a pedestrian 17 m away gets a handful of points per scan, a car dozens.
    for (const [objectClass, minPoints] of [[msg.ObjectClass.PEDESTRIAN, 5], [msg.ObjectClass.CAR, 20]] as const) {
      const o = gt.objects.find((x) => x.objectClass === objectClass)!;
      let near = 0;
      let inside = 0;
      for (let i = 0; i < xs.length; i++) {
        const p = toMap(egoAt(i), LIDAR.pose, xs[i], ys[i], zs[i]);
        if (p.z < 0.2) continue; // ground
        if (insideBox(o, p, 1.0)) near++;
        if (insideBox(o, p, 0.15)) inside++;
      }
      expect(near, msg.ObjectClass[objectClass]).toBeGreaterThanOrEqual(minPoints);
      expect(inside / near, msg.ObjectClass[objectClass]).toBeGreaterThan(0.9);
    }
  });

  it("radar objects sit on ground-truth objects", () => {
    const lists = byTopic.get("/sensors/radar/front_radar/objects")!;
    let matched = 0;
    let total = 0;
    for (const e of lists.slice(-5)) {
      const list = e.message as RadarObjectList;
      const ego = at<msg.VehicleState>("/vehicle/state", e.stampNs);
      const gt = at<msg.GroundTruth>("/sim/ground_truth", e.stampNs);
      for (const r of list.objects) {
        total++;
        const p = toMap(ego, RADAR.pose, r.xM, r.yM, 0);
        if (gt.objects.some((o) => insideBox(o, { ...p, z: 0 }, 1.5))) matched++;
      }
    }
    expect(total).toBeGreaterThan(5);
    expect(matched / total).toBeGreaterThan(0.75); // the rest: the model's seeded false targets
  });

  it.skipIf(!hasChromium)("camera frames are JPEGs of the calibrated size", () => {
    const images = byTopic.get("/sensors/camera/front_camera/image")!;
    const calibration = byTopic.get("/sensors/camera/front_camera/calibration")!.at(-1)!.message as msg.CameraCalibration;
    expect(images.length).toBeGreaterThanOrEqual(14);
    const jpeg = (images.at(-1)!.message as msg.CompressedImage).data;
    expect([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
    const height = (jpeg[sof + 5] << 8) | jpeg[sof + 6];
    const width = (jpeg[sof + 7] << 8) | jpeg[sof + 8];
    expect([width, height]).toEqual([calibration.width, calibration.height]);
  });

  it("same scenario and seed ⇒ identical packet bytes and radar frames", async () => {
    const other = new Map<string, Envelope[]>();
    const reader = await LogReader.open(logs[1]);
    for await (const e of reader.messages({ topics: ["/sensors/lidar/top/packets", "/sensors/radar/front_radar/objects"] })) other.set(e.topic, [...(other.get(e.topic) ?? []), e]);
    await reader.close();
    for (const topic of ["/sensors/lidar/top/packets", "/sensors/radar/front_radar/objects"]) {
      const a = byTopic.get(topic)!;
      const b = other.get(topic)!;
      expect(b.length).toBe(a.length);
      a.forEach((e, i) => expect(samePayload(e, b[i]), `${topic}[${i}]`).toBe(true));
    }
    const scan = byTopic.get("/sensors/lidar/top/packets")![0].message as VelodyneScan;
    expect(scan.packets[0].data.length).toBe(1206);
  });
  it("process replay of the sensor drive reproduces the stack; the drivers' own diagnostics are not the stack's", async () => {
    const driverStatus = byTopic.get("/diagnostics")!.filter((e) => !STACK_NODE_NAMES.includes((e.message as msg.DiagnosticStatus).name));
    expect(driverStatus.length).toBeGreaterThan(0);
    const r = await rerunStack(logs[0]);
    expect(r.topics.find((t) => t.topic === "/diagnostics")).toMatchObject({ logged: byTopic.get("/diagnostics")!.length - driverStatus.length, different: 0 });
    expect(r.identical).toBe(true);
  });
});
