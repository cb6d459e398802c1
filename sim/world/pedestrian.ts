// A scripted pedestrian. Its behaviour is a small state machine over straight walking legs:
//
//   idle ──trigger──▶ approach (turn toward the curb, walk to it) ──▶ cross ──▶ after (far sidewalk)
//                                       │                      ▲
//                                       ├──▶ curb-wait (curbWaitS) ──┤
//                                       └──▶ wait (yields) ────┘
//   hesitate: approach ──▶ step-off ──▶ pause ──▶ step-back ──▶ after (near sidewalk)
//
// `idle` and `after` walk along the sidewalk in `walkDirection` (or stand). Pedestrians do not
// react to the ego unless the scenario sets `yieldsToEgo`. All chance (start, speed, trigger
// variation) is drawn once at construction from the pedestrian's own random stream.
import { create } from "@bufbuild/protobuf";
import { msg, secondsToNs } from "../../bus/index.ts";
import type { PedestrianBehaviour, PedestrianSpec } from "../scenarios/Scenario.ts";
import { type Rng, uniform } from "../random.ts";
import { type Box2, boxesOverlap } from "./geometry.ts";
import { type Street, isInCrosswalk, isOnRoad, nearestCrosswalk } from "./street.ts";

export type PedestrianPhase = "idle" | "approach" | "curb-wait" | "wait" | "cross" | "step-off" | "pause" | "step-back" | "after";

/** What a pedestrian may look at when it steps. */
export interface PedestrianContext {
  street: Street;
  /** Ego front bumper x, m (the street runs along x). */
  egoFrontXM: number;
  /** Ego rear bumper x, m. */
  egoRearXM: number;
  egoSpeedMps: number;
  /** Footprints of the ego and moving traffic: a crossing pedestrian does not walk into one (it waits). */
  vehicles: readonly Box2[];
}

/** Clearance a crossing pedestrian keeps to a vehicle footprint (ego or traffic), m. */
const VEHICLE_CLEARANCE_M = 0.3;

/** Footprint sizes, m. */
export const ADULT_SIZE = Object.freeze({ lengthM: 0.5, widthM: 0.5, heightM: 1.75 });
export const CHILD_SIZE = Object.freeze({ lengthM: 0.35, widthM: 0.35, heightM: 1.15 });

/** How far from the crosswalk edge a crosswalk crosser keeps its crossing line, m. */
const CROSSWALK_INSET_M = 0.6;
/** A yielding pedestrian waits while the moving ego is closer than max(this, its critical gap of travel), m. */
const YIELD_MIN_GAP_M = 15;
/** Critical gap of a yielding pedestrian that does not set one, s of the ego's travel. */
const DEFAULT_CRITICAL_GAP_S = 4;

const BEHAVIOUR_ENUM: Record<PedestrianBehaviour, msg.PedestrianTruth_Behaviour> = {
  "walk-along": msg.PedestrianTruth_Behaviour.WALK_ALONG,
  "cross-at-crosswalk": msg.PedestrianTruth_Behaviour.CROSS_AT_CROSSWALK,
  jaywalk: msg.PedestrianTruth_Behaviour.JAYWALK,
  stand: msg.PedestrianTruth_Behaviour.STAND,
  hesitate: msg.PedestrianTruth_Behaviour.HESITATE,
  run: msg.PedestrianTruth_Behaviour.RUN,
};

export class Pedestrian {
  readonly id: number;
  readonly spec: PedestrianSpec;
  readonly behaviour: PedestrianBehaviour;
  readonly isChild: boolean;
  readonly lengthM: number;
  readonly widthM: number;
  readonly heightM: number;
  /** Speed after per-seed variation, m/s. */
  readonly speedMps: number;
  /** Trigger after per-seed variation (undefined parts never fire). */
  readonly triggerDistanceM: number | undefined;
  readonly triggerAtNs: bigint | undefined;
  /** Planned intent: enters the road at all / outside a crosswalk. */
  readonly willCross: boolean;
  readonly willJaywalk: boolean;
  /** −1 when it starts on the south sidewalk, +1 on the north one. */
  readonly side: -1 | 1;

  x: number;
  y: number;
  yaw: number;
  vx = 0;
  vy = 0;
  phase: PedestrianPhase = "idle";
  /** Sim time of the decision to cross and of leaving the curb; 0n until it happens. */
  decisionNs = 0n;
  curbLeaveNs = 0n;

  private targetX = 0;
  private targetY = 0;
  private pauseLeftS = 0;

  constructor(id: number, spec: PedestrianSpec, rng: Rng) {
    this.id = id;
    this.spec = spec;
    this.behaviour = spec.behaviour;
    this.isChild = spec.isChild;
    const size = spec.isChild ? CHILD_SIZE : ADULT_SIZE;
    this.lengthM = size.lengthM;
    this.widthM = size.widthM;
    this.heightM = size.heightM;
    // Draw in a fixed order so each quantity has the same stream position for every seed.
    const v = spec.variation;
    const dx = uniform(rng, -1, 1) * v.startXM;
    const fSpeed = 1 + uniform(rng, -1, 1) * v.speedFraction;
    const fTrigger = 1 + uniform(rng, -1, 1) * v.triggerFraction;
    this.x = spec.start.xM + dx;
    this.y = spec.start.yM;
    this.speedMps = spec.speedMps * fSpeed;
    this.triggerDistanceM = spec.trigger?.egoDistanceM !== undefined ? spec.trigger.egoDistanceM * fTrigger : undefined;
    this.triggerAtNs = spec.trigger?.atS !== undefined ? secondsToNs(spec.trigger.atS * fTrigger) : undefined;
    this.side = spec.start.yM < 0 ? -1 : 1;
    this.willCross = spec.behaviour === "cross-at-crosswalk" || spec.behaviour === "jaywalk" || spec.behaviour === "run";
    this.willJaywalk = spec.behaviour === "jaywalk" || spec.behaviour === "run";
    this.yaw = spec.walkDirection > 0 ? 0 : spec.walkDirection < 0 ? Math.PI : -this.side * (Math.PI / 2);
  }

  footprint(): Box2 {
    return { cx: this.x, cy: this.y, yaw: this.yaw, length: this.lengthM, width: this.widthM };
  }

  /**
   * Advances from `prevNs` by `dtNs`. Movement first, then (while idle) the trigger is checked
   * against the context at the new time: a decision made in this step takes effect next step.
   */
  step(prevNs: bigint, dtNs: bigint, ctx: PedestrianContext): void {
    const dtS = Number(dtNs) / 1e9;
    const x0 = this.x;
    const y0 = this.y;
    let remaining = dtS;
    // Each pass either uses up the time or moves to another phase; bounded for safety.
    for (let guard = 0; remaining > 1e-12 && guard < 16; guard++) {
      switch (this.phase) {
        case "idle":
        case "after":
          this.walkAlong(remaining, ctx.street);
          remaining = 0;
          break;
        case "pause":
          if (this.pauseLeftS > remaining) {
            this.pauseLeftS -= remaining;
            remaining = 0;
          } else {
            remaining -= this.pauseLeftS;
            this.pauseLeftS = 0;
            this.setLeg("step-back", this.x, this.side * (ctx.street.curbYM + 1));
          }
          break;
        case "curb-wait":
          if (this.pauseLeftS > remaining) {
            this.pauseLeftS -= remaining;
            remaining = 0;
          } else {
            remaining -= this.pauseLeftS;
            this.pauseLeftS = 0;
            if (this.spec.yieldsToEgo && this.egoIsThreat(ctx)) this.phase = "wait";
            else this.leaveCurb(prevNs, dtS - remaining, ctx.street);
          }
          break;
        case "wait":
          if (this.egoIsThreat(ctx)) {
            remaining = 0;
          } else {
            this.leaveCurb(prevNs, dtS - remaining, ctx.street);
          }
          break;
        default: {
          if (this.phase === "cross" && this.walksIntoVehicle(remaining, ctx.vehicles)) {
            remaining = 0;
            break;
          }
          remaining = this.moveToTarget(remaining);
          if (remaining > 0 || (this.x === this.targetX && this.y === this.targetY)) {
            this.arrive(prevNs, dtS - remaining, ctx);
          }
        }
      }
    }
    this.vx = (this.x - x0) / dtS;
    this.vy = (this.y - y0) / dtS;
    if (Math.hypot(this.vx, this.vy) > 1e-6) this.yaw = Math.atan2(this.vy, this.vx);

    if (this.phase === "idle" && this.decisionNs === 0n && this.triggerFires(prevNs + dtNs, ctx)) {
      this.decide(prevNs + dtNs, ctx.street);
    }
  }

  /** `PedestrianTruth` for the ground-truth message. */
  truth(street: Street): msg.PedestrianTruth {
    return create(msg.PedestrianTruthSchema, {
      behaviour: BEHAVIOUR_ENUM[this.behaviour],
      willJaywalk: this.willJaywalk,
      willCross: this.willCross,
      decisionTimeNs: this.decisionNs,
      curbLeaveTimeNs: this.curbLeaveNs,
      onRoad: isOnRoad(street, this.x, this.y),
      inCrosswalk: isInCrosswalk(street, this.x, this.y),
      isChild: this.isChild,
    });
  }

  private triggerFires(nowNs: bigint, ctx: PedestrianContext): boolean {
    if (this.triggerAtNs !== undefined && nowNs >= this.triggerAtNs) return true;
    if (this.triggerDistanceM !== undefined) {
      const gap = this.x - ctx.egoFrontXM;
      if (gap >= 0 && gap <= this.triggerDistanceM) return true;
    }
    return false;
  }

  private decide(nowNs: bigint, street: Street): void {
    this.decisionNs = nowNs;
    let cx = this.x + this.approachAlongM(street);
    if (this.behaviour === "cross-at-crosswalk") {
      const [cw0, cw1] = nearestCrosswalk(street, cx);
      cx = Math.min(cw1 - CROSSWALK_INSET_M, Math.max(cw0 + CROSSWALK_INSET_M, cx));
    } else if (this.willJaywalk) {
      // A jaywalker that happens to decide at a crosswalk crosses just beside it, keeping the label honest.
      for (const [cw0, cw1] of street.crosswalkSpansXM) {
        if (cx >= cw0 - 0.5 && cx <= cw1 + 0.5) cx = cx - cw0 < cw1 - cx ? cw0 - 0.5 - this.widthM : cw1 + 0.5 + this.widthM;
      }
    }
    cx = Math.min(street.params.lengthM, Math.max(0, cx));
    // It walks to the sidewalk's edge (toes at the curb), not onto the curb line: a pedestrian waiting
    // there has not entered the road.
    this.setLeg("approach", cx, this.side * this.curbEdgeYM(street));
  }

  /**
   * How far along the street the curb point it walks to lies: half a metre ahead, or with `approachS`
   * far enough that the diagonal walk there lasts about that long (people drift toward the curb before
   * stepping off). A standing pedestrian angles away from the nearest crosswalk.
   */
  private approachAlongM(street: Street): number {
    let dir: number = this.spec.walkDirection;
    if (this.spec.approachS <= 0) return 0.5 * dir;
    if (dir === 0) {
      const cw = street.crosswalkSpansXM.length > 0 ? nearestCrosswalk(street, this.x) : undefined;
      dir = cw && this.x < (cw[0] + cw[1]) / 2 ? -1 : 1;
    }
    const pathM = this.speedMps * this.spec.approachS;
    const lateralM = Math.abs(Math.abs(this.y) - this.curbEdgeYM(street));
    return dir * Math.max(0.5 * Math.abs(this.spec.walkDirection), Math.sqrt(Math.max(0, pathM * pathM - lateralM * lateralM)));
  }

  /** |y| of its centre when standing at the curb on the sidewalk side. */
  private curbEdgeYM(street: Street): number {
    return street.curbYM + this.widthM / 2;
  }

  private arrive(prevNs: bigint, elapsedS: number, ctx: PedestrianContext): void {
    const street = ctx.street;
    switch (this.phase) {
      case "approach":
        if (this.behaviour === "hesitate") {
          this.curbLeaveNs = prevNs + secondsToNs(elapsedS);
          this.setLeg("step-off", this.x, this.side * (street.curbYM - this.spec.hesitation.stepOffM));
        } else if (this.spec.curbWaitS > 0) {
          this.phase = "curb-wait";
          this.pauseLeftS = this.spec.curbWaitS;
        } else if (this.spec.yieldsToEgo && this.egoIsThreat(ctx)) {
          this.phase = "wait";
        } else {
          this.leaveCurb(prevNs, elapsedS, street);
        }
        break;
      case "step-off":
        this.phase = "pause";
        this.pauseLeftS = this.spec.hesitation.pauseS;
        break;
      default:
        this.phase = "after";
    }
  }

  private leaveCurb(prevNs: bigint, elapsedS: number, street: Street): void {
    this.curbLeaveNs = prevNs + secondsToNs(elapsedS);
    this.setLeg("cross", this.x, -this.side * (street.curbYM + this.spec.farSidewalkOffsetM));
  }

  private setLeg(phase: PedestrianPhase, tx: number, ty: number): void {
    this.phase = phase;
    this.targetX = tx;
    this.targetY = ty;
  }

  /** Moves toward the target for up to `dtS`; returns the time left over after arriving (0 if not arrived). */
  private moveToTarget(dtS: number): number {
    const dx = this.targetX - this.x;
    const dy = this.targetY - this.y;
    const d = Math.hypot(dx, dy);
    const reach = this.speedMps * dtS;
    if (d <= reach) {
      this.x = this.targetX;
      this.y = this.targetY;
      return dtS - d / this.speedMps;
    }
    this.x += (dx / d) * reach;
    this.y += (dy / d) * reach;
    return 0;
  }

  /** True when the next `dtS` of walking would bring it within the clearance of a vehicle it is not already touching. */
  private walksIntoVehicle(dtS: number, vehicles: readonly Box2[]): boolean {
    const dx = this.targetX - this.x;
    const dy = this.targetY - this.y;
    const d = Math.hypot(dx, dy);
    if (d === 0) return false;
    const step = Math.min(d, this.speedMps * dtS);
    const pad = 2 * VEHICLE_CLEARANCE_M;
    const now: Box2 = { cx: this.x, cy: this.y, yaw: this.yaw, length: this.lengthM + pad, width: this.widthM + pad };
    const next: Box2 = { ...now, cx: this.x + (dx / d) * step, cy: this.y + (dy / d) * step };
    return vehicles.some((v) => boxesOverlap(next, v) && !boxesOverlap(now, v));
  }

  private walkAlong(dtS: number, street: Street): void {
    const dir = this.spec.walkDirection;
    if (dir === 0) return;
    this.x = Math.min(street.params.lengthM, Math.max(0, this.x + dir * this.speedMps * dtS));
  }

  private egoIsThreat(ctx: PedestrianContext): boolean {
    // Threat: the ego is moving, its rear has not yet passed, and it would arrive sooner than the gap this pedestrian accepts.
    const gap = this.x - ctx.egoFrontXM;
    return (
      ctx.egoSpeedMps > 0.3 && this.x - ctx.egoRearXM > -0.5 &&
      gap < Math.max(YIELD_MIN_GAP_M, (this.spec.criticalGapS ?? DEFAULT_CRITICAL_GAP_S) * ctx.egoSpeedMps)
    );
  }
}
