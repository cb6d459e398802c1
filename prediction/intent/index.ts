// prediction/intent offers: the BEV raster spec and rasteriser (shared by the dataset and live
// inference), the ONNX intent predictor with its model-card check, and its bus node.
export * from "./rasterSpec.ts";
export { BevRasteriser, StaticMapRaster, PedestrianHistory, type RasterTarget } from "./bevRaster.ts";
export * from "./intentModel.ts";
export * from "./operatingPoint.ts";
export { IntentPredictor, INTENT_PREDICTOR_NAME } from "./IntentPredictor.ts";
export { startIntentPredictionNode, type IntentPredictionNode } from "./IntentPredictionNode.ts";
export { trainIntent, trainingUnavailable, PYTHON, TRAIN_SCRIPT, type TrainOptions } from "./trainCommand.ts";
export * from "./metrics.ts";
export { benchmarkIntent, type IntentBenchmarkOptions } from "./intentBenchmark.ts";
