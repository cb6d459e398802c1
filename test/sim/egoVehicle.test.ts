import { describe, expect, it } from "vitest";
import { EgoVehicle } from "../../sim/world/index.ts";

const start = { xM: 10, yM: -1.75, yawRad: 0, speedMps: 10 };

describe("EgoVehicle (kinematic bicycle)", () => {
  it("covers v·t in a straight line at constant speed", () => {
    const ego = new EgoVehicle(start);
    const x0 = ego.centerX;
    for (let i = 0; i < 500; i++) ego.step(0.01, 0, 0);
    expect(ego.centerX - x0).toBeCloseTo(50, 9);
    expect(ego.centerY).toBeCloseTo(-1.75, 12);
    expect(ego.speed).toBe(10);
    expect(ego.odometerM).toBeCloseTo(50, 9);
  });

  it("drives a circle of radius L/tan(δ) with a constant steering angle", () => {
    const ego = new EgoVehicle({ xM: 0, yM: 0, yawRad: 0.3, speedMps: 5 });
    const delta = 0.2;
    // Let the steering reach the commanded angle (rate-limited), then record the rear axle.
    for (let i = 0; i < 50; i++) ego.step(0.02, 0, delta);
    expect(ego.steering).toBeCloseTo(delta, 12);
    const r = ego.params.wheelbaseM / Math.tan(delta);
    const cx = ego.rearX - r * Math.sin(ego.yaw);
    const cy = ego.rearY + r * Math.cos(ego.yaw);
    let maxErr = 0;
    for (let i = 0; i < 2000; i++) {
      ego.step(0.01, 0, delta);
      maxErr = Math.max(maxErr, Math.abs(Math.hypot(ego.rearX - cx, ego.rearY - cy) - r));
    }
    expect(maxErr).toBeLessThan(1e-9);
    expect(ego.yawRate).toBeCloseTo((5 * Math.tan(delta)) / ego.params.wheelbaseM, 12);
  });

  it("never reverses: hard braking stops at v²/(2a) and stays there", () => {
    const ego = new EgoVehicle({ ...start, speedMps: 4 }, { accelerationTimeConstantS: 0 });
    const x0 = ego.centerX;
    for (let i = 0; i < 30; i++) ego.step(0.1, -20, 0);
    expect(ego.speed).toBe(0);
    expect(ego.centerX - x0).toBeCloseTo(16 / 16, 9); // clamped to −8 m/s²
    expect(ego.acceleration).toBe(0);
    ego.step(0.1, -8, 0.3);
    expect(ego.speed).toBe(0);
    expect(ego.centerX - x0).toBeCloseTo(1, 9);
  });

  it("clamps acceleration and rate-limits steering", () => {
    const ego = new EgoVehicle(start, { accelerationTimeConstantS: 0 });
    ego.step(0.1, 10, 0.5);
    expect(ego.acceleration).toBeCloseTo(3, 12);
    expect(ego.speed).toBeCloseTo(10.3, 12);
    expect(ego.steering).toBeCloseTo(0.08, 12);
    for (let i = 0; i < 20; i++) ego.step(0.1, -100, 5);
    expect(ego.steering).toBeCloseTo(ego.params.maxSteeringRad, 12);
    expect(ego.speed).toBe(0);
  });

  it("follows an acceleration step as a first-order lag: 1 − 1/e of the step after one time constant", () => {
    const ego = new EgoVehicle({ ...start, speedMps: 10 }, { accelerationTimeConstantS: 0.2 });
    for (let i = 0; i < 20; i++) ego.step(0.01, -4, 0);
    expect(ego.acceleration).toBeCloseTo(-4 * (1 - Math.exp(-1)), 6);
    for (let i = 0; i < 200; i++) ego.step(0.01, -4, 0);
    expect(ego.actuatorAccelerationMps2).toBeCloseTo(-4 * (1 - Math.exp(-11)), 9);
  });

  it("reports the footprint centre in VehicleState and EgoTruth; the rear axle sits 1.4 m behind it", () => {
    const ego = new EgoVehicle({ xM: 20, yM: -1.75, yawRad: Math.PI / 2, speedMps: 3 });
    const vs = ego.vehicleState(123n);
    expect(vs.xM).toBeCloseTo(20, 12);
    expect(vs.yM).toBeCloseTo(-1.75, 12);
    expect(ego.rearY).toBeCloseTo(-1.75 - 1.4, 12);
    expect(vs.wheelbaseM).toBe(2.8);
    expect(vs.lengthM).toBe(4.6);
    expect(vs.widthM).toBe(1.9);
    expect(vs.frameId).toBe("map");
    expect(vs.timestamp?.nanos).toBe(123);
    const t = ego.egoTruth();
    expect([t.xM, t.yM, t.speedMps, t.lengthM]).toEqual([vs.xM, vs.yM, 3, 4.6]);
    expect(ego.frontY).toBeCloseTo(-1.75 + 2.3, 12);
  });
});
