import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cardDataSummary } from "../../../sim/dataset/index.ts";

describe("cardDataSummary", () => {
  const dir = mkdtempSync(join(tmpdir(), "curb-card-data-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the manifest's totals, counts its scenarios and names the whole manifest by its sha256", () => {
    const text = JSON.stringify({
      suite: "test", seeds: { first: 1, last: 1, count: 1 }, scenarios: ["a#1", "b#2", "c#3"], command: "curb dataset --suite test",
      counts: { frames: 30, sequences: 4, preEntryFrames: 20, perScenario: { "a#1": { frames: 10, sequences: 1 } }, sequencesPerBehaviour: { 1: 4 } },
    }, null, 2);
    writeFileSync(join(dir, "manifest.json"), text);
    expect(cardDataSummary(dir)).toEqual({
      suite: "test", seeds: { first: 1, last: 1, count: 1 }, command: "curb dataset --suite test", scenarioCount: 3,
      counts: { frames: 30, sequences: 4, preEntryFrames: 20, sequencesPerBehaviour: { 1: 4 } },
      manifestSha256: createHash("sha256").update(text).digest("hex"),
    });
  });

  it("refuses a folder without manifest.json, saying so", () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    expect(() => cardDataSummary(empty)).toThrow(/no manifest\.json/);
  });
});
