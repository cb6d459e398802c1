// The sensor scene: the object-level World turned into three.js geometry that LiDAR rays, radar
// waves and camera pixels can hit. Map frame: x east, y north, z up (metres); the scene does not
// touch THREE.Object3D.DEFAULT_UP — renderers set `camera.up.set(0, 0, 1)`.
//
// Everything is built from four shared unit shapes (shapes.ts) scaled per mesh, so `update(world)`
// only moves meshes: no geometry is ever allocated after construction.
import * as THREE from "three";
import type { ParkedCar, Pedestrian, Street, TrafficVehicle, World } from "../../world/index.ts";
import { shapeOf, unitShapes, type ShapeKind } from "./shapes.ts";
import { DEFAULT_COLOR, DEFAULT_REFLECTIVITY, type SurfaceMaterial, type SurfaceUserData } from "./surfaceMaterials.ts";

/** Scene-building constants (metres). */
export const SCENE_PARAMS = Object.freeze({
  /** Sidewalk top above the road: the curb face height. */
  curbHeightM: 0.15,
  /** The road and sidewalks continue this far beyond both street ends (the map stops at [0, L]). */
  streetExtensionM: 40,
  /** Ground (concrete, at curb height) behind each sidewalk, under the buildings, this deep. */
  backgroundDepthM: 40,
  /** Painted markings sit this far above the road (thin quads). */
  paintLiftM: 0.003,
  crosswalkStripeWidthM: 0.5,
  crosswalkStripeGapM: 0.5,
  laneLineWidthM: 0.12,
});

/** Pedestrian body proportions, as fractions of the height (adult 1.75 m, child 1.15 m). */
export const BODY = Object.freeze({
  hipZ: 0.47,
  legLength: 0.47,
  legThickness: 0.07,
  hipHalfSpacing: 0.055,
  torsoBottom: 0.47,
  torsoTop: 0.81,
  torsoDepth: 0.12,
  torsoWidth: 0.2,
  shoulderZ: 0.8,
  armLength: 0.36,
  armThickness: 0.045,
  headDiameter: 0.125,
  /** Stride (two steps) as a fraction of the height: one walking cycle per stride. */
  stride: 0.8,
});

/** Leg swing amplitude (rad) at walking speed v: 0 standing, ~0.4 walking, up to 0.7 running. */
export function legSwingAmplitude(speedMps: number): number {
  if (speedMps < 0.05) return 0;
  return Math.min(0.7, 0.25 + 0.13 * speedMps);
}

export type DynamicKind = "pedestrian" | "parked" | "traffic";

/** One moving (or movable) object of the scene: a group of part meshes. */
export interface SceneObject {
  readonly objectId: number;
  readonly kind: DynamicKind;
  readonly group: THREE.Group;
  readonly parts: readonly THREE.Mesh[];
  /** Bounding sphere radius around the group origin lifted to half height (m). */
  readonly boundingRadiusM: number;
  /** Bounding sphere centre height above the ground (m). */
  readonly boundingCenterZM: number;
}

/** A serialisable part for the browser renderer: a unit shape, its material and its map-frame matrix. */
export interface ScenePartDescription {
  objectId: number;
  material: SurfaceMaterial;
  reflectivity: number;
  /** 0xRRGGBB */
  color: number;
  shape: ShapeKind;
  /** Moves with `update` (its matrix comes from `dynamicMatrices()` afterwards). */
  dynamic: boolean;
  /** Column-major 4×4 (THREE.Matrix4.elements): unit shape → map frame, scale included. */
  matrix: number[];
}

export interface SceneDescription {
  frame: "map";
  up: [0, 0, 1];
  /** Unit shapes: box 1×1×1 centred; cylinder diameter 1 × height 1 along local y (12 segments); sphere diameter 1; plane 1×1 in xy facing +z. */
  shapes: Record<ShapeKind, string>;
  parts: ScenePartDescription[];
  /** Indices into `parts` of the dynamic parts, in the order of `dynamicMatrices()`. */
  dynamicParts: number[];
}

interface WalkState {
  lastX: number;
  lastY: number;
  lastNs: bigint;
  /** Walking-cycle phase, rad: advances 2π per stride walked. */
  phase: number;
  amplitude: number;
}

const CAR_PALETTE = [0x8a1c1c, 0x1c3f8a, 0xd8d8d8, 0x202020, 0x6b6b6b, 0x2f5d3a, 0xc8b27a, 0x7a1f5c];
const CAR_REFLECTIVITY = [0.35, 0.3, 0.7, 0.12, 0.45, 0.3, 0.55, 0.3];
const CLOTHING_PALETTE = [0x30475e, 0x7b2e2e, 0xe0d8c8, 0x1a1a1a, 0x4f6d3a, 0xb58b3c, 0x5a4a7a];
const CLOTHING_REFLECTIVITY = [0.25, 0.35, 0.65, 0.1, 0.3, 0.5, 0.3];

/** Vehicle shape proportions per kind. */
interface VehicleShape {
  wheelRadiusM: number;
  wheelWidthM: number;
  groundClearanceM: number;
  /** Lower body top, fraction of the height. */
  bodyTop: number;
  /** Cabin (glass) length as a fraction of the length, and its centre offset (fraction, + = forward). */
  cabinLength: number;
  cabinOffset: number;
  roofThicknessM: number;
  /** Axle positions from the centre, fractions of the half length. */
  axle: number;
}

function vehicleShape(kind: string): VehicleShape {
  switch (kind) {
    case "bus":
      return { wheelRadiusM: 0.5, wheelWidthM: 0.3, groundClearanceM: 0.3, bodyTop: 0.36, cabinLength: 0.98, cabinOffset: 0, roofThicknessM: 0.5, axle: 0.62 };
    case "van":
      return { wheelRadiusM: 0.36, wheelWidthM: 0.24, groundClearanceM: 0.22, bodyTop: 0.5, cabinLength: 0.86, cabinOffset: -0.05, roofThicknessM: 0.25, axle: 0.64 };
    default:
      return { wheelRadiusM: 0.33, wheelWidthM: 0.22, groundClearanceM: 0.18, bodyTop: 0.62, cabinLength: 0.52, cabinOffset: -0.06, roofThicknessM: 0.07, axle: 0.64 };
  }
}

function makeMaterial(color: number): THREE.MeshStandardMaterial {
  return new THREE.MeshStandardMaterial({ color, roughness: 0.8, metalness: 0 });
}

/**
 * The three.js scene of a World. Build once per World with `createSensorScene`, then call
 * `update(world)` whenever the world has stepped (any number of steps).
 */
export class SensorScene {
  readonly scene = new THREE.Scene();
  /** Everything that never moves (objectId 0): road, sidewalks, curbs, markings, buildings. */
  readonly staticGroup = new THREE.Group();
  readonly dynamicGroup = new THREE.Group();
  /** Pedestrians, parked vehicles, traffic; in that order. */
  readonly objects: SceneObject[] = [];
  readonly objectsById = new Map<number, SceneObject>();
  /** Sim time of the last update (ns). */
  timeNs = -1n;
  /** Bumped by every update: ray casters compare it to know when to refresh their transforms. */
  version = 0;

  private readonly materials = new Map<number, THREE.MeshStandardMaterial>();
  private readonly walk = new Map<number, WalkState>();
  private readonly pedestrianParts = new Map<number, PedestrianParts>();

  constructor(world: World) {
    this.scene.name = "curb-sensor-scene";
    this.staticGroup.name = "static";
    this.dynamicGroup.name = "dynamic";
    this.scene.add(this.staticGroup, this.dynamicGroup);
    buildStatic(this, world.street);
    for (const p of world.pedestrians) this.addPedestrian(p);
    for (const c of world.parkedCars) this.addVehicle(c, "parked");
    for (const v of world.vehicles) this.addVehicle(v, "traffic");
    this.staticGroup.updateMatrixWorld(true);
    this.update(world);
  }

  /** A shared material per colour (three.js materials are for renderers; LiDAR uses userData). */
  material(color: number): THREE.MeshStandardMaterial {
    let m = this.materials.get(color);
    if (!m) {
      m = makeMaterial(color);
      this.materials.set(color, m);
    }
    return m;
  }

  /** A mesh of a unit shape with its surface data. */
  part(shape: ShapeKind, surface: SurfaceUserData, color = DEFAULT_COLOR[surface.material]): THREE.Mesh {
    const mesh = new THREE.Mesh(unitShapes()[shape], this.material(color));
    mesh.userData = { ...surface } satisfies SurfaceUserData;
    mesh.name = surface.material;
    return mesh;
  }

  /** Moves every dynamic object to its pose in `world` and animates pedestrian limbs. No allocation of geometry. */
  update(world: World): void {
    const now = world.timeNs;
    for (const p of world.pedestrians) this.updatePedestrian(p, now);
    for (const c of world.parkedCars) this.placeVehicle(c.id, c.x, c.y, c.yaw, true);
    for (const v of world.vehicles) this.placeVehicle(v.id, v.x, v.y, v.yaw, v.active);
    this.dynamicGroup.updateMatrixWorld(true);
    this.timeNs = now;
    this.version++;
  }

  /** Walking phase (rad) and swing amplitude (rad) of a pedestrian after the last update. */
  walkState(objectId: number): { phase: number; amplitude: number } | undefined {
    const w = this.walk.get(objectId);
    return w ? { phase: w.phase, amplitude: w.amplitude } : undefined;
  }

  /** A compact, JSON-serialisable description (every part: unit shape, material, colour, map-frame matrix). */
  describe(): SceneDescription {
    const parts: ScenePartDescription[] = [];
    const dynamicParts: number[] = [];
    const add = (mesh: THREE.Mesh, dynamic: boolean) => {
      const u = mesh.userData as SurfaceUserData;
      if (dynamic) dynamicParts.push(parts.length);
      parts.push({
        objectId: u.objectId,
        material: u.material,
        reflectivity: u.reflectivity,
        color: (mesh.material as THREE.MeshStandardMaterial).color.getHex(),
        shape: shapeOf(mesh.geometry),
        dynamic,
        matrix: Array.from(mesh.matrixWorld.elements),
      });
    };
    this.staticGroup.traverse((o) => {
      if (o instanceof THREE.Mesh) add(o, false);
    });
    for (const obj of this.objects) for (const m of obj.parts) add(m, true);
    return {
      frame: "map",
      up: [0, 0, 1],
      shapes: {
        box: "THREE.BoxGeometry(1, 1, 1)",
        cylinder: "THREE.CylinderGeometry(0.5, 0.5, 1, 12)",
        sphere: "THREE.SphereGeometry(0.5, 10, 8)",
        plane: "THREE.PlaneGeometry(1, 1)",
      },
      parts,
      dynamicParts,
    };
  }

  /**
   * The current matrices of the dynamic parts (16 floats each, column-major, in `describe().dynamicParts`
   * order); a hidden part (traffic that left the street) gets an all-zero matrix. Writes into `out`.
   */
  dynamicMatrices(out?: Float32Array): Float32Array {
    let n = 0;
    for (const obj of this.objects) n += obj.parts.length;
    const m = out && out.length >= n * 16 ? out : new Float32Array(n * 16);
    let k = 0;
    for (const obj of this.objects) {
      for (const part of obj.parts) {
        if (obj.group.visible) m.set(part.matrixWorld.elements, k);
        else m.fill(0, k, k + 16);
        k += 16;
      }
    }
    return m;
  }

  /** `scene.toJSON()` (three's own object format: geometries are shared, so it stays small). */
  sceneJson(): unknown {
    return this.scene.toJSON();
  }

  private register(obj: SceneObject): void {
    this.objects.push(obj);
    this.objectsById.set(obj.objectId, obj);
    this.dynamicGroup.add(obj.group);
  }

  private addPedestrian(p: Pedestrian): void {
    const h = p.heightM;
    const s = h / 1.75; // thickness scale: children are slimmer too
    const ci = p.id % CLOTHING_PALETTE.length;
    const clothing: SurfaceUserData = { objectId: p.id, material: "clothing", reflectivity: CLOTHING_REFLECTIVITY[ci] };
    const pants: SurfaceUserData = { objectId: p.id, material: "clothing", reflectivity: CLOTHING_REFLECTIVITY[(ci + 3) % CLOTHING_REFLECTIVITY.length] };
    const skin: SurfaceUserData = { objectId: p.id, material: "skin", reflectivity: DEFAULT_REFLECTIVITY.skin };
    const torso = this.part("box", clothing, CLOTHING_PALETTE[ci]);
    torso.scale.set(BODY.torsoDepth * 1.75 * s, BODY.torsoWidth * 1.75 * s, (BODY.torsoTop - BODY.torsoBottom) * h);
    torso.position.set(0, 0, ((BODY.torsoTop + BODY.torsoBottom) / 2) * h);
    const head = this.part("sphere", skin);
    const hd = BODY.headDiameter * h;
    head.scale.set(hd * 0.9, hd * 0.8, hd * 1.15);
    head.position.set(0, 0, h - (hd * 1.15) / 2);
    const legColor = CLOTHING_PALETTE[(ci + 3) % CLOTHING_PALETTE.length];
    const legL = this.part("box", pants, legColor);
    const legR = this.part("box", pants, legColor);
    const armL = this.part("box", clothing, CLOTHING_PALETTE[ci]);
    const armR = this.part("box", clothing, CLOTHING_PALETTE[ci]);
    const legT = BODY.legThickness * 1.75 * s;
    const armT = BODY.armThickness * 1.75 * s;
    for (const leg of [legL, legR]) leg.scale.set(legT, legT, BODY.legLength * h);
    for (const arm of [armL, armR]) arm.scale.set(armT, armT, BODY.armLength * h);
    const group = new THREE.Group();
    group.name = `pedestrian-${p.id}`;
    const parts = [torso, head, legL, legR, armL, armR];
    group.add(...parts);
    this.register({ objectId: p.id, kind: "pedestrian", group, parts, boundingRadiusM: Math.hypot(h / 2, 0.45 * s), boundingCenterZM: h / 2 });
    this.pedestrianParts.set(p.id, {
      legL,
      legR,
      armL,
      armR,
      hipZ: BODY.hipZ * h,
      hipY: BODY.hipHalfSpacing * 1.75 * s,
      legLen: BODY.legLength * h,
      shoulderZ: BODY.shoulderZ * h,
      shoulderY: (BODY.torsoWidth * 1.75 * s) / 2 + armT / 2 + 0.005,
      armLen: BODY.armLength * h,
      strideM: BODY.stride * h,
    });
    this.walk.set(p.id, { lastX: p.x, lastY: p.y, lastNs: -1n, phase: 0, amplitude: 0 });
  }

  private addVehicle(v: ParkedCar | TrafficVehicle, kind: "parked" | "traffic"): void {
    const L = v.lengthM;
    const W = v.widthM;
    const H = v.heightM;
    const shape = vehicleShape(v.kind);
    const pi = v.id % CAR_PALETTE.length;
    const body: SurfaceUserData = { objectId: v.id, material: "car_body", reflectivity: CAR_REFLECTIVITY[pi] };
    const glass: SurfaceUserData = { objectId: v.id, material: "glass", reflectivity: DEFAULT_REFLECTIVITY.glass };
    const tire: SurfaceUserData = { objectId: v.id, material: "tire", reflectivity: DEFAULT_REFLECTIVITY.tire };
    const color = v.kind === "bus" ? 0xd9a21b : CAR_PALETTE[pi];
    const bodyTop = shape.bodyTop * H;
    const lower = this.part("box", body, color);
    lower.scale.set(L, W, bodyTop - shape.groundClearanceM);
    lower.position.set(0, 0, (bodyTop + shape.groundClearanceM) / 2);
    const cabinL = shape.cabinLength * L;
    const roofBottom = H - shape.roofThicknessM;
    const cabin = this.part("box", glass);
    cabin.scale.set(cabinL, W - 0.08, roofBottom - bodyTop);
    cabin.position.set(shape.cabinOffset * L, 0, (roofBottom + bodyTop) / 2);
    const roof = this.part("box", body, color);
    roof.scale.set(cabinL, W - 0.08, shape.roofThicknessM);
    roof.position.set(shape.cabinOffset * L, 0, H - shape.roofThicknessM / 2);
    const parts: THREE.Mesh[] = [lower, cabin, roof];
    const r = shape.wheelRadiusM;
    for (const sx of [1, -1]) {
      for (const sy of [1, -1]) {
        const wheel = this.part("cylinder", tire);
        wheel.scale.set(2 * r, shape.wheelWidthM, 2 * r);
        wheel.position.set(sx * shape.axle * (L / 2), sy * (W / 2 - shape.wheelWidthM / 2 + 0.01), r);
        parts.push(wheel);
      }
    }
    const group = new THREE.Group();
    group.name = `${kind}-${v.id}`;
    group.add(...parts);
    this.register({ objectId: v.id, kind, group, parts, boundingRadiusM: 0.5 * Math.hypot(L, W, H) + 0.05, boundingCenterZM: H / 2 });
  }

  private placeVehicle(id: number, x: number, y: number, yaw: number, visible: boolean): void {
    const obj = this.objectsById.get(id);
    if (!obj) return;
    obj.group.position.set(x, y, 0);
    obj.group.rotation.set(0, 0, yaw);
    obj.group.visible = visible;
  }

  private updatePedestrian(p: Pedestrian, now: bigint): void {
    const obj = this.objectsById.get(p.id);
    const w = this.walk.get(p.id);
    const parts = this.pedestrianParts.get(p.id);
    if (!obj || !w || !parts) return;
    const d = Math.hypot(p.x - w.lastX, p.y - w.lastY);
    if (w.lastNs >= 0n && now > w.lastNs) {
      const dt = Number(now - w.lastNs) / 1e9;
      w.phase = (w.phase + (2 * Math.PI * d) / parts.strideM) % (2 * Math.PI);
      w.amplitude = legSwingAmplitude(d / dt);
    }
    w.lastX = p.x;
    w.lastY = p.y;
    w.lastNs = now;
    const swing = w.amplitude * Math.sin(w.phase);
    // The body sinks as the legs open, so both feet stay on the ground (straight legs, no knees).
    obj.group.position.set(p.x, p.y, -parts.legLen * (1 - Math.cos(swing)));
    obj.group.rotation.set(0, 0, p.yaw);
    poseLimb(parts.legL, swing, parts.hipY, parts.hipZ, parts.legLen);
    poseLimb(parts.legR, -swing, -parts.hipY, parts.hipZ, parts.legLen);
    // Arms swing opposite to the leg on their side, less far.
    poseLimb(parts.armL, -0.8 * swing, parts.shoulderY, parts.shoulderZ, parts.armLen);
    poseLimb(parts.armR, 0.8 * swing, -parts.shoulderY, parts.shoulderZ, parts.armLen);
  }
}

interface PedestrianParts {
  legL: THREE.Mesh;
  legR: THREE.Mesh;
  armL: THREE.Mesh;
  armR: THREE.Mesh;
  hipZ: number;
  hipY: number;
  legLen: number;
  shoulderZ: number;
  shoulderY: number;
  armLen: number;
  strideM: number;
}

/**
 * A limb hanging from a joint at (0, jointY, jointZ), rotated by `angle` about the body's lateral
 * axis (positive: the lower end swings forward, toward +x).
 */
function poseLimb(mesh: THREE.Mesh, angle: number, jointY: number, jointZ: number, length: number): void {
  const half = length / 2;
  mesh.position.set(half * Math.sin(angle), jointY, jointZ - half * Math.cos(angle));
  mesh.rotation.set(0, -angle, 0);
}

/** Road, sidewalks with curbs, markings and buildings: static meshes (objectId 0). */
function buildStatic(s: SensorScene, street: Street): void {
  const P = SCENE_PARAMS;
  const L = street.params.lengthM;
  const x0 = -P.streetExtensionM;
  const x1 = L + P.streetExtensionM;
  const cx = (x0 + x1) / 2;
  const len = x1 - x0;
  const curb = street.curbYM;
  const g = s.staticGroup;
  const surf = (material: SurfaceMaterial): SurfaceUserData => ({ objectId: 0, material, reflectivity: DEFAULT_REFLECTIVITY[material] });

  const road = s.part("plane", surf("asphalt"));
  road.scale.set(len, 2 * curb, 1);
  road.position.set(cx, 0, 0);
  road.name = "road";
  g.add(road);

  // Sidewalks and the ground behind them: one raised concrete box per side; its road-facing side is the curb face.
  const back = street.sidewalkOuterYM + P.backgroundDepthM;
  for (const side of [-1, 1]) {
    const walk = s.part("box", surf("concrete"));
    walk.scale.set(len, back - curb, P.curbHeightM);
    walk.position.set(cx, side * ((curb + back) / 2), P.curbHeightM / 2);
    walk.name = side < 0 ? "sidewalk-south" : "sidewalk-north";
    g.add(walk);
  }

  // Crosswalk stripes (zebra bars along x, spaced across the road).
  const stripe = P.crosswalkStripeWidthM;
  const pitch = stripe + P.crosswalkStripeGapM;
  const usable = 2 * curb - 2 * 0.3;
  const nStripes = Math.floor((usable + P.crosswalkStripeGapM) / pitch);
  const first = -((nStripes - 1) * pitch) / 2;
  for (const [c0, c1] of street.crosswalkSpansXM) {
    for (let i = 0; i < nStripes; i++) {
      const m = s.part("plane", surf("paint"));
      m.scale.set(c1 - c0 - 0.2, stripe, 1);
      m.position.set((c0 + c1) / 2, first + i * pitch, P.paintLiftM);
      m.name = "crosswalk-stripe";
      g.add(m);
    }
  }
  // Lane lines: the centre line and the two lane edges (parking strip boundaries), stopping at crosswalks.
  const spans = street.crosswalkSpansXM;
  const segments: Array<[number, number]> = [];
  let a = x0;
  for (const [c0, c1] of spans) {
    if (c0 > a) segments.push([a, c0 - 0.5]);
    a = c1 + 0.5;
  }
  segments.push([a, x1]);
  for (const y of [0, -street.laneEdgeYM, street.laneEdgeYM]) {
    for (const [s0, s1] of segments) {
      if (s1 <= s0) continue;
      const m = s.part("plane", surf("paint"));
      m.scale.set(s1 - s0, P.laneLineWidthM, 1);
      m.position.set((s0 + s1) / 2, y, P.paintLiftM);
      m.name = "lane-line";
      g.add(m);
    }
  }

  // Buildings: boxes on the raised ground, heights varied deterministically per block.
  street.buildings.forEach((poly, i) => {
    let bx0 = Infinity;
    let by0 = Infinity;
    let bx1 = -Infinity;
    let by1 = -Infinity;
    for (const p of poly) {
      bx0 = Math.min(bx0, p.x);
      by0 = Math.min(by0, p.y);
      bx1 = Math.max(bx1, p.x);
      by1 = Math.max(by1, p.y);
    }
    const height = 9 + 3 * ((i * 7) % 5);
    const m = s.part("box", surf("building"));
    m.scale.set(bx1 - bx0, by1 - by0, height);
    m.position.set((bx0 + bx1) / 2, (by0 + by1) / 2, P.curbHeightM + height / 2);
    m.name = "building";
    g.add(m);
  });
}

/** Builds the sensor scene of a World (static street + one group per pedestrian and vehicle) at the world's current time. */
export function createSensorScene(world: World): SensorScene {
  return new SensorScene(world);
}
