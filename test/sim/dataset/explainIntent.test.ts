import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTENT_FEATURES, loadIntentGraph, operatingPointOf, PROJECT_ROOT } from "../../../prediction/index.ts";
import {
  buildDataset, explainIntent, formatExplainTable, type LoadedDataset, parseHold, pedestrianId, readCurrentDataset, readCurrentDatasetFrames, runFullGraph, scorePredictor,
} from "../../../sim/dataset/index.ts";

const card = join(PROJECT_ROOT, "models/intent.card.json");

describe.skipIf(!existsSync(card))("curb explain intent", () => {
  const dir = mkdtempSync(join(tmpdir(), "curb-explain-"));
  const data = join(dir, "data");
  let whole: LoadedDataset;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    await buildDataset({ suite: "default", variants: 1, seedBase: 5000, variation: "suite", out: data, quiet: true, scenarios: ["jaywalk-clear-view", "walk-along-curb", "hesitating-pedestrian"] });
    whole = readCurrentDataset(data);
  }, 120_000);

  it("reads a span of frames alone, the same bytes as the whole read, its sequences rebased", () => {
    const s = whole.sequences[1];
    const part = readCurrentDatasetFrames(data, s.start, s.length);
    expect(part.n).toBe(s.length);
    const R = part.rasters.length / s.length, F = INTENT_FEATURES.length, M = part.meta.length / s.length;
    expect(part.rasters).toEqual(whole.rasters.subarray(s.start * R, (s.start + s.length) * R));
    expect(part.features).toEqual(whole.features.subarray(s.start * F, (s.start + s.length) * F));
    expect(part.meta).toEqual(whole.meta.subarray(s.start * M, (s.start + s.length) * M));
    expect(part.sequences).toEqual([{ ...s, start: 0 }]);
    expect(() => readCurrentDatasetFrames(data, whole.n - 1, 2)).toThrow(/not within its \d+ frames/);
  });

  it("refuses a dataset drawn by another raster spec, as the whole read does", async () => {
    const stale = join(dir, "stale");
    cpSync(data, stale, { recursive: true });
    const header = JSON.parse(readFileSync(join(stale, "header.json"), "utf8"));
    header.spec.version += 1;
    writeFileSync(join(stale, "header.json"), JSON.stringify(header));
    expect(() => readCurrentDataset(stale)).toThrow(/was rasterised by another raster spec than this checkout's/);
    expect(() => readCurrentDatasetFrames(stale, 0, 1)).toThrow(/was rasterised by another raster spec than this checkout's/);
    await expect(explainIntent({ data: stale, pedestrian: pedestrianId(whole.sequences[0]), model: card })).rejects.toThrow(/another raster spec/);
  });

  it("its 'as recorded' row is what curb eval intent scores for that pedestrian on the whole dataset, all its track's pieces", async () => {
    const model = await loadIntentGraph(card, "full", 2);
    const op = operatingPointOf(model.card);
    const scored = scorePredictor("intent_cnn_gru", whole, await runFullGraph(model.session, true, whole), op);
    await model.session.release();
    const ids = [...new Set(whole.sequences.map(pedestrianId))];
    // A track lost and found again is two sequences of one pedestrian: counted once, by its id.
    expect(ids.length).toBeLessThan(whole.sequences.length);
    expect(scored.pedestrians.others + scored.pedestrians.jaywalkers).toBe(ids.length);
    expect(scored.preEntryCounts).toHaveLength(3 * ids.length);
    const totals = [0, 0, 0];
    const warnedOthers: string[] = [];
    let jaywalkerLead: number | null = null;
    for (const id of ids) {
      const report = await explainIntent({ data, pedestrian: id, model: card });
      const row = report.rows[0];
      expect(row.input).toBe("as recorded");
      totals[0] += row.tp; totals[1] += row.fp; totals[2] += row.fn;
      if (!report.willJaywalk && row.warnedFrames > 0) warnedOthers.push(id);
      if (report.willJaywalk) jaywalkerLead = row.leadS;
    }
    const evalTotals = [0, 1, 2].map((k) => scored.preEntryCounts.filter((_, i) => i % 3 === k).reduce((a, b) => a + b, 0));
    expect(totals).toEqual(evalTotals);
    expect(warnedOthers).toEqual(scored.pedestrians.falseAlarmIds);
    expect(scored.leadTime.leadsS).toHaveLength(1);
    expect(jaywalkerLead).toBeCloseTo(scored.leadTime.leadsS[0], 6);
    expect(scored.leadTime.missedIds).toEqual([]);
  }, 120_000);

  it("changes one input per row: a constant feature held changes nothing, the road channel zeroed does", async () => {
    const jaywalker = whole.sequences.find((s) => s.willJaywalk)!;
    const report = await explainIntent({ data, pedestrian: pedestrianId(jaywalker), model: card, holds: ["ego_ahead_m=60"] });
    const row = (input: string) => report.rows.find((r) => r.input.startsWith(input))!;
    expect(report.willJaywalk).toBe(true);
    expect(report.entryS).toBeGreaterThan(report.fromS);
    expect(report.rows.map((r) => r.input)).toContain("-road");
    expect(report.rows.filter((r) => r.input.endsWith("(its median)"))).toHaveLength(INTENT_FEATURES.length);
    const { input: _a, ...asRecorded } = row("as recorded");
    const { input: _b, ...outsideMapHeld } = row("outside_map = 0"); // 0 on every frame of a pedestrian on the map
    expect(outsideMapHeld).toEqual(asRecorded);
    expect(row("-road").maxWarningP).not.toBe(asRecorded.maxWarningP);
    expect(row("ego_ahead_m = 60 (--hold)")).toBeDefined();
    const table = formatExplainTable(report);
    expect(table).toContain("jaywalks, entering the road at");
    expect(table.split("\n").filter((l) => l.includes(" | "))).toHaveLength(report.rows.length + 1);
  }, 120_000);

  it("refuses an unknown pedestrian, naming ids of that scenario, and a --hold that is not FEATURE=VALUE", async () => {
    const id = pedestrianId(whole.sequences[0]);
    const [scenario] = id.split("/");
    await expect(explainIntent({ data, pedestrian: `${scenario}/1/999`, model: card })).rejects.toThrow(new RegExp(`has no pedestrian .*in that scenario: .*${scenario.replace(/[#-]/g, "\\$&")}/`));
    expect(() => parseHold("ego_ahead=60")).toThrow(/FEATURE one of speed_mps, /);
    expect(() => parseHold("ego_ahead_m=far")).toThrow(/"far" is not a number/);
    expect(parseHold(" time_to_curb_s=10 ")).toEqual([INTENT_FEATURES.indexOf("time_to_curb_s"), 10]);
    await expect(explainIntent({ data, pedestrian: id, model: card, holds: ["nope=1"] })).rejects.toThrow(/--hold "nope=1"/);
  });
});
