// The per-tick record the metrics and the report consume: one ground truth, one vehicle state
// (and optionally the plan) per simulator step.
import { type msg, nsToSeconds } from "../../bus/index.ts";

/** One simulator step (10 Hz in the standard sim). `tNs` is sim time, integer nanoseconds. */
export interface SimFrame {
  tNs: bigint;
  groundTruth: msg.GroundTruth;
  vehicleState: msg.VehicleState;
  trajectory?: msg.Trajectory;
  /** What prediction published during this frame (`/prediction/agents`), if anything. */
  predictions?: msg.AgentPredictions;
}

/** Seconds of `ns` after `originNs` (float64; fine for scenario-relative times). */
export function relativeSeconds(ns: bigint, originNs: bigint): number {
  return nsToSeconds(ns - originNs);
}
