// How an intent model's probabilities become decisions. Each horizon head has its own threshold
// (the one that classifies that head best on validation data), and one head is the warning the
// planner gets (`crossing_predicted` = P(warning head) ≥ its threshold, the stack's decisionHorizonS
// and decisionThreshold). They are separate because the two targets pull apart at one head: a perfect
// 1 s classifier warns 0.9–1.0 s before the curb is left (its first positive frame at 10 Hz), so a
// warning at least 1 s ahead must come from a longer head, or from the 1 s head warning early and
// losing F1.
import { RASTER_SPEC } from "./rasterSpec.ts";

export interface OperatingPoint {
  /** Threshold per horizon head, keyed "0.5s", "1s", … (every horizon of the raster spec). */
  thresholds: Record<string, number>;
  /** The head whose threshold crossing is the warning, s. */
  warningHorizonS: number;
}

export const horizonKey = (h: number) => `${h}s`;

/** One threshold for every head, the warning at `warningHorizonS` (an explicit `--threshold`, or a card without a choice). */
export function uniformOperatingPoint(threshold: number, warningHorizonS = 1): OperatingPoint {
  return { thresholds: Object.fromEntries(RASTER_SPEC.horizonsS.map((h) => [horizonKey(h), threshold])), warningHorizonS };
}

/** The threshold of one head; throws for a head the point does not cover. */
export function thresholdAt(op: OperatingPoint, horizonS: number): number {
  const t = op.thresholds[horizonKey(horizonS)];
  if (t === undefined) throw new Error(`the operating point has no threshold for the ${horizonS} s head (it has ${Object.keys(op.thresholds).join(", ")})`);
  return t;
}

/** Throws unless the point covers every head of the raster spec with a probability and warns on one of them. */
export function checkOperatingPoint(op: OperatingPoint, where = "operating point"): OperatingPoint {
  const problems: string[] = [];
  for (const h of RASTER_SPEC.horizonsS) {
    const t = op.thresholds?.[horizonKey(h)];
    if (!(typeof t === "number" && t >= 0 && t <= 1)) problems.push(`threshold for ${horizonKey(h)} is ${t}, not a probability`);
  }
  if (!RASTER_SPEC.horizonsS.includes(op.warningHorizonS)) problems.push(`warning head ${op.warningHorizonS} s is not one of ${RASTER_SPEC.horizonsS.join(", ")} s`);
  if (problems.length) throw new Error(`${where}: ${problems.join("; ")}`);
  return op;
}

/**
 * The operating point a card carries: `operatingPoint` (`curb tune intent`, or the training script's
 * first choice); a card from before per-head thresholds carries one `operatingThreshold` for the 1 s
 * head, used for every head; a card with neither, 0.5.
 */
export function operatingPointOf(card: { operatingPoint?: OperatingPoint; operatingThreshold?: { value: number } }, cardPath = "model card"): OperatingPoint {
  if (card.operatingPoint) return checkOperatingPoint(card.operatingPoint, `${cardPath} operatingPoint`);
  return uniformOperatingPoint(card.operatingThreshold?.value ?? 0.5);
}

/** "0.5s 0.40, 1s 0.45, …; warning P(1.5 s) ≥ 0.45" */
export function describeOperatingPoint(op: OperatingPoint): string {
  const heads = Object.entries(op.thresholds).map(([h, t]) => `${h} ${t}`).join(", ");
  return `thresholds ${heads}; warning P(${op.warningHorizonS} s) ≥ ${thresholdAt(op, op.warningHorizonS)}`;
}
