// A traffic vehicle that follows its lane with the Intelligent Driver Model (Treiber et al. 2000):
// westbound traffic, or a lead vehicle in the ego's lane. Straight lanes along x, so a vehicle is
// its lane, its position along it and its speed. The world gathers what is ahead (vehicles, the
// ego, pedestrians on the road in the lane, parked vehicles sticking into it) and the vehicle
// follows the nearest; all accelerations of a step are computed before any vehicle moves.
import { create } from "@bufbuild/protobuf";
import { msg } from "../../bus/index.ts";
import type { VehicleKind, VehicleSpec } from "../scenarios/Scenario.ts";
import type { Box2 } from "./geometry.ts";
import { vehicleObjectClass } from "./parkedCar.ts";
import type { Street } from "./street.ts";

/** Hardest braking a traffic vehicle applies, m/s² (positive). */
export const TRAFFIC_MAX_DECEL_MPS2 = 9;
/** Standstill gap a traffic vehicle keeps to a pedestrian on the road in its lane, m. */
export const TRAFFIC_PEDESTRIAN_GAP_M = 3;

/** The nearest thing ahead in the lane: gap from this vehicle's front to it, m, and its speed along the lane, m/s. */
export interface LeaderGap {
  gapM: number;
  speedMps: number;
  /** Standstill gap to keep to it, m. */
  jamGapM: number;
}

/** IDM acceleration, m/s² (unclamped below; never above `maxAccel`). `leader` undefined = free road. */
export function idmAcceleration(
  v: number,
  v0: number,
  p: { timeHeadwayS: number; maxAccelMps2: number; comfortDecelMps2: number; delta: number },
  leader?: LeaderGap,
): number {
  let a = p.maxAccelMps2 * (1 - Math.pow(Math.max(v, 0) / Math.max(v0, 0.1), p.delta));
  if (leader) {
    const dv = v - leader.speedMps;
    const sStar = leader.jamGapM + Math.max(0, v * p.timeHeadwayS + (v * dv) / (2 * Math.sqrt(p.maxAccelMps2 * p.comfortDecelMps2)));
    const s = Math.max(leader.gapM, 0.01);
    a -= p.maxAccelMps2 * (sStar / s) * (sStar / s);
  }
  return a;
}

export class TrafficVehicle {
  readonly id: number;
  readonly spec: VehicleSpec;
  readonly kind: VehicleKind;
  /** +1 eastbound (drives +x), −1 westbound. */
  readonly dir: 1 | -1;
  readonly y: number;
  readonly yaw: number;
  readonly lengthM: number;
  readonly widthM: number;
  readonly heightM: number;
  readonly desiredSpeedMps: number;
  /** Centre x, m. */
  x: number;
  /** Speed along the lane, m/s, never negative. */
  speed: number;
  /** Acceleration applied in the last step, m/s². */
  acceleration = 0;
  /** False once it has driven off the end of the street (then it is no longer reported). */
  active = true;

  constructor(id: number, spec: VehicleSpec, street: Street) {
    this.id = id;
    this.spec = spec;
    this.kind = spec.kind;
    this.dir = spec.lane === "eastbound" ? 1 : -1;
    this.y = this.dir * street.egoLaneCenterYM;
    this.yaw = this.dir > 0 ? 0 : Math.PI;
    this.lengthM = spec.lengthM;
    this.widthM = spec.widthM;
    this.heightM = spec.heightM;
    this.desiredSpeedMps = spec.desiredSpeedMps ?? street.params.speedLimitMps;
    this.x = spec.xM;
    this.speed = spec.speedMps;
  }

  /** Front bumper position along the driving direction (dir · x + length / 2), m. */
  get frontU(): number {
    return this.dir * this.x + this.lengthM / 2;
  }

  /** Rear bumper position along the driving direction, m. */
  get rearU(): number {
    return this.dir * this.x - this.lengthM / 2;
  }

  footprint(): Box2 {
    return { cx: this.x, cy: this.y, yaw: this.yaw, length: this.lengthM, width: this.widthM };
  }

  /** IDM acceleration toward the nearest leader (or free road), clamped to the braking limit. */
  plan(leader: LeaderGap | undefined): number {
    return Math.max(-TRAFFIC_MAX_DECEL_MPS2, idmAcceleration(this.speed, this.desiredSpeedMps, this.spec.idm, leader));
  }

  /** Moves for `dtS` with constant acceleration `a`, stopping at standstill (no reversing). */
  integrate(dtS: number, a: number, streetLengthM: number): void {
    const v0 = this.speed;
    let v1 = v0 + a * dtS;
    let dist: number;
    if (v1 <= 0) {
      v1 = 0;
      dist = a < 0 ? (v0 * v0) / (2 * -a) : 0;
    } else {
      dist = ((v0 + v1) / 2) * dtS;
    }
    this.acceleration = dtS > 0 ? (v1 - v0) / dtS : 0;
    this.speed = v1;
    this.x += this.dir * dist;
    if (this.dir > 0 ? this.x - this.lengthM / 2 > streetLengthM : this.x + this.lengthM / 2 < 0) this.active = false;
  }

  /** Ground-truth object; `visibility` is filled in by the world. */
  groundTruthObject(visibility: number): msg.GroundTruthObject {
    return create(msg.GroundTruthObjectSchema, {
      id: this.id,
      objectClass: vehicleObjectClass(this.kind),
      xM: this.x,
      yM: this.y,
      yawRad: this.yaw,
      vxMps: this.dir * this.speed,
      vyMps: 0,
      lengthM: this.lengthM,
      widthM: this.widthM,
      heightM: this.heightM,
      parked: false,
      visibility,
    });
  }
}
