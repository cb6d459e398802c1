// The simulator: world, scenarios, the closed loop, metrics and reports. What other folders and the CLI import.
export * from "./closedLoop.ts";
export * from "./sensorRig.ts";
export * from "./runSuite.ts";
export * from "./compareRuns.ts";
export * from "./benchmark.ts";
export * from "./simConfig.ts";
export { SUITES, findScenario, findSuite, parseScenario, type Scenario } from "./scenarios/index.ts";
export { World } from "./world/index.ts";
export * from "./random.ts";
export * from "./dataset/index.ts";
