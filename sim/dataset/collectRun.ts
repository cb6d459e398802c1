// One closed-loop run → per-pedestrian-track sequences of intent-model inputs and labels.
// Tracks come from the stack's own /perception/tracks (oracle perception: track id = ground-truth id),
// rasterised by the same BevRasteriser the live IntentPredictor uses; labels from /sim/ground_truth.
import { fromTimestamp, msg } from "../../bus/index.ts";
import type { StackParamsInput } from "../../planning/index.ts";
import { BevRasteriser, RASTER_SPEC, type RasterSpec } from "../../prediction/index.ts";
import { runClosedLoop } from "../closedLoop.ts";
import type { Scenario } from "../scenarios/index.ts";
import { COLLECTION_STACK, collectionStackParams } from "./collectionStack.ts";

/** Per-frame columns of the `meta` array (float32). */
export const META_COLUMNS = Object.freeze([
  "t_s", // sim time of the frame, s
  "time_to_entry_s", // jaywalk road entry (curb leave) time − t, s; negative after it; NaN when this pedestrian never jaywalks
  "pre_entry", // 1 before this pedestrian first leaves the curb or is on the road, whatever its behaviour (the frames intent is about)
  "on_road", // ground truth, 0/1
  "in_crosswalk", // ground truth, 0/1
  "will_jaywalk", // ground truth planned intent, 0/1
  "will_cross", // ground truth planned intent, 0/1
  "behaviour", // PedestrianTruth.Behaviour enum value
  "history_padded", // 1 when fewer than spec.historyFrames frames of history exist
] as const);

/** Per-frame columns of the `tracks` array (float32): the track as perception reported it. */
export const TRACK_COLUMNS = Object.freeze(["x_m", "y_m", "vx_mps", "vy_mps", "yaw_rad"] as const);

export interface SequenceInfo {
  scenario: string;
  seed: number;
  trackId: number;
  /** First frame index within the run's (or dataset's) frame arrays, and the frame count. */
  start: number;
  length: number;
  behaviour: number;
  willJaywalk: boolean;
  willCross: boolean;
}

/** How a pedestrian is named across the tools: "jaywalk-group#300008/1/3" (scenario, run seed, track id). */
export const pedestrianId = (s: Pick<SequenceInfo, "scenario" | "seed" | "trackId">): string => `${s.scenario}/${s.seed}/${s.trackId}`;

/** Growable frame arrays: rasters (uint8), features, labels (uint8 0/1 per horizon), meta, tracks. */
export interface RunSamples {
  n: number;
  rasters: Uint8Array;
  features: Float32Array;
  labels: Uint8Array;
  meta: Float32Array;
  tracks: Float32Array;
  sequences: SequenceInfo[];
}

interface Pending {
  trackId: number;
  tNs: bigint;
}

/**
 * Runs `scenario` with `seed` and returns its samples (frames ordered by sequence, then time). The ego
 * drives with the collection stack unless told otherwise.
 */
export async function collectRun(
  scenario: Scenario,
  seed: number,
  stackParams: StackParamsInput = COLLECTION_STACK,
  spec: RasterSpec = RASTER_SPEC,
): Promise<RunSamples> {
  const raster = new BevRasteriser(spec);
  const R = raster.rasterSize;
  const F = spec.features.length;
  const H = spec.horizonsS.length;
  let cap = 1024;
  let n = 0;
  let rasters = new Uint8Array(cap * R);
  let features = new Float32Array(cap * F);
  const TC = TRACK_COLUMNS.length;
  let trackStates = new Float32Array(cap * TC);
  const pending: Pending[] = [];
  let ego: msg.VehicleState | undefined;

  const grow = () => {
    cap *= 2;
    const r = new Uint8Array(cap * R); r.set(rasters); rasters = r;
    const f = new Float32Array(cap * F); f.set(features); features = f;
    const t = new Float32Array(cap * TC); t.set(trackStates); trackStates = t;
  };

  const run = await runClosedLoop(scenario, {
    seed,
    stackParams: collectionStackParams(seed, stackParams),
    onBus: (bus) => {
      bus.topic("/map").subscribe((e) => raster.setMap(e.message));
      bus.topic("/vehicle/state").subscribe((e) => (ego = e.message));
      bus.topic("/perception/tracks").subscribe((e) => {
        const peds = raster.update(e.message, ego);
        const tNs = fromTimestamp(e.message.timestamp);
        for (const i of peds) {
          if (n === cap) grow();
          raster.rasterise(i, { raster: rasters, rasterOffset: n * R, features, featureOffset: n * F });
          const t = e.message.tracks[i];
          trackStates.set([t.xM, t.yM, t.vxMps, t.vyMps, t.yawRad], n * TC);
          pending.push({ trackId: t.id, tNs });
          n++;
        }
      });
    },
  });

  // Ground truth per frame time and per pedestrian id.
  const frameIndex = new Map<bigint, number>();
  run.frames.forEach((f, k) => frameIndex.set(f.tNs, k));
  const gtAt = (k: number, id: number) => run.frames[k].groundTruth.objects.find((o) => o.id === id);
  const entryNs = new Map<number, bigint>(); // jaywalk road entry per pedestrian (final curb leave)
  const jayRoad = new Map<number, bigint[]>(); // frame times at which it is on the road outside a crosswalk, will_jaywalk
  // First road entry of ANY pedestrian (a hesitater stepping off, a crosswalk crosser): after it, a frame
  // no longer asks "will it step into the road", so it leaves the anticipation (pre-entry) set.
  const firstEntryNs = new Map<number, bigint>();
  for (const f of run.frames) {
    for (const o of f.groundTruth.objects) {
      const p = o.pedestrian;
      if (p && !firstEntryNs.has(o.id)) {
        const leave = p.curbLeaveTimeNs > 0n ? p.curbLeaveTimeNs : p.onRoad ? f.tNs : 0n;
        if (leave > 0n) firstEntryNs.set(o.id, leave);
      }
      if (!p || !p.willJaywalk) continue;
      if (p.curbLeaveTimeNs > 0n && !entryNs.has(o.id)) entryNs.set(o.id, p.curbLeaveTimeNs);
      if (p.onRoad && !p.inCrosswalk) {
        const list = jayRoad.get(o.id) ?? [];
        list.push(f.tNs);
        jayRoad.set(o.id, list);
      }
    }
  }

  // Order frames by track, then time; break a track into sequences where it was absent (re-born).
  const order = pending.map((_, i) => i).sort((a, b) => pending[a].trackId - pending[b].trackId || Number(pending[a].tNs - pending[b].tNs));
  const framePeriodNs = run.frames.length > 1 ? run.frames[1].tNs - run.frames[0].tNs : 100_000_000n;
  const out: RunSamples = {
    n,
    rasters: new Uint8Array(n * R),
    features: new Float32Array(n * F),
    labels: new Uint8Array(n * H),
    meta: new Float32Array(n * META_COLUMNS.length),
    tracks: new Float32Array(n * TRACK_COLUMNS.length),
    sequences: [],
  };
  const M = META_COLUMNS.length;
  let seq: SequenceInfo | undefined;
  let prev: Pending | undefined;
  for (let j = 0; j < order.length; j++) {
    const src = order[j];
    const p = pending[src];
    if (!seq || !prev || prev.trackId !== p.trackId || p.tNs - prev.tNs > framePeriodNs) {
      const k0 = frameIndex.get(p.tNs);
      const g = k0 === undefined ? undefined : gtAt(k0, p.trackId)?.pedestrian;
      seq = {
        scenario: scenario.name, seed, trackId: p.trackId, start: j, length: 0,
        behaviour: g?.behaviour ?? 0, willJaywalk: g?.willJaywalk ?? false, willCross: g?.willCross ?? false,
      };
      out.sequences.push(seq);
    }
    seq.length++;
    prev = p;
    out.rasters.set(rasters.subarray(src * R, (src + 1) * R), j * R);
    out.features.set(features.subarray(src * F, (src + 1) * F), j * F);
    out.tracks.set(trackStates.subarray(src * TC, (src + 1) * TC), j * TC);

    const tS = Number(p.tNs) / 1e9;
    const k = frameIndex.get(p.tNs);
    const obj = k === undefined ? undefined : gtAt(k, p.trackId);
    const g = obj?.pedestrian;
    const entry = entryNs.get(p.trackId);
    const road = jayRoad.get(p.trackId) ?? [];
    for (let h = 0; h < H; h++) {
      const endNs = p.tNs + BigInt(Math.round(spec.horizonsS[h] * 1e9));
      let y = entry !== undefined && entry >= p.tNs && entry <= endNs;
      for (const t of road) if (t >= p.tNs && t <= endNs) { y = true; break; }
      out.labels[j * H + h] = y ? 1 : 0;
    }
    const m = j * M;
    out.meta[m] = tS;
    out.meta[m + 1] = entry === undefined ? NaN : Number(entry - p.tNs) / 1e9;
    const firstEntry = firstEntryNs.get(p.trackId);
    out.meta[m + 2] = firstEntry === undefined || p.tNs < firstEntry ? 1 : 0;
    out.meta[m + 3] = g?.onRoad ? 1 : 0;
    out.meta[m + 4] = g?.inCrosswalk ? 1 : 0;
    out.meta[m + 5] = g?.willJaywalk ? 1 : 0;
    out.meta[m + 6] = g?.willCross ? 1 : 0;
    out.meta[m + 7] = g?.behaviour ?? 0;
    out.meta[m + 8] = out.features[j * F + spec.features.indexOf("history_fraction")] < 1 ? 1 : 0;
  }
  return out;
}
