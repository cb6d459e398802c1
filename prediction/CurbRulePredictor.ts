// Constant-velocity paths for every track, and for pedestrians P(enters the road outside a crosswalk
// within h) from the curb rule combined with the constant-velocity time to reach the road; a warned
// pedestrian also gets the crossing path.
import { msg } from "../bus/index.ts";
import { parsePredictionParams, type PredictionParams, type PredictionParamsInput } from "./params.ts";
import { type CurbQuery, StreetGeometry } from "./StreetGeometry.ts";
import { constantVelocityPath } from "./constantVelocityPath.ts";
import { addCrossingPath } from "./crossingPath.ts";

/** What the curb rule sees of one pedestrian (also useful for debugging and tests). */
export interface CurbAssessment {
  onRoad: boolean;
  inCrosswalk: boolean;
  /** Distance to the nearest curb line, m. */
  curbDistanceM: number;
  /** Velocity component toward the road at the nearest curb point, m/s (0 when unknown). */
  towardRoadMps: number;
  /** On the curb: within curbNearM of a curb line, or already on the road. */
  nearCurb: boolean;
  headingIntoRoad: boolean;
  /** Constant-velocity time until the pedestrian is on the road, s: 0 if already, Infinity if not within the search. */
  entryTimeS: number;
  /** The constant-velocity entry point (or the road just beyond the nearest curb) lies in a crosswalk. */
  entryInCrosswalk: boolean;
  /** The nearest curb point and its into-road normal. */
  curb: CurbQuery;
}

export class CurbRulePredictor {
  readonly params: PredictionParams;
  private street: StreetGeometry | undefined;
  private readonly maxHorizonS: number;

  constructor(params: PredictionParamsInput = {}) {
    this.params = parsePredictionParams(params);
    this.maxHorizonS = Math.max(...this.params.crossingHorizonsS, this.params.pathHorizonS);
  }

  /** The latest map; until one is set pedestrians get paths but no crossing probabilities. */
  setMap(map: msg.StreetMap): void {
    this.street = new StreetGeometry(map, this.params.roadSideProbeM);
  }

  get hasMap(): boolean {
    return this.street !== undefined;
  }

  update(tracks: msg.TrackList): msg.AgentPredictions {
    const p = this.params;
    const agents: msg.AgentPrediction[] = [];
    for (const t of tracks.tracks) {
      const agent = msg.create(msg.AgentPredictionSchema, {
        trackId: t.id,
        objectClass: t.objectClass,
        paths: [constantVelocityPath(t, p.pathHorizonS, p.pathStepS)],
      });
      if (t.objectClass === msg.ObjectClass.PEDESTRIAN && this.street) {
        const a = this.assess(t);
        for (const h of p.crossingHorizonsS) {
          agent.crossing.push(msg.create(msg.CrossingProbabilitySchema, { horizonS: h, probability: this.probability(a, h) }));
        }
        const decision = agent.crossing.find((c) => c.horizonS === p.decisionHorizonS)?.probability ?? 0;
        agent.crossingPredicted = decision >= p.decisionThreshold;
        if (p.crossingPath && agent.crossingPredicted && !a.onRoad) addCrossingPath(agent, t, a.curb, decision, p);
      }
      agents.push(agent);
    }
    return msg.create(msg.AgentPredictionsSchema, {
      timestamp: tracks.timestamp,
      frameId: tracks.frameId,
      predictor: p.predictorName,
      agents,
    });
  }

  /** The curb-rule features of one pedestrian track; requires a map. */
  assess(t: msg.Track): CurbAssessment {
    const street = this.street;
    if (!street) throw new Error("CurbRulePredictor.assess needs a map: call setMap first");
    const p = this.params;
    const onRoad = street.onRoad(t.xM, t.yM);
    const inCrosswalk = street.inCrosswalk(t.xM, t.yM);
    const curb = street.nearestCurb(t.xM, t.yM);
    const towardRoadMps = t.vxMps * curb.nx + t.vyMps * curb.ny;
    const nearCurb = onRoad || curb.distanceM <= p.curbNearM;
    const headingIntoRoad = towardRoadMps > p.towardRoadMinMps;

    let entryTimeS = onRoad ? 0 : Infinity;
    let entryInCrosswalk = inCrosswalk;
    if (!onRoad) {
      const steps = Math.ceil(this.maxHorizonS / p.entrySearchStepS);
      for (let k = 1; k <= steps; k++) {
        const s = k * p.entrySearchStepS;
        const x = t.xM + t.vxMps * s;
        const y = t.yM + t.vyMps * s;
        if (street.onRoad(x, y)) {
          entryTimeS = s;
          entryInCrosswalk = street.inCrosswalk(x, y);
          break;
        }
      }
      if (entryTimeS === Infinity && Number.isFinite(curb.distanceM)) {
        // No CV entry within the search: judge the road just beyond the nearest curb point.
        const probe = p.roadSideProbeM;
        entryInCrosswalk = street.inCrosswalk(curb.x + curb.nx * probe, curb.y + curb.ny * probe);
      }
    }
    return { onRoad, inCrosswalk, curbDistanceM: curb.distanceM, towardRoadMps, nearCurb, headingIntoRoad, entryTimeS, entryInCrosswalk, curb };
  }

  /** P(enters the road outside a crosswalk within horizonS) for an assessment. */
  probability(a: CurbAssessment, horizonS: number): number {
    const p = this.params;
    if (a.onRoad) return a.inCrosswalk ? p.probabilityLow : p.probabilityOnRoad;
    if (!a.headingIntoRoad || a.entryInCrosswalk) return p.probabilityLow;
    if (a.entryTimeS <= horizonS) return a.nearCurb ? p.probabilityCurbRule : p.probabilityCvOnly;
    if (a.nearCurb) return p.probabilityCurbRuleLate;
    return p.probabilityLow;
  }
}
