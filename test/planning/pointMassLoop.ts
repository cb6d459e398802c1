// A closed loop for planner tests: a point-mass ego on the eastbound centreline of the fixture street,
// objects given as a function of time, the curb-rule predictor unless told otherwise.
import { msg, secondsToNs } from "../../bus/index.ts";
import { CurbRulePredictor } from "../../prediction/index.ts";
import { Planner, type PlanningParamsInput } from "../../planning/index.ts";
import { streetMap, trackList, vehicleState, type ObjectSpec } from "../prediction/streetFixture.ts";

export interface Step {
  tS: number;
  x: number;
  v: number;
  a: number;
  trajectory: msg.Trajectory;
}

export type Predict = (tracks: msg.TrackList) => msg.AgentPredictions;

/** Closed loop with a point-mass ego on the eastbound centreline; objects given as a function of time. */
export function simulate(x0: number, v0: number, durationS: number, objects: (tS: number) => ObjectSpec[], predict?: Predict, planning?: PlanningParamsInput): Step[] {
  const map = streetMap();
  const predictor = new CurbRulePredictor();
  predictor.setMap(map);
  const predictions = predict ?? ((tracks: msg.TrackList) => predictor.update(tracks));
  const planner = new Planner(planning);
  planner.setMap(map);
  const dt = 0.1;
  let x = x0;
  let v = v0;
  const steps: Step[] = [];
  for (let k = 0; k * dt <= durationS + 1e-9; k++) {
    const tS = k * dt;
    const tracks = trackList(tS, objects(tS));
    const out = planner.update({ stampNs: secondsToNs(tS), vehicle: vehicleState(tS, x, -1.75, v), tracks, predictions: predictions(tracks) });
    const a = out.command.accelerationMps2;
    steps.push({ tS, x, v, a, trajectory: out.trajectory });
    const next = Math.max(0, v + a * dt);
    x += ((v + next) / 2) * dt;
    v = next;
  }
  return steps;
}
