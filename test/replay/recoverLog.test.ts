// A log whose recorder was killed has no footer: recoverLog keeps every complete chunk. Oracles: a
// complete log recovers to the same bytes (McapRecorder writes both), a cut log recovers to a prefix
// of what was published that grows exactly at the original's chunk ends (from its chunk index).
import { mkdtemp, open, readFile, rm, truncate, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Envelope, InProcessBus } from "../../bus/index.ts";
import { type ChunkCompression, LogError, logInfo, McapRecorder, readLog, recoverLog } from "../../replay/index.ts";
import { expectedLogOrder, syntheticDrive } from "./syntheticDrive.ts";

const FRAMES = 60;
let dir: string;
let original: string;
let chunkEnds: number[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "curb-recover-"));
  original = join(dir, "drive.mcap");
  await recordDrive(original);
  const handle = await open(original, "r");
  const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) });
  chunkEnds = reader.chunkIndexes.map((c) => Number(c.chunkStartOffset + c.chunkLength));
  await handle.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The synthetic drive through a bus into a log of 4 KiB chunks. */
async function recordDrive(path: string, compression?: ChunkCompression): Promise<void> {
  const bus = new InProcessBus();
  const recorder = await McapRecorder.open(path, { chunkSize: 4096, metadata: { scenario: "synthetic" }, compression });
  recorder.attach(bus);
  for (const p of syntheticDrive(FRAMES)) bus.publish(p.topic, p.message as never, p.stampNs);
  await recorder.close();
}

async function collect(path: string): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for await (const e of readLog(path)) out.push(e);
  return out;
}

/** The original cut to its first `bytes` bytes, as a killed recorder leaves it. */
async function cutAt(bytes: number): Promise<string> {
  const path = join(dir, `cut-${bytes}.mcap`);
  await copyFile(original, path);
  await truncate(path, bytes);
  return path;
}

describe("recoverLog", () => {
  it("recovers a complete log to the same bytes", async () => {
    const out = join(dir, "copy.mcap");
    const r = await recoverLog(original, out, { chunkSize: 4096 });
    expect(r).toMatchObject({ complete: true, lostBytes: 0, stopped: undefined, skipped: {} });
    expect(r.messages).toBe(syntheticDrive(FRAMES).length);
    expect((await readFile(out)).equals(await readFile(original))).toBe(true);
  });

  it("keeps the input's chunk compression: an uncompressed log recovers to the same bytes too, and a damaged chunk stops it at its CRC", async () => {
    const plain = join(dir, "plain.mcap");
    await recordDrive(plain, "none");
    const out = join(dir, "plain-copy.mcap");
    expect((await recoverLog(plain, out, { chunkSize: 4096 })).complete).toBe(true);
    const bytes = await readFile(plain);
    expect((await readFile(out)).equals(bytes)).toBe(true);
    expect(bytes.length).toBeGreaterThan((await readFile(original)).length * 2); // the zstd original is the smaller

    const handle = await open(plain, "r");
    const second = (await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) })).chunkIndexes[1];
    await handle.close();
    const damaged = Buffer.from(bytes);
    damaged[Number(second.chunkStartOffset + second.chunkLength) - 10] ^= 0xff; // the second chunk's records
    const path = join(dir, "plain-damaged.mcap");
    await writeFile(path, damaged);
    const r = await recoverLog(path, join(dir, "plain-from-damaged.mcap"));
    expect(r.stopped).toMatch(/^a corrupt record after byte \d+ \(Incorrect chunk CRC.*\); nothing after it is read$/);
    expect(r.lostBytes).toBe(bytes.length - Number(second.chunkStartOffset)); // from the damaged chunk on
  });

  it("from a log cut anywhere, keeps exactly the messages of the chunks complete before the cut", async () => {
    expect(chunkEnds.length).toBeGreaterThan(5);
    const published = syntheticDrive(FRAMES);
    let before = 0;
    for (const [i, end] of chunkEnds.entries()) {
      if (i === 0) {
        // Inside the first chunk nothing is complete: refused, and nothing is written.
        const out = join(dir, "none.mcap");
        await expect(recoverLog(await cutAt(end - 1), out)).rejects.toThrow(/no complete message to recover/);
        await expect(readFile(out)).rejects.toThrow(/ENOENT/);
      } else {
        const justShort = await recoverLog(await cutAt(end - 1), join(dir, "short.mcap"));
        expect(justShort.messages, `cut 1 byte before the end of chunk ${i}`).toBe(before);
        // Lost: the unfinished chunk and the previous chunk's message indexes (not needed to read it).
        expect(justShort.lostBytes).toBeGreaterThan(0);
        expect(justShort.lostBytes).toBeLessThan(end - chunkEnds[i - 1]);
      }
      const out = join(dir, "whole.mcap");
      const r = await recoverLog(await cutAt(end), out);
      expect(r.complete).toBe(false);
      expect(r.messages, `cut at the end of chunk ${i}`).toBeGreaterThan(before);
      // What was recovered is the published prefix, every field equal, in a log LogReader reads.
      expect(await collect(out)).toEqual(expectedLogOrder(published.slice(0, r.messages)));
      expect((await logInfo(out)).metadata).toEqual({ curb: { scenario: "synthetic" } });
      before = r.messages;
    }
    expect(before).toBe(published.length); // the last chunk holds the last message
  });

  it("stops at a corrupt chunk and says so, keeping what came before", async () => {
    const bytes = await readFile(original);
    const middle = Math.floor(chunkEnds.length / 2);
    const corrupt = Buffer.from(bytes);
    corrupt[chunkEnds[middle] - 10] ^= 0xff; // inside chunk `middle`'s compressed records: they no longer decompress
    const path = join(dir, "corrupt.mcap");
    await writeFile(path, corrupt);
    const r = await recoverLog(path, join(dir, "from-corrupt.mcap"));
    const upToMiddle = await recoverLog(await cutAt(chunkEnds[middle - 1]), join(dir, "prefix.mcap"));
    expect(r.messages).toBe(upToMiddle.messages);
    expect(r.stopped).toMatch(/^a corrupt record after byte \d+ \(.*a zstd chunk does not decompress, its bytes are damaged.*\); nothing after it is read$/);
    expect(r.lostBytes).toBeGreaterThan(bytes.length - chunkEnds[middle]);
  });

  it("refuses what it cannot recover with a clear error, leaving an earlier output as it was", async () => {
    const out = join(dir, "kept.mcap");
    await writeFile(out, "an earlier log");
    const notMcap = join(dir, "notes.txt");
    await writeFile(notMcap, "busDir: /tmp/curb\n");
    const err = await recoverLog(notMcap, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogError);
    expect((err as LogError).kind).toBe("not-mcap");
    expect((err as Error).message).toMatch(/is not an MCAP log: Expected MCAP magic/);
    await expect(recoverLog(join(dir, "absent.mcap"), out)).rejects.toThrow(`cannot read ${join(dir, "absent.mcap")} (ENOENT`);
    await expect(recoverLog(original, original)).rejects.toThrow("give another file as the output");
    await expect(recoverLog(dir, out)).rejects.toThrow(`${dir} is not a file`);
    await expect(recoverLog(await cutAt(8), out)).rejects.toThrow(/no complete message to recover/);
    expect(await readFile(out, "utf8")).toBe("an earlier log");
  });
});
