// The renderer process: headless Chromium (Debian's, driven by playwright-core) with one page per
// camera running three.js on SwiftShader WebGL. No network: the page is a blank document, three.js
// is read from node_modules and handed to the page as text (imported from blob: URLs), then
// cameraPage.browser.js defines the page API. The scene description is sent once; each frame sends
// only the dynamic parts' matrices and the camera matrix and gets JPEG bytes back.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import type { SceneDescription } from "../scene/SensorScene.ts";
import type { RenderPlan } from "./cameraModel.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Flags for a headless, offline, GPU-less Chromium (WebGL falls back to SwiftShader). */
export const CHROMIUM_ARGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-gpu",
  "--enable-unsafe-swiftshader",
]);

export interface BrowserOptions {
  readonly executablePath?: string;
  readonly extraArgs?: readonly string[];
}

export interface PageLook {
  /** 0xRRGGBB sky / background. */
  readonly background: number;
  /** 0..1 */
  readonly jpegQuality: number;
  /** Lambert shading with a sky light and a sun (default); false: flat colours (tests). */
  readonly lighting?: boolean;
  /** Column-major GL projection of the undistorted render (glProjectionFromIntrinsics). */
  readonly projection: number[];
}

export interface PageInfo {
  readonly parts: number;
  readonly dynamic: number;
  /** The WebGL renderer string (SwiftShader here). */
  readonly renderer: string;
}

export function chromiumAvailable(path = CHROMIUM_PATH): boolean {
  return existsSync(path);
}

let threeSources: { core: string; module: string } | undefined;
function loadThreeSources(): { core: string; module: string } {
  if (!threeSources) {
    const require = createRequire(import.meta.url);
    const build = dirname(require.resolve("three")); // build/three.cjs: the builds sit beside it
    threeSources = { core: readFileSync(join(build, "three.core.js"), "utf8"), module: readFileSync(join(build, "three.module.js"), "utf8") };
  }
  return threeSources;
}

/** Imports three.core.js and three.module.js from blob: URLs (the module's import of the core rewritten). */
const THREE_LOADER = `window.curbLoadThree = async (core, module) => {
  const coreUrl = URL.createObjectURL(new Blob([core], { type: "text/javascript" }));
  const moduleUrl = URL.createObjectURL(new Blob([module.split("'./three.core.js'").join(JSON.stringify(coreUrl))], { type: "text/javascript" }));
  window.THREE = await import(moduleUrl);
};`;

const PAGE_SCRIPT = readFileSync(new URL("./cameraPage.browser.js", import.meta.url), "utf8");

/** A launched Chromium shared by any number of camera pages. */
export class RendererBrowser {
  private constructor(readonly browser: Browser) {}

  static async launch(options: BrowserOptions = {}): Promise<RendererBrowser> {
    const executablePath = options.executablePath ?? CHROMIUM_PATH;
    if (!existsSync(executablePath)) throw new Error(`camera renderer: no Chromium at ${executablePath} (Debian: apt-get install chromium)`);
    const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])] });
    return new RendererBrowser(browser);
  }

  /** A page with three.js and the camera API loaded. */
  async newPage(): Promise<CameraPage> {
    const page = await this.browser.newPage();
    const cameraPage = new CameraPage(page);
    page.on("pageerror", (e) => cameraPage.errors.push(e.message));
    await page.setContent("<!doctype html><html><head><meta charset=utf-8></head><body style='margin:0'></body></html>");
    const { core, module } = loadThreeSources();
    // The loader is page text, not a Node function: a test runner's transform would rewrite import().
    await page.addScriptTag({ content: THREE_LOADER });
    await page.evaluate(({ core, module }) => (globalThis as unknown as { curbLoadThree(c: string, m: string): Promise<void> }).curbLoadThree(core, module), { core, module });
    await page.addScriptTag({ content: PAGE_SCRIPT });
    cameraPage.throwIfFailed();
    return cameraPage;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

type CurbCameraWindow = {
  curbCamera: {
    init(desc: SceneDescription, plan: RenderPlan, look: PageLook): PageInfo;
    render(dynamic: number[], cameraMatrix: number[]): string;
    analyse(jpegBase64: string, bg: number, threshold: number): Promise<{ width: number; height: number; count: number; bbox: { xMin: number; yMin: number; xMax: number; yMax: number } | null }>;
  };
};

/** One camera's page: scene loaded once, then frames. */
export class CameraPage {
  /** Uncaught errors in the page (they fail the next call). */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {}

  throwIfFailed(): void {
    if (this.errors.length) throw new Error(`camera page error: ${this.errors.join("; ")}`);
  }

  async init(description: SceneDescription, plan: RenderPlan, look: PageLook): Promise<PageInfo> {
    const info = await this.page.evaluate(({ description, plan, look }) => (globalThis as unknown as CurbCameraWindow).curbCamera.init(description, plan, look), { description, plan, look });
    this.throwIfFailed();
    return info;
  }

  /** Render one frame; `dynamic` holds 16 floats per dynamic part (SensorScene.dynamicMatrices order). */
  async renderJpeg(dynamic: Float32Array, cameraMatrixWorld: readonly number[]): Promise<Uint8Array> {
    const b64 = await this.page.evaluate(({ d, m }) => (globalThis as unknown as CurbCameraWindow).curbCamera.render(d, m), { d: Array.from(dynamic), m: [...cameraMatrixWorld] });
    return new Uint8Array(Buffer.from(b64, "base64"));
  }

  /** Diagnostics for tests: decode a JPEG in the page and box the pixels that differ from `background`. */
  async analyseJpeg(jpeg: Uint8Array, background: number, threshold = 60): ReturnType<CurbCameraWindow["curbCamera"]["analyse"]> {
    const b64 = Buffer.from(jpeg).toString("base64");
    return this.page.evaluate(({ b64, background, threshold }) => (globalThis as unknown as CurbCameraWindow).curbCamera.analyse(b64, background, threshold), { b64, background, threshold });
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
