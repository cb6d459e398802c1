// CAN frames and the `candump -l` log format of can-utils:
//   (1436509052.249713) can0 60A#0102030405060708
// 3 hex digits = standard 11-bit id, 8 = extended 29-bit; `R` after # = remote frame; `##` = CAN FD.

import { err, ok, type DecodeError, type Result } from "../result.ts";

export interface CanFrame {
  /** Arbitration id (11 or 29 bits). */
  readonly id: number;
  readonly extended: boolean;
  /** Payload; its length is the DLC. */
  readonly data: Uint8Array;
  readonly remote: boolean;
  readonly fd: boolean;
  /** Receive time, integer ns since the epoch (when known). */
  readonly timestampNs?: bigint;
  readonly channel?: string;
}

export type CandumpErrorCode = "syntax" | "timestamp" | "id" | "data";
export type CandumpError = DecodeError<CandumpErrorCode>;

const LINE = /^\((\d{1,12})\.(\d{1,9})\)\s+(\S+)\s+([0-9A-Fa-f]+)(##?)(.*)$/;

function hexBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function parseCandumpLine(line: string): Result<CanFrame, CandumpError> {
  const m = LINE.exec(line.trim());
  if (!m) return err({ code: "syntax", message: `candump: expected "(sec.usec) iface ID#DATA", got ${JSON.stringify(line.slice(0, 80))}` });
  const [, sec, frac, channel, idHex, hashes, rest] = m;
  const timestampNs = BigInt(sec) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"));
  if (idHex.length !== 3 && idHex.length !== 8) {
    return err({ code: "id", message: `candump: id "${idHex}" must have 3 (standard) or 8 (extended) hex digits` });
  }
  const extended = idHex.length === 8;
  const id = Number.parseInt(idHex, 16);
  if ((!extended && id > 0x7ff) || (extended && id > 0x1fffffff)) {
    return err({ code: "id", message: `candump: id 0x${idHex} out of range for a ${extended ? "29" : "11"}-bit id` });
  }
  if (hashes === "##") {
    // CAN FD: one flags nibble, then up to 64 data bytes.
    const data = hexBytes(rest.slice(1));
    if (rest.length < 1 || !/^[0-9A-Fa-f]$/.test(rest[0]) || !data || data.length > 64) {
      return err({ code: "data", message: `candump: CAN FD data "${rest.slice(0, 40)}" is not a flags nibble plus up to 64 hex bytes` });
    }
    return ok({ id, extended, data, remote: false, fd: true, timestampNs, channel });
  }
  if (rest.startsWith("R")) {
    return ok({ id, extended, data: new Uint8Array(0), remote: true, fd: false, timestampNs, channel });
  }
  const data = hexBytes(rest);
  if (!data || data.length > 8) {
    return err({ code: "data", message: `candump: data "${rest.slice(0, 40)}": expected 0..8 bytes as hex pairs` });
  }
  return ok({ id, extended, data, remote: false, fd: false, timestampNs, channel });
}

/** Format a frame back into a `candump -l` line (classic frames). */
export function formatCandumpLine(frame: CanFrame, channel = frame.channel ?? "can0"): string {
  const ns = frame.timestampNs ?? 0n;
  const sec = ns / 1_000_000_000n;
  const usec = (ns % 1_000_000_000n) / 1000n;
  const id = frame.id.toString(16).toUpperCase().padStart(frame.extended ? 8 : 3, "0");
  const data = frame.remote ? "R" : Array.from(frame.data, (b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
  return `(${sec}.${usec.toString().padStart(6, "0")}) ${channel} ${id}#${data}`;
}
