// prediction/ offers: the constant-velocity + curb-rule predictor and the learned intent model (paths for every track, P(jaywalk
// within h) for pedestrians, the crossing path of a warned one), its bus node, its parameters, and pure map geometry used by planning too.
export { CurbRulePredictor, type CurbAssessment } from "./CurbRulePredictor.ts";
export { startPredictionNode, PREDICTION_NODE_NAME, type PredictionNode } from "./PredictionNode.ts";
export {
  PredictionParamsSchema, parsePredictionParams, type PredictionParams, type PredictionParamsInput,
} from "./params.ts";
export { StreetGeometry, type CurbQuery } from "./StreetGeometry.ts";
export { constantVelocityPath } from "./constantVelocityPath.ts";
export { addCrossingPath, crossingPath, type CrossingPathParams } from "./crossingPath.ts";
export * from "./geometry.ts";
export { pendingAsyncWork, registerAsyncWork, settleAsyncWork } from "./asyncWork.ts";
export * from "./intent/index.ts";
