// Parameters of the constant-velocity + curb-rule predictor, validated at start-up. Units in the names.
import { z } from "zod";

const probability = z.number().min(0).max(1);

export const PredictionParamsSchema = z.strictObject({
  /** Length of every predicted path, s. */
  pathHorizonS: z.number().positive().default(3),
  /** Spacing of predicted path points, s (first point at pathStepS). */
  pathStepS: z.number().positive().default(0.1),
  /** Give a warned pedestrian not yet on the road a crossing path (crossingPath.ts) besides the constant-velocity one. */
  crossingPath: z.boolean().default(true),
  /** Pace of the crossing path a warned pedestrian gets (crossingPath.ts) when its track is slower, m/s. */
  crossingSpeedMps: z.number().positive().default(1.4),
  /** Horizons of P(enters the road outside a crosswalk within h), s. */
  crossingHorizonsS: z.array(z.number().positive()).nonempty().default([0.5, 1, 1.5, 2]),
  /** Time step of the search for the constant-velocity road entry, s. */
  entrySearchStepS: z.number().positive().default(0.05),
  /** "On the curb": within this distance of a curb line (or already on the road), m. */
  curbNearM: z.number().nonnegative().default(1.0),
  /** "Heading into the road": velocity component toward the road above this, m/s. */
  towardRoadMinMps: z.number().nonnegative().default(0.3),
  /** Probe distance from the curb line used to tell the road side from the sidewalk side, m. */
  roadSideProbeM: z.number().positive().default(0.3),
  /** Curb rule holds and the CV path enters the road outside a crosswalk within h. */
  probabilityCurbRule: probability.default(0.95),
  /** CV path enters the road outside a crosswalk within h, but the pedestrian is not on the curb yet. */
  probabilityCvOnly: probability.default(0.7),
  /** Curb rule holds but the CV path reaches the road only after h. */
  probabilityCurbRuleLate: probability.default(0.3),
  /** Already on the road outside a crosswalk. */
  probabilityOnRoad: probability.default(0.95),
  /** Everything else (walking along, standing back, using a crosswalk). */
  probabilityLow: probability.default(0.02),
  /** `crossing_predicted` = P(decisionHorizonS) >= decisionThreshold; the horizon must be one of crossingHorizonsS, s. */
  decisionHorizonS: z.number().positive().default(1),
  decisionThreshold: probability.default(0.5),
  predictorName: z.string().default("cv_curb_rule"),
  /** Which predictor the stack runs: the curb rule, or the learned CNN+GRU intent model (prediction/intent). */
  predictor: z.enum(["cv_curb_rule", "intent_cnn_gru"]).default("cv_curb_rule"),
  /** intent_cnn_gru: the model card (beside its two ONNX graphs); relative paths are from the project root. */
  intentModelCard: z.string().default("models/intent.card.json"),
  /** intent_cnn_gru: onnxruntime intra-op threads. */
  intentThreads: z.number().int().positive().max(16).default(1),
});

export type PredictionParams = z.output<typeof PredictionParamsSchema>;
export type PredictionParamsInput = z.input<typeof PredictionParamsSchema>;

export function parsePredictionParams(input: PredictionParamsInput = {}): PredictionParams {
  const p = PredictionParamsSchema.parse(input);
  if (!p.crossingHorizonsS.includes(p.decisionHorizonS)) {
    throw new Error(`decisionHorizonS ${p.decisionHorizonS} must be one of crossingHorizonsS [${p.crossingHorizonsS.join(", ")}]`);
  }
  return p;
}
