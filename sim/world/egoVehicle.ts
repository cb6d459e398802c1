// The ego vehicle: a kinematic bicycle model integrated exactly over each step (constant
// acceleration and steering angle within a step), with acceleration, steering-angle and
// steering-rate limits and no reversing. The state is kept at the rear-axle centre (where the
// bicycle model is exact); messages report the footprint centre.
import { create } from "@bufbuild/protobuf";
import { msg, toTimestamp } from "../../bus/index.ts";
import type { Box2 } from "./geometry.ts";

/** Vehicle parameters: dimensions in m, accelerations in m/s², angles in rad, rates in rad/s. */
export interface EgoParams {
  wheelbaseM: number;
  lengthM: number;
  widthM: number;
  /** Rear bumper to rear axle. */
  rearOverhangM: number;
  maxAccelerationMps2: number;
  /** Most negative acceleration (strongest braking), negative. */
  minAccelerationMps2: number;
  maxSteeringRad: number;
  maxSteeringRateRadps: number;
  /** Sensor origin (LiDAR, camera) ahead of the footprint centre, along the heading. */
  sensorForwardM: number;
  /**
   * Powertrain and brakes follow the acceleration command as a first-order lag with this time
   * constant, s (0: instantly). Real actuators take a few tenths of a second; without the lag a
   * planner's step command would show as an impossible jerk.
   */
  accelerationTimeConstantS: number;
}

export const DEFAULT_EGO_PARAMS: Readonly<EgoParams> = Object.freeze({
  wheelbaseM: 2.8,
  lengthM: 4.6,
  widthM: 1.9,
  rearOverhangM: 0.9,
  maxAccelerationMps2: 3,
  minAccelerationMps2: -8,
  maxSteeringRad: 0.6,
  maxSteeringRateRadps: 0.8,
  sensorForwardM: 1.5,
  accelerationTimeConstantS: 0.2,
});

export interface EgoInitialState {
  /** Footprint centre, map frame, m. */
  xM: number;
  yM: number;
  yawRad: number;
  speedMps: number;
}

export class EgoVehicle {
  readonly params: EgoParams;
  /** Rear-axle centre, map frame, m. */
  rearX: number;
  rearY: number;
  yaw: number;
  /** Speed along the heading, m/s, never negative. */
  speed: number;
  /** Acceleration actually applied during the last step, m/s² (differs from the command at limits or at standstill). */
  acceleration = 0;
  /** Acceleration the actuators deliver (lagged command), before the standstill clamp, m/s². */
  actuatorAccelerationMps2 = 0;
  /** Front-wheel steering angle, rad. */
  steering = 0;
  /** Distance travelled since the start, m. */
  odometerM = 0;

  constructor(initial: EgoInitialState, params: Partial<EgoParams> = {}) {
    this.params = { ...DEFAULT_EGO_PARAMS, ...params };
    if (this.params.minAccelerationMps2 >= 0) throw new Error("minAccelerationMps2 must be negative");
    if (initial.speedMps < 0) throw new Error(`initial speed must be ≥ 0, got ${initial.speedMps}`);
    const back = this.centerToRearAxleM;
    this.rearX = initial.xM - back * Math.cos(initial.yawRad);
    this.rearY = initial.yM - back * Math.sin(initial.yawRad);
    this.yaw = initial.yawRad;
    this.speed = initial.speedMps;
  }

  /** Distance from the footprint centre back to the rear axle, m. */
  get centerToRearAxleM(): number {
    return this.params.lengthM / 2 - this.params.rearOverhangM;
  }

  /** Footprint centre, map frame. */
  get centerX(): number {
    return this.rearX + this.centerToRearAxleM * Math.cos(this.yaw);
  }
  get centerY(): number {
    return this.rearY + this.centerToRearAxleM * Math.sin(this.yaw);
  }

  /** Front bumper centre, map frame. */
  get frontX(): number {
    return this.centerX + (this.params.lengthM / 2) * Math.cos(this.yaw);
  }
  get frontY(): number {
    return this.centerY + (this.params.lengthM / 2) * Math.sin(this.yaw);
  }

  /** Sensor origin (for visibility), map frame. */
  get sensorX(): number {
    return this.centerX + this.params.sensorForwardM * Math.cos(this.yaw);
  }
  get sensorY(): number {
    return this.centerY + this.params.sensorForwardM * Math.sin(this.yaw);
  }

  get yawRate(): number {
    return (this.speed * Math.tan(this.steering)) / this.params.wheelbaseM;
  }

  /** Footprint as an oriented box. */
  footprint(): Box2 {
    return { cx: this.centerX, cy: this.centerY, yaw: this.yaw, length: this.params.lengthM, width: this.params.widthM };
  }

  /**
   * Advances by `dtS` seconds. The acceleration command is clamped to the limits; the steering
   * angle moves toward the (clamped) command at most at the steering rate. Speed stops at 0: the
   * vehicle never reverses.
   */
  step(dtS: number, accelerationCmdMps2: number, steeringCmdRad: number): void {
    if (!(dtS > 0)) throw new Error(`dt must be positive, got ${dtS}`);
    const p = this.params;
    const aCmd = Number.isFinite(accelerationCmdMps2) ? accelerationCmdMps2 : 0;
    const sCmd = Number.isFinite(steeringCmdRad) ? steeringCmdRad : 0;
    const aTarget = Math.min(p.maxAccelerationMps2, Math.max(p.minAccelerationMps2, aCmd));
    const follow = p.accelerationTimeConstantS > 0 ? 1 - Math.exp(-dtS / p.accelerationTimeConstantS) : 1;
    this.actuatorAccelerationMps2 += (aTarget - this.actuatorAccelerationMps2) * follow;
    const a = this.actuatorAccelerationMps2;
    const target = Math.min(p.maxSteeringRad, Math.max(-p.maxSteeringRad, sCmd));
    const maxDelta = p.maxSteeringRateRadps * dtS;
    this.steering += Math.min(maxDelta, Math.max(-maxDelta, target - this.steering));

    // Distance along the path with constant acceleration, stopping at v = 0.
    const v0 = this.speed;
    let ds: number;
    let v1 = v0 + a * dtS;
    if (v1 < 0) {
      ds = a < 0 ? (v0 * v0) / (-2 * a) : 0;
      v1 = 0;
    } else {
      ds = v0 * dtS + 0.5 * a * dtS * dtS;
    }
    this.acceleration = (v1 - v0) / dtS;
    this.speed = v1;
    this.odometerM += ds;

    // Exact arc for a constant steering angle: the rear axle moves on a circle of radius L/tan(δ).
    const k = Math.tan(this.steering) / p.wheelbaseM;
    const dyaw = k * ds;
    if (Math.abs(dyaw) < 1e-9) {
      this.rearX += ds * Math.cos(this.yaw + dyaw / 2);
      this.rearY += ds * Math.sin(this.yaw + dyaw / 2);
    } else {
      const r = 1 / k;
      this.rearX += r * (Math.sin(this.yaw + dyaw) - Math.sin(this.yaw));
      this.rearY -= r * (Math.cos(this.yaw + dyaw) - Math.cos(this.yaw));
    }
    this.yaw += dyaw;
    this.yaw = Math.atan2(Math.sin(this.yaw), Math.cos(this.yaw));
  }

  /** `/vehicle/state`: footprint centre, heading, speed, applied acceleration, steering. */
  vehicleState(stampNs: bigint): msg.VehicleState {
    return create(msg.VehicleStateSchema, {
      timestamp: toTimestamp(stampNs),
      frameId: "map",
      xM: this.centerX,
      yM: this.centerY,
      yawRad: this.yaw,
      speedMps: this.speed,
      accelerationMps2: this.acceleration,
      steeringAngleRad: this.steering,
      yawRateRadps: this.yawRate,
      lengthM: this.params.lengthM,
      widthM: this.params.widthM,
      wheelbaseM: this.params.wheelbaseM,
    });
  }

  /** Ground truth of the ego: footprint centre and dimensions. */
  egoTruth(): msg.EgoTruth {
    return create(msg.EgoTruthSchema, {
      xM: this.centerX,
      yM: this.centerY,
      yawRad: this.yaw,
      speedMps: this.speed,
      lengthM: this.params.lengthM,
      widthM: this.params.widthM,
    });
  }
}
