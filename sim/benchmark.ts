// `curb bench`: how fast the object-level closed loop runs (as a multiple of real time) and what
// each stack stage costs per frame (wall clock, percentiles). Prints JSON; tests check correctness.
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import type { StackParamsInput } from "../planning/index.ts";
import { benchmarkIntent } from "../prediction/index.ts";
import { rerunStack } from "../replay/index.ts";
import { runClosedLoop } from "./closedLoop.ts";
import type { SensorKind } from "./sensorRig.ts";
import { chromiumAvailable } from "./sensors/index.ts";
import { loadStackParams } from "./simConfig.ts";
import { fileURLToPath } from "node:url";
import { World } from "./world/index.ts";
import { findScenario, findSuite, loadScenarioFile, parseScenario, type Scenario, SENSOR_MODELS } from "./scenarios/index.ts";

/**
 * The latency budget's case (DESIGN.md): 30 pedestrians and 20 vehicles in view. Pedestrians walk
 * along both sidewalks, stand, and some jaywalk; 20 parked cars line both strips.
 */
export function crowdedStreet(): Scenario {
  const behaviours = ["walk-along", "stand", "walk-along", "jaywalk", "walk-along", "hesitate"] as const;
  return parseScenario({
    name: "crowded-street",
    description: "Benchmark load: 30 pedestrians and 20 parked cars along 200 m.",
    durationS: 20,
    ego: { xM: 10, speedMps: 11 },
    // 20 cars, none on the crosswalk (x 118–122).
    parkedCars: Array.from({ length: 20 }, (_, i) => ({ xM: (i < 10 ? 20 : 130) + 9 * (i % 10) * 0.6, side: i % 2 === 0 ? "south" : "north" })),
    pedestrians: Array.from({ length: 30 }, (_, i) => ({
      behaviour: behaviours[i % behaviours.length],
      start: { xM: 25 + 5.5 * i, yM: (i % 2 === 0 ? -1 : 1) * (6.5 + (i % 3) * 0.8) },
      speedMps: 1.2 + (i % 4) * 0.1,
      walkDirection: i % 3 === 0 ? -1 : 1,
      ...(behaviours[i % behaviours.length] === "jaywalk" || behaviours[i % behaviours.length] === "hesitate" ? { trigger: { egoDistanceM: 30 } } : {}),
    })),
  });
}

export interface LatencySummary {
  frames: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function summariseLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return { frames: sorted.length, p50Ms: r(percentile(sorted, 50)), p90Ms: r(percentile(sorted, 90)), p99Ms: r(percentile(sorted, 99)), maxMs: r(sorted[sorted.length - 1] ?? Number.NaN) };
}

const INTENT_STACK_FILE = fileURLToPath(new URL("../prediction/intent/intent-stack.yaml", import.meta.url));

/** The crowded street through the stack: whole-stack and per-stage latency per frame. */
async function crowdedStreetLatency(seed: number, stackParams: StackParamsInput) {
  const crowd = await runClosedLoop(crowdedStreet(), { seed, stackParams });
  const perFrame = crowd.frames.map((_, i) => [...crowd.stageLatencies.values()].reduce((sum, values) => sum + (values[i] ?? 0), 0));
  const objects = crowd.frames[0].groundTruth.objects;
  return {
    predictor: crowd.frames.find((f) => f.predictions)?.predictions?.predictor ?? "",
    pedestrians: objects.filter((o) => o.objectClass === 1).length,
    vehicles: objects.filter((o) => o.objectClass !== 1).length,
    realTimeFactor: Math.round((crowd.simDurationS / crowd.wallS) * 10) / 10,
    stackLatencyMs: summariseLatencies(perFrame),
    stageLatencyMs: Object.fromEntries([...crowd.stageLatencies].map(([stage, values]) => [stage, summariseLatencies(values)])),
    budgetP99Ms: 50,
  };
}

export async function runBenchmark(opts: { suite: string; seed: number }) {
  const scenarios = findSuite(opts.suite);
  const dir = mkdtempSync(join(tmpdir(), "curb-bench-"));
  const result = {
    suite: opts.suite,
    seed: opts.seed,
    node: process.version,
    withoutLog: {} as Record<string, unknown>,
    withLog: {} as Record<string, unknown>,
    stageLatencyMs: {} as Record<string, LatencySummary>,
    crowdedStreet: {} as Record<string, unknown>,
    replay: {} as Record<string, unknown>,
    withSensors: {} as Record<string, unknown>,
    crowdedStreetIntent: {} as Record<string, unknown>,
    intent: {} as Record<string, unknown>,
  };
  try {
    // Warm-up so JIT compilation is not billed to the first scenario.
    await runClosedLoop(scenarios[0], { seed: opts.seed });
    for (const withLog of [false, true]) {
      let simS = 0;
      let wallS = 0;
      let frames = 0;
      const latencies = new Map<string, number[]>();
      for (const scenario of scenarios) {
        const run = await runClosedLoop(scenario, { seed: opts.seed, logPath: withLog ? join(dir, `${scenario.name}.mcap`) : undefined });
        simS += run.simDurationS;
        wallS += run.wallS;
        frames += run.frames.length;
        for (const [stage, values] of run.stageLatencies) latencies.set(stage, [...(latencies.get(stage) ?? []), ...values]);
      }
      const summary = { scenarios: scenarios.length, frames, simSeconds: Math.round(simS * 1000) / 1000, wallSeconds: Math.round(wallS * 1000) / 1000, realTimeFactor: Math.round((simS / wallS) * 10) / 10 };
      if (withLog) result.withLog = summary;
      else {
        result.withoutLog = summary;
        for (const [stage, values] of latencies) result.stageLatencyMs[stage] = summariseLatencies(values);
      }
    }
    // Replay of recorded drives through the whole stack (budget: ≥ 10× real time).
    let replaySimS = 0;
    let replayWallS = 0;
    for (const scenario of scenarios) {
      const r = await rerunStack(join(dir, `${scenario.name}.mcap`));
      replaySimS += r.simSeconds;
      replayWallS += r.wallSeconds;
    }
    result.replay = { logs: scenarios.length, simSeconds: Math.round(replaySimS * 1000) / 1000, wallSeconds: Math.round(replayWallS * 1000) / 1000, realTimeFactor: Math.round((replaySimS / replayWallS) * 10) / 10, budget: 10 };
    // Full sensor models (issue 3): the example scenario file's rig — VLP-32C, ARS408, camera (if Chromium is here).
    const exampleFile = fileURLToPath(new URL("./scenarios/files/example.yaml", import.meta.url));
    const sensorScenario = loadScenarioFile(exampleFile, opts.seed);
    const kinds: SensorKind[] = chromiumAvailable() ? ["lidar", "radar", "camera"] : ["lidar", "radar"];
    const sensed = await runClosedLoop(sensorScenario, { seed: opts.seed, sensors: kinds, scenarioDir: dirname(exampleFile), logPath: join(dir, "sensors.mcap") });
    result.withSensors = {
      scenario: sensorScenario.name,
      sensors: sensorScenario.sensors.filter((s) => kinds.includes(SENSOR_MODELS[s.model])).map((s) => `${s.name}:${s.model}`),
      simSeconds: Math.round(sensed.simDurationS * 1000) / 1000,
      wallSeconds: Math.round(sensed.wallS * 1000) / 1000,
      realTimeFactor: Math.round((sensed.simDurationS / sensed.wallS) * 100) / 100,
      budget: 1,
    };
    // The DESIGN.md budget: perception + prediction + planning p99 under 50 ms with 30 pedestrians and
    // 20 vehicles, for the curb-rule stack and for the stack `make sim` runs (the learned intent model).
    result.crowdedStreet = await crowdedStreetLatency(opts.seed, {});
    result.crowdedStreetIntent = await crowdedStreetLatency(opts.seed, loadStackParams(INTENT_STACK_FILE));
    // The intent pipeline alone: rasterisation and streaming inference per pedestrian.
    result.intent = await benchmarkIntent(new World(findScenario("crosswalk-crossing"), opts.seed).streetMap());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
