// Wires CurbRulePredictor to the bus: /map (latched, latest kept) and /perception/tracks in;
// /prediction/agents and /diagnostics out, in the handler of each track list.
import { msg, toTimestamp, type Bus } from "../bus/index.ts";
import { CurbRulePredictor } from "./CurbRulePredictor.ts";
import type { PredictionParamsInput } from "./params.ts";

export const PREDICTION_NODE_NAME = "prediction";

export interface PredictionNode {
  readonly predictor: CurbRulePredictor;
  stop(): void;
}

export function startPredictionNode(bus: Bus, params: PredictionParamsInput = {}): PredictionNode {
  const predictor = new CurbRulePredictor(params);
  const mapSub = bus.topic("/map").subscribe((env) => predictor.setMap(env.message));
  const trackSub = bus.topic("/perception/tracks").subscribe((env) => {
    const t0 = performance.now();
    const out = predictor.update(env.message);
    const latencyMs = performance.now() - t0; // before publishing: downstream runs inside publish
    bus.publish("/prediction/agents", out, env.stampNs);
    const crossing = out.agents.filter((a) => a.crossingPredicted).length;
    bus.publish(
      "/diagnostics",
      msg.create(msg.DiagnosticStatusSchema, {
        timestamp: toTimestamp(env.stampNs),
        name: PREDICTION_NODE_NAME,
        level: predictor.hasMap ? msg.DiagnosticStatus_Level.OK : msg.DiagnosticStatus_Level.WARN,
        message: predictor.hasMap ? `${out.agents.length} agents, ${crossing} crossing` : "no /map yet: paths only, no crossing probabilities",
        latencyMs,
        values: [
          { key: "agents", value: String(out.agents.length) },
          { key: "crossing_predicted", value: String(crossing) },
        ],
      }),
      env.stampNs,
    );
  });
  return {
    predictor,
    stop: () => {
      mapSub.unsubscribe();
      trackSub.unsubscribe();
    },
  };
}
