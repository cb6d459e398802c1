// A spinning Velodyne LiDAR on the ego: one ray per laser firing, cast into the SensorScene, written
// as the sensor's own 1206-byte data packets in real firing timing.
//
// Timing. Blocks are fired back to back from sim time 0: block k starts at k · blockNs (VLP-16
// 110.592 µs = two 16-laser sequences, VLP-32C 55.296 µs, HDL-32E 46.08 µs; MODEL_SPECS), 12 blocks
// per packet, the packet stamped with its first firing. The head turns at `rateHz` (600 rpm by
// default); block k carries the azimuth round(36000 · rateHz · t_k) mod 36000. Each return is cast
// on the azimuth the decoder will give it (the decoder's firing-time interpolation, mirrored in
// hw/velodyne/packetEncoder.ts), so packets decode back onto the rays exactly, up to the 2 mm
// (4 mm VLP-32C) range unit.
//
// Ego motion. The ray origin and orientation follow the ego pose at the middle of each block
// (≤ 55 µs from any firing of it: < 1 mm at 15 m/s), linearly interpolated between the pose of the
// previous `scan` call and the world's current pose (or extrapolated with the current speed and yaw
// rate on the first call). Dynamic objects are where the world has them at its current time.
import type { World } from "../../world/index.ts";
import { forkRng, type Rng } from "../../random.ts";
import { AZIMUTH_UNITS, VELODYNE_PACKET, type VelodyneCalibration } from "../../../hw/index.ts";
import { encodeDataPacket, firingAzimuths, firingLayout, type FiringLayout } from "../../../hw/velodyne/packetEncoder.ts";
import { SceneRaycaster, createRayHit, type RayHit } from "../scene/SceneRaycaster.ts";
import type { SensorScene } from "../scene/SensorScene.ts";
import { LIDAR_MODELS, loadLidarCalibration, type LidarModelName } from "./lidarModels.ts";
import type { LidarHitBuffer } from "./LidarHitBuffer.ts";
import { LidarRayLog } from "./LidarRayLog.ts";

/** Mounting pose in `base_link` (footprint centre on the ground, x forward, y left, z up); ROS fixed-axis roll, pitch, yaw. */
export interface SensorPose {
  xM: number;
  yM: number;
  zM: number;
  rollRad?: number;
  pitchRad?: number;
  yawRad?: number;
}

/** Measurement model parameters (units in the names). */
export interface LidarNoiseParams {
  /** 1σ Gaussian range noise, m. */
  rangeNoiseSdM: number;
  /** Chance that any return is lost, 0..1. */
  dropoutProbability: number;
  /**
   * Detection range of a surface: maxRangeM · (reflectivity · cos incidence)^detectionExponent,
   * scaled per ray by 1 ± detectionJitter (uniform). A white wall at normal incidence is seen to the
   * model's max range; dark asphalt at grazing angles only to a few tens of metres.
   */
  detectionExponent: number;
  detectionJitter: number;
  /** Intensity = 255 · reflectivity · cos incidence / (1 + (range / intensityHalfRangeM)²), clamped to 1..255. */
  intensityHalfRangeM: number;
}

export interface LidarOptions {
  /** Sensor name (topics `/sensors/lidar/<name>/…`); also separates the random streams of two LiDARs. */
  name?: string;
  model: LidarModelName;
  pose: SensorPose;
  /** Run seed: same scenario, seed and calls ⇒ the same packet bytes. */
  seed: number;
  /** Rotation rate, Hz [the model's default, 10]. */
  rateHz?: number;
  /** Beam layout; default: the model's file from ../shared/data/velodyne/calibration. */
  calibration?: VelodyneCalibration;
  noise?: Partial<LidarNoiseParams>;
  /** Sim time 0 in GPS time, ns: the packet timestamp is ((gpsOriginNs + t) / 1000) mod 1 h, µs [0]. */
  gpsOriginNs?: bigint;
  /** Usable range, m [the model's, MODEL_SPECS]. */
  minRangeM?: number;
  maxRangeM?: number;
}

/** One data packet with its sensor time (the first firing's sim time, ns). */
export interface LidarPacket {
  stampNs: bigint;
  data: Uint8Array;
}

const HOUR_US = 3_600_000_000n;
const COS_AZ = new Float64Array(AZIMUTH_UNITS);
const SIN_AZ = new Float64Array(AZIMUTH_UNITS);
for (let i = 0; i < AZIMUTH_UNITS; i++) {
  COS_AZ[i] = Math.cos((i * Math.PI) / 18000);
  SIN_AZ[i] = Math.sin((i * Math.PI) / 18000);
}

function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface EgoPose {
  tNs: bigint;
  x: number;
  y: number;
  yaw: number;
}

export class LidarModel {
  readonly name: string;
  readonly model: LidarModelName;
  readonly layout: FiringLayout;
  readonly calibration: VelodyneCalibration;
  readonly rateHz: number;
  readonly noise: LidarNoiseParams;
  readonly minRangeM: number;
  readonly maxRangeM: number;
  /** Metres per raw distance unit (calibration, else the model's). */
  readonly distanceResolutionM: number;
  readonly raycaster: SceneRaycaster;
  readonly sensorScene: SensorScene;
  /** Rays cast and returns written, since construction. */
  raysCast = 0;
  returns = 0;

  private readonly pose: Required<SensorPose>;
  private readonly mount = new Float64Array(9); // row-major R_mount
  private readonly seedMix: number;
  private readonly gpsOriginNs: bigint;
  private readonly maxRotCorrectionRad: number;
  private prev: EgoPose | undefined;
  /** Head rotation per block, 0.01° units. */
  private readonly unitsPerBlock: number;
  // Per-packet scratch.
  private readonly rot = new Int32Array(VELODYNE_PACKET.BLOCKS);
  private readonly az = new Int32Array(VELODYNE_PACKET.BLOCKS * VELODYNE_PACKET.CHANNELS_PER_BLOCK);
  private readonly dist = new Uint16Array(VELODYNE_PACKET.BLOCKS * VELODYNE_PACKET.CHANNELS_PER_BLOCK);
  private readonly inten = new Uint8Array(VELODYNE_PACKET.BLOCKS * VELODYNE_PACKET.CHANNELS_PER_BLOCK);
  private readonly hit: RayHit = createRayHit();
  private readonly cur: EgoPose = { tNs: 0n, x: 0, y: 0, yaw: 0 };
  private velX = 0;
  private velY = 0;
  private velYaw = 0;

  /** `sensorScene` may be shared by several sensors; it is updated to the world's time by `scan`. */
  constructor(sensorScene: SensorScene, options: LidarOptions) {
    const info = LIDAR_MODELS[options.model];
    if (!info) throw new Error(`unknown LiDAR model ${JSON.stringify(options.model)}; known: ${Object.keys(LIDAR_MODELS).join(", ")}`);
    this.name = options.name ?? "top";
    this.model = options.model;
    this.layout = firingLayout(info.wireModel);
    const spec = this.layout.spec;
    this.calibration = options.calibration ?? loadLidarCalibration(options.model);
    if (this.calibration.numLasers < spec.lasers) throw new Error(`${options.model} needs ${spec.lasers} lasers, calibration has ${this.calibration.numLasers}`);
    this.rateHz = options.rateHz ?? info.defaultRateHz;
    if (!(this.rateHz >= 5 && this.rateHz <= 20)) throw new Error(`LiDAR rateHz must be within 5..20 (300–1200 rpm), got ${this.rateHz}`);
    this.noise = {
      rangeNoiseSdM: info.rangeNoiseSdM,
      dropoutProbability: 0.002,
      detectionExponent: 0.25,
      detectionJitter: 0.1,
      intensityHalfRangeM: 50,
      ...options.noise,
    };
    this.distanceResolutionM = this.calibration.distanceResolutionM ?? spec.distanceResolutionM;
    this.minRangeM = options.minRangeM ?? spec.minRangeM;
    this.maxRangeM = Math.min(options.maxRangeM ?? spec.maxRangeM, 65535 * this.distanceResolutionM);
    this.pose = { rollRad: 0, pitchRad: 0, yawRad: 0, ...options.pose };
    const { rollRad: r, pitchRad: p, yawRad: y } = this.pose;
    // R = Rz(yaw) · Ry(pitch) · Rx(roll)
    const cr = Math.cos(r), sr = Math.sin(r), cp = Math.cos(p), sp = Math.sin(p), cy = Math.cos(y), sy = Math.sin(y);
    this.mount.set([cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr, sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr, -sp, cp * sr, cp * cr]);
    this.seedMix = (options.seed ^ Math.imul(hashName(this.name + "/" + this.model), 0x27d4eb2d)) | 0;
    this.gpsOriginNs = options.gpsOriginNs ?? 0n;
    let maxRot = 0;
    for (let i = 0; i < spec.lasers; i++) maxRot = Math.max(maxRot, Math.abs(this.calibration.lasers[i].rot_correction));
    this.maxRotCorrectionRad = maxRot;
    this.unitsPerBlock = (this.layout.blockNs * this.rateHz * AZIMUTH_UNITS) / 1e9;
    this.sensorScene = sensorScene;
    this.raycaster = new SceneRaycaster(sensorScene);
  }

  /** Duration of one packet, ns. */
  get packetNs(): number {
    return this.layout.packetNs;
  }

  /** Raw azimuth (0.01°) of global block k: the head angle at its first firing. */
  blockAzimuth(k: number): number {
    const units = (k * this.unitsPerBlock) % AZIMUTH_UNITS;
    return Math.round(units) % AZIMUTH_UNITS;
  }

  /**
   * The data packets whose first firing falls in [fromNs, toNs), in order. Call it after stepping
   * the world to `toNs` (the dynamic objects are taken where the world has them now); consecutive
   * calls over adjacent intervals give one continuous packet stream. `log` (tests, tools) receives
   * every return: ray, hit object, range before and after quantisation; `hits` only the packet,
   * azimuth and object of each return (cheap: the closed loop's per-object ground truth).
   */
  scan(world: World, fromNs: bigint, toNs: bigint, log?: LidarRayLog, hits?: LidarHitBuffer): LidarPacket[] {
    if (toNs < fromNs) throw new Error(`scan interval [${fromNs}, ${toNs}) is reversed`);
    const scene = this.sensorScene;
    if (scene.timeNs !== world.timeNs) scene.update(world);
    this.raycaster.refresh();
    this.captureEgo(world);
    const pNs = BigInt(this.layout.packetNs);
    const first = (fromNs + pNs - 1n) / pNs;
    const end = (toNs + pNs - 1n) / pNs;
    const packets: LidarPacket[] = [];
    for (let p = first; p < end; p++) packets.push(this.packet(Number(p), log, hits));
    this.prev = { ...this.cur };
    return packets;
  }

  private captureEgo(world: World): void {
    const e = world.ego;
    const cur = this.cur;
    cur.tNs = world.timeNs;
    cur.x = e.centerX;
    cur.y = e.centerY;
    cur.yaw = e.yaw;
    const prev = this.prev;
    if (prev && prev.tNs < cur.tNs) {
      const dt = Number(cur.tNs - prev.tNs) / 1e9;
      let dyaw = cur.yaw - prev.yaw;
      dyaw -= 2 * Math.PI * Math.round(dyaw / (2 * Math.PI));
      this.velX = (cur.x - prev.x) / dt;
      this.velY = (cur.y - prev.y) / dt;
      this.velYaw = dyaw / dt;
    } else {
      this.velX = e.speed * Math.cos(e.yaw);
      this.velY = e.speed * Math.sin(e.yaw);
      this.velYaw = e.yawRate;
    }
  }

  /** Builds packet number `p` (global index since sim time 0). */
  private packet(p: number, log: LidarRayLog | undefined, hits: LidarHitBuffer | undefined): LidarPacket {
    const L = this.layout;
    const cal = this.calibration;
    const nB = VELODYNE_PACKET.BLOCKS;
    const nC = VELODYNE_PACKET.CHANNELS_PER_BLOCK;
    const stampNs = BigInt(p) * BigInt(L.packetNs);
    const rot = this.rot;
    for (let b = 0; b < nB; b++) rot[b] = this.blockAzimuth(p * nB + b);
    const az = firingAzimuths(L, rot, this.az);
    const dist = this.dist;
    const inten = this.inten;
    dist.fill(0);
    inten.fill(0);
    const rng: Rng = forkRng(this.seedMix, p);
    const noise = this.noise;
    const res = this.distanceResolutionM;
    const minR = this.minRangeM;
    const maxR = this.maxRangeM;
    const M = this.mount;
    const P = this.pose;
    const hit = this.hit;
    const rc = this.raycaster;
    const cur = this.cur;
    const tiltFree = Math.abs(P.rollRad) < 0.05 && Math.abs(P.pitchRad) < 0.05;

    // Cull dynamic objects to this packet's azimuth sector, from the sensor origin at mid-packet.
    {
      const dtS = (Number(stampNs - cur.tNs) + L.packetNs / 2) / 1e9;
      const yaw = cur.yaw + this.velYaw * dtS;
      const c = Math.cos(yaw);
      const s = Math.sin(yaw);
      const ox = cur.x + this.velX * dtS + c * P.xM - s * P.yM;
      const oy = cur.y + this.velY * dtS + s * P.xM + c * P.yM;
      if (tiltFree) {
        let span = (AZIMUTH_UNITS + rot[nB - 1] - rot[0]) % AZIMUTH_UNITS;
        if (span > AZIMUTH_UNITS / 2) span = AZIMUTH_UNITS;
        const mid = rot[0] + span / 2;
        const center = yaw + P.yawRad - (mid * Math.PI) / 18000;
        rc.selectSector(ox, oy, center, (span * Math.PI) / 36000 + (span / nB) * (Math.PI / 18000) + this.maxRotCorrectionRad + 0.035);
      } else {
        rc.selectAll();
      }
    }

    for (let b = 0; b < nB; b++) {
      const blockStartNs = p * L.packetNs + b * L.blockNs;
      const dtS = (blockStartNs + L.blockNs / 2 - Number(cur.tNs)) / 1e9;
      const yaw = cur.yaw + this.velYaw * dtS;
      const c = Math.cos(yaw);
      const s = Math.sin(yaw);
      const ox = cur.x + this.velX * dtS + c * P.xM - s * P.yM;
      const oy = cur.y + this.velY * dtS + s * P.xM + c * P.yM;
      const oz = P.zM;
      // R = Rz(yaw) · R_mount, row-major.
      const r00 = c * M[0] - s * M[3], r01 = c * M[1] - s * M[4], r02 = c * M[2] - s * M[5];
      const r10 = s * M[0] + c * M[3], r11 = s * M[1] + c * M[4], r12 = s * M[2] + c * M[5];
      const r20 = M[6], r21 = M[7], r22 = M[8];
      for (let j = 0; j < nC; j++) {
        const slot = b * nC + j;
        const laser = L.laserOfChannel[j];
        const a = az[slot];
        // Decoder convention: direction at azimuth a minus the laser's rotational correction.
        const ct = COS_AZ[a];
        const st = SIN_AZ[a];
        const cosA = ct * cal.cosRot[laser] + st * cal.sinRot[laser];
        const sinA = st * cal.cosRot[laser] - ct * cal.sinRot[laser];
        const cv = cal.cosVert[laser];
        const sx = cv * cosA;
        const sy = -cv * sinA;
        const sz = cal.sinVert[laser];
        const dx = r00 * sx + r01 * sy + r02 * sz;
        const dy = r10 * sx + r11 * sy + r12 * sz;
        const dz = r20 * sx + r21 * sy + r22 * sz;
        this.raysCast++;
        if (!rc.cast(ox, oy, oz, dx, dy, dz, maxR * (1 + noise.detectionJitter) + 1, hit)) continue;
        // Four draws per hit, always, so the stream does not depend on which test fails.
        const u1 = rng();
        const u2 = rng();
        const uDrop = rng();
        const uDet = rng();
        const r = hit.distanceM;
        const rho = hit.reflectivity;
        const cosI = hit.cosIncidence > 1e-3 ? hit.cosIncidence : 1e-3;
        if (uDrop < noise.dropoutProbability) continue;
        const rc4 = rho * cosI;
        const detectM = maxR * (noise.detectionExponent === 0.25 ? Math.sqrt(Math.sqrt(rc4)) : Math.pow(rc4, noise.detectionExponent)) * (1 - noise.detectionJitter + 2 * noise.detectionJitter * uDet);
        if (r > detectM) continue;
        const measured = r + noise.rangeNoiseSdM * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        if (measured < minR || measured > maxR) continue;
        const raw = Math.round((measured - cal.distCorrection[laser]) / res);
        if (raw <= 0 || raw > 65535) continue;
        const q = r / noise.intensityHalfRangeM;
        let intensity = Math.round((255 * rho * cosI) / (1 + q * q));
        intensity = intensity < 1 ? 1 : intensity > 255 ? 255 : intensity;
        dist[slot] = raw;
        inten[slot] = intensity;
        this.returns++;
        hits?.add(p, a, hit.objectId);
        log?.push({
          packet: p,
          block: b,
          channel: j,
          laser,
          timeNs: blockStartNs + L.fireUs[j] * 1000,
          azimuth: a,
          ox,
          oy,
          oz,
          dx,
          dy,
          dz,
          sx,
          sy,
          sz,
          rangeM: r,
          measuredM: measured,
          raw,
          objectId: hit.objectId,
          materialCode: hit.materialCode,
          intensity,
        });
      }
    }
    const gpsUs = Number(((this.gpsOriginNs + stampNs) / 1000n) % HOUR_US);
    const data = encodeDataPacket({ azimuths: rot, distances: dist, intensities: inten, gpsTimestampUs: gpsUs, productId: L.productId });
    return { stampNs, data };
  }
}
