// Starts the whole first-version stack (oracle perception → CV + curb-rule prediction → IDM planner)
// on one bus. It lives in planning/ because planning is the last stage and DESIGN.md allows no new
// top-level folder; it imports the other stages only through their index.ts.
import { z } from "zod";
import { type Bus, InProcessBus } from "../bus/index.ts";
import { PERCEPTION_NODE_NAME, PerceptionParamsSchema, startPerceptionNode } from "../perception/index.ts";
import { PREDICTION_NODE_NAME, PredictionParamsSchema, settleAsyncWork, startPredictionNode } from "../prediction/index.ts";
import { PlanningParamsSchema } from "./params.ts";
import { PLANNING_NODE_NAME, startPlanningNode } from "./PlanningNode.ts";

export const StackParamsSchema = z.strictObject({
  perception: PerceptionParamsSchema.prefault({}),
  prediction: PredictionParamsSchema.prefault({}),
  planning: PlanningParamsSchema.prefault({}),
});

/** The `DiagnosticStatus.name` of each stage the stack runs (drivers on the same bus report under their own names). */
export const STACK_NODE_NAMES: readonly string[] = [PERCEPTION_NODE_NAME, PREDICTION_NODE_NAME, PLANNING_NODE_NAME];

export type StackParams = z.output<typeof StackParamsSchema>;
export type StackParamsInput = z.input<typeof StackParamsSchema>;

export interface Stack {
  stop(): void;
}

/**
 * Subscribes the three nodes in downstream-first order (planning, prediction, perception) so that on a
 * synchronous bus every subscriber exists before the first message of a frame flows. Publish /map after
 * this (it is latched only in the sense that each node keeps the latest).
 */
export function startStack(bus: Bus, params: StackParamsInput = {}): Stack {
  const p = StackParamsSchema.parse(params);
  const nodes = [startPlanningNode(bus, p.planning), startPredictionNode(bus, p.prediction), startPerceptionNode(bus, p.perception)];
  return { stop: () => nodes.forEach((n) => n.stop()) };
}

/**
 * Starts the stack on a scratch bus and waits for what it loads asynchronously (the intent model's
 * card and ONNX graphs): a bad model fails here, before a simulation writes any file.
 */
export async function checkStack(params: StackParamsInput = {}): Promise<void> {
  const bus = new InProcessBus();
  const stack = startStack(bus, params);
  try {
    await settleAsyncWork(bus);
  } finally {
    stack.stop();
    await bus.close();
  }
}
