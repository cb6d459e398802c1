// The ZeroMQ wire frame of one bus message: multipart [topic, header, payload].
//   topic   UTF-8 topic name (ZeroMQ subscriptions match its prefix; receivers check it exactly)
//   header  fixed little-endian fields below, then the publisher id in UTF-8
//   payload protobuf bytes from encodeMessage(topic, message)

/** Header byte offsets. */
export const HEADER = Object.freeze({
  /** u8, {@link WIRE_VERSION}. */
  VERSION: 0,
  /** u8, byte length of the publisher id at {@link HEADER.PUBLISHER_ID}. */
  PUBLISHER_ID_LENGTH: 1,
  /** bytes 2..7 reserved, zero. */
  /** i64, sensor time of the data, ns. */
  STAMP_NS: 8,
  /** u64, per-publisher per-topic sequence number. */
  SEQ: 16,
  /** UTF-8 publisher id. */
  PUBLISHER_ID: 24,
});
export const HEADER_FIXED_BYTES = 24;
export const WIRE_VERSION = 1;
export const MAX_PUBLISHER_ID_BYTES = 255;

export interface WireHeader {
  readonly stampNs: bigint;
  readonly seq: number;
  readonly publisherId: string;
}

/** A frame that is not a bus message (wrong part count, short header, unknown version...). */
export class WireFormatError extends Error {
  override readonly name = "WireFormatError";
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** Publisher id bytes, validated once per publisher. */
export function encodePublisherId(publisherId: string): Uint8Array {
  const bytes = utf8Encoder.encode(publisherId);
  if (bytes.length === 0 || bytes.length > MAX_PUBLISHER_ID_BYTES) {
    throw new Error(`publisher id must be 1..${MAX_PUBLISHER_ID_BYTES} UTF-8 bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function encodeHeader(stampNs: bigint, seq: number, publisherIdBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_FIXED_BYTES + publisherIdBytes.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint8(HEADER.VERSION, WIRE_VERSION);
  view.setUint8(HEADER.PUBLISHER_ID_LENGTH, publisherIdBytes.length);
  view.setBigInt64(HEADER.STAMP_NS, stampNs, true);
  view.setBigUint64(HEADER.SEQ, BigInt(seq), true);
  out.set(publisherIdBytes, HEADER.PUBLISHER_ID);
  return out;
}

/** Parses a header; throws {@link WireFormatError} on anything malformed. */
export function decodeHeader(bytes: Uint8Array): WireHeader {
  if (bytes.byteLength < HEADER_FIXED_BYTES) {
    throw new WireFormatError(`header too short: expected at least ${HEADER_FIXED_BYTES} bytes, got ${bytes.byteLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(HEADER.VERSION);
  if (version !== WIRE_VERSION) throw new WireFormatError(`unknown wire version ${version}, expected ${WIRE_VERSION}`);
  const idLength = view.getUint8(HEADER.PUBLISHER_ID_LENGTH);
  if (bytes.byteLength !== HEADER_FIXED_BYTES + idLength) {
    throw new WireFormatError(`header length: expected ${HEADER_FIXED_BYTES + idLength} bytes, got ${bytes.byteLength}`);
  }
  const seq = view.getBigUint64(HEADER.SEQ, true);
  if (seq > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireFormatError(`seq ${seq} out of range`);
  let publisherId: string;
  try {
    publisherId = utf8Decoder.decode(bytes.subarray(HEADER.PUBLISHER_ID));
  } catch {
    throw new WireFormatError("publisher id is not UTF-8");
  }
  return { stampNs: view.getBigInt64(HEADER.STAMP_NS, true), seq: Number(seq), publisherId };
}

/** Decodes the topic frame; throws {@link WireFormatError} if it is not UTF-8. */
export function decodeTopicFrame(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new WireFormatError("topic frame is not UTF-8");
  }
}
