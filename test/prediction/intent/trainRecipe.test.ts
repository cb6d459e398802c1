// CI: the whole recipe end to end on a tiny dataset — curb dataset → train (PyTorch, 1 epoch) → ONNX +
// card → load in the runtime → streaming equals the full graph → the closed loop runs with it.
// Skipped (with the reason) when /usr/bin/python3 cannot import torch and onnx.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOperatingPoint, IntentPredictor, RASTER_SPEC, readIntentCard, trainIntent, trainingUnavailable } from "../../../prediction/index.ts";
import { buildDataset, cardDataSummary, collectRun, evaluateIntent } from "../../../sim/dataset/index.ts";
import { runClosedLoop } from "../../../sim/index.ts";
import { findScenario } from "../../../sim/scenarios/index.ts";
import { maxStreamVsFullDiff } from "./intentFixture.ts";

const unavailable = trainingUnavailable();
if (unavailable) console.warn(`skipping the intent training recipe test: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("intent training recipe (tiny, CI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "curb-recipe-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("dataset → train → card → streaming = full → closed loop", async () => {
    const data = join(dir, "data");
    const header = await buildDataset({
      suite: "default", variants: 2, seedBase: 900, variation: "suite", out: data, quiet: true,
      scenarios: ["jaywalk-clear-view", "walk-along-curb", "hesitating-pedestrian"],
    });
    expect(header.n).toBeGreaterThan(500);
    const model = join(dir, "m", "intent.onnx");
    await trainIntent({ data, out: model, epochs: 1, window: 40, verbose: false });
    // Deterministic: the same data and seed give the same bytes.
    const again = join(dir, "m2", "intent.onnx");
    await trainIntent({ data, out: again, epochs: 1, window: 40, verbose: false });
    expect(readFileSync(again).equals(readFileSync(model))).toBe(true);
    // On another CPU too: oneDNN is capped at AVX2 unless told otherwise, so on an AVX-512 machine the
    // default is the AVX2 machine's model (uncapped there, it was another one); an explicit cap is kept.
    const explicit = join(dir, "m3", "intent.onnx");
    const saved = process.env.ONEDNN_MAX_CPU_ISA;
    process.env.ONEDNN_MAX_CPU_ISA = "AVX2";
    try {
      await trainIntent({ data, out: explicit, epochs: 1, window: 40, verbose: false });
    } finally {
      if (saved === undefined) delete process.env.ONEDNN_MAX_CPU_ISA;
      else process.env.ONEDNN_MAX_CPU_ISA = saved;
    }
    expect(readFileSync(explicit).equals(readFileSync(model))).toBe(saved === undefined || saved === "AVX2");
    const cardPath = join(dir, "m", "intent.card.json");
    const card = readIntentCard(cardPath); // throws on any mismatch with the rasteriser
    expect(card.training).toBeDefined();
    expect(card.training?.onednnMaxCpuIsa).toBe(saved ?? "AVX2");
    // A threshold per head is chosen on validation data and recorded with the model, the warning at the 1 s head.
    const op = card.operatingPoint!;
    expect(Object.keys(op.thresholds)).toEqual(RASTER_SPEC.horizonsS.map((h) => `${h}s`));
    for (const t of Object.values(op.thresholds)) expect(t >= 0.2 && t <= 0.6).toBe(true);
    expect(op).toMatchObject({ warningHorizonS: 1, chosenOn: "val" });
    expect(() => checkOperatingPoint(op)).not.toThrow();
    // Half the training windows are seen mirrored (left-hand traffic); the card says so.
    expect(card.training?.mirror).toBe(true);
    // The card names its data by the manifest's totals and the sha256 of manifest.json, not its
    // per-scenario lists; train_intent.py and `curb eval intent --update-card` write the same object.
    const manifestBytes = readFileSync(join(data, "manifest.json"));
    const manifest = JSON.parse(manifestBytes.toString("utf8"));
    const trainedOn = card.training?.data as Record<string, unknown> & { counts: Record<string, unknown> };
    expect(trainedOn).toMatchObject({
      suite: "default", command: manifest.command, scenarioCount: manifest.scenarios.length,
      counts: { frames: header.n, sequences: manifest.counts.sequences }, classBalance: manifest.classBalance,
      manifestSha256: createHash("sha256").update(manifestBytes).digest("hex"),
    });
    expect(trainedOn).not.toHaveProperty("scenarios");
    expect(trainedOn.counts).not.toHaveProperty("perScenario");
    expect(trainedOn).toEqual(cardDataSummary(data));
    await evaluateIntent({ data, suite: "default", variants: 2, seedBase: 900, variation: "suite", model: cardPath, out: join(dir, "eval"), ablation: false, quiet: true, updateCard: true });
    const evaluations = (JSON.parse(readFileSync(cardPath, "utf8")).quality.evaluations) as { data: unknown }[];
    expect(evaluations.map((e) => e.data)).toEqual([trainedOn]);
    expect(statSync(model).size).toBeLessThan(2_000_000);
    expect(statSync(join(dir, "m", "intent.step.onnx")).size).toBeLessThan(2_000_000);

    const run = await collectRun(findScenario("jaywalk-clear-view"), 4);
    expect(await maxStreamVsFullDiff(cardPath, run, 1)).toBeLessThan(1e-4);

    const p = await IntentPredictor.load({ predictor: "intent_cnn_gru", intentModelCard: cardPath });
    await p.release();
    const loop = await runClosedLoop(findScenario("walk-along-curb"), { seed: 1, stackParams: { prediction: { predictor: "intent_cnn_gru", intentModelCard: cardPath } } });
    expect(loop.frames.length).toBeGreaterThan(100);
  }, 240_000);
});
