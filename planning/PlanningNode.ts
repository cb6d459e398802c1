// Wires Planner to the bus: /map (latched), /vehicle/state, /perception/tracks and /prediction/agents
// in; on each /prediction/agents message (the last input of a frame) /planning/trajectory,
// /control/command and /diagnostics out.
import { msg, toTimestamp, type Bus } from "../bus/index.ts";
import type { PlanningParamsInput } from "./params.ts";
import { Planner } from "./Planner.ts";

export const PLANNING_NODE_NAME = "planning";

export interface PlanningNode {
  readonly planner: Planner;
  stop(): void;
}

export function startPlanningNode(bus: Bus, params: PlanningParamsInput = {}): PlanningNode {
  const planner = new Planner(params);
  let vehicle: { state: msg.VehicleState; stampNs: bigint } | undefined;
  let tracks: msg.TrackList | undefined;
  const subs = [
    bus.topic("/map").subscribe((env) => planner.setMap(env.message)),
    bus.topic("/vehicle/state").subscribe((env) => (vehicle = { state: env.message, stampNs: env.stampNs })),
    bus.topic("/perception/tracks").subscribe((env) => (tracks = env.message)),
    bus.topic("/prediction/agents").subscribe((env) => {
      const t0 = performance.now();
      // Outputs carry the newest input time: the frame's data time, or the odometry time if newer.
      const stampNs = vehicle && vehicle.stampNs > env.stampNs ? vehicle.stampNs : env.stampNs;
      const missing = !planner.hasMap ? "/map" : !vehicle ? "/vehicle/state" : undefined;
      const out = missing ? undefined : planner.update({ stampNs, vehicle: vehicle!.state, tracks, predictions: env.message });
      const latencyMs = performance.now() - t0; // before publishing: subscribers run inside publish
      if (out) {
        bus.publish("/planning/trajectory", out.trajectory, stampNs);
        bus.publish("/control/command", out.command, stampNs);
      }
      bus.publish(
        "/diagnostics",
        msg.create(msg.DiagnosticStatusSchema, {
          timestamp: toTimestamp(stampNs),
          name: PLANNING_NODE_NAME,
          level: out ? msg.DiagnosticStatus_Level.OK : msg.DiagnosticStatus_Level.WARN,
          message: out ? `${msg.Trajectory_Decision[out.trajectory.decision]}: ${out.trajectory.reason}` : `waiting for ${missing}: no plan`,
          latencyMs,
          values: out
            ? [
                { key: "decision", value: msg.Trajectory_Decision[out.trajectory.decision] },
                { key: "acceleration_mps2", value: out.command.accelerationMps2.toFixed(3) },
                { key: "obstacles", value: String(out.obstacles.length) },
              ]
            : [],
        }),
        stampNs,
      );
    }),
  ];
  return { planner, stop: () => subs.forEach((s) => s.unsubscribe()) };
}
