// Velodyne packet headers: the pure parse layer under the decoder. Length is checked first; the
// functions return a result and never throw.

import { err, lengthMessage, ok, type DecodeError, type Result } from "../result.ts";
import {
  PRODUCT_ID,
  VELODYNE_PACKET,
  VELODYNE_POSITION_PACKET,
  modelForProductId,
  returnModeName,
  type ReturnModeName,
  type VelodyneModel,
} from "./constants.ts";

export type PacketErrorCode = "length";

/** Factory bytes and timestamp of a data packet. */
export interface DataPacketHeader {
  /** µs since the top of the hour (sensor clock, GPS-disciplined when PPS is locked). */
  readonly gpsTimestampUs: number;
  readonly returnModeByte: number;
  readonly returnMode: ReturnModeName | undefined;
  readonly productId: number;
  readonly model: VelodyneModel | undefined;
}

export function checkDataPacketLength(packet: Uint8Array): DecodeError<"length"> | undefined {
  if (packet.byteLength !== VELODYNE_PACKET.SIZE) {
    return { code: "length", message: lengthMessage("Velodyne data packet", VELODYNE_PACKET.SIZE, packet.byteLength) };
  }
  return undefined;
}

export function parseDataPacketHeader(packet: Uint8Array): Result<DataPacketHeader, DecodeError<PacketErrorCode>> {
  const bad = checkDataPacketLength(packet);
  if (bad) return err(bad);
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const returnModeByte = packet[VELODYNE_PACKET.RETURN_MODE_OFFSET];
  const productId = packet[VELODYNE_PACKET.PRODUCT_ID_OFFSET];
  return ok({
    gpsTimestampUs: view.getUint32(VELODYNE_PACKET.TIMESTAMP_OFFSET, true),
    returnModeByte,
    returnMode: returnModeName(returnModeByte),
    productId,
    model: modelForProductId(productId),
  });
}

/** Name of a product id byte, for messages. */
export function productName(id: number): string {
  for (const [name, value] of Object.entries(PRODUCT_ID)) if (value === id) return name;
  return `unknown (0x${id.toString(16).padStart(2, "0")})`;
}

export const PPS_STATUS = Object.freeze(["absent", "synchronizing", "locked", "error"] as const);
export type PpsStatus = (typeof PPS_STATUS)[number] | "invalid";

/** A position packet (UDP port 8308): sensor timestamp, PPS state and the GPS NMEA sentence. */
export interface PositionPacket {
  readonly gpsTimestampUs: number;
  readonly ppsStatusByte: number;
  readonly ppsStatus: PpsStatus;
  /** The NMEA sentence as sent ($GPRMC…*hh), without trailing CR/LF/NUL; "" when no GPS. */
  readonly nmea: string;
  /** Whether the NMEA checksum (XOR between $ and *) matches; undefined when there is none. */
  readonly nmeaChecksumOk: boolean | undefined;
}

export function parsePositionPacket(packet: Uint8Array): Result<PositionPacket, DecodeError<"length">> {
  if (packet.byteLength !== VELODYNE_POSITION_PACKET.SIZE) {
    return err({
      code: "length",
      message: lengthMessage("Velodyne position packet", VELODYNE_POSITION_PACKET.SIZE, packet.byteLength),
    });
  }
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const ppsStatusByte = packet[VELODYNE_POSITION_PACKET.PPS_STATUS_OFFSET];
  let end = VELODYNE_POSITION_PACKET.NMEA_OFFSET;
  const limit = VELODYNE_POSITION_PACKET.NMEA_OFFSET + VELODYNE_POSITION_PACKET.NMEA_MAX_LENGTH;
  while (end < limit && packet[end] !== 0 && packet[end] !== 0x0d && packet[end] !== 0x0a) end++;
  let nmea = "";
  for (let i = VELODYNE_POSITION_PACKET.NMEA_OFFSET; i < end; i++) nmea += String.fromCharCode(packet[i]);
  return ok({
    gpsTimestampUs: view.getUint32(VELODYNE_POSITION_PACKET.TIMESTAMP_OFFSET, true),
    ppsStatusByte,
    ppsStatus: ppsStatusByte < PPS_STATUS.length ? PPS_STATUS[ppsStatusByte] : "invalid",
    nmea,
    nmeaChecksumOk: nmeaChecksum(nmea),
  });
}

function nmeaChecksum(sentence: string): boolean | undefined {
  const star = sentence.lastIndexOf("*");
  if (!sentence.startsWith("$") || star < 0 || star + 3 > sentence.length) return undefined;
  let sum = 0;
  for (let i = 1; i < star; i++) sum ^= sentence.charCodeAt(i);
  const given = Number.parseInt(sentence.slice(star + 1, star + 3), 16);
  return Number.isNaN(given) ? false : given === sum;
}

/** Fields of a $GPRMC sentence that a driver uses (UTC time and date, fix validity, position). */
export interface GprmcFix {
  readonly utcTime: string;
  readonly valid: boolean;
  readonly latitudeDeg: number | undefined;
  readonly longitudeDeg: number | undefined;
  readonly date: string;
}

export function parseGprmc(sentence: string): GprmcFix | undefined {
  const body = sentence.split("*")[0];
  const f = body.split(",");
  if (f.length < 10 || !/^\$G[PN]RMC$/.test(f[0])) return undefined;
  const coord = (v: string, hemi: string, degDigits: number): number | undefined => {
    if (v.length < degDigits + 2) return undefined;
    const deg = Number(v.slice(0, degDigits));
    const min = Number(v.slice(degDigits));
    if (!Number.isFinite(deg) || !Number.isFinite(min)) return undefined;
    const value = deg + min / 60;
    return hemi === "S" || hemi === "W" ? -value : value;
  };
  return {
    utcTime: f[1],
    valid: f[2] === "A",
    latitudeDeg: coord(f[3], f[4], 2),
    longitudeDeg: coord(f[5], f[6], 3),
    date: f[9],
  };
}
