// A preallocated, self-describing point buffer (structure of arrays). Decoders append into it
// without allocating per point; `view()` hands out zero-copy subarrays of the filled part.

/** Field table: name, array type and meaning (units in the name where they apply). */
export const POINT_FIELDS = Object.freeze([
  { name: "x", type: "float32", doc: "metres, sensor frame: x forward (azimuth 0)" },
  { name: "y", type: "float32", doc: "metres, y left (y = −d·cos(elev)·sin(azimuth))" },
  { name: "z", type: "float32", doc: "metres, z up" },
  { name: "intensity", type: "float32", doc: "calibrated intensity, 0–255" },
  { name: "ring", type: "uint16", doc: "laser index ordered by elevation, 0 = lowest" },
  { name: "timeOffsetS", type: "float32", doc: "seconds from the time origin the caller chose" },
  { name: "distanceM", type: "float32", doc: "corrected range, metres" },
  { name: "azimuthRad", type: "float32", doc: "firing azimuth, radians, clockwise from x seen from above, [0, 2π)" },
  { name: "returnType", type: "uint8", doc: "RETURN_TYPE code" },
] as const);

export interface PointCloudView {
  readonly length: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly z: Float32Array;
  readonly intensity: Float32Array;
  readonly ring: Uint16Array;
  readonly timeOffsetS: Float32Array;
  readonly distanceM: Float32Array;
  readonly azimuthRad: Float32Array;
  readonly returnType: Uint8Array;
}

export class PointBuffer implements PointCloudView {
  readonly capacity: number;
  length = 0;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly z: Float32Array;
  readonly intensity: Float32Array;
  readonly ring: Uint16Array;
  readonly timeOffsetS: Float32Array;
  readonly distanceM: Float32Array;
  readonly azimuthRad: Float32Array;
  readonly returnType: Uint8Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`PointBuffer capacity: expected a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.x = new Float32Array(capacity);
    this.y = new Float32Array(capacity);
    this.z = new Float32Array(capacity);
    this.intensity = new Float32Array(capacity);
    this.ring = new Uint16Array(capacity);
    this.timeOffsetS = new Float32Array(capacity);
    this.distanceM = new Float32Array(capacity);
    this.azimuthRad = new Float32Array(capacity);
    this.returnType = new Uint8Array(capacity);
  }

  get remaining(): number {
    return this.capacity - this.length;
  }

  /** Forget the points (keeps the memory). */
  clear(): this {
    this.length = 0;
    return this;
  }

  /** Copy point `i` of `src` to the end of this buffer, shifting its time by `dtS`. */
  copyPointFrom(src: PointCloudView, i: number, dtS = 0): void {
    const j = this.length++;
    this.x[j] = src.x[i];
    this.y[j] = src.y[i];
    this.z[j] = src.z[i];
    this.intensity[j] = src.intensity[i];
    this.ring[j] = src.ring[i];
    this.timeOffsetS[j] = src.timeOffsetS[i] + dtS;
    this.distanceM[j] = src.distanceM[i];
    this.azimuthRad[j] = src.azimuthRad[i];
    this.returnType[j] = src.returnType[i];
  }

  /** Zero-copy views of the filled part; valid until the buffer is cleared or written again. */
  view(): PointCloudView {
    const n = this.length;
    return {
      length: n,
      x: this.x.subarray(0, n),
      y: this.y.subarray(0, n),
      z: this.z.subarray(0, n),
      intensity: this.intensity.subarray(0, n),
      ring: this.ring.subarray(0, n),
      timeOffsetS: this.timeOffsetS.subarray(0, n),
      distanceM: this.distanceM.subarray(0, n),
      azimuthRad: this.azimuthRad.subarray(0, n),
      returnType: this.returnType.subarray(0, n),
    };
  }
}
