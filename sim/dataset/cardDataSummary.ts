// What a model card says of a dataset it was trained, tuned or scored on: the manifest without its
// per-scenario lists (2 000 test scenarios made them most of a 656 kB card), plus the sha256 of the
// folder's manifest.json, which holds those lists, so the card still names the exact data.
// train_intent.py's `card_data_summary` writes the same object (the recipe test checks they agree).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface CardDataSummary {
  suite?: string;
  command?: string;
  scenarioCount: number;
  counts: Record<string, unknown>;
  manifestSha256: string;
  [field: string]: unknown;
}

export function cardDataSummary(datasetDir: string): CardDataSummary {
  const path = join(datasetDir, "manifest.json");
  if (!existsSync(path)) throw new Error(`${datasetDir}: no manifest.json (a dataset folder written by curb dataset has one)`);
  const bytes = readFileSync(path);
  const { scenarios, counts, ...rest } = JSON.parse(bytes.toString("utf8")) as { scenarios?: unknown[]; counts?: Record<string, unknown> };
  const { perScenario: _perScenario, ...totals } = counts ?? {};
  return {
    ...rest,
    scenarioCount: Array.isArray(scenarios) ? scenarios.length : 0,
    counts: totals,
    manifestSha256: createHash("sha256").update(bytes).digest("hex"),
  };
}
