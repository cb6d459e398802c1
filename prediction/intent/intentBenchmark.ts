// Benchmark of the intent pipeline (`curb bench` includes it; alone: npx tsx prediction/intent/bench.ts [card]):
//  - rasterisation per pedestrian (pre-rasterised static layers, as shipped) vs polygon tests per pixel
//  - streaming inference (one batched ONNX call) per pedestrian per frame at 1, 8, 32 pedestrians,
//    and the whole IntentPredictor.update (rasterise + infer + messages) per pedestrian.
// Wall time is read here only to measure.
import { cpus } from "node:os";
import * as ort from "onnxruntime-node";
import { msg, secondsToNs, toTimestamp } from "../../bus/index.ts";
import { pointInAnyPolygon, projectOntoPolyline } from "../geometry.ts";
import { BevRasteriser } from "./bevRaster.ts";
import { loadIntentGraph, resolveModelPath } from "./intentModel.ts";
import { IntentPredictor } from "./IntentPredictor.ts";
import { RASTER_SPEC } from "./rasterSpec.ts";


function frame(k: number, nPeds: number, nCars = 20): msg.TrackList {
  const tracks: msg.Track[] = [];
  for (let i = 0; i < nPeds; i++) {
    const side = i % 2 ? 1 : -1;
    tracks.push(msg.create(msg.TrackSchema, {
      id: i + 1, objectClass: msg.ObjectClass.PEDESTRIAN, xM: 20 + ((i * 5.3) % 160) + 0.12 * k, yM: side * (6 + (i % 3)) + 0.05 * Math.sin(1.7 * k + i),
      vxMps: 1.2, vyMps: 0.2 * Math.cos(0.9 * k + i), lengthM: 0.5, widthM: 0.5,
    }));
  }
  for (let j = 0; j < nCars; j++) {
    tracks.push(msg.create(msg.TrackSchema, { id: 101 + j, objectClass: msg.ObjectClass.CAR, xM: 10 + j * 9, yM: j % 2 ? 4.5 : -4.5, lengthM: 4.5, widthM: 1.8 }));
  }
  return msg.create(msg.TrackListSchema, { timestamp: toTimestamp(secondsToNs(k / 10)), frameId: "map", tracks });
}
const ego = msg.create(msg.VehicleStateSchema, { xM: 30, yM: -1.75, speedMps: 10, lengthM: 4.6, widthM: 1.9 });

function benchRaster(map: msg.StreetMap, frames: number, nPeds: number): number {
  const r = new BevRasteriser();
  r.setMap(map);
  const buf = new Uint8Array(nPeds * r.rasterSize);
  const feats = new Float32Array(nPeds * RASTER_SPEC.features.length);
  let total = 0;
  for (let k = 0; k < frames; k++) {
    const tl = frame(k, nPeds);
    const t0 = performance.now();
    const peds = r.update(tl, ego);
    peds.forEach((ti, b) => r.rasterise(ti, { raster: buf, rasterOffset: b * r.rasterSize, features: feats, featureOffset: b * RASTER_SPEC.features.length }));
    if (k >= 10) total += performance.now() - t0;
  }
  return (total / (frames - 10) / nPeds) * 1000;
}

/** The alternative: polygon and curb-distance tests for every pixel (static layers only). */
function benchPolygonRaster(map: msg.StreetMap, nPeds: number, frames: number): number {
  const road = map.road.map((p) => p.points), side = map.sidewalks.map((p) => p.points), cw = map.crosswalks.map((p) => p.points);
  const curbs = map.curbs.map((c) => c.points);
  const S = RASTER_SPEC.sizePx, res = RASTER_SPEC.resolutionM;
  const out = new Uint8Array(4 * S * S);
  const t0 = performance.now();
  for (let k = 0; k < frames; k++) {
    for (const t of frame(k, nPeds, 0).tracks) {
      for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) {
        const x = t.xM + (S / 2 - r - 0.5) * res, y = t.yM + (S / 2 - c - 0.5) * res;
        const o = r * S + c;
        out[o] = pointInAnyPolygon(x, y, road) ? 255 : 0;
        out[o + S * S] = pointInAnyPolygon(x, y, side) ? 255 : 0;
        out[o + 2 * S * S] = pointInAnyPolygon(x, y, cw) ? 255 : 0;
        let curb = false;
        for (const cl of curbs) if (projectOntoPolyline(x, y, cl).distanceM <= RASTER_SPEC.curbHalfWidthM) curb = true;
        out[o + 3 * S * S] = curb ? 255 : 0;
      }
    }
  }
  return ((performance.now() - t0) / frames / nPeds) * 1000;
}

async function benchInference(map: msg.StreetMap, card: string, nPeds: number, runs: number): Promise<Record<string, number>> {
  const g = await loadIntentGraph(card, "step", 1);
  const R = RASTER_SPEC.channels.length * RASTER_SPEC.sizePx * RASTER_SPEC.sizePx, F = RASTER_SPEC.features.length, G = g.card.hiddenSize;
  const feeds = {
    raster: new ort.Tensor("float32", new Float32Array(nPeds * R).fill(0.1), [nPeds, RASTER_SPEC.channels.length, RASTER_SPEC.sizePx, RASTER_SPEC.sizePx]),
    features: new ort.Tensor("float32", new Float32Array(nPeds * F).fill(0.5), [nPeds, F]),
    hidden: new ort.Tensor("float32", new Float32Array(nPeds * G), [nPeds, G]),
  };
  for (let i = 0; i < 10; i++) await g.session.run(feeds);
  let t0 = performance.now();
  for (let i = 0; i < runs; i++) await g.session.run(feeds);
  const inferenceMsPerPed = (performance.now() - t0) / runs / nPeds;
  await g.session.release();

  const p = await IntentPredictor.load({ predictor: "intent_cnn_gru", intentModelCard: card, intentThreads: 1 });
  p.setMap(map);
  const times: number[] = [];
  for (let k = 0; k < runs + 10; k++) {
    const tl = frame(k, nPeds);
    t0 = performance.now();
    await p.update(tl, ego);
    if (k >= 10) times.push(performance.now() - t0);
  }
  await p.release();
  times.sort((a, b) => a - b);
  return {
    inferenceMsPerPed,
    updateMsPerPed: times.reduce((a, b) => a + b, 0) / times.length / nPeds,
    p50UpdateMs: times[Math.floor(0.5 * (times.length - 1))],
    p99UpdateMs: times[Math.floor(0.99 * (times.length - 1))],
  };
}

export interface IntentBenchmarkOptions {
  /** Timed frames of each measurement (the defaults: the figures in prediction/intent/README.md). */
  rasterFrames?: number;
  inferenceRuns?: number;
}

/**
 * The intent pipeline's timings on `map` (the simulator's street; positions come from a fixed pattern):
 * rasterisation per pedestrian, streaming inference per pedestrian at 1, 8 and 32 pedestrians.
 */
export async function benchmarkIntent(map: msg.StreetMap, cardPath = "models/intent.card.json", opts: IntentBenchmarkOptions = {}) {
  const card = resolveModelPath(cardPath);
  const rasterFrames = opts.rasterFrames ?? 100;
  const streaming: Record<string, Record<string, number>> = {};
  for (const n of [1, 8, 32]) streaming[String(n)] = await benchInference(map, card, n, opts.inferenceRuns ?? (n === 1 ? 300 : 100));
  return {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, onnxruntimeThreads: 1 },
    rasterSpec: { sizePx: RASTER_SPEC.sizePx, resolutionM: RASTER_SPEC.resolutionM, channels: RASTER_SPEC.channels.length },
    rasterisationUsPerPedestrian: { preRasterisedStaticLayers: benchRaster(map, rasterFrames + 10, 32), polygonTestsPerPixelStaticOnly: benchPolygonRaster(map, 32, Math.max(1, Math.round(rasterFrames / 10))) },
    streaming,
    budgetMsPerPedestrianAt32: 0.2,
  };
}
