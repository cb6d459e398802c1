// The bird's-eye raster and kinematic features of every tracked pedestrian, written into
// preallocated typed arrays. ONE implementation feeds both the dataset (sim/dataset) and live
// inference (IntentPredictor), so training and runtime inputs are identical byte for byte.
//
// Frame: centred on the pedestrian, row 0 = "ahead". Ahead is the velocity direction when the speed
// is ≥ spec.headingMinSpeedMps, otherwise the direction into the road at the nearest curb (a standing
// pedestrian "faces" the road), otherwise the track yaw. Pixel (r, c) has its centre at
//   ahead u = (S/2 − r − 0.5)·res, left v = (S/2 − c − 0.5)·res  from the pedestrian.
// Static layers (road, sidewalk, crosswalk, curb) are pre-rasterised once per map at
// spec.mapResolutionM in the map frame and sampled nearest-cell per pixel (see README: measured
// faster than polygon tests per pixel). Boxes (other agents, ego) are filled over their pixel
// bounding range only; the history channel marks the pedestrian's own past positions, newer brighter.
import { msg, fromTimestamp } from "../../bus/index.ts";
import { pointInPolygon, type Vec2 } from "../geometry.ts";
import { StreetGeometry } from "../StreetGeometry.ts";
import { RASTER_SPEC, type RasterSpec } from "./rasterSpec.ts";

const CH_ROAD = 0;
const CH_SIDEWALK = 1;
const CH_CROSSWALK = 2;
const CH_CURB = 3;
const CH_AGENTS = 4;
const CH_EGO = 5;
const CH_HISTORY = 6;
const STATIC_LAYERS = 4;

/** The static map layers (road, sidewalk, crosswalk, curb) on a regular grid in the map frame. */
export class StaticMapRaster {
  readonly x0: number;
  readonly y0: number;
  readonly nx: number;
  readonly ny: number;
  readonly resolutionM: number;
  /** STATIC_LAYERS planes of ny × nx cells, 0 or 255. */
  readonly cells: Uint8Array;

  constructor(map: msg.StreetMap, spec: RasterSpec = RASTER_SPEC) {
    const res = spec.mapResolutionM;
    const all: Vec2[] = [];
    const polys = (ps: msg.Polygon[]) => ps.map((p) => p.points).filter((p) => p.length >= 3);
    const road = polys(map.road);
    const sidewalks = polys(map.sidewalks);
    const crosswalks = polys(map.crosswalks);
    const curbs = map.curbs.map((c) => c.points).filter((c) => c.length >= 2);
    for (const group of [road, sidewalks, crosswalks, curbs]) for (const p of group) all.push(...p);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const p of all) {
      minX = Math.min(minX, p.x); minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y);
    }
    if (all.length === 0) { minX = minY = 0; maxX = maxY = 0; }
    const pad = spec.curbHalfWidthM + res;
    this.x0 = minX - pad;
    this.y0 = minY - pad;
    this.nx = Math.max(1, Math.ceil((maxX - minX + 2 * pad) / res));
    this.ny = Math.max(1, Math.ceil((maxY - minY + 2 * pad) / res));
    this.resolutionM = res;
    this.cells = new Uint8Array(STATIC_LAYERS * this.nx * this.ny);
    this.fillPolygons(CH_ROAD, road);
    this.fillPolygons(CH_SIDEWALK, sidewalks);
    this.fillPolygons(CH_CROSSWALK, crosswalks);
    for (const c of curbs) for (let i = 0; i + 1 < c.length; i++) this.fillSegment(CH_CURB, c[i], c[i + 1], spec.curbHalfWidthM);
  }

  /** Map extent test (the grid's bounding box). */
  contains(x: number, y: number): boolean {
    const ix = Math.floor((x - this.x0) / this.resolutionM);
    const iy = Math.floor((y - this.y0) / this.resolutionM);
    return ix >= 0 && iy >= 0 && ix < this.nx && iy < this.ny;
  }

  private fillPolygons(layer: number, polygons: Vec2[][]): void {
    const { nx, resolutionM: res } = this;
    const base = layer * nx * this.ny;
    for (const poly of polygons) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const p of poly) { x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y); }
      const i0 = Math.max(0, Math.floor((x0 - this.x0) / res)), i1 = Math.min(nx - 1, Math.floor((x1 - this.x0) / res));
      const j0 = Math.max(0, Math.floor((y0 - this.y0) / res)), j1 = Math.min(this.ny - 1, Math.floor((y1 - this.y0) / res));
      const rect = poly.length === 4 && isAxisRect(poly);
      for (let j = j0; j <= j1; j++) {
        const cy = this.y0 + (j + 0.5) * res;
        for (let i = i0; i <= i1; i++) {
          const cx = this.x0 + (i + 0.5) * res;
          if (rect ? cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1 : pointInPolygon(cx, cy, poly)) this.cells[base + j * nx + i] = 255;
        }
      }
    }
  }

  private fillSegment(layer: number, a: Vec2, b: Vec2, halfWidthM: number): void {
    const { nx, resolutionM: res } = this;
    const base = layer * nx * this.ny;
    const dx = b.x - a.x, dy = b.y - a.y;
    const len2 = dx * dx + dy * dy;
    const i0 = Math.max(0, Math.floor((Math.min(a.x, b.x) - halfWidthM - this.x0) / res));
    const i1 = Math.min(nx - 1, Math.floor((Math.max(a.x, b.x) + halfWidthM - this.x0) / res));
    const j0 = Math.max(0, Math.floor((Math.min(a.y, b.y) - halfWidthM - this.y0) / res));
    const j1 = Math.min(this.ny - 1, Math.floor((Math.max(a.y, b.y) + halfWidthM - this.y0) / res));
    for (let j = j0; j <= j1; j++) {
      const cy = this.y0 + (j + 0.5) * res;
      for (let i = i0; i <= i1; i++) {
        const cx = this.x0 + (i + 0.5) * res;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((cx - a.x) * dx + (cy - a.y) * dy) / len2)) : 0;
        const ex = cx - (a.x + t * dx), ey = cy - (a.y + t * dy);
        if (ex * ex + ey * ey <= halfWidthM * halfWidthM) this.cells[base + j * nx + i] = 255;
      }
    }
  }
}

function isAxisRect(p: readonly Vec2[]): boolean {
  for (let i = 0; i < 4; i++) {
    const a = p[i], b = p[(i + 1) % 4];
    if (a.x !== b.x && a.y !== b.y) return false;
  }
  return true;
}

/** Past states of one pedestrian track, newest last (a ring of spec.historyFrames entries). */
export class PedestrianHistory {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly vx: Float64Array;
  readonly vy: Float64Array;
  readonly tS: Float64Array;
  /** Valid entries (≤ capacity). */
  count = 0;
  private head = 0; // index of the next write
  /** Time the speed has been below spec.standingSpeedMps, s (not bounded by the ring). */
  standingS = 0;

  constructor(readonly capacity: number) {
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.vx = new Float64Array(capacity);
    this.vy = new Float64Array(capacity);
    this.tS = new Float64Array(capacity);
  }

  push(t: msg.Track, tS: number, standingSpeedMps: number): void {
    const prevT = this.count > 0 ? this.tS[this.at(0)] : tS;
    const i = this.head;
    this.x[i] = t.xM; this.y[i] = t.yM; this.vx[i] = t.vxMps; this.vy[i] = t.vyMps; this.tS[i] = tS;
    this.head = (i + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    this.standingS = Math.hypot(t.vxMps, t.vyMps) < standingSpeedMps ? this.standingS + (tS - prevT) : 0;
  }

  /** Ring index of the entry `age` frames back (0 = newest). */
  at(age: number): number {
    return (this.head - 1 - age + 2 * this.capacity) % this.capacity;
  }
}

/** Where to write one pedestrian's inputs. */
export interface RasterTarget {
  /** C × S × S bytes from `rasterOffset`. */
  raster: Uint8Array;
  rasterOffset: number;
  /** F floats from `featureOffset`. */
  features: Float32Array;
  featureOffset: number;
}

/**
 * Keeps the per-track histories and rasterises pedestrians. Call `update` once per frame with the
 * track list (births, deaths and history are handled here), then `rasterise` for each pedestrian index
 * it returned.
 */
export class BevRasteriser {
  readonly spec: RasterSpec;
  readonly channelStride: number;
  readonly rasterSize: number;
  private staticMap: StaticMapRaster | undefined;
  private street: StreetGeometry | undefined;
  private crosswalkCentres: Vec2[] = [];
  private readonly histories = new Map<number, PedestrianHistory>();
  private tracks: msg.Track[] = [];
  private ego: msg.VehicleState | undefined;
  /** Indices into the last track list of its pedestrians, in track-list order. */
  readonly pedestrians: number[] = [];

  constructor(spec: RasterSpec = RASTER_SPEC) {
    this.spec = spec;
    this.channelStride = spec.sizePx * spec.sizePx;
    this.rasterSize = spec.channels.length * this.channelStride;
  }

  setMap(map: msg.StreetMap): void {
    this.staticMap = new StaticMapRaster(map, this.spec);
    this.street = new StreetGeometry(map);
    this.crosswalkCentres = map.crosswalks.filter((c) => c.points.length >= 3).map((c) => {
      let x = 0, y = 0;
      for (const p of c.points) { x += p.x; y += p.y; }
      return { x: x / c.points.length, y: y / c.points.length };
    });
  }

  get hasMap(): boolean {
    return this.staticMap !== undefined;
  }

  /** Live track ids with a history (pedestrians only). */
  trackIds(): IterableIterator<number> {
    return this.histories.keys();
  }

  /**
   * Ingests one frame: appends every pedestrian's state to its history (a new id starts a new history),
   * forgets tracks that are gone, and remembers the frame for `rasterise`. Returns `this.pedestrians`.
   */
  update(tracks: msg.TrackList, ego: msg.VehicleState | undefined): readonly number[] {
    const tS = Number(fromTimestamp(tracks.timestamp)) / 1e9;
    this.tracks = tracks.tracks;
    this.ego = ego;
    this.pedestrians.length = 0;
    const alive = new Set<number>();
    for (let i = 0; i < tracks.tracks.length; i++) {
      const t = tracks.tracks[i];
      if (t.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
      alive.add(t.id);
      this.pedestrians.push(i);
      let h = this.histories.get(t.id);
      if (!h) this.histories.set(t.id, (h = new PedestrianHistory(this.spec.historyFrames)));
      h.push(t, tS, this.spec.standingSpeedMps);
    }
    for (const id of [...this.histories.keys()]) if (!alive.has(id)) this.histories.delete(id);
    return this.pedestrians;
  }

  /** Writes the raster (uint8, C×S×S) and the features of track `trackIndex` of the last update. */
  rasterise(trackIndex: number, out: RasterTarget): void {
    const spec = this.spec;
    const S = spec.sizePx;
    const res = spec.resolutionM;
    const stride = this.channelStride;
    const ped = this.tracks[trackIndex];
    const hist = this.histories.get(ped.id);
    if (!hist) throw new Error(`track ${ped.id} has no history: call update() with its track list first`);
    const raster = out.raster;
    const r0 = out.rasterOffset;
    raster.fill(0, r0, r0 + this.rasterSize);

    const px = ped.xM, py = ped.yM;
    const speed = Math.hypot(ped.vxMps, ped.vyMps);
    const curb = this.street ? this.street.nearestCurb(px, py) : { distanceM: Infinity, x: px, y: py, nx: 0, ny: 0 };
    let hx: number, hy: number;
    if (speed >= spec.headingMinSpeedMps) { hx = ped.vxMps / speed; hy = ped.vyMps / speed; }
    else if (curb.nx !== 0 || curb.ny !== 0) { hx = curb.nx; hy = curb.ny; }
    else { hx = Math.cos(ped.yawRad); hy = Math.sin(ped.yawRad); }
    const lx = -hy, ly = hx; // left of ahead

    // Static layers: world of pixel (r, c) = p + u·h + v·l, stepped incrementally.
    const sm = this.staticMap;
    const inside = sm ? sm.contains(px, py) : false;
    if (sm) {
      const inv = 1 / sm.resolutionM;
      const plane = sm.nx * sm.ny;
      const half = S / 2;
      for (let r = 0; r < S; r++) {
        const u = (half - r - 0.5) * res;
        let v = (half - 0.5) * res;
        for (let c = 0; c < S; c++, v -= res) {
          const ix = Math.floor((px + u * hx + v * lx - sm.x0) * inv);
          const iy = Math.floor((py + u * hy + v * ly - sm.y0) * inv);
          if (ix < 0 || iy < 0 || ix >= sm.nx || iy >= sm.ny) continue;
          const cell = iy * sm.nx + ix;
          const o = r0 + r * S + c;
          raster[o] = sm.cells[cell];
          raster[o + stride] = sm.cells[cell + plane];
          raster[o + 2 * stride] = sm.cells[cell + 2 * plane];
          raster[o + 3 * stride] = sm.cells[cell + 3 * plane];
        }
      }
    }

    // Other agents and the ego as filled oriented boxes.
    for (let i = 0; i < this.tracks.length; i++) {
      if (i === trackIndex) continue;
      const t = this.tracks[i];
      this.fillBox(raster, r0 + CH_AGENTS * stride, px, py, hx, hy, t.xM, t.yM, t.yawRad, t.lengthM, t.widthM);
    }
    const ego = this.ego;
    if (ego) this.fillBox(raster, r0 + CH_EGO * stride, px, py, hx, hy, ego.xM, ego.yM, ego.yawRad, ego.lengthM, ego.widthM);

    // Own past positions, the newest (current) brightest.
    const T = spec.historyFrames;
    for (let age = hist.count - 1; age >= 0; age--) {
      const k = hist.at(age);
      const dx = hist.x[k] - px, dy = hist.y[k] - py;
      const r = Math.floor(S / 2 - (dx * hx + dy * hy) / res);
      const c = Math.floor(S / 2 - (dx * lx + dy * ly) / res);
      if (r < 0 || c < 0 || r >= S || c >= S) continue;
      const value = Math.round(255 * (1 - age / T));
      const o = r0 + CH_HISTORY * stride + r * S + c;
      if (raster[o] < value) raster[o] = value;
    }

    // Kinematic features (order = spec.features).
    const f = out.features;
    let j = out.featureOffset;
    const nx = curb.nx, ny = curb.ny;
    const toward = ped.vxMps * nx + ped.vyMps * ny;
    const hasCurb = Number.isFinite(curb.distanceM);
    const onRoad = this.street ? this.street.onRoad(px, py) : false;
    const inCrosswalk = this.street ? this.street.inCrosswalk(px, py) : false;
    let cwDist = 30;
    for (const cw of this.crosswalkCentres) cwDist = Math.min(cwDist, Math.hypot(cw.x - px, cw.y - py));
    let towardDelta = 0;
    const tNowS = hist.tS[hist.at(0)];
    const back = Math.min(hist.count - 1, Math.round(0.5 * spec.rateHz));
    if (back > 0) {
      const k = hist.at(back);
      towardDelta = toward - (hist.vx[k] * nx + hist.vy[k] * ny);
    }
    let towardMean = 0;
    for (let age = 0; age < back + 1; age++) {
      const k = hist.at(age);
      towardMean += hist.vx[k] * nx + hist.vy[k] * ny;
    }
    towardMean /= back + 1;
    // The curb distance smoothed over the same window: each past position's distance, carried forward
    // to now at the mean approach speed, averaged. Tracked positions jitter by ~0.1 m, which at a
    // 0.3 m/s approach is 0.3 s of timing error; the average cuts it by √(window).
    let carried = 0;
    for (let age = 1; age < back + 1; age++) {
      const k = hist.at(age);
      carried += (px - hist.x[k]) * nx + (py - hist.y[k]) * ny - towardMean * (tNowS - hist.tS[k]);
    }
    const smoothDistanceM = curb.distanceM + carried / (back + 1);
    // When its body's edge reaches the curb (it has stepped off) at its recent pace: the quantity a 1 s
    // head has to threshold. Measured to the centre it would be late by half a body width / pace.
    const edgeDistanceM = Math.max(0, smoothDistanceM - ped.widthM / 2);
    const timeToCurb = onRoad ? 0 : hasCurb && towardMean > 0.1 ? Math.min(10, edgeDistanceM / towardMean) : 10;
    let egoAhead = 60, egoLateral = 30, egoSpeed = 0;
    if (ego) {
      const ex = px - ego.xM, ey = py - ego.yM;
      const c = Math.cos(ego.yawRad), s = Math.sin(ego.yawRad);
      egoAhead = clamp(ex * c + ey * s, -60, 60);
      egoLateral = clamp(-ex * s + ey * c, -30, 30);
      egoSpeed = ego.speedMps;
    }
    f[j++] = speed;
    f[j++] = toward;
    f[j++] = Math.abs(ped.vxMps * ny - ped.vyMps * nx);
    f[j++] = hasCurb ? clamp((onRoad ? -1 : 1) * curb.distanceM, -10, 10) : 10;
    f[j++] = Math.min(hist.standingS, 30);
    f[j++] = onRoad ? 1 : 0;
    f[j++] = inCrosswalk ? 1 : 0;
    f[j++] = cwDist;
    f[j++] = egoAhead;
    f[j++] = egoLateral;
    f[j++] = egoSpeed;
    f[j++] = towardDelta;
    f[j++] = hist.count / T;
    f[j++] = inside ? 0 : 1;
    f[j++] = towardMean;
    f[j++] = timeToCurb;
  }

  private fillBox(
    raster: Uint8Array, base: number, px: number, py: number, hx: number, hy: number,
    bx: number, by: number, yaw: number, lengthM: number, widthM: number,
  ): void {
    const S = this.spec.sizePx;
    const res = this.spec.resolutionM;
    const lx = -hy, ly = hx;
    // Box centre in raster (u ahead, v left) and its axes.
    const dx = bx - px, dy = by - py;
    const cu = dx * hx + dy * hy, cv = dx * lx + dy * ly;
    const ca = Math.cos(yaw), sa = Math.sin(yaw);
    const au = ca * hx + sa * hy, av = ca * lx + sa * ly; // box length axis in (u, v)
    const hl = lengthM / 2, hw = widthM / 2;
    const ext = Math.abs(au) * hl + Math.abs(av) * hw; // half-extent along u
    const extV = Math.abs(av) * hl + Math.abs(au) * hw;
    const rMin = Math.max(0, Math.floor(S / 2 - (cu + ext) / res));
    const rMax = Math.min(S - 1, Math.floor(S / 2 - (cu - ext) / res));
    const cMin = Math.max(0, Math.floor(S / 2 - (cv + extV) / res));
    const cMax = Math.min(S - 1, Math.floor(S / 2 - (cv - extV) / res));
    // A box smaller than a pixel still marks the pixel holding its centre.
    const rc = Math.floor(S / 2 - cu / res), cc = Math.floor(S / 2 - cv / res);
    if (rc >= 0 && cc >= 0 && rc < S && cc < S) raster[base + rc * S + cc] = 255;
    for (let r = rMin; r <= rMax; r++) {
      const u = (S / 2 - r - 0.5) * res - cu;
      for (let c = cMin; c <= cMax; c++) {
        const v = (S / 2 - c - 0.5) * res - cv;
        const along = u * au + v * av;
        const across = -u * av + v * au;
        if (along >= -hl && along <= hl && across >= -hw && across <= hw) raster[base + r * S + c] = 255;
      }
    }
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
