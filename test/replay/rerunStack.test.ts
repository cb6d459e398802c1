// Process replay: a simulated drive's inputs through the stack again reproduce its outputs exactly;
// a parameter change shows up as differences from the moment it matters.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Envelope, InProcessBus } from "../../bus/index.ts";
import { LogReader, playLog, rerunStack, samePayload } from "../../replay/index.ts";
import { runClosedLoop } from "../../sim/index.ts";
import { findScenario } from "../../sim/scenarios/index.ts";

const dir = mkdtempSync(join(tmpdir(), "curb-rerun-"));
const log = join(dir, "run.mcap");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await runClosedLoop(findScenario("jaywalk-clear-view"), { seed: 5, logPath: log });
});

describe("rerunStack", () => {
  it("unchanged stack ⇒ every output identical (bar wall-clock latency)", async () => {
    const r = await rerunStack(log);
    expect(r.identical).toBe(true);
    const tracks = r.topics.find((t) => t.topic === "/perception/tracks")!;
    expect(tracks.logged).toBeGreaterThan(100);
    expect(tracks.replayed).toBe(tracks.logged);
    expect(r.topics.find((t) => t.topic === "/diagnostics")!.logged).toBe(3 * tracks.logged);
  });

  it("a changed parameter ⇒ the plan differs, perception does not", async () => {
    const r = await rerunStack(log, { planning: { pedestrianStopDistanceM: 6 } });
    expect(r.identical).toBe(false);
    const diff = Object.fromEntries(r.topics.map((t) => [t.topic, t]));
    expect(diff["/perception/tracks"].different).toBe(0);
    expect(diff["/prediction/agents"].different).toBe(0);
    expect(diff["/planning/trajectory"].different).toBeGreaterThan(0);
    expect(diff["/planning/trajectory"].firstDifferenceNs).not.toBeNull();
  });

  it("a log without the stack's input is refused with a reason", async () => {
    const bus = new InProcessBus();
    const { McapRecorder } = await import("../../replay/index.ts");
    const path = join(dir, "no-input.mcap");
    const recorder = await McapRecorder.open(path);
    recorder.attach(bus);
    await bus.close();
    await recorder.close();
    await expect(rerunStack(path)).rejects.toThrow(/no \/sim\/ground_truth/);
  });
});

describe("playLog", () => {
  it("as fast as possible: every logged message, in order, same payloads", async () => {
    const bus = new InProcessBus();
    const seen: Envelope[] = [];
    bus.all().subscribe((e) => seen.push(e));
    const result = await playLog(log, bus, { rate: Infinity });
    const reader = await LogReader.open(log);
    const logged: Envelope[] = [];
    for await (const e of reader.messages()) logged.push(e);
    await reader.close();
    expect(result.published).toBe(logged.length);
    expect(seen).toHaveLength(logged.length);
    for (let i = 0; i < logged.length; i++) {
      expect(seen[i].stampNs).toBe(logged[i].stampNs);
      expect(samePayload(seen[i], logged[i])).toBe(true);
    }
    expect(result.simSeconds).toBeGreaterThan(10);
  });

  it("at a finite rate it keeps the log's pace (20 s of drive at 40× takes about 0.5 s)", async () => {
    const bus = new InProcessBus();
    const result = await playLog(log, bus, { rate: 40, topics: ["/vehicle/state"] });
    // Never faster than the log allows: the last message is due at simSeconds / rate.
    expect(result.wallSeconds).toBeGreaterThanOrEqual((result.simSeconds / 40) * 0.95);
    await expect(playLog(log, bus, { rate: 0 })).rejects.toThrow(/rate must be positive/);
  });
});
