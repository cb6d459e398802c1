// Every return of a LiDAR scan with its ground truth (tests, tools, debugging): the ray in the map
// and sensor frames, the firing time, the object hit and the range before and after noise and
// quantisation. Structure of growable typed arrays; not used on the hot path unless passed to `scan`.

/** One return, as pushed by LidarModel. */
export interface LidarReturn {
  /** Global packet index (since sim time 0), block 0..11, channel 0..31, calibration laser index. */
  packet: number;
  block: number;
  channel: number;
  laser: number;
  /** Firing time, sim ns (float: sub-ns parts of the µs firing table are kept). */
  timeNs: number;
  /** Azimuth of the firing on the wire grid, 0.01° (what the decoder reports). */
  azimuth: number;
  /** Ray origin and unit direction in the map frame. */
  ox: number;
  oy: number;
  oz: number;
  dx: number;
  dy: number;
  dz: number;
  /** Unit direction in the sensor frame (Velodyne convention: x forward, y left, z up). */
  sx: number;
  sy: number;
  sz: number;
  /** True distance to the hit, m; measured (with noise, before quantisation), m; raw distance units. */
  rangeM: number;
  measuredM: number;
  raw: number;
  /** Ground-truth object id (0 = static street) and SURFACE_MATERIALS index. */
  objectId: number;
  materialCode: number;
  intensity: number;
}

const FIELDS = [
  "packet",
  "block",
  "channel",
  "laser",
  "timeNs",
  "azimuth",
  "ox",
  "oy",
  "oz",
  "dx",
  "dy",
  "dz",
  "sx",
  "sy",
  "sz",
  "rangeM",
  "measuredM",
  "raw",
  "objectId",
  "materialCode",
  "intensity",
] as const satisfies readonly (keyof LidarReturn)[];

type Field = (typeof FIELDS)[number];

export class LidarRayLog {
  length = 0;
  private capacity: number;
  private cols: Record<Field, Float64Array>;

  constructor(capacity = 1 << 16) {
    this.capacity = capacity;
    this.cols = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(capacity)])) as Record<Field, Float64Array>;
  }

  push(r: LidarReturn): void {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      for (const f of FIELDS) {
        const a = new Float64Array(this.capacity);
        a.set(this.cols[f]);
        this.cols[f] = a;
      }
    }
    const i = this.length++;
    for (const f of FIELDS) this.cols[f][i] = r[f];
  }

  /** The filled part of one column. */
  column(f: Field): Float64Array {
    return this.cols[f].subarray(0, this.length);
  }

  get(i: number): LidarReturn {
    const r = {} as LidarReturn;
    for (const f of FIELDS) r[f] = this.cols[f][i];
    return r;
  }

  clear(): void {
    this.length = 0;
  }
}
