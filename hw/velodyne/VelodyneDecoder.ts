// Velodyne data packet → points, written straight into a preallocated PointBuffer.
//
// Frame (same as ros-drivers velodyne_pointcloud, nebula and foxglove/velodyne-cloud): x forward
// (azimuth 0), y left, z up; x = d·cos(el)·cos(az), y = −d·cos(el)·sin(az), z = d·sin(el), where
// az is the sensor's azimuth, which grows clockwise seen from above. Angles are handled on the
// wire grid of 0.01°, exactly like the C++ drivers, so a decoded point agrees with theirs.

import { err, lengthMessage, ok, type DecodeError, type Result } from "../result.ts";
import type { VelodyneCalibration } from "./calibration.ts";
import {
  AZIMUTH_UNITS,
  BLOCK_FLAG,
  MODEL_SPECS,
  RETURN_TYPE,
  VELODYNE_PACKET,
  modelForProductId,
  returnModeName,
  type ModelSpec,
  type ReturnModeName,
  type VelodyneModel,
} from "./constants.ts";
import type { PointBuffer } from "./PointBuffer.ts";
import { productName } from "./packet.ts";

/**
 * How the azimuth of each return is found:
 * - "timing": from its own firing time, interpolated between this firing group's azimuth and the
 *   next group's (the last group reuses the previous step). Physically right; the default.
 * - "none": every return of a block gets the block azimuth (ros-drivers' generic path,
 *   foxglove/velodyne-cloud for HDL-32E / VLP-32C / HDL-64E).
 * - "nebula": VLP-16 only, reproduces tier4/nebula's vlp16_decoder.cpp bit for bit, including its
 *   quirks in dual mode (the second block of a pair takes the next pair's azimuth without
 *   interpolation; the last pair is not interpolated) and its block-level angle filter. Other
 *   models fall back to "timing". Use it to compare against nebula output.
 */
export type AzimuthInterpolation = "timing" | "none" | "nebula";

export interface VelodyneDecoderOptions {
  readonly calibration: VelodyneCalibration;
  /** Sensor model from configuration. When set it wins over the packet's product id byte. */
  readonly model?: VelodyneModel;
  /** Return mode from configuration; wins over the packet byte (needed for HDL-64E). */
  readonly returnMode?: ReturnModeName;
  /** Range filter, metres, inclusive. Defaults: the model's usable range. */
  readonly minRangeM?: number;
  readonly maxRangeM?: number;
  /** Azimuth filter on the corrected azimuth, degrees, inclusive; min > max wraps through 0. Default: all. */
  readonly minAngleDeg?: number;
  readonly maxAngleDeg?: number;
  readonly interpolation?: AzimuthInterpolation;
  /** Called once per distinct condition (e.g. model override); never per packet. */
  readonly onWarning?: (message: string) => void;
}

export type VelodyneErrorCode =
  | "length"
  | "unknown-model"
  | "return-mode"
  | "block-flag"
  | "azimuth"
  | "calibration"
  | "buffer-full";
export type VelodyneDecodeError = DecodeError<VelodyneErrorCode>;

export interface DecodedPacketInfo {
  /** Points appended to the buffer by this packet. */
  readonly points: number;
  readonly model: VelodyneModel;
  readonly returnMode: ReturnModeName;
  readonly productId: number;
  /** µs since the top of the hour (packet bytes 1200–1203). */
  readonly gpsTimestampUs: number;
  /** Raw azimuth of block 0, 0.01° units. */
  readonly firstAzimuth: number;
}

export const MAX_POINTS_PER_PACKET = VELODYNE_PACKET.BLOCKS * VELODYNE_PACKET.CHANNELS_PER_BLOCK;

/** Largest believable azimuth step between two firing groups of one packet (0.01°): 10°. */
const MAX_GROUP_STEP = 1000;

const f32 = Math.fround;

/** Per model and return mode: which block groups share an azimuth and when each laser fires. */
interface Layout {
  readonly spec: ModelSpec;
  readonly dual: boolean;
  /** Blocks carrying data (VLS-128 dual uses 8 of 12). */
  readonly blocksUsed: number;
  /** Blocks sharing one azimuth. */
  readonly groupBlocks: number;
  /** Dual mode: distance between a block and its partner (the other return of the same firings). */
  readonly partner: number;
  /** Firing time inside the group, µs, float32 as the C++ drivers compute it; index = bank·32 + channel. */
  readonly fireUs: Float32Array;
  /** Group duration (µs, float32) used to turn a firing time into a fraction of the azimuth step. */
  readonly groupUs: number;
  /** Start time of each block's group inside the packet, µs. */
  readonly blockUs: Float64Array;
  /** Laser index (within the bank) of each channel slot. */
  readonly laserOfChannel: Uint8Array;
  readonly allowedFlags: readonly number[];
}

function buildLayout(spec: ModelSpec, dual: boolean): Layout {
  const single = spec.blocksPerGroup;
  const vlsDual = spec.model === "VLS128" && dual;
  const groupBlocks = vlsDual ? 8 : dual ? single * 2 : single;
  const blocksUsed = vlsDual ? 8 : VELODYNE_PACKET.BLOCKS;
  const groupUs = f32(spec.sequencesPerBlock * spec.sequenceUs);
  const fireUs = new Float32Array(128);
  const laserOfChannel = new Uint8Array(32);
  for (let slot = 0; slot < 128; slot++) {
    const j = slot & 31;
    let t: number;
    if (spec.model === "VLP16") {
      const firing = j >> 4;
      const dsr = j & 15;
      t = f32(f32(dsr * f32(spec.firingUs)) + f32(firing * f32(spec.sequenceUs)));
    } else if (spec.model === "VLS128") {
      const fo = slot >> 3; // eight lasers fire at once
      t = f32(f32(spec.firingUs) * (fo + (fo >> 3))); // +1 slot of maintenance after group 8
    } else {
      t = f32(Math.floor(j / spec.simultaneous) * f32(spec.firingUs));
    }
    fireUs[slot] = t;
  }
  for (let j = 0; j < 32; j++) laserOfChannel[j] = spec.model === "VLP16" ? j & 15 : j;
  const blockUs = new Float64Array(VELODYNE_PACKET.BLOCKS);
  for (let b = 0; b < VELODYNE_PACKET.BLOCKS; b++) blockUs[b] = Math.floor(b / groupBlocks) * spec.sequencesPerBlock * spec.sequenceUs;
  const allowedFlags =
    spec.model === "VLS128"
      ? [BLOCK_FLAG.BANK_0, BLOCK_FLAG.BANK_1, BLOCK_FLAG.BANK_2, BLOCK_FLAG.BANK_3]
      : spec.model === "HDL64E"
        ? [BLOCK_FLAG.BANK_0, BLOCK_FLAG.BANK_1]
        : [BLOCK_FLAG.BANK_0];
  return { spec, dual, blocksUsed, groupBlocks, partner: single, fireUs, groupUs, blockUs, laserOfChannel, allowedFlags };
}

// Azimuth tables on the 0.01° grid (double precision; xyz is stored as float32 at the end).
const COS_TABLE = new Float64Array(AZIMUTH_UNITS);
const SIN_TABLE = new Float64Array(AZIMUTH_UNITS);
const RAD_TABLE = new Float32Array(AZIMUTH_UNITS);
for (let i = 0; i < AZIMUTH_UNITS; i++) {
  const a = (i * Math.PI) / 18000;
  COS_TABLE[i] = Math.cos(a);
  SIN_TABLE[i] = Math.sin(a);
  RAD_TABLE[i] = a;
}

function bankOrigin(flag: number): number {
  switch (flag) {
    case BLOCK_FLAG.BANK_1:
      return 32;
    case BLOCK_FLAG.BANK_2:
      return 64;
    case BLOCK_FLAG.BANK_3:
      return 96;
    default:
      return 0;
  }
}

export class VelodyneDecoder {
  readonly options: VelodyneDecoderOptions;
  readonly calibration: VelodyneCalibration;
  private readonly layouts = new Map<string, Layout>();
  private readonly warned = new Set<string>();
  /** Warnings raised so far (each once). */
  readonly warnings: string[] = [];
  // Per-packet scratch (no allocation per packet beyond the small result object).
  private readonly rot = new Int32Array(VELODYNE_PACKET.BLOCKS);
  private readonly azBase = new Float64Array(VELODYNE_PACKET.BLOCKS);
  private readonly azStep = new Float64Array(VELODYNE_PACKET.BLOCKS);
  private readonly origin = new Int32Array(VELODYNE_PACKET.BLOCKS);
  private readonly blockInRange = new Uint8Array(VELODYNE_PACKET.BLOCKS);
  private readonly minAngle: number;
  private readonly maxAngle: number;

  constructor(options: VelodyneDecoderOptions) {
    this.options = options;
    this.calibration = options.calibration;
    this.minAngle = Math.round((options.minAngleDeg ?? 0) * 100);
    this.maxAngle = Math.round((options.maxAngleDeg ?? 360) * 100);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push(message);
    this.options.onWarning?.(message);
  }

  private layout(model: VelodyneModel, dual: boolean): Layout {
    const key = model + (dual ? ":dual" : ":single");
    let l = this.layouts.get(key);
    if (!l) {
      l = buildLayout(MODEL_SPECS[model], dual);
      this.layouts.set(key, l);
    }
    return l;
  }

  private angleOk(a: number): boolean {
    const lo = this.minAngle;
    const hi = this.maxAngle;
    return lo <= hi ? a >= lo && a <= hi : a >= lo || a <= hi;
  }

  /**
   * Decode one 1206-byte data packet, appending its points to `out`.
   * @param timeOffsetS added to every point's time offset (e.g. packet time − scan time, seconds);
   *   the decoder itself only knows firing times relative to the packet timestamp.
   */
  decodePacket(packet: Uint8Array, out: PointBuffer, timeOffsetS = 0): Result<DecodedPacketInfo, VelodyneDecodeError> {
    if (packet.byteLength !== VELODYNE_PACKET.SIZE) {
      return err({ code: "length", message: lengthMessage("Velodyne data packet", VELODYNE_PACKET.SIZE, packet.byteLength) });
    }
    const opts = this.options;
    const productId = packet[VELODYNE_PACKET.PRODUCT_ID_OFFSET];
    const packetModel = modelForProductId(productId);
    let model: VelodyneModel;
    if (opts.model !== undefined) {
      model = opts.model;
      if (packetModel !== model) {
        this.warnOnce(
          `model:${productId}`,
          `Velodyne: configuration says ${model}, packet product id 0x${productId.toString(16)} says ${productName(productId)}; decoding as ${model}`,
        );
      }
    } else if (packetModel !== undefined) {
      model = packetModel;
    } else {
      return err({
        code: "unknown-model",
        message: `Velodyne data packet: product id 0x${productId.toString(16)} is not a known model and no model is configured`,
      });
    }
    const modeByte = packet[VELODYNE_PACKET.RETURN_MODE_OFFSET];
    let returnMode = returnModeName(modeByte);
    if (opts.returnMode !== undefined) {
      if (returnMode !== undefined && returnMode !== opts.returnMode) {
        this.warnOnce(`mode:${modeByte}`, `Velodyne: configuration says ${opts.returnMode} return, packet says ${returnMode}; using ${opts.returnMode}`);
      }
      returnMode = opts.returnMode;
    } else if (returnMode === undefined) {
      return err({
        code: "return-mode",
        message: `Velodyne data packet: return mode byte 0x${modeByte.toString(16)}, expected 0x37, 0x38 or 0x39`,
      });
    }
    const spec = MODEL_SPECS[model];
    const cal = this.calibration;
    if (cal.numLasers < spec.lasers) {
      return err({ code: "calibration", message: `Velodyne: ${model} needs ${spec.lasers} lasers, calibration has ${cal.numLasers}` });
    }
    if (out.capacity - out.length < MAX_POINTS_PER_PACKET) {
      return err({
        code: "buffer-full",
        message: `Velodyne: point buffer needs room for ${MAX_POINTS_PER_PACKET} points, has ${out.capacity - out.length}`,
      });
    }
    const dual = returnMode === "dual";
    const L = this.layout(model, dual);
    const nBlocks = L.blocksUsed;
    const rot = this.rot;
    const origin = this.origin;
    for (let b = 0; b < nBlocks; b++) {
      const o = b * VELODYNE_PACKET.BLOCK_SIZE;
      const flag = packet[o] | (packet[o + 1] << 8);
      if (L.allowedFlags.indexOf(flag) < 0) {
        return err({
          code: "block-flag",
          message: `Velodyne data packet: block ${b} flag 0x${flag.toString(16).padStart(4, "0")}, expected ${L.allowedFlags
            .map((v) => "0x" + v.toString(16))
            .join("/")} for ${model}`,
        });
      }
      const r = packet[o + 2] | (packet[o + 3] << 8);
      if (r >= AZIMUTH_UNITS) {
        return err({ code: "azimuth", message: `Velodyne data packet: block ${b} azimuth ${r}, expected 0..35999` });
      }
      rot[b] = r;
      origin[b] = bankOrigin(flag);
    }
    this.computeAzimuths(L, opts.interpolation ?? "timing", model);

    // Float32 constants, as the C++ drivers compute ranges.
    // VLS-128 distances are always 4 mm units (as ros-drivers: its VLS128.yaml says 0.007, which it ignores).
    const resolution = f32(spec.model === "VLS128" ? spec.distanceResolutionM : (cal.distanceResolutionM ?? spec.distanceResolutionM));
    const minRange = opts.minRangeM ?? spec.minRangeM;
    const maxRange = opts.maxRangeM ?? spec.maxRangeM;
    const groupUs = L.groupUs;
    const fireUs = L.fireUs;
    const laserOfChannel = L.laserOfChannel;
    const azBase = this.azBase;
    const azStep = this.azStep;
    const blockInRange = this.blockInRange;
    const { cosVert, sinVert, cosRot, sinRot, distCorrection, ring, minIntensity, maxIntensity, fullModel } = cal;
    const singleType = returnMode === "last" ? RETURN_TYPE.LAST : RETURN_TYPE.STRONGEST;
    const partner = L.partner;
    const pairSpan = partner * 2;
    const offsetUs = spec.offsetUs;
    const lo = this.minAngle;
    const hi = this.maxAngle;
    const wrapFilter = lo > hi;
    const { x: X, y: Y, z: Z, intensity: I, ring: R, timeOffsetS: T, distanceM: D, azimuthRad: A, returnType: RT } = out;
    let n = out.length;
    const start = n;

    for (let b = 0; b < nBlocks; b++) {
      if (blockInRange[b] === 0) continue;
      const o = b * VELODYNE_PACKET.BLOCK_SIZE + VELODYNE_PACKET.BLOCK_DATA_OFFSET;
      const bank = origin[b];
      const base = azBase[b];
      const step = f32(azStep[b]);
      const blockS = timeOffsetS + (L.blockUs[b] + offsetUs) * 1e-6;
      const isSecond = dual && b % pairSpan >= partner;
      const partnerOff = dual ? (isSecond ? -partner : partner) * VELODYNE_PACKET.BLOCK_SIZE : 0;
      for (let j = 0, k = o; j < 32; j++, k += 3) {
        const raw = packet[k] | (packet[k + 1] << 8);
        if (raw === 0) continue;
        let rtype: number = singleType;
        if (dual) {
          const other = packet[k + partnerOff] | (packet[k + partnerOff + 1] << 8);
          if (isSecond) {
            if (other === raw) continue; // same echo twice: emitted once, from the first block
            rtype = other === 0 ? RETURN_TYPE.DUAL_BOTH : RETURN_TYPE.DUAL_STRONGEST;
          } else {
            rtype = other === 0 || other === raw ? RETURN_TYPE.DUAL_BOTH : RETURN_TYPE.DUAL_LAST;
          }
        }
        const slot = bank + j;
        const laser = bank + laserOfChannel[j];
        const distance = f32(f32(raw * resolution) + distCorrection[laser]);
        if (distance < minRange || distance > maxRange) continue;
        const azF = f32(base + f32(f32(step * fireUs[slot]) / groupUs));
        const az = Math.round(azF) % AZIMUTH_UNITS;
        if (wrapFilter ? az < lo && az > hi : az < lo || az > hi) continue;
        const cr = cosRot[laser];
        const sr = sinRot[laser];
        const ct = COS_TABLE[az];
        const st = SIN_TABLE[az];
        // Azimuth minus the laser's rotational correction: cos(a−b), sin(a−b).
        const cosA = ct * cr + st * sr;
        const sinA = st * cr - ct * sr;
        let intensity = packet[k + 2];
        if (fullModel[laser] === 0) {
          const xy = distance * cosVert[laser];
          X[n] = xy * cosA;
          Y[n] = -xy * sinA;
          Z[n] = distance * sinVert[laser];
        } else {
          intensity = fullModelPoint(cal, laser, distance, raw, intensity, cosA, sinA, X, Y, Z, n);
        }
        I[n] = intensity < minIntensity[laser] ? minIntensity[laser] : intensity > maxIntensity[laser] ? maxIntensity[laser] : intensity;
        R[n] = ring[laser];
        T[n] = blockS + fireUs[slot] * 1e-6;
        D[n] = distance;
        A[n] = RAD_TABLE[az];
        RT[n] = rtype;
        n++;
      }
    }
    out.length = n;
    return ok({
      points: n - start,
      model,
      returnMode,
      productId,
      gpsTimestampUs:
        (packet[VELODYNE_PACKET.TIMESTAMP_OFFSET] |
          (packet[VELODYNE_PACKET.TIMESTAMP_OFFSET + 1] << 8) |
          (packet[VELODYNE_PACKET.TIMESTAMP_OFFSET + 2] << 16)) +
        packet[VELODYNE_PACKET.TIMESTAMP_OFFSET + 3] * 16777216,
      firstAzimuth: rot[0],
    });
  }

  /** Fill azBase/azStep/blockInRange for the blocks of this packet. */
  private computeAzimuths(L: Layout, mode: AzimuthInterpolation, model: VelodyneModel): void {
    const rot = this.rot;
    const azBase = this.azBase;
    const azStep = this.azStep;
    const inRange = this.blockInRange;
    const nBlocks = L.blocksUsed;
    if (mode === "nebula" && model === "VLP16") {
      // tier4/nebula vlp16_decoder.cpp, transcribed: `azimuth` is the previous iteration's
      // `azimuth_next`, the step looks 1 (single) or 2 (dual) blocks ahead.
      const s = L.dual ? 2 : 1;
      let lastStep = 0;
      let next = rot[0];
      const lo = this.minAngle;
      const hi = this.maxAngle;
      for (let b = 0; b < nBlocks; b++) {
        const az = b === 0 ? rot[0] : next;
        let step: number;
        if (b < nBlocks - s) {
          next = rot[b + s];
          step = (AZIMUTH_UNITS + next - az) % AZIMUTH_UNITS;
          lastStep = step;
        } else {
          step = b === nBlocks - s - 1 ? 0 : lastStep;
        }
        azBase[b] = az;
        azStep[b] = step;
        inRange[b] = lo < hi ? (az >= lo && az <= hi ? 1 : 0) : 1;
      }
      return;
    }
    if (mode === "none" || model === "HDL64E") {
      for (let b = 0; b < nBlocks; b++) {
        azBase[b] = rot[b];
        azStep[b] = 0;
        inRange[b] = 1;
      }
      return;
    }
    const g = L.groupBlocks;
    const groups = Math.ceil(nBlocks / g);
    let prevStep = 0;
    for (let gi = 0; gi < groups; gi++) {
      const first = gi * g;
      const r = rot[first];
      let step: number;
      if (gi + 1 < groups) {
        step = (AZIMUTH_UNITS + rot[first + g] - r) % AZIMUTH_UNITS;
        if (step > MAX_GROUP_STEP) step = prevStep;
      } else {
        step = prevStep;
      }
      prevStep = step;
      for (let b = first; b < first + g && b < nBlocks; b++) {
        azBase[b] = r;
        azStep[b] = step;
        inRange[b] = 1;
      }
    }
  }
}

/**
 * The full ros-drivers point model: vertical/horizontal offsets, two-point distance correction and
 * focal intensity correction (HDL-64E calibrations). Writes x, y, z at `n`; returns the intensity.
 */
function fullModelPoint(
  cal: VelodyneCalibration,
  laser: number,
  distance: number,
  raw: number,
  rawIntensity: number,
  cosA: number,
  sinA: number,
  X: Float32Array,
  Y: Float32Array,
  Z: Float32Array,
  n: number,
): number {
  const cosV = cal.cosVert[laser];
  const sinV = cal.sinVert[laser];
  const vOff = cal.vertOffset[laser];
  const hOff = cal.horizOffset[laser];
  let xy = distance * cosV - vOff * sinV;
  // Velodyne's own axes: xx = right, yy = forward.
  let xx = xy * sinA - hOff * cosA;
  let yy = xy * cosA + hOff * sinA;
  if (xx < 0) xx = -xx;
  if (yy < 0) yy = -yy;
  let corrX = 0;
  let corrY = 0;
  if (cal.twoPoint[laser] === 1) {
    const dc = cal.distCorrection[laser];
    const dcx = cal.distCorrectionX[laser];
    const dcy = cal.distCorrectionY[laser];
    corrX = ((dc - dcx) * (xx - 2.4)) / (25.04 - 2.4) + dcx - dc;
    corrY = ((dc - dcy) * (yy - 1.93)) / (25.04 - 1.93) + dcy - dc;
  }
  const dX = distance + corrX;
  xy = dX * cosV - vOff * sinV;
  const vx = xy * sinA - hOff * cosA;
  const dY = distance + corrY;
  xy = dY * cosV - vOff * sinV;
  const vy = xy * cosA + hOff * sinA;
  X[n] = vy;
  Y[n] = -vx;
  Z[n] = dY * sinV + vOff * cosV;
  const slope = cal.focalSlope[laser];
  if (slope === 0) return rawIntensity;
  const focal = 1 - cal.focalDistance[laser] / 13100;
  const focalOffset = 256 * focal * focal;
  const r = 1 - raw / 65535;
  return rawIntensity + slope * Math.abs(focalOffset - 256 * r * r);
}
