// Wires IntentPredictor to the bus. Inference is asynchronous (onnxruntime), so each /perception/tracks
// message chains its work after the previous frame's (frames never interleave) and registers the
// promise with registerAsyncWork: the closed-loop simulator awaits settleAsyncWork(bus) before it steps
// the world, which keeps simulation runs deterministic. Loading (card check, ONNX session) starts at
// once and is registered too, so a refused model fails the first frame loudly.
import { msg, toTimestamp, type Bus } from "../../bus/index.ts";
import { registerAsyncWork } from "../asyncWork.ts";
import type { PredictionParamsInput } from "../params.ts";
import { IntentPredictor } from "./IntentPredictor.ts";

export interface IntentPredictionNode {
  /** Resolves to the loaded predictor (rejects with IntentModelError on a mismatching model). */
  readonly ready: Promise<IntentPredictor>;
  stop(): void;
}

export function startIntentPredictionNode(bus: Bus, params: PredictionParamsInput, nodeName: string): IntentPredictionNode {
  const ready = IntentPredictor.load(params);
  registerAsyncWork(bus, ready);
  let chain: Promise<unknown> = ready;
  let ego: msg.VehicleState | undefined;
  let stopped = false;
  const subs = [
    bus.topic("/map").subscribe((env) => {
      chain = chain.then(() => ready.then((p) => p.setMap(env.message)));
      registerAsyncWork(bus, chain);
    }),
    bus.topic("/vehicle/state").subscribe((env) => (ego = env.message)),
    bus.topic("/perception/tracks").subscribe((env) => {
      const egoNow = ego;
      chain = chain.then(async () => {
        const predictor = await ready;
        if (stopped) return;
        const t0 = performance.now();
        const out = await predictor.update(env.message, egoNow);
        const latencyMs = performance.now() - t0;
        bus.publish("/prediction/agents", out, env.stampNs);
        const crossing = out.agents.filter((a) => a.crossingPredicted).length;
        bus.publish(
          "/diagnostics",
          msg.create(msg.DiagnosticStatusSchema, {
            timestamp: toTimestamp(env.stampNs),
            name: nodeName,
            level: predictor.hasMap ? msg.DiagnosticStatus_Level.OK : msg.DiagnosticStatus_Level.WARN,
            message: predictor.hasMap ? `${out.agents.length} agents, ${crossing} crossing (intent_cnn_gru)` : "no /map yet: paths only, no crossing probabilities",
            latencyMs,
            values: [
              { key: "agents", value: String(out.agents.length) },
              { key: "crossing_predicted", value: String(crossing) },
              { key: "predictor", value: out.predictor },
            ],
          }),
          env.stampNs,
        );
      });
      registerAsyncWork(bus, chain);
    }),
  ];
  return {
    ready,
    stop: () => {
      stopped = true;
      for (const s of subs) s.unsubscribe();
      void ready.then((p) => p.release()).catch(() => undefined);
    },
  };
}
