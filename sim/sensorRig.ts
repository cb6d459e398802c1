// The scenario's sensor rig in the closed loop. The models emit wire bytes (Velodyne packets, ARS408
// CAN frames) and the SAME driver classes that read real hardware decode and publish them
// (hw/drivers), with the sim clock as their clock; the camera publishes its JPEG frames directly.
// With every sensor output goes its per-sensor ground truth on /sim/sensor_truth (sim/sensorTruth.ts).
import { type Bus, msg, toTimestamp } from "../bus/index.ts";
import { type CameraCalibrationTopic, type CameraImageTopic, RadarConfigSchema, RadarDriver, sensorTopic, VelodyneConfigSchema, VelodyneDriver } from "../hw/drivers/index.ts";
import { Ars408Radar, type CameraFrame, CameraSensor, createSensorScene, LidarHitBuffer, LidarModel, type SensorScene } from "./sensors/index.ts";
import { cameraTruth, LidarScanCounter, LineOfSight, lidarTruth, mountInMap, radarTruth } from "./sensorTruth.ts";
import { SENSOR_KINDS, SENSOR_MODELS, type SensorKind, type SensorSpec } from "./scenarios/index.ts";
import type { World } from "./world/index.ts";

export type { SensorKind };

/** `lidar,radar` or `all` → the kinds; an unknown kind is an error naming the known ones. */
export function parseSensorKinds(text: string): SensorKind[] {
  const kinds = text === "all" ? [...SENSOR_KINDS] : text.split(",").map((k) => k.trim());
  for (const k of kinds) {
    if (!(SENSOR_KINDS as readonly string[]).includes(k)) throw new Error(`unknown sensor kind "${k}"; known: ${SENSOR_KINDS.join(", ")}, all`);
  }
  return kinds as SensorKind[];
}
/** How often each driver reports its health on /diagnostics, in sim time. */
const DIAGNOSTICS_PERIOD_NS = 1_000_000_000n;
/** The simulator is the drivers' input: their socket/file settings are not used. */
const SIMULATED_INPUT = "(simulated)";

export interface SensorRigOptions {
  seed: number;
  /** Which kinds of the rig to simulate. */
  kinds: readonly SensorKind[];
  /** Folder that relative camera calibration files are resolved against (the scenario file's). */
  baseDir: string;
}

interface LidarUnit {
  spec: SensorSpec;
  model: LidarModel;
  driver: VelodyneDriver;
  /** Returns of the packets of one `scan` call, with their object ids, for the scan's truth. */
  hits: LidarHitBuffer;
  counter: LidarScanCounter;
}

interface CameraUnit {
  spec: SensorSpec;
  model: CameraSensor;
  imageTopic: CameraImageTopic;
  calibrationTopic: CameraCalibrationTopic;
  /** The first render loads the scene into the page and is awaited where it starts. */
  primed: boolean;
  /** A render in flight (Chromium draws while the LiDAR casts rays), published by `endOfFrame`. */
  pending?: { tNs: bigint; groundTruth: msg.GroundTruth; frame: Promise<CameraFrame> };
}

interface RadarUnit {
  spec: SensorSpec;
  model: Ars408Radar;
  driver: RadarDriver;
}

/** Quaternion of intrinsic roll-pitch-yaw (z-y-x), as in ROS. */
function rpyQuaternion(roll: number, pitch: number, yaw: number) {
  const [cr, sr, cp, sp, cy, sy] = [Math.cos(roll / 2), Math.sin(roll / 2), Math.cos(pitch / 2), Math.sin(pitch / 2), Math.cos(yaw / 2), Math.sin(yaw / 2)];
  return { x: sr * cp * cy - cr * sp * sy, y: cr * sp * cy + sr * cp * sy, z: cr * cp * sy - sr * sp * cy, w: cr * cp * cy + sr * sp * sy };
}

export class SensorRig {
  private nextDiagnosticsNs = 0n;
  private lastScanNs: bigint;
  /** The world of the current `afterStep` and its ground truth (computed at most once per step). */
  private world: World | undefined;
  private groundTruthNow: msg.GroundTruth | undefined;

  private constructor(
    private readonly bus: Bus,
    readonly specs: readonly SensorSpec[],
    private readonly scene: SensorScene | undefined,
    private readonly lidars: LidarUnit[],
    private readonly radars: RadarUnit[],
    private readonly cameras: CameraUnit[],
    private readonly lineOfSight: LineOfSight,
    startNs: bigint,
  ) {
    this.lastScanNs = startNs;
  }

  static async create(world: World, bus: Bus, options: SensorRigOptions): Promise<SensorRig> {
    const specs = world.scenario.sensors.filter((s) => options.kinds.includes(SENSOR_MODELS[s.model]));
    const now = () => world.timeNs;
    const needsScene = specs.some((s) => SENSOR_MODELS[s.model] !== "radar");
    const scene = needsScene ? createSensorScene(world) : undefined;
    const lidars: LidarUnit[] = [];
    const radars: RadarUnit[] = [];
    const cameras: CameraUnit[] = [];
    try {
      for (const spec of specs) {
        const kind = SENSOR_MODELS[spec.model];
        if (kind === "lidar") {
          const model = new LidarModel(scene!, { name: spec.name, model: spec.model as never, pose: spec.pose, seed: options.seed, rateHz: spec.rateHz });
          const config = VelodyneConfigSchema.parse({ kind: "velodyne", name: spec.name, model: spec.model, calibration: SIMULATED_INPUT, input: { pcap: { file: SIMULATED_INPUT } } });
          // The driver publishes through this sink; its scan's truth follows each point cloud.
          const sink: Pick<Bus, "publish"> = {
            publish: (topic, message, stampNs) => {
              bus.publish(topic, message, stampNs);
              if (topic === unit.driver.pointsTopic) rig.publishLidarTruth(unit, stampNs);
            },
          };
          const unit: LidarUnit = { spec, model, driver: new VelodyneDriver(config, model.calibration, sink, { now }), hits: new LidarHitBuffer(), counter: new LidarScanCounter(config.cutAngleDeg) };
          lidars.push(unit);
        } else if (kind === "radar") {
          const model = Ars408Radar.fromScenario(world.scenario.sensors, options.seed, spec.name);
          const config = RadarConfigSchema.parse({ kind: "radar", name: spec.name, input: { candump: { file: SIMULATED_INPUT } } });
          radars.push({ spec, model, driver: new RadarDriver(config, bus, { now }) });
        } else {
          // Topics first: an undeclared sensor name fails before a browser starts.
          const imageTopic = sensorTopic("camera", spec.name, "image") as CameraImageTopic;
          const calibrationTopic = sensorTopic("camera", spec.name, "calibration") as CameraCalibrationTopic;
          const model = await CameraSensor.fromScenario(world.scenario.sensors, { baseDir: options.baseDir, name: spec.name });
          cameras.push({ spec, model, imageTopic, calibrationTopic, primed: false });
        }
      }
    } catch (error) {
      await Promise.all(cameras.map((c) => c.model.close()));
      throw error;
    }
    const rig = new SensorRig(bus, specs, scene, lidars, radars, cameras, new LineOfSight(world), world.timeNs);
    return rig;
  }

  /** base_link → each sensor's frame (frame id = sensor name), for /tf. */
  transforms(stampNs: bigint): msg.FrameTransform[] {
    return this.specs.map((s) =>
      msg.create(msg.FrameTransformSchema, {
        timestamp: toTimestamp(stampNs),
        parentFrameId: "base_link",
        childFrameId: s.name,
        translation: { x: s.pose.xM, y: s.pose.yM, z: s.pose.zM },
        rotation: rpyQuaternion(s.pose.rollRad, s.pose.pitchRad, s.pose.yawRad),
      }),
    );
  }

  /** Runs every sensor over the time since the last call (call after each physics step). */
  async afterStep(world: World): Promise<void> {
    const tNs = world.timeNs;
    this.world = world;
    this.groundTruthNow = undefined;
    for (const unit of this.lidars) {
      const { model, driver, hits, counter } = unit;
      hits.clear();
      const packets = model.scan(world, this.lastScanNs, tNs, undefined, hits);
      const { packet: packetOf, azimuth, objectId } = hits;
      let r = 0;
      for (const packet of packets) {
        // This packet's returns first, so a scan the driver completes on it has its counts ready.
        const p = Math.round(Number(packet.stampNs) / model.layout.packetNs);
        for (; r < hits.length && packetOf[r] <= p; r++) counter.add(azimuth[r], objectId[r]);
        driver.onData(packet.data, packet.stampNs);
      }
    }
    this.lastScanNs = tNs;
    for (const { spec, model, driver } of this.radars) {
      if (!model.isDue(tNs)) continue;
      const groundTruth = this.groundTruth();
      for (const frame of model.cycle(world, tNs, groundTruth).frames) driver.onFrame(frame, frame.timestampNs ?? tNs);
      const mount = mountInMap(groundTruth.ego, spec.pose);
      this.bus.publish("/sim/sensor_truth", radarTruth(spec.name, spec.pose, tNs, groundTruth, this.lineOfSight.visibilities(groundTruth, mount.x, mount.y)), tNs);
    }
    for (const camera of this.cameras) {
      if (camera.pending || !camera.model.isDue(tNs)) continue;
      const groundTruth = this.groundTruth();
      // render() reads the world and copies the poses before its first await, so the world may step on.
      const frame = camera.model.render(world, tNs, groundTruth);
      camera.pending = { tNs, groundTruth, frame };
      if (!camera.primed) {
        camera.primed = true;
        await this.publishCamera(camera);
      }
    }
    if (tNs >= this.nextDiagnosticsNs) {
      for (const { driver } of this.lidars) this.bus.publish("/diagnostics", driver.diagnostics(tNs), tNs);
      for (const { driver } of this.radars) this.bus.publish("/diagnostics", driver.diagnostics(tNs), tNs);
      this.nextDiagnosticsNs = tNs + DIAGNOSTICS_PERIOD_NS;
    }
  }

  /**
   * Publishes the camera frames rendered during this frame period. The closed loop calls it once per
   * stack frame, so images land at a fixed point of the loop whatever the render took: deterministic.
   */
  async endOfFrame(): Promise<void> {
    for (const camera of this.cameras) await this.publishCamera(camera);
  }

  private async publishCamera(camera: CameraUnit): Promise<void> {
    const pending = camera.pending;
    if (!pending) return;
    const frame = await pending.frame;
    camera.pending = undefined;
    const { tNs, groundTruth } = pending;
    this.bus.publish(camera.imageTopic, frame.image, tNs);
    this.bus.publish(camera.calibrationTopic, frame.calibration, tNs);
    const mount = mountInMap(groundTruth.ego, camera.spec.pose);
    this.bus.publish("/sim/sensor_truth", cameraTruth(camera.spec.name, tNs, groundTruth, this.lineOfSight.visibilities(groundTruth, mount.x, mount.y), frame.boxes), tNs);
  }

  private groundTruth(): msg.GroundTruth {
    this.groundTruthNow ??= this.world!.groundTruth();
    return this.groundTruthNow;
  }

  /** Called right after a LiDAR's driver published a scan's cloud: that scan's per-object truth. */
  private publishLidarTruth(unit: LidarUnit, stampNs: bigint): void {
    const counts = unit.counter.take();
    if (!this.world) return;
    // Visibility and boxes at the end of the scan (the world's current instant).
    const gt = this.groundTruth();
    const mount = mountInMap(gt.ego, unit.spec.pose);
    const visibility = this.lineOfSight.visibilities(gt, mount.x, mount.y);
    this.bus.publish("/sim/sensor_truth", lidarTruth(unit.spec.name, unit.spec.pose, stampNs, gt, visibility, counts, mount, unit.model.maxRangeM), stampNs);
  }

  async close(): Promise<void> {
    await this.endOfFrame();
    for (const { driver } of this.lidars) driver.flush();
    await Promise.all(this.cameras.map((c) => c.model.close()));
  }
}
