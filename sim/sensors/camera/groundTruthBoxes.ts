// Ground-truth 2D boxes: each ground-truth object's 3D box (footprint × [0, height]) projected
// through the same camera model as the rendered image (pose, intrinsics, distortion), clipped to
// the image. The box edges are clipped against the near plane and sampled (distortion bends
// straight edges), so the 2D box is the hull of the projected outline, not just of the 8 corners.
import type { msg } from "../../../bus/index.ts";
import { type CameraPose, CameraProjection, type EgoPose2, opticalFromMap, transformPoint } from "./cameraModel.ts";

export interface GroundTruthBox2D {
  readonly id: number;
  readonly objectClass: msg.ObjectClass;
  /** Clipped to the image, pixels (u right, v down; pixel centres at integers). */
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
  /** The unclipped box (may extend beyond the image). */
  readonly full: { readonly xMin: number; readonly yMin: number; readonly xMax: number; readonly yMax: number };
  /** Fraction of the unclipped box area inside the image. */
  readonly inImage: number;
  /** Ground-truth line-of-sight visibility (0..1, from the world). */
  readonly visibility: number;
  /** Distance along the optical axis to the nearest visible corner, m. */
  readonly depthM: number;
}

const EDGES = [
  [0, 1], [1, 2], [2, 3], [3, 0],
  [4, 5], [5, 6], [6, 7], [7, 4],
  [0, 4], [1, 5], [2, 6], [3, 7],
] as const;
const SAMPLES_PER_EDGE = 8;
const NEAR_M = 0.1;

export interface BoxOptions {
  /** Drop boxes whose clipped area is below this, px² (default 1). */
  readonly minAreaPx?: number;
}

/** Boxes of every ground-truth object in the image of a camera at `pose` on the ego. */
export function groundTruthBoxes(gt: msg.GroundTruth, pose: CameraPose, projection: CameraProjection, options: BoxOptions = {}): GroundTruthBox2D[] {
  const ego: EgoPose2 = { xM: gt.ego?.xM ?? 0, yM: gt.ego?.yM ?? 0, yawRad: gt.ego?.yawRad ?? 0 };
  const T = opticalFromMap(ego, pose);
  const W = projection.intrinsics.width;
  const H = projection.intrinsics.height;
  const minArea = options.minAreaPx ?? 1;
  const corners: Array<[number, number, number]> = Array.from({ length: 8 }, () => [0, 0, 0]);
  const px: [number, number] = [0, 0];
  const out: GroundTruthBox2D[] = [];
  for (const o of gt.objects) {
    const c = Math.cos(o.yawRad), s = Math.sin(o.yawRad);
    const hl = o.lengthM / 2, hw = o.widthM / 2;
    const foot: Array<[number, number]> = [[hl, hw], [-hl, hw], [-hl, -hw], [hl, -hw]];
    for (let i = 0; i < 8; i++) {
      const [lx, ly] = foot[i % 4];
      transformPoint(T, o.xM + c * lx - s * ly, o.yM + s * lx + c * ly, i < 4 ? 0 : o.heightM, corners[i]);
    }
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    let depth = Infinity;
    for (const [ia, ib] of EDGES) {
      let a = corners[ia];
      let b = corners[ib];
      if (a[2] < NEAR_M && b[2] < NEAR_M) continue;
      // Clip the edge to z ≥ near.
      if (a[2] < NEAR_M || b[2] < NEAR_M) {
        const t = (NEAR_M - a[2]) / (b[2] - a[2]);
        const m: [number, number, number] = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), NEAR_M];
        if (a[2] < NEAR_M) a = m;
        else b = m;
      }
      depth = Math.min(depth, a[2], b[2]);
      for (let k = 0; k <= SAMPLES_PER_EDGE; k++) {
        const t = k / SAMPLES_PER_EDGE;
        if (!projection.project(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]), px)) continue;
        x0 = Math.min(x0, px[0]);
        x1 = Math.max(x1, px[0]);
        y0 = Math.min(y0, px[1]);
        y1 = Math.max(y1, px[1]);
      }
    }
    if (!(x1 > x0 && y1 > y0)) continue;
    // The image spans pixel edges [−0.5, W − 0.5] × [−0.5, H − 0.5].
    const cx0 = Math.max(-0.5, x0), cx1 = Math.min(W - 0.5, x1);
    const cy0 = Math.max(-0.5, y0), cy1 = Math.min(H - 0.5, y1);
    if (!(cx1 > cx0 && cy1 > cy0)) continue;
    const area = (cx1 - cx0) * (cy1 - cy0);
    if (area < minArea) continue;
    out.push({
      id: o.id,
      objectClass: o.objectClass,
      xMin: cx0,
      yMin: cy0,
      xMax: cx1,
      yMax: cy1,
      full: { xMin: x0, yMin: y0, xMax: x1, yMax: y1 },
      inImage: area / ((x1 - x0) * (y1 - y0)),
      visibility: o.visibility,
      depthM: depth,
    });
  }
  return out;
}
