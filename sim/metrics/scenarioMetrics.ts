// All safety and comfort metrics of one simulated scenario, from its frames. Pure and
// deterministic: same frames → the same object, and the same JSON text (see stableJson).
import { msg } from "../../bus/index.ts";
import { warningLeadTimeS } from "../../prediction/intent/metrics.ts";
import { type CollisionEvent, detectCollisions, egoVelocity } from "./collisions.ts";
import { DEFAULT_HARD_BRAKE_THRESHOLD_MPS2, type HardBrakeEvent, hardBrakeEvents, maxAbsJerk } from "./comfort.ts";
import { type SimFrame, relativeSeconds } from "./frame.ts";
import { boxDistance, boxFromObject, egoBox } from "./orientedBox.ts";
import { roundMetric, roundOrNull } from "./round.ts";
import { type Point2Like, type Route, makeRoute, projectOntoRoute, routeFromStreetMap } from "./route.ts";
import { stableJson } from "./stableJson.ts";
import { DEFAULT_TTC_HORIZON_S, timeToCollision } from "./timeToCollision.ts";

export const SCENARIO_METRICS_VERSION = 1;

export interface MetricsOptions {
  /** Acceleration strictly below this is hard braking, m/s². Default −4. */
  hardBrakeThresholdMps2: number;
  /** TTC look-ahead, s; a later collision counts as never. Default 10. */
  ttcHorizonS: number;
  /** The ego counts as stopped at or below this speed, m/s. Default 0.1. */
  stoppedSpeedMps: number;
  /** The route counts as completed once the ego front bumper is within this of its end (arc length), m. Default 0.5. */
  completionToleranceM: number;
}

export const DEFAULT_METRICS_OPTIONS: Readonly<MetricsOptions> = Object.freeze({
  hardBrakeThresholdMps2: DEFAULT_HARD_BRAKE_THRESHOLD_MPS2,
  ttcHorizonS: DEFAULT_TTC_HORIZON_S,
  stoppedSpeedMps: 0.1,
  completionToleranceM: 0.5,
});

export interface ScenarioMetricsInput {
  scenario: string;
  /** Scheduled scenario duration, s. */
  durationS: number;
  frames: readonly SimFrame[];
  /** Ego route in driving order (map frame). If absent, the lane of `streetMap` the ego starts in. */
  route?: readonly Point2Like[];
  streetMap?: msg.StreetMap;
  /** Time zero of every reported time. Default: the first frame's time. */
  originNs?: bigint;
  options?: Partial<MetricsOptions>;
}

/** One row per pedestrian ever present. Times in s from the origin; null = never happened / not applicable. */
export interface PedestrianMetrics {
  id: number;
  /** PedestrianTruth.Behaviour name, e.g. "JAYWALK". */
  behaviour: string;
  willCross: boolean;
  willJaywalk: boolean;
  isChild: boolean;
  /** Smallest ego-footprint to pedestrian-footprint distance, m, and when. */
  minDistanceM: number;
  minDistanceTimeS: number;
  /** Smallest constant-velocity time to collision, s; null with minTtcInfinite=true when never converging. */
  minTtcS: number | null;
  minTtcInfinite: boolean;
  minTtcTimeS: number | null;
  decisionTimeS: number | null;
  curbLeaveTimeS: number | null;
  /** First frame with on_road set. */
  enteredRoadTimeS: number | null;
  /** Ego speed ≤ stoppedSpeedMps at that frame; null if the pedestrian never entered the road. */
  egoStoppedWhenEnteredRoad: boolean | null;
  /**
   * A jaywalker that left the curb, in a run with predictions: whether `crossing_predicted` was in
   * force for its track (the same id: oracle perception keeps ground-truth ids) at the last frame
   * before it stepped off. Null otherwise.
   */
  warnedAtCurbLeave: boolean | null;
  /** How long before the step-off that warning began (its unbroken run of warned frames), s; null when not warned then. */
  warningLeadS: number | null;
  collided: boolean;
}

export interface ScenarioMetrics {
  version: number;
  scenario: string;
  durationS: number;
  frameCount: number;
  /** First and last frame times, s from the origin. */
  startTimeS: number;
  endTimeS: number;
  options: MetricsOptions;
  collisions: {
    pedestrian: number;
    other: number;
    total: number;
    firstContactTimeS: number | null;
    events: CollisionEvent[];
  };
  pedestrians: {
    count: number;
    /** Over all pedestrians; null when there were none. */
    minDistanceM: number | null;
    minDistanceTimeS: number | null;
    minDistancePedestrianId: number | null;
    minDistanceFrameIndex: number | null;
    minTtcS: number | null;
    minTtcInfinite: boolean;
    minTtcTimeS: number | null;
    minTtcPedestrianId: number | null;
    table: PedestrianMetrics[];
  };
  comfort: {
    hardBrakeCount: number;
    hardBrakeEvents: HardBrakeEvent[];
    maxAbsJerkMps3: number;
    minAccelerationMps2: number;
    maxAccelerationMps2: number;
  };
  progress: {
    /** "given", "map_lane" or "none" (then progress is the odometer distance and completion is null). */
    routeSource: string;
    routeLengthM: number | null;
    progressM: number;
    distanceTravelledM: number;
    completed: boolean;
    completionTimeS: number | null;
  };
  speed: {
    meanMps: number;
    maxMps: number;
    finalMps: number;
  };
}

interface PedAccumulator {
  id: number;
  behaviour: msg.PedestrianTruth_Behaviour;
  willCross: boolean;
  willJaywalk: boolean;
  isChild: boolean;
  minDistanceM: number;
  minDistanceTimeS: number;
  minDistanceFrameIndex: number;
  minTtcS: number;
  minTtcTimeS: number | null;
  decisionNs: bigint;
  curbLeaveNs: bigint;
  enteredRoadTimeS: number | null;
  egoStoppedWhenEnteredRoad: boolean | null;
  /** Frames with predictions while the pedestrian existed: time and whether its track was warned. */
  predictionTimesS: number[];
  warned: number[];
}

function behaviourName(b: msg.PedestrianTruth_Behaviour): string {
  return msg.PedestrianTruth_Behaviour[b] ?? "UNKNOWN";
}

/** Computes every metric of one scenario run. Throws on an empty frame list. */
export function computeScenarioMetrics(input: ScenarioMetricsInput): ScenarioMetrics {
  const { frames } = input;
  if (frames.length === 0) throw new Error(`scenario "${input.scenario}": no frames`);
  const options: MetricsOptions = { ...DEFAULT_METRICS_OPTIONS, ...input.options };
  const originNs = input.originNs ?? frames[0].tNs;
  const timeS = (ns: bigint) => relativeSeconds(ns, originNs);

  // Pedestrians: distance, TTC, road entry, labelled event times.
  const peds = new Map<number, PedAccumulator>();
  for (let fi = 0; fi < frames.length; fi++) {
    const frame = frames[fi];
    const t = timeS(frame.tNs);
    const ego = egoBox(frame.groundTruth, frame.vehicleState);
    const ev = egoVelocity(frame);
    const warnedIds = frame.predictions ? new Set(frame.predictions.agents.filter((a) => a.crossingPredicted).map((a) => a.trackId)) : undefined;
    for (const o of frame.groundTruth.objects) {
      if (o.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
      let acc = peds.get(o.id);
      if (!acc) {
        acc = {
          id: o.id,
          behaviour: msg.PedestrianTruth_Behaviour.UNKNOWN,
          willCross: false,
          willJaywalk: false,
          isChild: false,
          minDistanceM: Infinity,
          minDistanceTimeS: t,
          minDistanceFrameIndex: fi,
          minTtcS: Infinity,
          minTtcTimeS: null,
          decisionNs: 0n,
          curbLeaveNs: 0n,
          enteredRoadTimeS: null,
          egoStoppedWhenEnteredRoad: null,
          predictionTimesS: [],
          warned: [],
        };
        peds.set(o.id, acc);
      }
      if (warnedIds) {
        acc.predictionTimesS.push(t);
        acc.warned.push(warnedIds.has(o.id) ? 1 : 0);
      }
      const box = boxFromObject(o);
      const d = boxDistance(ego, box);
      if (d < acc.minDistanceM) {
        acc.minDistanceM = d;
        acc.minDistanceTimeS = t;
        acc.minDistanceFrameIndex = fi;
      }
      const ttc = timeToCollision(ego, ev, box, { vx: o.vxMps, vy: o.vyMps }, options.ttcHorizonS);
      if (ttc < acc.minTtcS) {
        acc.minTtcS = ttc;
        acc.minTtcTimeS = t;
      }
      const p = o.pedestrian;
      if (p) {
        if (p.behaviour !== msg.PedestrianTruth_Behaviour.UNKNOWN) acc.behaviour = p.behaviour;
        acc.willCross = p.willCross;
        acc.willJaywalk = p.willJaywalk;
        acc.isChild = p.isChild;
        if (acc.decisionNs === 0n && p.decisionTimeNs !== 0n) acc.decisionNs = p.decisionTimeNs;
        if (acc.curbLeaveNs === 0n && p.curbLeaveTimeNs !== 0n) acc.curbLeaveNs = p.curbLeaveTimeNs;
        if (acc.enteredRoadTimeS === null && p.onRoad) {
          acc.enteredRoadTimeS = t;
          acc.egoStoppedWhenEnteredRoad = ev.speed <= options.stoppedSpeedMps;
        }
      }
    }
  }

  const collisionEvents = detectCollisions(frames, originNs);
  const collidedIds = new Set(collisionEvents.map((c) => c.objectId));

  const table: PedestrianMetrics[] = [...peds.values()]
    .sort((a, b) => a.id - b.id)
    .map((a) => {
      const judged = a.willJaywalk && a.curbLeaveNs !== 0n && a.predictionTimesS.length > 0;
      // `warned` holds 0/1 flags, so any threshold in (0, 1] reads "warned".
      const lead = judged ? warningLeadTimeS(a.predictionTimesS, a.warned, timeS(a.curbLeaveNs), 0.5) : undefined;
      return {
        id: a.id,
        behaviour: behaviourName(a.behaviour),
        willCross: a.willCross,
        willJaywalk: a.willJaywalk,
        isChild: a.isChild,
        minDistanceM: roundMetric(a.minDistanceM),
        minDistanceTimeS: roundMetric(a.minDistanceTimeS),
        minTtcS: roundOrNull(a.minTtcS),
        minTtcInfinite: !Number.isFinite(a.minTtcS),
        minTtcTimeS: roundOrNull(a.minTtcTimeS),
        decisionTimeS: a.decisionNs === 0n ? null : roundMetric(timeS(a.decisionNs)),
        curbLeaveTimeS: a.curbLeaveNs === 0n ? null : roundMetric(timeS(a.curbLeaveNs)),
        enteredRoadTimeS: roundOrNull(a.enteredRoadTimeS),
        egoStoppedWhenEnteredRoad: a.egoStoppedWhenEnteredRoad,
        warnedAtCurbLeave: judged ? lead !== undefined : null,
        warningLeadS: lead === undefined ? null : roundMetric(lead),
        collided: collidedIds.has(a.id),
      };
    });

  // Worst pedestrian over all: smallest distance (ties → earliest, then lowest id), smallest TTC.
  let closest: PedAccumulator | null = null;
  let soonest: PedAccumulator | null = null;
  for (const a of [...peds.values()].sort((x, y) => x.id - y.id)) {
    if (
      !closest ||
      a.minDistanceM < closest.minDistanceM ||
      (a.minDistanceM === closest.minDistanceM && a.minDistanceTimeS < closest.minDistanceTimeS)
    ) {
      closest = a;
    }
    if (!soonest || a.minTtcS < soonest.minTtcS) soonest = a;
  }
  const minTtc = soonest ? soonest.minTtcS : Infinity;

  // Comfort.
  const brakes = hardBrakeEvents(frames, originNs, options.hardBrakeThresholdMps2);
  let minAcc = Infinity;
  let maxAcc = -Infinity;
  for (const f of frames) {
    minAcc = Math.min(minAcc, f.vehicleState.accelerationMps2);
    maxAcc = Math.max(maxAcc, f.vehicleState.accelerationMps2);
  }

  // Progress along the route.
  const first = egoBox(frames[0].groundTruth, frames[0].vehicleState);
  let route: Route | null = null;
  let routeSource = "none";
  if (input.route && input.route.length >= 2) {
    route = makeRoute(input.route);
    routeSource = "given";
  } else if (input.streetMap) {
    route = routeFromStreetMap(input.streetMap, first.cx, first.cy, first.yaw);
    if (route) routeSource = "map_lane";
  }
  let odometer = 0;
  let prev = first;
  let completionTimeS: number | null = null;
  let sFirst = 0;
  let sLast = 0;
  for (let i = 0; i < frames.length; i++) {
    const b = egoBox(frames[i].groundTruth, frames[i].vehicleState);
    odometer += Math.hypot(b.cx - prev.cx, b.cy - prev.cy);
    prev = b;
    if (route) {
      const s = projectOntoRoute(route, b.cx, b.cy).sM;
      if (i === 0) sFirst = s;
      sLast = s;
      // The route ends where the front bumper reaches its end (where the simulator stops too).
      if (completionTimeS === null && s + b.length / 2 >= route.lengthM - options.completionToleranceM) {
        completionTimeS = timeS(frames[i].tNs);
      }
    }
  }

  // Speed (vehicle state): time-weighted mean by the trapezoid rule.
  let integral = 0;
  let maxSpeed = -Infinity;
  for (let i = 0; i < frames.length; i++) {
    maxSpeed = Math.max(maxSpeed, frames[i].vehicleState.speedMps);
    if (i > 0) {
      const dt = relativeSeconds(frames[i].tNs, frames[i - 1].tNs);
      integral += 0.5 * (frames[i].vehicleState.speedMps + frames[i - 1].vehicleState.speedMps) * dt;
    }
  }
  const span = relativeSeconds(frames[frames.length - 1].tNs, frames[0].tNs);
  const meanSpeed = span > 0 ? integral / span : frames[0].vehicleState.speedMps;

  const pedCollisions = collisionEvents.filter((c) => c.pedestrian).length;
  return {
    version: SCENARIO_METRICS_VERSION,
    scenario: input.scenario,
    durationS: roundMetric(input.durationS),
    frameCount: frames.length,
    startTimeS: roundMetric(timeS(frames[0].tNs)),
    endTimeS: roundMetric(timeS(frames[frames.length - 1].tNs)),
    options: {
      hardBrakeThresholdMps2: options.hardBrakeThresholdMps2,
      ttcHorizonS: options.ttcHorizonS,
      stoppedSpeedMps: options.stoppedSpeedMps,
      completionToleranceM: options.completionToleranceM,
    },
    collisions: {
      pedestrian: pedCollisions,
      other: collisionEvents.length - pedCollisions,
      total: collisionEvents.length,
      firstContactTimeS: collisionEvents.length > 0 ? roundMetric(collisionEvents[0].firstContactTimeS) : null,
      events: collisionEvents.map((c) => ({
        objectId: c.objectId,
        objectClass: c.objectClass,
        pedestrian: c.pedestrian,
        parked: c.parked,
        firstContactTimeS: roundMetric(c.firstContactTimeS),
        egoSpeedMps: roundMetric(c.egoSpeedMps),
        relativeSpeedMps: roundMetric(c.relativeSpeedMps),
      })),
    },
    pedestrians: {
      count: table.length,
      minDistanceM: closest ? roundMetric(closest.minDistanceM) : null,
      minDistanceTimeS: closest ? roundMetric(closest.minDistanceTimeS) : null,
      minDistancePedestrianId: closest ? closest.id : null,
      minDistanceFrameIndex: closest ? closest.minDistanceFrameIndex : null,
      minTtcS: roundOrNull(minTtc),
      minTtcInfinite: !Number.isFinite(minTtc),
      minTtcTimeS: soonest && Number.isFinite(minTtc) ? roundOrNull(soonest.minTtcTimeS) : null,
      minTtcPedestrianId: soonest && Number.isFinite(minTtc) ? soonest.id : null,
      table,
    },
    comfort: {
      hardBrakeCount: brakes.length,
      hardBrakeEvents: brakes.map((e) => ({
        startTimeS: roundMetric(e.startTimeS),
        endTimeS: roundMetric(e.endTimeS),
        minAccelerationMps2: roundMetric(e.minAccelerationMps2),
      })),
      maxAbsJerkMps3: roundMetric(maxAbsJerk(frames)),
      minAccelerationMps2: roundMetric(minAcc),
      maxAccelerationMps2: roundMetric(maxAcc),
    },
    progress: {
      routeSource,
      routeLengthM: route ? roundMetric(route.lengthM) : null,
      progressM: roundMetric(route ? sLast - sFirst : odometer),
      distanceTravelledM: roundMetric(odometer),
      completed: completionTimeS !== null,
      completionTimeS: roundOrNull(completionTimeS),
    },
    speed: {
      meanMps: roundMetric(meanSpeed),
      maxMps: roundMetric(maxSpeed),
      finalMps: roundMetric(frames[frames.length - 1].vehicleState.speedMps),
    },
  };
}

/** Deterministic JSON text of the metrics (same run → identical string). */
export function scenarioMetricsToJson(m: ScenarioMetrics): string {
  return stableJson(m);
}
