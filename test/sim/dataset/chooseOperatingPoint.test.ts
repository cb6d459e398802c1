// `curb tune intent`: the operating point rule (per head the best F1; the warning from the shortest
// head whose median lead meets the need) and the command on real data and the shipped model, agreeing
// with `curb eval intent`.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { PROJECT_ROOT, RASTER_SPEC, uniformOperatingPoint } from "../../../prediction/index.ts";
import { buildDataset, CANDIDATE_THRESHOLDS, chooseOperatingPoint, evaluateIntent, formatOperatingPointTable, pickOperatingPoint, type ThresholdRow } from "../../../sim/dataset/index.ts";

const row = (horizonS: number, threshold: number, f1: number, medianLeadS: number): ThresholdRow =>
  ({ horizonS, threshold, f1, precision: f1, recall: f1, medianLeadS, warned: 1, jaywalkers: 1, falseWarningsPerHour: 0 });

describe("pickOperatingPoint", () => {
  it("gives each head its best-F1 threshold and warns from the shortest head whose lead there meets the need", () => {
    const rows = [
      row(1, 0.35, 0.86, 1.04), row(1, 0.45, 0.87, 0.97),
      row(1.5, 0.35, 0.80, 1.5), row(1.5, 0.5, 0.82, 1.3),
      row(2, 0.4, 0.75, 1.9), row(2, 0.5, 0.74, 1.8),
    ];
    const p = pickOperatingPoint(rows, 1.0);
    expect(p.thresholds).toEqual({ "1s": 0.45, "1.5s": 0.5, "2s": 0.4 });
    // The 1 s head at its own threshold (0.45) warns 0.97 s ahead: too late, so the 1.5 s head warns.
    expect(p).toMatchObject({ warningHorizonS: 1.5, leadMet: true });
    expect(pickOperatingPoint(rows, 0.9).warningHorizonS).toBe(1);
    expect(pickOperatingPoint(rows, 1.85)).toMatchObject({ warningHorizonS: 2, leadMet: true });
  });

  it("breaks ties toward 0.5, falls back to the longest lead (not met) when no head meets the need", () => {
    expect(pickOperatingPoint([row(1, 0.3, 0.8, 2), row(1, 0.55, 0.8, 2), row(1, 0.6, 0.8, 2)], 1).thresholds["1s"]).toBe(0.55);
    const short = [row(1, 0.3, 0.7, 0.5), row(1, 0.4, 0.8, 0.6), row(1.5, 0.4, 0.8, 0.9), row(2, 0.4, 0.6, NaN)];
    expect(pickOperatingPoint(short, 1)).toMatchObject({ thresholds: { "1s": 0.4, "1.5s": 0.4, "2s": 0.4 }, warningHorizonS: 1.5, leadMet: false });
    // A lead that could not be measured (no jaywalker warned: NaN) never meets the need.
    expect(pickOperatingPoint([row(1, 0.4, 0.9, NaN), row(1.5, 0.4, 0.9, 1.2)], 1).warningHorizonS).toBe(1.5);
    expect(() => pickOperatingPoint([], 1)).toThrow(/no thresholds/);
  });
});

const card = join(PROJECT_ROOT, "models/intent.card.json");

describe.skipIf(!existsSync(card))("curb tune intent", () => {
  const dir = mkdtempSync(join(tmpdir(), "curb-tune-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("scores every head and candidate threshold like curb eval intent, picks by the rule and records the choice in the card", async () => {
    const data = join(dir, "data");
    await buildDataset({ suite: "default", variants: 2, seedBase: 5100, variation: "suite", out: data, quiet: true, scenarios: ["jaywalk-clear-view", "walk-along-curb", "hesitating-pedestrian", "running-child"] });
    const model = join(dir, "model");
    mkdirSync(model);
    for (const f of ["intent.card.json", "intent.onnx", "intent.step.onnx"]) cpSync(join(PROJECT_ROOT, "models", f), join(model, f));
    const c = await chooseOperatingPoint({ data, model: join(model, "intent.card.json"), minLeadS: 1.0, chosenOn: "tiny-val", updateCard: true, quiet: true });
    expect(c.rows.map((r) => [r.horizonS, r.threshold])).toEqual(RASTER_SPEC.horizonsS.flatMap((h) => CANDIDATE_THRESHOLDS.map((t) => [h, t])));
    const picked = pickOperatingPoint(c.rows, 1.0);
    expect(c).toMatchObject({ thresholds: picked.thresholds, warningHorizonS: picked.warningHorizonS, leadMet: picked.leadMet });
    // The same figures as the evaluation at that threshold, the warning at that head.
    const at = c.rows.find((r) => r.threshold === 0.4 && r.horizonS === 1.5)!;
    const ev = await evaluateIntent({ data, suite: "default", variants: 1, seedBase: 1, variation: "suite", model: join(model, "intent.card.json"), out: join(dir, "eval"), operatingPoint: uniformOperatingPoint(0.4, 1.5), ablation: false, quiet: true });
    expect(at.f1).toBe(ev.predictors[0].horizons["1.5s"].preEntry.f1);
    expect(at.medianLeadS).toBe(ev.predictors[0].leadTime.medianS);
    expect(at.falseWarningsPerHour).toBe(ev.predictors[0].falseWarnings.perHour);
    // Lower thresholds warn at least as early, and so do longer heads.
    for (const h of RASTER_SPEC.horizonsS) {
      const leads = c.rows.filter((r) => r.horizonS === h).map((r) => r.medianLeadS).filter(Number.isFinite);
      for (let k = 1; k < leads.length; k++) expect(leads[k]).toBeLessThanOrEqual(leads[k - 1] + 1e-9);
    }
    const written = JSON.parse(readFileSync(join(model, "intent.card.json"), "utf8"));
    expect(written.operatingPoint).toMatchObject({ thresholds: c.thresholds, warningHorizonS: c.warningHorizonS, chosenOn: "tiny-val", minLeadS: 1 });
    expect(written.operatingThreshold).toBeUndefined();
    // The evaluation then scores at the card's operating point.
    const byCard = await evaluateIntent({ data, suite: "default", variants: 1, seedBase: 1, variation: "suite", model: join(model, "intent.card.json"), out: join(dir, "eval-card"), ablation: false, quiet: true });
    expect(byCard.operatingPoint).toMatchObject({ thresholds: c.thresholds, warningHorizonS: c.warningHorizonS });
    expect(formatOperatingPointTable(c)).toContain(`warning P(${c.warningHorizonS} s) ≥ ${c.thresholds[`${c.warningHorizonS}s`]} (·: each head's threshold, ▶: the warning)`);
  });

  it("leaves the card as it is when the chosen warning would warn nobody", async () => {
    const data = join(dir, "no-jaywalkers");
    await buildDataset({ suite: "default", variants: 1, seedBase: 5100, variation: "suite", out: data, quiet: true, scenarios: ["walk-along-curb"] });
    const model = join(dir, "model-unchanged");
    mkdirSync(model);
    for (const f of ["intent.card.json", "intent.onnx", "intent.step.onnx"]) cpSync(join(PROJECT_ROOT, "models", f), join(model, f));
    const before = readFileSync(join(model, "intent.card.json"), "utf8");
    await expect(chooseOperatingPoint({ data, model: join(model, "intent.card.json"), minLeadS: 1, chosenOn: "val", updateCard: true, quiet: true })).rejects.toThrow(/warns none of its 0 jaywalkers, so .*model-unchanged.* is left unchanged/);
    expect(readFileSync(join(model, "intent.card.json"), "utf8")).toBe(before);
    // Without --update-card the table is still there to read; the progress goes to stderr, a step per head.
    let progress = "";
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((progress += String(chunk)), true));
    const c = await chooseOperatingPoint({ data, model: join(model, "intent.card.json"), minLeadS: 1, chosenOn: "val" }).finally(() => stderr.mockRestore());
    expect(progress).toMatch(/^tune \d+ track sequences .* 1\/5 /m);
    expect(progress).toMatch(/^tune \d+ track sequences .* 5\/5 .*the 2 s head at 9 thresholds/m);
    expect(c.rows.every((r) => r.warned === 0 && r.jaywalkers === 0)).toBe(true);
  });

  it("refuses data drawn by another raster spec", async () => {
    const data = join(dir, "data");
    const old = join(dir, "old");
    cpSync(data, old, { recursive: true });
    const headerFile = join(old, "header.json");
    const header = JSON.parse(readFileSync(headerFile, "utf8"));
    header.spec.sizePx = 16;
    writeFileSync(headerFile, JSON.stringify(header));
    await expect(chooseOperatingPoint({ data: old, model: card, minLeadS: 1, chosenOn: "val" })).rejects.toThrow(/another raster spec .*sizePx: data 16, rasteriser 32/);
  });

  it("refuses data from the held-out test suite, and says which to build", async () => {
    const held = join(dir, "held-out");
    cpSync(join(dir, "data"), held, { recursive: true });
    const headerFile = join(held, "header.json");
    const header = JSON.parse(readFileSync(headerFile, "utf8"));
    header.manifest.suite = "test";
    writeFileSync(headerFile, JSON.stringify(header));
    await expect(chooseOperatingPoint({ data: held, model: card, minLeadS: 1, chosenOn: "val" })).rejects.toThrow(/holds the held-out "test" suite, which must not be used to choose an operating point \(build the val suite: curb dataset --suite val/);
  });
});
