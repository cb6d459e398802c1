// How a pedestrian was moving when first tracked: standing or walking. Splits a template's errors by
// the pedestrian's start: a standing jaywalker's approach to the curb is the same walk as a hesitater's
// (both stand until triggered, then walk to the curb over `approachS`), so before the step-off no input
// tells them apart, while a jaywalker walking along the sidewalk first turns toward the road.
import { median } from "../../prediction/index.ts";
import type { LoadedDataset } from "./datasetFiles.ts";

export const FIRST_SIGHTS = Object.freeze(["standing", "walking"] as const);
export type FirstSight = (typeof FIRST_SIGHTS)[number];

/**
 * "standing" when the median tracked speed over the first `windowS` of the sequence is below
 * `standingSpeedMps` (the raster spec's threshold for `standing_s`), else "walking".
 */
export function firstSight(ds: Pick<LoadedDataset, "features" | "header">, start: number, length: number, windowS = 1): FirstSight {
  const spec = ds.header.spec;
  const F = spec.features.length;
  const speed = spec.features.indexOf("speed_mps");
  if (speed < 0) throw new Error(`first sight: the dataset's features have no speed_mps (${spec.features.join(", ")})`);
  const n = Math.max(1, Math.min(length, Math.round(windowS * spec.rateHz)));
  const speeds = Array.from({ length: n }, (_, k) => ds.features[(start + k) * F + speed]);
  return median(speeds) < spec.standingSpeedMps ? "standing" : "walking";
}
