// Wires IntentPredictor to the bus. Inference is asynchronous (onnxruntime), so each /perception/tracks
// message chains its work after the previous frame's (frames never interleave) and registers the
// promise with registerAsyncWork: the closed-loop simulator awaits settleAsyncWork(bus) before it steps
// the world, which keeps simulation runs deterministic. Loading (card check, ONNX session) starts at
// once and is registered too, so a refused model fails the first frame loudly.
import type { Bus, msg } from "../../bus/index.ts";
import { registerAsyncWork } from "../asyncWork.ts";
import { predictionStatus } from "../predictionStatus.ts";
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
        bus.publish("/diagnostics", predictionStatus(nodeName, env.stampNs, out, predictor.hasMap, latencyMs), env.stampNs);
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
