// Wires CurbRulePredictor to the bus: /map (latched, latest kept) and /perception/tracks in;
// /prediction/agents and /diagnostics out, in the handler of each track list. With
// `predictor: "intent_cnn_gru"` it starts the learned intent node instead (prediction/intent).
import type { Bus } from "../bus/index.ts";
import { CurbRulePredictor } from "./CurbRulePredictor.ts";
import { predictionStatus } from "./predictionStatus.ts";
import { startIntentPredictionNode } from "./intent/IntentPredictionNode.ts";
import type { IntentPredictor } from "./intent/IntentPredictor.ts";
import { parsePredictionParams, type PredictionParamsInput } from "./params.ts";

export const PREDICTION_NODE_NAME = "prediction";

export interface PredictionNode {
  /** The curb-rule predictor (undefined when the intent model runs: see `intent`). */
  readonly predictor: CurbRulePredictor | undefined;
  /** The intent model once loaded (predictor "intent_cnn_gru"). */
  readonly intent?: Promise<IntentPredictor>;
  stop(): void;
}

export function startPredictionNode(bus: Bus, params: PredictionParamsInput = {}): PredictionNode {
  if (parsePredictionParams(params).predictor === "intent_cnn_gru") {
    const node = startIntentPredictionNode(bus, params, PREDICTION_NODE_NAME);
    return { predictor: undefined, intent: node.ready, stop: node.stop };
  }
  const predictor = new CurbRulePredictor(params);
  const mapSub = bus.topic("/map").subscribe((env) => predictor.setMap(env.message));
  const trackSub = bus.topic("/perception/tracks").subscribe((env) => {
    const t0 = performance.now();
    const out = predictor.update(env.message);
    const latencyMs = performance.now() - t0; // before publishing: downstream runs inside publish
    bus.publish("/prediction/agents", out, env.stampNs);
    bus.publish("/diagnostics", predictionStatus(PREDICTION_NODE_NAME, env.stampNs, out, predictor.hasMap, latencyMs), env.stampNs);
  });
  return {
    predictor,
    stop: () => {
      mapSub.unsubscribe();
      trackSub.unsubscribe();
    },
  };
}
