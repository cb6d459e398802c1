// The stack that drives the ego while datasets are recorded. Training data are recordings of drives, and
// the ego's driving shapes them (its box in every raster, when a scenario's pedestrians are triggered), so
// they are recorded with a pinned drive rather than with whatever the planner does today: tuning the
// planner must not silently change the data the shipped models were trained on and can be rebuilt from.
// This is the drive of those data: the curb rule (the default predictor), without the crossing path and
// without occlusion slowing, which came later. Moving it forward means rebuilding the models.
import type { StackParamsInput } from "../../planning/index.ts";

export const COLLECTION_STACK = {
  prediction: { crossingPath: false },
  planning: { slowForOcclusions: false },
} as const satisfies StackParamsInput;

/** How dataset manifests describe the drive, derived from COLLECTION_STACK so the two cannot drift apart. */
export const COLLECTION_STACK_DESCRIPTION =
  "collection stack (sim/dataset/collectionStack.ts: default parameters but " +
  Object.entries(COLLECTION_STACK).flatMap(([part, params]) => Object.entries(params).map(([k, v]) => `${part}.${k} = ${v}`)).join(", ") +
  "), perception.seed = run seed (oracle perception with noise)";

/** `stack` (the collection stack unless told otherwise) with the run's seed as perception seed, unless it sets one. */
export function collectionStackParams(seed: number, stack: StackParamsInput = COLLECTION_STACK): StackParamsInput {
  return { ...stack, perception: { seed, ...stack.perception } };
}
