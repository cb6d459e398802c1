// Parameters of the oracle perception stage, validated at start-up. Units are in the names.
import { z } from "zod";

export const PerceptionParamsSchema = z.strictObject({
  /** Seed of the perception noise stream (misses, position and velocity noise). */
  seed: z.number().int().default(1),
  /** Standard deviation of the detected position, per axis, m. */
  positionNoiseSdM: z.number().nonnegative().default(0.1),
  /** Standard deviation of the tracked velocity, per axis, m/s. */
  velocityNoiseSdMps: z.number().nonnegative().default(0.1),
  /** Probability that a visible object is not detected in a frame. */
  missProbability: z.number().min(0).max(1).default(0.02),
  /** Objects whose visibility (fraction of outline in line of sight, 0..1) is below this are not seen. */
  minVisibility: z.number().min(0).max(1).default(0.2),
  /** Output at time t reflects ground truth from t − delayS, s. */
  delayS: z.number().nonnegative().default(0),
  /** A track without detection is extrapolated at constant velocity for up to this long, then dropped, s. */
  maxCoastS: z.number().nonnegative().default(1.0),
  /** Ground-truth objects whose centre is this close to the ego centre are the ego itself and ignored, m. */
  egoExclusionRadiusM: z.number().nonnegative().default(0.5),
  frameId: z.string().default("map"),
});

export type PerceptionParams = z.output<typeof PerceptionParamsSchema>;
export type PerceptionParamsInput = z.input<typeof PerceptionParamsSchema>;

/** Validates and fills defaults; throws a zod error naming the bad key. */
export function parsePerceptionParams(input: PerceptionParamsInput = {}): PerceptionParams {
  return PerceptionParamsSchema.parse(input);
}
