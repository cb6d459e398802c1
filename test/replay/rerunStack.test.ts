// Process replay: a simulated drive's inputs through the stack again reproduce its outputs exactly;
// a parameter change shows up as differences from the moment it matters.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Envelope, InProcessBus, type msg } from "../../bus/index.ts";
import { type LogGap, logGapLine, LogReader, McapRecorder, overlayParams, playLog, rerunStack, samePayload, STACK_PARAMS_METADATA_KEY } from "../../replay/index.ts";
import { runClosedLoop } from "../../sim/index.ts";
import { findScenario } from "../../sim/scenarios/index.ts";
import { syntheticDrive, T0_NS } from "./syntheticDrive.ts";

const dir = mkdtempSync(join(tmpdir(), "curb-rerun-"));
const log = join(dir, "run.mcap");
// The same drive with the learned intent model, whose ONNX inference finishes asynchronously.
const intentLog = join(dir, "intent.mcap");
const INTENT_STACK = { prediction: { predictor: "intent_cnn_gru" as const } };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await runClosedLoop(findScenario("jaywalk-clear-view"), { seed: 5, logPath: log });
  await runClosedLoop(findScenario("jaywalk-clear-view"), { seed: 5, logPath: intentLog, stackParams: INTENT_STACK });
});

/** Writes a log of `source`'s messages under other metadata. */
async function withMetadata(source: string, path: string, metadata: Record<string, string>): Promise<string> {
  const bus = new InProcessBus();
  const recorder = await McapRecorder.open(path, { metadata });
  recorder.attach(bus);
  const reader = await LogReader.open(source);
  for await (const e of reader.messages()) bus.publish(e.topic, e.message as never, e.stampNs);
  await reader.close();
  await bus.close();
  await recorder.close();
  return path;
}

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

  it("the learned intent stack: its asynchronous inference is awaited per frame, so the drive reproduces", async () => {
    const r = await rerunStack(intentLog);
    expect(r.stackParams).toBe("recorded");
    const agents = r.topics.find((t) => t.topic === "/prediction/agents")!;
    expect(agents.logged).toBeGreaterThan(100);
    expect(agents.replayed).toBe(agents.logged);
    expect(r.identical).toBe(true);
    // The predictions replayed are the model's, not the curb rule's.
    const reader = await LogReader.open(intentLog);
    let predictor = "";
    for await (const e of reader.messages({ topics: ["/prediction/agents"] })) predictor ||= (e.message as msg.AgentPredictions).predictor;
    await reader.close();
    expect(predictor).toBe("intent_cnn_gru");
  });

  it("runs with the parameters the log records unless others are given", async () => {
    const stopFar = { planning: { pedestrianStopDistanceM: 6 } };
    const farLog = join(dir, "stop-far.mcap");
    await runClosedLoop(findScenario("jaywalk-clear-view"), { seed: 5, logPath: farLog, stackParams: stopFar });
    const recorded = await rerunStack(farLog);
    expect(recorded.stackParams).toBe("recorded");
    expect(recorded.identical).toBe(true);
    const defaults = await rerunStack(farLog, {});
    expect(defaults.stackParams).toBe("given");
    expect(defaults.topics.find((t) => t.topic === "/planning/trajectory")!.different).toBeGreaterThan(0);
    // `curb replay --rerun --config`: the file changes the recorded drive, it does not reset the rest.
    const unchanged = await rerunStack(farLog, { prediction: { pathStepS: 0.1 } }, { over: "recorded" });
    expect(unchanged.stackParams).toBe("recorded+given");
    expect(unchanged.identical).toBe(true); // the stop distance stayed the recorded 6 m
    const nearer = await rerunStack(farLog, { planning: { pedestrianStopDistanceM: 3 } }, { over: "recorded" });
    expect(nearer.topics.find((t) => t.topic === "/planning/trajectory")!.different).toBe(defaults.topics.find((t) => t.topic === "/planning/trajectory")!.different);
    await expect(rerunStack(farLog, { planning: { pedestrianStopDistanceM: -1 } }, { over: "recorded" })).rejects.toThrow(/stop-far\.mcap: the parameters to rerun with do not validate \(planning\.pedestrianStopDistanceM/);
  });

  it("overlayParams lays a parameter file over others key by key, arrays whole", () => {
    const base = { prediction: { crossingHorizonsS: [0.5, 1, 1.5, 2], decisionThreshold: 0.5 }, planning: { minGapM: 2 } };
    expect(overlayParams(base, { prediction: { crossingHorizonsS: [1] } })).toEqual({ prediction: { crossingHorizonsS: [1], decisionThreshold: 0.5 }, planning: { minGapM: 2 } });
    expect(overlayParams(base, {})).toEqual(base);
    expect(base.prediction.crossingHorizonsS).toEqual([0.5, 1, 1.5, 2]); // not mutated
  });

  it("a log that records no parameters runs with the defaults; one whose record does not fit is refused", async () => {
    const bare = await withMetadata(log, join(dir, "bare.mcap"), { scenario: "jaywalk-clear-view", seed: "5" });
    const r = await rerunStack(bare);
    expect(r.stackParams).toBe("defaults");
    expect(r.identical).toBe(true);
    const renamed = await withMetadata(log, join(dir, "renamed.mcap"), { [STACK_PARAMS_METADATA_KEY]: JSON.stringify({ planning: { stopDistanceM: 3 } }) });
    await expect(rerunStack(renamed)).rejects.toThrow(/renamed\.mcap: its recorded stack_params do not fit this stack \(planning: .*stopDistanceM.*\); give the parameters with --config/);
    const garbled = await withMetadata(log, join(dir, "garbled.mcap"), { [STACK_PARAMS_METADATA_KEY]: "{planning" });
    await expect(rerunStack(garbled)).rejects.toThrow(/garbled\.mcap: its recorded stack_params are not JSON/);
    // Given parameters replace a record that does not fit.
    expect((await rerunStack(renamed, {})).identical).toBe(true);
  });

  it("a log without the stack's input is refused with a reason", async () => {
    const bus = new InProcessBus();
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
    await expect(playLog(log, bus, { maxGapS: 0 })).rejects.toThrow(/longest silence to wait out must be positive, got 0 s/);
  });

  /** A log of two 2-s stretches of the synthetic drive, the second `gapNs` after the first. */
  async function twoStretches(name: string, gapNs: bigint): Promise<string> {
    const path = join(dir, name);
    const bus = new InProcessBus();
    const recorder = await McapRecorder.open(path);
    recorder.attach(bus);
    for (const shift of [0n, 2_000_000_000n + gapNs]) for (const p of syntheticDrive(20)) bus.publish(p.topic, p.message as never, p.stampNs + shift);
    await bus.close();
    await recorder.close();
    return path;
  }

  it("does not wait out a silence longer than maxGapS: a log holding two clocks plays in the time of its messages", async () => {
    // A drive whose capture kept its recorded stamps holds two clocks; an hour apart here (the demo
    // candump and the host were three years apart), which the replay used to sleep through.
    const path = await twoStretches("two-clocks.mcap", 3600n * 1_000_000_000n);
    const bus = new InProcessBus();
    const seen: bigint[] = [];
    bus.all().subscribe((e) => seen.push(e.stampNs));
    const reported: LogGap[] = [];
    const result = await playLog(path, bus, { rate: 4, onGap: (g) => reported.push(g) });
    expect(result.published).toBe(seen.length);
    expect(seen.every((t, i) => i === 0 || t >= seen[i - 1])).toBe(true);
    expect(result.gaps).toEqual([{ fromNs: T0_NS + 1_900_000_000n, toNs: T0_NS + 2_000_000_000n + 3600n * 1_000_000_000n }]);
    expect(reported).toEqual(result.gaps);
    expect(logGapLine(result.gaps[0])).toBe(
      "no message for 60.0 min of log time (2023-11-14T22:13:21.900Z → 2023-11-14T23:13:22.000Z)",
    );
    expect(result.simSeconds).toBeCloseTo(3.8, 6); // 1.9 s of messages in each stretch
    expect(result.wallSeconds).toBeGreaterThanOrEqual(0.9 * (3.8 / 4));
    expect(result.wallSeconds).toBeLessThan(5);
  });

  it("stops within a second of its signal, also while waiting out a long silence", async () => {
    const path = await twoStretches("long-silence.mcap", 600n * 1_000_000_000n);
    const bus = new InProcessBus();
    const abort = new AbortController();
    let published = 0;
    const play = playLog(path, bus, { rate: 1, maxGapS: Infinity, signal: abort.signal, onProgress: (n) => (published = n) });
    await new Promise((r) => setTimeout(r, 2500)); // the first stretch played; ten minutes of silence ahead
    const stoppedAt = performance.now();
    abort.abort();
    const result = await play;
    expect(performance.now() - stoppedAt).toBeLessThan(1000);
    expect(result.gaps).toEqual([]); // waited, not skipped
    expect(result.published).toBe(published);
    expect(published).toBe(syntheticDrive(20).length);
  });
});
