// Allocation-free first-hit ray cast through a three-mesh-bvh MeshBVH.
//
// three-mesh-bvh builds the tree (SAH); its own `raycastFirst` allocates several typed-array views
// and result objects per call, which dominated the LiDAR's profile (~30 % of a frame plus GC). This
// walks the same packed node buffer (layout: three-mesh-bvh src/core/utils/nodeBufferUtils.js —
// 8 × 32-bit words per node: 6 float32 bounds, then leaf: u32 triangle offset, u16 count, u16 0xFFFF;
// inner: u32 relative right-child offset, u32 split axis; left child = next node) with an explicit
// stack, slab tests and double-sided Möller–Trumbore, and writes the hit into fields.
import type { MeshBVH } from "three-mesh-bvh";

const UINT32_PER_NODE = 8;
const IS_LEAF_FLAG = 0xffff;

export class BvhRaycast {
  private readonly f32: Float32Array;
  private readonly u32: Uint32Array;
  private readonly u16: Uint16Array;
  private readonly pos: ArrayLike<number>;
  private readonly index: ArrayLike<number>;
  private readonly stack = new Int32Array(128);
  /** After a hit: the triangle (index into the BVH's reordered index buffer / 3) and its unit geometric normal. */
  hitTriangle = -1;
  nx = 0;
  ny = 0;
  nz = 0;

  constructor(bvh: MeshBVH) {
    const roots = (bvh as unknown as { _roots: ArrayBuffer[] })._roots;
    if (!roots || roots.length !== 1) throw new Error(`BvhRaycast: expected a MeshBVH with one root, got ${roots?.length}`);
    if ((bvh as unknown as { indirect?: boolean }).indirect) throw new Error("BvhRaycast: indirect BVHs are not supported");
    const buf = roots[0];
    this.f32 = new Float32Array(buf);
    this.u32 = new Uint32Array(buf);
    this.u16 = new Uint16Array(buf);
    const g = bvh.geometry;
    this.pos = g.getAttribute("position").array as ArrayLike<number>;
    if (!g.index) throw new Error("BvhRaycast: geometry must be indexed (MeshBVH adds an index)");
    this.index = g.index.array as ArrayLike<number>;
  }

  /**
   * Smallest t in (near, far) with o + t·d on a triangle (either side); d need not be unit length.
   * Returns t, or −1 when nothing is hit. On a hit, `hitTriangle`, `nx`, `ny`, `nz` are set.
   */
  firstHit(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, near: number, far: number): number {
    const f32 = this.f32;
    const u32 = this.u32;
    const u16 = this.u16;
    const pos = this.pos;
    const idx = this.index;
    const stack = this.stack;
    const ix = 1 / dx;
    const iy = 1 / dy;
    const iz = 1 / dz;
    let best = far;
    let bestTri = -1;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const n32 = stack[--sp];
      // Slab test against the node bounds.
      let t0 = (f32[n32] - ox) * ix;
      let t1 = (f32[n32 + 3] - ox) * ix;
      let tmin = t0 < t1 ? t0 : t1;
      let tmax = t0 < t1 ? t1 : t0;
      t0 = (f32[n32 + 1] - oy) * iy;
      t1 = (f32[n32 + 4] - oy) * iy;
      if (t0 > t1) {
        const s = t0;
        t0 = t1;
        t1 = s;
      }
      if (t0 > tmin) tmin = t0;
      if (t1 < tmax) tmax = t1;
      t0 = (f32[n32 + 2] - oz) * iz;
      t1 = (f32[n32 + 5] - oz) * iz;
      if (t0 > t1) {
        const s = t0;
        t0 = t1;
        t1 = s;
      }
      if (t0 > tmin) tmin = t0;
      if (t1 < tmax) tmax = t1;
      // NaN (0 · ∞ on a flat box edge) compares false: treat as a hit, the triangles decide.
      if (tmin > tmax || tmax < near || tmin > best) continue;
      const n16 = n32 * 2;
      if (u16[n16 + 15] === IS_LEAF_FLAG) {
        const offset = u32[n32 + 6];
        const count = u16[n16 + 14];
        for (let tri = offset; tri < offset + count; tri++) {
          const a = idx[tri * 3] * 3;
          const b = idx[tri * 3 + 1] * 3;
          const c = idx[tri * 3 + 2] * 3;
          const ax = pos[a], ay = pos[a + 1], az = pos[a + 2];
          const e1x = pos[b] - ax, e1y = pos[b + 1] - ay, e1z = pos[b + 2] - az;
          const e2x = pos[c] - ax, e2y = pos[c + 1] - ay, e2z = pos[c + 2] - az;
          const px = dy * e2z - dz * e2y;
          const py = dz * e2x - dx * e2z;
          const pz = dx * e2y - dy * e2x;
          const det = e1x * px + e1y * py + e1z * pz;
          if (det > -1e-14 && det < 1e-14) continue;
          const inv = 1 / det;
          const tx = ox - ax, ty = oy - ay, tz = oz - az;
          const u = (tx * px + ty * py + tz * pz) * inv;
          if (u < 0 || u > 1) continue;
          const qx = ty * e1z - tz * e1y;
          const qy = tz * e1x - tx * e1z;
          const qz = tx * e1y - ty * e1x;
          const v = (dx * qx + dy * qy + dz * qz) * inv;
          if (v < 0 || u + v > 1) continue;
          const t = (e2x * qx + e2y * qy + e2z * qz) * inv;
          if (t > near && t < best) {
            best = t;
            bestTri = tri;
          }
        }
      } else {
        const axis = u32[n32 + 7];
        const left = n32 + UINT32_PER_NODE;
        const right = n32 + u32[n32 + 6] * UINT32_PER_NODE;
        const forward = (axis === 0 ? dx : axis === 1 ? dy : dz) >= 0;
        // Push the far child first so the near one is popped first.
        if (forward) {
          stack[sp++] = right;
          stack[sp++] = left;
        } else {
          stack[sp++] = left;
          stack[sp++] = right;
        }
      }
    }
    if (bestTri < 0) return -1;
    this.hitTriangle = bestTri;
    const a = idx[bestTri * 3] * 3;
    const b = idx[bestTri * 3 + 1] * 3;
    const c = idx[bestTri * 3 + 2] * 3;
    const e1x = pos[b] - pos[a], e1y = pos[b + 1] - pos[a + 1], e1z = pos[b + 2] - pos[a + 2];
    const e2x = pos[c] - pos[a], e2y = pos[c + 1] - pos[a + 1], e2z = pos[c + 2] - pos[a + 2];
    let nx = e1y * e2z - e1z * e2y;
    let ny = e1z * e2x - e1x * e2z;
    let nz = e1x * e2y - e1y * e2x;
    const l = Math.sqrt(nx * nx + ny * ny + nz * nz) || 1;
    nx /= l;
    ny /= l;
    nz /= l;
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    return best;
  }

  /** First vertex index of triangle `tri` (for per-vertex attribute lookups). */
  vertexOf(tri: number): number {
    return this.index[tri * 3];
  }
}
