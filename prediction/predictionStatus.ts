// The DiagnosticStatus every predictor node publishes per frame (whichever predictor it runs).
import { msg, toTimestamp } from "../bus/index.ts";

export function predictionStatus(name: string, stampNs: bigint, out: msg.AgentPredictions, hasMap: boolean, latencyMs: number): msg.DiagnosticStatus {
  const crossing = out.agents.filter((a) => a.crossingPredicted).length;
  return msg.create(msg.DiagnosticStatusSchema, {
    timestamp: toTimestamp(stampNs),
    name,
    level: hasMap ? msg.DiagnosticStatus_Level.OK : msg.DiagnosticStatus_Level.WARN,
    message: hasMap ? `${out.agents.length} agents, ${crossing} crossing (${out.predictor})` : "no /map yet: paths only, no crossing probabilities",
    latencyMs,
    values: [
      { key: "agents", value: String(out.agents.length) },
      { key: "crossing_predicted", value: String(crossing) },
      { key: "predictor", value: out.predictor },
    ],
  });
}
