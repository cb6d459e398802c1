// Per-scenario HTML reports: inline-SVG plots and a bird's-eye snapshot, no external assets.
export * from "./escapeHtml.ts";
export * from "./svgPlot.ts";
export * from "./bevSnapshot.ts";
export * from "./png.ts";
export * from "./bevRasterPicture.ts";
export * from "./warningTimeline.ts";
export * from "./decisionBands.ts";
export * from "./scenarioReport.ts";
export * from "./writeReport.ts";
