// Velodyne data packets written byte for byte (single return, models with one 32-channel bank per
// block: VLP-16, VLP-32C, HDL-32E), for the simulator's LiDAR model and for tests. The inverse of
// `VelodyneDecoder`: layout from VELODYNE_PACKET, timing from MODEL_SPECS, and the decoder's own
// firing-time and azimuth-interpolation arithmetic (float32 where the decoder uses it), so an
// encoder that places a return on `firingAzimuths()` gets it back from the decoder on the same
// 0.01° azimuth.
import { AZIMUTH_UNITS, BLOCK_FLAG, MODEL_SPECS, PRODUCT_ID, RETURN_MODE, VELODYNE_PACKET, type ModelSpec, type VelodyneModel } from "./constants.ts";

/** Models the encoder writes (single bank of 32 channels per block). */
export type EncodableModel = "VLP16" | "VLP32C" | "HDL32E";

const f32 = Math.fround;
/** Largest believable azimuth step between blocks (0.01°), as in the decoder. */
const MAX_GROUP_STEP = 1000;

/** Per model: when each channel of a block fires, and which laser it is. */
export interface FiringLayout {
  readonly model: EncodableModel;
  readonly spec: ModelSpec;
  readonly productId: number;
  /** Duration of one block (all its firing sequences), integer ns. */
  readonly blockNs: number;
  /** Duration of one packet (12 blocks), integer ns. */
  readonly packetNs: number;
  /** Block duration in µs, float32 (the decoder's interpolation denominator). */
  readonly groupUs: number;
  /** Firing time of each channel slot inside its block, µs, float32 (same values as the decoder). */
  readonly fireUs: Float32Array;
  /** Laser (calibration index) of each channel slot: VLP-16 carries lasers 0–15 twice per block. */
  readonly laserOfChannel: Uint8Array;
}

const layouts = new Map<EncodableModel, FiringLayout>();

export function firingLayout(model: EncodableModel): FiringLayout {
  let l = layouts.get(model);
  if (l) return l;
  const spec = MODEL_SPECS[model];
  const fireUs = new Float32Array(VELODYNE_PACKET.CHANNELS_PER_BLOCK);
  const laserOfChannel = new Uint8Array(VELODYNE_PACKET.CHANNELS_PER_BLOCK);
  for (let j = 0; j < VELODYNE_PACKET.CHANNELS_PER_BLOCK; j++) {
    if (model === "VLP16") {
      const firing = j >> 4;
      const dsr = j & 15;
      fireUs[j] = f32(f32(dsr * f32(spec.firingUs)) + f32(firing * f32(spec.sequenceUs)));
      laserOfChannel[j] = dsr;
    } else {
      fireUs[j] = f32(Math.floor(j / spec.simultaneous) * f32(spec.firingUs));
      laserOfChannel[j] = j;
    }
  }
  const blockNs = Math.round(spec.sequencesPerBlock * spec.sequenceUs * 1000);
  l = Object.freeze({
    model,
    spec,
    productId: model === "VLP16" ? PRODUCT_ID.VLP16 : model === "VLP32C" ? PRODUCT_ID.VLP32C : PRODUCT_ID.HDL32E,
    blockNs,
    packetNs: blockNs * VELODYNE_PACKET.BLOCKS,
    groupUs: f32(spec.sequencesPerBlock * spec.sequenceUs),
    fireUs,
    laserOfChannel,
  });
  layouts.set(model, l);
  return l;
}

/**
 * The azimuth (0.01° units, 0..35999) the decoder (`interpolation: "timing"`) gives each return of
 * a packet whose blocks carry `rot` (12 raw block azimuths): block azimuth plus the step to the
 * next block times the firing's fraction of the block, the last block reusing the previous step.
 * Writes 12 × 32 values (block · 32 + channel) into `out`.
 */
export function firingAzimuths(layout: FiringLayout, rot: ArrayLike<number>, out: Int32Array): Int32Array {
  const blocks = VELODYNE_PACKET.BLOCKS;
  const ch = VELODYNE_PACKET.CHANNELS_PER_BLOCK;
  let prevStep = 0;
  for (let b = 0; b < blocks; b++) {
    const r = rot[b];
    let step: number;
    if (b + 1 < blocks) {
      step = (AZIMUTH_UNITS + rot[b + 1] - r) % AZIMUTH_UNITS;
      if (step > MAX_GROUP_STEP) step = prevStep;
    } else {
      step = prevStep;
    }
    prevStep = step;
    const stepF = f32(step);
    for (let j = 0; j < ch; j++) {
      const azF = f32(r + f32(f32(stepF * layout.fireUs[j]) / layout.groupUs));
      out[b * ch + j] = Math.round(azF) % AZIMUTH_UNITS;
    }
  }
  return out;
}

/** Fields of one single-return data packet. */
export interface DataPacketFields {
  /** 12 block azimuths, 0.01° units, 0..35999. */
  readonly azimuths: ArrayLike<number>;
  /** 384 raw distances (block · 32 + channel), distance units (2 mm); 0 = no return. */
  readonly distances: ArrayLike<number>;
  /** 384 intensities 0..255. */
  readonly intensities: ArrayLike<number>;
  /** µs since the top of the hour, 0 ≤ t < 3.6e9. */
  readonly gpsTimestampUs: number;
  readonly productId: number;
  /** Return-mode byte; default strongest (0x37). */
  readonly returnMode?: number;
}

/** Writes a 1206-byte data packet into `out` (allocated when not given) and returns it. */
export function encodeDataPacket(f: DataPacketFields, out: Uint8Array = new Uint8Array(VELODYNE_PACKET.SIZE)): Uint8Array {
  if (out.byteLength !== VELODYNE_PACKET.SIZE) throw new RangeError(`Velodyne packet buffer: expected ${VELODYNE_PACKET.SIZE} bytes, got ${out.byteLength}`);
  const P = VELODYNE_PACKET;
  for (let b = 0; b < P.BLOCKS; b++) {
    const o = b * P.BLOCK_SIZE;
    const az = f.azimuths[b];
    if (!(az >= 0 && az < AZIMUTH_UNITS)) throw new RangeError(`block ${b} azimuth ${az}: expected 0..35999`);
    out[o] = BLOCK_FLAG.BANK_0 & 0xff;
    out[o + 1] = BLOCK_FLAG.BANK_0 >> 8;
    out[o + 2] = az & 0xff;
    out[o + 3] = az >> 8;
    for (let j = 0, k = o + P.BLOCK_DATA_OFFSET; j < P.CHANNELS_PER_BLOCK; j++, k += P.CHANNEL_SIZE) {
      const d = f.distances[b * P.CHANNELS_PER_BLOCK + j];
      out[k] = d & 0xff;
      out[k + 1] = (d >> 8) & 0xff;
      out[k + 2] = f.intensities[b * P.CHANNELS_PER_BLOCK + j];
    }
  }
  const t = f.gpsTimestampUs;
  if (!(t >= 0 && t < 3_600_000_000)) throw new RangeError(`gps timestamp ${t} µs: expected 0 ≤ t < 3.6e9 (µs past the hour)`);
  out[P.TIMESTAMP_OFFSET] = t & 0xff;
  out[P.TIMESTAMP_OFFSET + 1] = (t >>> 8) & 0xff;
  out[P.TIMESTAMP_OFFSET + 2] = (t >>> 16) & 0xff;
  out[P.TIMESTAMP_OFFSET + 3] = Math.floor(t / 16777216) & 0xff;
  out[P.RETURN_MODE_OFFSET] = f.returnMode ?? RETURN_MODE.STRONGEST;
  out[P.PRODUCT_ID_OFFSET] = f.productId;
  return out;
}

/** Whether a configured model can be encoded. */
export function isEncodableModel(m: VelodyneModel): m is EncodableModel {
  return m === "VLP16" || m === "VLP32C" || m === "HDL32E";
}
