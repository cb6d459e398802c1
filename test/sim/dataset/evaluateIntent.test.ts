import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { operatingPointOf, PROJECT_ROOT, RASTER_SPEC, readIntentCard, uniformOperatingPoint } from "../../../prediction/index.ts";
import { buildDataset, COLLECTION_STACK_DESCRIPTION, evaluateIntent, formatEvalTable, type LoadedDataset, META_COLUMNS, renderEvalIntentPage, scorePredictor } from "../../../sim/dataset/index.ts";

const card = join(PROJECT_ROOT, "models/intent.card.json");

describe.skipIf(!existsSync(card))("curb eval intent", () => {
  const dir = mkdtempSync(join(tmpdir(), "curb-eval-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("scores the model and the baselines on the same frames and writes JSON + table", async () => {
    const data = join(dir, "data");
    await buildDataset({ suite: "default", variants: 1, seedBase: 5000, variation: "suite", out: data, quiet: true, scenarios: ["jaywalk-clear-view", "walk-along-curb", "hesitating-pedestrian"] });
    const report = await evaluateIntent({
      data, suite: "default", variants: 1, seedBase: 5000, variation: "suite", model: card, kinematicModel: "models/does-not-exist.card.json", compareModel: card,
      out: join(dir, "eval"), ablation: true, quiet: true,
    });
    const names = report.predictors.map((p) => p.name);
    expect(names).toEqual(["intent_cnn_gru", "cv_curb_rule", "crosswalk_rule"]); // the missing kinematic card is skipped
    for (const p of report.predictors) expect(Object.keys(p.horizons)).toEqual(["0.5s", "1s", "1.5s", "2s"]);
    expect(report.predictors[0].leadTime.jaywalkers).toBe(1);
    expect(report.ablation.map((a) => a.channel)).toContain("-history");
    expect(JSON.parse(readFileSync(join(dir, "eval", "eval.json"), "utf8")).predictors).toHaveLength(3);
    // The page: the four plots, a row per predictor, the ablation.
    const html = readFileSync(join(dir, "eval", "eval.html"), "utf8");
    for (const id of ["roc", "f1-threshold", "lead", "calibration", "before-entry"]) expect(html).toContain(`<svg id="${id}"`);
    // The worked example: the one jaywalker, its raster 2, 1 and 0.5 s before it steps off, probabilities rising toward it.
    expect(report.examples).toHaveLength(1);
    const [example] = report.examples!;
    expect(example.rasters.map((r) => r.timeToEntryS)).toEqual([expect.closeTo(2, 1), expect.closeTo(1, 1), expect.closeTo(0.5, 1)]);
    expect(html.match(/<image href="data:image\/png;base64,/g)).toHaveLength(3);
    expect(example.timeline.at(-1)!.probabilities[1]).toBeGreaterThan(example.timeline[0].probabilities[1]);
    expect(report.predictors[0].beforeEntry.reduce((n, b) => n + b.frames, 0)).toBe(30); // 3 s at 10 Hz
    for (const n of names) expect(html).toContain(`<td>${n}</td>`);
    expect(html).toContain("<td>-history</td>");
    expect(formatEvalTable(report)).toContain("cv_curb_rule");
    // The table says which drive its data were recorded with.
    expect(formatEvalTable(report).split("\n")[1]).toBe(`data recorded with the ${COLLECTION_STACK_DESCRIPTION}`);
    // Who to explain next: the model's false alarms and misses by id, and the command that explains one.
    expect(formatEvalTable(report)).toContain(`intent_cnn_gru: false alarms (${report.predictors[0].pedestrians.falseAlarmIds.length}): `);
    expect(formatEvalTable(report)).toContain(`curb explain intent --data ${data} --pedestrian ID`);
    // The card's operating point by default.
    expect(report.operatingPoint).toEqual(operatingPointOf(readIntentCard(card)));
    // Compared with itself (at its card's operating point, the one used above): paired, the difference is 0 on every resample.
    expect(report.comparison?.difference).toMatchObject({ value: 0, lo: 0, hi: 0 });
    expect(formatEvalTable(report)).toContain("within the draw");
    // First sight on the simulator's own runs: the hesitator stands until triggered, the walker walks.
    const sight = report.predictors[0].byFirstSight;
    expect(sight["hesitating-pedestrian"]).toMatchObject({ standing: { pedestrians: 1 }, walking: { pedestrians: 0 } });
    expect(sight["walk-along-curb"].walking.pedestrians).toBeGreaterThan(0);
    expect(sight["walk-along-curb"].standing.pedestrians).toBe(0);
    expect(html).toContain('<th colspan="4">standing when first tracked</th>');
    // The look-alike picture: the hesitator (by its behaviour) has a curve; there is no mid-block jaywalker here.
    expect(report.predictors[0].stepOff.hesitaters.pedestrians).toBe(1);
    expect(report.predictors[0].stepOff.standingJaywalkers.pedestrians + report.predictors[0].stepOff.walkingJaywalkers.pedestrians).toBe(0);
    expect(html).toContain('<svg id="step-off"');
    // The walker and the hesitator never cross: the curb rule warns on the hesitator, the model should not.
    expect(report.predictors[0].falseWarnings.warnings).toBeLessThanOrEqual(report.predictors[1].falseWarnings.warnings);
  });

  it("--compare-data pairs a model of another raster spec, scored on the same runs rasterised for it; other runs are refused", async () => {
    const data = join(dir, "data");
    // Stand-ins for "the previous raster spec": the same arrays and model under a spec that differs from
    // this checkout's (version 0), in a dataset header and a card of their own.
    const old = join(dir, "old-data");
    cpSync(data, old, { recursive: true });
    const header = JSON.parse(readFileSync(join(old, "header.json"), "utf8"));
    header.spec = { ...header.spec, version: 0 };
    writeFileSync(join(old, "header.json"), JSON.stringify(header));
    const oldModel = join(dir, "old-model");
    mkdirSync(oldModel);
    const cardJson = JSON.parse(readFileSync(card, "utf8"));
    for (const g of Object.values(cardJson.graphs) as { file: string }[]) cpSync(join(PROJECT_ROOT, "models", g.file), join(oldModel, g.file));
    writeFileSync(join(oldModel, "intent.card.json"), JSON.stringify({ ...cardJson, rasterSpec: { ...cardJson.rasterSpec, version: 0 } }));
    const base = {
      data, suite: "default", variants: 1, seedBase: 5000, variation: "suite" as const, model: card, compareModel: join(oldModel, "intent.card.json"),
      out: join(dir, "eval-old"), ablation: false, quiet: true,
    };
    // Without its own data the old card is refused against this checkout's rasteriser.
    await expect(evaluateIntent(base)).rejects.toThrow(/raster spec version: card 0/);
    const r = await evaluateIntent({ ...base, compareData: old });
    expect(r.comparison).toMatchObject({ otherData: old, difference: { value: 0, lo: 0, hi: 0 } });
    // Data of other runs (one scenario fewer) or other labels cannot be paired.
    const fewer = join(dir, "fewer");
    await buildDataset({ suite: "default", variants: 1, seedBase: 5000, variation: "suite", out: fewer, quiet: true, scenarios: ["jaywalk-clear-view", "walk-along-curb"] });
    await expect(evaluateIntent({ ...base, compareModel: card, compareData: fewer })).rejects.toThrow(/does not hold the same runs .*pedestrian sequences/);
    const relabelled = join(dir, "relabelled");
    cpSync(data, relabelled, { recursive: true });
    const labels = readFileSync(join(relabelled, "labels.bin"));
    labels[labels.length - 1] ^= 1;
    writeFileSync(join(relabelled, "labels.bin"), labels);
    await expect(evaluateIntent({ ...base, compareModel: card, compareData: relabelled })).rejects.toThrow(/the labels differ at frame/);
    // Data this checkout's rasteriser did not draw is refused for the model itself.
    await expect(evaluateIntent({ ...base, data: old, compareModel: undefined })).rejects.toThrow(/another raster spec .*version: data 0/);
  });
});

describe("scorePredictor", () => {
  const at05 = uniformOperatingPoint(0.5);
  // Two 10 Hz sequences of 20 frames: a jaywalker entering the road at t = 1.5 s, a walker who never does.
  function synthetic(jayProbs: number[], walkerProbs: number[]) {
    const H = RASTER_SPEC.horizonsS.length;
    const M = META_COLUMNS.length;
    const n = jayProbs.length + walkerProbs.length;
    const meta = new Float32Array(n * M);
    const labels = new Uint8Array(n * H);
    const probs = new Float32Array(n * H);
    const col = (c: (typeof META_COLUMNS)[number]) => META_COLUMNS.indexOf(c);
    [jayProbs, walkerProbs].forEach((ps, seq) => {
      ps.forEach((p, k) => {
        const i = seq * jayProbs.length + k;
        const t = k / 10;
        meta[i * M + col("t_s")] = t;
        meta[i * M + col("time_to_entry_s")] = seq === 0 ? 1.5 - t : NaN;
        meta[i * M + col("pre_entry")] = seq === 1 || t < 1.5 ? 1 : 0;
        RASTER_SPEC.horizonsS.forEach((h, j) => {
          labels[i * H + j] = seq === 0 && 1.5 - t <= h ? 1 : 0;
          probs[i * H + j] = p;
        });
      });
    });
    // The jaywalker walks at 1.2 m/s from its first frame; the walker is standing when first tracked.
    const F = RASTER_SPEC.features.length;
    const features = new Float32Array(n * F);
    for (let k = 0; k < jayProbs.length; k++) features[k * F + RASTER_SPEC.features.indexOf("speed_mps")] = 1.2;
    const seq = (start: number, willJaywalk: boolean) => ({ scenario: "s", seed: 1, trackId: start, start, length: 20, behaviour: 0, willJaywalk, willCross: willJaywalk });
    const ds = { n, meta, labels, features, header: { spec: RASTER_SPEC }, sequences: [seq(0, true), seq(20, false)] } as unknown as LoadedDataset;
    return { ds, probs };
  }

  it("counts a track lost and found again as one pedestrian, under how its first piece moved", () => {
    // The walker's track breaks after 10 frames and comes back under the same id, walking; warned once in each piece.
    const walker = Array.from({ length: 20 }, (_, k) => (k === 2 || k === 12 ? 0.6 : 0.1));
    const { ds, probs } = synthetic(Array.from({ length: 20 }, () => 0.1), walker);
    const F = RASTER_SPEC.features.length;
    for (let i = 30; i < 40; i++) ds.features[i * F + RASTER_SPEC.features.indexOf("speed_mps")] = 1.2;
    const [jaywalker, whole] = ds.sequences;
    ds.sequences = [jaywalker, { ...whole, length: 10 }, { ...whole, start: 30, length: 10 }];
    const r = scorePredictor("test", ds, probs, at05);
    expect(r.pedestrians).toMatchObject({ jaywalkers: 1, others: 1, falseAlarms: 1, falseAlarmIds: ["s/1/20"] });
    expect(r.byFirstSight.s.standing).toEqual({ pedestrians: 1, tp: 0, fp: 2, fn: 0 });
    expect(r.byFirstSight.s.walking.pedestrians).toBe(1); // the jaywalker only
    expect(r.preEntryCounts).toEqual([0, 0, 10, 0, 2, 0]); // two pedestrians resampled, not three pieces
    expect(r.falseWarnings.warnings).toBe(2); // the stack starts the found track afresh: two warnings raised
  });

  it("counts a warned jaywalker as a hit and a warned walker as a false alarm, per pedestrian", () => {
    // Jaywalker: warned from t = 0.8 s (0.7 s before its entry); walker: one frame above the threshold.
    const jay = Array.from({ length: 20 }, (_, k) => (k >= 8 ? 0.9 : 0.1));
    const walker = Array.from({ length: 20 }, (_, k) => (k === 12 ? 0.6 : 0.1));
    const { ds, probs } = synthetic(jay, walker);
    const r = scorePredictor("test", ds, probs, at05);
    expect(r.leadTime.medianS).toBeCloseTo(0.7, 5);
    expect(r.pedestrians).toMatchObject({ jaywalkers: 1, hits: 1, others: 1, falseAlarms: 1, precision: 0.5, recall: 1 });
    expect(r.pedestrians.f1).toBeCloseTo(2 / 3, 6);
    expect(r.falseWarnings.warnings).toBe(1);
    // Frames at the 1 s head: the jaywalker's 10 frames before its entry are positive, 7 warned; the walker's one warning is a false positive.
    expect(r.byScenario).toEqual({ s: { tp: 7, fp: 1, fn: 3 } });
    // The same frames by first sight: the jaywalker's walking, the standing walker's one false positive.
    expect(r.byFirstSight).toEqual({ s: { walking: { pedestrians: 1, tp: 7, fp: 0, fn: 3 }, standing: { pedestrians: 1, tp: 0, fp: 1, fn: 0 } } });
    expect(formatEvalTable({ data: {}, model: "m", operatingPoint: at05, predictors: [r], ablation: [] })).toMatch(/\ns +\| +7 +1 +3 +\| +1 +0 +1 +0 +\| +1 +7 +0 +3\n/);
    // The F1 interval resamples those two pedestrians: two walkers (F1 0) up to two jaywalkers (14 TP,
    // 6 FN: 28 / 34); the pair itself scores 14 / 18.
    expect(r.horizons["1s"].preEntry.f1).toBeCloseTo(14 / 18, 6);
    expect(r.preEntryF1Interval.lo).toBe(0);
    expect(r.preEntryF1Interval.hi).toBeCloseTo(28 / 34, 6);
    // A quiet walker and a jaywalker never warned: no hits, no false alarms.
    const quiet = synthetic(jay.map(() => 0.1), walker.map(() => 0.1));
    const none = scorePredictor("test", quiet.ds, quiet.probs, at05);
    expect(none.pedestrians).toMatchObject({ hits: 0, falseAlarms: 0, precision: 0, recall: 0, f1: 0 });
  });

  it("a template whose pedestrians are never tracked before their entry still gets its first-sight split, all zeros", () => {
    const { ds, probs } = synthetic(Array(20).fill(0.9), Array(20).fill(0.1));
    // The jaywalker, now of its own template, is first tracked on the road (hidden by a bus, say).
    ds.sequences[0] = { ...ds.sequences[0], scenario: "hidden#1" };
    const preEntry = META_COLUMNS.indexOf("pre_entry");
    for (let i = 0; i < 20; i++) ds.meta[i * META_COLUMNS.length + preEntry] = 0;
    const r = scorePredictor("test", ds, probs, at05);
    expect(r.byScenario.hidden).toEqual({ tp: 0, fp: 0, fn: 0 });
    expect(r.byFirstSight.hidden).toEqual({ standing: { pedestrians: 0, tp: 0, fp: 0, fn: 0 }, walking: { pedestrians: 0, tp: 0, fp: 0, fn: 0 } });
    expect(formatEvalTable({ data: {}, model: "m", operatingPoint: at05, predictors: [r], ablation: [] })).toMatch(/\nhidden +\| +0 +0 +0 +\| +0 +0 +0 +0 +\| +0 +0 +0 +0\n/);
  });

  it("scores each head at its own threshold and takes lead, false warnings and warned pedestrians from the warning head", () => {
    // The jaywalker's probability climbs 0.05 a frame; the walker reads 0.4 once.
    const jay = Array.from({ length: 20 }, (_, k) => k / 20);
    const walker = Array.from({ length: 20 }, (_, k) => (k === 12 ? 0.4 : 0.1));
    const { ds, probs } = synthetic(jay, walker);
    const uniform = scorePredictor("test", ds, probs, at05);
    const op = { thresholds: { ...at05.thresholds, "1.5s": 0.32 }, warningHorizonS: 1.5 };
    const r = scorePredictor("test", ds, probs, op);
    // The 1 s head and everything of its frames are unchanged.
    expect(r.horizons["1s"]).toEqual(uniform.horizons["1s"]);
    expect(r.byScenario).toEqual(uniform.byScenario);
    expect(r.byScenario.s.fp).toBe(0);
    expect(r.preEntryCounts).toEqual(uniform.preEntryCounts);
    // The 1.5 s head at 0.32: warned from k = 7 (0.8 s before the entry), and the walker's 0.4 is a warning.
    expect(r.horizons["1.5s"].preEntry).not.toEqual(uniform.horizons["1.5s"].preEntry);
    expect(r.leadTime.horizonS).toBe(1.5);
    expect(r.leadTime.medianS).toBeCloseTo(0.8, 5);
    expect(uniform.leadTime.medianS).toBeCloseTo(0.5, 5);
    expect(r.falseWarnings.warnings).toBe(1);
    expect(uniform.falseWarnings.warnings).toBe(0);
    expect(r.pedestrians).toMatchObject({ hits: 1, falseAlarms: 1 });
    expect(r.leadTimeByHorizon.map((l) => l.threshold)).toEqual([0.5, 0.5, 0.32, 0.5]);
    expect(formatEvalTable({ data: {}, model: "m", operatingPoint: op, predictors: [r], ablation: [] })).toContain("warning P(1.5 s) ≥ 0.32");
    expect(() => scorePredictor("test", ds, probs, { ...op, warningHorizonS: 3 })).toThrow(/warning head 3 s is not one of/);
    expect(() => scorePredictor("test", ds, probs, { thresholds: { "1s": 0.5 }, warningHorizonS: 1 })).toThrow(/threshold for 0.5s is undefined, not a probability/);
  });

  it("tells early warnings (right pedestrian, a little early) from misses and false alarms, by time to entry", () => {
    // Jaywalker warned from t = 0.2 s: 1.3 s before its entry, so its frames 1.3, 1.2 and 1.1 s out are false positives at the 1 s head.
    const jay = Array.from({ length: 20 }, (_, k) => (k >= 2 ? 0.9 : 0.1));
    const { ds, probs } = synthetic(jay, jay.map(() => 0.1));
    const r = scorePredictor("test", ds, probs, at05);
    const at = (toS: number) => r.byTimeToEntry.find((b) => b.toS === toS);
    expect(at(0.5)).toMatchObject({ tp: 5, fp: 0, fn: 0 });
    expect(at(1)).toMatchObject({ tp: 5, fp: 0, fn: 0 });
    expect(at(1.5)).toMatchObject({ tp: 0, fp: 3, fn: 0, tn: 2 });
    expect(r.byTimeToEntry.find((b) => b.never)).toMatchObject({ tp: 0, fp: 0, fn: 0, tn: 20 });
    expect(r.horizons["1s"].preEntry.f1).toBeCloseTo(20 / 23, 6);
    expect(r.earlyTolerantF1).toBe(1);
    expect(formatEvalTable({ data: {}, model: "m", operatingPoint: at05, predictors: [r], ablation: [] })).toMatch(/1–1\.5 s +\| +0 +3 +0 +2\n/);
    // The curves: ROC from (0, 0) to (1, 1); F1 against threshold at the report's grid; every warned jaywalker's lead.
    expect(r.curves.roc[0]).toEqual([0, 0]);
    expect(r.curves.roc[r.curves.roc.length - 1]).toEqual([1, 1]);
    expect(r.curves.f1ByThreshold.find(([t]) => t === 0.5)?.[1]).toBeCloseTo(20 / 23, 6);
    expect(r.leadTime.leadsS).toHaveLength(1);
    expect(r.leadTime.leadsS[0]).toBeCloseTo(1.3, 5);
  });

  it("the page says which targets are met, against the baselines, and escapes names", () => {
    const jay = Array.from({ length: 20 }, (_, k) => (k >= 2 ? 0.9 : 0.1));
    const { ds, probs } = synthetic(jay, jay.map(() => 0.1));
    const model = scorePredictor("model<1>", ds, probs, at05);
    const late = scorePredictor("late rule", ds, probs.map((p, i) => (i >= 9 * 4 ? p : 0.1)), at05);
    const html = renderEvalIntentPage({ data: { manifest: { command: "curb dataset --suite test" } }, model: "m.card.json", operatingPoint: at05, predictors: [model, late], ablation: [] });
    expect(html).toContain("model&lt;1&gt;");
    expect(html).not.toContain("model<1>");
    // The model: F1 20/23 < 0.9, lead 1.3 s ≥ 1 s; the late rule warns from 0.6 s out (F1 12/16, lead 0.6 s), beaten on both.
    const row = (target: string) => html.slice(html.indexOf(target), html.indexOf("</tr>", html.indexOf(target)));
    expect(row("F1 ≥ 0.9")).toContain("not met");
    expect(row("median warning lead")).toContain(">met<");
    expect(row("beats every baseline")).toContain(">met<");
    expect(late.horizons["1s"].preEntry.f1).toBeCloseTo(12 / 16, 6);
    // The model's probability is 0.9 from 1.3 s before the entry: above the threshold from the 1.2–1.3 s bin on.
    expect(html).toContain("the median stays above the threshold from 1.25 s before the entry");
    expect(html).toContain('<svg id="before-entry"');
    expect(() => renderEvalIntentPage({ data: {}, model: "m", operatingPoint: at05, predictors: [], ablation: [] })).toThrow(/no predictors/);
  });
});
