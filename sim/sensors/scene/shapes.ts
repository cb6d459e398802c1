// The few unit shapes every mesh of the sensor scene is made of. Meshes share them and carry their
// size in `mesh.scale`, so a scene never allocates geometry after it is built, and a ray caster can
// keep one BVH per shape (sim/sensors/scene/SceneRaycaster.ts).
import * as THREE from "three";

export type ShapeKind = "box" | "cylinder" | "sphere" | "plane";

/** Unit shapes: box 1×1×1 centred; cylinder diameter 1, height 1, axis along local y; sphere diameter 1; plane 1×1 in xy facing +z. */
export interface UnitShapes {
  readonly box: THREE.BufferGeometry;
  readonly cylinder: THREE.BufferGeometry;
  readonly sphere: THREE.BufferGeometry;
  readonly plane: THREE.BufferGeometry;
}

let shared: UnitShapes | undefined;

/** The process-wide unit shapes (built once; never mutate them). */
export function unitShapes(): UnitShapes {
  if (!shared) {
    shared = Object.freeze({
      box: new THREE.BoxGeometry(1, 1, 1),
      cylinder: new THREE.CylinderGeometry(0.5, 0.5, 1, 12, 1, false),
      sphere: new THREE.SphereGeometry(0.5, 10, 8),
      plane: new THREE.PlaneGeometry(1, 1),
    });
  }
  return shared;
}

export function shapeOf(geometry: THREE.BufferGeometry): ShapeKind {
  const s = unitShapes();
  if (geometry === s.box) return "box";
  if (geometry === s.cylinder) return "cylinder";
  if (geometry === s.sphere) return "sphere";
  if (geometry === s.plane) return "plane";
  throw new Error("sensor scene: mesh does not use a unit shape");
}
