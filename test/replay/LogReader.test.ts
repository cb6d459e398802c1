import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McapWriter } from "@mcap/core";
import { FileHandleWritable } from "@mcap/nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeMessage, type Envelope, fileDescriptorSet, msg } from "../../bus/index.ts";
import { type ChunkCompression, checkLog, LogError, type LogErrorKind, LogReader, logInfo, McapRecorder, readLog } from "../../replay/index.ts";
import { syntheticDrive } from "./syntheticDrive.ts";

let dir: string;
let good: string;
let goodBytes: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "curb-logreader-"));
  good = join(dir, "good.mcap");
  await record(good);
  goodBytes = await readFile(good);
});

/** The synthetic drive, 20 frames, in 2 KiB chunks. */
async function record(path: string, compression?: ChunkCompression): Promise<void> {
  const recorder = await McapRecorder.open(path, { chunkSize: 2048, compression });
  const seqs = new Map<string, number>();
  for (const p of syntheticDrive(20)) {
    const seq = seqs.get(p.topic) ?? 0;
    seqs.set(p.topic, seq + 1);
    recorder.record({ ...p, seq } as Envelope);
  }
  await recorder.close();
}
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(path: string, options?: Parameters<typeof readLog>[1]): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for await (const e of readLog(path, options)) out.push(e);
  return out;
}

async function expectLogError(promise: Promise<unknown>, kind: LogErrorKind, text: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a LogError of kind ${kind}`).toBeInstanceOf(LogError);
  expect((error as LogError).kind).toBe(kind);
  expect((error as LogError).message).toMatch(text);
}

describe("LogReader on bad input", () => {
  it("a missing file: not found", async () => {
    const path = join(dir, "does-not-exist.mcap");
    await expectLogError(LogReader.open(path), "not-found", /log file not found: .*does-not-exist\.mcap/);
    await expectLogError(collect(path), "not-found", /not found/);
    await expectLogError(logInfo(path), "not-found", /not found/);
  });

  it("a directory: unreadable", async () => {
    await expectLogError(LogReader.open(dir), "unreadable", /cannot (open|read) log file .*EISDIR/);
  });

  it("garbage bytes: not an MCAP file", async () => {
    const path = join(dir, "garbage.mcap");
    // Deterministic garbage, long enough to pass any size check.
    await writeFile(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff)));
    await expectLogError(LogReader.open(path), "not-mcap", /is not an MCAP file: it does not start with the MCAP magic/);
  });

  it("an empty file: not an MCAP file", async () => {
    const path = join(dir, "empty.mcap");
    await writeFile(path, new Uint8Array(0));
    await expectLogError(LogReader.open(path), "not-mcap", /is not an MCAP file: it is empty/);
  });

  it("a truncated file (the recorder was never closed): truncated", async () => {
    for (const fraction of [0.05, 0.5, 0.99]) {
      const path = join(dir, `truncated-${fraction}.mcap`);
      await writeFile(path, goodBytes.subarray(0, Math.floor(goodBytes.length * fraction)));
      await expectLogError(LogReader.open(path), "truncated", /truncated MCAP file .*no footer.*`curb log recover` copies its complete chunks/);
    }
    // Only the magic bytes.
    const path = join(dir, "magic-only.mcap");
    await writeFile(path, goodBytes.subarray(0, 8));
    await expectLogError(LogReader.open(path), "truncated", /truncated/);
  });

  it("a recorder that is still open leaves a file that reads as truncated", async () => {
    const path = join(dir, "open.mcap");
    const recorder = await McapRecorder.open(path);
    recorder.record({ topic: "/control/command", stampNs: 1n, seq: 0, message: msg.create(msg.ControlCommandSchema) });
    await recorder.flush();
    await expectLogError(LogReader.open(path), "truncated", /truncated/);
    await recorder.close();
    expect((await collect(path)).length).toBe(1);
  });

  it("a log a live run is writing (PendingLog, the recorders' way): being written, not truncated; truncated once that run is killed", { timeout: 20_000 }, async () => {
    const path = join(dir, "live.mcap");
    const writer = spawn(process.execPath, ["--import", "tsx", new URL("./fixtures/holdLog.ts", import.meta.url).pathname, path, "keep"], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve) => writer.stdout!.once("data", resolve));
    await expectLogError(LogReader.open(path), "being-written", new RegExp(`is being written by process ${writer.pid} \\(\\d+ bytes so far\\): its footer and index come when that run stops`));
    await expectLogError(logInfo(path), "being-written", /is being written/);
    await new Promise((resolve) => (writer.once("exit", resolve), writer.kill("SIGKILL")));
    await expectLogError(LogReader.open(path), "truncated", /truncated MCAP file/); // its lock is stale now
  });

  it("a damaged summary: corrupt (summary CRC)", async () => {
    const path = join(dir, "bad-summary.mcap");
    const bytes = Buffer.from(goodBytes);
    const reader = await LogReader.open(good);
    const summaryStart = Number(reader.mcap.footer.summaryStart);
    await reader.close();
    bytes[summaryStart + 20] ^= 0xff;
    await writeFile(path, bytes);
    await expectLogError(LogReader.open(path), "corrupt", /corrupt MCAP file .*CRC/);
  });

  it("a damaged chunk: corrupt when its messages are read (zstd: it does not decompress; uncompressed: its CRC)", async () => {
    const plain = join(dir, "plain.mcap");
    await record(plain, "none");
    for (const [source, text] of [
      [good, /corrupt MCAP file \(reading messages\): a zstd chunk does not decompress, its bytes are damaged/],
      [plain, /corrupt MCAP file \(reading messages\): .*CRC/],
    ] as const) {
      const path = join(dir, "bad-chunk.mcap");
      const bytes = await readFile(source);
      const reader = await LogReader.open(source);
      const chunk = reader.mcap.chunkIndexes[0];
      await reader.close();
      // Flip a byte near the end of the first chunk's records (payload data, not framing).
      bytes[Number(chunk.chunkStartOffset + chunk.chunkLength) - 3] ^= 0xff;
      await writeFile(path, bytes);
      const opened = await LogReader.open(path); // the summary is intact
      await opened.close();
      await expectLogError(collect(path), "corrupt", text);
      // The channels' time ranges come from the message indexes, outside the chunk: still all there.
      expect((await logInfo(path)).channels).toEqual((await logInfo(source)).channels);
    }
    const path = join(dir, "bad-chunk.mcap");
    const reader = await LogReader.open(good);
    const chunk = reader.mcap.chunkIndexes[0];
    await reader.close();
    // A damaged message index is a corrupt log, said as such.
    const cut = Buffer.from(goodBytes);
    cut.writeBigUInt64LE(1n << 40n, Number([...chunk.messageIndexOffsets.values()][0]) + 1); // a record length past its block
    await writeFile(path, cut);
    await expectLogError(logInfo(path), "corrupt", /corrupt MCAP file \(reading its message indexes\): message index record at byte 0 runs past its block/);
  });

  it("a valid MCAP without an index: not indexed", async () => {
    const path = join(dir, "unindexed.mcap");
    const handle = await open(path, "w");
    const writer = new McapWriter({
      writable: new FileHandleWritable(handle),
      useStatistics: false,
      useSummaryOffsets: false,
      repeatSchemas: false,
      repeatChannels: false,
      useChunkIndex: false,
      useMetadataIndex: false,
      useAttachmentIndex: false,
    });
    await writer.start({ profile: "", library: "test" });
    const schemaId = await writer.registerSchema({ name: "curb.ControlCommand", encoding: "protobuf", data: fileDescriptorSet(msg.ControlCommandSchema) });
    const channelId = await writer.registerChannel({ topic: "/control/command", schemaId, messageEncoding: "protobuf", metadata: new Map() });
    await writer.addMessage({ channelId, sequence: 0, logTime: 1n, publishTime: 1n, data: new Uint8Array() });
    await writer.end();
    await handle.close();
    await expectLogError(LogReader.open(path), "not-indexed", /without a summary\/index section/);
  });
});

describe("LogReader on channels the topic table cannot decode", () => {
  let path: string;
  beforeAll(async () => {
    path = join(dir, "foreign.mcap");
    const handle = await open(path, "w");
    const writer = new McapWriter({ writable: new FileHandleWritable(handle) });
    await writer.start({ profile: "", library: "test" });
    const tfSchema = await writer.registerSchema({ name: "foxglove.FrameTransforms", encoding: "protobuf", data: fileDescriptorSet(msg.FrameTransformsSchema) });
    const wrongSchema = await writer.registerSchema({ name: "foxglove.PoseInFrame", encoding: "protobuf", data: new Uint8Array() });
    const tf = await writer.registerChannel({ topic: "/tf", schemaId: tfSchema, messageEncoding: "protobuf", metadata: new Map() });
    const unknown = await writer.registerChannel({ topic: "/somebody/else", schemaId: tfSchema, messageEncoding: "protobuf", metadata: new Map() });
    const mismatched = await writer.registerChannel({ topic: "/vehicle/state", schemaId: wrongSchema, messageEncoding: "protobuf", metadata: new Map() });
    const data = encodeMessage("/tf", msg.create(msg.FrameTransformsSchema, { transforms: [{ parentFrameId: "map", childFrameId: "base_link" }] }));
    for (let i = 0; i < 3; i++) {
      for (const channelId of [tf, unknown, mismatched]) {
        await writer.addMessage({ channelId, sequence: i, logTime: BigInt(i), publishTime: BigInt(i), data });
      }
    }
    await writer.end();
    await handle.close();
  });

  it("reports each problem channel in the summary, and counts are still available", async () => {
    const info = await logInfo(path);
    expect(info.channels.map((c) => [c.topic, c.schemaName, c.problem?.kind])).toEqual([
      ["/tf", "foxglove.FrameTransforms", undefined],
      ["/somebody/else", "foxglove.FrameTransforms", "unknown-topic"],
      ["/vehicle/state", "foxglove.PoseInFrame", "schema-mismatch"],
    ]);
    expect(info.messageCount).toBe(9n);
  });

  it("by default refuses to read them, saying why", async () => {
    await expectLogError(collect(path), "unknown-topic", /topic "\/somebody\/else", which is not in the topic table/);
    await expectLogError(collect(path, { topics: ["/tf", "/vehicle/state"] }), "schema-mismatch", /\/vehicle\/state .*"foxglove.PoseInFrame".*"curb.VehicleState"/);
    // Selecting only decodable topics is fine.
    expect((await collect(path, { topics: ["/tf"] })).length).toBe(3);
  });

  it("with undecodable: skip, yields the rest and counts what it skipped", async () => {
    const reader = await LogReader.open(path, { undecodable: "skip" });
    try {
      const got: Envelope[] = [];
      for await (const e of reader.messages()) got.push(e);
      expect(got.map((e) => [e.topic, e.seq])).toEqual([
        ["/tf", 0],
        ["/tf", 1],
        ["/tf", 2],
      ]);
      expect(reader.skipped).toEqual(new Map([["/somebody/else", 3], ["/vehicle/state", 3]]));
    } finally {
      await reader.close();
    }
  });
});

describe("logInfo and checkLog on time", () => {
  it("give each channel's first and last log time, and checkLog the silences over 10 s", async () => {
    const info = await logInfo(good);
    const drive = syntheticDrive(20);
    for (const c of info.channels) {
      const stamps = drive.filter((p) => p.topic === c.topic).map((p) => p.stampNs);
      expect({ topic: c.topic, startNs: c.startNs, endNs: c.endNs }).toEqual({
        topic: c.topic,
        startNs: stamps.reduce((a, b) => (b < a ? b : a)),
        endNs: stamps.reduce((a, b) => (b > a ? b : a)),
      });
    }
    expect(await checkLog(good)).toEqual({ messages: drive.length, gaps: [] });

    // The same drive again a year later in the same file (a capture's clock beside the host's).
    const twoClocks = join(dir, "two-clocks.mcap");
    const recorder = await McapRecorder.open(twoClocks, { chunkSize: 2048 });
    const yearNs = 365n * 86_400n * 1_000_000_000n;
    let seq = 0;
    for (const shift of [0n, yearNs]) for (const p of drive) recorder.record({ ...p, stampNs: p.stampNs + shift, seq: seq++ } as Envelope);
    await recorder.close();
    const last = drive.reduce((a, p) => (p.stampNs > a ? p.stampNs : a), 0n);
    const first = drive.reduce((a, p) => (p.stampNs < a ? p.stampNs : a), last);
    expect(await checkLog(twoClocks)).toEqual({ messages: 2 * drive.length, gaps: [{ fromNs: last, toNs: first + yearNs }] });
    expect((await checkLog(twoClocks, Infinity)).gaps).toEqual([]);
    const map = (await logInfo(twoClocks)).channels.find((c) => c.topic === "/map")!;
    expect(map.endNs! - map.startNs!).toBe(yearNs);
  });
});
