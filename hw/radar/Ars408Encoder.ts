// ARS408 object list → CAN frames: the inverse of Ars408Decoder, driven by the same signal table
// (ars408Messages.ts). Used by the simulator's radar model to emit the wire bytes the driver reads.
// One cycle is a 0x60A status, then per object a 0x60B general and, when asked, 0x60C quality and
// 0x60D extended with the same Obj_ID (the order the real sensor sends: all 0x60B first, then all
// 0x60C, then all 0x60D).
//
// Physical values are quantised to the signal's grid (round to nearest raw) and clamped to its
// [min, max]; `clamped` counts the clamps so a caller can see values the wire could not carry.

import { ARS408, OBJ_SIGNALS, SENSOR_ID_STRIDE } from "./ars408Messages.ts";
import type { CanFrame } from "./candump.ts";
import { insertRaw, type MessageDef, type SignalDef } from "./signals.ts";

/** One object to encode. Enumerations as on the wire (OBJ_DYN_PROP, OBJ_CLASS, OBJ_MEAS_STATE indices). */
export interface Ars408ObjectInput {
  /** Obj_ID 0–255. */
  readonly id: number;
  readonly distLongM: number;
  readonly distLatM: number;
  readonly vrelLongMps: number;
  readonly vrelLatMps: number;
  readonly rcsDbm2: number;
  /** Obj_DynProp 0–7. */
  readonly dynProp: number;
  readonly quality?: {
    /** Obj_ProbOfExist 0–7. */
    readonly probOfExistRaw: number;
    /** Obj_MeasState 0–7. */
    readonly measState: number;
    /** rms codes 0–31 (Continental's table); default 0. */
    readonly distLongRms?: number;
    readonly distLatRms?: number;
    readonly vrelLongRms?: number;
    readonly vrelLatRms?: number;
    readonly arelLongRms?: number;
    readonly arelLatRms?: number;
    readonly orientationRms?: number;
  };
  readonly extended?: {
    /** Obj_Class 0–7. */
    readonly objClass: number;
    readonly arelLongMps2: number;
    readonly arelLatMps2: number;
    readonly orientationDeg: number;
    readonly lengthM: number;
    readonly widthM: number;
  };
}

export interface Ars408ObjectListInput {
  /** Obj_MeasCounter; wraps at 65536. */
  readonly measCounter: number;
  /** Obj_InterfaceVersion 0–15 (default 0). */
  readonly interfaceVersion?: number;
  readonly objects: readonly Ars408ObjectInput[];
}

export interface Ars408EncodeOptions {
  /** Sensor id 0–7: every id gets + 0x10·k. Default 0. */
  readonly sensorId?: number;
  /** Time of the 0x60A frame, integer ns. Default 0. */
  readonly timestampNs?: bigint;
  /** Time between consecutive frames of the cycle (bus time), ns. Default 260 µs (8-byte frame at 500 kbit/s with stuffing). */
  readonly frameSpacingNs?: bigint;
  /** Send 0x60C per object (default: when every object has `quality`). */
  readonly sendQuality?: boolean;
  /** Send 0x60D per object (default: when every object has `extended`). */
  readonly sendExtended?: boolean;
}

export interface Ars408EncodedCycle {
  readonly frames: CanFrame[];
  /** Signals whose physical value was outside the table's range and was clamped. */
  readonly clamped: number;
}

/** 8-byte standard frame at 500 kbit/s: 111 bits + worst-case stuffing ≈ 260 µs. */
export const DEFAULT_FRAME_SPACING_NS = 260_000n;


export interface Quantised {
  /** Raw integer on the wire. */
  readonly raw: number;
  /** The physical value the raw decodes to (raw · factor + offset). */
  readonly value: number;
  readonly clamped: boolean;
}

/**
 * Nearest raw value for a physical value, clamped to the signal's physical [min, max] and its bit
 * range. Non-finite values clamp to the offset (raw 0).
 */
export function quantiseSignal(s: SignalDef, phys: number): Quantised {
  const rawMax = s.signed ? 2 ** (s.length - 1) - 1 : 2 ** s.length - 1;
  const rawMin = s.signed ? -(2 ** (s.length - 1)) : 0;
  const loRaw = Math.max(rawMin, Math.ceil((s.min - s.offset) / s.factor - 1e-9));
  const hiRaw = Math.min(rawMax, Math.floor((s.max - s.offset) / s.factor + 1e-9));
  let raw = Number.isFinite(phys) ? Math.round((phys - s.offset) / s.factor) : loRaw;
  let clamped = !Number.isFinite(phys);
  if (raw < loRaw) {
    raw = loRaw;
    clamped = true;
  } else if (raw > hiRaw) {
    raw = hiRaw;
    clamped = true;
  }
  return { raw, value: raw * s.factor + s.offset, clamped };
}

/** The physical value a signal carries after quantisation (what the decoder will read back). */
export function quantisedValue(s: SignalDef, phys: number): number {
  return quantiseSignal(s, phys).value;
}

class FrameWriter {
  clamped = 0;
  put(data: Uint8Array, s: SignalDef, phys: number): void {
    const q = quantiseSignal(s, phys);
    if (q.clamped) this.clamped++;
    insertRaw(data, s, q.raw);
  }
}

function encodeObjectStatus(w: FrameWriter, nObjects: number, measCounter: number, interfaceVersion: number): Uint8Array {
  const d = new Uint8Array(8);
  w.put(d, OBJ_SIGNALS.nObj, nObjects);
  w.put(d, OBJ_SIGNALS.measCounter, ((measCounter % 65536) + 65536) % 65536);
  w.put(d, OBJ_SIGNALS.ifVersion, interfaceVersion);
  return d;
}

function encodeGeneral(w: FrameWriter, o: Ars408ObjectInput): Uint8Array {
  const d = new Uint8Array(8);
  w.put(d, OBJ_SIGNALS.gId, o.id);
  w.put(d, OBJ_SIGNALS.distLong, o.distLongM);
  w.put(d, OBJ_SIGNALS.distLat, o.distLatM);
  w.put(d, OBJ_SIGNALS.vrelLong, o.vrelLongMps);
  w.put(d, OBJ_SIGNALS.vrelLat, o.vrelLatMps);
  w.put(d, OBJ_SIGNALS.dynProp, o.dynProp);
  w.put(d, OBJ_SIGNALS.rcs, o.rcsDbm2);
  return d;
}

function encodeQuality(w: FrameWriter, o: Ars408ObjectInput): Uint8Array {
  const d = new Uint8Array(8);
  const q = o.quality ?? { probOfExistRaw: 0, measState: 0 };
  w.put(d, OBJ_SIGNALS.qId, o.id);
  w.put(d, OBJ_SIGNALS.prob, q.probOfExistRaw);
  w.put(d, OBJ_SIGNALS.measState, q.measState);
  w.put(d, OBJ_SIGNALS.dLongRms, q.distLongRms ?? 0);
  w.put(d, OBJ_SIGNALS.dLatRms, q.distLatRms ?? 0);
  w.put(d, OBJ_SIGNALS.vLongRms, q.vrelLongRms ?? 0);
  w.put(d, OBJ_SIGNALS.vLatRms, q.vrelLatRms ?? 0);
  w.put(d, OBJ_SIGNALS.aLongRms, q.arelLongRms ?? 0);
  w.put(d, OBJ_SIGNALS.aLatRms, q.arelLatRms ?? 0);
  w.put(d, OBJ_SIGNALS.oriRms, q.orientationRms ?? 0);
  return d;
}

function encodeExtended(w: FrameWriter, o: Ars408ObjectInput): Uint8Array {
  const d = new Uint8Array(8);
  const x = o.extended ?? { objClass: 0, arelLongMps2: 0, arelLatMps2: 0, orientationDeg: 0, lengthM: 0, widthM: 0 };
  w.put(d, OBJ_SIGNALS.xId, o.id);
  w.put(d, OBJ_SIGNALS.aLong, x.arelLongMps2);
  w.put(d, OBJ_SIGNALS.aLat, x.arelLatMps2);
  w.put(d, OBJ_SIGNALS.cls, x.objClass);
  w.put(d, OBJ_SIGNALS.ori, x.orientationDeg);
  w.put(d, OBJ_SIGNALS.len, x.lengthM);
  w.put(d, OBJ_SIGNALS.wid, x.widthM);
  return d;
}

/** Single-message encoders (for tests and tools); values quantised and clamped like a cycle. */
export const encodeArs408Object = Object.freeze({
  status: (nObjects: number, measCounter: number, interfaceVersion = 0) => encodeObjectStatus(new FrameWriter(), nObjects, measCounter, interfaceVersion),
  general: (o: Ars408ObjectInput) => encodeGeneral(new FrameWriter(), o),
  quality: (o: Ars408ObjectInput) => encodeQuality(new FrameWriter(), o),
  extended: (o: Ars408ObjectInput) => encodeExtended(new FrameWriter(), o),
});

/**
 * Encode one object-list cycle. Throws only on caller bugs (more than 255 objects, an Obj_ID
 * outside 0–255 or repeated, a sensor id outside 0–7); values are quantised and clamped.
 */
export function encodeObjectList(list: Ars408ObjectListInput, options: Ars408EncodeOptions = {}): Ars408EncodedCycle {
  const sensorId = options.sensorId ?? 0;
  if (!Number.isInteger(sensorId) || sensorId < 0 || sensorId > 7) throw new Error(`ARS408 encoder: sensor id ${sensorId} outside 0..7`);
  if (list.objects.length > 255) throw new Error(`ARS408 encoder: ${list.objects.length} objects, at most 255 fit Obj_NofObjects`);
  const seen = new Set<number>();
  for (const o of list.objects) {
    if (!Number.isInteger(o.id) || o.id < 0 || o.id > 255 || seen.has(o.id)) throw new Error(`ARS408 encoder: Obj_ID ${o.id} outside 0..255 or repeated`);
    seen.add(o.id);
  }
  const sendQuality = options.sendQuality ?? (list.objects.length > 0 && list.objects.every((o) => o.quality));
  const sendExtended = options.sendExtended ?? (list.objects.length > 0 && list.objects.every((o) => o.extended));
  const t0 = options.timestampNs ?? 0n;
  const spacing = options.frameSpacingNs ?? DEFAULT_FRAME_SPACING_NS;
  const idOffset = SENSOR_ID_STRIDE * sensorId;
  const w = new FrameWriter();
  const frames: CanFrame[] = [];
  const push = (baseId: number, data: Uint8Array) =>
    frames.push({ id: baseId + idOffset, extended: false, data, remote: false, fd: false, timestampNs: t0 + spacing * BigInt(frames.length) });

  push(ARS408.Obj_0_Status.id, encodeObjectStatus(w, list.objects.length, list.measCounter, list.interfaceVersion ?? 0));
  for (const o of list.objects) push(ARS408.Obj_1_General.id, encodeGeneral(w, o));
  if (sendQuality) for (const o of list.objects) push(ARS408.Obj_2_Quality.id, encodeQuality(w, o));
  if (sendExtended) for (const o of list.objects) push(ARS408.Obj_3_Extended.id, encodeExtended(w, o));
  return { frames, clamped: w.clamped };
}
