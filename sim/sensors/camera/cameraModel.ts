// The camera model shared by the renderer and the ground-truth boxes: mounting pose → optical
// frame, pinhole intrinsics and OpenCV/ROS lens distortion (plumb_bob, rational_polynomial).
//
// Frames: map (x east, y north, z up); base_link (x forward, y left, z up, footprint centre on the
// ground); the camera body frame from the rig pose (ROS RPY: R = Rz(yaw)·Ry(pitch)·Rx(roll), so a
// positive pitch looks down); the optical frame (x right, y down, z forward: ROS/foxglove image
// frame). Pixel (u, v): u right, v down, the centre of the top-left pixel is (0, 0) (ROS).
import type { CameraIntrinsics } from "./cameraCalibration.ts";

export interface CameraPose {
  readonly xM: number;
  readonly yM: number;
  readonly zM: number;
  readonly rollRad?: number;
  readonly pitchRad?: number;
  readonly yawRad?: number;
}

/** Planar ego pose in the map (footprint centre, heading). */
export interface EgoPose2 {
  readonly xM: number;
  readonly yM: number;
  readonly yawRad: number;
}

/** A rigid transform as a row-major 3×4 [R | t] (maps points of the source frame into the target frame). */
export type Rigid = Float64Array;

function rpy(roll: number, pitch: number, yaw: number): number[] {
  const cr = Math.cos(roll), sr = Math.sin(roll);
  const cp = Math.cos(pitch), sp = Math.sin(pitch);
  const cy = Math.cos(yaw), sy = Math.sin(yaw);
  return [
    cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
    sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
    -sp, cp * sr, cp * cr,
  ];
}

function compose(a: Rigid, b: Rigid): Rigid {
  // (a ∘ b)(p) = a(b(p))
  const o = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) o[r * 4 + c] = a[r * 4] * b[c] + a[r * 4 + 1] * b[4 + c] + a[r * 4 + 2] * b[8 + c];
    o[r * 4 + 3] = a[r * 4] * b[3] + a[r * 4 + 1] * b[7] + a[r * 4 + 2] * b[11] + a[r * 4 + 3];
  }
  return o;
}

function invert(a: Rigid): Rigid {
  const o = new Float64Array(12);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) o[r * 4 + c] = a[c * 4 + r];
  for (let r = 0; r < 3; r++) o[r * 4 + 3] = -(o[r * 4] * a[3] + o[r * 4 + 1] * a[7] + o[r * 4 + 2] * a[11]);
  return o;
}

/** Camera body (x forward, y left, z up) → optical (x right, y down, z forward). */
const OPTICAL_FROM_BODY: Rigid = Float64Array.from([0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0]);

/** base_link → map for a planar ego pose. */
export function mapFromBase(ego: EgoPose2): Rigid {
  const c = Math.cos(ego.yawRad), s = Math.sin(ego.yawRad);
  return Float64Array.from([c, -s, 0, ego.xM, s, c, 0, ego.yM, 0, 0, 1, 0]);
}

/** Camera body → base_link from the rig pose. */
export function baseFromBody(pose: CameraPose): Rigid {
  const R = rpy(pose.rollRad ?? 0, pose.pitchRad ?? 0, pose.yawRad ?? 0);
  return Float64Array.from([R[0], R[1], R[2], pose.xM, R[3], R[4], R[5], pose.yM, R[6], R[7], R[8], pose.zM]);
}

/** map → optical frame of a camera mounted at `pose` on an ego at `ego`. */
export function opticalFromMap(ego: EgoPose2, pose: CameraPose): Rigid {
  return compose(OPTICAL_FROM_BODY, invert(compose(mapFromBase(ego), baseFromBody(pose))));
}

/**
 * The three.js camera's world matrix (column-major 4×4; three's camera looks down its −z with y
 * up, i.e. x right, y = −optical y, z = −optical z) for the same pose.
 */
export function threeCameraMatrixWorld(ego: EgoPose2, pose: CameraPose): number[] {
  const m = invert(opticalFromMap(ego, pose)); // optical → map
  // Columns: map directions of three's x (= optical x), y (= −optical y), z (= −optical z), and the origin.
  return [m[0], m[4], m[8], 0, -m[1], -m[5], -m[9], 0, -m[2], -m[6], -m[10], 0, m[3], m[7], m[11], 1];
}

export function transformPoint(t: Rigid, x: number, y: number, z: number, out: [number, number, number] = [0, 0, 0]): [number, number, number] {
  out[0] = t[0] * x + t[1] * y + t[2] * z + t[3];
  out[1] = t[4] * x + t[5] * y + t[6] * z + t[7];
  out[2] = t[8] * x + t[9] * y + t[10] * z + t[11];
  return out;
}

/** Distortion coefficients padded to 8: k1, k2, p1, p2, k3, k4, k5, k6 (OpenCV order). */
export function distortionCoefficients(c: Pick<CameraIntrinsics, "D">): Float64Array {
  const d = new Float64Array(8);
  d.set(c.D.slice(0, 8));
  return d;
}

/** OpenCV's distortion of normalised image coordinates (x, y) = (X/Z, Y/Z). */
export function distortNormalized(d: Float64Array, x: number, y: number, out: [number, number] = [0, 0]): [number, number] {
  const r2 = x * x + y * y;
  const r4 = r2 * r2;
  const r6 = r4 * r2;
  const radial = (1 + d[0] * r2 + d[1] * r4 + d[4] * r6) / (1 + d[5] * r2 + d[6] * r4 + d[7] * r6);
  out[0] = x * radial + 2 * d[2] * x * y + d[3] * (r2 + 2 * x * x);
  out[1] = y * radial + d[2] * (r2 + 2 * y * y) + 2 * d[3] * x * y;
  return out;
}

/** Inverse of `distortNormalized` by OpenCV's fixed-point iteration (cv::undistortPoints). */
export function undistortNormalized(d: Float64Array, xd: number, yd: number, iterations = 20, out: [number, number] = [0, 0]): [number, number] {
  let x = xd;
  let y = yd;
  for (let i = 0; i < iterations; i++) {
    const r2 = x * x + y * y;
    const icdist = (1 + d[5] * r2 + d[6] * r2 * r2 + d[7] * r2 * r2 * r2) / (1 + d[0] * r2 + d[1] * r2 * r2 + d[4] * r2 * r2 * r2);
    const dx = 2 * d[2] * x * y + d[3] * (r2 + 2 * x * x);
    const dy = d[2] * (r2 + 2 * y * y) + 2 * d[3] * x * y;
    x = (xd - dx) * icdist;
    y = (yd - dy) * icdist;
  }
  out[0] = x;
  out[1] = y;
  return out;
}

/**
 * The projection of one camera: intrinsics, distortion and the radius up to which the distortion
 * polynomial is trusted. Beyond `validRadius` (1.2 × the largest undistorted radius of the image
 * border) a polynomial fitted to the image folds back, so points out there are projected with the
 * distortion frozen at that radius (continuous, monotonic): they land outside the image, where
 * they only matter for clipping boxes.
 */
export class CameraProjection {
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
  readonly d: Float64Array;
  readonly hasDistortion: boolean;
  readonly validRadius: number;
  private readonly tmp: [number, number] = [0, 0];

  constructor(readonly intrinsics: CameraIntrinsics) {
    const K = intrinsics.K;
    this.fx = K[0];
    this.fy = K[4];
    this.cx = K[2];
    this.cy = K[5];
    this.d = distortionCoefficients(intrinsics);
    this.hasDistortion = this.d.some((v) => v !== 0);
    let rMax = 0;
    for (const [u, v] of borderPixels(intrinsics.width, intrinsics.height, 8)) {
      const [x, y] = this.hasDistortion ? undistortNormalized(this.d, (u - this.cx) / this.fx, (v - this.cy) / this.fy) : [(u - this.cx) / this.fx, (v - this.cy) / this.fy];
      rMax = Math.max(rMax, Math.hypot(x, y));
    }
    this.validRadius = 1.2 * rMax;
  }

  /** Pixel of a point in the optical frame (z > 0 required; returns false otherwise). */
  project(x: number, y: number, z: number, out: [number, number]): boolean {
    if (!(z > 0)) return false;
    let xn = x / z;
    let yn = y / z;
    if (this.hasDistortion) {
      const r = Math.hypot(xn, yn);
      if (r > this.validRadius) {
        const k = this.validRadius / r;
        distortNormalized(this.d, xn * k, yn * k, this.tmp);
        xn = this.tmp[0] / k;
        yn = this.tmp[1] / k;
      } else {
        distortNormalized(this.d, xn, yn, this.tmp);
        xn = this.tmp[0];
        yn = this.tmp[1];
      }
    }
    out[0] = this.fx * xn + this.cx;
    out[1] = this.fy * yn + this.cy;
    return true;
  }
}

/** Pixel centres along the image border, every `step` pixels, corners included. */
export function borderPixels(width: number, height: number, step: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const us: number[] = [];
  const vs: number[] = [];
  for (let u = 0; u < width - 1; u += step) us.push(u);
  us.push(width - 1);
  for (let v = 0; v < height - 1; v += step) vs.push(v);
  vs.push(height - 1);
  for (const u of us) out.push([u, 0], [u, height - 1]);
  for (const v of vs) out.push([0, v], [width - 1, v]);
  return out;
}

/**
 * How the browser renders this camera: an undistorted pinhole image (intrinsics rfx, rfy, rcx,
 * rcy; size rW × rH) large enough to cover every output pixel after undistortion, then warped into
 * the distorted output in a fragment shader. Without distortion the render is the output.
 */
export interface RenderPlan {
  readonly width: number;
  readonly height: number;
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
  /** k1, k2, p1, p2, k3, k4, k5, k6. */
  readonly d: number[];
  readonly warp: boolean;
  readonly rW: number;
  readonly rH: number;
  readonly rfx: number;
  readonly rfy: number;
  readonly rcx: number;
  readonly rcy: number;
}

/** Largest undistorted render, as a multiple of the output size per axis. */
const MAX_RENDER_SCALE = 2.5;

export function renderPlan(c: CameraIntrinsics): RenderPlan {
  const p = new CameraProjection(c);
  const base = { width: c.width, height: c.height, fx: p.fx, fy: p.fy, cx: p.cx, cy: p.cy, d: Array.from(p.d) };
  if (!p.hasDistortion) return { ...base, warp: false, rW: c.width, rH: c.height, rfx: p.fx, rfy: p.fy, rcx: p.cx, rcy: p.cy };
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [u, v] of borderPixels(c.width, c.height, 2)) {
    const [x, y] = undistortNormalized(p.d, (u - p.cx) / p.fx, (v - p.cy) / p.fy);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const margin = 2;
  // Same focal length as the output at the centre, unless the undistorted field is too wide.
  const scale = Math.min(1, (MAX_RENDER_SCALE * c.width) / ((x1 - x0) * p.fx), (MAX_RENDER_SCALE * c.height) / ((y1 - y0) * p.fy));
  const rfx = p.fx * scale;
  const rfy = p.fy * scale;
  const rW = Math.ceil((x1 - x0) * rfx) + 2 * margin + 1;
  const rH = Math.ceil((y1 - y0) * rfy) + 2 * margin + 1;
  return { ...base, warp: true, rW, rH, rfx, rfy, rcx: -x0 * rfx + margin, rcy: -y0 * rfy + margin };
}

/**
 * OpenGL projection matrix (column-major, three's `projectionMatrix.elements`) for a pinhole of
 * size w × h with intrinsics fx, fy, cx, cy (pixel centres at integers, v down), near/far planes.
 */
export function glProjectionFromIntrinsics(w: number, h: number, fx: number, fy: number, cx: number, cy: number, near: number, far: number): number[] {
  const a = (2 * fx) / w;
  const b = (2 * fy) / h;
  const c = 1 - (2 * (cx + 0.5)) / w;
  const d = (2 * (cy + 0.5)) / h - 1;
  const e = -(far + near) / (far - near);
  const f = (-2 * far * near) / (far - near);
  // Row-major rows: [a 0 c 0], [0 b d 0], [0 0 e f], [0 0 −1 0]; stored column-major.
  return [a, 0, 0, 0, 0, b, 0, 0, c, d, e, -1, 0, 0, f, 0];
}
