// The camera driver with Debian's ffmpeg: a test pattern generated on the fly (lavfi testsrc),
// JPEG framing, capture times, calibration from camera_info, and fuzzing of the byte stream.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { CameraCalibration } from "../../../bus/gen/foxglove/CameraCalibration_pb.ts";
import type { CompressedImage } from "../../../bus/gen/foxglove/CompressedImage_pb.ts";
import {
  CameraDriver,
  type CameraDriverConfig,
  decimalSecondsToNs,
  diagnosticValue,
  JpegSplitter,
  type JpegFrame,
  parseCameraInfoYaml,
  parseDriverConfig,
  startFfmpeg,
} from "../../../hw/drivers/index.ts";
import { FakeBus } from "./fakeBus.ts";

const CONFIG_DIR = new URL("../../../hw/drivers/config/", import.meta.url).pathname;
const hasFfmpeg = spawnSync("ffmpeg", ["-version"]).status === 0;

function cameraConfig(input: Record<string, unknown>): CameraDriverConfig {
  return parseDriverConfig({ kind: "camera", name: "front_camera", input, calibration: `${CONFIG_DIR}camera_info.example.yaml` }, "test", "/") as CameraDriverConfig;
}

function calibration() {
  const r = parseCameraInfoYaml(spawnSync("cat", [`${CONFIG_DIR}camera_info.example.yaml`], { encoding: "utf8" }).stdout);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Ten JPEG frames of ffmpeg's test pattern (one second at 10 Hz) through the driver. */
async function testPattern(): Promise<{ bus: FakeBus; driver: CameraDriver }> {
  const bus = new FakeBus();
  const driver = new CameraDriver(cameraConfig({ url: "testsrc=size=320x240:rate=10:duration=1", format: "lavfi" }), calibration(), bus);
  await startFfmpeg(driver, driver.config.input).done;
  return { bus, driver };
}

describe.skipIf(!hasFfmpeg)("camera driver (ffmpeg)", () => {
  it("publishes every frame as JPEG with its capture time, and the calibration with it", async () => {
    const { bus, driver } = await testPattern();
    const images = bus.on("/sensors/camera/front_camera/image");
    expect(images).toHaveLength(10);
    const first = images[0].message as CompressedImage;
    expect(first.format).toBe("jpeg");
    expect(first.frameId).toBe("front_camera");
    expect([...first.data.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...first.data.subarray(-2)]).toEqual([0xff, 0xd9]);
    // Stream times: 0.1 s apart exactly (pts), anchored at the first frame's arrival.
    const stamps = images.map((i) => i.stampNs);
    for (let k = 1; k < 10; k++) expect(stamps[k] - stamps[k - 1]).toBe(100_000_000n);
    const cals = bus.on("/sensors/camera/front_camera/calibration");
    expect(cals.map((c) => c.stampNs)).toEqual(stamps);
    const cal = cals[0].message as CameraCalibration;
    expect(cal).toMatchObject({ width: 320, height: 240, distortionModel: "plumb_bob" });
    expect(cal.K).toEqual([300, 0, 160, 0, 300, 120, 0, 0, 1]);
    const status = driver.diagnostics();
    expect(diagnosticValue(status, "image_size")).toBe("320x240");
    expect(diagnosticValue(status, "decode_errors")).toBe("0");
    expect(diagnosticValue(status, "warnings")).toBe("0"); // frame size matches the calibration
  });

  it("pairs frames and times however far one pipe runs ahead of the other, and loses no frame at the end", async () => {
    // stdout (JPEG) and stderr (showinfo) are separate pipes: a busy event loop may read all of one
    // first. Each frame must still get its own pts, and a frame whose time never came is still published.
    const { bus: ref } = await testPattern();
    const jpegs = ref.on("/sensors/camera/front_camera/image").map((i) => (i.message as CompressedImage).data);
    const showinfo = (n: number) => `[Parsed_showinfo_0 @ 0x5] n:  ${n} pts:  ${n} pts_time:${n / 10} duration:1`;
    const run = (feed: (driver: CameraDriver) => void) => {
      const bus = new FakeBus();
      let wall = 5_000_000_000n;
      const driver = new CameraDriver(cameraConfig({ url: "x" }), undefined, bus, { now: () => (wall += 1_000_000n) });
      feed(driver);
      driver.endOfStream();
      const images = bus.on("/sensors/camera/front_camera/image");
      return { driver, images, stamps: images.map((i) => i.stampNs), sizes: images.map((i) => (i.message as CompressedImage).data.length) };
    };
    const timesFirst = run((d) => {
      for (let n = 0; n < 10; n++) d.onStderrLine(showinfo(n));
      for (const j of jpegs) d.onStdout(j);
    });
    const framesFirst = run((d) => {
      d.onStderrLine(showinfo(0));
      for (const j of jpegs) d.onStdout(j);
      for (let n = 1; n < 10; n++) d.onStderrLine(showinfo(n));
    });
    for (const r of [timesFirst, framesFirst]) {
      expect(r.images).toHaveLength(10);
      expect(r.sizes).toEqual(jpegs.map((j) => j.length)); // in order
      for (let k = 1; k < 10; k++) expect(r.stamps[k] - r.stamps[0]).toBe(BigInt(k) * 100_000_000n); // each its own pts
      expect(diagnosticValue(r.driver.diagnostics(), "dropped")).toBe("0");
      expect(diagnosticValue(r.driver.diagnostics(), "warnings")).toBe("0");
    }
    // ffmpeg ends with three frames whose showinfo lines never came, and with a time for a frame it never wrote.
    const short = run((d) => {
      for (let n = 0; n < 7; n++) d.onStderrLine(showinfo(n));
      for (const j of jpegs) d.onStdout(j);
    });
    expect(short.images).toHaveLength(10);
    expect(diagnosticValue(short.driver.diagnostics(), "fallback_receive_time")).toBe("true");
    const extra = run((d) => {
      for (let n = 0; n < 11; n++) d.onStderrLine(showinfo(n));
      for (const j of jpegs) d.onStdout(j);
    });
    expect(extra.images).toHaveLength(10);
    expect(diagnosticValue(extra.driver.diagnostics(), "dropped")).toBe("1");
    // The same when we stopped ffmpeg between that frame's showinfo line and its JPEG: not a drop.
    const bus = new FakeBus();
    const stopped = new CameraDriver(cameraConfig({ url: "x" }), undefined, bus);
    stopped.onStderrLine(showinfo(0));
    stopped.onStdout(jpegs[0]);
    stopped.onStderrLine(showinfo(1));
    stopped.endOfStream(true);
    expect(bus.on("/sensors/camera/front_camera/image")).toHaveLength(1);
    expect(diagnosticValue(stopped.diagnostics(), "dropped")).toBe("0");
  });

  it("survives 10,000 garbage chunks on the byte stream; the next real JPEG is published", async () => {
    const { bus: ref } = await testPattern();
    const jpeg = (ref.on("/sensors/camera/front_camera/image")[3].message as CompressedImage).data;
    const bus = new FakeBus();
    const driver = new CameraDriver(cameraConfig({ url: "x" }), undefined, bus);
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 10_000; i++) {
      let chunk: Uint8Array;
      if (i % 3 === 0) {
        // a real image, cut and corrupted
        chunk = jpeg.slice(0, Math.floor(rnd() * jpeg.length));
        for (let k = 0; k < 5; k++) chunk[Math.floor(rnd() * chunk.length)] = Math.floor(rnd() * 256);
      } else {
        chunk = Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => (rnd() < 0.1 ? 0xff : Math.floor(rnd() * 256)));
      }
      expect(() => driver.onStdout(chunk)).not.toThrow();
      if (i % 50 === 0) driver.onStderrLine(String.fromCharCode(...chunk.subarray(0, 60)));
    }
    const errorsBefore = Number(diagnosticValue(driver.diagnostics(), "decode_errors"));
    expect(errorsBefore + Number(diagnosticValue(driver.diagnostics(), "junk_bytes"))).toBeGreaterThan(1000);
    const published = bus.on("/sensors/camera/front_camera/image").length;
    // A clean image after the garbage (the splitter resyncs at its SOI) gets published with its time.
    driver.onStdout(jpeg);
    for (let n = 0; n < 12; n++) driver.onStderrLine(`[Parsed_showinfo_0 @ 0x5] n:  ${n} pts:  ${n} pts_time:${n / 10} duration:1`);
    const after = bus.on("/sensors/camera/front_camera/image").slice(published).map((p) => (p.message as CompressedImage).data);
    expect(after.filter((d) => d.length === jpeg.length && d.every((b: number, k: number) => b === jpeg[k])).length).toBe(1);
  });
});

describe("JPEG framing", () => {
  it("does not end an image at an FFD9 inside a segment, skips stuffing and junk between images", () => {
    const frames: JpegFrame[] = [];
    const errors: string[] = [];
    const s = new JpegSplitter((f) => frames.push(f), (e) => errors.push(e.code));
    // SOI, APP0 whose payload contains FF D9, SOF0 (h 2, w 3), SOS, entropy with FF00 and RST0, EOI
    const img = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x06, 0xff, 0xd9, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 8, 0, 2, 0, 3, 1, 1, 0x11, 0, 0xff, 0xda, 0x00, 0x04, 0, 0, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd9];
    const stream = Uint8Array.from([1, 2, 3, ...img, 9, 9, ...img]);
    for (let i = 0; i < stream.length; i += 5) s.push(stream.subarray(i, i + 5)); // arbitrary chunking
    expect(frames).toHaveLength(2);
    expect([...frames[0].data]).toEqual(img);
    expect(frames[0]).toMatchObject({ width: 3, height: 2 });
    expect(s.junkBytes).toBe(5);
    expect(errors).toEqual([]);
  });

  it("reads ffmpeg's pts_time as exact nanoseconds", () => {
    expect(decimalSecondsToNs("0.1")).toBe(100_000_000n);
    expect(decimalSecondsToNs("1700000000.123456")).toBe(1_700_000_000_123_456_000n);
    expect(decimalSecondsToNs("-0.5")).toBe(-500_000_000n);
  });
});
