// Sensor scene: structure and surface data, poses follow the world, the walking gait moves the
// legs (silhouette differs between phases), no geometry allocated by update, the custom BVH walk
// agrees with three-mesh-bvh's raycastFirst.
import * as THREE from "three";
import { describe, expect, it } from "vitest";
import { BvhRaycast } from "../../../sim/sensors/scene/BvhRaycast.ts";
import { SceneRaycaster, createRayHit } from "../../../sim/sensors/scene/SceneRaycaster.ts";
import { SCENE_PARAMS, type SensorScene, createSensorScene } from "../../../sim/sensors/scene/SensorScene.ts";
import { SURFACE_MATERIALS, type SurfaceUserData } from "../../../sim/sensors/scene/surfaceMaterials.ts";
import { World } from "../../../sim/world/index.ts";
import { CHILD_ID, PARKED_ID, SENSOR_SCENARIO, WALKER_ID, sensorWorld } from "./fixture.ts";

const STEP = { accelerationMps2: 0, steeringAngleRad: 0 };

function meshes(root: THREE.Object3D): THREE.Mesh[] {
  const out: THREE.Mesh[] = [];
  root.traverse((o) => {
    if (o instanceof THREE.Mesh) out.push(o);
  });
  return out;
}

/** Side-view silhouette of an object: a grid of horizontal rays along the object's lateral axis. */
function silhouette(s: SensorScene, id: number): string {
  const rc = new SceneRaycaster(s);
  const obj = s.objectsById.get(id)!;
  const { x, y } = obj.group.position;
  const yaw = obj.group.rotation.z;
  const fx = Math.cos(yaw), fy = Math.sin(yaw); // forward
  const lx = -fy, ly = fx; // left
  const hit = createRayHit();
  let bits = "";
  for (let zi = 0; zi < 40; zi++) {
    for (let ui = -20; ui <= 20; ui++) {
      const u = ui * 0.025;
      const z = 0.02 + zi * 0.025;
      const ox = x + fx * u + lx * 3;
      const oy = y + fy * u + ly * 3;
      const ok = rc.cast(ox, oy, z, -lx, -ly, 0, 6, hit) && hit.objectId === id;
      bits += ok ? "1" : "0";
    }
  }
  return bits;
}

describe("SensorScene", () => {
  const world = sensorWorld();
  const s = createSensorScene(world);

  it("every mesh carries {objectId, material, reflectivity}; static meshes have id 0", () => {
    const all = meshes(s.scene);
    expect(all.length).toBeGreaterThan(20);
    for (const m of all) {
      const u = m.userData as SurfaceUserData;
      expect(Number.isInteger(u.objectId)).toBe(true);
      expect(SURFACE_MATERIALS).toContain(u.material);
      expect(u.reflectivity).toBeGreaterThanOrEqual(0);
      expect(u.reflectivity).toBeLessThanOrEqual(1);
    }
    for (const m of meshes(s.staticGroup)) expect((m.userData as SurfaceUserData).objectId).toBe(0);
    const mats = new Set(all.map((m) => (m.userData as SurfaceUserData).material));
    expect([...mats].sort()).toEqual([...SURFACE_MATERIALS].sort());
    expect(s.objects.map((o) => o.objectId)).toEqual([WALKER_ID, CHILD_ID, PARKED_ID]);
    expect(s.objectsById.get(WALKER_ID)!.parts).toHaveLength(6); // torso, head, 2 legs, 2 arms
    expect(s.objectsById.get(PARKED_ID)!.parts).toHaveLength(7); // body, cabin, roof, 4 wheels
  });

  it("the sidewalk is raised by the curb height, with the curb face at the road edge", () => {
    const rc = new SceneRaycaster(s);
    const hit = createRayHit();
    // Straight down onto the sidewalk, the road, a crosswalk stripe.
    expect(rc.cast(50, -7, 5, 0, 0, -1, 20, hit)).toBe(true);
    expect(5 - hit.distanceM).toBeCloseTo(SCENE_PARAMS.curbHeightM, 6);
    expect(SURFACE_MATERIALS[hit.materialCode]).toBe("concrete");
    rc.cast(50, -2, 5, 0, 0, -1, 20, hit);
    expect(5 - hit.distanceM).toBeCloseTo(0, 6);
    expect(SURFACE_MATERIALS[hit.materialCode]).toBe("asphalt");
    rc.cast(120, 0.5, 5, 0, 0, -1, 20, hit);
    expect(SURFACE_MATERIALS[hit.materialCode]).toBe("paint");
    // Horizontally at 7 cm height toward the south curb: the curb face at y = −5.5, head-on.
    rc.cast(50, -2, 0.07, 0, -1, 0, 20, hit);
    expect(hit.distanceM).toBeCloseTo(3.5, 6);
    expect(hit.cosIncidence).toBeCloseTo(1, 6);
    expect(SURFACE_MATERIALS[hit.materialCode]).toBe("concrete");
  });

  it("update moves objects to their world pose without allocating geometry", () => {
    const w = sensorWorld();
    const sc = createSensorScene(w);
    const geoms = new Set(meshes(sc.scene).map((m) => m.geometry));
    expect(geoms.size).toBe(4); // the four unit shapes
    for (let i = 0; i < 50; i++) {
      w.step(0.02, STEP);
      sc.update(w);
    }
    expect(new Set(meshes(sc.scene).map((m) => m.geometry))).toEqual(geoms);
    const p = w.pedestrians[0];
    const g = sc.objectsById.get(WALKER_ID)!.group;
    expect(g.position.x).toBe(p.x);
    expect(g.position.y).toBe(p.y);
    expect(g.rotation.z).toBe(p.yaw);
    expect(sc.timeNs).toBe(w.timeNs);
  });

  it("a walking pedestrian's legs swing (silhouettes differ between phases); a standing child's legs stay together", () => {
    const w = sensorWorld();
    const sc = createSensorScene(w);
    const phases: number[] = [];
    const sil: string[] = [];
    // Walker at 1.4 m/s, stride 1.4 m: a quarter cycle every 0.25 s.
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 12; i++) w.step(0.02, STEP), sc.update(w);
      phases.push(sc.walkState(WALKER_ID)!.phase);
      sil.push(silhouette(sc, WALKER_ID));
    }
    expect(sc.walkState(WALKER_ID)!.amplitude).toBeGreaterThan(0.3);
    const diff = (a: string, b: string) => [...a].filter((c, i) => c !== b[i]).length;
    expect(new Set(sil).size).toBe(3);
    expect(Math.max(diff(sil[0], sil[1]), diff(sil[1], sil[2]))).toBeGreaterThan(40); // cells of 2.5 cm
    // Legs: lower ends apart while walking, together for the standing child.
    const legs = (id: number) => {
      const parts = sc.objectsById.get(id)!.parts;
      return [parts[2], parts[3]].map((m) => m.position.x);
    };
    const [l, r] = legs(WALKER_ID);
    expect(Math.abs(l - r)).toBeGreaterThan(0.05);
    const [cl, cr] = legs(CHILD_ID);
    expect(Math.abs(cl)).toBe(0);
    expect(Math.abs(cr)).toBe(0);
    expect(sc.walkState(CHILD_ID)!.amplitude).toBe(0);
    // Children are smaller.
    const size = (id: number) => new THREE.Box3().setFromObject(sc.objectsById.get(id)!.group).getSize(new THREE.Vector3());
    expect(size(CHILD_ID).z).toBeCloseTo(1.15, 2);
    expect(size(WALKER_ID).z).toBeGreaterThan(1.65);
    // Both feet on the ground while walking (the body sinks as the legs open).
    const footZ = new THREE.Box3().setFromObject(sc.objectsById.get(WALKER_ID)!.group).min.z;
    expect(Math.abs(footZ)).toBeLessThan(0.03); // the box-leg's toe corner dips a little
  });

  it("describe() is JSON-serialisable and lists the dynamic parts in dynamicMatrices() order", () => {
    const d = s.describe();
    const json = JSON.parse(JSON.stringify(d));
    expect(json.frame).toBe("map");
    expect(json.parts.length).toBe(meshes(s.scene).length);
    const m = s.dynamicMatrices();
    expect(m.length).toBe(d.dynamicParts.length * 16);
    const first = d.parts[d.dynamicParts[0]];
    expect(Array.from(m.subarray(0, 16))).toEqual(first.matrix.map((v) => Math.fround(v)));
    expect(s.sceneJson()).toHaveProperty("object");
  });

  it("traffic that leaves the street is hidden and no longer hit", () => {
    const w = new World({ ...SENSOR_SCENARIO, vehicles: [{ lane: "westbound", xM: 3, speedMps: 10 }] }, 1);
    const sc = createSensorScene(w);
    expect(sc.objectsById.get(201)!.group.visible).toBe(true);
    for (let i = 0; i < 100; i++) w.step(0.02, STEP);
    sc.update(w);
    expect(sc.objectsById.get(201)!.group.visible).toBe(false);
  });
});

describe("BvhRaycast", () => {
  it("agrees with three-mesh-bvh's raycastFirst on the static street (distance and triangle)", () => {
    const s = createSensorScene(sensorWorld());
    const rc = new SceneRaycaster(s);
    const cast = new BvhRaycast(rc.staticBvh);
    const ray = new THREE.Ray();
    let n = 0;
    for (let a = 0; a < 360; a += 1.7) {
      for (let e = -30; e <= 15; e += 2.5) {
        const az = (a * Math.PI) / 180;
        const el = (e * Math.PI) / 180;
        const d = new THREE.Vector3(Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el));
        ray.set(new THREE.Vector3(40, -1.75, 1.9), d);
        const ref = rc.staticBvh.raycastFirst(ray, THREE.DoubleSide, 0, 300);
        const t = cast.firstHit(40, -1.75, 1.9, d.x, d.y, d.z, 0, 300);
        if (!ref) {
          expect(t).toBe(-1);
          continue;
        }
        n++;
        expect(t).toBeCloseTo(ref.distance, 6);
        expect(Math.abs(cast.nx * ref.face!.normal.x + cast.ny * ref.face!.normal.y + cast.nz * ref.face!.normal.z)).toBeCloseTo(1, 6);
      }
    }
    expect(n).toBeGreaterThan(3000);
  });
});
