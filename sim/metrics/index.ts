// Safety and comfort metrics of simulated scenarios, and the suite table. Pure functions of the
// recorded frames; see README.md for every definition and unit.
export * from "./frame.ts";
export * from "./round.ts";
export * from "./stableJson.ts";
export * from "./orientedBox.ts";
export * from "./timeToCollision.ts";
export * from "./collisions.ts";
export * from "./comfort.ts";
export * from "./route.ts";
export * from "./scenarioMetrics.ts";
export * from "./suiteTable.ts";
export * from "./pairedStatistics.ts";
export * from "./suiteComparison.ts";
