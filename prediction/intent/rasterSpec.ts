// The intent model's input contract: the bird's-eye raster around one pedestrian and its kinematic
// features. Frozen and versioned: the rasteriser, the dataset header, the training script (via the
// header) and the model card all carry this exact object, and the runtime refuses a model whose card
// differs. Change anything here ⇒ bump `version` and retrain.

/** Raster channels, in memory order (channel-major, C × H × W, uint8 0..255). */
export const RASTER_CHANNELS = Object.freeze(["road", "sidewalk", "crosswalk", "curb", "agents", "ego", "history"] as const);
export type RasterChannel = (typeof RASTER_CHANNELS)[number];

/** Kinematic features per pedestrian per frame, float32, SI units, NOT normalised (the model normalises in-graph). */
export const INTENT_FEATURES = Object.freeze([
  "speed_mps", // |v|
  "toward_road_mps", // v · n, n = unit normal of the nearest curb pointing into the road (0 when no curb)
  "along_curb_abs_mps", // |v × n|
  "curb_signed_distance_m", // distance to the nearest curb, + on the sidewalk side, − on the road side; clipped to ±10
  "standing_s", // time the speed has been below standingSpeedMps, within the history; 0 when moving
  "on_road", // 0/1, centre in a road polygon
  "in_crosswalk", // 0/1
  "crosswalk_distance_m", // distance to the nearest crosswalk polygon's centre along the curb, clipped to 30
  "ego_ahead_m", // pedestrian position along the ego heading, relative to the ego centre, clipped to ±60
  "ego_lateral_m", // pedestrian position left of the ego heading, clipped to ±30
  "ego_speed_mps",
  "toward_road_delta_mps", // toward_road now − toward_road ~0.5 s ago (0 without that history)
  "history_fraction", // valid history frames / historyFrames (1 = full history; < 1 = padded)
  "outside_map", // 0/1: pedestrian outside the map's extent (static channels are all zero then)
  "toward_road_mean_mps", // toward_road averaged over the last ~0.5 s of history (tracked velocities are noisy)
  "time_to_curb_s", // (smoothed curb distance − half the track width) / toward_road_mean while approaching (> 0.1 m/s), clipped to 10; 0 on the road; 10 otherwise
] as const);
export type IntentFeature = (typeof INTENT_FEATURES)[number];

export interface RasterSpec {
  readonly name: string;
  readonly version: number;
  /** Raster height = width, pixels. */
  readonly sizePx: number;
  /** Metres per pixel. */
  readonly resolutionM: number;
  readonly channels: readonly RasterChannel[];
  readonly features: readonly IntentFeature[];
  /** Past positions drawn in the `history` channel and used by the features, frames. */
  readonly historyFrames: number;
  readonly rateHz: number;
  /** Raster "up" (row 0 side) = velocity direction when speed ≥ this; else toward the road at the nearest curb. */
  readonly headingMinSpeedMps: number;
  /** Below this speed a pedestrian counts as standing (feature `standing_s`). */
  readonly standingSpeedMps: number;
  /** Resolution of the pre-rasterised static map layers, m per cell. */
  readonly mapResolutionM: number;
  /** Half-width of a rasterised curb line, m. */
  readonly curbHalfWidthM: number;
  /** Prediction horizons of the model's outputs, s. */
  readonly horizonsS: readonly number[];
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export const RASTER_SPEC: RasterSpec = deepFreeze({
  name: "curb-intent-bev",
  version: 4,
  sizePx: 32,
  resolutionM: 0.4,
  channels: [...RASTER_CHANNELS],
  features: [...INTENT_FEATURES],
  historyFrames: 10,
  rateHz: 10,
  headingMinSpeedMps: 0.5,
  standingSpeedMps: 0.3,
  mapResolutionM: 0.1,
  curbHalfWidthM: 0.2,
  horizonsS: [0.5, 1, 1.5, 2],
});

/** Field-by-field differences between two specs ("sizePx: card 64, rasteriser 32"); empty when equal. `of` names the first one's holder. */
export function diffRasterSpec(card: unknown, spec: RasterSpec = RASTER_SPEC, of = "card"): string[] {
  const out: string[] = [];
  if (!card || typeof card !== "object") return [`raster spec missing from the ${of}`];
  const c = card as Record<string, unknown>;
  for (const key of Object.keys(spec) as (keyof RasterSpec)[]) {
    const a = JSON.stringify(c[key]);
    const b = JSON.stringify(spec[key]);
    if (a !== b) out.push(`${key}: ${of} ${a ?? "(missing)"}, rasteriser ${b}`);
  }
  for (const key of Object.keys(c)) if (!(key in spec)) out.push(`${key}: ${of} has it, rasteriser does not`);
  return out;
}
