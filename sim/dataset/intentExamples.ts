// Worked examples for the evaluation page: one jaywalker per scenario template, the raster the model
// saw a few moments before the step-off, and every head's probability around it. The same frames the
// metrics count, so a reader can see what a number like "0.898" is made of.
import { RASTER_SPEC } from "../../prediction/index.ts";
import { bevRasterDataUrl } from "../report/bevRasterPicture.ts";
import { templateName } from "../scenarios/index.ts";
import { META_COLUMNS } from "./collectRun.ts";
import type { LoadedDataset } from "./datasetFiles.ts";

export interface IntentExample {
  /** "jaywalk-group#300008". */
  scenario: string;
  seed: number;
  trackId: number;
  /** Frames from `beforeS` before the road entry to `afterS` after it: time relative to the entry (s) and each head's probability. */
  timeline: { tS: number; probabilities: number[] }[];
  /** The model's input at the frames nearest each of `RASTER_TIMES_S` before the entry, as PNG data URLs. */
  rasters: { timeToEntryS: number; probabilities: number[]; png: string }[];
}

/** How long before the road entry the pictured rasters are, s. */
export const RASTER_TIMES_S = Object.freeze([2, 1, 0.5]);

const M = META_COLUMNS.length;
const col = (name: (typeof META_COLUMNS)[number]) => META_COLUMNS.indexOf(name);

/**
 * The first jaywalker (dataset order) of each scenario template whose track holds a frame at each of
 * `RASTER_TIMES_S` before its road entry; at most `max` of them, templates in name order.
 * `probs` is [n × heads], dataset order.
 */
export function intentExamples(ds: LoadedDataset, probs: Float32Array, max = 6, beforeS = 3, afterS = 1): IntentExample[] {
  const H = RASTER_SPEC.horizonsS.length;
  const spec = ds.header.spec;
  const R = spec.channels.length * spec.sizePx * spec.sizePx;
  const first = new Map<string, IntentExample>();
  const headsAt = (i: number) => Array.from(probs.subarray(i * H, (i + 1) * H), (p) => Math.round(p * 1e4) / 1e4);
  for (const s of ds.sequences) {
    const template = templateName(s.scenario);
    if (!s.willJaywalk || first.has(template)) continue;
    const entryS = ds.meta[s.start * M + col("t_s")] + ds.meta[s.start * M + col("time_to_entry_s")];
    if (!Number.isFinite(entryS)) continue;
    const frames = Array.from({ length: s.length }, (_, k) => s.start + k);
    // Each pictured time needs a frame within half a frame of it: a track lost behind a bus and born
    // again before its step-off is two sequences, and neither shows the whole approach.
    const nearest = RASTER_TIMES_S.map((want) => {
      let best = -1, err = Infinity;
      for (const i of frames) {
        const e = Math.abs(ds.meta[i * M + col("time_to_entry_s")] - want);
        if (e < err) [best, err] = [i, e];
      }
      return err <= 0.5 / spec.rateHz + 1e-6 ? best : -1;
    });
    if (nearest.includes(-1)) continue;
    const timeline = frames
      .map((i) => ({ i, tS: ds.meta[i * M + col("t_s")] - entryS }))
      .filter(({ tS }) => tS >= -beforeS - 1e-6 && tS <= afterS + 1e-6)
      .map(({ i, tS }) => ({ tS: Math.round(tS * 1e3) / 1e3, probabilities: headsAt(i) }));
    const rasters = nearest.map((i) => ({
      timeToEntryS: Math.round(ds.meta[i * M + col("time_to_entry_s")] * 1e3) / 1e3,
      probabilities: headsAt(i),
      png: bevRasterDataUrl(ds.rasters.subarray(i * R, (i + 1) * R), spec.channels, spec.sizePx),
    }));
    first.set(template, { scenario: s.scenario, seed: s.seed, trackId: s.trackId, timeline, rasters });
  }
  return [...first.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(0, max).map(([, e]) => e);
}
