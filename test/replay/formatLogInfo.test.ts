import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Envelope } from "../../bus/index.ts";
import { checkLog, formatLogInfo, type LogInfo, logInfo, McapRecorder } from "../../replay/index.ts";
import { syntheticDrive, T0_NS } from "./syntheticDrive.ts";

let dir: string;
let info: LogInfo;
const drive = syntheticDrive(20); // 10 Hz for 1.9 s; /map once; /diagnostics at frames 0 and 10

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "curb-formatloginfo-"));
  const path = join(dir, "drive.mcap");
  const recorder = await McapRecorder.open(path, { chunkSize: 2048, metadata: { scenario: "synthetic", seed: "7" } });
  drive.forEach((p, seq) => recorder.record({ ...p, seq } as Envelope));
  await recorder.close();
  info = await logInfo(path);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The table's cells of the row for `topic` (columns are two or more spaces apart). */
const row = (text: string, topic: string) =>
  text
    .split("\n")
    .find((l) => l.startsWith(`${topic} `))
    ?.split(/\s{2,}/);

describe("formatLogInfo (what curb log info prints for a person)", () => {
  it("a row per topic: the count, the rate over its span, its first and last message from the log's start, its schema", () => {
    const text = formatLogInfo(info);
    expect(row(text, "/sim/ground_truth")).toEqual(["/sim/ground_truth", "20", "10.0", "+0.000", "+1.900", "curb.GroundTruth"]);
    expect(row(text, "/diagnostics")?.slice(0, 5)).toEqual(["/diagnostics", "2", "1.00", "+0.000", "+1.000"]);
    expect(row(text, "/map")?.slice(1, 3)).toEqual(["1", "–"]); // one message: no rate
    // Every channel of the log is a row, in topic order, each count the summary's.
    const topics = text.split("\n").filter((l) => l.startsWith("/")).map((l) => l.split(/\s{2,}/));
    expect(topics.map((r) => r[0])).toEqual([...info.channels.map((c) => c.topic)].sort());
    for (const r of topics) expect(r[1]).toBe(String(drive.filter((p) => p.topic === r[0]).length));
    expect(text).toContain(`start     ${new Date(Number(T0_NS / 1_000_000n)).toISOString()}  (${T0_NS} ns)`);
    expect(text).toMatch(/^duration  1\.900 s$/m);
    const { stored, uncompressed } = info.chunkBytes;
    expect(stored).toBeLessThan(uncompressed);
    expect(text).toMatch(new RegExp(`^messages  \\d+ in ${info.chunkCount} chunks \\(zstd, ${(stored / 2 ** 20).toFixed(1)} of ${(uncompressed / 2 ** 20).toFixed(1)} MiB\\), \\d+ topics$`, "m"));
    expect(formatLogInfo({ ...info, chunkCompressions: [""], chunkBytes: { stored: 3 << 20, uncompressed: 3 << 20 } })).toMatch(/^messages  \d+ in \d+ chunks \(uncompressed, 3\.0 MiB\), /m);
    expect(text).toContain('metadata "curb":\n  scenario  synthetic\n  seed      7');
  });

  it("with --check: says whether the decoded count is the summary's, and names each silence and its likely cause", async () => {
    const checked = await checkLog(join(dir, "drive.mcap"));
    expect(formatLogInfo(info, checked)).toMatch(new RegExp(`^checked   every message read and decoded: ${drive.length}, as the summary says\nsilences  none over 10 s$`, "m"));
    const gap = { fromNs: T0_NS, toNs: T0_NS + 3_600_000_000_000n };
    const odd = formatLogInfo(info, { messages: drive.length - 1, gaps: [gap] });
    expect(odd).toContain(`decoded: ${drive.length - 1}, but the summary says ${drive.length}`);
    expect(odd).toMatch(/^silences  no message for 60\.0 min of log time \(2023-11-14T22:13:20\.000Z → 2023-11-14T23:13:20\.000Z\)\n {10}likely a log holding two clocks/m);
  });

  it("a channel the topic table cannot decode is flagged in its row and explained below; an empty log has no span", () => {
    const problem = { kind: "unknown-topic" as const, message: 'channel 9 has topic "/somebody/else", which is not in the topic table' };
    const withProblem: LogInfo = { ...info, channels: [...info.channels, { ...info.channels[0]!, id: 9, topic: "/somebody/else", problem }] };
    const text = formatLogInfo(withProblem);
    expect(row(text, "/somebody/else")?.at(-1)).toBe("!"); // after its schema
    expect(text).toContain(`not decodable (1):\n  ${problem.message}`);
    const empty = formatLogInfo({ ...info, messageCount: 0n, startNs: 0n, endNs: 0n, chunkCount: 0, chunkCompressions: [], chunkBytes: { stored: 0, uncompressed: 0 }, channels: [], metadata: {} });
    expect(empty).toContain("messages  0 in 0 chunks, 0 topics");
    expect(empty).toContain("(no topics)");
    expect(empty).not.toMatch(/start|duration/);
    // A simulation's log starts at 0: its clock, not 1970.
    const sim = formatLogInfo({ ...info, startNs: 0n, endNs: 20_000_000_000n });
    expect(sim).toMatch(/^start {5}0\.000 s on the simulation clock {2}\(0 ns\)\nend {7}20\.000 s on the simulation clock/m);
    // and so does a silence in it
    const simGap = formatLogInfo({ ...info, startNs: 0n, endNs: 20_000_000_000n }, { messages: drive.length, gaps: [{ fromNs: 2_500_000_000n, toNs: 15_000_000_000n }] });
    expect(simGap).toContain("silences  no message for 12.5 s of log time (2.500 s on the simulation clock → 15.000 s on the simulation clock)");
  });

  it("groups large counts in threes and cuts a long metadata value to one line", () => {
    const big: LogInfo = {
      ...info,
      messageCount: 1_234_567n,
      channels: info.channels.map((c) => ({ ...c, messageCount: c.topic === "/tf" ? 1_000_001n : c.messageCount })),
      metadata: { curb: { stackParams: JSON.stringify({ a: "x".repeat(300) }, null, 2) } },
    };
    const text = formatLogInfo(big);
    expect(text).toContain("messages  1 234 567 in");
    expect(row(text, "/tf")?.[1]).toBe("1 000 001");
    const param = text.split("\n").find((l) => l.startsWith("  stackParams"))!;
    expect(param.length).toBeLessThanOrEqual(2 + "stackParams".length + 2 + 100);
    expect(param).toMatch(/^ {2}stackParams {2}\{ "a": "x+…$/);
  });
});
