// planning/ offers: the IDM + pedestrian-stop planner with pure-pursuit steering, its bus node, its
// parameters, and startStack (perception + prediction + planning on one bus); the pure parts (IDM,
// lane frame, crosswalks, occlusion spots) for tests and tools.
export { Planner, type LaneObstacle, type PlannerInput, type PlannerOutput } from "./Planner.ts";
export { startPlanningNode, PLANNING_NODE_NAME, type PlanningNode } from "./PlanningNode.ts";
export { PlanningParamsSchema, parsePlanningParams, type PlanningParams, type PlanningParamsInput } from "./params.ts";
export { accAccel, idmAccel, idmFreeAccel, stopLineDecel, ACC_COOLNESS, type IdmParams } from "./idm.ts";
export { purePursuitSteering } from "./purePursuit.ts";
export { LaneFrame, selectEgoLane } from "./LaneFrame.ts";
export { crosswalkShapes, crosswalksOnPath, crosswalkUse, moreUrgent, type CrosswalkOnPath, type CrosswalkParams, type CrosswalkShape, type CrosswalkUse } from "./crosswalk.ts";
export { occlusionAccel, occlusionPassSpeedMps, occlusionSpots, type OcclusionParams, type OcclusionSpot } from "./occlusion.ts";
export { checkStack, startStack, STACK_NODE_NAMES, StackParamsSchema, type Stack, type StackParams, type StackParamsInput } from "./startStack.ts";
