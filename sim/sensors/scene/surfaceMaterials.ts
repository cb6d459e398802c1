// Surface classes of the sensor scene: what a LiDAR ray, a radar wave or a camera sees when it hits
// something. One table: name → default reflectivity (diffuse, at ~905 nm, 0..1) and a display colour.

export const SURFACE_MATERIALS = Object.freeze([
  "asphalt",
  "concrete",
  "paint",
  "building",
  "car_body",
  "glass",
  "tire",
  "skin",
  "clothing",
] as const);

export type SurfaceMaterial = (typeof SURFACE_MATERIALS)[number];

/** Index of a material in SURFACE_MATERIALS (used in flat per-part arrays). */
export function materialCode(m: SurfaceMaterial): number {
  return SURFACE_MATERIALS.indexOf(m);
}

/**
 * Default reflectivity per class (Lambertian albedo at the LiDAR wavelength, rough literature values:
 * asphalt 0.05–0.15, concrete 0.25–0.4, road paint 0.5–0.8, car paint 0.2–0.7, glass mostly
 * transmits, tyres ~0.05, skin ~0.3–0.5, clothing 0.1–0.7 depending on colour).
 */
export const DEFAULT_REFLECTIVITY: Readonly<Record<SurfaceMaterial, number>> = Object.freeze({
  asphalt: 0.1,
  concrete: 0.3,
  paint: 0.65,
  building: 0.35,
  car_body: 0.45,
  glass: 0.05,
  tire: 0.05,
  skin: 0.4,
  clothing: 0.4,
});

/** Display colour (0xRRGGBB) per class, for renderers; car bodies and clothing get per-object colours. */
export const DEFAULT_COLOR: Readonly<Record<SurfaceMaterial, number>> = Object.freeze({
  asphalt: 0x3a3a3c,
  concrete: 0xa8a49c,
  paint: 0xf2f2ee,
  building: 0xb59b7e,
  car_body: 0x8a1c1c,
  glass: 0x1e2a36,
  tire: 0x151515,
  skin: 0xc99a7a,
  clothing: 0x30475e,
});

/** What every mesh of the sensor scene carries in `userData`. */
export interface SurfaceUserData {
  /** Ground-truth object id (pedestrians 1…99, parked 101…, traffic 201…); 0 for the static street. */
  objectId: number;
  material: SurfaceMaterial;
  /** 0..1 */
  reflectivity: number;
}
