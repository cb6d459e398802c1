// Oracle perception: ground truth → detections and tracks, degraded on purpose (noise, misses,
// occlusion by visibility, latency) and tracked with oracle association (track id = ground-truth id).
import { msg, nsToSeconds, secondsToNs, toTimestamp, fromTimestamp } from "../bus/index.ts";
import { createRng, gaussian, type Rng } from "../sim/random.ts";
import { parsePerceptionParams, type PerceptionParams, type PerceptionParamsInput } from "./params.ts";

export interface PerceptionOutput {
  /** Measurement time of the ground truth the output reflects (input time − delay), ns. */
  readonly stampNs: bigint;
  readonly detections: msg.DetectionList;
  readonly tracks: msg.TrackList;
}

interface TrackState {
  /** Last detected state (noisy); coasting extrapolates from it. */
  last: msg.Track;
  firstSeenNs: bigint;
  lastSeenNs: bigint;
}

/**
 * Call `update` once per ground-truth frame, in time order. Returns the output for the newest frame
 * that is at least `delayS` old, or undefined while no frame is old enough yet (the first `delayS`).
 * Deterministic for a given seed and input sequence.
 */
export class OraclePerception {
  readonly params: PerceptionParams;
  private rng: Rng;
  private readonly delayNs: bigint;
  private queue: msg.GroundTruth[] = [];
  private tracks = new Map<number, TrackState>();
  private lastInputNs: bigint | undefined;

  constructor(params: PerceptionParamsInput = {}) {
    this.params = parsePerceptionParams(params);
    this.rng = createRng(this.params.seed);
    this.delayNs = secondsToNs(this.params.delayS);
  }

  /** Forgets queued frames and tracks and restarts the noise stream (a new run). */
  reset(): void {
    this.rng = createRng(this.params.seed);
    this.queue = [];
    this.tracks.clear();
    this.lastInputNs = undefined;
  }

  update(groundTruth: msg.GroundTruth): PerceptionOutput | undefined {
    const nowNs = fromTimestamp(groundTruth.timestamp);
    if (this.lastInputNs !== undefined && nowNs < this.lastInputNs) this.reset(); // time went back: new run
    this.lastInputNs = nowNs;
    this.queue.push(groundTruth);
    let out: PerceptionOutput | undefined;
    while (this.queue.length > 0 && fromTimestamp(this.queue[0].timestamp) <= nowNs - this.delayNs) {
      out = this.process(this.queue.shift()!);
    }
    return out;
  }

  private process(gt: msg.GroundTruth): PerceptionOutput {
    const p = this.params;
    const stampNs = fromTimestamp(gt.timestamp);
    const timestamp = toTimestamp(stampNs);
    const detections: msg.Detection[] = [];
    const detectedIds = new Set<number>();
    const ego = gt.ego;

    for (const o of gt.objects) {
      if (ego && Math.hypot(o.xM - ego.xM, o.yM - ego.yM) < p.egoExclusionRadiusM) continue;
      if (o.visibility < p.minVisibility) continue;
      // Draw order is fixed per object (miss, then noise) so a seed gives the same run.
      if (p.missProbability > 0 && this.rng() < p.missProbability) continue;
      const x = o.xM + this.noise(p.positionNoiseSdM);
      const y = o.yM + this.noise(p.positionNoiseSdM);
      const vx = o.vxMps + this.noise(p.velocityNoiseSdMps);
      const vy = o.vyMps + this.noise(p.velocityNoiseSdMps);
      detections.push(
        msg.create(msg.DetectionSchema, {
          objectClass: o.objectClass, xM: x, yM: y, yawRad: o.yawRad,
          lengthM: o.lengthM, widthM: o.widthM, heightM: o.heightM, score: o.visibility,
        }),
      );
      detectedIds.add(o.id);
      const prev = this.tracks.get(o.id);
      const last = msg.create(msg.TrackSchema, {
        id: o.id, objectClass: o.objectClass, xM: x, yM: y, yawRad: o.yawRad, vxMps: vx, vyMps: vy,
        lengthM: o.lengthM, widthM: o.widthM, heightM: o.heightM,
      });
      this.tracks.set(o.id, { last, firstSeenNs: prev?.firstSeenNs ?? stampNs, lastSeenNs: stampNs });
    }

    const out: msg.Track[] = [];
    const maxCoastNs = secondsToNs(p.maxCoastS);
    for (const [id, state] of this.tracks) {
      const coastNs = stampNs - state.lastSeenNs;
      if (!detectedIds.has(id) && coastNs > maxCoastNs) {
        this.tracks.delete(id);
        continue;
      }
      const coastedS = nsToSeconds(coastNs);
      const t = msg.clone(msg.TrackSchema, state.last);
      t.xM += t.vxMps * coastedS;
      t.yM += t.vyMps * coastedS;
      t.ageS = nsToSeconds(stampNs - state.firstSeenNs);
      t.coastedS = coastedS;
      out.push(t);
    }
    out.sort((a, b) => a.id - b.id);

    return {
      stampNs,
      detections: msg.create(msg.DetectionListSchema, { timestamp, frameId: p.frameId, detections }),
      tracks: msg.create(msg.TrackListSchema, { timestamp, frameId: p.frameId, tracks: out }),
    };
  }

  private noise(sd: number): number {
    return sd > 0 ? gaussian(this.rng, 0, sd) : 0;
  }
}
