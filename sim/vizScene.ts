// What Foxglove's 3D panel shows on /viz/scene: ground-truth boxes, the ego, tracks, the
// predicted paths of pedestrians and, above each tracked pedestrian, its jaywalking probability per
// horizon; rebuilt every frame (one ALL deletion, then the entities).
import { msg, toTimestamp } from "../bus/index.ts";
import { SceneEntityDeletion_Type } from "../bus/gen/foxglove/SceneEntityDeletion_pb.ts";
import { LinePrimitive_Type } from "../bus/gen/foxglove/LinePrimitive_pb.ts";

type Rgba = { r: number; g: number; b: number; a: number };
const PEDESTRIAN: Rgba = { r: 1, g: 0.55, b: 0.1, a: 0.9 };
const VEHICLE: Rgba = { r: 0.45, g: 0.5, b: 0.58, a: 0.9 };
const EGO: Rgba = { r: 0.15, g: 0.4, b: 0.95, a: 0.9 };
const TRACK: Rgba = { r: 0.2, g: 0.9, b: 0.3, a: 0.35 };
const PATH: Rgba = { r: 0.2, g: 0.9, b: 0.3, a: 0.9 };
const CROSSING_PATH: Rgba = { r: 0.95, g: 0.15, b: 0.15, a: 1 };
const INTENT_TEXT: Rgba = { r: 1, g: 1, b: 1, a: 0.95 };
/** Height of the probability label above the top of the track's box, m. */
const LABEL_LIFT_M = 0.4;
/** Label glyph height, m (world-scaled, so it shrinks with distance like the boxes). */
const LABEL_FONT_M = 0.35;

/** "jaywalk 0.5s 0.12 · 1s 0.34 · 1.5s 0.61 · 2s 0.80": P(jaywalk within h) for every head. */
export function intentLabel(crossing: readonly msg.CrossingProbability[]): string {
  return `jaywalk ${crossing.map((c) => `${c.horizonS}s ${c.probability.toFixed(2)}`).join(" · ")}`;
}

function yawQuaternion(yawRad: number) {
  return { x: 0, y: 0, z: Math.sin(yawRad / 2), w: Math.cos(yawRad / 2) };
}

function cube(x: number, y: number, yawRad: number, length: number, width: number, height: number, color: Rgba) {
  return { pose: { position: { x, y, z: height / 2 }, orientation: yawQuaternion(yawRad) }, size: { x: length, y: width, z: height }, color };
}

export function vizScene(
  stampNs: bigint,
  groundTruth: msg.GroundTruth,
  tracks: msg.TrackList | undefined,
  predictions: msg.AgentPredictions | undefined,
): msg.SceneUpdate {
  const timestamp = toTimestamp(stampNs);
  const entity = (id: string, fields: Record<string, unknown>) => ({ timestamp, frameId: "map", id, frameLocked: false, ...fields });
  const entities = [];

  const ego = groundTruth.ego;
  if (ego) entities.push(entity("ego", { cubes: [cube(ego.xM, ego.yM, ego.yawRad, ego.lengthM, ego.widthM, 1.5, EGO)] }));
  for (const o of groundTruth.objects) {
    const color = o.objectClass === msg.ObjectClass.PEDESTRIAN ? PEDESTRIAN : VEHICLE;
    entities.push(entity(`gt/${o.id}`, { cubes: [cube(o.xM, o.yM, o.yawRad, o.lengthM, o.widthM, o.heightM, color)] }));
  }
  for (const t of tracks?.tracks ?? []) {
    entities.push(entity(`track/${t.id}`, { cubes: [cube(t.xM, t.yM, t.yawRad, t.lengthM * 1.2, t.widthM * 1.2, t.heightM * 1.05, TRACK)] }));
  }
  const trackById = new Map((tracks?.tracks ?? []).map((t) => [t.id, t]));
  for (const a of predictions?.agents ?? []) {
    const lines = a.paths.map((p) => ({
      type: LinePrimitive_Type.LINE_STRIP,
      thickness: 0.08,
      scaleInvariant: false,
      points: p.points.map((q) => ({ x: q.x, y: q.y, z: 0.05 })),
      color: a.crossingPredicted ? CROSSING_PATH : PATH,
    }));
    if (lines.length > 0) entities.push(entity(`path/${a.trackId}`, { lines }));
    const track = a.crossing.length > 0 ? trackById.get(a.trackId) : undefined;
    if (track) {
      entities.push(entity(`intent/${a.trackId}`, {
        texts: [{
          pose: { position: { x: track.xM, y: track.yM, z: track.heightM + LABEL_LIFT_M }, orientation: yawQuaternion(0) },
          billboard: true, fontSize: LABEL_FONT_M, scaleInvariant: false,
          color: a.crossingPredicted ? CROSSING_PATH : INTENT_TEXT, text: intentLabel(a.crossing),
        }],
      }));
    }
  }
  return msg.create(msg.SceneUpdateSchema, {
    deletions: [{ timestamp, type: SceneEntityDeletion_Type.ALL, id: "" }],
    entities: entities as never,
  });
}
