// Generic CAN signal extraction and insertion driven by a signal table (DBC conventions): one
// routine for every field of every message, Motorola (big-endian, start bit = MSB, sawtooth bit
// numbering) and Intel (little-endian, start bit = LSB). Bit n is bit (n % 8) of byte ⌊n / 8⌋.

import { err, ok, type DecodeError, type Result } from "../result.ts";

export type ByteOrder = "motorola" | "intel";

export interface SignalDef {
  readonly name: string;
  /** DBC start bit: the MSB for Motorola, the LSB for Intel. */
  readonly startBit: number;
  readonly length: number;
  readonly byteOrder: ByteOrder;
  readonly signed: boolean;
  readonly factor: number;
  readonly offset: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

export interface MessageDef {
  /** Base id (sensor 0). */
  readonly id: number;
  readonly name: string;
  readonly signals: readonly SignalDef[];
  /** Bytes the signals need: a frame shorter than this is rejected. */
  readonly minDlc: number;
}

/** Bit positions (LSB-first numbering) a signal occupies, from its MSB down to its LSB. */
export function signalBits(sig: Pick<SignalDef, "startBit" | "length" | "byteOrder">): number[] {
  const bits: number[] = [];
  if (sig.byteOrder === "intel") {
    for (let i = sig.length - 1; i >= 0; i--) bits.push(sig.startBit + i);
  } else {
    let pos = sig.startBit;
    for (let i = 0; i < sig.length; i++) {
      bits.push(pos);
      pos = pos % 8 === 0 ? pos + 15 : pos - 1;
    }
  }
  return bits;
}

/** Smallest DLC that holds every bit of the given signals. */
export function bytesNeeded(signals: readonly SignalDef[]): number {
  let maxBit = 0;
  for (const s of signals) for (const b of signalBits(s)) if (b > maxBit) maxBit = b;
  return (maxBit >> 3) + 1;
}

export function defineMessage(id: number, name: string, signals: readonly SignalDef[]): MessageDef {
  return Object.freeze({ id, name, signals: Object.freeze(signals.map((s) => Object.freeze({ ...s }))), minDlc: bytesNeeded(signals) });
}

/** Raw (unscaled) value of a signal; the caller has checked the frame is long enough. */
export function extractRaw(data: Uint8Array, sig: SignalDef): number {
  let value = 0;
  if (sig.byteOrder === "intel") {
    for (let i = sig.length - 1; i >= 0; i--) {
      const bit = sig.startBit + i;
      value = value * 2 + ((data[bit >> 3] >> (bit & 7)) & 1);
    }
  } else {
    let pos = sig.startBit;
    for (let i = 0; i < sig.length; i++) {
      value = value * 2 + ((data[pos >> 3] >> (pos & 7)) & 1);
      pos = (pos & 7) === 0 ? pos + 15 : pos - 1;
    }
  }
  if (sig.signed && value >= 2 ** (sig.length - 1)) value -= 2 ** sig.length;
  return value;
}

/** Physical value: raw · factor + offset. */
export function decodeSignal(data: Uint8Array, sig: SignalDef): number {
  return extractRaw(data, sig) * sig.factor + sig.offset;
}

export function insertRaw(data: Uint8Array, sig: SignalDef, raw: number): void {
  let v = raw < 0 ? raw + 2 ** sig.length : raw;
  const bits = signalBits(sig); // MSB first
  for (let i = bits.length - 1; i >= 0; i--) {
    const bit = bits[i];
    const one = v % 2;
    v = Math.floor(v / 2);
    if (one) data[bit >> 3] |= 1 << (bit & 7);
    else data[bit >> 3] &= ~(1 << (bit & 7));
  }
}

export type SignalErrorCode = "dlc" | "range" | "unknown-signal";
export type SignalError = DecodeError<SignalErrorCode>;

export function checkDlc(def: MessageDef, dlc: number): SignalError | undefined {
  if (dlc < def.minDlc || dlc > 8) {
    return {
      code: "dlc",
      message: `CAN 0x${def.id.toString(16)} ${def.name}: expected DLC ${def.minDlc === 8 ? "8" : `${def.minDlc}..8`}, got ${dlc}`,
    };
  }
  return undefined;
}

/** All signals of a message as physical values. */
export function decodeMessage(def: MessageDef, data: Uint8Array): Result<Record<string, number>, SignalError> {
  const bad = checkDlc(def, data.length);
  if (bad) return err(bad);
  const out: Record<string, number> = {};
  for (const s of def.signals) out[s.name] = decodeSignal(data, s);
  return ok(out);
}

/**
 * Encode physical values into a frame of `dlc` bytes (default 8). Signals not given are 0 raw.
 * A value outside the signal's [min, max] or not on its grid is an error.
 */
export function encodeMessage(def: MessageDef, values: Readonly<Record<string, number>>, dlc = 8): Result<Uint8Array, SignalError> {
  const data = new Uint8Array(dlc);
  const bad = checkDlc(def, dlc);
  if (bad) return err(bad);
  for (const [name, phys] of Object.entries(values)) {
    const sig = def.signals.find((s) => s.name === name);
    if (!sig) return err({ code: "unknown-signal", message: `CAN ${def.name}: no signal ${name}` });
    const raw = Math.round((phys - sig.offset) / sig.factor);
    const lo = sig.signed ? -(2 ** (sig.length - 1)) : 0;
    const hi = sig.signed ? 2 ** (sig.length - 1) - 1 : 2 ** sig.length - 1;
    if (!Number.isFinite(phys) || phys < sig.min - 1e-9 || phys > sig.max + 1e-9 || raw < lo || raw > hi) {
      return err({ code: "range", message: `CAN ${def.name}.${name}: ${phys} outside ${sig.min}..${sig.max}` });
    }
    if (Math.abs(raw * sig.factor + sig.offset - phys) > Math.abs(sig.factor) * 1e-6) {
      return err({ code: "range", message: `CAN ${def.name}.${name}: ${phys} is not a multiple of ${sig.factor} from ${sig.offset}` });
    }
    insertRaw(data, sig, raw);
  }
  return ok(data);
}
