// Map queries the predictor and planner need, answered on a StreetMap: is a point on the road or
// in a crosswalk, where is the nearest curb and which way is the road from it.
import type { msg } from "../bus/index.ts";
import { pointInAnyPolygon, projectOntoPolyline, type Vec2 } from "./geometry.ts";

export interface CurbQuery {
  /** Distance to the nearest curb line, m (Infinity when the map has no curbs). */
  distanceM: number;
  /** Nearest point on that curb. */
  x: number;
  y: number;
  /** Unit normal at that point pointing into the road; (0, 0) when neither side is road. */
  nx: number;
  ny: number;
}

export class StreetGeometry {
  readonly map: msg.StreetMap;
  private readonly road: Vec2[][];
  private readonly crosswalks: Vec2[][];
  private readonly curbs: Vec2[][];

  /** `probeM`: how far from a curb line to look for the road on either side, m. */
  constructor(map: msg.StreetMap, private readonly probeM = 0.3) {
    this.map = map;
    this.road = map.road.map((p) => p.points).filter((p) => p.length >= 3);
    this.crosswalks = map.crosswalks.map((p) => p.points).filter((p) => p.length >= 3);
    this.curbs = map.curbs.map((p) => p.points).filter((p) => p.length >= 2);
  }

  onRoad(x: number, y: number): boolean {
    return pointInAnyPolygon(x, y, this.road);
  }

  inCrosswalk(x: number, y: number): boolean {
    return pointInAnyPolygon(x, y, this.crosswalks);
  }

  nearestCurb(x: number, y: number): CurbQuery {
    let best: CurbQuery = { distanceM: Infinity, x, y, nx: 0, ny: 0 };
    for (const curb of this.curbs) {
      const p = projectOntoPolyline(x, y, curb);
      if (p.distanceM >= best.distanceM) continue;
      // Left normal of the curb; flip it if the road is on the right.
      let nx = -p.ty;
      let ny = p.tx;
      if (!this.onRoad(p.x + nx * this.probeM, p.y + ny * this.probeM)) {
        if (this.onRoad(p.x - nx * this.probeM, p.y - ny * this.probeM)) {
          nx = -nx;
          ny = -ny;
        } else {
          nx = 0;
          ny = 0;
        }
      }
      best = { distanceM: p.distanceM, x: p.x, y: p.y, nx, ny };
    }
    return best;
  }
}
