// The simulated Continental ARS408-21 object list: from the World's ground truth to the CAN frames
// the radar driver reads (0x201 state, 0x60A status, 0x60B general, 0x60C quality, 0x60D extended).
//
// Per cycle: every ground-truth object gets a reference point (the box point nearest the radar, or
// its centre) in the sensor frame (x = DistLong forward, y = DistLat left), a relative velocity
// (the time derivative of that position in the moving, turning sensor frame), a field-of-view and
// range check (range scaled by RCS^¼), an occlusion check (ground-truth visibility) and a detection
// draw; detections update a small per-object track (stable Obj_ID, MeasState, probability of
// existence growing with age, predicted for a few cycles when missed); seeded false targets are
// added; then noise, quantisation and the encoder. Deterministic: every draw comes from
// forkRng(seed, …) in a fixed order; no wall time.
import { create } from "@bufbuild/protobuf";
import { msg } from "../../../bus/index.ts";
import { type CanFrame, DEFAULT_FRAME_SPACING_NS, encodeMessage, encodeObjectList, formatCandumpLine, ARS408, SENSOR_ID_STRIDE, type Ars408ObjectInput } from "../../../hw/index.ts";
import { type Rng, forkRng, gaussian } from "../../random.ts";
import type { SensorSpec } from "../../scenarios/Scenario.ts";
import type { World } from "../../world/World.ts";
import { type Ars408Params, type Ars408ParamsInput, parseArs408Params } from "./ars408Params.ts";

/** Obj_DynProp values (wire). */
export const DYN_PROP = Object.freeze({ moving: 0, stationary: 1, oncoming: 2, stationaryCandidate: 3, unknown: 4, crossingStationary: 5, crossingMoving: 6, stopped: 7 });
/** Obj_Class values (wire). */
export const RADAR_CLASS = Object.freeze({ point: 0, car: 1, truck: 2, pedestrian: 3, motorcycle: 4, bicycle: 5, wide: 6 });
/** Obj_MeasState values (wire). */
export const MEAS_STATE = Object.freeze({ deleted: 0, new: 1, measured: 2, predicted: 3 });

/** One object of a cycle as the model made it (before quantisation), with where it came from. */
export interface SimRadarObject extends Ars408ObjectInput {
  readonly quality: NonNullable<Ars408ObjectInput["quality"]>;
  readonly extended: NonNullable<Ars408ObjectInput["extended"]>;
  /** Ground-truth object id; 0 for a false target. */
  readonly truthId: number;
  readonly falseTarget: boolean;
  /** Range and azimuth (left positive) of the reported point, before noise. */
  readonly trueRangeM: number;
  readonly trueAzimuthRad: number;
}

export interface RadarCycle {
  /** Measurement time of the cycle (the `tNs` it was asked for). */
  readonly stampNs: bigint;
  readonly measCounter: number;
  readonly objects: readonly SimRadarObject[];
  /** The cycle's frames in bus order: an optional 0x201, then 0x60A, all 0x60B, all 0x60C, all 0x60D. */
  readonly frames: readonly CanFrame[];
  /** Signals clamped to the wire range in this cycle. */
  readonly clamped: number;
}

/** Mounting pose in base_link (footprint centre on the ground, x forward, y left, z up). */
export interface RadarPose {
  readonly xM: number;
  readonly yM: number;
  readonly zM?: number;
  readonly yawRad?: number;
}

export interface Ars408RadarOptions {
  readonly name?: string;
  readonly pose?: RadarPose;
  /** Seed of the run; the radar draws from forkRng(seed, stream). */
  readonly seed: number;
  /** Stream id, so several radars in one run draw independently (default 0x4a5408 + sensorId). */
  readonly stream?: number;
  readonly params?: Ars408ParamsInput;
}

interface Track {
  objId: number;
  /** Cycles measured (detected). */
  age: number;
  missed: number;
  everMoved: boolean;
  /** Last reported point and relative velocity (sensor frame), for prediction while missed. */
  x: number;
  y: number;
  vx: number;
  vy: number;
  seen: boolean;
}

interface FalseTarget {
  objId: number;
  mapX: number;
  mapY: number;
  rcs: number;
  life: number;
  age: number;
}

const TWO_PI = 2 * Math.PI;

function interp(table: readonly (readonly [number, number])[], x: number): number {
  if (x <= table[0][0]) return table[0][1];
  for (let i = 1; i < table.length; i++) {
    const [x1, y1] = table[i];
    if (x <= x1) {
      const [x0, y0] = table[i - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return table[table.length - 1][1];
}

/**
 * Continental's rms code 0–31 for a standard deviation: a geometric table from 0.005 to 10 over
 * codes 0…30 (31 = invalid). Assumed from the ARS408 manual's table, whose values grow by ≈ 1.29×.
 */
export function rmsCode(sigma: number): number {
  if (!(sigma > 0)) return 0;
  const k = Math.round((Math.log(sigma / 0.005) / Math.log(2000)) * 30);
  return Math.min(30, Math.max(0, k));
}

export class Ars408Radar {
  readonly name: string;
  readonly params: Ars408Params;
  readonly pose: Required<RadarPose>;
  readonly periodNs: bigint;
  /** Time of the next cycle the sensor would run (cycle() advances it by one period). */
  nextCycleNs = 0n;
  private measCounter = 0;
  private lastStateNs: bigint | undefined;
  private readonly rng: Rng;
  private readonly seed: number;
  private readonly stream: number;
  private readonly tracks = new Map<number, Track>();
  private readonly rcsOffsets = new Map<number, number>();
  private falseTargets: FalseTarget[] = [];

  constructor(options: Ars408RadarOptions) {
    this.params = parseArs408Params(options.params);
    this.name = options.name ?? "front_radar";
    const p = options.pose ?? { xM: 2.3, yM: 0, zM: 0.5 };
    this.pose = { xM: p.xM, yM: p.yM, zM: p.zM ?? 0.5, yawRad: p.yawRad ?? 0 };
    this.periodNs = BigInt(Math.round(1e9 / this.params.rateHz));
    if (!Number.isInteger(options.seed)) throw new Error(`radar seed must be an integer, got ${options.seed}`);
    this.seed = options.seed;
    this.stream = options.stream ?? 0x4a5408 + this.params.sensorId;
    this.rng = forkRng(this.seed, this.stream);
  }

  /**
   * The radar of a scenario's rig: the sensor named `name`, or the first ARS408. Its `rateHz`
   * overrides the parameters' rate.
   */
  static fromScenario(sensors: readonly SensorSpec[], seed: number, name?: string, params: Ars408ParamsInput = {}): Ars408Radar {
    const spec = sensors.find((s) => (name ? s.name === name : s.model === "ARS408"));
    if (!spec || spec.model !== "ARS408") {
      throw new Error(`no ARS408 radar ${name ? `named ${JSON.stringify(name)} ` : ""}in the rig (sensors: ${sensors.map((s) => `${s.name}:${s.model}`).join(", ") || "none"})`);
    }
    return new Ars408Radar({
      name: spec.name,
      pose: spec.pose,
      seed,
      params: { ...params, ...(spec.rateHz !== undefined ? { rateHz: spec.rateHz } : {}) },
    });
  }

  /** True when a cycle is due at `tNs` (the closed loop may call `cycle` only then). */
  isDue(tNs: bigint): boolean {
    return tNs >= this.nextCycleNs;
  }

  /**
   * One measurement cycle of the world as it is now, stamped `tNs`: the object list and its CAN
   * frames. `groundTruth` may be passed when the caller has it already (same instant).
   */
  cycle(world: World, tNs: bigint, groundTruth: msg.GroundTruth = world.groundTruth()): RadarCycle {
    const p = this.params;
    const dtS = Number(this.periodNs) / 1e9;
    const ego = groundTruth.ego ?? create(msg.EgoTruthSchema, {});
    const yawRate = world.vehicleState().yawRateRadps;
    // Sensor pose and velocity in the map frame (the ego moves as a bicycle about its rear axle).
    const ce = Math.cos(ego.yawRad);
    const se = Math.sin(ego.yawRad);
    const sx = ego.xM + ce * this.pose.xM - se * this.pose.yM;
    const sy = ego.yM + se * this.pose.xM + ce * this.pose.yM;
    const rearX = ego.xM - ce * world.ego.centerToRearAxleM;
    const rearY = ego.yM - se * world.ego.centerToRearAxleM;
    const svx = ego.speedMps * ce - yawRate * (sy - rearY);
    const svy = ego.speedMps * se + yawRate * (sx - rearX);
    const psi = ego.yawRad + this.pose.yawRad;
    const cp = Math.cos(psi);
    const sp = Math.sin(psi);

    /** Map point and velocity → sensor-frame point and its rate of change in the turning sensor frame. */
    const toSensor = (mx: number, my: number, vx: number, vy: number) => {
      const dx = mx - sx;
      const dy = my - sy;
      const x = cp * dx + sp * dy;
      const y = -sp * dx + cp * dy;
      const dvx = vx - svx;
      const dvy = vy - svy;
      return { x, y, vx: cp * dvx + sp * dvy + yawRate * y, vy: -sp * dvx + cp * dvy - yawRate * x, gx: cp * vx + sp * vy, gy: -sp * vx + cp * vy };
    };

    const objects: SimRadarObject[] = [];
    const usedIds = new Set<number>();
    for (const t of this.tracks.values()) t.seen = false;

    for (const o of groundTruth.objects) {
      // Reported point: nearest point of the footprint to the sensor, or the centre.
      let px = o.xM;
      let py = o.yM;
      if (p.referencePoint === "nearest") {
        const co = Math.cos(o.yawRad);
        const so = Math.sin(o.yawRad);
        const lx = co * (sx - o.xM) + so * (sy - o.yM);
        const ly = -so * (sx - o.xM) + co * (sy - o.yM);
        const cx = Math.max(-o.lengthM / 2, Math.min(o.lengthM / 2, lx));
        const cy = Math.max(-o.widthM / 2, Math.min(o.widthM / 2, ly));
        px = o.xM + co * cx - so * cy;
        py = o.yM + so * cx + co * cy;
      }
      const s = toSensor(px, py, o.vxMps, o.vyMps);
      const range = Math.hypot(s.x, s.y);
      const az = Math.atan2(s.y, s.x);
      const cls = classOf(o.objectClass);
      const rcsMean = this.rcsMean(o.id, cls);
      const sector = this.sectorOf(range, az, rcsMean);
      const track = this.tracks.get(o.id);
      // Draws happen in a fixed order for every object, detected or not, so one object's fate does
      // not shift the others' noise.
      const detectDraw = this.rng();
      const n1 = gaussian(this.rng);
      const n2 = gaussian(this.rng);
      const n3 = gaussian(this.rng);
      const n4 = gaussian(this.rng);
      const n5 = gaussian(this.rng);
      if (sector === undefined) continue; // outside the field of view: the track (if any) ages out below
      const pDetect = (cls === "pedestrian" ? p.detectProbPedestrian : p.detectProbVehicle) * Math.min(1, o.visibility / 0.5);
      const detected = o.visibility >= p.minVisibility && detectDraw < pDetect;
      if (!detected && !track) continue;
      const t = track ?? this.newTrack(o.id, usedIds);
      if (!t) continue; // no free Obj_ID
      t.seen = true;
      usedIds.add(t.objId);
      const moving = Math.hypot(s.gx, s.gy) >= p.stationarySpeedMps;
      if (moving) t.everMoved = true;
      let x: number;
      let y: number;
      let vx: number;
      let vy: number;
      let measState: number;
      let rangeSigma: number;
      let azSigma: number;
      if (detected) {
        t.age++;
        t.missed = 0;
        rangeSigma = sector === "far" ? p.rangeSigmaFarM : p.rangeSigmaNearM;
        azSigma = sector === "far" ? p.azimuthSigmaFarRad : interp(p.azimuthSigmaNearRad, Math.abs(az));
        const r = range + rangeSigma * n1;
        const a = az + azSigma * n2;
        x = r * Math.cos(a);
        y = r * Math.sin(a);
        vx = s.vx + p.vrelLongSigmaMps * n3;
        vy = s.vy + p.vrelLatSigmaMps * n4;
        measState = t.age === 1 ? MEAS_STATE.new : MEAS_STATE.measured;
      } else {
        t.missed++;
        if (t.missed > p.maxCoastCycles) {
          t.seen = false;
          usedIds.delete(t.objId);
          continue;
        }
        // Predicted: constant relative velocity from the last report.
        x = t.x + t.vx * dtS;
        y = t.y + t.vy * dtS;
        vx = t.vx;
        vy = t.vy;
        measState = MEAS_STATE.predicted;
        rangeSigma = p.rangeSigmaFarM * (1 + t.missed);
        azSigma = p.azimuthSigmaFarRad * (1 + t.missed);
      }
      const aLong = (vx - t.vx) / dtS;
      const aLat = (vy - t.vy) / dtS;
      const firstReport = t.age === 1 && t.missed === 0;
      t.x = x;
      t.y = y;
      t.vx = vx;
      t.vy = vy;
      let rcs = rcsMean + p.rcsCycleSigmaDb * n5;
      if (cls === "pedestrian") rcs = Math.min(p.pedestrianRcsRangeDbm2[1], Math.max(p.pedestrianRcsRangeDbm2[0], rcs));
      const probOfExistRaw = Math.max(1, Math.min(cls === "pedestrian" ? 6 : 7, existenceClass(t.age) - t.missed));
      objects.push({
        id: t.objId,
        distLongM: x,
        distLatM: y,
        vrelLongMps: vx,
        vrelLatMps: vy,
        rcsDbm2: rcs,
        dynProp: dynProp(s.gx, s.gy, moving, t.everMoved),
        quality: {
          probOfExistRaw,
          measState,
          distLongRms: rmsCode(rangeSigma),
          distLatRms: rmsCode(Math.max(rangeSigma, range * azSigma)),
          vrelLongRms: rmsCode(p.vrelLongSigmaMps),
          vrelLatRms: rmsCode(p.vrelLatSigmaMps),
          arelLongRms: rmsCode(0.5),
          arelLatRms: rmsCode(0.5),
          orientationRms: rmsCode(5),
        },
        extended: {
          objClass: t.age < p.classAfterCycles ? RADAR_CLASS.point : RADAR_CLASS[cls === "unknown" ? "point" : cls === "bus" ? "truck" : cls === "cyclist" ? "bicycle" : cls],
          arelLongMps2: firstReport ? 0 : aLong,
          arelLatMps2: firstReport ? 0 : aLat,
          orientationDeg: (wrapAngle(o.yawRad - psi) * 180) / Math.PI,
          lengthM: o.lengthM,
          widthM: o.widthM,
        },
        truthId: o.id,
        falseTarget: false,
        trueRangeM: range,
        trueAzimuthRad: az,
      });
    }
    // Tracks not reported this cycle (out of view, or coasted too long) are deleted.
    for (const [id, t] of this.tracks) if (!t.seen) this.tracks.delete(id);

    // False targets: static clutter points that live a few cycles.
    const spawnDraw = this.rng();
    const lifeDraw = this.rng();
    const rangeDraw = this.rng();
    const azDraw = this.rng();
    const rcsDraw = this.rng();
    this.falseTargets = this.falseTargets.filter((g) => g.age < g.life);
    if (spawnDraw < p.falseTargetProbPerCycle && this.falseTargets.length < p.maxFalseTargets) {
      const r = p.falseTargetRangeM[0] + (p.falseTargetRangeM[1] - p.falseTargetRangeM[0]) * rangeDraw;
      const a = p.falseTargetHalfAngleRad * (2 * azDraw - 1);
      const objId = this.freeId(usedIds, new Set(this.falseTargets.map((g) => g.objId)));
      if (objId !== undefined) {
        this.falseTargets.push({
          objId,
          mapX: sx + r * Math.cos(psi + a),
          mapY: sy + r * Math.sin(psi + a),
          rcs: -10 + 15 * rcsDraw,
          life: p.falseTargetLifeCycles[0] + Math.floor(lifeDraw * (p.falseTargetLifeCycles[1] - p.falseTargetLifeCycles[0] + 1)),
          age: 0,
        });
      }
    }
    for (const g of this.falseTargets) {
      g.age++;
      if (usedIds.has(g.objId)) continue; // its id was taken by a real track meanwhile: drop this cycle
      usedIds.add(g.objId);
      const s = toSensor(g.mapX, g.mapY, 0, 0);
      const range = Math.hypot(s.x, s.y);
      objects.push({
        id: g.objId,
        distLongM: s.x,
        distLatM: s.y,
        vrelLongMps: s.vx,
        vrelLatMps: s.vy,
        rcsDbm2: g.rcs,
        dynProp: g.age === 1 ? DYN_PROP.unknown : DYN_PROP.stationaryCandidate,
        quality: { probOfExistRaw: Math.min(3, g.age), measState: g.age === 1 ? MEAS_STATE.new : MEAS_STATE.measured, distLongRms: rmsCode(0.4), distLatRms: rmsCode(0.4), vrelLongRms: rmsCode(0.25), vrelLatRms: rmsCode(0.5), arelLongRms: rmsCode(0.5), arelLatRms: rmsCode(0.5), orientationRms: rmsCode(10) },
        extended: { objClass: RADAR_CLASS.point, arelLongMps2: 0, arelLatMps2: 0, orientationDeg: 0, lengthM: 0.2, widthM: 0.2 },
        truthId: 0,
        falseTarget: true,
        trueRangeM: range,
        trueAzimuthRad: Math.atan2(s.y, s.x),
      });
    }

    // The sensor sorts by range (SortIndex 1) and sends at most maxObjects.
    objects.sort((a, b) => Math.hypot(a.distLongM, a.distLatM) - Math.hypot(b.distLongM, b.distLatM) || a.id - b.id);
    if (objects.length > p.maxObjects) objects.length = p.maxObjects;

    const frames: CanFrame[] = [];
    let startNs = tNs;
    if (this.lastStateNs === undefined || tNs - this.lastStateNs >= BigInt(Math.round(p.stateIntervalS * 1e9))) {
      frames.push(this.stateFrame(tNs));
      this.lastStateNs = tNs;
      startNs = tNs + DEFAULT_FRAME_SPACING_NS;
    }
    const measCounter = this.measCounter;
    const encoded = encodeObjectList(
      { measCounter, interfaceVersion: 0, objects },
      { sensorId: p.sensorId, timestampNs: startNs, sendQuality: p.sendQuality, sendExtended: p.sendExtended },
    );
    frames.push(...encoded.frames);
    this.measCounter = (this.measCounter + 1) % 65536;
    // Stay on the sensor's own period grid (on average) whatever step the caller polls at.
    while (this.nextCycleNs <= tNs) this.nextCycleNs += this.periodNs;
    return { stampNs: tNs, measCounter, objects, frames, clamped: encoded.clamped };
  }

  /** 0x201 RadarState as the configured sensor reports it (objects out, quality/extended as configured, sort by range). */
  stateFrame(tNs: bigint): CanFrame {
    const p = this.params;
    const r = encodeMessage(ARS408.RadarState, {
      RadarState_NVMReadStatus: 1,
      RadarState_MaxDistanceCfg: 250,
      RadarState_RadarPowerCfg: 0,
      RadarState_SensorID: p.sensorId,
      RadarState_SortIndex: 0,
      RadarState_OutputTypeCfg: 1,
      RadarState_SendQualityCfg: p.sendQuality ? 1 : 0,
      RadarState_SendExtInfoCfg: p.sendExtended ? 1 : 0,
      RadarState_MotionRxState: 0,
      RadarState_RCS_Threshold: 0,
    });
    if (!r.ok) throw new Error(r.error.message); // table bug
    return { id: ARS408.RadarState.id + SENSOR_ID_STRIDE * p.sensorId, extended: false, data: r.value, remote: false, fd: false, timestampNs: tNs };
  }

  private rcsMean(truthId: number, cls: TruthClass): number {
    let off = this.rcsOffsets.get(truthId);
    if (off === undefined) {
      off = gaussian(forkRng(this.seed, this.stream * 4096 + truthId), 0, this.params.rcsObjectSigmaDb);
      this.rcsOffsets.set(truthId, off);
    }
    const m = this.params.rcsMeanDbm2[cls] + off;
    return cls === "pedestrian" ? Math.min(this.params.pedestrianRcsRangeDbm2[1], Math.max(this.params.pedestrianRcsRangeDbm2[0], m)) : m;
  }

  /** "near" / "far" sector holding the point, or undefined when outside the field of view. */
  private sectorOf(range: number, az: number, rcsDbm2: number): "near" | "far" | undefined {
    const p = this.params;
    if (range < p.minRangeM) return undefined;
    const scale = Math.min(p.rangeScaleMax, Math.max(p.rangeScaleMin, 10 ** ((rcsDbm2 - p.referenceRcsDbm2) / 40)));
    const a = Math.abs(az);
    let best: "near" | "far" | undefined;
    for (const s of p.sectors) {
      if (a <= s.halfAngleRad && range <= s.maxRangeM * scale) {
        const kind = s.maxRangeM > 100 ? "far" : "near";
        if (kind === "near") return "near";
        best = "far";
      }
    }
    return best;
  }

  private newTrack(truthId: number, used: Set<number>): Track | undefined {
    const objId = this.freeId(used, new Set(this.falseTargets.map((g) => g.objId)));
    if (objId === undefined) return undefined;
    const t: Track = { objId, age: 0, missed: 0, everMoved: false, x: 0, y: 0, vx: 0, vy: 0, seen: false };
    this.tracks.set(truthId, t);
    return t;
  }

  /** Lowest Obj_ID not held by a track or a false target. */
  private freeId(used: Set<number>, extra: Set<number>): number | undefined {
    const held = new Set<number>(used);
    for (const t of this.tracks.values()) held.add(t.objId);
    for (const id of extra) held.add(id);
    for (let id = 0; id < 256; id++) if (!held.has(id)) return id;
    return undefined;
  }
}

type TruthClass = "pedestrian" | "car" | "bus" | "cyclist" | "unknown";

function classOf(c: msg.ObjectClass): TruthClass {
  switch (c) {
    case msg.ObjectClass.PEDESTRIAN:
      return "pedestrian";
    case msg.ObjectClass.CAR:
      return "car";
    case msg.ObjectClass.BUS:
      return "bus";
    case msg.ObjectClass.CYCLIST:
      return "cyclist";
    default:
      return "unknown";
  }
}

/** Obj_ProbOfExist class from the number of cycles measured. */
function existenceClass(age: number): number {
  if (age >= 10) return 7;
  if (age >= 5) return 6;
  if (age >= 3) return 5;
  if (age >= 2) return 4;
  return 3;
}

/** Obj_DynProp from the over-ground velocity in the sensor frame. */
function dynProp(gx: number, gy: number, moving: boolean, everMoved: boolean): number {
  if (!moving) return everMoved ? DYN_PROP.stopped : DYN_PROP.stationary;
  const h = Math.abs(Math.atan2(gy, gx));
  if (h <= Math.PI / 4) return DYN_PROP.moving;
  if (h >= (3 * Math.PI) / 4) return DYN_PROP.oncoming;
  return DYN_PROP.crossingMoving;
}

function wrapAngle(a: number): number {
  return a - TWO_PI * Math.floor((a + Math.PI) / TWO_PI);
}

/** `candump -l` lines for frames (channel default can0). */
export function toCandumpLines(frames: readonly CanFrame[], channel = "can0"): string[] {
  return frames.map((f) => formatCandumpLine(f, channel));
}
