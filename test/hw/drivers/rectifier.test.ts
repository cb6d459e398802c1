// OpenCV undistortion and colour conversion on the camera path, against the plumb_bob model
// computed by hand (Brown–Conrady, as ROS camera_info defines it).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CompressedImage } from "../../../bus/messages.ts";
import { CameraDriver, type CameraDriverConfig, loadOpenCv, parseCameraInfoYaml, parseDriverConfig, Rectifier } from "../../../hw/drivers/index.ts";
import { FakeBus } from "./fakeBus.ts";

const info = (() => {
  const r = parseCameraInfoYaml(readFileSync(new URL("../../../hw/drivers/config/camera_info.example.yaml", import.meta.url), "utf8"));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
})();

/** Pixel where an ideal pinhole ray (normalised x, y) lands through the lens (plumb_bob). */
function distort(x: number, y: number): [number, number] {
  const [k1, k2, p1, p2, k3] = info.D;
  const r2 = x * x + y * y;
  const radial = 1 + k1 * r2 + k2 * r2 * r2 + k3 * r2 * r2 * r2;
  const xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
  const yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
  return [info.K[0] * xd + info.K[2], info.K[4] * yd + info.K[5]];
}

describe("Rectifier (OpenCV)", () => {
  it("moves dots drawn where the lens puts them back to their pinhole positions", async () => {
    const cv = await loadOpenCv();
    // Rays toward the corners, where barrel distortion moves pixels most (several px here).
    const rays: [number, number][] = [[-0.4, -0.3], [0.4, -0.3], [-0.4, 0.3], [0.4, 0.3], [0, 0]];
    const image = new cv.Mat(info.height, info.width, cv.CV_8UC3, [0, 0, 0]);
    for (const [x, y] of rays) {
      const [u, v] = distort(x, y);
      image.drawCircle(new cv.Point2(Math.round(u), Math.round(v)), 2, new cv.Vec3(255, 255, 255), -1);
    }
    const jpeg = new Uint8Array(cv.imencode(".jpg", image, [cv.IMWRITE_JPEG_QUALITY, 100]));
    const rectifier = await Rectifier.create(info);
    const rectified = cv.imdecode(Buffer.from(rectifier.rectifyJpeg(jpeg, 100))).cvtColor(cv.COLOR_BGR2GRAY);
    for (const [x, y] of rays) {
      const [u0, v0] = [info.K[0] * x + info.K[2], info.K[4] * y + info.K[5]];
      const [ud] = distort(x, y);
      // Centroid of bright pixels within 6 px of the pinhole position.
      let sum = 0;
      let su = 0;
      let sv = 0;
      for (let v = Math.floor(v0) - 6; v <= Math.ceil(v0) + 6; v++) {
        for (let u = Math.floor(u0) - 6; u <= Math.ceil(u0) + 6; u++) {
          const w = rectified.at(v, u) as number;
          if (w > 100) {
            sum += w;
            su += w * u;
            sv += w * v;
          }
        }
      }
      expect(sum, `dot for ray (${x}, ${y})`).toBeGreaterThan(0);
      expect(Math.hypot(su / sum - u0, sv / sum - v0)).toBeLessThan(1.0);
      if (x !== 0) expect(Math.abs(ud - u0)).toBeGreaterThan(3); // the check is not vacuous
    }
  });

  it("gives a detector an RGB, planar, [0, 1] tensor of the requested size", async () => {
    const cv = await loadOpenCv();
    const red = new cv.Mat(info.height, info.width, cv.CV_8UC3, [0, 0, 255]); // BGR
    const jpeg = new Uint8Array(cv.imencode(".jpg", red, [cv.IMWRITE_JPEG_QUALITY, 100]));
    const tensor = (await Rectifier.create(info)).rgbTensor(jpeg, 64, 48);
    expect(tensor).toHaveLength(3 * 64 * 48);
    const plane = 64 * 48;
    const centre = 24 * 64 + 32;
    expect(tensor[centre]).toBeGreaterThan(0.95); // R
    expect(tensor[plane + centre]).toBeLessThan(0.05); // G
    expect(tensor[2 * plane + centre]).toBeLessThan(0.05); // B
  });

  it("refuses frames that are not the calibrated size or not images, saying which", async () => {
    const cv = await loadOpenCv();
    const rectifier = await Rectifier.create(info);
    const small = new Uint8Array(cv.imencode(".jpg", new cv.Mat(120, 160, cv.CV_8UC3, [0, 0, 0])));
    expect(() => rectifier.rectifyJpeg(small)).toThrow(/160×120, calibration is for 320×240/);
    expect(() => rectifier.rectifyJpeg(new Uint8Array([0xff, 0xd8, 1, 2, 3]))).toThrow(/not a decodable image/);
    await expect(Rectifier.create({ ...info, distortionModel: "equidistant" })).rejects.toThrow(/cannot undistort the "equidistant" model/);
  });
});

describe("camera driver with rectify", () => {
  it("publishes every frame also undistorted on image_rect; a bad frame is counted, the next one goes through", async () => {
    const cv = await loadOpenCv();
    const config = parseDriverConfig(
      { kind: "camera", name: "front_camera", input: { url: "unused" }, calibration: "camera_info.example.yaml", rectify: true },
      "test",
      new URL("../../../hw/drivers/config/", import.meta.url).pathname,
    ) as CameraDriverConfig;
    const bus = new FakeBus();
    const driver = new CameraDriver(config, info, bus, { rectifier: await Rectifier.create(info), now: () => 0n });
    const jpeg = new Uint8Array(cv.imencode(".jpg", new cv.Mat(info.height, info.width, cv.CV_8UC3, [40, 80, 120])));
    driver.publishFrame({ data: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), width: 0, height: 0 }, 1n, 0n);
    driver.publishFrame({ data: jpeg, width: info.width, height: info.height }, 2n, 0n);
    const rect = bus.on("/sensors/camera/front_camera/image_rect");
    expect(rect).toHaveLength(1);
    expect(rect[0].stampNs).toBe(2n);
    const image = cv.imdecode(Buffer.from((rect[0].message as CompressedImage).data));
    expect([image.cols, image.rows]).toEqual([info.width, info.height]);
    expect(driver.health.decodeErrors).toBe(1);
  });

  it("rectify without a calibration is a configuration error naming the field", () => {
    expect(() => parseDriverConfig({ kind: "camera", name: "front_camera", input: { url: "x" }, rectify: true }, "cam.yaml")).toThrow(/rectify/);
  });
});
