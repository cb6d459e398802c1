// The constant-velocity path of a track: every predictor publishes it (probability 1).
import { msg } from "../bus/index.ts";

/** Points at pathStepS, 2·pathStepS, … up to pathHorizonS from the track's position and velocity. */
export function constantVelocityPath(t: msg.Track, pathHorizonS: number, pathStepS: number): msg.PredictedPath {
  const n = Math.max(1, Math.round(pathHorizonS / pathStepS));
  const points: msg.Point2[] = new Array(n);
  for (let k = 1; k <= n; k++) {
    const s = k * pathStepS;
    points[k - 1] = msg.create(msg.Point2Schema, { x: t.xM + t.vxMps * s, y: t.yM + t.vyMps * s });
  }
  return msg.create(msg.PredictedPathSchema, { probability: 1, dtS: pathStepS, points });
}
