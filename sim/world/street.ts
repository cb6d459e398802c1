// The street segment the simulator drives on: two lanes, parking strips, curbs, sidewalks, one
// marked crosswalk and a row of buildings on each side, all in the `map` frame (x east along the
// street, y north, metres). Plain data plus a few geometric queries; `streetMapMessage` turns it
// into the `/map` message the stack reads.
import { create } from "@bufbuild/protobuf";
import { msg, toTimestamp } from "../../bus/index.ts";
import { type Vec2, pointInPolygon, rectPolygon } from "./geometry.ts";

/** Geometry parameters of the street. Every length in metres; see sim/world/README.md. */
export interface StreetParams {
  /** Street length along x; the street spans x ∈ [0, lengthM]. */
  lengthM: number;
  laneWidthM: number;
  /** Parking strip between the outer lane edge and the curb (road surface). */
  parkingWidthM: number;
  sidewalkWidthM: number;
  /** Gap between the back of the sidewalk and the building fronts. */
  buildingSetbackM: number;
  buildingDepthM: number;
  /** Centre x and width (along x) of the marked crosswalk. */
  crosswalkCenterXM: number;
  crosswalkWidthM: number;
  speedLimitMps: number;
}

export const DEFAULT_STREET_PARAMS: Readonly<StreetParams> = Object.freeze({
  lengthM: 200,
  laneWidthM: 3.5,
  parkingWidthM: 2,
  sidewalkWidthM: 4,
  buildingSetbackM: 0.5,
  buildingDepthM: 12,
  crosswalkCenterXM: 120,
  crosswalkWidthM: 4,
  speedLimitMps: 13.9,
});

/** A marked crosswalk across the whole road: centre x and width along the street, m. */
export interface CrosswalkSpec {
  centerXM: number;
  widthM: number;
}

/** A building block beside the street: x extent, side, and optionally its own setback and depth, m. */
export interface BuildingSpec {
  side: "south" | "north";
  x0M: number;
  x1M: number;
  setbackM?: number;
  depthM?: number;
}

/**
 * Explicit map elements that replace the parametric defaults: `crosswalks` replaces the one
 * crosswalk at `crosswalkCenterXM`, `buildings` replaces the three blocks per side.
 */
export interface StreetLayout {
  crosswalks?: readonly CrosswalkSpec[];
  buildings?: readonly BuildingSpec[];
}

/** Lane ids in the map message. */
export const EASTBOUND_LANE_ID = 1;
export const WESTBOUND_LANE_ID = 2;

export interface Lane {
  id: number;
  /** Centreline in driving order. */
  centerline: Vec2[];
  widthM: number;
  speedLimitMps: number;
}

/** The built street: parameters, derived y-levels, and the polygons of every area. */
export interface Street {
  name: string;
  params: StreetParams;
  /** Curb (road edge) y: the road spans y ∈ [−curbYM, curbYM]. */
  curbYM: number;
  /** Outer lane edge y (lanes span y ∈ [−laneEdgeYM, laneEdgeYM]). */
  laneEdgeYM: number;
  /** Back of the sidewalk y. */
  sidewalkOuterYM: number;
  /** Centre y of the eastbound lane (negative) — the ego lane. */
  egoLaneCenterYM: number;
  /** Centre y of the south parking strip (negative); the north strip is at −this. */
  parkingCenterYM: number;
  lanes: Lane[];
  road: Vec2[][];
  sidewalks: Vec2[][];
  curbs: Vec2[][];
  crosswalks: Vec2[][];
  /** First crosswalk's x extent [x0, x1] (it spans the whole road in y). */
  crosswalkXM: [number, number];
  /** Every crosswalk's x extent, sorted by x. */
  crosswalkSpansXM: Array<[number, number]>;
  buildings: Vec2[][];
}

/** Builds the street from parameters (missing ones default to DEFAULT_STREET_PARAMS). */
export function buildStreet(params: Partial<StreetParams> = {}, name = "curb-street", layout: StreetLayout = {}): Street {
  const p: StreetParams = { ...DEFAULT_STREET_PARAMS, ...params };
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`street parameter ${k} must be a positive number, got ${v}`);
  }
  const L = p.lengthM;
  const laneEdge = p.laneWidthM;
  const curb = laneEdge + p.parkingWidthM;
  const outer = curb + p.sidewalkWidthM;
  const crosswalkSpecs = layout.crosswalks ?? [{ centerXM: p.crosswalkCenterXM, widthM: p.crosswalkWidthM }];
  if (crosswalkSpecs.length === 0) throw new Error("a street needs at least one crosswalk");
  const spans = crosswalkSpecs
    .map((c): [number, number] => [c.centerXM - c.widthM / 2, c.centerXM + c.widthM / 2])
    .sort((a, b) => a[0] - b[0]);
  for (const [cw0, cw1] of spans) {
    if (!(cw0 >= 0 && cw1 <= L && cw1 > cw0)) throw new Error(`crosswalk x ∈ [${cw0}, ${cw1}] must lie within the street [0, ${L}]`);
  }
  const buildings: Vec2[][] = [];
  if (layout.buildings) {
    for (const b of layout.buildings) {
      const front = outer + (b.setbackM ?? p.buildingSetbackM);
      const back = front + (b.depthM ?? p.buildingDepthM);
      buildings.push(b.side === "north" ? rectPolygon(b.x0M, front, b.x1M, back) : rectPolygon(b.x0M, -back, b.x1M, -front));
    }
  } else {
    const bFront = outer + p.buildingSetbackM;
    const bBack = bFront + p.buildingDepthM;
    // Three blocks per side, with 5 m alleys at a third and two thirds of the street.
    const blocks: Array<[number, number]> = [
      [0, L / 3 - 2.5],
      [L / 3 + 2.5, (2 * L) / 3 - 2.5],
      [(2 * L) / 3 + 2.5, L],
    ];
    for (const [x0, x1] of blocks) {
      buildings.push(rectPolygon(x0, bFront, x1, bBack));
      buildings.push(rectPolygon(x0, -bBack, x1, -bFront));
    }
  }
  return {
    name,
    params: p,
    curbYM: curb,
    laneEdgeYM: laneEdge,
    sidewalkOuterYM: outer,
    egoLaneCenterYM: -laneEdge / 2,
    parkingCenterYM: -(laneEdge + curb) / 2,
    lanes: [
      {
        id: EASTBOUND_LANE_ID,
        centerline: [
          { x: 0, y: -laneEdge / 2 },
          { x: L, y: -laneEdge / 2 },
        ],
        widthM: p.laneWidthM,
        speedLimitMps: p.speedLimitMps,
      },
      {
        id: WESTBOUND_LANE_ID,
        centerline: [
          { x: L, y: laneEdge / 2 },
          { x: 0, y: laneEdge / 2 },
        ],
        widthM: p.laneWidthM,
        speedLimitMps: p.speedLimitMps,
      },
    ],
    road: [rectPolygon(0, -curb, L, curb)],
    sidewalks: [rectPolygon(0, -outer, L, -curb), rectPolygon(0, curb, L, outer)],
    curbs: [
      [
        { x: 0, y: -curb },
        { x: L, y: -curb },
      ],
      [
        { x: 0, y: curb },
        { x: L, y: curb },
      ],
    ],
    crosswalks: spans.map(([x0, x1]) => rectPolygon(x0, -curb, x1, curb)),
    crosswalkXM: spans[0],
    crosswalkSpansXM: spans,
    buildings,
  };
}

/** The ego route: the eastbound lane centreline, in driving order. */
export function egoRoute(street: Street): Vec2[] {
  return street.lanes[0].centerline.map((p) => ({ ...p }));
}

/** On the drivable surface (lanes and parking strips), boundary included. */
export function isOnRoad(street: Street, x: number, y: number): boolean {
  return x >= 0 && x <= street.params.lengthM && Math.abs(y) <= street.curbYM;
}

/** Inside a marked crosswalk polygon (each spans the road from curb to curb). */
export function isInCrosswalk(street: Street, x: number, y: number): boolean {
  if (Math.abs(y) > street.curbYM) return false;
  for (const [x0, x1] of street.crosswalkSpansXM) if (x >= x0 && x <= x1) return true;
  return false;
}

/** The crosswalk span [x0, x1] nearest to x (by distance to its centre). */
export function nearestCrosswalk(street: Street, x: number): [number, number] {
  let best = street.crosswalkSpansXM[0];
  for (const s of street.crosswalkSpansXM) if (Math.abs(x - (s[0] + s[1]) / 2) < Math.abs(x - (best[0] + best[1]) / 2)) best = s;
  return best;
}

export function isOnSidewalk(street: Street, x: number, y: number): boolean {
  const a = Math.abs(y);
  return x >= 0 && x <= street.params.lengthM && a >= street.curbYM && a <= street.sidewalkOuterYM;
}

export function isInBuilding(street: Street, x: number, y: number): boolean {
  return street.buildings.some((b) => pointInPolygon(x, y, b));
}

function polyline(points: readonly Vec2[]): msg.Polyline {
  return create(msg.PolylineSchema, { points: points.map((p) => create(msg.Point2Schema, p)) });
}

function polygon(points: readonly Vec2[]): msg.Polygon {
  return create(msg.PolygonSchema, { points: points.map((p) => create(msg.Point2Schema, p)) });
}

/** The `/map` message for this street, stamped with sim time `stampNs`. */
export function streetMapMessage(street: Street, stampNs: bigint): msg.StreetMap {
  return create(msg.StreetMapSchema, {
    timestamp: toTimestamp(stampNs),
    frameId: "map",
    name: street.name,
    lanes: street.lanes.map((l) =>
      create(msg.LaneSchema, {
        id: l.id,
        centerline: polyline(l.centerline),
        widthM: l.widthM,
        speedLimitMps: l.speedLimitMps,
      }),
    ),
    sidewalks: street.sidewalks.map(polygon),
    curbs: street.curbs.map(polyline),
    crosswalks: street.crosswalks.map(polygon),
    buildings: street.buildings.map(polygon),
    road: street.road.map(polygon),
  });
}

/** The ego route as a map polyline message. */
export function egoRouteMessage(street: Street): msg.Polyline {
  return polyline(egoRoute(street));
}
