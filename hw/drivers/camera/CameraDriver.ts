// The camera driver's state: ffmpeg's JPEG byte stream (stdout) and its per-frame showinfo lines
// (stderr, the frame's pts) in; foxglove.CompressedImage + foxglove.CameraCalibration per frame out,
// stamped with the capture time. Garbage on either stream is counted, never thrown.
import { create } from "@bufbuild/protobuf";
import { type Bus, toTimestamp } from "../../../bus/index.ts";
import type { DiagnosticStatus } from "../../../bus/gen/curb/diagnostics_pb.ts";
import { CompressedImageSchema } from "../../../bus/gen/foxglove/CompressedImage_pb.ts";
import { msBetween, wallClockNs } from "../clock.ts";
import type { CameraDriverConfig } from "../config.ts";
import { DriverHealth } from "../DriverHealth.ts";
import { type CameraCalibrationTopic, type CameraImageTopic, type CameraRectifiedTopic, sensorTopic } from "../sensorTopics.ts";
import { type CameraInfo, toCameraCalibration } from "./cameraInfo.ts";
import { type JpegFrame, JpegSplitter } from "./JpegSplitter.ts";
import type { Rectifier } from "./Rectifier.ts";

/** `[Parsed_showinfo_0 @ 0x…] n:   3 pts:  12288 pts_time:0.1 …` */
const SHOWINFO = /\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\s*(-?\d+(?:\.\d+)?)/;
/**
 * Frames waiting for their time, or times for their frame, before the oldest is given up. A bound on
 * memory, not on jitter: stdout and stderr are separate pipes, and a busy event loop can read a second
 * of one before the other. Giving up a time early would pair every later frame with a wrong one.
 */
const MAX_UNPAIRED = 256;
/** While no showinfo line has been seen at all, frames wait this many before the receive-time fallback. */
const MAX_UNTIMED = 8;

/** "12.345678" → 12345678000n (exact decimal, no float). */
export function decimalSecondsToNs(s: string): bigint {
  const neg = s.startsWith("-");
  const [int, frac = ""] = (neg ? s.slice(1) : s).split(".");
  const ns = BigInt(int || "0") * 1_000_000_000n + BigInt((frac + "000000000").slice(0, 9));
  return neg ? -ns : ns;
}

export interface CameraDriverOptions {
  readonly log?: (message: string) => void;
  readonly now?: () => bigint;
  /** Undistorts every frame onto /sensors/camera/<name>/image_rect (OpenCV). */
  readonly rectifier?: Rectifier;
}

export class CameraDriver {
  readonly health: DriverHealth;
  readonly imageTopic: CameraImageTopic;
  readonly calibrationTopic: CameraCalibrationTopic;
  readonly rectifiedTopic: CameraRectifiedTopic | undefined;
  private readonly rectifier: Rectifier | undefined;
  readonly splitter: JpegSplitter;
  frames = 0;
  private readonly pendingFrames: { frame: JpegFrame; wallNs: bigint }[] = [];
  private readonly pendingTimes: bigint[] = [];
  private firstPtsNs: bigint | undefined;
  private anchorNs: bigint | undefined;
  private lastStampNs: bigint | undefined;
  private lastFrameNumber = -1;
  private sizeWarned = false;
  private readonly now: () => bigint;
  private readonly log: (message: string) => void;

  constructor(
    readonly config: CameraDriverConfig,
    readonly calibration: CameraInfo | undefined,
    private readonly bus: Pick<Bus, "publish">,
    options: CameraDriverOptions = {},
  ) {
    this.now = options.now ?? wallClockNs;
    this.log = options.log ?? (() => {});
    this.health = new DriverHealth(`camera/${config.name}`, BigInt(config.staleAfterMs) * 1_000_000n);
    this.imageTopic = sensorTopic("camera", config.name, "image") as CameraImageTopic;
    this.calibrationTopic = sensorTopic("camera", config.name, "calibration") as CameraCalibrationTopic;
    this.rectifier = options.rectifier;
    this.rectifiedTopic = this.rectifier ? (sensorTopic("camera", config.name, "image_rect") as CameraRectifiedTopic) : undefined;
    this.splitter = new JpegSplitter(
      (frame) => {
        this.pendingFrames.push({ frame, wallNs: this.now() });
        this.pair();
      },
      (e) => this.health.decodeError(e),
    );
    this.health.values.set("time_mode", config.input.timestamps);
  }

  /** Bytes from ffmpeg's stdout (image2pipe). Never throws. */
  onStdout(chunk: Uint8Array): void {
    this.health.input(this.now());
    try {
      this.splitter.push(chunk);
    } catch (e) {
      this.health.decodeError({ code: "exception", message: e instanceof Error ? e.message : String(e) });
    }
  }

  /** One line of ffmpeg's stderr: showinfo frame lines carry the pts; anything else is kept as the last message. */
  onStderrLine(line: string): void {
    const m = SHOWINFO.exec(line);
    if (!m) {
      if (/error|invalid|failed/i.test(line)) this.health.values.set("ffmpeg_last_error", line.slice(0, 200));
      return;
    }
    const n = Number(m[1]);
    if (this.lastFrameNumber >= 0 && n > this.lastFrameNumber + 1) this.health.drop(n - this.lastFrameNumber - 1);
    this.lastFrameNumber = n;
    const ptsNs = decimalSecondsToNs(m[3]);
    let stampNs: bigint;
    if (this.config.input.timestamps === "wallclock") {
      stampNs = ptsNs; // -use_wallclock_as_timestamps 1 -copyts: pts is host time at receipt
    } else {
      if (this.firstPtsNs === undefined) {
        this.firstPtsNs = ptsNs;
        this.anchorNs = this.now();
      }
      stampNs = (this.anchorNs as bigint) + (ptsNs - this.firstPtsNs);
    }
    this.pendingTimes.push(stampNs);
    this.pair();
  }

  diagnostics(wallNs = this.now()): DiagnosticStatus {
    this.health.values.set("frames", String(this.frames));
    this.health.values.set("junk_bytes", String(this.splitter.junkBytes));
    return this.health.report(this.lastStampNs ?? wallNs, wallNs);
  }

  /** Publishes one JPEG with its capture time (the pairing of stdout and stderr already done). */
  publishFrame(frame: JpegFrame, stampNs: bigint, inputWallNs: bigint): void {
    const frameId = this.config.name;
    this.bus.publish(this.imageTopic, create(CompressedImageSchema, { timestamp: toTimestamp(stampNs), frameId, data: frame.data, format: "jpeg" }), stampNs);
    this.health.published(this.imageTopic, stampNs, msBetween(inputWallNs, this.now()));
    const cal = this.calibration;
    if (cal) {
      if (!this.sizeWarned && frame.width > 0 && (frame.width !== cal.width || frame.height !== cal.height)) {
        this.sizeWarned = true;
        const msg = `camera/${frameId}: frames are ${frame.width}×${frame.height}, calibration is for ${cal.width}×${cal.height}`;
        this.health.warn(msg);
        this.log(msg);
      }
      this.bus.publish(this.calibrationTopic, toCameraCalibration(cal, stampNs, frameId), stampNs);
      this.health.published(this.calibrationTopic, stampNs, msBetween(inputWallNs, this.now()));
    }
    if (this.rectifier && this.rectifiedTopic) {
      try {
        const data = this.rectifier.rectifyJpeg(frame.data);
        this.bus.publish(this.rectifiedTopic, create(CompressedImageSchema, { timestamp: toTimestamp(stampNs), frameId, data, format: "jpeg" }), stampNs);
        this.health.published(this.rectifiedTopic, stampNs, msBetween(inputWallNs, this.now()));
      } catch (e) {
        this.health.decodeError({ code: "rectify", message: e instanceof Error ? e.message : String(e) });
      }
    }
    this.health.values.set("image_size", `${frame.width}x${frame.height}`);
    this.frames++;
    this.lastStampNs = stampNs;
  }

  private pair(): void {
    while (this.pendingFrames.length > 0 && this.pendingTimes.length > 0) {
      const f = this.pendingFrames.shift()!;
      const t = this.pendingTimes.shift()!;
      this.publishFrame(f.frame, t, f.wallNs);
    }
    // No times arrive (showinfo missing), or far too few: stamp with the receive time.
    if (this.pendingFrames.length > (this.lastFrameNumber < 0 ? MAX_UNTIMED : MAX_UNPAIRED)) this.publishUntimed();
    while (this.pendingTimes.length > MAX_UNPAIRED) {
      this.pendingTimes.shift();
      this.health.drop();
    }
  }

  /**
   * ffmpeg has exited: frames still waiting for a time are published with their receive time, so
   * none is lost; times still waiting for a frame were frames ffmpeg never wrote: drops, unless we
   * stopped it (`stopped`) between a frame's showinfo line and its JPEG.
   */
  endOfStream(stopped = false): void {
    while (this.pendingFrames.length > 0) this.publishUntimed();
    if (this.pendingTimes.length > 0 && !stopped) this.health.drop(this.pendingTimes.length);
    this.pendingTimes.length = 0;
  }

  private publishUntimed(): void {
    const f = this.pendingFrames.shift()!;
    if (!this.health.values.has("fallback_receive_time")) {
      this.health.values.set("fallback_receive_time", "true");
      this.health.warn(`camera/${this.config.name}: frames without a time from ffmpeg; stamping with receive time`);
    }
    this.publishFrame(f.frame, f.wallNs, f.wallNs);
  }
}
