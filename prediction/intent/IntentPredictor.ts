// The learned intent predictor ("intent_cnn_gru"): per frame, every pedestrian track is rasterised
// (BevRasteriser, the same code that built the training data) and ALL pedestrians go through ONE call
// of the streaming ONNX graph, each with its own GRU hidden state (zeros at track birth, dropped at
// track death). Every track also gets the constant-velocity path, and a warned pedestrian the crossing path.
import { msg } from "../../bus/index.ts";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { constantVelocityPath } from "../constantVelocityPath.ts";
import { addCrossingPath } from "../crossingPath.ts";
import { parsePredictionParams, type PredictionParams, type PredictionParamsInput } from "../params.ts";
import { StreetGeometry } from "../StreetGeometry.ts";
import { BevRasteriser } from "./bevRaster.ts";
import { type IntentModelCard, loadIntentGraph, resolveModelPath } from "./intentModel.ts";
import { RASTER_SPEC } from "./rasterSpec.ts";

export const INTENT_PREDICTOR_NAME = "intent_cnn_gru";

type TensorCtor = typeof Tensor;

export class IntentPredictor {
  readonly params: PredictionParams;
  readonly card: IntentModelCard;
  readonly rasteriser = new BevRasteriser(RASTER_SPEC);
  private street: StreetGeometry | undefined;
  private readonly session: InferenceSession;
  private readonly TensorClass: TensorCtor;
  private readonly hiddenSize: number;
  private readonly hidden = new Map<number, Float32Array>();
  private capacity = 0;
  private rasterU8 = new Uint8Array(0);
  private rasterF32 = new Float32Array(0);
  private features = new Float32Array(0);
  private hiddenBatch = new Float32Array(0);
  private readonly decisionIndex: number;

  private constructor(params: PredictionParams, card: IntentModelCard, session: InferenceSession, tensor: TensorCtor) {
    this.params = params;
    this.card = card;
    this.session = session;
    this.TensorClass = tensor;
    this.hiddenSize = card.hiddenSize;
    this.decisionIndex = RASTER_SPEC.horizonsS.indexOf(params.decisionHorizonS);
    if (this.decisionIndex < 0) throw new Error(`decisionHorizonS ${params.decisionHorizonS} is not a model horizon [${RASTER_SPEC.horizonsS.join(", ")}]`);
  }

  /** Loads the streaming graph named by params.intentModelCard; refuses a card that does not match (IntentModelError). */
  static async load(params: PredictionParamsInput = {}): Promise<IntentPredictor> {
    const p = parsePredictionParams(params);
    const g = await loadIntentGraph(resolveModelPath(p.intentModelCard), "step", p.intentThreads);
    const ort = await import("onnxruntime-node");
    return new IntentPredictor(p, g.card, g.session, ort.Tensor);
  }

  setMap(map: msg.StreetMap): void {
    this.rasteriser.setMap(map);
    this.street = new StreetGeometry(map, this.params.roadSideProbeM);
  }

  get hasMap(): boolean {
    return this.rasteriser.hasMap;
  }

  /** Track ids that currently hold a GRU state. */
  liveTrackIds(): number[] {
    return [...this.hidden.keys()];
  }

  async update(tracks: msg.TrackList, ego: msg.VehicleState | undefined): Promise<msg.AgentPredictions> {
    const p = this.params;
    const spec = RASTER_SPEC;
    const agents = tracks.tracks.map((t) =>
      msg.create(msg.AgentPredictionSchema, { trackId: t.id, objectClass: t.objectClass, paths: [constantVelocityPath(t, p.pathHorizonS, p.pathStepS)] }),
    );
    const peds = this.rasteriser.update(tracks, ego);
    // Hidden states follow the tracks: drop the dead, start the newborn at zero.
    const alive = new Set<number>();
    for (const i of peds) alive.add(tracks.tracks[i].id);
    for (const id of [...this.hidden.keys()]) if (!alive.has(id)) this.hidden.delete(id);
    const B = peds.length;
    if (B > 0 && this.hasMap) {
      const probs = await this.infer(tracks, peds);
      const H = spec.horizonsS.length;
      peds.forEach((ti, b) => {
        const agent = agents[ti];
        for (let h = 0; h < H; h++) {
          agent.crossing.push(msg.create(msg.CrossingProbabilitySchema, { horizonS: spec.horizonsS[h], probability: probs[b * H + h] }));
        }
        const decision = probs[b * H + this.decisionIndex];
        agent.crossingPredicted = decision >= p.decisionThreshold;
        const t = tracks.tracks[ti];
        if (p.crossingPath && agent.crossingPredicted && this.street && !this.street.onRoad(t.xM, t.yM)) {
          addCrossingPath(agent, t, this.street.nearestCurb(t.xM, t.yM), decision, p);
        }
      });
    }
    return msg.create(msg.AgentPredictionsSchema, { timestamp: tracks.timestamp, frameId: tracks.frameId, predictor: INTENT_PREDICTOR_NAME, agents });
  }

  /** Rasterises the pedestrians into the batch buffers and runs the streaming graph once; returns [B × H] probabilities. */
  private async infer(tracks: msg.TrackList, peds: readonly number[]): Promise<Float32Array> {
    const spec = RASTER_SPEC;
    const R = this.rasteriser.rasterSize;
    const F = spec.features.length;
    const G = this.hiddenSize;
    const B = peds.length;
    this.ensureCapacity(B);
    for (let b = 0; b < B; b++) {
      const t = tracks.tracks[peds[b]];
      this.rasteriser.rasterise(peds[b], { raster: this.rasterU8, rasterOffset: b * R, features: this.features, featureOffset: b * F });
      let h = this.hidden.get(t.id);
      if (!h) this.hidden.set(t.id, (h = new Float32Array(G)));
      this.hiddenBatch.set(h, b * G);
    }
    const n = B * R;
    const u8 = this.rasterU8, f32 = this.rasterF32;
    for (let i = 0; i < n; i++) f32[i] = u8[i] / 255;
    const T = this.TensorClass;
    const S = spec.sizePx;
    const feeds: Record<string, Tensor> = {
      features: new T("float32", this.features.subarray(0, B * F), [B, F]),
      hidden: new T("float32", this.hiddenBatch.subarray(0, B * G), [B, G]),
    };
    if (this.card.usesRaster) feeds.raster = new T("float32", f32.subarray(0, n), [B, spec.channels.length, S, S]);
    const out = await this.session.run(feeds);
    const hOut = out.hidden_out.data as Float32Array;
    for (let b = 0; b < B; b++) this.hidden.get(tracks.tracks[peds[b]].id)!.set(hOut.subarray(b * G, (b + 1) * G));
    return out.probabilities.data as Float32Array;
  }

  private ensureCapacity(B: number): void {
    if (B <= this.capacity) return;
    const cap = Math.max(B, this.capacity * 2, 8);
    this.capacity = cap;
    this.rasterU8 = new Uint8Array(cap * this.rasteriser.rasterSize);
    this.rasterF32 = new Float32Array(cap * this.rasteriser.rasterSize);
    this.features = new Float32Array(cap * RASTER_SPEC.features.length);
    this.hiddenBatch = new Float32Array(cap * this.hiddenSize);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
