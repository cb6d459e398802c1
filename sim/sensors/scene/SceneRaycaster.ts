// First-hit ray casting against a SensorScene, for the LiDAR (and anything else that needs rays).
//
// - Static street: every static mesh merged once, in the map frame, into one geometry with one
//   three-mesh-bvh MeshBVH (SAH); per-vertex material and reflectivity tables.
// - Dynamic objects: every part is a rigid, scaled unit shape, so each shape has ONE BVH in its own
//   unit frame, shared by all parts. A ray is taken into a part's frame with the part's inverse
//   matrix (refreshed once per scene update), so moving objects and swinging limbs need neither a
//   rebuild nor a refit. Parts are tested only for objects whose bounding sphere the ray meets,
//   among the objects pre-selected for the current azimuth sector (`selectSector`).
//
// No allocation per ray: the trees are three-mesh-bvh's, walked by BvhRaycast (flat typed arrays,
// explicit stack) instead of MeshBVH.raycastFirst, which allocates per call.
import * as THREE from "three";
import { MeshBVH, SAH } from "three-mesh-bvh";
import { BvhRaycast } from "./BvhRaycast.ts";
import type { SensorScene } from "./SensorScene.ts";
import { unitShapes } from "./shapes.ts";
import { materialCode, type SurfaceUserData } from "./surfaceMaterials.ts";

/** The result of one cast, written into a caller-owned object. */
export interface RayHit {
  /** Distance along the (unit) ray, m. */
  distanceM: number;
  /** Ground-truth object id, 0 for the static street. */
  objectId: number;
  /** Index in SURFACE_MATERIALS. */
  materialCode: number;
  reflectivity: number;
  /** |cos| of the angle between the ray and the surface normal. */
  cosIncidence: number;
}

export function createRayHit(): RayHit {
  return { distanceM: 0, objectId: 0, materialCode: 0, reflectivity: 0, cosIncidence: 1 };
}

export class SceneRaycaster {
  readonly sensorScene: SensorScene;
  readonly staticBvh: MeshBVH;
  readonly staticTriangles: number;
  private readonly staticMaterial: Uint8Array;
  private readonly staticReflectivity: Float32Array;
  private readonly shapeBvh = new Map<THREE.BufferGeometry, MeshBVH>();
  private readonly staticCast: BvhRaycast;

  // Per part (flat): inverse matrix rows (3×4), bvh, object index, material, reflectivity.
  private readonly partInv: Float64Array;
  private readonly partBvh: BvhRaycast[];
  private readonly partMaterial: Uint8Array;
  private readonly partReflectivity: Float32Array;
  private readonly partObjectId: Int32Array;
  // Per object: part range, bounding sphere (map frame), visibility.
  private readonly objFirstPart: Int32Array;
  private readonly objPartCount: Int32Array;
  private readonly objSphere: Float64Array;
  private readonly objVisible: Uint8Array;
  private readonly candidates: Int32Array;
  private nCandidates = 0;
  private seenVersion = -1;

  private readonly matrix = new THREE.Matrix4();

  constructor(sensorScene: SensorScene) {
    this.sensorScene = sensorScene;
    // --- static merge (map frame) ---
    const meshes: THREE.Mesh[] = [];
    sensorScene.staticGroup.updateMatrixWorld(true);
    sensorScene.staticGroup.traverse((o) => {
      if (o instanceof THREE.Mesh) meshes.push(o);
    });
    let nVerts = 0;
    let nIdx = 0;
    for (const m of meshes) {
      nVerts += m.geometry.getAttribute("position").count;
      nIdx += m.geometry.index ? m.geometry.index.count : m.geometry.getAttribute("position").count;
    }
    const pos = new Float32Array(nVerts * 3);
    const index = new Uint32Array(nIdx);
    this.staticMaterial = new Uint8Array(nVerts);
    this.staticReflectivity = new Float32Array(nVerts);
    const v = new THREE.Vector3();
    let vo = 0;
    let io = 0;
    for (const m of meshes) {
      const u = m.userData as SurfaceUserData;
      const p = m.geometry.getAttribute("position");
      for (let i = 0; i < p.count; i++) {
        v.fromBufferAttribute(p, i).applyMatrix4(m.matrixWorld);
        pos[(vo + i) * 3] = v.x;
        pos[(vo + i) * 3 + 1] = v.y;
        pos[(vo + i) * 3 + 2] = v.z;
        this.staticMaterial[vo + i] = materialCode(u.material);
        this.staticReflectivity[vo + i] = u.reflectivity;
      }
      const idx = m.geometry.index;
      if (idx) for (let i = 0; i < idx.count; i++) index[io++] = vo + idx.getX(i);
      else for (let i = 0; i < p.count; i++) index[io++] = vo + i;
      vo += p.count;
    }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.BufferAttribute(pos, 3));
    geometry.setIndex(new THREE.BufferAttribute(index, 1));
    this.staticBvh = new MeshBVH(geometry, { strategy: SAH, targetLeafSize: 4 });
    this.staticTriangles = nIdx / 3;
    this.staticCast = new BvhRaycast(this.staticBvh);

    // --- dynamic parts ---
    const shapes = unitShapes();
    const shapeCast = new Map<THREE.BufferGeometry, BvhRaycast>();
    for (const g of [shapes.box, shapes.cylinder, shapes.sphere, shapes.plane]) {
      // A copy without the per-face groups (one BVH root instead of one per group); the shared
      // render geometry stays untouched.
      const copy = g.clone();
      copy.clearGroups();
      const bvh = new MeshBVH(copy, { strategy: SAH, targetLeafSize: 4 });
      this.shapeBvh.set(g, bvh);
      shapeCast.set(g, new BvhRaycast(bvh));
    }
    const objects = sensorScene.objects;
    let nParts = 0;
    for (const o of objects) nParts += o.parts.length;
    this.partInv = new Float64Array(nParts * 12);
    this.partBvh = new Array(nParts);
    this.partMaterial = new Uint8Array(nParts);
    this.partReflectivity = new Float32Array(nParts);
    this.partObjectId = new Int32Array(nParts);
    this.objFirstPart = new Int32Array(objects.length);
    this.objPartCount = new Int32Array(objects.length);
    this.objSphere = new Float64Array(objects.length * 4);
    this.objVisible = new Uint8Array(objects.length);
    this.candidates = new Int32Array(objects.length);
    let k = 0;
    objects.forEach((o, oi) => {
      this.objFirstPart[oi] = k;
      this.objPartCount[oi] = o.parts.length;
      for (const part of o.parts) {
        const u = part.userData as SurfaceUserData;
        const bvh = shapeCast.get(part.geometry);
        if (!bvh) throw new Error("sensor scene: dynamic part without a unit shape");
        this.partBvh[k] = bvh;
        this.partMaterial[k] = materialCode(u.material);
        this.partReflectivity[k] = u.reflectivity;
        this.partObjectId[k] = u.objectId;
        k++;
      }
    });
    this.refresh();
  }

  /** Re-reads the dynamic transforms if the scene was updated since (cheap; call before a sweep). */
  refresh(): void {
    const s = this.sensorScene;
    if (s.version === this.seenVersion) return;
    this.seenVersion = s.version;
    const inv = this.partInv;
    const mtx = this.matrix;
    s.objects.forEach((o, oi) => {
      const g = o.group;
      this.objVisible[oi] = g.visible ? 1 : 0;
      const c = oi * 4;
      this.objSphere[c] = g.position.x;
      this.objSphere[c + 1] = g.position.y;
      this.objSphere[c + 2] = o.boundingCenterZM;
      this.objSphere[c + 3] = o.boundingRadiusM;
      let k = this.objFirstPart[oi];
      for (const part of o.parts) {
        mtx.copy(part.matrixWorld).invert();
        const e = mtx.elements; // column-major
        const b = k * 12;
        inv[b] = e[0];
        inv[b + 1] = e[4];
        inv[b + 2] = e[8];
        inv[b + 3] = e[12];
        inv[b + 4] = e[1];
        inv[b + 5] = e[5];
        inv[b + 6] = e[9];
        inv[b + 7] = e[13];
        inv[b + 8] = e[2];
        inv[b + 9] = e[6];
        inv[b + 10] = e[10];
        inv[b + 11] = e[14];
        k++;
      }
    });
    this.selectAll();
  }

  /** Makes every visible object a candidate (no culling). */
  selectAll(): void {
    let n = 0;
    for (let i = 0; i < this.objVisible.length; i++) if (this.objVisible[i]) this.candidates[n++] = i;
    this.nCandidates = n;
  }

  /**
   * Culls objects to those that can meet a ray from (ox, oy) whose horizontal direction (map frame,
   * counter-clockwise from +x) lies within `halfWidthRad` of `centerRad`.
   */
  selectSector(ox: number, oy: number, centerRad: number, halfWidthRad: number): void {
    let n = 0;
    const sph = this.objSphere;
    for (let i = 0; i < this.objVisible.length; i++) {
      if (!this.objVisible[i]) continue;
      const dx = sph[i * 4] - ox;
      const dy = sph[i * 4 + 1] - oy;
      const r = sph[i * 4 + 3];
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d <= r + 0.05) {
        this.candidates[n++] = i;
        continue;
      }
      let diff = Math.atan2(dy, dx) - centerRad;
      diff -= 2 * Math.PI * Math.round(diff / (2 * Math.PI));
      if (Math.abs(diff) <= Math.asin(r / d) + halfWidthRad) this.candidates[n++] = i;
    }
    this.nCandidates = n;
  }

  get candidateCount(): number {
    return this.nCandidates;
  }

  /**
   * First hit of the ray o + t·d (d a unit vector), 0 < t ≤ maxRangeM, among the static street and
   * the current candidates. Fills `hit` and returns true, or returns false (nothing within range).
   */
  cast(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, maxRangeM: number, hit: RayHit): boolean {
    let best = maxRangeM;
    let found = false;
    const sc = this.staticCast;
    const ts = sc.firstHit(ox, oy, oz, dx, dy, dz, 0, best);
    if (ts > 0) {
      best = ts;
      found = true;
      const vtx = sc.vertexOf(sc.hitTriangle);
      hit.objectId = 0;
      hit.materialCode = this.staticMaterial[vtx];
      hit.reflectivity = this.staticReflectivity[vtx];
      hit.cosIncidence = Math.abs(sc.nx * dx + sc.ny * dy + sc.nz * dz);
    }
    const sph = this.objSphere;
    const inv = this.partInv;
    for (let ci = 0; ci < this.nCandidates; ci++) {
      const oi = this.candidates[ci];
      const s = oi * 4;
      const ocx = sph[s] - ox;
      const ocy = sph[s + 1] - oy;
      const ocz = sph[s + 2] - oz;
      const r = sph[s + 3];
      const tca = ocx * dx + ocy * dy + ocz * dz;
      const d2 = ocx * ocx + ocy * ocy + ocz * ocz - tca * tca;
      if (d2 > r * r) continue;
      const thc = Math.sqrt(r * r - d2);
      if (tca - thc > best || tca + thc < 0) continue;
      const p0 = this.objFirstPart[oi];
      const p1 = p0 + this.objPartCount[oi];
      for (let p = p0; p < p1; p++) {
        const b = p * 12;
        const lox = inv[b] * ox + inv[b + 1] * oy + inv[b + 2] * oz + inv[b + 3];
        const loy = inv[b + 4] * ox + inv[b + 5] * oy + inv[b + 6] * oz + inv[b + 7];
        const loz = inv[b + 8] * ox + inv[b + 9] * oy + inv[b + 10] * oz + inv[b + 11];
        const ldx = inv[b] * dx + inv[b + 1] * dy + inv[b + 2] * dz;
        const ldy = inv[b + 4] * dx + inv[b + 5] * dy + inv[b + 6] * dz;
        const ldz = inv[b + 8] * dx + inv[b + 9] * dy + inv[b + 10] * dz;
        // Unnormalised local direction: the ray parameter t is the same in both frames.
        const pc = this.partBvh[p];
        const t = pc.firstHit(lox, loy, loz, ldx, ldy, ldz, 0, best);
        if (t < 0) continue;
        best = t;
        found = true;
        hit.objectId = this.partObjectId[p];
        hit.materialCode = this.partMaterial[p];
        hit.reflectivity = this.partReflectivity[p];
        // World normal = inverse-transpose · local normal.
        const nx = inv[b] * pc.nx + inv[b + 4] * pc.ny + inv[b + 8] * pc.nz;
        const ny = inv[b + 1] * pc.nx + inv[b + 5] * pc.ny + inv[b + 9] * pc.nz;
        const nz = inv[b + 2] * pc.nx + inv[b + 6] * pc.ny + inv[b + 10] * pc.nz;
        const nl = Math.sqrt(nx * nx + ny * ny + nz * nz) || 1;
        hit.cosIncidence = Math.abs(nx * dx + ny * dy + nz * dz) / nl;
      }
    }
    if (found) hit.distanceM = best;
    return found;
  }
}
