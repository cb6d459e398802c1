// `curb tune intent`: the operating threshold rule (best F1 among thresholds whose median lead meets
// the need) and the command on real data and the shipped model, agreeing with `curb eval intent`.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../prediction/index.ts";
import { buildDataset, CANDIDATE_THRESHOLDS, chooseThreshold, evaluateIntent, formatThresholdTable, pickThreshold, type ThresholdRow } from "../../../sim/dataset/index.ts";

const row = (threshold: number, f1: number, medianLeadS: number): ThresholdRow =>
  ({ threshold, f1, precision: f1, recall: f1, medianLeadS, warned: 1, jaywalkers: 1, falseWarningsPerHour: 0 });

describe("pickThreshold", () => {
  it("takes the best F1 among the thresholds that meet the lead, not the best F1 overall", () => {
    const rows = [row(0.3, 0.85, 1.1), row(0.35, 0.86, 1.02), row(0.4, 0.87, 0.99), row(0.45, 0.88, 0.95)];
    expect(pickThreshold(rows, 1.0)).toEqual({ row: rows[1], leadMet: true });
    expect(pickThreshold(rows, 0.9).row.threshold).toBe(0.45);
  });

  it("breaks ties toward 0.5, and falls back to the best F1 (lead not met) when no threshold meets the lead", () => {
    expect(pickThreshold([row(0.3, 0.8, 2), row(0.55, 0.8, 2), row(0.6, 0.8, 2)], 1).row.threshold).toBe(0.55);
    expect(pickThreshold([row(0.3, 0.7, 0.5), row(0.4, 0.8, 0.6)], 1)).toMatchObject({ row: { threshold: 0.4 }, leadMet: false });
    // A lead that could not be measured (no jaywalker warned: NaN) never meets the need.
    expect(pickThreshold([row(0.3, 0.7, 1.2), row(0.4, 0.9, NaN)], 1).row.threshold).toBe(0.3);
    expect(() => pickThreshold([], 1)).toThrow(/no thresholds/);
  });
});

const card = join(PROJECT_ROOT, "models/intent.card.json");

describe.skipIf(!existsSync(card))("curb tune intent", () => {
  const dir = mkdtempSync(join(tmpdir(), "curb-tune-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("scores every candidate threshold like curb eval intent, picks by the rule and records the choice in the card", async () => {
    const data = join(dir, "data");
    await buildDataset({ suite: "default", variants: 2, seedBase: 5100, variation: "suite", out: data, quiet: true, scenarios: ["jaywalk-clear-view", "walk-along-curb", "hesitating-pedestrian", "running-child"] });
    const model = join(dir, "model");
    mkdirSync(model);
    for (const f of ["intent.card.json", "intent.onnx", "intent.step.onnx"]) cpSync(join(PROJECT_ROOT, "models", f), join(model, f));
    const c = await chooseThreshold({ data, model: join(model, "intent.card.json"), minLeadS: 1.0, chosenOn: "tiny-val", updateCard: true });
    expect(c.rows.map((r) => r.threshold)).toEqual([...CANDIDATE_THRESHOLDS]);
    expect(c.value).toBe(pickThreshold(c.rows, 1.0).row.threshold);
    expect(c.leadMet).toBe(c.rows.some((r) => r.medianLeadS >= 1.0));
    // The same figures as the evaluation at that threshold.
    const at = c.rows.find((r) => r.threshold === 0.4)!;
    const ev = await evaluateIntent({ data, suite: "default", variants: 1, seedBase: 1, variation: "suite", model: join(model, "intent.card.json"), out: join(dir, "eval"), threshold: 0.4, ablation: false, quiet: true });
    expect(at.f1).toBe(ev.predictors[0].horizons["1s"].preEntry.f1);
    expect(at.medianLeadS).toBe(ev.predictors[0].leadTime.medianS);
    // Lower thresholds warn at least as early.
    const leads = c.rows.map((r) => r.medianLeadS).filter(Number.isFinite);
    for (let k = 1; k < leads.length; k++) expect(leads[k]).toBeLessThanOrEqual(leads[k - 1] + 1e-9);
    const written = JSON.parse(readFileSync(join(model, "intent.card.json"), "utf8")).operatingThreshold;
    expect(written).toMatchObject({ value: c.value, chosenOn: "tiny-val", minLeadS: 1, horizonS: 1 });
    expect(formatThresholdTable(c)).toContain(`operating threshold ${c.value}`);
  });

  it("refuses data drawn by another raster spec", async () => {
    const data = join(dir, "data");
    const old = join(dir, "old");
    cpSync(data, old, { recursive: true });
    const headerFile = join(old, "header.json");
    const header = JSON.parse(readFileSync(headerFile, "utf8"));
    header.spec.sizePx = 16;
    writeFileSync(headerFile, JSON.stringify(header));
    await expect(chooseThreshold({ data: old, model: card, minLeadS: 1, chosenOn: "val" })).rejects.toThrow(/another raster spec .*sizePx: data 16, rasteriser 32/);
  });
});
