// perception/ offers: the oracle perception stage (ground truth → detections + tracks with noise,
// misses, occlusion and delay), its bus node and its parameters.
export { OraclePerception, type PerceptionOutput } from "./OraclePerception.ts";
export { startPerceptionNode, PERCEPTION_NODE_NAME, type PerceptionNode } from "./PerceptionNode.ts";
export {
  PerceptionParamsSchema, parsePerceptionParams, type PerceptionParams, type PerceptionParamsInput,
} from "./params.ts";
