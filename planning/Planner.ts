// Longitudinal plan: IDM toward the desired speed, behind the lead vehicle in the ego lane, behind a
// virtual stop line before every pedestrian predicted to enter the ego path and before a crosswalk
// someone waits at or walks onto, and slowed past standing vehicles that could hide a pedestrian; the
// most restrictive wins.
// Lateral: pure pursuit on the ego lane centreline.
import { msg, secondsToNs, toTimestamp } from "../bus/index.ts";
import { StreetGeometry } from "../prediction/index.ts";
import { crosswalkShapes, crosswalksOnPath, crosswalkUse, moreUrgent, type CrosswalkShape, type CrosswalkUse } from "./crosswalk.ts";
import { accAccel, idmFreeAccel, stopLineDecel } from "./idm.ts";
import { LaneFrame, selectEgoLane } from "./LaneFrame.ts";
import { occlusionAccel, occlusionPassSpeedMps, occlusionSpots } from "./occlusion.ts";
import { parsePlanningParams, type PlanningParams, type PlanningParamsInput } from "./params.ts";
import { purePursuitSteering } from "./purePursuit.ts";

const Decision = msg.Trajectory_Decision;

/** Within this of its crosswalk stop line (or stopped) the ego has arrived there: the wait timeout runs, m. */
const CROSSWALK_AT_LINE_M = 1;

/** What the planner keeps of one crosswalk on the path between cycles (see `Planner.crosswalkMemory`). */
interface CrosswalkMemory {
  held: boolean;
  users: Set<number>;
  crossed: Set<number>;
}

/** Something the ego must not run into (or pass fast), in the ego lane frame. */
export interface LaneObstacle {
  /**
   * "occlusion": the front end of a standing vehicle beside the path, passed at `occlusionPassSpeedMps`;
   * "crosswalk": the near edge of a crosswalk someone uses (`trackId` the one that matters most).
   */
  kind: "vehicle" | "pedestrian" | "occlusion" | "crosswalk";
  trackId: number;
  /** Arc length of the obstacle's near edge (vehicle rear, pedestrian conflict point, occluder front) at t = 0, m. */
  sM: number;
  /** Speed along the lane, m/s (pedestrians: 0, the stop line does not move). */
  speedMps: number;
  /** IDM standstill gap to keep, m. */
  jamGapM: number;
  /** Pedestrian already in the ego path now (rather than predicted to enter it). */
  inPathNow: boolean;
  /** A warned pedestrian yielded to after its track was lost (see lostPedestrianMemoryS). */
  outOfSight?: boolean;
  /** For a crosswalk: how `trackId` uses it. */
  crosswalkUse?: CrosswalkUse;
}

export interface PlannerInput {
  readonly stampNs: bigint;
  readonly vehicle: msg.VehicleState;
  readonly tracks: msg.TrackList | undefined;
  readonly predictions: msg.AgentPredictions | undefined;
}

export interface PlannerOutput {
  readonly trajectory: msg.Trajectory;
  readonly command: msg.ControlCommand;
  /** The obstacles considered this cycle (for debugging and tests). */
  readonly obstacles: readonly LaneObstacle[];
}

export class Planner {
  readonly params: PlanningParams;
  /** Speed at which the ego passes an occlusion spot, m/s. */
  readonly occlusionPassSpeedMps: number;
  private map: msg.StreetMap | undefined;
  private street: StreetGeometry | undefined;
  private crosswalks: CrosswalkShape[] = [];
  /**
   * Pedestrians the ego yields to on a predicted-only conflict, by track id: the conflict's arc length and
   * when the track was last seen. Kept while the conflict lasts, and for `lostPedestrianMemoryS` after the
   * track is lost (a warned pedestrian who vanishes behind a bus has not gone away).
   */
  private yieldingTo = new Map<number, { sM: number; seenNs: bigint }>();
  /**
   * Per crosswalk on the path (map index): whether the ego yields there (kept, once taken, while anyone
   * uses it), who used it last cycle (they stay at it out to the attention hysteresis), and who has been on
   * it in the path band while tracked (standing at its far end, they are done, not waiting).
   */
  private crosswalkMemory = new Map<number, CrosswalkMemory>();
  /** Pedestrians waiting at a crosswalk while the ego stands at its line: since when. */
  private crosswalkWaits = new Map<number, bigint>();
  /** Pedestrians who waited out `crosswalkWaitTimeoutS` and are taken not to cross, until they move. */
  private crosswalkDeclined = new Set<number>();

  constructor(params: PlanningParamsInput = {}) {
    this.params = parsePlanningParams(params);
    this.occlusionPassSpeedMps = occlusionPassSpeedMps(this.params);
  }

  setMap(map: msg.StreetMap): void {
    this.map = map;
    this.street = new StreetGeometry(map);
    this.crosswalks = crosswalkShapes(map.crosswalks);
    this.yieldingTo.clear();
    this.crosswalkMemory.clear();
    this.crosswalkWaits.clear();
    this.crosswalkDeclined.clear();
  }

  get hasMap(): boolean {
    return this.map !== undefined;
  }

  /** Plans one cycle. Throws if no map was set; returns a STOP plan if the map has no lane. */
  update(input: PlannerInput): PlannerOutput {
    const map = this.map;
    if (!map) throw new Error("Planner.update needs a map: call setMap first");
    const p = this.params;
    const ego = input.vehicle;
    const v = Math.max(ego.speedMps, 0);
    const lengthM = ego.lengthM > 0 ? ego.lengthM : p.egoLengthM;
    const widthM = ego.widthM > 0 ? ego.widthM : p.egoWidthM;
    const wheelbaseM = ego.wheelbaseM > 0 ? ego.wheelbaseM : p.wheelbaseM;
    const frameId = map.frameId || "map";
    const timestamp = toTimestamp(input.stampNs);

    const lane = selectEgoLane(map, ego.xM, ego.yM, ego.yawRad, p.fallbackLaneWidthM);
    if (!lane) {
      const a = v > 0 ? -p.comfortDecelMps2 : 0;
      return {
        trajectory: msg.create(msg.TrajectorySchema, { timestamp, frameId, decision: Decision.STOP, reason: "no lane in the map", accelerationMps2: a }),
        command: msg.create(msg.ControlCommandSchema, { timestamp, accelerationMps2: a, steeringAngleRad: 0 }),
        obstacles: [],
      };
    }

    const v0 = lane.lane.speedLimitMps > 0 ? lane.lane.speedLimitMps : p.fallbackSpeedLimitMps;
    const sEgo = lane.project(ego.xM, ego.yM).sM;
    const sFront = sEgo + lengthM / 2;
    // A pedestrian (or where one may appear) conflicts within the ego half width + margin of the centreline.
    const pathBandM = widthM / 2 + p.pedestrianLateralMarginM;
    const obstacles = [
      ...this.leadVehicles(lane, input.tracks, sFront),
      ...this.pedestrianConflicts(lane, input.tracks, input.predictions, sFront, pathBandM, v, input.stampNs),
      ...(p.yieldAtCrosswalks ? this.crosswalkStops(lane, input.tracks, sFront, pathBandM, v, input.stampNs) : []),
      ...(p.slowForOcclusions ? this.occluders(lane, input.tracks, sFront, pathBandM) : []),
    ];

    // Longitudinal: the most restrictive constraint at t = 0.
    const aFree = idmFreeAccel(v, v0, p);
    let a = aFree;
    let binding: LaneObstacle | undefined;
    for (const o of obstacles) {
      const ao = this.obstacleAccel(v, v0, o.sM - sFront, o);
      if (ao < a) {
        a = ao;
        binding = o;
      }
    }
    a = Math.max(a, -p.emergencyDecelMps2);
    if (v <= 0 && a < 0) a = Math.min(0, a); // hold, not reverse: the vehicle clamps speed at 0

    let decision: msg.Trajectory_Decision = Decision.GO;
    let reason = "free road: accelerating to the speed limit";
    let reasonTrackId = 0;
    let targetSpeedMps = v0;
    const binds = binding !== undefined && a < aFree - p.bindingToleranceMps2;
    if (binds && binding!.kind === "pedestrian") {
      const o = binding!;
      const ahead = (o.sM - sFront).toFixed(1);
      decision = o.inPathNow || v < p.stoppedSpeedMps ? Decision.STOP : Decision.YIELD;
      reason = o.inPathNow
        ? `pedestrian ${o.trackId} in the ego path ${ahead} m ahead: stopping ${o.jamGapM} m before`
        : `pedestrian ${o.trackId}${o.outOfSight ? " (out of sight)" : ""} predicted to enter the ego path ${ahead} m ahead: yielding`;
      reasonTrackId = o.trackId;
      targetSpeedMps = 0;
    } else if (binds && binding!.kind === "crosswalk") {
      const o = binding!;
      decision = v < p.stoppedSpeedMps ? Decision.STOP : Decision.YIELD;
      const where = o.crosswalkUse === "waiting" ? "waiting at" : o.crosswalkUse === "approaching" ? "walking onto" : "on";
      reason = `pedestrian ${o.trackId} ${where} the crosswalk ${(o.sM - sFront).toFixed(1)} m ahead: yielding, stopping ${o.jamGapM} m before it`;
      reasonTrackId = o.trackId;
      targetSpeedMps = 0;
    } else if (binds && binding!.kind === "vehicle") {
      const o = binding!;
      decision = Decision.FOLLOW;
      reason = `following vehicle ${o.trackId}, gap ${(o.sM - sFront).toFixed(1)} m at ${o.speedMps.toFixed(1)} m/s`;
      reasonTrackId = o.trackId;
      targetSpeedMps = Math.max(0, Math.min(v0, o.speedMps));
    } else if (binds && binding!.kind === "occlusion") {
      const o = binding!;
      decision = Decision.SLOW;
      targetSpeedMps = Math.min(v0, this.occlusionPassSpeedMps);
      reason = `standing vehicle ${o.trackId} could hide a pedestrian ${(o.sM - sFront).toFixed(1)} m ahead: passing at ${targetSpeedMps.toFixed(1)} m/s`;
      reasonTrackId = o.trackId;
    }
    if (a < -p.comfortDecelMps2) reason += `; hard braking ${a.toFixed(1)} m/s²`;

    const points = this.rollout(lane, ego, sEgo, sFront, v, v0, a, obstacles);

    // Lateral: pure pursuit from the rear axle (the footprint centre is assumed halfway between axles).
    const cos = Math.cos(ego.yawRad);
    const sin = Math.sin(ego.yawRad);
    const rearX = ego.xM - (cos * wheelbaseM) / 2;
    const rearY = ego.yM - (sin * wheelbaseM) / 2;
    const lookaheadM = Math.max(p.lookaheadMinM, p.lookaheadTimeS * v);
    const target = lane.pose(lane.project(rearX, rearY).sM + lookaheadM);
    let steer = purePursuitSteering(rearX, rearY, ego.yawRad, wheelbaseM, target.x, target.y);
    steer = Math.max(-p.maxSteeringRad, Math.min(p.maxSteeringRad, steer));

    return {
      trajectory: msg.create(msg.TrajectorySchema, {
        timestamp, frameId, decision, reasonTrackId, reason, targetSpeedMps, accelerationMps2: a, points,
      }),
      command: msg.create(msg.ControlCommandSchema, { timestamp, accelerationMps2: a, steeringAngleRad: steer }),
      obstacles,
    };
  }

  /**
   * IDM toward one obstacle `gapM` ahead, with a kinematic safety net for standing ones; an occlusion spot
   * asks only for its pass speed. Unclamped.
   */
  private obstacleAccel(v: number, v0: number, gapM: number, o: LaneObstacle): number {
    if (o.kind === "occlusion") return occlusionAccel(v, v0, gapM, this.occlusionPassSpeedMps, this.params);
    return accAccel(v, v0, gapM, o.speedMps, o.jamGapM, this.params);
  }

  private occluders(lane: LaneFrame, tracks: msg.TrackList | undefined, sFront: number, pathBandM: number): LaneObstacle[] {
    return occlusionSpots(lane, tracks, sFront, pathBandM, this.params).map((spot) => ({
      kind: "occlusion", trackId: spot.trackId, sM: spot.sM, speedMps: 0, jamGapM: 0, inPathNow: false,
    }));
  }

  /**
   * A stop line before each crosswalk ahead that someone waits at or walks onto (crosswalk.ts). It is taken
   * only when the ego can stop comfortably before it, then kept while anyone uses the crosswalk; a
   * pedestrian still only waiting `crosswalkWaitTimeoutS` after the ego arrived at the line is let be,
   * and one who has already crossed the ego path there does not wait for it.
   */
  private crosswalkStops(lane: LaneFrame, tracks: msg.TrackList | undefined, sFront: number, pathBandM: number, v: number, stampNs: bigint): LaneObstacle[] {
    const p = this.params;
    const stopped = v < p.stoppedSpeedMps;
    const out: LaneObstacle[] = [];
    const memory = new Map<number, CrosswalkMemory>();
    const waits = new Map<number, bigint>();
    const declined = new Set<number>();
    for (const crosswalk of crosswalksOnPath(lane, this.crosswalks, sFront, pathBandM)) {
      const before = this.crosswalkMemory.get(crosswalk.index);
      const held = before?.held ?? false;
      const stopGapM = crosswalk.sEntryM - sFront - p.crosswalkStopDistanceM;
      const atLine = held && (stopped || stopGapM <= CROSSWALK_AT_LINE_M);
      const now: CrosswalkMemory = { held: false, users: new Set<number>(), crossed: new Set<number>() };
      memory.set(crosswalk.index, now);
      let use: CrosswalkUse | undefined;
      let trackId = 0;
      for (const t of tracks?.tracks ?? []) {
        if (t.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
        const u = crosswalkUse(lane, crosswalk, t.xM, t.yM, t.vxMps, t.vyMps, pathBandM, p, before?.users.has(t.id));
        if (u === "on" || before?.crossed.has(t.id)) now.crossed.add(t.id);
        // Standing is no wait on a track's first frame (the simulator's first frame has everyone at rest),
        // nor from someone who has already crossed the ego path here.
        if (u === undefined || (u === "waiting" && (!(t.ageS > 0) || now.crossed.has(t.id)))) continue;
        now.users.add(t.id);
        if (u === "waiting") {
          if (this.crosswalkDeclined.has(t.id)) {
            declined.add(t.id);
            continue;
          }
          if (atLine) {
            const since = this.crosswalkWaits.get(t.id) ?? stampNs;
            if (stampNs - since >= secondsToNs(p.crosswalkWaitTimeoutS)) {
              declined.add(t.id);
              continue;
            }
            waits.set(t.id, since);
          }
        }
        if (moreUrgent(use, u)) {
          use = u;
          trackId = t.id;
        }
      }
      if (use === undefined) continue;
      if (!held && !this.canStopComfortably(v, stopGapM)) continue;
      now.held = true;
      out.push({ kind: "crosswalk", trackId, sM: crosswalk.sEntryM, speedMps: 0, jamGapM: p.crosswalkStopDistanceM, inPathNow: false, crosswalkUse: use });
    }
    this.crosswalkMemory = memory;
    this.crosswalkWaits = waits;
    this.crosswalkDeclined = declined;
    return out;
  }

  /** Whether the ego can stop within `stopGapM` (to a stop line) at no more than the comfortable deceleration. */
  private canStopComfortably(v: number, stopGapM: number): boolean {
    return stopGapM >= 0 && stopLineDecel(v, Math.max(stopGapM, 1e-3)) <= this.params.comfortDecelMps2;
  }

  private leadVehicles(lane: LaneFrame, tracks: msg.TrackList | undefined, sFront: number): LaneObstacle[] {
    const p = this.params;
    const out: LaneObstacle[] = [];
    let best: LaneObstacle | undefined;
    for (const t of tracks?.tracks ?? []) {
      if (t.objectClass === msg.ObjectClass.PEDESTRIAN) continue;
      const q = lane.project(t.xM, t.yM);
      if (!lane.contains(q.offsetM, p.leadLateralMarginM)) continue;
      const sRear = q.sM - t.lengthM / 2;
      if (sRear < sFront - 0.5) continue; // beside or behind
      const speedMps = t.vxMps * q.tx + t.vyMps * q.ty;
      if (!best || sRear < best.sM) {
        best = { kind: "vehicle", trackId: t.id, sM: sRear, speedMps: Math.max(0, speedMps), jamGapM: p.minGapM, inPathNow: true };
      }
    }
    if (best) out.push(best);
    return out;
  }

  private pedestrianConflicts(
    lane: LaneFrame, tracks: msg.TrackList | undefined, predictions: msg.AgentPredictions | undefined, sFront: number, pathBandM: number, v: number, stampNs: bigint,
  ): LaneObstacle[] {
    const p = this.params;
    const out: LaneObstacle[] = [];
    const agents = new Map<number, msg.AgentPrediction>();
    for (const a of predictions?.agents ?? []) agents.set(a.trackId, a);
    const minAheadM = sFront - 0.5;
    const yielding = new Map<number, { sM: number; seenNs: bigint }>();
    const seen = new Set<number>();

    for (const t of tracks?.tracks ?? []) {
      if (t.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
      seen.add(t.id);
      const agent = agents.get(t.id);
      let conflictS = Infinity;
      let inPathNow = false;

      const now = lane.project(t.xM, t.yM);
      if (now.sM > minAheadM) {
        const onRoadNear = lane.contains(now.offsetM, p.onRoadNearLaneMarginM) && (this.street?.onRoad(t.xM, t.yM) ?? false);
        if (onRoadNear || Math.abs(now.offsetM) <= pathBandM) {
          conflictS = now.sM;
          inPathNow = true;
        }
      }

      if (p.pedestrianReaction === "reactive") {
        if (inPathNow) out.push({ kind: "pedestrian", trackId: t.id, sM: conflictS, speedMps: 0, jamGapM: p.pedestrianStopDistanceM, inPathNow });
        continue;
      }
      // What the pedestrian is doing (position and velocity) may ask for any braking. What a predictor says
      // it will do beyond that (another published path, e.g. a warned pedestrian's crossing path) is a guess
      // about someone still on the sidewalk: the ego yields to it only if it can stop comfortably before the
      // conflict, and then keeps yielding while the conflict lasts. Braking part way would bring the ego to
      // the conflict later and slower, just when the pedestrian may step out.
      const horizonS = agent?.crossingPredicted ? p.crossingPathHorizonS : p.pedestrianPathHorizonS;
      let motionS = conflictS;
      this.checkPath(t.xM, t.yM, 0, t.vxMps, t.vyMps, horizonS, (x, y) => (motionS = Math.min(motionS, this.conflictAt(lane, x, y, minAheadM, pathBandM))));
      let predictedS = Infinity;
      for (const path of agent?.paths ?? []) {
        if (path.points.length === 0 || !(path.dtS > 0)) continue;
        let lastX = t.xM;
        let lastY = t.yM;
        let lastT = 0;
        let vx = t.vxMps;
        let vy = t.vyMps;
        for (let k = 0; k < path.points.length; k++) {
          const tk = (k + 1) * path.dtS;
          if (tk > p.pedestrianPathHorizonS + 1e-9) break;
          const q = path.points[k];
          vx = (q.x - lastX) / (tk - lastT);
          vy = (q.y - lastY) / (tk - lastT);
          lastX = q.x;
          lastY = q.y;
          lastT = tk;
          predictedS = Math.min(predictedS, this.conflictAt(lane, lastX, lastY, minAheadM, pathBandM));
        }
        // Extend at the path's last velocity: to the path horizon, further when a crossing is predicted.
        this.checkPath(lastX, lastY, lastT, vx, vy, horizonS, (x, y) => (predictedS = Math.min(predictedS, this.conflictAt(lane, x, y, minAheadM, pathBandM))));
      }

      if (Number.isFinite(motionS)) {
        out.push({ kind: "pedestrian", trackId: t.id, sM: motionS, speedMps: 0, jamGapM: p.pedestrianStopDistanceM, inPathNow });
      }
      if (predictedS < motionS - 1e-6) {
        const stopGapM = predictedS - sFront - p.pedestrianStopDistanceM;
        if (this.yieldingTo.has(t.id) || this.canStopComfortably(v, stopGapM)) {
          yielding.set(t.id, { sM: predictedS, seenNs: stampNs });
          out.push({ kind: "pedestrian", trackId: t.id, sM: predictedS, speedMps: 0, jamGapM: p.pedestrianStopDistanceM, inPathNow: false });
        }
      }
    }
    for (const [id, y] of this.yieldingTo) {
      if (seen.has(id) || stampNs - y.seenNs > secondsToNs(p.lostPedestrianMemoryS) || y.sM <= minAheadM) continue;
      yielding.set(id, y);
      out.push({ kind: "pedestrian", trackId: id, sM: y.sM, speedMps: 0, jamGapM: p.pedestrianStopDistanceM, inPathNow: false, outOfSight: true });
    }
    this.yieldingTo = yielding;
    return out;
  }

  /** Arc length of (x, y) when it lies ahead of the ego in the path band, else Infinity. */
  private conflictAt(lane: LaneFrame, x: number, y: number, minAheadM: number, pathBandM: number): number {
    const q = lane.project(x, y);
    return q.sM > minAheadM && Math.abs(q.offsetM) <= pathBandM ? q.sM : Infinity;
  }

  /** Calls `check` at 0.1 s steps from (x, y) at time fromS moving at (vx, vy), up to toS. */
  private checkPath(x: number, y: number, fromS: number, vx: number, vy: number, toS: number, check: (x: number, y: number) => void): void {
    for (let tk = fromS + 0.1; tk <= toS + 1e-9; tk += 0.1) check(x + vx * (tk - fromS), y + vy * (tk - fromS));
  }

  /** Point-mass rollout of the same IDM law, lead vehicles at constant speed, stop lines fixed. */
  private rollout(lane: LaneFrame, ego: msg.VehicleState, sEgo: number, sFront: number, v: number, v0: number, a0: number, obstacles: readonly LaneObstacle[]): msg.TrajectoryPoint[] {
    const p = this.params;
    const points: msg.TrajectoryPoint[] = [msg.create(msg.TrajectoryPointSchema, { tS: 0, xM: ego.xM, yM: ego.yM, yawRad: ego.yawRad, speedMps: v })];
    const n = Math.round(p.trajectoryHorizonS / p.trajectoryStepS);
    const dt = p.trajectoryStepS;
    let front = sFront;
    let speed = v;
    let a = a0;
    for (let k = 1; k <= n; k++) {
      const next = Math.max(0, speed + a * dt);
      front += ((speed + next) / 2) * dt;
      speed = next;
      const t = k * dt;
      const pose = lane.pose(sEgo + (front - sFront));
      points.push(msg.create(msg.TrajectoryPointSchema, { tS: t, xM: pose.x, yM: pose.y, yawRad: pose.headingRad, speedMps: speed }));
      a = idmFreeAccel(speed, v0, p);
      for (const o of obstacles) a = Math.min(a, this.obstacleAccel(speed, v0, o.sM + o.speedMps * t - front, o));
      a = Math.max(a, -p.emergencyDecelMps2);
    }
    return points;
  }
}
