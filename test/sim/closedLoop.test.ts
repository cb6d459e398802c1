// The whole loop end to end: world → bus → stack → log → metrics (issue "The whole loop").
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { msg, type Envelope } from "../../bus/index.ts";
import { LogReader, comparablePayload } from "../../replay/index.ts";
import { runClosedLoop, runScenarioToDir } from "../../sim/index.ts";
import { computeScenarioMetrics } from "../../sim/metrics/index.ts";
import { DEFAULT_SUITE, findScenario } from "../../sim/scenarios/index.ts";

const out = mkdtempSync(join(tmpdir(), "curb-loop-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const ZERO_NOISE = { perception: { positionNoiseSdM: 0, velocityNoiseSdMps: 0, missProbability: 0 } };

async function readAll(path: string): Promise<Envelope[]> {
  const reader = await LogReader.open(path);
  const all: Envelope[] = [];
  for await (const e of reader.messages()) all.push(e);
  await reader.close();
  return all;
}

/** The payload as logged, with the one wall-clock field (DiagnosticStatus.latency_ms) zeroed. */
function deterministicBytes(e: Envelope): string {
  return Buffer.from(comparablePayload(e)).toString("base64");
}

describe("closed loop", () => {
  it("same scenario and seed twice ⇒ identical metrics.json and identical log payloads", async () => {
    const scenario = findScenario("jaywalk-occluded");
    const a = await runScenarioToDir(scenario, 7, join(out, "a"));
    const b = await runScenarioToDir(scenario, 7, join(out, "b"));
    expect(readFileSync(join(a.dir, "metrics.json"), "utf8")).toBe(readFileSync(join(b.dir, "metrics.json"), "utf8"));
    const la = await readAll(join(a.dir, "run.mcap"));
    const lb = await readAll(join(b.dir, "run.mcap"));
    expect(la.length).toBeGreaterThan(1000);
    expect(lb.length).toBe(la.length);
    for (let i = 0; i < la.length; i++) {
      expect(lb[i].topic).toBe(la[i].topic);
      expect(lb[i].stampNs).toBe(la[i].stampNs);
      expect(deterministicBytes(lb[i])).toBe(deterministicBytes(la[i]));
    }
    // A different seed changes the run (perception noise is seeded).
    const c = await runScenarioToDir(scenario, 8, join(out, "c"));
    expect(readFileSync(join(c.dir, "metrics.json"), "utf8")).not.toBe(readFileSync(join(a.dir, "metrics.json"), "utf8"));
  });

  it("the log holds every stage's topic, in time order, and a report is written", async () => {
    const run = await runScenarioToDir(findScenario("crosswalk-crossing"), 1, join(out, "topics"));
    const reader = await LogReader.open(join(run.dir, "run.mcap"));
    const counts = reader.messageCounts();
    await reader.close();
    const frames = run.metrics.frameCount;
    for (const topic of ["/sim/ground_truth", "/perception/tracks", "/prediction/agents", "/planning/trajectory", "/vehicle/state", "/tf", "/control/command", "/viz/scene"]) {
      expect(counts.get(topic), topic).toBe(BigInt(frames));
    }
    expect(counts.get("/map")).toBe(1n);
    // perception, prediction and planning each report once per frame.
    expect(counts.get("/diagnostics")).toBe(BigInt(3 * frames));
    const log = await readAll(join(run.dir, "run.mcap"));
    for (let i = 1; i < log.length; i++) expect(log[i].stampNs >= log[i - 1].stampNs).toBe(true);
    const stages = new Set(log.filter((e) => e.topic === "/diagnostics").map((e) => (e.message as msg.DiagnosticStatus).name));
    expect([...stages].sort()).toEqual(["perception", "planning", "prediction"]);
    const html = readFileSync(join(run.dir, "report.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("crosswalk-crossing");
    // The speed plot shades why the ego slowed: here it yields at the crosswalk.
    const speedPlot = html.slice(html.indexOf('<svg id="speed-plot"'), html.indexOf("</svg>", html.indexOf('<svg id="speed-plot"')));
    expect(speedPlot).toMatch(/<rect class="band band-decision-yield"[^>]*><title>YIELD from [\d.]+ s: pedestrian \d+ waiting at the crosswalk/);
    // The report reads what prediction published each frame: a warning row per pedestrian track.
    expect(html).toContain("Prediction (cv_curb_rule)");
    const timeline = html.slice(html.indexOf('<svg id="warning-timeline"'), html.indexOf("</svg>", html.indexOf('<svg id="warning-timeline"')));
    expect(timeline.split('class="row"').length - 1).toBe(run.metrics.pedestrians.count);
  });

  it("the default suite has no pedestrian collision under zero-noise oracle perception", async () => {
    expect(DEFAULT_SUITE.length).toBeGreaterThanOrEqual(8);
    for (const scenario of DEFAULT_SUITE) {
      const run = await runClosedLoop(scenario, { seed: 1, stackParams: ZERO_NOISE });
      const m = computeScenarioMetrics({ scenario: scenario.name, durationS: scenario.durationS, frames: run.frames, streetMap: run.streetMap });
      expect(m.collisions.pedestrian, scenario.name).toBe(0);
      expect(m.collisions.other, scenario.name).toBe(0);
      expect(m.progress.progressM, scenario.name).toBeGreaterThan(100);
    }
  });

  const metricsOfStack = async (name: string, reaction: "predicted" | "reactive", slowForOcclusions: boolean) => {
    const scenario = findScenario(name);
    const run = await runClosedLoop(scenario, { seed: 1, stackParams: { ...ZERO_NOISE, planning: { pedestrianReaction: reaction, slowForOcclusions } } });
    return computeScenarioMetrics({ scenario: name, durationS: scenario.durationS, frames: run.frames, streetMap: run.streetMap });
  };

  it("prediction matters: without it the stack reacts later or hits someone", async () => {
    // Occlusion slowing off, so prediction is the only foresight.
    const metricsOf = (name: string, reaction: "predicted" | "reactive") => metricsOfStack(name, reaction, false);
    // A running child: prediction avoids a collision that a purely reactive stack cannot.
    expect((await metricsOf("running-child", "predicted")).collisions.pedestrian).toBe(0);
    expect((await metricsOf("running-child", "reactive")).collisions.pedestrian).toBeGreaterThan(0);
    // In clear view, prediction buys time: a clearly larger minimum TTC.
    const clearPredicted = (await metricsOf("jaywalk-clear-view", "predicted")).pedestrians.minTtcS!;
    const clearReactive = (await metricsOf("jaywalk-clear-view", "reactive")).pedestrians.minTtcS!;
    expect(clearPredicted).toBeGreaterThan(clearReactive + 0.5);
    // Occluded until late, the same predictor has nothing to see early: the TTC margin shrinks.
    const occluded = (await metricsOf("jaywalk-occluded", "predicted")).pedestrians.minTtcS!;
    expect(occluded).toBeLessThan(clearPredicted);
  });

  it("occlusion slowing covers what prediction cannot see: the occluded jaywalker never comes on a collision course, and a reactive stack spares the running child", async () => {
    const occludedFast = await metricsOfStack("jaywalk-occluded", "predicted", false);
    const occludedSlow = await metricsOfStack("jaywalk-occluded", "predicted", true);
    expect(occludedFast.pedestrians.minTtcS).not.toBeNull();
    expect(occludedSlow.pedestrians.minTtcS ?? Infinity).toBeGreaterThan(occludedFast.pedestrians.minTtcS! + 1);
    expect(occludedSlow.collisions.pedestrian).toBe(0);
    // It costs time: less progress in the same 20 s, but the drive goes on.
    expect(occludedSlow.progress.progressM).toBeLessThan(occludedFast.progress.progressM);
    expect(occludedSlow.progress.progressM).toBeGreaterThan(100);
    expect((await metricsOfStack("running-child", "reactive", false)).collisions.pedestrian).toBeGreaterThan(0);
    expect((await metricsOfStack("running-child", "reactive", true)).collisions.pedestrian).toBe(0);
  });

  it("at the crosswalk the ego yields from afar: no hard brake for the crosser, and the one who only stands there does not hold it", async () => {
    const scenario = findScenario("crosswalk-crossing");
    const metricsWith = async (yieldAtCrosswalks: boolean) => {
      const run = await runClosedLoop(scenario, { seed: 1, stackParams: { planning: { yieldAtCrosswalks } } });
      return computeScenarioMetrics({ scenario: scenario.name, durationS: scenario.durationS, frames: run.frames, streetMap: run.streetMap });
    };
    const late = await metricsWith(false);
    const early = await metricsWith(true);
    expect(late.comfort.hardBrakeCount).toBeGreaterThan(0);
    expect(early.comfort.hardBrakeCount).toBe(0);
    expect(early.comfort.minAccelerationMps2).toBeGreaterThan(-2.5);
    expect(early.pedestrians.minTtcS!).toBeGreaterThan(late.pedestrians.minTtcS!);
    // The pedestrian at the north end never crosses: let be after the wait timeout, the ego drives on
    // through the crosswalk (route from x = 10, crosswalk at 118–122, ego front 2.3 m ahead of its centre).
    expect(early.pedestrians.table.find((p) => p.behaviour === "STAND")!.enteredRoadTimeS).toBeNull();
    expect(early.progress.progressM).toBeGreaterThan(122 - 10);
    expect(early.progress.progressM).toBeLessThan(late.progress.progressM);
  });
});
