// Velodyne data-packet wire constants: sizes, offsets, magic values and per-model timing, all frozen.
// Sources: Velodyne user manuals (VLP-16 rev. E §9, HDL-32E §9, VLP-32C §9, VLS-128 §9) and the
// timing tables of ros-drivers/velodyne `rawdata.cpp` (BSD), which the point timing below follows.

/** Byte layout of the 1206-byte UDP payload of a data packet (little-endian throughout). */
export const VELODYNE_PACKET = Object.freeze({
  SIZE: 1206,
  BLOCK_SIZE: 100,
  BLOCKS: 12,
  /** Each block: u16 flag, u16 azimuth (0.01°), then 32 × (u16 distance, u8 intensity). */
  BLOCK_FLAG_OFFSET: 0,
  BLOCK_AZIMUTH_OFFSET: 2,
  BLOCK_DATA_OFFSET: 4,
  CHANNEL_SIZE: 3,
  CHANNELS_PER_BLOCK: 32,
  /** u32 µs since the top of the hour. */
  TIMESTAMP_OFFSET: 1200,
  RETURN_MODE_OFFSET: 1204,
  PRODUCT_ID_OFFSET: 1205,
});

/** UDP payload of a position (GPS/NMEA) packet. */
export const VELODYNE_POSITION_PACKET = Object.freeze({
  SIZE: 512,
  /** u32 µs since the top of the hour. */
  TIMESTAMP_OFFSET: 198,
  /** u8: 0 absent, 1 synchronising, 2 locked, 3 error. */
  PPS_STATUS_OFFSET: 202,
  NMEA_OFFSET: 206,
  NMEA_MAX_LENGTH: 128,
});

/** Default UDP ports. */
export const VELODYNE_PORTS = Object.freeze({ DATA: 2368, POSITION: 8308 });

/** Block flags (the u16 read little-endian): laser bank of the block. */
export const BLOCK_FLAG = Object.freeze({
  /** Lasers 0–31 (all blocks of VLP-16, HDL-32E, VLP-32C; HDL-64E upper block; VLS-128 bank 1). */
  BANK_0: 0xeeff,
  /** Lasers 32–63 (HDL-64E lower block; VLS-128 bank 2). */
  BANK_1: 0xddff,
  /** Lasers 64–95 (VLS-128 bank 3). */
  BANK_2: 0xccff,
  /** Lasers 96–127 (VLS-128 bank 4). */
  BANK_3: 0xbbff,
});

/** Factory byte 1204: return mode. */
export const RETURN_MODE = Object.freeze({
  STRONGEST: 0x37,
  LAST: 0x38,
  DUAL: 0x39,
});
export type ReturnModeByte = (typeof RETURN_MODE)[keyof typeof RETURN_MODE];
export type ReturnModeName = "strongest" | "last" | "dual";

export function returnModeName(byte: number): ReturnModeName | undefined {
  switch (byte) {
    case RETURN_MODE.STRONGEST:
      return "strongest";
    case RETURN_MODE.LAST:
      return "last";
    case RETURN_MODE.DUAL:
      return "dual";
    default:
      return undefined;
  }
}

/** Factory byte 1205: product id. */
export const PRODUCT_ID = Object.freeze({
  HDL32E: 0x21,
  VLP16: 0x22,
  VLP32AB: 0x23,
  VLP16_HIRES: 0x24,
  VLP32C: 0x28,
  VELARRAY: 0x31,
  VLS128_OLD: 0x63,
  HDL64E: 0xa0,
  VLS128: 0xa1,
});

/** Point `returnType` codes written by the decoder. */
export const RETURN_TYPE = Object.freeze({
  UNKNOWN: 0,
  /** Single-return packet, strongest mode. */
  STRONGEST: 1,
  /** Single-return packet, last mode. */
  LAST: 2,
  /** Dual mode, first block of a pair: the last return. */
  DUAL_LAST: 3,
  /** Dual mode, second block of a pair: the strongest (or second strongest) return. */
  DUAL_STRONGEST: 4,
  /** Dual mode, both returns identical: emitted once, from the first block of the pair. */
  DUAL_BOTH: 5,
});

export type VelodyneModel = "VLP16" | "VLP32C" | "HDL32E" | "HDL64E" | "VLS128";

export function modelForProductId(id: number): VelodyneModel | undefined {
  switch (id) {
    case PRODUCT_ID.VLP16:
    case PRODUCT_ID.VLP16_HIRES:
      return "VLP16";
    case PRODUCT_ID.VLP32C:
      return "VLP32C";
    case PRODUCT_ID.HDL32E:
      return "HDL32E";
    case PRODUCT_ID.HDL64E:
      return "HDL64E";
    case PRODUCT_ID.VLS128:
    case PRODUCT_ID.VLS128_OLD:
      return "VLS128";
    default:
      return undefined;
  }
}

/**
 * Per-model layout and timing. Point time offset inside a packet (µs) is
 * `blockIndex(block) · sequenceUs + firingIndex(channel) · firingUs + offsetUs` with the indices
 * described per model; the azimuth of a return is interpolated by the fraction of the sequence
 * elapsed at its firing (see `VelodyneDecoder`).
 */
export interface ModelSpec {
  readonly model: VelodyneModel;
  readonly lasers: number;
  /** Blocks that share one azimuth (one firing sequence group) in single-return mode. */
  readonly blocksPerGroup: number;
  /** Firing sequences carried by one block (VLP-16 packs two 16-laser sequences per block). */
  readonly sequencesPerBlock: number;
  /** Duration of one firing sequence (µs). */
  readonly sequenceUs: number;
  /** Time between consecutive firings inside a sequence (µs). */
  readonly firingUs: number;
  /** Lasers fired at the same instant (VLP-32C, HDL-32E per ros-drivers: pairs). */
  readonly simultaneous: number;
  /** Constant added to every offset (µs; VLS-128 time-of-hour adjustment). */
  readonly offsetUs: number;
  /** Distance unit (m) if the calibration does not say (VLS-128: always). */
  readonly distanceResolutionM: number;
  /** Default usable range (m). */
  readonly minRangeM: number;
  readonly maxRangeM: number;
}

export const MODEL_SPECS: Readonly<Record<VelodyneModel, ModelSpec>> = Object.freeze({
  VLP16: Object.freeze({
    model: "VLP16",
    lasers: 16,
    blocksPerGroup: 1,
    sequencesPerBlock: 2,
    sequenceUs: 55.296,
    firingUs: 2.304,
    simultaneous: 1,
    offsetUs: 0,
    distanceResolutionM: 0.002,
    minRangeM: 0.4,
    maxRangeM: 100,
  }),
  VLP32C: Object.freeze({
    model: "VLP32C",
    lasers: 32,
    blocksPerGroup: 1,
    sequencesPerBlock: 1,
    sequenceUs: 55.296,
    firingUs: 2.304,
    simultaneous: 2,
    offsetUs: 0,
    distanceResolutionM: 0.002,
    minRangeM: 0.4,
    maxRangeM: 200,
  }),
  HDL32E: Object.freeze({
    model: "HDL32E",
    lasers: 32,
    blocksPerGroup: 1,
    sequencesPerBlock: 1,
    sequenceUs: 46.08,
    firingUs: 1.152,
    simultaneous: 2,
    offsetUs: 0,
    distanceResolutionM: 0.002,
    minRangeM: 0.4,
    maxRangeM: 100,
  }),
  HDL64E: Object.freeze({
    model: "HDL64E",
    lasers: 64,
    // Upper (lasers 0–31) and lower (32–63) block fire together and share the azimuth.
    blocksPerGroup: 2,
    sequencesPerBlock: 1,
    // HDL-64E S2/S3 cycle; per-firing timing inside a cycle is not modelled (ros-drivers has none).
    sequenceUs: 139.0,
    firingUs: 0,
    simultaneous: 1,
    offsetUs: 0,
    distanceResolutionM: 0.002,
    minRangeM: 0.4,
    maxRangeM: 120,
  }),
  VLS128: Object.freeze({
    model: "VLS128",
    lasers: 128,
    // One firing sequence spans four blocks (banks 0–3); eight lasers fire at once.
    blocksPerGroup: 4,
    sequencesPerBlock: 1,
    sequenceUs: 53.3,
    firingUs: 2.665,
    simultaneous: 8,
    offsetUs: -8.7,
    distanceResolutionM: 0.004,
    minRangeM: 0.4,
    maxRangeM: 300,
  }),
});

/** Angles are carried on the wire in hundredths of a degree. */
export const AZIMUTH_UNITS = 36000;
