// Parameters of the IDM + pedestrian-stop planner and the pure-pursuit lateral controller.
// Validated at start-up; units in the names.
import { z } from "zod";

export const PlanningParamsSchema = z.strictObject({
  /** Desired speed when the ego lane has no speed limit (speed_limit_mps = 0), m/s. */
  fallbackSpeedLimitMps: z.number().positive().default(11),
  /** IDM maximum acceleration a, m/s². */
  maxAccelMps2: z.number().positive().default(1.5),
  /** IDM comfortable deceleration b, m/s². */
  comfortDecelMps2: z.number().positive().default(2.5),
  /** Hard limit of the commanded deceleration (emergency braking), m/s², positive. */
  emergencyDecelMps2: z.number().positive().default(8),
  /** IDM acceleration exponent δ. */
  idmDelta: z.number().positive().default(4),
  /** IDM desired time headway T, s. */
  timeHeadwayS: z.number().nonnegative().default(1.5),
  /** IDM standstill gap s0 behind a lead vehicle, m. */
  minGapM: z.number().nonnegative().default(2),
  /** Standstill distance of the ego front before a pedestrian conflict point (virtual stop line), m. */
  pedestrianStopDistanceM: z.number().nonnegative().default(3),
  /** A pedestrian path point conflicts when within ego half width + this of the ego lane centreline, m. */
  pedestrianLateralMarginM: z.number().nonnegative().default(0.8),
  /** Predicted pedestrian path considered, s. */
  pedestrianPathHorizonS: z.number().positive().default(3),
  /** For pedestrians with crossing_predicted, the path is extended at constant velocity to this, s. */
  crossingPathHorizonS: z.number().positive().default(6),
  /** How long the ego keeps yielding to a warned pedestrian whose track is lost (occluded), s. */
  lostPedestrianMemoryS: z.number().nonnegative().default(3),
  /**
   * Pass standing vehicles beside the ego path (parked cars, a bus at its stop) no faster than the ego
   * could stop from within `occlusionStopDistanceM` of a pedestrian stepping out in front of them.
   */
  slowForOcclusions: z.boolean().default(true),
  /** Distance within which the ego can stop for someone appearing at an occlusion spot, m. */
  occlusionStopDistanceM: z.number().positive().default(3),
  /** Delay from a pedestrian appearing to the brakes acting (a perception frame and a planning cycle), s. */
  occlusionReactionS: z.number().nonnegative().default(0.2),
  /** A standing vehicle whose near side is within this of the ego path band occludes the ego path, m. */
  occlusionMaxGapM: z.number().default(1.5),
  /** Rate at which the ego slows to the pass speed before an occlusion spot, m/s². */
  occlusionDecelMps2: z.number().positive().default(1.5),
  /**
   * Yield at marked crosswalks the ego path crosses to anyone waiting at them or walking onto them toward
   * the ego path (planning/crosswalk.ts): a stop line `crosswalkStopDistanceM` before the crosswalk, taken
   * only when the ego can stop comfortably, then kept while anyone uses the crosswalk.
   */
  yieldAtCrosswalks: z.boolean().default(true),
  /** A pedestrian within this of a crosswalk's outline is at the crosswalk, m. */
  crosswalkAttentionM: z.number().nonnegative().default(2),
  /** Someone already at a crosswalk stays at it until this much further out (position noise at the edge), m. */
  crosswalkAttentionHysteresisM: z.number().nonnegative().default(0.5),
  /** Slower than this a pedestrian at a crosswalk is waiting; walking toward the ego path this fast, approaching, m/s. */
  crosswalkWaitingSpeedMps: z.number().positive().default(0.5),
  /** Stop line before the crosswalk's near edge, m. */
  crosswalkStopDistanceM: z.number().nonnegative().default(2),
  /** With the ego stopped at the line, someone still only waiting after this is taken not to cross (until they move), s. */
  crosswalkWaitTimeoutS: z.number().positive().default(4),
  /**
   * "predicted": stop for pedestrians whose predicted or extrapolated path enters the ego path (default).
   * "reactive": only for pedestrians already in the ego path — the no-prediction baseline that shows
   * what prediction buys.
   */
  pedestrianReaction: z.enum(["predicted", "reactive"]).default("predicted"),
  /** A pedestrian on the road within lane half width + this of the centreline is in the ego path, m. */
  onRoadNearLaneMarginM: z.number().nonnegative().default(1),
  /** Vehicles within lane half width + this of the centreline are lead candidates, m. */
  leadLateralMarginM: z.number().default(0),
  /** Ego size when /vehicle/state leaves it 0, m. */
  egoLengthM: z.number().positive().default(4.6),
  egoWidthM: z.number().positive().default(1.9),
  wheelbaseM: z.number().positive().default(2.8),
  /** Lane width when the map leaves it 0, m. */
  fallbackLaneWidthM: z.number().positive().default(3.5),
  /** Below this the ego counts as stopped, m/s. */
  stoppedSpeedMps: z.number().nonnegative().default(0.3),
  /** A constraint "binds" when its acceleration is this much below the free-road one, m/s². */
  bindingToleranceMps2: z.number().nonnegative().default(0.05),
  /** Trajectory length and point spacing, s. */
  trajectoryHorizonS: z.number().positive().default(5),
  trajectoryStepS: z.number().positive().default(0.1),
  /** Pure pursuit look-ahead = max(min, time × speed). */
  lookaheadMinM: z.number().positive().default(5),
  lookaheadTimeS: z.number().nonnegative().default(1),
  maxSteeringRad: z.number().positive().default(0.6),
});

export type PlanningParams = z.output<typeof PlanningParamsSchema>;
export type PlanningParamsInput = z.input<typeof PlanningParamsSchema>;

export function parsePlanningParams(input: PlanningParamsInput = {}): PlanningParams {
  return PlanningParamsSchema.parse(input);
}
