// The path of a pedestrian on the sidewalk a predictor warns about: straight into the road along the
// nearest curb's normal (on the road, its own motion says where it goes, and past the centreline the
// nearest curb is the far one). A pedestrian standing at the curb has a constant-velocity path that stays put, so without
// this the warning would say "will cross" while every published path says "stays on the sidewalk",
// and the planner, which reads paths, could not act on it until the first step.
import { msg } from "../bus/index.ts";
import type { CurbQuery } from "./StreetGeometry.ts";

export interface CrossingPathParams {
  /** The pace assumed for the crossing when the track is slower (a standing pedestrian has none), m/s. */
  crossingSpeedMps: number;
  pathHorizonS: number;
  pathStepS: number;
}

/**
 * Points at pathStepS, 2·pathStepS, … up to pathHorizonS from the track's position along `curb`'s
 * into-road normal at max(track speed, crossingSpeedMps), with `probability`. Undefined when the map
 * has no road beside the nearest curb (normal (0, 0)).
 */
export function crossingPath(t: msg.Track, curb: CurbQuery, probability: number, p: CrossingPathParams): msg.PredictedPath | undefined {
  if (curb.nx === 0 && curb.ny === 0) return undefined;
  const speed = Math.max(Math.hypot(t.vxMps, t.vyMps), p.crossingSpeedMps);
  const vx = curb.nx * speed;
  const vy = curb.ny * speed;
  const n = Math.max(1, Math.round(p.pathHorizonS / p.pathStepS));
  const points: msg.Point2[] = new Array(n);
  for (let k = 1; k <= n; k++) {
    const s = k * p.pathStepS;
    points[k - 1] = msg.create(msg.Point2Schema, { x: t.xM + vx * s, y: t.yM + vy * s });
  }
  return msg.create(msg.PredictedPathSchema, { probability, dtS: p.pathStepS, points });
}

/**
 * Adds the crossing path (probability `probability`, put first) to a warned pedestrian's prediction
 * (callers skip pedestrians already on the road);
 * the paths it had (the constant-velocity one) share the rest. Nothing changes when the map has no road
 * beside the nearest curb.
 */
export function addCrossingPath(agent: msg.AgentPrediction, t: msg.Track, curb: CurbQuery, probability: number, p: CrossingPathParams): void {
  const path = crossingPath(t, curb, probability, p);
  if (!path) return;
  for (const other of agent.paths) other.probability *= 1 - probability;
  agent.paths.unshift(path);
}
