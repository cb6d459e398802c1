// Salvages a log whose recorder was killed (SIGKILL, power loss, a crash): such a file has no
// footer or summary, so LogReader refuses it as truncated. The records are read from the start in
// order, every complete chunk (its CRC checked) is kept, and the messages go into a new, complete
// log written by McapRecorder: what the killed recorder would have written had it been closed then.
// What is lost is said: the unfinished tail (a recorder buffers up to one chunk), or everything
// after a corrupt record.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { McapStreamReader } from "@mcap/core";
import { decodeMessage, type TopicName, TOPICS } from "../bus/index.ts";
import { type ChunkCompression, DECOMPRESS_HANDLERS } from "./chunkCompression.ts";
import { LogError } from "./LogReader.ts";
import { MCAP_METADATA_NAME } from "./McapRecorder.ts";
import { PendingLog } from "./PendingLog.ts";

export interface RecoveredLog {
  readonly path: string;
  readonly out: string;
  /** The input had its footer: nothing was missing (the output is a rewritten copy). */
  readonly complete: boolean;
  readonly messages: number;
  readonly topics: Readonly<Record<string, number>>;
  /** Bytes at the end that could not be read (an unfinished chunk or record, or all after a corrupt one). */
  readonly lostBytes: number;
  /** Why reading stopped before the end, in words; undefined when it reached the end. */
  readonly stopped?: string;
  /** Messages on topics the topic table does not have, or that do not decode: left out, by topic. */
  readonly skipped: Readonly<Record<string, number>>;
}

export interface RecoverOptions {
  /**
   * Chunk size of the new log (McapRecorder's default, 1 MiB, unless given); the same as the recorder's gives the same bytes
   * (the chunks are compressed as the input's are).
   */
  readonly chunkSize?: number;
  /** Called with bytes read so far and the file size, after each block read. */
  readonly onProgress?: (bytesRead: number, size: number) => void;
}

export async function recoverLog(path: string, out: string, options: RecoverOptions = {}): Promise<RecoveredLog> {
  if (resolve(path) === resolve(out)) throw new Error(`recover ${path}: give another file as the output, the input is read while the output is written`);
  const size = await stat(path).then(
    (s) => {
      if (!s.isFile()) throw new LogError("unreadable", path, `${path} is not a file`);
      return s.size;
    },
    (e: NodeJS.ErrnoException) => {
      throw new LogError(e.code === "ENOENT" ? "not-found" : "unreadable", path, `cannot read ${path} (${e.message})`);
    },
  );
  const reader = new McapStreamReader({ validateCrcs: true, decompressHandlers: DECOMPRESS_HANDLERS, includeChunks: true });
  const topicOfChannel = new Map<number, string>();
  const topics: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  let metadata: Record<string, string> | undefined;
  // The new log stores its chunks as the input's first chunk did, so a complete log comes out as it went in.
  let compression: ChunkCompression | undefined;
  let log: PendingLog | undefined;
  let messages = 0;
  let complete = false;
  let stopped: string | undefined;
  let consumed = 0; // bytes appended to the reader
  let goodUpTo = 0; // file offset after the last record read whole
  let records = 0;
  const openOutput = async () => (log ??= await PendingLog.open(out, { metadata, chunkSize: options.chunkSize, compression }));

  try {
    reading: for await (const block of createReadStream(path, { highWaterMark: 1 << 20 })) {
      consumed += (block as Buffer).length;
      try {
        reader.append(block as Buffer);
        for (let record; (record = reader.nextRecord()); records++) {
          switch (record.type) {
            case "Metadata":
              if (record.name === MCAP_METADATA_NAME && !log) metadata = Object.fromEntries(record.metadata);
              break;
            case "Chunk":
              // Any other compression fails as unsupported when this chunk is decompressed, before its first message.
              compression ??= record.compression === "" ? "none" : "zstd";
              break;
            case "Channel":
              topicOfChannel.set(record.id, record.topic);
              break;
            case "Message": {
              const topic = topicOfChannel.get(record.channelId) ?? `(channel ${record.channelId})`;
              let message;
              try {
                if (!(topic in TOPICS)) throw new Error("not in the topic table");
                message = decodeMessage(topic as TopicName, record.data);
              } catch {
                skipped[topic] = (skipped[topic] ?? 0) + 1;
                break;
              }
              (await openOutput()).recorder.record({ topic: topic as TopicName, stampNs: record.logTime, seq: record.sequence, message });
              topics[topic] = (topics[topic] ?? 0) + 1;
              messages++;
              break;
            }
            case "Footer":
              complete = true;
              break;
          }
          // A chunk is yielded before it is decompressed and checked: it counts once its messages have come.
          if (record.type !== "Chunk") goodUpTo = consumed - reader.bytesRemaining();
        }
      } catch (e) {
        if (records === 0) throw new LogError("not-mcap", path, `${path} is not an MCAP log: ${(e as Error).message}`);
        stopped = `a corrupt record after byte ${goodUpTo} (${(e as Error).message}); nothing after it is read`;
        break reading;
      }
      options.onProgress?.(consumed, size);
    }
    const lostBytes = complete ? 0 : size - goodUpTo;
    if (!stopped && !complete) stopped = lostBytes > 0 ? `the last ${lostBytes} bytes are an unfinished chunk or record` : "the file ends after its last complete chunk, without a footer: what its recorder had not yet written out is not in it";
    if (messages === 0) throw new LogError("truncated", path, `${path}: no complete message to recover (${stopped ?? "an empty log"}); nothing written to ${out}`);
    log!.keep();
    await log!.close();
    log = undefined;
    return { path, out, complete, messages, topics, lostBytes, stopped: complete ? undefined : stopped, skipped };
  } finally {
    await log?.close(); // a failure: never kept, so an earlier file named `out` is left as it was
  }
}
