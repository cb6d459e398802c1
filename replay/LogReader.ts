// Reads an indexed MCAP log back into bus envelopes, with clear errors for files that are not logs.
import { open as openFile, type FileHandle } from "node:fs/promises";
import { MCAP_MAGIC, McapIndexedReader, type McapTypes } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { decodeMessage, type Envelope, type TopicName, type TopicSpec, TOPICS } from "../bus/index.ts";
import { channelTimeRanges, type TimeRange } from "./channelTimeRanges.ts";
import { DECOMPRESS_HANDLERS } from "./chunkCompression.ts";
import { DEFAULT_MAX_GAP_S, type LogGap, maxGapNs, silenceBefore } from "./logGaps.ts";
import { MCAP_ENCODING } from "./McapRecorder.ts";
import { logWriter } from "./PendingLog.ts";

/** What is wrong with a log, for callers that branch on it; the message says it in words. */
export type LogErrorKind =
  | "not-found" // no such file
  | "unreadable" // the file exists but cannot be opened or read
  | "not-mcap" // does not start with the MCAP magic bytes (or is empty)
  | "truncated" // starts as MCAP but has no footer: writing stopped before close()
  | "being-written" // no footer yet: a live process is writing it (its PendingLog lock is held)
  | "not-indexed" // valid MCAP without a summary section (not written by McapRecorder)
  | "corrupt" // CRC mismatch, bad offsets, unparsable records or payloads
  | "unsupported" // e.g. a chunk compression this reader has no decompressor for
  | "unknown-topic" // a channel whose topic is not in the topic table
  | "schema-mismatch"; // a channel whose encoding or schema name differs from the topic table

export class LogError extends Error {
  readonly kind: LogErrorKind;
  readonly path: string;

  constructor(kind: LogErrorKind, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LogError";
    this.kind = kind;
    this.path = path;
  }
}

/**
 * What to do with messages on channels the topic table cannot decode (unknown topic, or a schema
 * name / encoding that differs from the table):
 * - "error" (default): `messages()` throws a LogError before yielding anything if any selected
 *   channel is such a channel.
 * - "skip": those messages are skipped and counted in `LogReader.skipped` (topic → count).
 */
export type UndecodablePolicy = "error" | "skip";

export interface LogReaderOptions {
  readonly undecodable?: UndecodablePolicy;
}

export interface LogChannelInfo {
  readonly id: number;
  readonly topic: string;
  readonly messageEncoding: string;
  readonly schemaName: string;
  readonly schemaEncoding: string;
  /** From the summary statistics. */
  readonly messageCount: bigint;
  /** Why the topic table cannot decode this channel; undefined when it can. */
  readonly problem?: { readonly kind: "unknown-topic" | "schema-mismatch"; readonly message: string };
  /**
   * Log time of the channel's first and last message, ns: from `logInfo` (the message indexes), not
   * `info()`. Undefined for a channel without messages.
   */
  readonly startNs?: bigint;
  readonly endNs?: bigint;
}

/** Plain data (JSON-friendly apart from bigint): what `curb log info` prints. */
export interface LogInfo {
  readonly path: string;
  readonly profile: string;
  readonly library: string;
  readonly messageCount: bigint;
  /** Log time of the first and last message, ns (0n for an empty log). */
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly chunkCount: number;
  /** The chunks' compressions ("zstd", "" for none), each once, in order of first use. */
  readonly chunkCompressions: readonly string[];
  /** Bytes of the chunks' records as stored and as decompressed (equal for uncompressed chunks). */
  readonly chunkBytes: { readonly stored: number; readonly uncompressed: number };
  readonly channels: readonly LogChannelInfo[];
  /** Metadata records by name (McapRecorder writes one named "curb" when given metadata). */
  readonly metadata: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface ReadMessagesOptions {
  /** Only these topics; default all. */
  readonly topics?: readonly string[];
  /** Inclusive log-time range, ns. */
  readonly startNs?: bigint;
  readonly endNs?: bigint;
}

/**
 * An opened MCAP log. `messages()` yields decoded envelopes in log-time order (ties in the order
 * they were written); stampNs = log time, seq = MCAP sequence.
 */
export class LogReader {
  readonly path: string;
  /** The underlying @mcap/core reader, for index-level inspection. */
  readonly mcap: McapIndexedReader;
  /** Messages skipped under the "skip" policy, by topic. */
  readonly skipped = new Map<string, number>();
  readonly #handle: FileHandle;
  readonly #policy: UndecodablePolicy;
  readonly #channels: ReadonlyMap<number, LogChannelInfo>;
  readonly #metadata: Map<string, ReadonlyMap<string, string>>;

  private constructor(
    path: string,
    handle: FileHandle,
    mcap: McapIndexedReader,
    policy: UndecodablePolicy,
    metadata: Map<string, ReadonlyMap<string, string>>,
  ) {
    this.path = path;
    this.#handle = handle;
    this.mcap = mcap;
    this.#policy = policy;
    this.#metadata = metadata;
    const counts = mcap.statistics?.channelMessageCounts;
    const channels = new Map<number, LogChannelInfo>();
    for (const channel of [...mcap.channelsById.values()].sort((a, b) => a.id - b.id)) {
      const schema = mcap.schemasById.get(channel.schemaId);
      channels.set(channel.id, {
        id: channel.id,
        topic: channel.topic,
        messageEncoding: channel.messageEncoding,
        schemaName: schema?.name ?? "",
        schemaEncoding: schema?.encoding ?? "",
        messageCount: counts?.get(channel.id) ?? 0n,
        problem: channelProblem(channel, schema),
      });
    }
    this.#channels = channels;
  }

  /** Opens and checks a log. Throws a LogError saying what is wrong with a file that is not a readable log. */
  static async open(path: string, options: LogReaderOptions = {}): Promise<LogReader> {
    let handle: FileHandle;
    try {
      handle = await openFile(path, "r");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new LogError("not-found", path, `log file not found: ${path}`, { cause: error });
      throw new LogError("unreadable", path, `cannot open log file ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      try {
        await checkFraming(path, handle);
      } catch (error) {
        if (error instanceof LogError) throw error;
        throw new LogError("unreadable", path, `cannot read log file ${path}: ${(error as Error).message}`, { cause: error });
      }
      let mcap: McapIndexedReader;
      try {
        mcap = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: DECOMPRESS_HANDLERS });
      } catch (error) {
        throw classify(path, error, "reading its summary");
      }
      const metadata = new Map<string, ReadonlyMap<string, string>>();
      try {
        for await (const record of mcap.readMetadata()) metadata.set(record.name, record.metadata);
      } catch (error) {
        throw classify(path, error, "reading its metadata");
      }
      return new LogReader(path, handle, mcap, options.undecodable ?? "error", metadata);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Channels in id order, with schema names and message counts. */
  channels(): LogChannelInfo[] {
    return [...this.#channels.values()];
  }

  /** Messages per topic from the summary statistics (no message is read). */
  messageCounts(): Map<string, bigint> {
    if (!this.mcap.statistics) {
      throw new LogError("not-indexed", this.path, `${this.path} has no statistics record, so per-topic counts are unknown without reading every message`);
    }
    const counts = new Map<string, bigint>();
    for (const channel of this.#channels.values()) {
      counts.set(channel.topic, (counts.get(channel.topic) ?? 0n) + channel.messageCount);
    }
    return counts;
  }

  /** Topic → schema name (e.g. "/tf" → "foxglove.FrameTransforms"). */
  schemaNames(): Map<string, string> {
    const names = new Map<string, string>();
    for (const channel of this.#channels.values()) names.set(channel.topic, channel.schemaName);
    return names;
  }

  info(): LogInfo {
    const stats = this.mcap.statistics;
    return {
      path: this.path,
      profile: this.mcap.header.profile,
      library: this.mcap.header.library,
      messageCount: stats?.messageCount ?? 0n,
      startNs: stats?.messageStartTime ?? 0n,
      endNs: stats?.messageEndTime ?? 0n,
      chunkCount: this.mcap.chunkIndexes.length,
      chunkCompressions: [...new Set(this.mcap.chunkIndexes.map((c) => c.compression))],
      chunkBytes: {
        stored: this.mcap.chunkIndexes.reduce((sum, c) => sum + Number(c.compressedSize), 0),
        uncompressed: this.mcap.chunkIndexes.reduce((sum, c) => sum + Number(c.uncompressedSize), 0),
      },
      channels: this.channels(),
      metadata: Object.fromEntries([...this.#metadata].map(([name, entries]) => [name, Object.fromEntries(entries)])),
    };
  }

  /** Each channel's first and last log time, ns, by channel id, from the message indexes (no chunk is decompressed). */
  async channelTimeRanges(): Promise<Map<number, TimeRange>> {
    return channelTimeRanges(this.mcap.chunkIndexes, async (offset, length) => {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await this.#handle.read(bytes, 0, length, Number(offset));
      if (bytesRead < length) throw new Error(`Read only ${bytesRead} bytes of a message index`);
      return bytes;
    });
  }

  /** Decoded envelopes in log-time order. */
  async *messages(options: ReadMessagesOptions = {}): AsyncGenerator<Envelope, void, void> {
    const selected = options.topics ? new Set(options.topics) : undefined;
    if (this.#policy === "error") {
      for (const channel of this.#channels.values()) {
        if (channel.problem && channel.messageCount > 0n && (!selected || selected.has(channel.topic))) {
          throw new LogError(channel.problem.kind, this.path, `${this.path}: ${channel.problem.message} (use undecodable: "skip" to read the rest)`);
        }
      }
    }
    const records = this.mcap.readMessages({
      topics: options.topics,
      startTime: options.startNs,
      endTime: options.endNs,
    });
    while (true) {
      let next: IteratorResult<McapTypes.TypedMcapRecords["Message"], void>;
      try {
        next = await records.next();
      } catch (error) {
        throw classify(this.path, error, "reading messages");
      }
      if (next.done) return;
      const record = next.value;
      const channel = this.#channels.get(record.channelId);
      if (!channel) {
        throw new LogError("corrupt", this.path, `${this.path}: message at log time ${record.logTime} refers to channel ${record.channelId}, which the summary does not list`);
      }
      if (channel.problem) {
        if (this.#policy === "error") {
          throw new LogError(channel.problem.kind, this.path, `${this.path}: ${channel.problem.message}`);
        }
        this.skipped.set(channel.topic, (this.skipped.get(channel.topic) ?? 0) + 1);
        continue;
      }
      const topic = channel.topic as TopicName;
      let message;
      try {
        message = decodeMessage(topic, record.data);
      } catch (error) {
        throw new LogError("corrupt", this.path, `${this.path}: cannot decode ${channel.schemaName} on ${topic} at log time ${record.logTime}: ${(error as Error).message}`, { cause: error });
      }
      yield { topic, stampNs: record.logTime, seq: record.sequence, message } as Envelope;
    }
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

/** Opens a log, yields every decoded envelope in log-time order, and closes it (also on early exit). */
export async function* readLog(
  path: string,
  options: LogReaderOptions & ReadMessagesOptions = {},
): AsyncGenerator<Envelope, void, void> {
  const reader = await LogReader.open(path, options);
  try {
    yield* reader.messages(options);
  } finally {
    await reader.close();
  }
}

/** A log's summary (per-topic counts, schema names, time ranges) without reading all its messages. */
export async function logInfo(path: string): Promise<LogInfo> {
  const reader = await LogReader.open(path);
  try {
    const info = reader.info();
    const ranges = await reader.channelTimeRanges();
    return { ...info, channels: info.channels.map((c) => ({ ...c, ...ranges.get(c.id) })) };
  } catch (error) {
    throw classify(path, error, "reading its message indexes");
  } finally {
    await reader.close();
  }
}

/** What `checkLog` found: the messages read and decoded, and the silences. */
export interface LogCheck {
  readonly messages: number;
  readonly gaps: readonly LogGap[];
}

/**
 * Reads and decodes every message of a log (chunk CRCs, protobuf) and returns how many: what the summary
 * alone cannot tell, since it is written at close from counts, not from the bytes on disk. Also the
 * silences longer than `maxGapS` (logGaps.ts). Throws LogError.
 */
export async function checkLog(path: string, maxGapS = DEFAULT_MAX_GAP_S): Promise<LogCheck> {
  const longestNs = maxGapNs(maxGapS);
  let messages = 0;
  let lastNs: bigint | undefined;
  const gaps: LogGap[] = [];
  for await (const e of readLog(path)) {
    const gap = silenceBefore(lastNs, e.stampNs, longestNs);
    if (gap) gaps.push(gap);
    lastNs = e.stampNs;
    messages += 1;
  }
  return { messages, gaps };
}

function channelProblem(
  channel: McapTypes.TypedMcapRecords["Channel"],
  schema: McapTypes.TypedMcapRecords["Schema"] | undefined,
): LogChannelInfo["problem"] {
  const spec = (TOPICS as Record<string, TopicSpec>)[channel.topic];
  if (!spec) {
    return { kind: "unknown-topic", message: `channel ${channel.id} has topic "${channel.topic}", which is not in the topic table` };
  }
  const expected = spec.schema.typeName;
  if (channel.messageEncoding !== MCAP_ENCODING || schema?.encoding !== MCAP_ENCODING || schema.name !== expected) {
    const found = schema ? `${schema.encoding} schema "${schema.name}"` : "no schema";
    return {
      kind: "schema-mismatch",
      message: `topic ${channel.topic} is logged as ${channel.messageEncoding} messages with ${found}, but the topic table says protobuf "${expected}"`,
    };
  }
  return undefined;
}

/** Magic at both ends, checked before the MCAP library so the error can say "not MCAP" vs "truncated". */
async function checkFraming(path: string, handle: FileHandle): Promise<void> {
  const size = (await handle.stat()).size;
  const magicLength = MCAP_MAGIC.length;
  if (size === 0) throw new LogError("not-mcap", path, `${path} is not an MCAP file: it is empty`);
  const head = Buffer.alloc(magicLength);
  const { bytesRead } = await handle.read(head, 0, magicLength, 0);
  if (bytesRead < magicLength || !MCAP_MAGIC.every((byte, i) => head[i] === byte)) {
    throw new LogError("not-mcap", path, `${path} is not an MCAP file: it does not start with the MCAP magic bytes`);
  }
  const tail = Buffer.alloc(magicLength);
  const tailRead = size >= 2 * magicLength ? (await handle.read(tail, 0, magicLength, size - magicLength)).bytesRead : 0;
  if (tailRead < magicLength || !MCAP_MAGIC.every((byte, i) => tail[i] === byte)) {
    // A recording still running has no footer either; "truncated" would send its user to recover a healthy log.
    const writer = logWriter(path);
    if (writer) {
      throw new LogError(
        "being-written",
        path,
        `${path} is being written by process ${writer.pid} (${size} bytes so far): its footer and index come when that run stops (\`curb log recover\` copies the chunks already on disk into a new log)`,
      );
    }
    throw new LogError(
      "truncated",
      path,
      `${path} is a truncated MCAP file (${size} bytes): it has no footer and closing magic, so writing stopped before the recorder was closed (\`curb log recover\` copies its complete chunks into a new log)`,
    );
  }
}

function classify(path: string, error: unknown, during: string): LogError {
  if (error instanceof LogError) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (/not indexed/i.test(text)) {
    return new LogError("not-indexed", path, `${path} is an MCAP file without a summary/index section, which this reader needs: ${text}`, { cause: error });
  }
  if (/Unsupported compression/i.test(text)) {
    return new LogError("unsupported", path, `${path} uses a chunk compression this reader cannot decompress: ${text}`, { cause: error });
  }
  if (/Read only \d+ bytes/.test(text)) {
    return new LogError("truncated", path, `${path} is a truncated or corrupt MCAP file (an index points past the end) while ${during}: ${text}`, { cause: error });
  }
  return new LogError("corrupt", path, `${path} is a corrupt MCAP file (${during}): ${text}`, { cause: error });
}
