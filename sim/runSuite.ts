// `curb sim`: runs scenarios through the closed loop and writes, per scenario, run.mcap,
// metrics.json and report.html, plus the suite table.
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { progressBar } from "../scripts/progressBar.ts";
import { runClosedLoop } from "./closedLoop.ts";
import { makeOutputFolder } from "../replay/outputFolder.ts";
import { buildSuiteTable, computeScenarioMetrics, formatSuiteTable, type ScenarioMetrics, scenarioMetricsToJson, type SuiteRun, suiteTableToJson } from "./metrics/index.ts";
import { renderScenarioReport, writeReport } from "./report/index.ts";
import { findScenario, findSuite, loadScenarioFile, type Scenario } from "./scenarios/index.ts";
import type { SensorKind } from "./sensorRig.ts";
import { parseStackParams, readStackParamsFile } from "./simConfig.ts";
import { checkStack, type StackParamsInput } from "../planning/index.ts";

export interface SimCommandOptions {
  scenario?: string;
  suite?: string;
  /** A scenario file (YAML or JSON, sim/scenarios/README.md); a random one is drawn with `seed`. */
  scenarioFile?: string;
  sensors?: readonly SensorKind[];
  seed: number;
  out: string;
  config?: string;
}

export interface ScenarioRun {
  scenario: Scenario;
  metrics: ScenarioMetrics;
  dir: string;
}

export interface ScenarioRunOptions {
  stackParams?: StackParamsInput;
  /** Sensor kinds of the rig to simulate (wire formats through the drivers); none by default. */
  sensors?: readonly SensorKind[];
  /** Folder of the scenario file, for relative paths in it. */
  scenarioDir?: string;
  onFrame?: (tNs: bigint, durationNs: bigint) => void;
}

/** Runs one scenario and writes its log, metrics and report into `dir`. */
export async function runScenarioToDir(scenario: Scenario, seed: number, dir: string, options: ScenarioRunOptions = {}): Promise<ScenarioRun> {
  makeOutputFolder(dir, "the run");
  const run = await runClosedLoop(scenario, { ...options, seed, logPath: join(dir, "run.mcap") });
  const metrics = computeScenarioMetrics({
    scenario: scenario.name,
    durationS: scenario.durationS,
    frames: run.frames,
    streetMap: run.streetMap,
  });
  writeFileSync(join(dir, "metrics.json"), scenarioMetricsToJson(metrics));
  writeReport(
    join(dir, "report.html"),
    renderScenarioReport({ scenarioName: scenario.name, description: scenario.description, seed, metrics, frames: run.frames, streetMap: run.streetMap }),
  );
  return { scenario, metrics, dir };
}

/** Returns true when any scenario had a pedestrian collision (the exit status says so). */
export async function runSimCommand(opts: SimCommandOptions): Promise<boolean> {
  const scenarios = opts.scenarioFile
    ? [loadScenarioFile(opts.scenarioFile, opts.seed)]
    : opts.scenario
      ? [findScenario(opts.scenario)]
      : findSuite(opts.suite ?? "default");
  // Read once, before the runs: suite.json records the stack that ran, not the file as it is at the end.
  const stackFile = opts.config ? readStackParamsFile(opts.config) : {};
  const stackParams = opts.config ? parseStackParams(stackFile, `config ${opts.config}`) : {};
  await checkStack(stackParams); // a refused model stops the command before any run directory is written
  makeOutputFolder(opts.out, "the runs");
  const bar = progressBar(scenarios.length, opts.suite ? `suite ${opts.suite}` : "scenario");
  const runs: ScenarioRun[] = [];
  let current = "";
  // Ctrl-C mid-suite: say what is on disk, since the scenario being run leaves a log cut short and no metrics.
  const interrupted = (signal: NodeJS.Signals) => {
    bar.done();
    console.error(`\ninterrupted (${signal}) during ${current}: its run.mcap is cut short (curb log info says where); ${runs.length} of ${scenarios.length} scenario(s) finished in ${opts.out}; no suite table written`);
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    for (const scenario of scenarios) {
      current = scenario.name;
      const scenarioDir = opts.scenarioFile ? dirname(resolve(opts.scenarioFile)) : undefined;
      runs.push(await runScenarioToDir(scenario, opts.seed, join(opts.out, scenario.name), { stackParams, sensors: opts.sensors, scenarioDir }));
      bar.tick(scenario.name);
    }
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
  bar.done();
  const [kind, name]: [SuiteRun["kind"], string] = opts.scenarioFile
    ? ["scenario file", opts.scenarioFile]
    : opts.scenario ? ["scenario", opts.scenario] : ["suite", opts.suite ?? "default"];
  const run: SuiteRun = { kind, name, seed: opts.seed, config: opts.config ?? null, stack: stackFile };
  const table = buildSuiteTable(runs.map((r) => r.metrics), run);
  const text = formatSuiteTable(table);
  writeFileSync(join(opts.out, "suite.txt"), text);
  writeFileSync(join(opts.out, "suite.json"), suiteTableToJson(table));
  console.log(text);
  console.log(`\nwrote ${runs.length} scenario(s) to ${opts.out}: run.mcap, metrics.json, report.html each; suite.txt, suite.json`);
  const hit = runs.filter((r) => r.metrics.collisions.pedestrian > 0);
  if (hit.length) console.log(`pedestrian collision in ${hit.length} of ${runs.length} scenario(s) (${hit.map((r) => r.scenario.name).join(", ")}): exit status 1`);
  return hit.length > 0;
}
