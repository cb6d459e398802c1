import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileRegistry, type DescMessage, equals, fromBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { decompress as fzstdDecompress } from "fzstd";
import { open, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Envelope, InProcessBus, msg, TOPICS, type TopicName } from "../../bus/index.ts";
import { type ChunkCompression, LogReader, logInfo, MCAP_LIBRARY, MCAP_PROFILE, McapRecorder, readLog } from "../../replay/index.ts";
import { countByTopic, expectedLogOrder, syntheticDrive, T0_NS } from "./syntheticDrive.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "curb-replay-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FRAMES = 50;

/** Publishes the synthetic drive through an InProcessBus with a recorder attached, synchronously, then closes. */
async function recordDrive(path: string, chunkSize?: number, metadata?: Record<string, string>, compression?: ChunkCompression): Promise<void> {
  const bus = new InProcessBus();
  const recorder = await McapRecorder.open(path, { chunkSize, metadata, compression });
  recorder.attach(bus);
  for (const p of syntheticDrive(FRAMES)) bus.publish(p.topic, p.message as never, p.stampNs);
  await recorder.close();
  await bus.close();
}

async function collect(path: string): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for await (const e of readLog(path)) out.push(e);
  return out;
}

/** A generic reader's zstd: another implementation than the recorder's (pure-JS fzstd), so the chunks are standard zstd frames. */
const GENERIC_DECOMPRESS = { zstd: (data: Uint8Array, size: bigint) => fzstdDecompress(data, new Uint8Array(Number(size))) };

async function rawMessages(path: string): Promise<{ topic: string; logTime: bigint; data: Uint8Array }[]> {
  const handle = await open(path, "r");
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: GENERIC_DECOMPRESS });
    const out = [];
    for await (const m of reader.readMessages()) out.push({ topic: reader.channelsById.get(m.channelId)!.topic, logTime: m.logTime, data: m.data });
    return out;
  } finally {
    await handle.close();
  }
}

describe("McapRecorder + LogReader round trip", () => {
  it("writes an indexed, chunked log whose counts, order, schemas and payloads match what was published", async () => {
    const path = join(dir, "drive.mcap");
    await recordDrive(path, 4096, { scenario: "synthetic", seed: "7" });
    const published = syntheticDrive(FRAMES);

    const reader = await LogReader.open(path);
    try {
      // Indexed and chunked: summary with statistics, chunk indexes, message indexes.
      const mcap = reader.mcap;
      expect(mcap.header).toMatchObject({ profile: MCAP_PROFILE, library: MCAP_LIBRARY });
      expect(mcap.footer.summaryStart).toBeGreaterThan(0n);
      expect(mcap.footer.summaryOffsetStart).toBeGreaterThan(0n);
      expect(mcap.statistics).toBeDefined();
      expect(mcap.chunkIndexes.length).toBeGreaterThan(1);
      expect(mcap.statistics!.chunkCount).toBe(mcap.chunkIndexes.length);
      for (const chunk of mcap.chunkIndexes) {
        expect(chunk.messageIndexOffsets.size).toBeGreaterThan(0);
        expect(chunk.messageIndexLength).toBeGreaterThan(0n);
        expect(chunk.compression).toBe("zstd");
      }

      // Per-topic counts from the summary equal what was published.
      const expectedCounts = countByTopic(published);
      expect(new Map([...reader.messageCounts()].map(([t, n]) => [t, Number(n)]))).toEqual(expectedCounts);
      expect(mcap.statistics!.messageCount).toBe(BigInt(published.length));
      expect(mcap.statistics!.channelCount).toBe(expectedCounts.size);
      // One schema per message type, one channel per topic.
      expect(mcap.statistics!.schemaCount).toBe(new Set(published.map((p) => TOPICS[p.topic].schema.typeName)).size);

      // Schemas: protobuf, named by full type name, FileDescriptorSet with the file and its imports.
      const names = reader.schemaNames();
      expect(names.get("/tf")).toBe("foxglove.FrameTransforms");
      expect(names.get("/sim/ground_truth")).toBe("curb.GroundTruth");
      for (const channel of mcap.channelsById.values()) {
        expect(channel.messageEncoding).toBe("protobuf");
        const schema = mcap.schemasById.get(channel.schemaId)!;
        const desc: DescMessage = TOPICS[channel.topic as TopicName].schema;
        expect(schema.encoding).toBe("protobuf");
        expect(schema.name).toBe(desc.typeName);
        const fds = fromBinary(FileDescriptorSetSchema, schema.data);
        const files = fds.file.map((f) => f.name);
        expect(files).toContain(desc.file.proto.name);
        expect(files).toContain("google/protobuf/timestamp.proto");
        for (const dep of desc.file.dependencies) expect(files).toContain(dep.proto.name);
        // Imports come before the files that use them.
        expect(files.indexOf("google/protobuf/timestamp.proto")).toBeLessThan(files.indexOf(desc.file.proto.name));
      }
      const tfFiles = fromBinary(FileDescriptorSetSchema, [...mcap.schemasById.values()].find((s) => s.name === "foxglove.FrameTransforms")!.data).file.map((f) => f.name);
      expect(tfFiles).toEqual(expect.arrayContaining(["foxglove/FrameTransforms.proto", "foxglove/FrameTransform.proto", "foxglove/Vector3.proto", "foxglove/Quaternion.proto", "google/protobuf/timestamp.proto"]));

      const info = reader.info();
      expect(info.metadata).toEqual({ curb: { scenario: "synthetic", seed: "7" } });
      expect(info.startNs).toBe(T0_NS);
      expect(info.endNs).toBe(T0_NS + BigInt(FRAMES - 1) * 100_000_000n);
      expect(info.channels.every((c) => c.problem === undefined)).toBe(true);
    } finally {
      await reader.close();
    }

    // Messages: log-time order, same envelopes (payload, stamp, seq) as published, ties in publish order.
    const read = await collect(path);
    expect(read.length).toBe(published.length);
    for (let i = 1; i < read.length; i++) expect(read[i].stampNs >= read[i - 1].stampNs).toBe(true);
    const expected = expectedLogOrder(published);
    for (let i = 0; i < read.length; i++) {
      const got = read[i];
      const want = expected[i];
      expect(got.topic).toBe(want.topic);
      expect(got.stampNs).toBe(want.stampNs);
      expect(got.seq).toBe(want.seq);
      expect(equals(TOPICS[got.topic].schema as DescMessage, got.message as never, want.message as never)).toBe(true);
    }
    // The late detection list is read back in its time slot, not where it was published.
    const detections = read.filter((e) => e.topic === "/perception/detections");
    expect(detections.map((e) => e.seq).slice(0, 6)).toEqual([0, 1, 2, 4, 3, 5]);
  });

  it("stores schemas a generic protobuf reader (like Foxglove) can decode the payloads with", async () => {
    const path = join(dir, "generic.mcap");
    await recordDrive(path);
    const handle = await open(path, "r");
    try {
      const mcap = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: GENERIC_DECOMPRESS });
      const seen = new Set<string>();
      for await (const m of mcap.readMessages()) {
        const channel = mcap.channelsById.get(m.channelId)!;
        if (seen.has(channel.topic)) continue;
        seen.add(channel.topic);
        const schema = mcap.schemasById.get(channel.schemaId)!;
        const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, schema.data));
        const dynamic = registry.getMessage(schema.name);
        expect(dynamic, schema.name).toBeDefined();
        const generated = TOPICS[channel.topic as TopicName].schema as DescMessage;
        expect(toJson(dynamic!, fromBinary(dynamic!, m.data))).toEqual(toJson(generated, fromBinary(generated, m.data)));
      }
      expect(seen.size).toBe(7);
    } finally {
      await handle.close();
    }
  });

  it("compresses chunks with zstd unless told not to: the same messages, a smaller file; an unknown compression is refused", async () => {
    const zstdPath = join(dir, "zstd.mcap");
    const plainPath = join(dir, "plain.mcap");
    await recordDrive(zstdPath, 64 * 1024);
    await recordDrive(plainPath, 64 * 1024, undefined, "none");
    const plain = await LogReader.open(plainPath);
    try {
      expect(plain.mcap.chunkIndexes.every((c) => c.compression === "" && c.compressedSize === c.uncompressedSize)).toBe(true);
    } finally {
      await plain.close();
    }
    const zstd = await LogReader.open(zstdPath);
    try {
      for (const c of zstd.mcap.chunkIndexes) expect(c.compressedSize).toBeLessThan(c.uncompressedSize);
    } finally {
      await zstd.close();
    }
    expect(await rawMessages(zstdPath)).toEqual(await rawMessages(plainPath));
    expect(await collect(zstdPath)).toEqual(await collect(plainPath));
    expect((await stat(zstdPath)).size).toBeLessThan((await stat(plainPath)).size / 2);

    const never = join(dir, "lz4.mcap");
    await expect(McapRecorder.open(never, { compression: "lz4" as ChunkCompression })).rejects.toThrow(/compression must be one of zstd, none, got lz4/);
    await expect(stat(never)).rejects.toThrow(/ENOENT/);
  });

  it("records a /tf message with the foxglove.FrameTransforms schema", async () => {
    const path = join(dir, "tf.mcap");
    const recorder = await McapRecorder.open(path);
    const tf = msg.create(msg.FrameTransformsSchema, {
      transforms: [{ parentFrameId: "base_link", childFrameId: "velodyne_front", translation: { x: 1.2, y: 0, z: 1.9 }, rotation: { w: 1 } }],
    });
    recorder.record({ topic: "/tf", stampNs: 5n, seq: 0, message: tf });
    await recorder.close();
    const info = await logInfo(path);
    expect(info.channels.map((c) => [c.topic, c.schemaName, c.schemaEncoding, c.messageEncoding, c.messageCount])).toEqual([
      ["/tf", "foxglove.FrameTransforms", "protobuf", "protobuf", 1n],
    ]);
    const [read] = await collect(path);
    expect(read.topic).toBe("/tf");
    expect(equals(msg.FrameTransformsSchema, read.message as msg.FrameTransforms, tf)).toBe(true);
  });

  it("writes a synchronous burst completely and in order, across many chunks", async () => {
    const path = join(dir, "burst.mcap");
    const bus = new InProcessBus();
    const recorder = await McapRecorder.open(path, { chunkSize: 1024 });
    recorder.attach(bus);
    const n = 5000;
    for (let i = 0; i < n; i++) {
      bus.publish("/control/command", msg.create(msg.ControlCommandSchema, { accelerationMps2: i }), T0_NS + BigInt(i));
    }
    expect(recorder.recordedCount).toBe(n);
    await recorder.close();
    await bus.close();
    const read = await collect(path);
    expect(read.length).toBe(n);
    read.forEach((e, i) => {
      expect(e.seq).toBe(i);
      expect((e.message as msg.ControlCommand).accelerationMps2).toBe(i);
    });
    expect((await logInfo(path)).chunkCount).toBeGreaterThan(10);
  });

  it("snapshots a message at record() time and stops recording after close()", async () => {
    const path = join(dir, "snapshot.mcap");
    const bus = new InProcessBus();
    const recorder = await McapRecorder.open(path);
    recorder.attach(bus);
    const command = msg.create(msg.ControlCommandSchema, { accelerationMps2: 1 });
    bus.publish("/control/command", command, 1n);
    command.accelerationMps2 = 2; // mutation after publish must not reach the log
    await recorder.close();
    bus.publish("/control/command", command, 2n); // after close: ignored, no throw into the bus
    expect(() => recorder.record({ topic: "/control/command", stampNs: 3n, seq: 9, message: command })).toThrow(/after close/);
    const read = await collect(path);
    expect(read.map((e) => (e.message as msg.ControlCommand).accelerationMps2)).toEqual([1]);
  });

  it("rejects an envelope whose topic is not in the topic table", async () => {
    const recorder = await McapRecorder.open(join(dir, "unknown.mcap"));
    expect(() => recorder.record({ topic: "/nope" as TopicName, stampNs: 0n, seq: 0, message: msg.create(msg.ControlCommandSchema) } as Envelope)).toThrow(/unknown topic "\/nope"/);
    await recorder.close();
  });

  it("an empty recording is still a valid, indexed log", async () => {
    const path = join(dir, "empty.mcap");
    await (await McapRecorder.open(path)).close();
    const info = await logInfo(path);
    expect(info.messageCount).toBe(0n);
    expect(info.channels).toEqual([]);
    expect(await collect(path)).toEqual([]);
  });

  it("filters by topic and time range", async () => {
    const path = join(dir, "filter.mcap");
    await recordDrive(path);
    const reader = await LogReader.open(path);
    try {
      const got: Envelope[] = [];
      for await (const e of reader.messages({ topics: ["/tf"], startNs: T0_NS + 1_000_000_000n, endNs: T0_NS + 1_900_000_000n })) got.push(e);
      expect(got.map((e) => e.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(got.every((e) => e.topic === "/tf")).toBe(true);
    } finally {
      await reader.close();
    }
  });
});

describe("determinism", () => {
  it("the same stream recorded twice gives identical payloads and identical file bytes", async () => {
    const a = join(dir, "a.mcap");
    const b = join(dir, "b.mcap");
    await recordDrive(a, 4096, { scenario: "synthetic", seed: "7" });
    await recordDrive(b, 4096, { scenario: "synthetic", seed: "7" });

    const ma = await rawMessages(a);
    const mb = await rawMessages(b);
    expect(ma.length).toBe(mb.length);
    expect(mb).toEqual(ma);

    // McapWriter writes nothing time- or version-dependent once the library string is fixed.
    const [bytesA, bytesB] = await Promise.all([readFile(a), readFile(b)]);
    expect(Buffer.compare(bytesA, bytesB)).toBe(0);
  });

  it("different content gives different payloads (the comparison above is not vacuous)", async () => {
    const a = join(dir, "c.mcap");
    const recorder = await McapRecorder.open(a);
    recorder.record({ topic: "/control/command", stampNs: T0_NS, seq: 0, message: msg.create(msg.ControlCommandSchema, { accelerationMps2: 0.5 }) });
    await recorder.close();
    const b = join(dir, "d.mcap");
    const other = await McapRecorder.open(b);
    other.record({ topic: "/control/command", stampNs: T0_NS, seq: 0, message: msg.create(msg.ControlCommandSchema, { accelerationMps2: 0.25 }) });
    await other.close();
    expect(await rawMessages(b)).not.toEqual(await rawMessages(a));
  });
});

describe("McapRecorder.attach", () => {
  it("ignores topics outside the topic table, and a bus error is reported after the file is completed", async () => {
    const { Subject } = await import("rxjs");
    const all = new Subject<Envelope>();
    const fakeBus = { all: () => all.asObservable() } as unknown as InstanceType<typeof InProcessBus>;
    const path = join(dir, "fake-bus.mcap");
    const recorder = await McapRecorder.open(path);
    recorder.attach(fakeBus);
    all.next({ topic: "/not/in/table", stampNs: 1n, seq: 0, message: msg.create(msg.ControlCommandSchema) } as unknown as Envelope);
    all.next({ topic: "/control/command", stampNs: 2n, seq: 0, message: msg.create(msg.ControlCommandSchema, { accelerationMps2: 3 }) });
    all.error(new Error("transport lost"));
    expect(recorder.recordedCount).toBe(1);
    await expect(recorder.close()).rejects.toThrow(/transport lost/);
    const read = await collect(path);
    expect(read.map((e) => [e.topic, e.stampNs])).toEqual([["/control/command", 2n]]);
  });
});
