// Records bus envelopes into an indexed, chunked MCAP file that opens in Foxglove as it is.
import { open as openFile, type FileHandle } from "node:fs/promises";
import type { DescMessage } from "@bufbuild/protobuf";
import { McapWriter } from "@mcap/core";
import { FileHandleWritable } from "@mcap/nodejs";
import type { Subscription } from "rxjs";
import { type Bus, type Envelope, encodeMessage, fileDescriptorSet, type TopicSpec, TOPICS } from "../bus/index.ts";
import { CHUNK_COMPRESSIONS, type ChunkCompression, chunkCompressor } from "./chunkCompression.ts";

/** Written into the MCAP header. Fixed (no version, no time) so the same input gives the same bytes. */
export const MCAP_LIBRARY = "curb-replay";
/** No MCAP well-known profile applies to protobuf-only logs; "" is the spec's "no profile". */
export const MCAP_PROFILE = "";
/** Schema encoding and message encoding of every channel. */
export const MCAP_ENCODING = "protobuf";
/** Name of the metadata record that holds `McapRecorderOptions.metadata`. */
export const MCAP_METADATA_NAME = "curb";

/**
 * Chunk size for logs written live (drivers, `curb record`): a chunk is only on disk once it is
 * full, so this bounds what a killed recorder loses (`curb log recover` keeps the rest): about 1 s
 * of one ARS408 alone (~600 B a cycle at 13.9 Hz), less than one scan with a lidar. The MCAP
 * writer has no flush for a part-filled chunk, so the bound is in bytes, not time.
 */
export const LIVE_CHUNK_SIZE = 16 * 1024;

export interface McapRecorderOptions {
  /**
   * Uncompressed bytes a chunk may hold before it is written out, default 1 MiB. Smaller chunks
   * mean finer seeking in Foxglove and less buffered data lost on a crash, at a little more index.
   */
  readonly chunkSize?: number;
  /** How chunks are stored, default zstd (about 3.4× smaller for the closed loop's logs); "none" writes them as they are. */
  readonly compression?: ChunkCompression;
  /**
   * Key/value pairs stored as one MCAP metadata record named "curb" (e.g. scenario and seed).
   * Must itself be deterministic: no wall-clock times or hostnames if byte-identical logs matter.
   * Keys are written sorted.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

interface Pending {
  readonly topic: string;
  readonly spec: TopicSpec;
  readonly stampNs: bigint;
  readonly seq: number;
  readonly data: Uint8Array;
}

/**
 * Writes envelopes to an MCAP file: chunked (zstd unless told otherwise), with message indexes, chunk indexes,
 * statistics, repeated schemas and channels in the summary, and summary offsets.
 *
 * - One schema per protobuf message type (encoding "protobuf", name = full type name such as
 *   "curb.GroundTruth", data = binary FileDescriptorSet of the type's file and its imports).
 * - One channel per topic (message encoding "protobuf"), registered lazily on the topic's first
 *   message, so a log lists only topics that carried data, and ids follow first-message order.
 * - logTime = publishTime = envelope.stampNs (sensor/sim time, never wall time);
 *   sequence = envelope.seq.
 *
 * `record()` is synchronous: it encodes the message at once (later mutation of the message object
 * does not change the log) and queues the write. Writes run one at a time in call order, so a
 * synchronous burst of publishes is written completely and in order. There is no backpressure:
 * the queue grows if the disk is slower than the publishers. A write error stops the recorder and
 * is thrown by the next `flush()` or `close()`.
 */
export class McapRecorder {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #writer: McapWriter;
  readonly #schemaIds = new Map<string, number>();
  readonly #channelIds = new Map<string, number>();
  readonly #subscriptions: Subscription[] = [];
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  /** A failed write: the file cannot be completed. */
  #error: unknown;
  /** A problem seen while attached to a bus (bus error, unencodable message): reported after the file is completed. */
  #attachError: unknown;
  #closed = false;
  #recorded = 0;

  private constructor(path: string, handle: FileHandle, writer: McapWriter) {
    this.path = path;
    this.#handle = handle;
    this.#writer = writer;
  }

  /** Creates (or truncates) the file at `path` and writes the MCAP header. */
  static async open(path: string, options: McapRecorderOptions = {}): Promise<McapRecorder> {
    const chunkSize = options.chunkSize ?? 1024 * 1024;
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) {
      throw new Error(`McapRecorder: chunkSize must be a positive integer number of bytes, got ${chunkSize}`);
    }
    const compression = options.compression ?? "zstd";
    if (!CHUNK_COMPRESSIONS.includes(compression)) {
      throw new Error(`McapRecorder: compression must be one of ${CHUNK_COMPRESSIONS.join(", ")}, got ${String(compression)}`);
    }
    const handle = await openFile(path, "w");
    try {
      const writer = new McapWriter({
        writable: new FileHandleWritable(handle),
        useChunks: true,
        useChunkIndex: true,
        useMessageIndex: true,
        useStatistics: true,
        useSummaryOffsets: true,
        repeatSchemas: true,
        repeatChannels: true,
        chunkSize,
        compressChunk: chunkCompressor(compression),
      });
      await writer.start({ profile: MCAP_PROFILE, library: MCAP_LIBRARY });
      if (options.metadata) {
        const entries = Object.entries(options.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        await writer.addMetadata({ name: MCAP_METADATA_NAME, metadata: new Map(entries) });
      }
      return new McapRecorder(path, handle, writer);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Envelopes accepted so far (queued or written). */
  get recordedCount(): number {
    return this.#recorded;
  }

  /** Envelopes accepted but not yet handed to the MCAP writer. */
  get pendingCount(): number {
    return this.#queue.length;
  }

  /**
   * Queues one envelope. Any topic of the topic table is accepted (the `logged` flag is applied by
   * `attach`). Throws at once for an unknown topic, after `close()`, or after a write error.
   */
  record(envelope: Envelope): void {
    if (this.#closed) throw new Error(`McapRecorder: record() after close() (${this.path})`);
    if (this.#error !== undefined) throw this.#error;
    const spec = (TOPICS as Record<string, TopicSpec>)[envelope.topic];
    if (!spec) throw new Error(`McapRecorder: unknown topic "${envelope.topic}" is not in the topic table`);
    const data = encodeMessage(envelope.topic, envelope.message);
    this.#queue.push({ topic: envelope.topic, spec, stampNs: envelope.stampNs, seq: envelope.seq, data });
    this.#recorded++;
    this.#draining ??= this.#drain();
  }

  /**
   * Records every message of `bus.all()` whose topic is marked `logged` in the topic table, from now
   * until `close()` (or until the returned subscription is unsubscribed).
   */
  attach(bus: Bus): Subscription {
    if (this.#closed) throw new Error(`McapRecorder: attach() after close() (${this.path})`);
    const subscription = bus.all().subscribe({
      next: (envelope) => {
        const spec = (TOPICS as Record<string, TopicSpec>)[envelope.topic];
        if (!spec?.logged || this.#closed || this.#error !== undefined) return;
        try {
          this.record(envelope);
        } catch (error) {
          // Never throw into the bus (that would break other subscribers); surface it on flush/close.
          this.#attachError ??= error;
        }
      },
      error: (error: unknown) => {
        this.#attachError ??= error;
      },
    });
    this.#subscriptions.push(subscription);
    return subscription;
  }

  /** Resolves when everything recorded so far has been handed to the writer (chunks may still be buffered). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
    if (this.#error !== undefined) throw this.#error;
    if (this.#attachError !== undefined) throw this.#attachError;
  }

  /**
   * Detaches from buses, writes all queued messages, the last chunk and the summary, and closes the
   * file. Throws a write error (the file is then left without a summary and reads as truncated) or,
   * after completing the file, the first error seen while attached to a bus.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#closed = true;
    try {
      while (this.#draining) await this.#draining;
      if (this.#error !== undefined) throw this.#error;
      await this.#writer.end();
    } finally {
      await this.#handle.close();
    }
    if (this.#attachError !== undefined) throw this.#attachError;
  }

  async #drain(): Promise<void> {
    // Always yield once first, so `#draining` is set before this can finish.
    await Promise.resolve();
    let head = 0;
    try {
      while (head < this.#queue.length && this.#error === undefined) {
        const item = this.#queue[head++];
        try {
          const channelId = await this.#channelFor(item);
          await this.#writer.addMessage({
            channelId,
            sequence: item.seq >>> 0,
            logTime: item.stampNs,
            publishTime: item.stampNs,
            data: item.data,
          });
        } catch (error) {
          this.#error = error;
        }
        if (head >= 4096 && head * 2 >= this.#queue.length) {
          // Drop written items so a long-running drain does not hold the whole log in memory.
          this.#queue = this.#queue.slice(head);
          head = 0;
        }
      }
    } finally {
      // The loop ends synchronously after its last check, so nothing queued can be missed here.
      this.#queue = [];
      this.#draining = undefined;
    }
  }

  async #channelFor(item: Pending): Promise<number> {
    const known = this.#channelIds.get(item.topic);
    if (known !== undefined) return known;
    const schema: DescMessage = item.spec.schema;
    let schemaId = this.#schemaIds.get(schema.typeName);
    if (schemaId === undefined) {
      schemaId = await this.#writer.registerSchema({
        name: schema.typeName,
        encoding: MCAP_ENCODING,
        data: fileDescriptorSet(schema),
      });
      this.#schemaIds.set(schema.typeName, schemaId);
    }
    const channelId = await this.#writer.registerChannel({
      topic: item.topic,
      schemaId,
      messageEncoding: MCAP_ENCODING,
      metadata: new Map([
        ["curb.delivery", item.spec.delivery],
        ["curb.rate_hz", String(item.spec.rateHz)],
      ]),
    });
    this.#channelIds.set(item.topic, channelId);
    return channelId;
  }
}
