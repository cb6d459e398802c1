// The simulated camera: per frame, the World's sensor scene rendered by three.js in headless
// Chromium through the camera's intrinsics and lens distortion, JPEG-encoded in the page, plus the
// calibration and the ground-truth 2D boxes through the same camera model.
//
//   const camera = await CameraSensor.fromScenario(world.scenario.sensors, { baseDir });
//   const { image, calibration, boxes } = await camera.render(world, world.timeNs);
//   await camera.close();
//
// The closed loop may call render() at the camera's rate (`isDue(tNs)`, default 10 Hz). Images are
// deterministic up to the renderer (same SwiftShader build, same flags ⇒ same pixels); the JPEG
// encoder is Chromium's.
import { resolve as resolvePath } from "node:path";
import { msg, toTimestamp } from "../../../bus/index.ts";
import type { SensorSpec } from "../../scenarios/Scenario.ts";
import type { World } from "../../world/World.ts";
import { type SceneDescription, type SensorScene, createSensorScene } from "../scene/SensorScene.ts";
import { type BrowserOptions, type CameraPage, type PageInfo, RendererBrowser } from "./BrowserCameraRenderer.ts";
import { toCameraCalibration } from "../../../hw/drivers/index.ts";
import { type CameraIntrinsics, loadCameraCalibration } from "./cameraCalibration.ts";
import { type CameraPose, CameraProjection, type RenderPlan, glProjectionFromIntrinsics, renderPlan, threeCameraMatrixWorld } from "./cameraModel.ts";
import { type GroundTruthBox2D, groundTruthBoxes } from "./groundTruthBoxes.ts";

export interface CameraSensorOptions {
  /** Sensor name: frame_id of the images, `/sensors/camera/<name>/…`. */
  readonly name: string;
  readonly pose: CameraPose;
  readonly intrinsics: CameraIntrinsics;
  /** Frame rate, Hz (default 10). */
  readonly rateHz?: number;
  /** JPEG quality 0..1 (default 0.85). */
  readonly jpegQuality?: number;
  /** Sky colour 0xRRGGBB (default 0x9fc4e8). */
  readonly background?: number;
  /** Lambert lighting (default true); false renders flat colours. */
  readonly lighting?: boolean;
  /** Near and far clip planes, m (default 0.1, 300). */
  readonly nearM?: number;
  readonly farM?: number;
  /** Render only the parts this keeps (tests: one object on a plain background). */
  readonly partFilter?: (part: SceneDescription["parts"][number]) => boolean;
  /** A browser to share between cameras; otherwise the camera launches (and closes) its own. */
  readonly browser?: RendererBrowser;
  readonly browserOptions?: BrowserOptions;
}

export interface CameraFrame {
  /** foxglove.CompressedImage, format "jpeg", frame_id = camera name, stamped with the sim time. */
  readonly image: msg.CompressedImage;
  /** foxglove.CameraCalibration of the same camera and stamp. */
  readonly calibration: msg.CameraCalibration;
  /** Ground-truth boxes of the objects in the image (same camera model). */
  readonly boxes: GroundTruthBox2D[];
  /** Wall-clock time the page took (measurement only; not in any message). */
  readonly renderMs: number;
}

export class CameraSensor {
  readonly name: string;
  readonly pose: CameraPose;
  readonly intrinsics: CameraIntrinsics;
  readonly projection: CameraProjection;
  readonly plan: RenderPlan;
  readonly periodNs: bigint;
  nextFrameNs = 0n;
  pageInfo: PageInfo | undefined;
  private scene: SensorScene | undefined;
  private sceneWorld: World | undefined;
  private dynamic: Float32Array | undefined;
  private readonly options: CameraSensorOptions;

  private constructor(
    options: CameraSensorOptions,
    private readonly browser: RendererBrowser,
    private readonly ownsBrowser: boolean,
    readonly page: CameraPage,
  ) {
    this.options = options;
    this.name = options.name;
    this.pose = options.pose;
    this.intrinsics = options.intrinsics;
    this.projection = new CameraProjection(options.intrinsics);
    this.plan = renderPlan(options.intrinsics);
    this.periodNs = BigInt(Math.round(1e9 / (options.rateHz ?? 10)));
  }

  static async create(options: CameraSensorOptions): Promise<CameraSensor> {
    const browser = options.browser ?? (await RendererBrowser.launch(options.browserOptions));
    const page = await browser.newPage();
    return new CameraSensor(options, browser, !options.browser, page);
  }

  /**
   * The camera of a scenario's rig (the sensor named `name`, or the first camera), its calibration
   * file resolved against `baseDir` (the scenario file's folder).
   */
  static async fromScenario(sensors: readonly SensorSpec[], options: { baseDir: string; name?: string } & Partial<Omit<CameraSensorOptions, "name" | "pose" | "intrinsics">>): Promise<CameraSensor> {
    const { baseDir, name, ...rest } = options;
    const spec = sensors.find((s) => (name ? s.name === name : s.model === "camera"));
    if (!spec || spec.model !== "camera" || !spec.calibrationFile) {
      throw new Error(`no camera ${name ? `named ${JSON.stringify(name)} ` : ""}with a calibration file in the rig (sensors: ${sensors.map((s) => `${s.name}:${s.model}`).join(", ") || "none"})`);
    }
    const intrinsics = loadCameraCalibration(resolvePath(baseDir, spec.calibrationFile));
    return CameraSensor.create({ ...rest, name: spec.name, pose: spec.pose, intrinsics, rateHz: rest.rateHz ?? spec.rateHz });
  }

  isDue(tNs: bigint): boolean {
    return tNs >= this.nextFrameNs;
  }

  /** Render the world as it is now, stamped `tNs`. `groundTruth` may be passed when the caller has it. */
  async render(world: World, tNs: bigint, groundTruth: msg.GroundTruth = world.groundTruth()): Promise<CameraFrame> {
    if (this.sceneWorld !== world || !this.scene) await this.loadScene(world);
    const scene = this.scene!;
    scene.update(world);
    this.dynamic = scene.dynamicMatrices(this.dynamic);
    let dynamic = this.dynamic;
    if (this.keep) {
      const all = this.dynamic;
      dynamic = new Float32Array(this.keep.length * 16);
      this.keep.forEach((k, i) => dynamic.set(all.subarray(16 * k, 16 * k + 16), 16 * i));
    }
    const ego = groundTruth.ego;
    const egoPose = { xM: ego?.xM ?? 0, yM: ego?.yM ?? 0, yawRad: ego?.yawRad ?? 0 };
    const t0 = performance.now();
    const jpeg = await this.page.renderJpeg(dynamic, threeCameraMatrixWorld(egoPose, this.pose));
    const renderMs = performance.now() - t0;
    while (this.nextFrameNs <= tNs) this.nextFrameNs += this.periodNs;
    return {
      image: msg.create(msg.CompressedImageSchema, { timestamp: toTimestamp(tNs), frameId: this.name, data: jpeg, format: "jpeg" }),
      calibration: toCameraCalibration(this.intrinsics, tNs, this.name),
      boxes: groundTruthBoxes(groundTruth, this.pose, this.projection),
      renderMs,
    };
  }

  private async loadScene(world: World): Promise<void> {
    if (this.sceneWorld) throw new Error(`camera ${this.name}: already bound to another World; create one camera per run`);
    this.scene = createSensorScene(world);
    this.sceneWorld = world;
    let desc = this.scene.describe();
    if (this.options.partFilter) {
      const keep = this.options.partFilter;
      this.keep = desc.dynamicParts.map((_, k) => k).filter((k) => keep(desc.parts[desc.dynamicParts[k]]));
      desc = filterDescription(desc, keep);
    }
    this.pageInfo = await this.page.init(desc, this.plan, {
      background: this.options.background ?? 0x9fc4e8,
      jpegQuality: this.options.jpegQuality ?? 0.85,
      lighting: this.options.lighting ?? true,
      projection: glProjectionFromIntrinsics(this.plan.rW, this.plan.rH, this.plan.rfx, this.plan.rfy, this.plan.rcx, this.plan.rcy, this.options.nearM ?? 0.1, this.options.farM ?? 300),
    });
  }

  /** Indices of the dynamic parts kept by the filter (their matrices are forwarded, the rest dropped). */
  private keep: number[] | undefined;

  async close(): Promise<void> {
    await this.page.close();
    if (this.ownsBrowser) await this.browser.close();
  }
}

function filterDescription(desc: SceneDescription, keep: (p: SceneDescription["parts"][number]) => boolean): SceneDescription {
  const parts: SceneDescription["parts"] = [];
  const dynamicParts: number[] = [];
  desc.parts.forEach((p) => {
    if (!keep(p)) return;
    if (p.dynamic) dynamicParts.push(parts.length);
    parts.push(p);
  });
  return { ...desc, parts, dynamicParts };
}
