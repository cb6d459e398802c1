// LiDAR model: packets decode back onto the rays (hw's VelodyneDecoder, same calibration), points
// land on the ground-truth boxes, runs are repeatable byte for byte.
import { describe, expect, it } from "vitest";
import { PointBuffer, VELODYNE_PACKET, VelodyneDecoder } from "../../../hw/index.ts";
import { LidarModel, type LidarPacket, type SensorPose } from "../../../sim/sensors/lidar/LidarModel.ts";
import { LIDAR_MODELS, type LidarModelName } from "../../../sim/sensors/lidar/lidarModels.ts";
import { LidarRayLog } from "../../../sim/sensors/lidar/LidarRayLog.ts";
import { createSensorScene } from "../../../sim/sensors/scene/SensorScene.ts";
import { SURFACE_MATERIALS } from "../../../sim/sensors/scene/surfaceMaterials.ts";
import type { World } from "../../../sim/world/index.ts";
import { CHILD_ID, PARKED_ID, WALKER_ID, sensorWorld } from "./fixture.ts";

const ROOF: SensorPose = { xM: 1.5, yM: 0, zM: 1.9 };
const STEP_NS = 20_000_000n;

interface Run {
  world: World;
  lidar: LidarModel;
  packets: LidarPacket[];
  log: LidarRayLog;
  /** Ego pose (centre, yaw) after every step, and ground truth boxes per step. */
  poses: { tNs: bigint; x: number; y: number; yaw: number }[];
  boxes: Map<number, { cx: number; cy: number; yaw: number; l: number; w: number; h: number }>[];
  /** Index of the step each packet was produced at. */
  packetStep: number[];
}

function run(model: LidarModelName, steps: number, seed = 3, pose: SensorPose = ROOF): Run {
  const world = sensorWorld(seed);
  const scene = createSensorScene(world);
  const lidar = new LidarModel(scene, { model, pose, seed, name: "top" });
  const log = new LidarRayLog();
  const packets: LidarPacket[] = [];
  const poses = [{ tNs: 0n, x: world.ego.centerX, y: world.ego.centerY, yaw: world.ego.yaw }];
  const boxes: Run["boxes"] = [];
  const packetStep: number[] = [];
  for (let i = 0; i < steps; i++) {
    const from = world.timeNs;
    world.stepNs(STEP_NS, { accelerationMps2: 0, steeringAngleRad: 0 });
    poses.push({ tNs: world.timeNs, x: world.ego.centerX, y: world.ego.centerY, yaw: world.ego.yaw });
    const gt = new Map<number, { cx: number; cy: number; yaw: number; l: number; w: number; h: number }>();
    for (const o of world.groundTruth().objects) gt.set(o.id, { cx: o.xM, cy: o.yM, yaw: o.yawRad, l: o.lengthM, w: o.widthM, h: o.heightM });
    boxes.push(gt);
    const ps = lidar.scan(world, from, world.timeNs, log);
    for (const p of ps) {
      packets.push(p);
      packetStep.push(i);
    }
  }
  return { world, lidar, packets, log, poses, boxes, packetStep };
}

function decodeAll(r: Run) {
  const decoder = new VelodyneDecoder({ calibration: r.lidar.calibration, model: r.lidar.layout.model });
  const buf = new PointBuffer(r.packets.length * 384);
  const packetOfPoint: number[] = [];
  const gpsUs: number[] = [];
  for (let k = 0; k < r.packets.length; k++) {
    const before = buf.length;
    const res = decoder.decodePacket(r.packets[k].data, buf);
    if (!res.ok) throw new Error(res.error.message);
    gpsUs.push(res.value.gpsTimestampUs);
    for (let i = before; i < buf.length; i++) packetOfPoint.push(k);
  }
  return { buf, packetOfPoint, gpsUs, decoder };
}

describe("LidarModel packets", () => {
  for (const model of ["VLP-16", "VLP-32C", "HDL-32E"] as const) {
    it(`${model}: every packet decodes back onto its ray (range within half a distance unit, same 0.01° azimuth, firing time)`, () => {
      const r = run(model, 5); // 100 ms: one full rotation at 10 Hz
      const L = r.lidar.layout;
      // Real firing timing: packets back to back, stamped with the first firing.
      expect(r.packets.length).toBe(Math.ceil(100_000_000 / L.packetNs));
      for (let k = 0; k < r.packets.length; k++) {
        expect(r.packets[k].data.byteLength).toBe(VELODYNE_PACKET.SIZE);
        expect(r.packets[k].stampNs).toBe(BigInt(k * L.packetNs));
        expect(r.packets[k].data[1204]).toBe(0x37);
        expect(r.packets[k].data[1205]).toBe(L.productId);
      }
      const { buf, packetOfPoint, gpsUs, decoder } = decodeAll(r);
      expect(decoder.warnings).toEqual([]);
      expect(buf.length).toBe(r.log.length);
      expect(buf.length).toBeGreaterThan(0.5 * r.lidar.raysCast);
      const res = r.lidar.distanceResolutionM;
      const cal = r.lidar.calibration;
      const rate = r.lidar.rateHz;
      let maxRange = 0;
      let maxAz = 0;
      let maxHead = 0;
      let maxXyz = 0;
      let maxT = 0;
      for (let i = 0; i < buf.length; i++) {
        const g = r.log.get(i);
        maxRange = Math.max(maxRange, Math.abs(buf.distanceM[i] - g.measuredM));
        maxAz = Math.max(maxAz, Math.abs(buf.azimuthRad[i] - Math.fround((g.azimuth * Math.PI) / 18000)));
        const head = ((rate * 360 * g.timeNs) / 1e9) % 360;
        let dHead = Math.abs(g.azimuth / 100 - head);
        dHead = Math.min(dHead, 360 - dHead);
        maxHead = Math.max(maxHead, dHead);
        const ex = g.sx * g.measuredM;
        const ey = g.sy * g.measuredM;
        const ez = g.sz * g.measuredM;
        maxXyz = Math.max(maxXyz, Math.hypot(buf.x[i] - ex, buf.y[i] - ey, buf.z[i] - ez));
        const tDecoded = gpsUs[packetOfPoint[i]] * 1000 + buf.timeOffsetS[i] * 1e9;
        maxT = Math.max(maxT, Math.abs(tDecoded - g.timeNs));
        expect(packetOfPoint[i]).toBe(g.packet);
        expect(buf.ring[i]).toBe(cal.ring[g.laser]);
        expect(buf.intensity[i]).toBe(g.intensity);
      }
      expect(maxRange).toBeLessThanOrEqual(res / 2 + 1e-5);
      expect(maxAz).toBeLessThanOrEqual(1e-7); // the same 0.01° grid value
      expect(maxHead).toBeLessThanOrEqual(0.0201); // the wire azimuth vs the continuous head angle
      expect(maxXyz).toBeLessThanOrEqual(res / 2 + 2e-5);
      expect(maxT).toBeLessThan(1000); // < 1 µs (the packet stamp is whole µs)
    });
  }

  it("VLP-32C: one rotation is 1808 blocks × 32 firings; the stream continues across calls", () => {
    const r = run("VLP-32C", 10);
    expect(r.lidar.raysCast).toBe(r.packets.length * 384);
    for (let k = 1; k < r.packets.length; k++) expect(r.packets[k].stampNs - r.packets[k - 1].stampNs).toBe(BigInt(r.lidar.layout.packetNs));
    // GPS µs past the hour = sim µs (origin 0).
    const d = r.packets[40].data;
    const us = d[1200] | (d[1201] << 8) | (d[1202] << 16) | (d[1203] << 24);
    expect(us).toBe(Number(r.packets[40].stampNs / 1000n));
    expect(LIDAR_MODELS["VLP-32C"].defaultRateHz).toBe(10);
  });
});

describe("LidarModel geometry", () => {
  const r = run("VLP-32C", 25); // 0.5 s
  const { buf, packetOfPoint } = decodeAll(r);

  /** Sensor-frame point → map with the ego pose interpolated at the point's firing time. */
  function toMap(i: number): [number, number, number] {
    const t = r.log.column("timeNs")[i];
    let k = 0;
    while (k + 2 < r.poses.length && Number(r.poses[k + 1].tNs) < t) k++;
    const a = r.poses[k];
    const b = r.poses[k + 1];
    const f = (t - Number(a.tNs)) / Number(b.tNs - a.tNs);
    const x = a.x + f * (b.x - a.x);
    const y = a.y + f * (b.y - a.y);
    const yaw = a.yaw + f * (b.yaw - a.yaw);
    const bx = buf.x[i] + ROOF.xM;
    const by = buf.y[i] + ROOF.yM;
    const bz = buf.z[i] + ROOF.zM;
    return [x + Math.cos(yaw) * bx - Math.sin(yaw) * by, y + Math.sin(yaw) * bx + Math.cos(yaw) * by, bz];
  }

  function insideInflated(id: number, p: [number, number, number], step: number, m = 0.1): boolean {
    const b = r.boxes[step].get(id)!;
    const dx = p[0] - b.cx;
    const dy = p[1] - b.cy;
    const u = Math.cos(b.yaw) * dx + Math.sin(b.yaw) * dy;
    const v = -Math.sin(b.yaw) * dx + Math.cos(b.yaw) * dy;
    return Math.abs(u) <= b.l / 2 + m && Math.abs(v) <= b.w / 2 + m && p[2] >= -m && p[2] <= b.h + m;
  }

  for (const [label, id, minPoints] of [
    ["walking pedestrian", WALKER_ID, 200],
    ["parked car", PARKED_ID, 1000],
    ["standing child", CHILD_ID, 50],
  ] as const) {
    it(`${label}: ≥ 90 % of the points whose ray hit it lie in its ground-truth box + 0.1 m (map frame)`, () => {
      const objectId = r.log.column("objectId");
      let n = 0;
      let inside = 0;
      for (let i = 0; i < buf.length; i++) {
        if (objectId[i] !== id) continue;
        n++;
        if (insideInflated(id, toMap(i), r.packetStep[packetOfPoint[i]])) inside++;
      }
      expect(n).toBeGreaterThanOrEqual(minPoints);
      expect(inside / n).toBeGreaterThanOrEqual(0.9);
    });
  }

  it("ground returns (asphalt, paint) lie near z = 0, sidewalk tops near the curb height", () => {
    const objectId = r.log.column("objectId");
    const mat = r.log.column("materialCode");
    const asphalt = SURFACE_MATERIALS.indexOf("asphalt");
    const paint = SURFACE_MATERIALS.indexOf("paint");
    let n = 0;
    let maxAbsZ = 0;
    let sumZ = 0;
    for (let i = 0; i < buf.length; i++) {
      if (objectId[i] !== 0 || (mat[i] !== asphalt && mat[i] !== paint)) continue;
      const z = toMap(i)[2];
      n++;
      sumZ += z;
      maxAbsZ = Math.max(maxAbsZ, Math.abs(z));
    }
    expect(n).toBeGreaterThan(5000);
    expect(Math.abs(sumZ / n)).toBeLessThan(0.01);
    expect(maxAbsZ).toBeLessThan(0.08); // 1.5 cm range noise, ≤ 25° beams: |Δz| ≤ ~4σ·sin 25°
  });

  it("intensity follows the material: paint brighter than asphalt", () => {
    const mat = r.log.column("materialCode");
    const inten = r.log.column("intensity");
    const mean = (code: number) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < r.log.length; i++) if (mat[i] === code) (s += inten[i]), n++;
      return s / n;
    };
    expect(mean(SURFACE_MATERIALS.indexOf("paint"))).toBeGreaterThan(3 * mean(SURFACE_MATERIALS.indexOf("asphalt")));
  });
});

describe("LidarModel determinism", () => {
  it("same scenario and seed ⇒ identical packet bytes; another seed ⇒ different noise", () => {
    const a = run("VLP-32C", 5, 11);
    const b = run("VLP-32C", 5, 11);
    const c = run("VLP-32C", 5, 12);
    expect(a.packets.length).toBe(b.packets.length);
    let same = true;
    for (let k = 0; k < a.packets.length; k++) {
      if (a.packets[k].stampNs !== b.packets[k].stampNs || Buffer.compare(a.packets[k].data, b.packets[k].data) !== 0) same = false;
    }
    expect(same).toBe(true);
    let differ = 0;
    for (let k = 0; k < a.packets.length; k++) if (Buffer.compare(a.packets[k].data, c.packets[k].data) !== 0) differ++;
    expect(differ).toBeGreaterThan(a.packets.length / 2);
  });

  it("packets do not depend on how the interval is split into scan calls", () => {
    const whole = sensorWorld(5);
    const wl = new LidarModel(createSensorScene(whole), { model: "VLP-16", pose: ROOF, seed: 5 });
    for (let i = 0; i < 5; i++) whole.stepNs(STEP_NS, { accelerationMps2: 0, steeringAngleRad: 0 });
    const one = wl.scan(whole, 0n, whole.timeNs);
    const split = sensorWorld(5);
    const sl = new LidarModel(createSensorScene(split), { model: "VLP-16", pose: ROOF, seed: 5 });
    for (let i = 0; i < 5; i++) split.stepNs(STEP_NS, { accelerationMps2: 0, steeringAngleRad: 0 });
    const parts = [...sl.scan(split, 0n, 33_000_000n), ...sl.scan(split, 33_000_000n, split.timeNs)];
    expect(parts.map((p) => p.stampNs)).toEqual(one.map((p) => p.stampNs));
    expect(parts.every((p, k) => Buffer.compare(p.data, one[k].data) === 0)).toBe(true);
  });
});

describe("LiDAR output", () => {
  it("a pcap of the packets reads back with hw's PcapReader: port 2368, same payloads and stamps", async () => {
    const { PcapReader } = await import("../../../hw/index.ts");
    const { lidarPcap } = await import("../../../sim/sensors/lidar/output.ts");
    const r = run("VLP-16", 2);
    const reader = PcapReader.open(lidarPcap(r.packets));
    if (!reader.ok) throw new Error(reader.error.message);
    const got = [...reader.value.udpPackets()];
    expect(got).toHaveLength(r.packets.length);
    got.forEach((u, k) => {
      expect(u.dstPort).toBe(2368);
      expect(u.timestampNs).toBe((r.packets[k].stampNs / 1000n) * 1000n); // pcap keeps µs
      expect(Buffer.compare(u.payload, r.packets[k].data)).toBe(0);
    });
  });

  it("sends the packets as UDP datagrams to 127.0.0.1", async () => {
    const { createSocket } = await import("node:dgram");
    const { sendLidarPackets } = await import("../../../sim/sensors/lidar/output.ts");
    const r = run("VLP-16", 1);
    const rx = createSocket("udp4");
    const received: Buffer[] = [];
    await new Promise<void>((resolve) => rx.bind(0, "127.0.0.1", resolve));
    const done = new Promise<void>((resolve) =>
      rx.on("message", (m) => {
        received.push(m);
        if (received.length === r.packets.length) resolve();
      }),
    );
    await sendLidarPackets(r.packets, { port: rx.address().port });
    await done;
    rx.close();
    expect(received.map((b) => b.byteLength)).toEqual(r.packets.map(() => 1206));
    expect(Buffer.compare(received[0], r.packets[0].data)).toBe(0);
  });
});
