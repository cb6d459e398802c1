// The rendered camera (three.js in headless Chromium): rendered objects line up with the
// ground-truth boxes projected through the same camera model (lens distortion included), JPEG bytes
// are complete and of the calibrated size, messages carry the right fields. Needs Debian's
// Chromium at /usr/bin/chromium; skipped with a message otherwise.
import * as THREE from "three";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msg } from "../../../bus/index.ts";
import type { ScenarioInput } from "../../../sim/scenarios/index.ts";
import {
  CHROMIUM_PATH,
  CameraProjection,
  CameraSensor,
  RendererBrowser,
  chromiumAvailable,
  glProjectionFromIntrinsics,
  groundTruthBoxes,
  jpegInfo,
  parseCameraCalibration,
  renderPlan,
  threeCameraMatrixWorld,
} from "../../../sim/sensors/camera/index.ts";
import { World } from "../../../sim/world/index.ts";

const HAVE_CHROMIUM = chromiumAvailable();
if (!HAVE_CHROMIUM) console.warn(`camera render tests skipped: no Chromium at ${CHROMIUM_PATH} (Debian package "chromium")`);

const GREEN = 0x00ff00;
/** Barrel lens, noticeably distorted at the edges (≈ 20 px at the corners of 640 × 384). */
const DISTORTED = parseCameraCalibration(
  "width: 640\nheight: 384\ndistortion_model: plumb_bob\nD: [-0.22, 0.05, 0.0015, -0.001, 0.0]\nK: [400, 0, 318.5, 0, 402, 190.5, 0, 0, 1]",
  "distorted",
);
const POSE = { xM: 1.9, yM: 0, zM: 1.4, pitchRad: 0.03 };

describe.skipIf(!HAVE_CHROMIUM)("camera rendered in headless Chromium", () => {
  let browser: RendererBrowser;
  beforeAll(async () => {
    browser = await RendererBrowser.launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a box off-centre (distorted region) renders where its projected ground-truth box says, within 2 px", async () => {
    const page = await browser.newPage();
    const plan = renderPlan(DISTORTED);
    expect(plan.warp).toBe(true);
    const box = { x: 10, y: 3.6, yaw: 0.4, L: 2, W: 1.2, H: 1.5 };
    const m = new THREE.Matrix4().compose(
      new THREE.Vector3(box.x, box.y, box.H / 2),
      new THREE.Quaternion().setFromAxisAngle(new THREE.Vector3(0, 0, 1), box.yaw),
      new THREE.Vector3(box.L, box.W, box.H),
    );
    const desc = {
      frame: "map" as const,
      up: [0, 0, 1] as [0, 0, 1],
      shapes: { box: "", cylinder: "", sphere: "", plane: "" },
      parts: [{ objectId: 7, material: "car_body" as const, reflectivity: 0.5, color: 0xff0000, shape: "box" as const, dynamic: false, matrix: Array.from(m.elements) }],
      dynamicParts: [],
    };
    const info = await page.init(desc, plan, {
      background: GREEN,
      jpegQuality: 0.95,
      lighting: false,
      projection: glProjectionFromIntrinsics(plan.rW, plan.rH, plan.rfx, plan.rfy, plan.rcx, plan.rcy, 0.1, 300),
    });
    expect(info.renderer).toMatch(/SwiftShader|ANGLE|Google/);
    const ego = { xM: 0, yM: 0, yawRad: 0 };
    const jpeg = await page.renderJpeg(new Float32Array(0), threeCameraMatrixWorld(ego, POSE));
    const seen = await page.analyseJpeg(jpeg, GREEN, 120);
    const gt = msg.create(msg.GroundTruthSchema, {
      ego,
      objects: [msg.create(msg.GroundTruthObjectSchema, { id: 7, objectClass: msg.ObjectClass.CAR, xM: box.x, yM: box.y, yawRad: box.yaw, lengthM: box.L, widthM: box.W, heightM: box.H, visibility: 1 })],
    });
    const [proj] = groundTruthBoxes(gt, POSE, new CameraProjection(DISTORTED));
    expect(proj.inImage).toBe(1);
    // Pixel i is covered when its centre is inside: the first covered column is ⌈xMin⌉, the last ⌊xMax⌋.
    const b = seen.bbox!;
    expect(Math.abs(b.xMin - Math.ceil(proj.xMin))).toBeLessThanOrEqual(2);
    expect(Math.abs(b.xMax - Math.floor(proj.xMax))).toBeLessThanOrEqual(2);
    expect(Math.abs(b.yMin - Math.ceil(proj.yMin))).toBeLessThanOrEqual(2);
    expect(Math.abs(b.yMax - Math.floor(proj.yMax))).toBeLessThanOrEqual(2);
    // The lens matters here: the undistorted pinhole box is several pixels away.
    const pinhole = groundTruthBoxes(gt, POSE, new CameraProjection({ ...DISTORTED, D: [0, 0, 0, 0, 0] }))[0];
    expect(Math.max(Math.abs(pinhole.xMin - proj.xMin), Math.abs(pinhole.yMax - proj.yMax))).toBeGreaterThan(4);
    await page.close();
  });

  it("a pedestrian of the World's sensor scene lines up with its projected box (height exact, body inside the box)", async () => {
    const scenario: ScenarioInput = {
      name: "camera-pedestrian",
      description: "One standing pedestrian ahead and to the right of the ego.",
      durationS: 5,
      ego: { xM: 10, speedMps: 0 },
      pedestrians: [{ label: "p", behaviour: "stand", start: { xM: 24, yM: -6.0 }, speedMps: 1.4 }],
    };
    const world = new World(scenario, 1);
    const camera = await CameraSensor.create({ name: "front_camera", pose: POSE, intrinsics: DISTORTED, browser, background: GREEN, lighting: false, jpegQuality: 0.95, partFilter: (p) => p.objectId === 1 });
    const frame = await camera.render(world, 123_000_000n);
    const proj = frame.boxes.find((b) => b.id === 1)!;
    expect(proj).toBeDefined();
    const seen = (await camera.page.analyseJpeg(frame.image.data, GREEN, 120)).bbox!;
    expect(Math.abs(seen.yMin - Math.ceil(proj.yMin))).toBeLessThanOrEqual(3);
    expect(Math.abs(seen.yMax - Math.floor(proj.yMax))).toBeLessThanOrEqual(3);
    expect(seen.xMin).toBeGreaterThanOrEqual(Math.ceil(proj.xMin) - 2);
    expect(seen.xMax).toBeLessThanOrEqual(Math.floor(proj.xMax) + 2);
    expect(Math.abs((seen.xMin + seen.xMax) / 2 - (proj.xMin + proj.xMax) / 2)).toBeLessThanOrEqual(4);
    await camera.close();
  });

  it("emits a complete JPEG of the calibrated size as foxglove.CompressedImage plus the calibration, deterministically", async () => {
    const world = new World({ name: "camera-street", description: "The default street with a parked car.", durationS: 5, ego: { xM: 10, speedMps: 10 }, parkedCars: [{ xM: 30, side: "south" }] }, 1);
    const camera = await CameraSensor.create({ name: "front_camera", pose: POSE, intrinsics: DISTORTED, browser });
    const a = await camera.render(world, 5_000_000_000n);
    const b = await camera.render(world, 5_000_000_000n);
    expect(a.image.$typeName).toBe("foxglove.CompressedImage");
    expect(a.image.format).toBe("jpeg");
    expect(a.image.frameId).toBe("front_camera");
    expect(a.image.timestamp?.seconds).toBe(5n);
    const info = jpegInfo(a.image.data);
    expect([info.width, info.height, info.components, info.sofMarker]).toEqual([640, 384, 3, 0xc0]);
    const decoded = await camera.page.analyseJpeg(a.image.data, 0x000000, 0);
    expect([decoded.width, decoded.height]).toEqual([640, 384]);
    expect(a.calibration.$typeName).toBe("foxglove.CameraCalibration");
    expect([a.calibration.width, a.calibration.height, a.calibration.distortionModel, a.calibration.frameId]).toEqual([640, 384, "plumb_bob", "front_camera"]);
    expect(a.calibration.D).toEqual([-0.22, 0.05, 0.0015, -0.001, 0.0]);
    expect(a.boxes.some((x) => x.id === 101)).toBe(true);
    expect(Buffer.from(b.image.data).equals(Buffer.from(a.image.data))).toBe(true);
    await camera.close();
  });
});
