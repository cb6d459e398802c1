// The evaluation page's worked examples: one jaywalker per template, only a track that holds every
// pictured moment before its step-off, the rasters of exactly those frames.
import { describe, expect, it } from "vitest";
import { RASTER_SPEC } from "../../../prediction/index.ts";
import { bevRasterDataUrl, pngDataUrl } from "../../../sim/report/index.ts";
import { intentExamples, type LoadedDataset, META_COLUMNS } from "../../../sim/dataset/index.ts";

const H = RASTER_SPEC.horizonsS.length, M = META_COLUMNS.length;
const R = RASTER_SPEC.channels.length * RASTER_SPEC.sizePx ** 2;
const col = (c: (typeof META_COLUMNS)[number]) => META_COLUMNS.indexOf(c);

/** Sequences of 10 Hz frames: [scenario, willJaywalk, frames, entry time (s from the first frame)]. */
function dataset(seqs: [string, boolean, number, number][]) {
  const n = seqs.reduce((a, [, , len]) => a + len, 0);
  const meta = new Float32Array(n * M), probs = new Float32Array(n * H), rasters = new Uint8Array(n * R);
  let start = 0;
  const sequences = seqs.map(([scenario, willJaywalk, length, entryS], k) => {
    for (let j = 0; j < length; j++) {
      const i = start + j;
      meta[i * M + col("t_s")] = j / 10;
      meta[i * M + col("time_to_entry_s")] = willJaywalk ? entryS - j / 10 : NaN;
      probs.fill(j / length, i * H, (i + 1) * H);
      rasters[i * R] = i % 256; // frame i's own raster: its first pixel holds the frame number
    }
    const s = { scenario, seed: k, trackId: k + 1, start, length, behaviour: 0, willJaywalk, willCross: willJaywalk };
    start += length;
    return s;
  });
  return { ds: { n, meta, rasters, sequences, header: { spec: RASTER_SPEC } } as unknown as LoadedDataset, probs };
}

describe("intentExamples", () => {
  it("takes the first jaywalker of each template seen through its approach, rasters of the frames 2, 1 and 0.5 s before", () => {
    const { ds, probs } = dataset([
      ["walk-along#1", false, 40, NaN], // never jaywalks
      ["jaywalk-group#2", true, 15, 3], // lost 1.6 s before its entry
      ["jaywalk-group#2", true, 40, 3], // the same template, seen through: the example
      ["jaywalk-group#3", true, 40, 3], // a second of the template: not shown
      ["jaywalk-mid-block#4", true, 50, 4],
    ]);
    const ex = intentExamples(ds, probs);
    expect(ex.map((e) => [e.scenario, e.trackId])).toEqual([["jaywalk-group#2", 3], ["jaywalk-mid-block#4", 5]]);
    const group = ex[0];
    expect(group.rasters.map((r) => r.timeToEntryS)).toEqual([2, 1, 0.5]);
    // 2 s before an entry at 3 s is the sequence's 11th frame (dataset index 40 + 15 + 10).
    const frame = 40 + 15 + 10;
    expect(group.rasters[0].png).toBe(bevRasterDataUrl(ds.rasters.subarray(frame * R, (frame + 1) * R), RASTER_SPEC.channels, RASTER_SPEC.sizePx));
    expect(group.rasters[0].png).not.toBe(group.rasters[1].png);
    expect(group.rasters[0].probabilities).toEqual(Array(H).fill(0.25));
    // The timeline: 3 s before to 1 s after the entry, times relative to it.
    expect(group.timeline[0].tS).toBe(-3);
    expect(group.timeline.at(-1)!.tS).toBe(0.9); // the sequence ends 0.9 s after
    expect(group.timeline).toHaveLength(40);
    expect(intentExamples(ds, probs, 1)).toHaveLength(1);
    expect(pngDataUrl(1, 1, new Uint8Array(4))).toMatch(/^data:image\/png;base64,/);
  });

  it("none when no jaywalker is seen that long before its entry", () => {
    const { ds, probs } = dataset([["jaywalk-behind-bus#1", true, 20, 2.5]]); // seen from 2.5 s out, lost at 0.6 s
    expect(intentExamples(ds, probs)).toEqual([]);
  });
});
