// Line-of-sight visibility in the map plane: which fraction of an object's footprint outline the
// ego sensor can see past the occluders (parked cars, other vehicles, buildings). Occluders are
// packed into one Float64Array; a ray test allocates nothing. Heights are ignored (2D).
import type { Box2 } from "./geometry.ts";
import { segmentHitsBox } from "./geometry.ts";

/** Fields per occluder in the packed array: cx, cy, cos, sin, half length, half width, owner id. */
const STRIDE = 7;

/** Owner id used for static occluders (buildings) that belong to no object. */
export const STATIC_OWNER = -1;

/** A set of box occluders with an owner id each (so an object does not occlude itself). */
export class OccluderSet {
  private data: Float64Array;
  private n = 0;

  constructor(capacity = 64) {
    this.data = new Float64Array(capacity * STRIDE);
  }

  get size(): number {
    return this.n;
  }

  clear(): this {
    this.n = 0;
    return this;
  }

  /** Keeps the first `n` occluders (e.g. the static ones) and drops the rest. */
  truncate(n: number): this {
    this.n = Math.min(this.n, Math.max(0, n));
    return this;
  }

  add(box: Box2, ownerId: number): this {
    if ((this.n + 1) * STRIDE > this.data.length) {
      const grown = new Float64Array(this.data.length * 2 + STRIDE);
      grown.set(this.data);
      this.data = grown;
    }
    const o = this.n * STRIDE;
    const d = this.data;
    d[o] = box.cx;
    d[o + 1] = box.cy;
    d[o + 2] = Math.cos(box.yaw);
    d[o + 3] = Math.sin(box.yaw);
    d[o + 4] = box.length / 2;
    d[o + 5] = box.width / 2;
    d[o + 6] = ownerId;
    this.n++;
    return this;
  }

  /** True when the segment from (x0, y0) to (x1, y1) passes through any occluder not owned by `ignoreOwner`. */
  blocks(x0: number, y0: number, x1: number, y1: number, ignoreOwner: number): boolean {
    const d = this.data;
    for (let i = 0, o = 0; i < this.n; i++, o += STRIDE) {
      if (d[o + 6] === ignoreOwner) continue;
      if (segmentHitsBox(x0, y0, x1, y1, d[o], d[o + 1], d[o + 2], d[o + 3], d[o + 4], d[o + 5])) return true;
    }
    return false;
  }
}

/** Outline sample points per box edge (corner included, next corner excluded): 3 → 12 points. */
export const DEFAULT_SAMPLES_PER_EDGE = 3;

/**
 * Fraction of `box`'s outline points (corners and evenly spaced points on each edge) with a clear
 * line of sight from (sensorX, sensorY), ignoring occluders owned by `ownerId`. Self-occlusion
 * (the far side of the object itself) is not modelled: every outline point counts.
 */
export function boxVisibility(
  sensorX: number,
  sensorY: number,
  box: Box2,
  occluders: OccluderSet,
  ownerId: number,
  samplesPerEdge = DEFAULT_SAMPLES_PER_EDGE,
): number {
  const c = Math.cos(box.yaw);
  const s = Math.sin(box.yaw);
  const hl = box.length / 2;
  const hw = box.width / 2;
  let visible = 0;
  let total = 0;
  for (let edge = 0; edge < 4; edge++) {
    // Corners counter-clockwise from front-left: (hl, hw), (−hl, hw), (−hl, −hw), (hl, −hw).
    const ax = edge === 0 || edge === 3 ? hl : -hl;
    const ay = edge < 2 ? hw : -hw;
    const bx = edge === 2 || edge === 3 ? hl : -hl;
    const by = edge === 0 || edge === 3 ? hw : -hw;
    for (let k = 0; k < samplesPerEdge; k++) {
      const t = k / samplesPerEdge;
      const lx = ax + (bx - ax) * t;
      const ly = ay + (by - ay) * t;
      const px = box.cx + c * lx - s * ly;
      const py = box.cy + s * lx + c * ly;
      total++;
      if (!occluders.blocks(sensorX, sensorY, px, py, ownerId)) visible++;
    }
  }
  return visible / total;
}
