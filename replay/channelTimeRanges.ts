// Each channel's first and last log time, from the MCAP message indexes: the records after each
// chunk that list (log time, offset) per channel, outside the compressed chunk. So no chunk is
// decompressed, and a chunk whose bytes are damaged does not hide the times (`curb log info` stays
// a summary-and-index command; `--check` is what reads the chunks).
import type { McapTypes } from "@mcap/core";

const MESSAGE_INDEX_OPCODE = 0x07;

export interface TimeRange {
  startNs: bigint;
  endNs: bigint;
}

/** Reads `length` bytes of the file at `offset`. */
export type ReadAt = (offset: bigint, length: number) => Promise<Uint8Array>;

/**
 * The log times of each message index record in `bytes` (a chunk's message index block), by channel.
 * Throws with the byte position on a record that does not parse.
 */
export function parseMessageIndexes(bytes: Uint8Array): Map<number, bigint[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<number, bigint[]>();
  for (let at = 0; at < bytes.byteLength; ) {
    if (at + 9 > bytes.byteLength) throw new Error(`message index cut short at byte ${at}`);
    const opcode = view.getUint8(at);
    const length = Number(view.getBigUint64(at + 1, true));
    const body = at + 9;
    if (body + length > bytes.byteLength) throw new Error(`message index record at byte ${at} runs past its block`);
    if (opcode === MESSAGE_INDEX_OPCODE) {
      if (length < 6) throw new Error(`message index record at byte ${at} is ${length} bytes, under its 6-byte head`);
      const channelId = view.getUint16(body, true);
      const recordsLength = view.getUint32(body + 2, true);
      if (recordsLength % 16 !== 0 || 6 + recordsLength > length) throw new Error(`message index record at byte ${at} lists ${recordsLength} bytes of (time, offset) pairs in a ${length}-byte record`);
      const times = out.get(channelId) ?? [];
      for (let r = body + 6; r < body + 6 + recordsLength; r += 16) times.push(view.getBigUint64(r, true));
      out.set(channelId, times);
    }
    at = body + length; // other records (padding, a writer's extras) are skipped, as the spec allows
  }
  return out;
}

/**
 * First and last log time of every channel with messages in the chunk indexes. Reads only the chunks
 * that can hold a channel's first or last message: in order of chunk start (end) until a chunk starts
 * after (ends before) the earliest (latest) time found. A channel absent from every message index
 * (a writer that wrote none) is left out.
 */
export async function channelTimeRanges(chunkIndexes: readonly McapTypes.ChunkIndex[], readAt: ReadAt): Promise<Map<number, TimeRange>> {
  const cache = new Map<McapTypes.ChunkIndex, Map<number, bigint[]>>();
  const timesIn = async (chunk: McapTypes.ChunkIndex, channelId: number): Promise<bigint[]> => {
    let indexes = cache.get(chunk);
    if (!indexes) {
      const offsets = [...chunk.messageIndexOffsets.values()];
      const first = offsets.reduce((a, b) => (b < a ? b : a));
      const bytes = await readAt(first, Number(chunk.messageIndexLength));
      indexes = parseMessageIndexes(bytes);
      cache.set(chunk, indexes);
    }
    return indexes.get(channelId) ?? [];
  };
  const channels = new Set(chunkIndexes.flatMap((c) => [...c.messageIndexOffsets.keys()]));
  const ranges = new Map<number, TimeRange>();
  for (const id of channels) {
    const holding = chunkIndexes.filter((c) => c.messageIndexOffsets.has(id));
    let startNs: bigint | undefined;
    for (const chunk of [...holding].sort((a, b) => (a.messageStartTime < b.messageStartTime ? -1 : a.messageStartTime > b.messageStartTime ? 1 : 0))) {
      if (startNs !== undefined && chunk.messageStartTime > startNs) break;
      for (const t of await timesIn(chunk, id)) if (startNs === undefined || t < startNs) startNs = t;
    }
    let endNs: bigint | undefined;
    for (const chunk of [...holding].sort((a, b) => (a.messageEndTime > b.messageEndTime ? -1 : a.messageEndTime < b.messageEndTime ? 1 : 0))) {
      if (endNs !== undefined && chunk.messageEndTime < endNs) break;
      for (const t of await timesIn(chunk, id)) if (endNs === undefined || t > endNs) endNs = t;
    }
    if (startNs !== undefined && endNs !== undefined) ranges.set(id, { startNs, endNs });
  }
  return ranges;
}
