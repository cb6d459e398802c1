// Wires OraclePerception to the bus: /sim/ground_truth in; /perception/detections, /perception/tracks
// and /diagnostics out, all in the handler of the ground-truth message (synchronous on InProcessBus).
import { msg, toTimestamp, type Bus } from "../bus/index.ts";
import { OraclePerception } from "./OraclePerception.ts";
import type { PerceptionParamsInput } from "./params.ts";

export const PERCEPTION_NODE_NAME = "perception";

export interface PerceptionNode {
  readonly perception: OraclePerception;
  stop(): void;
}

export function startPerceptionNode(bus: Bus, params: PerceptionParamsInput = {}): PerceptionNode {
  const perception = new OraclePerception(params);
  const sub = bus.topic("/sim/ground_truth").subscribe((env) => {
    const t0 = performance.now();
    const out = perception.update(env.message);
    // Measured before publishing: on a synchronous bus, publish runs the downstream nodes.
    const latencyMs = performance.now() - t0;
    if (out) {
      bus.publish("/perception/detections", out.detections, out.stampNs);
      bus.publish("/perception/tracks", out.tracks, out.stampNs);
    }
    const stampNs = out?.stampNs ?? env.stampNs;
    bus.publish(
      "/diagnostics",
      msg.create(msg.DiagnosticStatusSchema, {
        timestamp: toTimestamp(stampNs),
        name: PERCEPTION_NODE_NAME,
        level: msg.DiagnosticStatus_Level.OK,
        message: out ? `${out.tracks.tracks.length} tracks` : "waiting for frames older than the configured delay",
        latencyMs,
        values: [
          { key: "detections", value: String(out?.detections.detections.length ?? 0) },
          { key: "tracks", value: String(out?.tracks.tracks.length ?? 0) },
        ],
      }),
      stampNs,
    );
  });
  return { perception, stop: () => sub.unsubscribe() };
}
