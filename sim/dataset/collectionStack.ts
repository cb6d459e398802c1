// The stack that drives the ego while datasets are recorded. Training data are recordings of drives, and
// the ego's driving shapes them (its box in every raster, when a scenario's pedestrians are triggered), so
// they are recorded with a pinned drive rather than with whatever the planner does today: tuning the
// planner must not silently change the data the shipped models were trained on and can be rebuilt from.
// This is the drive of those data: the curb rule (the default predictor), without the crossing path,
// occlusion slowing and crosswalk yielding, which came later. Moving it forward means rebuilding the models.
import { parsePerceptionParams } from "../../perception/index.ts";
import type { StackParamsInput } from "../../planning/index.ts";

export const COLLECTION_STACK = {
  prediction: { crossingPath: false },
  planning: { slowForOcclusions: false, yieldAtCrosswalks: false },
} as const satisfies StackParamsInput;

/** What `stack` changes from the defaults, as "part.key = value, …" (values that are objects as JSON). */
export function describeStackChanges(stack: StackParamsInput): string {
  const changes = Object.entries(stack).flatMap(([part, params]) =>
    Object.entries(params ?? {}).map(([k, v]) => `${part}.${k} = ${typeof v === "object" ? JSON.stringify(v) : String(v)}`));
  return changes.length ? `default parameters but ${changes.join(", ")}` : "default parameters";
}

const PERCEPTION_SEED_NOTE = "perception.seed = run seed (oracle perception with noise)";

/** How dataset manifests describe the drive, derived from COLLECTION_STACK so the two cannot drift apart. */
export const COLLECTION_STACK_DESCRIPTION =
  `collection stack (sim/dataset/collectionStack.ts: ${describeStackChanges(COLLECTION_STACK)}), ${PERCEPTION_SEED_NOTE}`;

/** What the run's seed draws in a drive file's perception: the shared note unless it turned the noise or the misses off. */
function perceptionSeedNote(stack: StackParamsInput): string {
  const p = parsePerceptionParams(stack.perception);
  const noisy = p.positionNoiseSdM > 0 || p.velocityNoiseSdMps > 0;
  if (noisy) return PERCEPTION_SEED_NOTE;
  return p.missProbability > 0
    ? "perception.seed = run seed (oracle perception without noise; the seed draws its misses)"
    : "perception.seed = run seed (oracle perception without noise or misses; the seed draws nothing)";
}

/** How a manifest describes a drive by a stack parameter file (`curb dataset --drive FILE`). */
export function driveDescription(path: string, stack: StackParamsInput): string {
  const seed = stack.perception?.seed === undefined ? `, ${perceptionSeedNote(stack)}` : "";
  return `drive ${path}, as \`curb sim --config ${path}\` runs it (${describeStackChanges(stack)})${seed}; not the collection drive the shipped models were trained on`;
}

/** `stack` (the collection stack unless told otherwise) with the run's seed as perception seed, unless it sets one. */
export function collectionStackParams(seed: number, stack: StackParamsInput = COLLECTION_STACK): StackParamsInput {
  return { ...stack, perception: { seed, ...stack.perception } };
}
