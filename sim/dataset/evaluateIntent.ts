// `curb eval intent`: the intent model and its baselines on the same held-out data, per horizon:
// precision, recall, F1, ROC-AUC, expected calibration error; warning lead time before the curb is
// left; false warnings per hour for pedestrians who never cross; and a raster-channel ablation
// (one channel zeroed at a time, same weights). Writes eval.json and eval.txt.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { InferenceSession } from "onnxruntime-node";
import { msg } from "../../bus/index.ts";
import {
  binaryMetrics, type BinaryMetrics, type BootstrapInterval, CurbRulePredictor, earlyTolerantF1, errorsByTimeToEntry, f1ByThreshold, f1Score, describeOperatingPoint, horizonKey, pairedBootstrapF1Difference, pedestrianBootstrapF1, loadIntentGraph, median, probabilityBeforeEntry, type ProbabilityBin,
  checkOperatingPoint, type OperatingPoint, operatingPointOf, quantile, RASTER_SPEC, resolveModelPath, type ReliabilityBin, reliabilityBins, rocCurve, StreetGeometry, thresholdAt, type TimingBin, warningLeadTimeS, warningOnsets,
} from "../../prediction/index.ts";
import { findScenario, templateName } from "../scenarios/index.ts";
import { World } from "../world/index.ts";
import { META_COLUMNS, pedestrianId, type SequenceInfo, TRACK_COLUMNS } from "./collectRun.ts";
import { buildDataset, type DatasetOptions } from "./buildDataset.ts";
import { type CardDataSummary, cardDataSummary } from "./cardDataSummary.ts";
import { type LoadedDataset, readCurrentDataset, readDataset } from "./datasetFiles.ts";
import { renderEvalIntentPage, timingBinLabel } from "./evalIntentPage.ts";
import { FIRST_SIGHTS, type FirstSight, firstSight } from "./firstSight.ts";
import { type IntentExample, intentExamples } from "./intentExamples.ts";
import { type LookAlike, type StepOffCurve, stepOffLookAlikes } from "./stepOffLookAlikes.ts";
import { editCardFile, f3, finiteOrNull } from "./reportFiles.ts";
import { makeOutputFolder } from "../../replay/outputFolder.ts";
import { progressBar } from "../../scripts/progressBar.ts";

export interface EvalOptions {
  /** An existing dataset folder; otherwise one is built from suite/variants/seedBase/variation into out/data. */
  data?: string;
  suite: string;
  variants: number;
  seedBase: number;
  variation: DatasetOptions["variation"];
  model: string;
  /** The kinematic-only GRU (trained with --no-raster); skipped, saying why, when it cannot be loaded, unless required. */
  kinematicModel?: string;
  /** The user named the kinematic model: refuse rather than skip it when it cannot be loaded. */
  kinematicRequired?: boolean;
  /** Another intent model to compare with, at its own card's operating point: paired F1 difference. */
  compareModel?: string;
  /**
   * The same runs rasterised by the compared model's raster spec (a dataset built by that model's
   * checkout), when it differs from the data's; its pedestrians and labels must match frame for frame.
   */
  compareData?: string;
  out: string;
  /** How probabilities become decisions (per-head thresholds, the warning head); default: the model card's. */
  operatingPoint?: OperatingPoint;
  ablation: boolean;
  /** Record the headline numbers in the model card (`quality.evaluations[]`). */
  updateCard?: boolean;
  quiet?: boolean;
}

type Probs = Float32Array; // [n × H], dataset order

export interface LeadTime {
  horizonS: number; threshold: number; jaywalkers: number; warned: number; medianS: number; p10S: number; p90S: number;
  /** The lead of each warned jaywalker, s, ascending. */
  leadsS: number[];
  /** The jaywalkers not warned at their road entry (`pedestrianId`s, dataset order). */
  missedIds: string[];
}

/** Thresholds of the F1-against-threshold curve. */
export const CURVE_THRESHOLDS = Object.freeze(Array.from({ length: 19 }, (_, k) => (k + 1) / 20));

export interface PredictorReport {
  name: string;
  /** Per horizon ("1s", each at its own threshold): metrics on frames before the pedestrian first steps onto the road ("preEntry") and on every frame ("all"). */
  horizons: Record<string, { preEntry: BinaryMetrics; all: BinaryMetrics }>;
  /** Lead time of the warning (the operating point's warning head at its threshold). */
  leadTime: LeadTime;
  /** The lead of every head's probability at its own threshold. */
  leadTimeByHorizon: LeadTime[];
  /** Onsets of the warning on pedestrians who never cross. */
  falseWarnings: { nonCrossers: number; hours: number; warnings: number; perHour: number };
  /**
   * Per pedestrian, by the warning: a jaywalker is a hit when a warning is in force at its road entry
   * (as for lead time); any other pedestrian is a false alarm when warned on any pre-entry frame.
   */
  pedestrians: { jaywalkers: number; hits: number; others: number; falseAlarms: number; precision: number; recall: number; f1: number; falseAlarmIds: string[] };
  /** Pre-entry frames at the 1 s head per scenario template ("jaywalk-group#300008" → "jaywalk-group"): where the errors are. */
  byScenario: Record<string, { tp: number; fp: number; fn: number }>;
  /** The same frames per template split by how each pedestrian moved when first tracked (see firstSight): a standing jaywalker walks to the curb as a hesitater does. */
  byFirstSight: Record<string, Record<FirstSight, { pedestrians: number; tp: number; fp: number; fn: number }>>;
  /** Pre-entry frames at the 1 s head by time to road entry: timing errors (a little early or late) against who-errors. */
  byTimeToEntry: TimingBin[];
  /** The 1 s head's probability over the jaywalkers' last 3 s before their road entry (p10, median, p90 per 0.1 s): how sharp the timing is. */
  beforeEntry: ProbabilityBin[];
  /** The same against time to the step-off, for the mid-block jaywalkers standing and walking when first tracked and for the hesitaters: the look-alikes (see stepOffLookAlikes). */
  stepOff: Record<LookAlike, StepOffCurve>;
  /** Pre-entry F1 at the 1 s head with warnings up to 0.5 s earlier than it forgiven (diagnostic; see earlyTolerantF1). */
  earlyTolerantF1: number;
  /** Pre-entry curves at the 1 s head (the report's plots): ROC, reliability, F1 against threshold. */
  curves: { roc: [number, number][]; reliability: ReliabilityBin[]; f1ByThreshold: [number, number][] };
  /** 95 % interval of the pre-entry F1 at the 1 s head, pedestrians resampled: how far a difference is from the draw. */
  preEntryF1Interval: BootstrapInterval;
  /** TP, FP, FN at the 1 s head of each pedestrian with pre-entry frames, in dataset order (for paired comparisons). */
  preEntryCounts: number[];
}

/** The model against another on the same pedestrians: F1@1s pre-entry of each and the paired difference (model − other). */
export interface ModelComparison {
  model: string;
  other: string;
  /** The dataset the other model was scored on, when not the same as the model's. */
  otherData?: string;
  /** The other model's operating point (its card's). */
  otherOperatingPoint: OperatingPoint;
  f1: number;
  otherF1: number;
  difference: BootstrapInterval & { value: number };
}

const H = RASTER_SPEC.horizonsS.length;
const M = META_COLUMNS.length;
const col = (name: (typeof META_COLUMNS)[number]) => META_COLUMNS.indexOf(name);

/** Runs the full-sequence graph over every sequence; `zeroChannel` blanks one raster channel (ablation). */
export async function runFullGraph(session: InferenceSession, usesRaster: boolean, ds: LoadedDataset, zeroChannel = -1): Promise<Probs> {
  const ort = await import("onnxruntime-node");
  const spec = ds.header.spec;
  const R = spec.channels.length * spec.sizePx * spec.sizePx;
  const plane = spec.sizePx * spec.sizePx;
  const F = spec.features.length;
  const S = spec.sizePx;
  const out = new Float32Array(ds.n * H);
  const maxLen = Math.max(1, ...ds.sequences.map((s) => s.length));
  const buf = new Float32Array(maxLen * R);
  for (const s of ds.sequences) {
    const T = s.length;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      features: new ort.Tensor("float32", ds.features.slice(s.start * F, (s.start + T) * F), [1, T, F]),
    };
    if (usesRaster) {
      const src = ds.rasters.subarray(s.start * R, (s.start + T) * R);
      for (let i = 0; i < T * R; i++) buf[i] = src[i] / 255;
      if (zeroChannel >= 0) for (let t = 0; t < T; t++) buf.fill(0, t * R + zeroChannel * plane, t * R + (zeroChannel + 1) * plane);
      feeds.rasters = new ort.Tensor("float32", buf.subarray(0, T * R), [1, T, spec.channels.length, S, S]);
    }
    const r = await session.run(feeds);
    out.set(r.probabilities.data as Float32Array, s.start * H);
  }
  return out;
}

function trackAt(ds: LoadedDataset, i: number): msg.Track {
  const t = ds.tracks.subarray(i * TRACK_COLUMNS.length, (i + 1) * TRACK_COLUMNS.length);
  return msg.create(msg.TrackSchema, { id: 0, objectClass: msg.ObjectClass.PEDESTRIAN, xM: t[0], yM: t[1], vxMps: t[2], vyMps: t[3], yawRad: t[4], lengthM: 0.5, widthM: 0.5 });
}

function mapFor(scenario: string, seed: number, cache: Map<string, msg.StreetMap>): msg.StreetMap {
  let m = cache.get(scenario);
  if (!m) cache.set(scenario, (m = new World(findScenario(scenario), seed).streetMap()));
  return m;
}

/** The constant-velocity + curb-rule predictor (the stack's first version) on the recorded tracks. */
function curbRuleProbs(ds: LoadedDataset): Probs {
  const out = new Float32Array(ds.n * H);
  const cache = new Map<string, msg.StreetMap>();
  const predictor = new CurbRulePredictor();
  let mapName = "";
  for (const s of ds.sequences) {
    if (s.scenario !== mapName) { predictor.setMap(mapFor(s.scenario, s.seed, cache)); mapName = s.scenario; }
    for (let i = s.start; i < s.start + s.length; i++) {
      const a = predictor.assess(trackAt(ds, i));
      RASTER_SPEC.horizonsS.forEach((h, k) => (out[i * H + k] = predictor.probability(a, h)));
    }
  }
  return out;
}

/**
 * A crosswalk rule in the style of Autoware's map-based prediction and crosswalk module: crossing intent
 * is attributed to a crosswalk when the pedestrian is near one (→ not jaywalking); elsewhere the
 * constant-velocity path decides (enters the road within h ⇒ 1); a pedestrian standing at the curb is a
 * possible crosser (0.5) until a stop timeout, then ignored (0). Already on the road outside a crosswalk ⇒ 1.
 */
export const CROSSWALK_RULE = Object.freeze({ crosswalkVicinityM: 2, curbNearM: 1.5, standingSpeedMps: 0.3, stopTimeoutS: 2, stepS: 0.05 });

function crosswalkRuleProbs(ds: LoadedDataset): Probs {
  const R = CROSSWALK_RULE;
  const out = new Float32Array(ds.n * H);
  const cache = new Map<string, msg.StreetMap>();
  let street: StreetGeometry | undefined;
  let mapName = "";
  const dt = 1 / RASTER_SPEC.rateHz;
  for (const s of ds.sequences) {
    if (s.scenario !== mapName || !street) { street = new StreetGeometry(mapFor(s.scenario, s.seed, cache)); mapName = s.scenario; }
    const cw = street.map.crosswalks.map((c) => c.points);
    let standingS = 0;
    for (let i = s.start; i < s.start + s.length; i++) {
      const t = trackAt(ds, i);
      const speed = Math.hypot(t.vxMps, t.vyMps);
      standingS = speed < R.standingSpeedMps ? standingS + dt : 0;
      const nearCrosswalk = cw.some((poly) => {
        let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
        for (const p of poly) { x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y); }
        const dx = Math.max(x0 - t.xM, 0, t.xM - x1), dy = Math.max(y0 - t.yM, 0, t.yM - y1);
        return Math.hypot(dx, dy) <= R.crosswalkVicinityM;
      });
      const onRoad = street.onRoad(t.xM, t.yM);
      RASTER_SPEC.horizonsS.forEach((h, k) => {
        let p = 0;
        if (onRoad) p = street!.inCrosswalk(t.xM, t.yM) ? 0 : 1;
        else if (nearCrosswalk) p = 0;
        else if (speed < R.standingSpeedMps) p = street!.nearestCurb(t.xM, t.yM).distanceM <= R.curbNearM && standingS < R.stopTimeoutS ? 0.5 : 0;
        else {
          for (let u = R.stepS; u <= h + 1e-9; u += R.stepS) {
            const x = t.xM + t.vxMps * u, y = t.yM + t.vyMps * u;
            if (street!.onRoad(x, y)) { p = street!.inCrosswalk(x, y) ? 0 : 1; break; }
          }
        }
        out[i * H + k] = p;
      });
    }
  }
  return out;
}

/** How much earlier than the 1 s head a warning may come and still be forgiven by earlyTolerantF1, s. */
const EARLY_TOLERANCE_S = 0.5;

/** The head the frame-level targets are set on (F1, ROC-AUC): the timing tables, curves and intervals are of it. */
export const TARGET_HORIZON_S = 1;
/** Pedestrian ids listed per kind in eval.txt (eval.json has them all). */
const LISTED_IDS = 12;

/** One track sequence's frames before its road entry at an operating point: the warning head, and the 1 s head against the labels. */
export interface PreEntryScore {
  frames: number;
  warnedFrames: number;
  /** Time of the first frame warned, s; null when none. */
  firstWarnedS: number | null;
  maxWarningP: number;
  tp: number;
  fp: number;
  fn: number;
}

export function scorePreEntry(ds: LoadedDataset, s: SequenceInfo, probs: Probs, op: OperatingPoint): PreEntryScore {
  const kw = RASTER_SPEC.horizonsS.indexOf(op.warningHorizonS), tw = thresholdAt(op, op.warningHorizonS);
  const kf = RASTER_SPEC.horizonsS.indexOf(TARGET_HORIZON_S), tf = thresholdAt(op, TARGET_HORIZON_S);
  const r: PreEntryScore = { frames: 0, warnedFrames: 0, firstWarnedS: null, maxWarningP: 0, tp: 0, fp: 0, fn: 0 };
  for (let i = s.start; i < s.start + s.length; i++) {
    if (ds.meta[i * M + col("pre_entry")] !== 1) continue;
    r.frames++;
    const pw = probs[i * H + kw];
    r.maxWarningP = Math.max(r.maxWarningP, pw);
    if (pw >= tw) {
      r.warnedFrames++;
      r.firstWarnedS ??= ds.meta[i * M + col("t_s")];
    }
    const y = ds.labels[i * H + kf] === 1, positive = probs[i * H + kf] >= tf;
    if (y && positive) r.tp++;
    else if (positive) r.fp++;
    else if (y) r.fn++;
  }
  return r;
}

/**
 * A jaywalker's warning lead in one track sequence (`warningLeadTimeS` at head `k`, `threshold`): null
 * when the warning misses its entry; undefined when the sequence is not a jaywalker tracked before it.
 */
export function sequenceWarningLead(ds: LoadedDataset, s: SequenceInfo, probs: Probs, k: number, threshold: number): number | null | undefined {
  if (!s.willJaywalk) return undefined;
  const tS: number[] = [], p: number[] = [];
  let entry = NaN;
  for (let i = s.start; i < s.start + s.length; i++) {
    tS.push(ds.meta[i * M + col("t_s")]);
    p.push(probs[i * H + k]);
    const tte = ds.meta[i * M + col("time_to_entry_s")];
    if (Number.isFinite(tte)) entry = ds.meta[i * M + col("t_s")] + tte;
  }
  if (!(Number.isFinite(entry) && tS[0] < entry)) return undefined;
  return warningLeadTimeS(tS, p, entry, threshold) ?? null;
}

export function scorePredictor(name: string, ds: LoadedDataset, probs: Probs, op: OperatingPoint): PredictorReport {
  const pre: number[] = [];
  for (let i = 0; i < ds.n; i++) if (ds.meta[i * M + col("pre_entry")] === 1) pre.push(i);
  const kf = RASTER_SPEC.horizonsS.indexOf(TARGET_HORIZON_S);
  checkOperatingPoint(op);
  const kw = RASTER_SPEC.horizonsS.indexOf(op.warningHorizonS);
  const thresholds = RASTER_SPEC.horizonsS.map((h) => thresholdAt(op, h));
  const tf = thresholds[kf], tw = thresholds[kw];
  const horizons: PredictorReport["horizons"] = {};
  let yPre: number[] = [], pPre: number[] = []; // the 1 s head's pre-entry frames, for the timing tables and curves
  RASTER_SPEC.horizonsS.forEach((h, k) => {
    const yAll = new Uint8Array(ds.n), pAll = new Float32Array(ds.n);
    for (let i = 0; i < ds.n; i++) { yAll[i] = ds.labels[i * H + k]; pAll[i] = probs[i * H + k]; }
    const yH = pre.map((i) => yAll[i]), pH = pre.map((i) => pAll[i]);
    if (k === kf) [yPre, pPre] = [yH, pH];
    horizons[horizonKey(h)] = { preEntry: binaryMetrics(yH, pH, thresholds[k]), all: binaryMetrics(yAll, pAll, thresholds[k]) };
  });
  const lead = (kd: number): LeadTime => {
    const threshold = thresholds[kd];
    // Per jaywalker, its track's last piece seen before the entry: a track lost and found again
    // (same id) is one pedestrian, warned or not when it leaves the curb.
    const atEntry = new Map<string, number | null>();
    for (const s of ds.sequences) {
      const l = sequenceWarningLead(ds, s, probs, kd, threshold);
      if (l !== undefined) atEntry.set(pedestrianId(s), l);
    }
    const leads: number[] = [];
    const missedIds: string[] = [];
    for (const [id, l] of atEntry) {
      if (l !== null) leads.push(l);
      else missedIds.push(id);
    }
    return {
      horizonS: RASTER_SPEC.horizonsS[kd], threshold, jaywalkers: atEntry.size, warned: leads.length, medianS: median(leads), p10S: quantile(leads, 0.1), p90S: quantile(leads, 0.9),
      leadsS: leads.sort((a, b) => a - b), missedIds,
    };
  };
  let onsets = 0, hours = 0, nonCrossers = 0;
  for (const s of ds.sequences) {
    if (s.willCross) continue;
    const p: number[] = [];
    for (let i = s.start; i < s.start + s.length; i++) p.push(probs[i * H + kw]);
    nonCrossers++;
    onsets += warningOnsets(p, tw);
    hours += s.length / RASTER_SPEC.rateHz / 3600;
  }
  // Anticipation frames at the 1 s head per scenario template and pedestrian; warned pedestrians by the warning.
  const byScenario: PredictorReport["byScenario"] = {};
  const byFirstSight: PredictorReport["byFirstSight"] = {};
  const noCounts = () => Object.fromEntries(FIRST_SIGHTS.map((k) => [k, { pedestrians: 0, tp: 0, fp: 0, fn: 0 }])) as PredictorReport["byFirstSight"][string];
  // Pedestrians, not track pieces: one lost and found again is one pedestrian, warned if either piece was.
  const otherIds = new Set<string>(), falseAlarmIds = new Set<string>();
  const perPedestrian = new Map<string, [number, number, number]>(); // TP, FP, FN of each pedestrian with pre-entry frames, all its pieces
  const sights = ds.sequences.map((s) => firstSight(ds, s.start, s.length));
  const sightOf = new Map<string, FirstSight>();
  for (const [q, s] of ds.sequences.entries()) {
    const template = templateName(s.scenario);
    const c = (byScenario[template] ??= { tp: 0, fp: 0, fn: 0 });
    // Every template gets its split, zeros where no pedestrian was tracked before its entry (hidden ones).
    byFirstSight[template] ??= noCounts();
    const { frames, warnedFrames, tp, fp, fn } = scorePreEntry(ds, s, probs, op);
    c.tp += tp; c.fp += fp; c.fn += fn;
    if (frames > 0) {
      // A later piece of a track adds its frames to the pedestrian, and to how its first piece moved.
      const id = pedestrianId(s);
      const counts = perPedestrian.get(id);
      if (counts) { counts[0] += tp; counts[1] += fp; counts[2] += fn; }
      else { perPedestrian.set(id, [tp, fp, fn]); sightOf.set(id, sights[q]); }
      const k = byFirstSight[template][sightOf.get(id)!];
      if (!counts) k.pedestrians++;
      k.tp += tp; k.fp += fp; k.fn += fn;
    }
    if (!s.willJaywalk) {
      otherIds.add(pedestrianId(s));
      if (warnedFrames > 0) falseAlarmIds.add(pedestrianId(s));
    }
  }
  const ttePre = pre.map((i) => ds.meta[i * M + col("time_to_entry_s")]);
  const leadTimeByHorizon = RASTER_SPEC.horizonsS.map((_, k) => lead(k));
  const leadTime = leadTimeByHorizon[kw];
  const hits = leadTime.warned;
  const others = otherIds.size, falseAlarms = falseAlarmIds.size;
  const precision = hits + falseAlarms > 0 ? hits / (hits + falseAlarms) : 0;
  const recall = leadTime.jaywalkers > 0 ? hits / leadTime.jaywalkers : 0;
  return {
    name,
    horizons,
    leadTime,
    leadTimeByHorizon,
    falseWarnings: { nonCrossers, hours, warnings: onsets, perHour: hours > 0 ? onsets / hours : NaN },
    byScenario,
    byFirstSight,
    byTimeToEntry: errorsByTimeToEntry(ttePre, yPre, pPre, tf),
    earlyTolerantF1: earlyTolerantF1(ttePre, yPre, pPre, tf, TARGET_HORIZON_S, EARLY_TOLERANCE_S),
    beforeEntry: probabilityBeforeEntry(ttePre, pPre),
    stepOff: stepOffLookAlikes(ds, probs, kf, sights),
    curves: { roc: rocCurve(yPre, pPre), reliability: reliabilityBins(yPre, pPre), f1ByThreshold: f1ByThreshold(yPre, pPre, CURVE_THRESHOLDS) },
    preEntryF1Interval: pedestrianBootstrapF1([...perPedestrian.values()].flat()),
    preEntryCounts: [...perPedestrian.values()].flat(),
    pedestrians: { jaywalkers: leadTime.jaywalkers, hits, others, falseAlarms, precision, recall, f1: f1Score(precision, recall), falseAlarmIds: [...falseAlarmIds] },
  };
}

export interface EvalReport {
  /** The dataset folder scored and its manifest ({ dir, manifest }). */
  data: unknown;
  model: string;
  operatingPoint: OperatingPoint;
  predictors: PredictorReport[];
  comparison?: ModelComparison;
  ablation: { channel: string; rocAuc1sPreEntry: number; f11sAll: number; f11sPreEntry: number }[];
  /** The model on one jaywalker per template: its input rasters before the step-off and its probabilities around it. */
  examples?: IntentExample[];
}

/** The drive a scored dataset was recorded with, from its manifest (`stack`), if it says. */
function recordedDrive(data: unknown): string | undefined {
  const stack = (data as { manifest?: { stack?: unknown } } | undefined)?.manifest?.stack;
  return typeof stack === "string" ? stack : undefined;
}

export function formatEvalTable(r: EvalReport): string {
  const lines: string[] = [];
  lines.push(`intent evaluation — ${describeOperatingPoint(r.operatingPoint)}; preEntry = frames before the pedestrian first steps onto the road (anticipation), all = every frame`);
  const drive = recordedDrive(r.data);
  if (drive) lines.push(`data recorded with the ${drive}`);
  lines.push("");
  lines.push(`${"predictor".padEnd(22)} ${"h".padStart(4)} | ${"AUC pre".padStart(7)} ${"F1 pre".padStart(7)} ${"P pre".padStart(7)} ${"R pre".padStart(7)} | ${"AUC all".padStart(7)} ${"F1 all".padStart(7)} ${"ECE all".padStart(7)}`);
  for (const p of r.predictors) {
    for (const [h, m] of Object.entries(p.horizons)) {
      lines.push(`${p.name.padEnd(22)} ${h.padStart(4)} | ${f3(m.preEntry.rocAuc).padStart(7)} ${f3(m.preEntry.f1).padStart(7)} ${f3(m.preEntry.precision).padStart(7)} ${f3(m.preEntry.recall).padStart(7)} | ${f3(m.all.rocAuc).padStart(7)} ${f3(m.all.f1).padStart(7)} ${f3(m.all.ece).padStart(7)}`);
    }
  }
  lines.push("");
  for (const p of r.predictors) {
    const b = p.preEntryF1Interval;
    lines.push(`${p.name.padEnd(22)} F1@1s pre-entry ${f3(p.horizons["1s"].preEntry.f1)}, 95 % interval ${f3(b.lo)}–${f3(b.hi)} (std ${f3(b.std)}; ${b.resamples} resamples of the pedestrians)`);
  }
  lines.push("");
  lines.push(`${"predictor".padEnd(22)} | warning lead @${r.operatingPoint.warningHorizonS} s (median, p10, p90) | warned/jaywalkers | false warnings/h (non-crossers) | per pedestrian F1 (false alarms/others) | median lead per head`);
  for (const p of r.predictors) {
    const l = p.leadTime;
    lines.push(`${p.name.padEnd(22)} | ${f3(l.medianS)} s, ${f3(l.p10S)} s, ${f3(l.p90S)} s`.padEnd(60) + `| ${l.warned}/${l.jaywalkers}`.padEnd(20) + `| ${f3(p.falseWarnings.perHour)} (${p.falseWarnings.warnings} in ${f3(p.falseWarnings.hours)} h)`.padEnd(33) +
      `| ${f3(p.pedestrians.f1)} (${p.pedestrians.falseAlarms}/${p.pedestrians.others})`.padEnd(41) +
      `| ${p.leadTimeByHorizon.map((l) => `${l.horizonS}s: ${f3(l.medianS)}`).join(", ")}`);
  }
  const model = r.predictors[0];
  if (model) {
    lines.push("");
    lines.push(`${model.name}: pre-entry frames at the 1 s head per scenario template (where the errors are)`);
    // Then the same frames of the pedestrians standing, and walking, when first tracked.
    const cells = (...v: (number | string)[]) => v.map((x) => String(x).padStart(5)).join(" ");
    lines.push(`${"scenario".padEnd(22)} | ${cells("TP", "FP", "FN")} | ` + FIRST_SIGHTS.map((k) => `${k} first: ${cells("peds", "TP", "FP", "FN")}`).join(" | "));
    for (const [name, c] of Object.entries(model.byScenario).sort(([a], [b]) => a.localeCompare(b))) {
      const sight = model.byFirstSight[name];
      const split = FIRST_SIGHTS.map((k) => " ".repeat(k.length + 8) + cells(sight[k].pedestrians, sight[k].tp, sight[k].fp, sight[k].fn));
      lines.push([`${name.padEnd(22)}`, cells(c.tp, c.fp, c.fn), ...split].join(" | "));
    }
  }
  if (model) {
    lines.push("");
    lines.push(`${model.name}: pre-entry frames at the 1 s head by time to road entry (early/late = timing; never jaywalks = who)`);
    lines.push(`${"time to entry".padEnd(22)} | ${"TP".padStart(5)} ${"FP".padStart(5)} ${"FN".padStart(5)} ${"TN".padStart(6)}`);
    for (const b of model.byTimeToEntry) {
      lines.push(`${timingBinLabel(b).padEnd(22)} | ${String(b.tp).padStart(5)} ${String(b.fp).padStart(5)} ${String(b.fn).padStart(5)} ${String(b.tn).padStart(6)}`);
    }
    lines.push(`F1@1s pre-entry with warnings up to ${EARLY_TOLERANCE_S} s early forgiven (diagnostic, not the headline): ` +
      r.predictors.map((p) => `${p.name} ${f3(p.earlyTolerantF1)}`).join(", "));
  }
  if (model) {
    // Who to look at next: `curb explain intent --pedestrian ID` says which input raised or held back each.
    const some = (ids: string[]) => (ids.length ? ids.slice(0, LISTED_IDS).join(", ") + (ids.length > LISTED_IDS ? `, … (all ${ids.length} in eval.json)` : "") : "none");
    lines.push("");
    lines.push(`${model.name}: false alarms (${model.pedestrians.falseAlarmIds.length}): ${some(model.pedestrians.falseAlarmIds)}`);
    lines.push(`${model.name}: jaywalkers not warned at their entry (${model.leadTime.missedIds.length}): ${some(model.leadTime.missedIds)}`);
    lines.push(`why one was warned or not: curb explain intent --data ${(r.data as { dir?: string }).dir ?? "DIR"} --pedestrian ID`);
  }
  const cmp = r.comparison;
  if (cmp) {
    lines.push("");
    lines.push(`${cmp.model} against ${cmp.other} (its ${describeOperatingPoint(cmp.otherOperatingPoint)}${cmp.otherData ? `, on ${cmp.otherData}` : ""}), same pedestrians: F1@1s pre-entry ${f3(cmp.f1)} vs ${f3(cmp.otherF1)}, ` +
      `difference ${cmp.difference.value >= 0 ? "+" : ""}${f3(cmp.difference.value)}, paired 95 % interval ${f3(cmp.difference.lo)} to ${f3(cmp.difference.hi)}` +
      (cmp.difference.lo > 0 ? " (better beyond the draw)" : cmp.difference.hi < 0 ? " (worse beyond the draw)" : " (within the draw)"));
  }
  if (r.ablation.length) {
    lines.push("");
    lines.push("ablation (intent_cnn_gru, one raster channel zeroed at inference, same weights)");
    lines.push(`${"channel".padEnd(12)} | AUC@1s pre | F1@1s pre | F1@1s all`);
    for (const a of r.ablation) lines.push(`${a.channel.padEnd(12)} | ${f3(a.rocAuc1sPreEntry).padStart(10)} | ${f3(a.f11sPreEntry).padStart(9)} | ${f3(a.f11sAll).padStart(9)}`);
  }
  return lines.join("\n") + "\n";
}

/** The kinematic baseline's graph, or undefined (said on stderr) when it is optional and cannot be loaded. */
async function loadKinematicBaseline(opts: EvalOptions) {
  if (!opts.kinematicModel) return undefined;
  try {
    const kin = await loadIntentGraph(resolveModelPath(opts.kinematicModel), "full", 2);
    if (kin.card.usesRaster) {
      await kin.session.release();
      throw new Error(`${opts.kinematicModel} is not a kinematic-only model (it reads rasters; train one with curb train intent --no-raster)`);
    }
    return kin;
  } catch (error) {
    if (opts.kinematicRequired) throw error;
    if (!opts.quiet) console.error(`skipping the kinematic GRU baseline: ${(error as Error).message}`);
    return undefined;
  }
}

export async function evaluateIntent(opts: EvalOptions): Promise<EvalReport> {
  const out = resolve(opts.out);
  if (opts.compareData && !opts.compareModel) throw new Error("--compare-data is the data of the model given by --compare-model: give both");
  // Everything that can be refused is checked before the (minutes long) dataset build and before
  // anything is written, so a wrong card costs seconds and leaves no half-filled folder.
  const sessions: InferenceSession[] = [];
  try {
    const model = await loadIntentGraph(resolveModelPath(opts.model), "full", 2);
    sessions.push(model.session);
    const op = opts.operatingPoint ?? operatingPointOf(model.card, opts.model);
    const kin = await loadKinematicBaseline(opts);
    if (kin) sessions.push(kin.session);
    const compareDs = opts.compareData ? readDataset(resolve(opts.compareData)) : undefined;
    const other = opts.compareModel ? await loadIntentGraph(resolveModelPath(opts.compareModel), "full", 2, compareDs?.header.spec ?? RASTER_SPEC) : undefined;
    if (other) sessions.push(other.session);
    const otherOperatingPoint = other ? operatingPointOf(other.card, opts.compareModel!) : undefined;

    const dataDir = opts.data ? resolve(opts.data) : join(out, "data");
    if (!opts.data) await buildDataset({ suite: opts.suite, variants: opts.variants, seedBase: opts.seedBase, variation: opts.variation, out: dataDir, quiet: opts.quiet });
    const ds = readCurrentDataset(dataDir);
    const cardData = opts.updateCard ? cardDataSummary(dataDir) : undefined; // before the long part: it needs manifest.json
    if (compareDs) checkSameRuns(ds, compareDs, dataDir, resolve(opts.compareData!));

    // One step per predictor scored and per ablated channel: on the 400-scenario suites each takes seconds.
    const ablate = opts.ablation && model.card.usesRaster;
    const steps = 3 + (kin ? 1 : 0) + (other ? 1 : 0) + (ablate ? RASTER_SPEC.channels.length : 0);
    const bar = opts.quiet ? undefined : progressBar(steps, `eval ${ds.sequences.length} track sequences`);
    const predictors: PredictorReport[] = [];
    const intentProbs = await runFullGraph(model.session, model.card.usesRaster, ds);
    predictors.push(scorePredictor(model.card.model, ds, intentProbs, op));
    bar?.tick(model.card.model);
    const examples = intentExamples(ds, intentProbs);
    if (kin) {
      predictors.push(scorePredictor(kin.card.model, ds, await runFullGraph(kin.session, kin.card.usesRaster, ds), op));
      bar?.tick(kin.card.model);
    }
    let comparison: ModelComparison | undefined;
    if (other && otherOperatingPoint) {
      const otherDs = compareDs ?? ds;
      const o = scorePredictor(other.card.model, otherDs, await runFullGraph(other.session, other.card.usesRaster, otherDs), otherOperatingPoint);
      const m = predictors[0];
      const f1 = m.horizons["1s"].preEntry.f1, otherF1 = o.horizons["1s"].preEntry.f1;
      comparison = {
        model: opts.model, other: opts.compareModel!, otherData: opts.compareData, otherOperatingPoint, f1, otherF1,
        difference: { value: f1 - otherF1, ...pairedBootstrapF1Difference(m.preEntryCounts, o.preEntryCounts) },
      };
      bar?.tick(`compared with ${other.card.model}`);
    }
    predictors.push(scorePredictor("cv_curb_rule", ds, curbRuleProbs(ds), op));
    bar?.tick("cv_curb_rule");
    predictors.push(scorePredictor("crosswalk_rule", ds, crosswalkRuleProbs(ds), op));
    bar?.tick("crosswalk_rule");
    const ablation: EvalReport["ablation"] = [];
    if (ablate) {
      for (let c = 0; c < RASTER_SPEC.channels.length; c++) {
        const r = scorePredictor("ablation", ds, await runFullGraph(model.session, true, ds, c), op);
        bar?.tick(`ablation -${RASTER_SPEC.channels[c]}`);
        ablation.push({ channel: `-${RASTER_SPEC.channels[c]}`, rocAuc1sPreEntry: r.horizons["1s"].preEntry.rocAuc, f11sPreEntry: r.horizons["1s"].preEntry.f1, f11sAll: r.horizons["1s"].all.f1 });
      }
      const base = predictors[0].horizons["1s"];
      ablation.unshift({ channel: "(none)", rocAuc1sPreEntry: base.preEntry.rocAuc, f11sPreEntry: base.preEntry.f1, f11sAll: base.all.f1 });
    }
    bar?.done();
    const report: EvalReport = { data: { dir: dataDir, manifest: ds.header.manifest }, model: opts.model, operatingPoint: op, predictors, comparison, ablation, examples };
    makeOutputFolder(out, "the evaluation");
    writeFileSync(join(out, "eval.json"), JSON.stringify(report, finiteOrNull, 2));
    writeFileSync(join(out, "eval.txt"), formatEvalTable(report));
    writeFileSync(join(out, "eval.html"), renderEvalIntentPage(report));
    if (cardData) recordInCard(resolveModelPath(opts.model), report, cardData);
    return report;
  } finally {
    for (const session of sessions) await session.release();
  }
}

/**
 * Throws unless two datasets hold the same runs: the same pedestrian sequences in the same order and,
 * frame for frame, the same labels, pre-entry flags and times (only the rasters and features, drawn by
 * a different raster spec, may differ). A paired comparison over different pedestrians would be void.
 */
export function checkSameRuns(a: LoadedDataset, b: LoadedDataset, aName = "data", bName = "compare data"): void {
  const fail = (what: string) => {
    throw new Error(`--compare-data ${bName} does not hold the same runs as ${aName}: ${what}`);
  };
  if (a.sequences.length !== b.sequences.length) fail(`${b.sequences.length} pedestrian sequences, not ${a.sequences.length}`);
  for (let k = 0; k < a.sequences.length; k++) {
    const s = a.sequences[k], t = b.sequences[k];
    if (s.scenario !== t.scenario || s.seed !== t.seed || s.trackId !== t.trackId || s.start !== t.start || s.length !== t.length) {
      fail(`sequence ${k} is ${s.scenario} seed ${s.seed} track ${s.trackId} (${s.length} frames) in one, ${t.scenario} seed ${t.seed} track ${t.trackId} (${t.length} frames) in the other`);
    }
  }
  if (a.header.spec.horizonsS.join() !== b.header.spec.horizonsS.join()) fail(`horizons ${b.header.spec.horizonsS.join(", ")} s, not ${a.header.spec.horizonsS.join(", ")} s`);
  for (let i = 0; i < a.labels.length; i++) if (a.labels[i] !== b.labels[i]) fail(`the labels differ at frame ${Math.floor(i / H)}`);
  for (const c of ["t_s", "pre_entry"] as const) {
    for (let i = 0; i < a.n; i++) if (a.meta[i * M + col(c)] !== b.meta[i * M + col(c)]) fail(`${c} differs at frame ${i}`);
  }
}

/** Adds (or replaces, for the same data command) the headline numbers of an evaluation in the card. */
function recordInCard(cardPath: string, r: EvalReport, data: CardDataSummary): void {
  const entry = {
    by: "curb eval intent",
    data,
    operatingPoint: r.operatingPoint,
    predictors: r.predictors.map((p) => ({
      name: p.name,
      rocAuc: Object.fromEntries(Object.entries(p.horizons).map(([h, m]) => [h, { preEntry: m.preEntry.rocAuc, all: m.all.rocAuc }])),
      f1: Object.fromEntries(Object.entries(p.horizons).map(([h, m]) => [h, { preEntry: m.preEntry.f1, all: m.all.f1 }])),
      ece1s: p.horizons["1s"].all.ece,
      medianLeadTimeS: Object.fromEntries(p.leadTimeByHorizon.map((l) => [`${l.horizonS}s`, l.medianS])),
      falseWarningsPerHour: p.falseWarnings.perHour,
      pedestrianF1: p.pedestrians.f1,
      f1PreEntry1sInterval: p.preEntryF1Interval,
      f1PreEntry1sEarlyTolerant: p.earlyTolerantF1,
    })),
  };
  editCardFile<{ quality?: { evaluations?: unknown[] } }>(cardPath, (card) => {
    card.quality ??= {};
    const list = (card.quality.evaluations ??= []) as { data?: { command?: string } }[];
    const i = list.findIndex((e) => e.data?.command === data.command);
    if (i >= 0) list[i] = entry;
    else list.push(entry);
  });
}
