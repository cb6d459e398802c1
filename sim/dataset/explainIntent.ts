// Why the intent model warned one pedestrian, or did not: its frames re-run with one input changed at
// a time (each raster channel zeroed, each kinematic feature held at one value over the whole track),
// counting what the warning and the 1 s head do then. A sensitivity test on the same weights, as the
// suite's channel ablation is, but for one pedestrian: the suite's averages hide a false alarm that
// one flickering feature raises.
import { horizonKey, INTENT_FEATURES, loadIntentGraph, median, type OperatingPoint, operatingPointOf, RASTER_SPEC, resolveModelPath, thresholdAt } from "../../prediction/index.ts";
import { META_COLUMNS, pedestrianId } from "./collectRun.ts";
import { type LoadedDataset, readCurrentDatasetFrames, readDatasetHeader } from "./datasetFiles.ts";
import { runFullGraph, scorePreEntry, sequenceWarningLead, TARGET_HORIZON_S } from "./evaluateIntent.ts";

export interface ExplainOptions {
  data: string;
  /** `pedestrianId`: "SCENARIO/SEED/TRACK", as eval.txt lists false alarms and misses. */
  pedestrian: string;
  model: string;
  /** Extra rows, "feature=value": that feature held at that value (e.g. "ego_ahead_m=60", the ego far away). */
  holds?: string[];
  operatingPoint?: OperatingPoint;
}

export interface ExplainRow {
  /** "as recorded", "-road" (channel zeroed), "time_to_curb_s = 10 (its median)", "ego_ahead_m = 60 (--hold)". */
  input: string;
  /** Pre-entry frames with the warning on (P(warning head) ≥ its threshold). */
  warnedFrames: number;
  /** Pre-entry frames at the 1 s head against the labels. */
  tp: number;
  fp: number;
  fn: number;
  maxWarningP: number;
  /** Time of the first pre-entry frame warned, s; null when none. */
  firstWarningS: number | null;
  /** A jaywalker's warning lead (as `curb eval intent` measures it); null when it is missed or does not jaywalk. */
  leadS: number | null;
}

export interface ExplainReport {
  pedestrian: string;
  model: string;
  operatingPoint: OperatingPoint;
  sequences: number;
  frames: number;
  preEntryFrames: number;
  fromS: number;
  toS: number;
  willJaywalk: boolean;
  /** Road entry time of a jaywalker, s. */
  entryS: number | null;
  rows: ExplainRow[];
}

const M = META_COLUMNS.length;
const H = RASTER_SPEC.horizonsS.length;
const F = INTENT_FEATURES.length;
const meta = (ds: LoadedDataset, i: number, name: (typeof META_COLUMNS)[number]) => ds.meta[i * M + META_COLUMNS.indexOf(name)];

/** "feature=value" → [feature index, value]; throws naming the features for anything else. */
export function parseHold(text: string): [number, number] {
  const m = /^([a-z_]+)=(.+)$/.exec(text.trim());
  const f = m ? INTENT_FEATURES.indexOf(m[1] as never) : -1;
  if (!m || f < 0) throw new Error(`--hold ${JSON.stringify(text)}: expected FEATURE=VALUE with FEATURE one of ${INTENT_FEATURES.join(", ")}`);
  const value = Number(m[2]);
  if (!Number.isFinite(value)) throw new Error(`--hold ${text}: ${JSON.stringify(m[2])} is not a number`);
  return [f, value];
}

/** The pedestrian's frames (all its sequences: a track lost and found again keeps its id), read alone. */
export function readPedestrian(dir: string, id: string): LoadedDataset {
  const header = readDatasetHeader(dir);
  const mine = header.sequences.filter((s) => pedestrianId(s) === id);
  if (!mine.length) {
    const scenario = id.split("/")[0];
    const near = header.sequences.filter((s) => s.scenario === scenario).map(pedestrianId);
    const some = [...new Set(near.length ? near : header.sequences.map(pedestrianId))].slice(0, 6);
    throw new Error(`${dir} has no pedestrian ${JSON.stringify(id)} (ids are SCENARIO/SEED/TRACK, as eval.txt lists them; ${near.length ? "in that scenario" : "for example"}: ${some.join(", ")})`);
  }
  const start = Math.min(...mine.map((s) => s.start));
  const end = Math.max(...mine.map((s) => s.start + s.length));
  const ds = readCurrentDatasetFrames(dir, start, end - start, header);
  // Frames between its sequences (another pedestrian's) stay in the arrays but are never scored.
  return { ...ds, sequences: ds.sequences.filter((s) => pedestrianId(s) === id) };
}

function scoreRow(input: string, ds: LoadedDataset, probs: Float32Array, op: OperatingPoint): ExplainRow {
  const kw = RASTER_SPEC.horizonsS.indexOf(op.warningHorizonS), tw = thresholdAt(op, op.warningHorizonS);
  const row: ExplainRow = { input, warnedFrames: 0, tp: 0, fp: 0, fn: 0, maxWarningP: 0, firstWarningS: null, leadS: null };
  for (const s of ds.sequences) {
    const r = scorePreEntry(ds, s, probs, op);
    row.warnedFrames += r.warnedFrames;
    row.tp += r.tp; row.fp += r.fp; row.fn += r.fn;
    row.maxWarningP = Math.max(row.maxWarningP, r.maxWarningP);
    row.firstWarningS ??= r.firstWarnedS;
    const lead = sequenceWarningLead(ds, s, probs, kw, tw);
    if (lead !== undefined) row.leadS = lead;
  }
  return row;
}

export async function explainIntent(opts: ExplainOptions): Promise<ExplainReport> {
  const holds = (opts.holds ?? []).map(parseHold); // before anything is read
  const ds = readPedestrian(opts.data, opts.pedestrian);
  const cardPath = resolveModelPath(opts.model);
  const model = await loadIntentGraph(cardPath, "full", 2);
  try {
    const op = opts.operatingPoint ?? operatingPointOf(model.card, cardPath);
    const run = (d: LoadedDataset, zeroChannel = -1) => runFullGraph(model.session, model.card.usesRaster, d, zeroChannel);
    const rows = [scoreRow("as recorded", ds, await run(ds), op)];
    if (model.card.usesRaster) {
      for (let c = 0; c < RASTER_SPEC.channels.length; c++) rows.push(scoreRow(`-${RASTER_SPEC.channels[c]}`, ds, await run(ds, c), op));
    }
    const frames = ds.sequences.flatMap((s) => Array.from({ length: s.length }, (_, k) => s.start + k));
    const held = (f: number, value: number): LoadedDataset => {
      const features = ds.features.slice();
      for (const i of frames) features[i * F + f] = value;
      return { ...ds, features };
    };
    // Held at its own median, a feature keeps its level and loses its changes: what a flicker did.
    for (let f = 0; f < F; f++) {
      const value = median(frames.map((i) => ds.features[i * F + f]));
      rows.push(scoreRow(`${INTENT_FEATURES[f]} = ${round(value)} (its median)`, ds, await run(held(f, value)), op));
    }
    for (const [f, value] of holds) rows.push(scoreRow(`${INTENT_FEATURES[f]} = ${round(value)} (--hold)`, ds, await run(held(f, value)), op));

    const entries = frames.map((i) => meta(ds, i, "t_s") + meta(ds, i, "time_to_entry_s")).filter(Number.isFinite);
    return {
      pedestrian: opts.pedestrian,
      model: opts.model,
      operatingPoint: op,
      sequences: ds.sequences.length,
      frames: frames.length,
      preEntryFrames: frames.filter((i) => meta(ds, i, "pre_entry") === 1).length,
      fromS: meta(ds, frames[0], "t_s"),
      toS: meta(ds, frames.at(-1)!, "t_s"),
      willJaywalk: ds.sequences.some((s) => s.willJaywalk),
      entryS: entries.length ? entries[0] : null,
      rows,
    };
  } finally {
    await model.session.release();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const f2 = (x: number | null) => (x === null ? "-" : x.toFixed(2));

export function formatExplainTable(r: ExplainReport): string {
  const op = r.operatingPoint;
  const who = r.willJaywalk ? `jaywalks, entering the road at ${f2(r.entryS)} s` : "never jaywalks";
  const lines = [
    `${r.pedestrian} (${r.model}): ${r.frames} frames in ${r.sequences} sequence${r.sequences > 1 ? "s" : ""}, ${r.fromS.toFixed(1)}–${r.toS.toFixed(1)} s, ${r.preEntryFrames} before it steps onto the road; ${who}`,
    `warning P(${op.warningHorizonS} s) ≥ ${thresholdAt(op, op.warningHorizonS)}; 1 s head ≥ ${op.thresholds[horizonKey(TARGET_HORIZON_S)]}; frames counted before the road is entered; each row changes one input on every frame`,
    "",
    `${"input".padEnd(44)} | warned | 1 s TP  FP  FN | max P(${op.warningHorizonS} s) | first warned s | lead s`,
  ];
  for (const row of r.rows) {
    lines.push(`${row.input.padEnd(44)} | ${String(row.warnedFrames).padStart(6)} | ${String(row.tp).padStart(6)} ${String(row.fp).padStart(3)} ${String(row.fn).padStart(3)} | ${row.maxWarningP.toFixed(2).padStart(9)} | ${f2(row.firstWarningS).padStart(14)} | ${f2(row.leadS).padStart(6)}`);
  }
  return lines.join("\n") + "\n";
}
