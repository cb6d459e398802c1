// The shipped intent model (models/intent.card.json) in the runtime: card checks, streaming equals the
// full-sequence graph, per-track hidden state, bad inputs, and the closed loop with the learned predictor.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InProcessBus, msg } from "../../../bus/index.ts";
import { IntentModelError, IntentPredictor, loadIntentGraph, parsePredictionParams, PROJECT_ROOT, RASTER_SPEC, readIntentCard, settleAsyncWork, startPredictionNode, thresholdAt } from "../../../prediction/index.ts";
import { collectRun } from "../../../sim/dataset/index.ts";
import { loadStackParams, runClosedLoop } from "../../../sim/index.ts";
import { findScenario } from "../../../sim/scenarios/index.ts";
import { streetMap, trackList, vehicleState } from "../streetFixture.ts";
import { hasShippedModel, maxStreamVsFullDiff, SHIPPED_CARD, tamperedCopy } from "./intentFixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "curb-intent-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!hasShippedModel)("IntentPredictor with the shipped model (models/intent.card.json)", () => {
  const params = { predictor: "intent_cnn_gru" as const, intentModelCard: SHIPPED_CARD };

  it("the card matches the rasteriser and the model is small", () => {
    const card = readIntentCard(SHIPPED_CARD);
    expect(card.usesRaster).toBe(true);
    expect(card.rasterSpec).toEqual(JSON.parse(JSON.stringify(RASTER_SPEC)));
    for (const g of [card.graphs.full, card.graphs.step]) expect(statSync(join(dirname(SHIPPED_CARD), g.file)).size).toBeLessThan(2_000_000);
  });

  it("the intent stack config warns as the operating point its card chose on validation data", () => {
    const card = readIntentCard(SHIPPED_CARD);
    const stack = loadStackParams(join(PROJECT_ROOT, "prediction/intent/intent-stack.yaml"));
    const op = card.operatingPoint!;
    expect(op.chosenOn).toBe("val");
    expect(stack.prediction?.predictor).toBe("intent_cnn_gru");
    expect(stack.prediction?.decisionHorizonS).toBe(op.warningHorizonS);
    expect(stack.prediction?.decisionThreshold).toBe(thresholdAt(op, op.warningHorizonS));
  });

  it("streaming over a sequence equals the full-sequence graph within 1e-4", async () => {
    const run = await collectRun(findScenario("jaywalk-clear-view"), 11);
    expect(await maxStreamVsFullDiff(SHIPPED_CARD, run, 2)).toBeLessThan(1e-4);
  });

  it("refuses a card whose raster spec differs from the rasteriser's, naming the field", async () => {
    const card = tamperedCopy(SHIPPED_CARD, join(tmp, "size"), (c) => (c.rasterSpec.sizePx = 64));
    await expect(IntentPredictor.load({ ...params, intentModelCard: card })).rejects.toThrow(/raster spec sizePx: card 64, rasteriser 32/);
    const v = tamperedCopy(SHIPPED_CARD, join(tmp, "version"), (c) => (c.rasterSpec.version = 99));
    await expect(IntentPredictor.load({ ...params, intentModelCard: v })).rejects.toThrow(/version: card 99/);
    const ch = tamperedCopy(SHIPPED_CARD, join(tmp, "channels"), (c) => c.rasterSpec.channels.pop());
    await expect(IntentPredictor.load({ ...params, intentModelCard: ch })).rejects.toThrow(IntentModelError);
  });

  it("refuses a card that disagrees with the ONNX graph's own inputs", async () => {
    // The step graph file swapped for the full graph: its inputs are [rasters, features], not [raster, features, hidden].
    const swapped = tamperedCopy(SHIPPED_CARD, join(tmp, "swap"), (c) => (c.graphs.step.file = c.graphs.full.file));
    await expect(loadIntentGraph(swapped, "step")).rejects.toThrow(/step graph inputs: ONNX \[rasters, features\], card \[raster, features, hidden\]/);
    const missing = tamperedCopy(SHIPPED_CARD, join(tmp, "missing"), (c) => (c.graphs.step.file = "nope.onnx"));
    await expect(loadIntentGraph(missing, "step")).rejects.toThrow(/not found/);
    // A graph file that is not ONNX at all (a truncated download, say).
    const garbled = tamperedCopy(SHIPPED_CARD, join(tmp, "garbled"), () => undefined);
    const stepFile = join(tmp, "garbled", readIntentCard(SHIPPED_CARD).graphs.step.file);
    writeFileSync(stepFile, readFileSync(stepFile).subarray(0, 100));
    await expect(loadIntentGraph(garbled, "step")).rejects.toThrow(/intent model .*garbled.*refused: step graph .* is not a loadable ONNX graph \(.*\); rebuild it with make models/);
  });

  it("refuses graph files that are not the ones the card was written for", async () => {
    // The card of one training beside the graphs of another: same shapes, other weights, so only the hash tells.
    const other = tamperedCopy(SHIPPED_CARD, join(tmp, "other-training"), (c) => (c.graphs.full.sha256 = "0".repeat(64)));
    await expect(loadIntentGraph(other, "full")).rejects.toThrow(/refused: full graph .*other-training.* is not the one this card describes \(sha256 [0-9a-f]{12}…, card 000000000000…\)/);
    // A truncated step graph is refused even by `curb eval`, which runs only the full one: the card's figures describe both.
    const cut = tamperedCopy(SHIPPED_CARD, join(tmp, "cut-step"), () => undefined);
    const stepFile = join(tmp, "cut-step", readIntentCard(SHIPPED_CARD).graphs.step.file);
    writeFileSync(stepFile, readFileSync(stepFile).subarray(0, 5000));
    await expect(loadIntentGraph(cut, "full")).rejects.toThrow(/refused: step graph .*cut-step.* is not the one this card describes/);
    // Untouched copies load.
    const fine = await loadIntentGraph(tamperedCopy(SHIPPED_CARD, join(tmp, "fine"), () => undefined), "step");
    await fine.session.release();
  });

  it("batches every pedestrian into one call, keeps hidden state per track, drops it at track death", async () => {
    const p = await IntentPredictor.load(params);
    p.setMap(streetMap());
    const ego = vehicleState(0, 10, -1.75, 10);
    const a = { id: 1, x: 50, y: -6.5, vy: 1.2 };
    const b = { id: 2, x: 80, y: 7, vx: -1.3 };
    const car = { id: 101, objectClass: msg.ObjectClass.CAR, x: 60, y: -4.5 };
    const both = await p.update(trackList(0, [a, b, car]), ego);
    expect(both.predictor).toBe("intent_cnn_gru");
    expect(both.agents).toHaveLength(3);
    expect(both.agents[2].crossing).toHaveLength(0); // a car gets a path only
    expect(both.agents[2].paths[0].points.length).toBe(30);
    expect(p.liveTrackIds().sort()).toEqual([1, 2]);
    // Batch independence: pedestrian 1 alone (fresh predictor) gets the same probabilities.
    const solo = await IntentPredictor.load(params);
    solo.setMap(streetMap());
    const one = await solo.update(trackList(0, [a, car]), ego);
    for (let k = 0; k < RASTER_SPEC.horizonsS.length; k++) expect(one.agents[0].crossing[k].probability).toBeCloseTo(both.agents[0].crossing[k].probability, 5);
    // Track 2 dies.
    await p.update(trackList(0.1, [{ ...a, y: -6.38 }]), ego);
    expect(p.liveTrackIds()).toEqual([1]);
    for (const x of [p, solo]) await x.release();
  });

  it("handles a one-frame track and a pedestrian outside the map", async () => {
    const p = await IntentPredictor.load(params);
    p.setMap(streetMap());
    const out = await p.update(trackList(0, [{ id: 5, x: 5000, y: -4000, vx: 1 }, { id: 6, x: 40, y: -7 }]), undefined);
    for (const agent of out.agents) {
      expect(agent.crossing).toHaveLength(4);
      for (const c of agent.crossing) expect(c.probability).toBeGreaterThanOrEqual(0);
      for (const c of agent.crossing) expect(c.probability).toBeLessThanOrEqual(1);
    }
    await p.release();
  });

  it("the stack chooses the predictor by parameter; a refused model fails the frame loudly", async () => {
    const bus = new InProcessBus();
    const bad = tamperedCopy(SHIPPED_CARD, join(tmp, "node"), (c) => (c.rasterSpec.resolutionM = 0.25));
    const node = startPredictionNode(bus, { predictor: "intent_cnn_gru", intentModelCard: bad });
    await expect(settleAsyncWork(bus)).rejects.toThrow(/resolutionM: card 0.25, rasteriser 0.4/);
    node.stop();
  });

  it("runs in the closed loop, deterministically, publishing intent_cnn_gru", async () => {
    const scenario = findScenario("jaywalk-clear-view");
    const stackParams = { prediction: params };
    const predictors = new Set<string>();
    const pathCounts = { warnedWithCrossingPath: 0, warned: 0, notWarned: 0 };
    const { decisionHorizonS } = parsePredictionParams(params);
    const run = () =>
      runClosedLoop(scenario, {
        seed: 2, stackParams,
        onBus: (bus) => bus.topic("/prediction/agents").subscribe((e) => {
          predictors.add(e.message.predictor);
          for (const agent of e.message.agents) {
            if (agent.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
            if (!agent.crossingPredicted) {
              pathCounts.notWarned++;
              expect(agent.paths.map((q) => q.probability)).toEqual([1]);
              continue;
            }
            pathCounts.warned++;
            if (agent.paths.length === 1) continue; // on the road: its own motion is its path
            // Warned on the sidewalk: the crossing path first with P(decision horizon), the CV path the rest.
            const pDecision = agent.crossing.find((c) => c.horizonS === decisionHorizonS)!.probability;
            expect(agent.paths).toHaveLength(2);
            expect(agent.paths[0].probability).toBeCloseTo(pDecision, 6);
            expect(agent.paths[1].probability).toBeCloseTo(1 - pDecision, 6);
            pathCounts.warnedWithCrossingPath++;
          }
        }),
      });
    const a = await run();
    const b = await run();
    expect(predictors).toEqual(new Set(["intent_cnn_gru"]));
    expect(pathCounts.warnedWithCrossingPath).toBeGreaterThan(0);
    expect(pathCounts.notWarned).toBeGreaterThan(0);
    expect(a.frames.length).toBe(b.frames.length);
    const egoA = a.frames.map((f) => [f.vehicleState.xM, f.vehicleState.speedMps]);
    const egoB = b.frames.map((f) => [f.vehicleState.xM, f.vehicleState.speedMps]);
    expect(egoA).toEqual(egoB);
    expect(a.stageLatencies.get("prediction")?.length).toBe(a.frames.length);
  });
});
