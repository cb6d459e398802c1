// The camera model without a browser: calibration files → intrinsics and foxglove.CameraCalibration,
// pinhole + plumb_bob projection against the formula written out by hand, poses, GL projection.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { toCameraCalibration } from "../../../hw/drivers/index.ts";
import { describe, expect, it } from "vitest";
import { msg } from "../../../bus/index.ts";
import {
  CameraProjection,
  distortNormalized,
  glProjectionFromIntrinsics,
  groundTruthBoxes,
  jpegInfo,
  loadCameraCalibration,
  opticalFromMap,
  parseCameraCalibration,
  renderPlan,
  threeCameraMatrixWorld,
  transformPoint,
  undistortNormalized,
} from "../../../sim/sensors/camera/index.ts";

const FRONT = "sim/scenarios/files/calibration/front_camera.yaml";
const ROS_YAML = `
image_width: 640
image_height: 384
camera_name: front_camera
camera_matrix: { rows: 3, cols: 3, data: [410.5, 0, 318.2, 0, 405.25, 190.7, 0, 0, 1] }
distortion_model: plumb_bob
distortion_coefficients: { rows: 1, cols: 5, data: [-0.21, 0.045, 0.0012, -0.0008, 0.003] }
rectification_matrix: { rows: 3, cols: 3, data: [1, 0, 0, 0, 1, 0, 0, 0, 1] }
projection_matrix: { rows: 3, cols: 4, data: [380, 0, 320, 0, 0, 380, 192, 0, 0, 0, 1, 0] }
`;

describe("camera calibration files", () => {
  it("the scenario example (flat form) → foxglove.CameraCalibration with the YAML's fields", () => {
    const yaml = parseYaml(readFileSync(FRONT, "utf8"));
    const c = loadCameraCalibration(FRONT);
    const m = toCameraCalibration(c, 1_500_000_000n, "front_camera");
    expect(m.$typeName).toBe("foxglove.CameraCalibration");
    expect([m.width, m.height, m.distortionModel]).toEqual([yaml.width, yaml.height, yaml.distortion_model]);
    expect(m.D).toEqual(yaml.D);
    expect(m.K).toEqual(yaml.K);
    expect(m.R).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(m.P).toEqual([400, 0, 320, 0, 0, 400, 192, 0, 0, 0, 1, 0]);
    expect(m.frameId).toBe("front_camera");
    expect([m.timestamp?.seconds, m.timestamp?.nanos]).toEqual([1n, 500_000_000]);
    // The message round-trips through protobuf.
    expect(msg.fromBinary(msg.CameraCalibrationSchema, msg.toBinary(msg.CameraCalibrationSchema, m))).toEqual(m);
  });

  it("ROS camera_info form: every field as in the file", () => {
    const c = parseCameraCalibration(ROS_YAML, "ros.yaml");
    const m = toCameraCalibration(c, 0n, "front_camera");
    expect([m.width, m.height]).toEqual([640, 384]);
    expect(m.K).toEqual([410.5, 0, 318.2, 0, 405.25, 190.7, 0, 0, 1]);
    expect(m.D).toEqual([-0.21, 0.045, 0.0012, -0.0008, 0.003]);
    expect(m.P).toEqual([380, 0, 320, 0, 0, 380, 192, 0, 0, 0, 1, 0]);
    expect(c.cameraName).toBe("front_camera");
  });

  it("refuses bad files naming the field", () => {
    expect(() => parseCameraCalibration("width: 640\nheight: 384\ndistortion_model: plumb_bob\nD: []\nK: [1, 2]", "bad.yaml")).toThrow(/bad\.yaml.*K/);
    expect(() => parseCameraCalibration("width: 640\nheight: 384\ndistortion_model: equidistant\nD: []\nK: [400, 0, 320, 0, 400, 192, 0, 0, 1]", "x")).toThrow(/not supported/);
    expect(() => parseCameraCalibration("width: 640\nheight: 384\ndistortion_model: plumb_bob\nD: []\nK: [0, 0, 320, 0, 400, 192, 0, 0, 1]", "x")).toThrow(/uncalibrated/);
  });
});

describe("projection", () => {
  const c = parseCameraCalibration(ROS_YAML);
  const proj = new CameraProjection(c);

  it("a known 3D point lands where the pinhole + plumb_bob formula says", () => {
    const [X, Y, Z] = [1.3, -0.4, 7.5];
    // Written out from the OpenCV documentation, independently of the implementation.
    const [k1, k2, p1, p2, k3] = [-0.21, 0.045, 0.0012, -0.0008, 0.003];
    const x = X / Z, y = Y / Z, r2 = x * x + y * y;
    const radial = 1 + k1 * r2 + k2 * r2 * r2 + k3 * r2 * r2 * r2;
    const xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
    const yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
    const px: [number, number] = [0, 0];
    expect(proj.project(X, Y, Z, px)).toBe(true);
    expect(px[0]).toBeCloseTo(410.5 * xd + 318.2, 9);
    expect(px[1]).toBeCloseTo(405.25 * yd + 190.7, 9);
    expect(proj.project(0, 0, -1, px)).toBe(false);
  });

  it("undistortion inverts distortion over the image", () => {
    const d = proj.d;
    for (const [u, v] of [[0, 0], [639, 383], [320, 10], [5, 200]]) {
      const xd = (u - proj.cx) / proj.fx, yd = (v - proj.cy) / proj.fy;
      const [x, y] = undistortNormalized(d, xd, yd);
      const [x2, y2] = distortNormalized(d, x, y);
      expect(Math.hypot(x2 - xd, y2 - yd) * proj.fx).toBeLessThan(1e-3);
    }
  });

  it("the pose: a point straight ahead of a level camera is at the principal point; pitch looks down", () => {
    const ego = { xM: 50, yM: -1.75, yawRad: 0.3 };
    const pose = { xM: 1.9, yM: 0, zM: 1.4 };
    const T = opticalFromMap(ego, pose);
    const cam = [ego.xM + Math.cos(0.3) * 1.9, ego.yM + Math.sin(0.3) * 1.9];
    const ahead = transformPoint(T, cam[0] + 10 * Math.cos(0.3), cam[1] + 10 * Math.sin(0.3), 1.4);
    expect(ahead[0]).toBeCloseTo(0, 9);
    expect(ahead[1]).toBeCloseTo(0, 9);
    expect(ahead[2]).toBeCloseTo(10, 9);
    // Left of the camera is −x in the optical frame; up is −y.
    const left = transformPoint(T, cam[0] - Math.sin(0.3), cam[1] + Math.cos(0.3), 1.4);
    expect(left[0]).toBeCloseTo(-1, 9);
    const pitched = transformPoint(opticalFromMap(ego, { ...pose, pitchRad: 0.1 }), cam[0] + 10 * Math.cos(0.3), cam[1] + 10 * Math.sin(0.3), 1.4);
    expect(pitched[1]).toBeLessThan(0); // looking down, the horizon point moves up in the image
    // three's camera matrix: its −z axis (column 2, negated) is the optical axis in the map.
    const m = threeCameraMatrixWorld(ego, pose);
    expect(-m[8]).toBeCloseTo(Math.cos(0.3), 9);
    expect(-m[9]).toBeCloseTo(Math.sin(0.3), 9);
    expect([m[12], m[13], m[14]].map((v) => +v.toFixed(9))).toEqual([+cam[0].toFixed(9), +cam[1].toFixed(9), 1.4]);
  });

  it("the GL projection from intrinsics maps a point to the pinhole pixel (not a fov approximation)", () => {
    const [W, H, fx, fy, cx, cy] = [700, 420, 410.5, 405.25, 333.3, 201.1];
    const P = glProjectionFromIntrinsics(W, H, fx, fy, cx, cy, 0.1, 300);
    // three camera coordinates: x right, y up, z back. Optical (1.3, −0.4, 7.5) ⇒ (1.3, 0.4, −7.5).
    const [X, Y, Z] = [1.3, 0.4, -7.5];
    const clip = [0, 1, 2, 3].map((r) => P[r] * X + P[4 + r] * Y + P[8 + r] * Z + P[12 + r]);
    const ndc = [clip[0] / clip[3], clip[1] / clip[3], clip[2] / clip[3]];
    const u = ((ndc[0] + 1) / 2) * W - 0.5;
    const v = ((1 - ndc[1]) / 2) * H - 0.5;
    expect(u).toBeCloseTo(fx * (1.3 / 7.5) + cx, 9);
    expect(v).toBeCloseTo(fy * (-0.4 / 7.5) + cy, 9); // optical y = −(three y)
    expect(ndc[2]).toBeGreaterThan(-1);
    expect(ndc[2]).toBeLessThan(1);
  });

  it("the render plan covers every output pixel after undistortion (barrel lens: a larger undistorted render)", () => {
    const plan = renderPlan(c);
    expect(plan.warp).toBe(true);
    expect(plan.rW).toBeGreaterThan(640);
    expect(plan.rH).toBeGreaterThan(384);
    for (const [u, v] of [[0, 0], [639, 0], [0, 383], [639, 383], [320, 0]]) {
      const [x, y] = undistortNormalized(proj.d, (u - proj.cx) / proj.fx, (v - proj.cy) / proj.fy);
      const ur = plan.rfx * x + plan.rcx, vr = plan.rfy * y + plan.rcy;
      expect(ur).toBeGreaterThanOrEqual(0);
      expect(vr).toBeGreaterThanOrEqual(0);
      expect(ur).toBeLessThanOrEqual(plan.rW - 1);
      expect(vr).toBeLessThanOrEqual(plan.rH - 1);
    }
    expect(renderPlan(loadCameraCalibration(FRONT)).warp).toBe(false);
  });

  it("ground-truth boxes: a box ahead is centred; one behind the camera is dropped; one across the edge is clipped", () => {
    const flat = loadCameraCalibration(FRONT);
    const p = new CameraProjection(flat);
    const obj = (id: number, x: number, y: number) =>
      msg.create(msg.GroundTruthObjectSchema, { id, objectClass: msg.ObjectClass.PEDESTRIAN, xM: x, yM: y, lengthM: 0.5, widthM: 0.5, heightM: 1.75, visibility: 0.75 });
    const gt = msg.create(msg.GroundTruthSchema, { ego: { xM: 0, yM: 0, yawRad: 0 }, objects: [obj(1, 12, 0), obj(2, -5, 0), obj(3, 6, 3.3)] });
    const boxes = groundTruthBoxes(gt, { xM: 2, yM: 0, zM: 1.4 }, p);
    expect(boxes.map((b) => b.id)).toEqual([1, 3]);
    const b = boxes[0];
    // Near face at 9.75 m, far face at 10.25 m: u = 320 ± 400·0.25/9.75; top v = 192 − 400·0.35/9.75, bottom 192 + 400·1.4/9.75.
    expect(b.xMin).toBeCloseTo(320 - 100 / 9.75, 6);
    expect(b.xMax).toBeCloseTo(320 + 100 / 9.75, 6);
    expect(b.yMin).toBeCloseTo(192 - 140 / 9.75, 6);
    expect(b.yMax).toBeCloseTo(192 + 560 / 9.75, 6);
    expect(b.visibility).toBe(0.75);
    expect(b.inImage).toBe(1);
    expect(boxes[1].xMin).toBe(-0.5);
    expect(boxes[1].inImage).toBeLessThan(1);
  });

  it("jpegInfo reads SOI, SOF0 and EOI, and names what is missing", () => {
    const sof0 = [0xff, 0xc0, 0, 17, 8, 0x01, 0x80, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    const ok = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, ...sof0, 0xff, 0xda, 0, 2, 0xff, 0xd9]);
    expect(jpegInfo(ok)).toMatchObject({ width: 640, height: 384, components: 3, sofMarker: 0xc0 });
    expect(() => jpegInfo(ok.subarray(0, ok.length - 1))).toThrow(/EOI/);
    expect(() => jpegInfo(ok.subarray(2))).toThrow(/SOI/);
  });
});
