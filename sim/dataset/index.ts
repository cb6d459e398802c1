// sim/dataset offers: closed-loop runs turned into intent-model training data (BEV raster sequences,
// kinematic features, jaywalking labels per horizon), the dataset files, and the `curb dataset` command.
export * from "./collectRun.ts";
export * from "./datasetFiles.ts";
export * from "./cardDataSummary.ts";
export * from "./buildDataset.ts";
export * from "./evaluateIntent.ts";
export * from "./explainIntent.ts";
export * from "./detectionDataset.ts";
export * from "./chooseOperatingPoint.ts";
export * from "./evalIntentPage.ts";
export * from "./intentExamples.ts";
export * from "./firstSight.ts";
export * from "./stepOffLookAlikes.ts";
export * from "./collectionStack.ts";
