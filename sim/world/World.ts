// The object-level world: street, ego, parked cars and pedestrians, advanced on an integer-
// nanosecond sim clock. No bus, no I/O: the integrator steps it and publishes its messages.
import { create } from "@bufbuild/protobuf";
import { msg, secondsToNs, toTimestamp } from "../../bus/index.ts";
import { forkRng } from "../random.ts";
import { type Scenario, type ScenarioInput, parseScenario } from "../scenarios/Scenario.ts";
import { EgoVehicle, type EgoParams } from "./egoVehicle.ts";
import { type Box2, type Vec2, boxesOverlap } from "./geometry.ts";
import { ParkedCar } from "./parkedCar.ts";
import { Pedestrian, type PedestrianContext } from "./pedestrian.ts";
import { type LeaderGap, TRAFFIC_PEDESTRIAN_GAP_M, TrafficVehicle } from "./trafficVehicle.ts";
import { type Street, buildStreet, egoRoute, egoRouteMessage, streetMapMessage } from "./street.ts";
import { OccluderSet, STATIC_OWNER, boxVisibility } from "./visibility.ts";

/** What the vehicle is asked to do, held for one step. */
export interface EgoCommand {
  accelerationMps2: number;
  steeringAngleRad: number;
}

export interface WorldOptions {
  /** Overrides of the ego's vehicle parameters. */
  ego?: Partial<EgoParams>;
}

/** Object ids: pedestrians 1..99 in scenario order, parked cars from PARKED_CAR_ID_BASE + 1, traffic from VEHICLE_ID_BASE + 1. */
export const PARKED_CAR_ID_BASE = 100;
export const VEHICLE_ID_BASE = 200;
/** Lateral margin beyond a traffic vehicle's half width within which something counts as in its lane, m. */
const LANE_BAND_MARGIN_M = 0.3;
/** Traffic brakes for a pedestrian whose constant-velocity path enters its lane within this, s. */
const PEDESTRIAN_LOOKAHEAD_S = 2.5;

export class World {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly street: Street;
  readonly ego: EgoVehicle;
  readonly pedestrians: readonly Pedestrian[];
  readonly parkedCars: readonly ParkedCar[];
  /** Moving traffic (IDM), in scenario order; inactive ones have left the street. */
  readonly vehicles: readonly TrafficVehicle[];
  readonly durationNs: bigint;
  /** Sim clock, integer ns from the scenario start. */
  timeNs = 0n;

  private readonly occluders = new OccluderSet();
  private staticOccluders = 0;

  /**
   * `scenario` is validated again (it may be raw input, e.g. parsed YAML): a ScenarioError names
   * the bad field. `seed` is an integer; pedestrian i draws its variation from forkRng(seed, 1 + i).
   */
  constructor(scenario: ScenarioInput, seed: number, options: WorldOptions = {}) {
    this.scenario = parseScenario(scenario);
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    this.seed = seed;
    const s = this.scenario;
    const { crosswalks, buildings, ...streetParams } = s.street;
    this.street = buildStreet(streetParams, s.name, { crosswalks, buildings });
    this.durationNs = secondsToNs(s.durationS);
    this.ego = new EgoVehicle(
      { xM: s.ego.xM, yM: s.ego.yM ?? this.street.egoLaneCenterYM, yawRad: s.ego.yawRad, speedMps: s.ego.speedMps },
      options.ego,
    );
    // Stream 0 is reserved for world-level chance; pedestrian i draws from stream 1 + i.
    this.pedestrians = s.pedestrians.map((spec, i) => new Pedestrian(i + 1, spec, forkRng(seed, 1 + i)));
    this.parkedCars = s.parkedCars.map((spec, i) => new ParkedCar(PARKED_CAR_ID_BASE + 1 + i, spec, this.street));
    this.vehicles = s.vehicles.map((spec, i) => new TrafficVehicle(VEHICLE_ID_BASE + 1 + i, spec, this.street));
    for (const b of this.street.buildings) this.occluders.add(polygonBounds(b), STATIC_OWNER);
    for (const c of this.parkedCars) this.occluders.add(c.footprint(), c.id);
    this.staticOccluders = this.occluders.size;
  }

  /** Scenario duration elapsed, or the ego's front bumper has reached the end of the street. */
  get done(): boolean {
    return this.timeNs >= this.durationNs || this.ego.frontX >= this.street.params.lengthM;
  }

  /** Sim time in float seconds since the start (for algorithms; the clock itself is `timeNs`). */
  get timeS(): number {
    return Number(this.timeNs) / 1e9;
  }

  /** Advances by `dtS` seconds (rounded to whole ns). Same as `stepNs(secondsToNs(dtS), command)`. */
  step(dtS: number, command: EgoCommand): void {
    this.stepNs(secondsToNs(dtS), command);
  }

  /**
   * Advances by an integer number of nanoseconds: ego first, then traffic (which sees the new ego
   * and the pedestrians as they were), then pedestrians (who see the new ego).
   */
  stepNs(dtNs: bigint, command: EgoCommand): void {
    if (dtNs <= 0n) throw new Error(`step must be positive, got ${dtNs} ns`);
    const dtS = Number(dtNs) / 1e9;
    this.ego.step(dtS, command.accelerationMps2, command.steeringAngleRad);
    if (this.vehicles.length > 0) this.stepTraffic(dtS);
    const ctx: PedestrianContext = {
      street: this.street,
      egoFrontXM: this.ego.frontX,
      egoRearXM: this.ego.frontX - this.ego.params.lengthM * Math.cos(this.ego.yaw),
      egoSpeedMps: this.ego.speed,
      // The ego too: a crossing pedestrian stops short of a car in its way, moving or stopped.
      vehicles: [this.ego.footprint(), ...this.vehicles.filter((v) => v.active).map((v) => v.footprint())],
    };
    const prev = this.timeNs;
    for (const p of this.pedestrians) p.step(prev, dtNs, ctx);
    this.timeNs = prev + dtNs;
  }

  /** Everything at the current instant: objects (pedestrians, then parked cars), visibility, ego. */
  groundTruth(): msg.GroundTruth {
    const sx = this.ego.sensorX;
    const sy = this.ego.sensorY;
    // Static occluders stay; moving vehicles are appended after the static prefix (the ego does
    // not occlude its own sensor).
    this.occluders.truncate(this.staticOccluders);
    for (const v of this.vehicles) if (v.active) this.occluders.add(v.footprint(), v.id);
    const objects: msg.GroundTruthObject[] = [];
    for (const p of this.pedestrians) {
      const visibility = boxVisibility(sx, sy, p.footprint(), this.occluders, p.id);
      objects.push(
        create(msg.GroundTruthObjectSchema, {
          id: p.id,
          objectClass: msg.ObjectClass.PEDESTRIAN,
          xM: p.x,
          yM: p.y,
          yawRad: p.yaw,
          vxMps: p.vx,
          vyMps: p.vy,
          lengthM: p.lengthM,
          widthM: p.widthM,
          heightM: p.heightM,
          parked: false,
          visibility,
          pedestrian: p.truth(this.street),
        }),
      );
    }
    for (const c of this.parkedCars) {
      objects.push(c.groundTruthObject(boxVisibility(sx, sy, c.footprint(), this.occluders, c.id)));
    }
    for (const v of this.vehicles) {
      if (v.active) objects.push(v.groundTruthObject(boxVisibility(sx, sy, v.footprint(), this.occluders, v.id)));
    }
    return create(msg.GroundTruthSchema, {
      timestamp: toTimestamp(this.timeNs),
      frameId: "map",
      objects,
      ego: this.ego.egoTruth(),
    });
  }

  vehicleState(): msg.VehicleState {
    return this.ego.vehicleState(this.timeNs);
  }

  /** The `/map` message, stamped with the current sim time. */
  streetMap(): msg.StreetMap {
    return streetMapMessage(this.street, this.timeNs);
  }

  /** The ego route (eastbound lane centreline, driving order). */
  egoRoute(): Vec2[] {
    return egoRoute(this.street);
  }

  egoRouteMessage(): msg.Polyline {
    return egoRouteMessage(this.street);
  }

  /** Ids of objects whose footprint overlaps the ego footprint now (touching counts). */
  collisions(): number[] {
    const ego = this.ego.footprint();
    const ids: number[] = [];
    for (const p of this.pedestrians) if (boxesOverlap(ego, p.footprint())) ids.push(p.id);
    for (const c of this.parkedCars) if (boxesOverlap(ego, c.footprint())) ids.push(c.id);
    for (const v of this.vehicles) if (v.active && boxesOverlap(ego, v.footprint())) ids.push(v.id);
    return ids;
  }

  /** All traffic accelerations from the current state first, then every vehicle moves. */
  private stepTraffic(dtS: number): void {
    const accel = this.vehicles.map((v) => (v.active ? v.plan(this.leaderOf(v)) : 0));
    this.vehicles.forEach((v, i) => {
      if (v.active) v.integrate(dtS, accel[i], this.street.params.lengthM);
    });
  }

  /** The nearest thing ahead of `v` in its lane: vehicles, the ego, pedestrians on the road, parked vehicles in the lane. */
  leaderOf(v: TrafficVehicle): LeaderGap | undefined {
    const front = v.frontU;
    const bandLo = v.y - v.widthM / 2 - LANE_BAND_MARGIN_M;
    const bandHi = v.y + v.widthM / 2 + LANE_BAND_MARGIN_M;
    let best: LeaderGap | undefined;
    const consider = (box: Box2, speedAlongMps: number, jamGapM: number) => {
      const halfY = Math.abs(Math.sin(box.yaw)) * (box.length / 2) + Math.abs(Math.cos(box.yaw)) * (box.width / 2);
      if (box.cy + halfY < bandLo || box.cy - halfY > bandHi) return;
      const halfU = Math.abs(Math.cos(box.yaw)) * (box.length / 2) + Math.abs(Math.sin(box.yaw)) * (box.width / 2);
      const u = v.dir * box.cx;
      if (u + halfU <= front - 0.1) return; // behind or beside our front
      const gapM = u - halfU - front;
      if (!best || gapM < best.gapM) best = { gapM, speedMps: Math.max(0, speedAlongMps), jamGapM };
    };
    const minGap = v.spec.idm.minGapM;
    for (const o of this.vehicles) {
      if (o !== v && o.active && o.dir === v.dir && v.dir * o.x > v.dir * v.x) consider(o.footprint(), o.speed, minGap);
    }
    const e = this.ego.footprint();
    if (v.dir * e.cx > v.dir * v.x) consider(e, v.dir * this.ego.speed * Math.cos(this.ego.yaw), minGap);
    for (const p of this.pedestrians) {
      // On the road, or about to be: where it will be within the look-ahead, at constant velocity.
      if (Math.abs(p.y) > this.street.curbYM + 0.5 || Math.abs(p.y - v.y) > this.street.curbYM) continue;
      const box = p.footprint();
      const yAhead = p.y + p.vy * PEDESTRIAN_LOOKAHEAD_S;
      const cy = Math.min(Math.max(v.y, Math.min(p.y, yAhead)), Math.max(p.y, yAhead));
      consider({ ...box, cy }, 0, TRAFFIC_PEDESTRIAN_GAP_M);
    }
    for (const c of this.parkedCars) consider(c.footprint(), 0, minGap);
    return best;
  }

  /** Number of occluders that never move (buildings and parked cars). */
  get staticOccluderCount(): number {
    return this.staticOccluders;
  }
}

/** Axis-aligned bounds of a polygon as a box (buildings are rectangles). */
export function polygonBounds(poly: readonly Vec2[]): Box2 {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of poly) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, yaw: 0, length: x1 - x0, width: y1 - y0 };
}
