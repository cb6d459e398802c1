import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../prediction/index.ts";
import { buildDataset, evaluateIntent, formatEvalTable } from "../../../sim/dataset/index.ts";

const card = join(PROJECT_ROOT, "models/intent.card.json");

describe.skipIf(!existsSync(card))("curb eval intent", () => {
  const dir = mkdtempSync(join(tmpdir(), "curb-eval-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("scores the model and the baselines on the same frames and writes JSON + table", async () => {
    const data = join(dir, "data");
    await buildDataset({ suite: "default", variants: 1, seedBase: 5000, variation: "suite", out: data, quiet: true, scenarios: ["jaywalk-clear-view", "walk-along-curb", "hesitating-pedestrian"] });
    const report = await evaluateIntent({
      data, suite: "default", variants: 1, seedBase: 5000, variation: "suite", model: card, kinematicModel: "models/does-not-exist.card.json",
      out: join(dir, "eval"), threshold: 0.5, ablation: true, quiet: true,
    });
    const names = report.predictors.map((p) => p.name);
    expect(names).toEqual(["intent_cnn_gru", "cv_curb_rule", "crosswalk_rule"]); // the missing kinematic card is skipped
    for (const p of report.predictors) expect(Object.keys(p.horizons)).toEqual(["0.5s", "1s", "1.5s", "2s"]);
    expect(report.predictors[0].leadTime.jaywalkers).toBe(1);
    expect(report.ablation.map((a) => a.channel)).toContain("-history");
    expect(JSON.parse(readFileSync(join(dir, "eval", "eval.json"), "utf8")).predictors).toHaveLength(3);
    expect(formatEvalTable(report)).toContain("cv_curb_rule");
    // The walker and the hesitator never cross: the curb rule warns on the hesitator, the model should not.
    expect(report.predictors[0].falseWarnings.warnings).toBeLessThanOrEqual(report.predictors[1].falseWarnings.warnings);
  });
});
