// The ARS408 radar driver: candump replay, an in-memory CAN transport, the 0x200 configuration,
// fuzzing through the driver's input path. The demo log's first cycle is the ARS408 test vectors
// of ../shared/data/radar/ars408-test-vectors.md (tier4/ars408_driver, Apache-2.0).
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DiagnosticStatus_Level } from "../../../bus/gen/curb/diagnostics_pb.ts";
import { RadarDynamicProperty, RadarObjectClass, type RadarObjectList } from "../../../bus/gen/curb/sensors_pb.ts";
import { radarDemoLines } from "../../../hw/drivers/config/makeRadarLog.ts";
import {
  CanUtilsTransport,
  diagnosticValue,
  InMemoryCanBus,
  parseDriverConfig,
  RadarDriver,
  type RadarDriverConfig,
  startCandumpFile,
  startCanTransport,
  wallClockNs,
} from "../../../hw/drivers/index.ts";
import { encodeRadarConfiguration } from "../../../hw/radar/Ars408Decoder.ts";
import { parseCandumpLine, type CanFrame } from "../../../hw/radar/candump.ts";
import { FakeBus } from "./fakeBus.ts";

const DEMO = new URL("../../../hw/drivers/config/ars408-demo.log", import.meta.url).pathname;

function radarConfig(extra: Record<string, unknown> = {}): RadarDriverConfig {
  return parseDriverConfig({ kind: "radar", name: "front_radar", input: { candump: { file: DEMO, rate: "max" } }, ...extra }, "test", "/") as RadarDriverConfig;
}

const lists = (bus: FakeBus) => bus.on("/sensors/radar/front_radar/objects").map((p) => p.message as RadarObjectList);

describe("ARS408 radar driver", () => {
  it("replays the candump log: one object list per cycle, stamped with the 0x60A receive time", async () => {
    const bus = new FakeBus();
    const driver = new RadarDriver(radarConfig(), bus);
    const src = startCandumpFile(driver, { file: DEMO, rate: "max", loop: false });
    await src.done;
    const out = lists(bus);
    expect(out).toHaveLength(40);
    const first = out[0];
    expect(bus.on("/sensors/radar/front_radar/objects")[0].stampNs).toBe(1_700_000_000_000_100_000n);
    expect(first).toMatchObject({ measCounter: 1, announced: 2, complete: true, frameId: "front_radar" });
    const car = first.objects.find((o) => o.id === 7)!;
    const ped = first.objects.find((o) => o.id === 3)!;
    expect(car.xM).toBeCloseTo(10.0, 9); // vector: raw 2550 · 0.2 − 500
    expect(ped.probOfExist).toBe(0.5); // vector: ProbOfExist raw 2 (< 50 %)
    expect(ped.objectClass).toBe(RadarObjectClass.PEDESTRIAN);
    expect(ped.dynamicProperty).toBe(RadarDynamicProperty.CROSSING_MOVING);
    expect(car.objectClass).toBe(RadarObjectClass.CAR);
    expect(car.lengthM).toBeCloseTo(4.6, 9);
    expect(first.frames.map((f) => f.id.toString(16))).toEqual(["60a", "60b", "60b", "60c", "60c", "60d", "60d"]);
    expect(out.map((l) => l.measCounter)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const status = driver.diagnostics();
    expect(diagnosticValue(status, "dropped")).toBe("0");
    expect(diagnosticValue(status, "radar_output_type")).toBe("1");
  });

  it("replays the candump log on the host clock with stamps: now, keeping its spacing", async () => {
    const stampsOf = async (stamps: "recorded" | "now") => {
      const bus = new FakeBus();
      const src = startCandumpFile(new RadarDriver(radarConfig(), bus), { file: DEMO, rate: "max", loop: false, stamps });
      await src.done;
      return bus.on("/sensors/radar/front_radar/objects").map((p) => p.stampNs);
    };
    const recorded = await stampsOf("recorded");
    const before = wallClockNs();
    const now = await stampsOf("now");
    // The log's first line (a 0x201 state frame) starts the replay, 100 µs before the first 0x60A.
    expect(now[0] - 100_000n).toBeGreaterThanOrEqual(before);
    expect(now[0]).toBeLessThan(wallClockNs());
    expect(now.map((t) => t - now[0])).toEqual(recorded.map((t) => t - recorded[0]));
    expect(recorded[0]).toBe(1_700_000_000_000_100_000n);
  });

  it("sends the 0x200 configuration at start-up and decodes frames from a CAN transport (in memory)", async () => {
    const can = new InMemoryCanBus();
    const radar = can.attach();
    const received: CanFrame[] = [];
    radar.onFrame((f) => received.push(f));
    const bus = new FakeBus();
    const config = radarConfig({ input: { socketcan: { interface: "can0" } }, configure: { outputType: "objects", sendQuality: true, sendExtInfo: true, sortIndex: "range" } });
    const driver = new RadarDriver(config, bus);
    const src = await startCanTransport(driver, can.attach());
    expect(received).toHaveLength(1);
    const expected = encodeRadarConfiguration({ outputType: "objects", sendQuality: true, sendExtInfo: true, sortIndex: "range" });
    if (!expected.ok) throw new Error(expected.error.message);
    expect(received[0].id).toBe(0x200);
    expect(received[0].data).toEqual(expected.value.data);
    for (const line of radarDemoLines(5)) {
      const r = parseCandumpLine(line);
      if (r.ok) await radar.send(r.value);
    }
    await src.stop();
    expect(lists(bus)).toHaveLength(5);
    expect(lists(bus)[4].objects).toHaveLength(2);
  });

  it("survives 10,000 random frames and candump lines: counted, and the next good cycle decodes", async () => {
    const bus = new FakeBus();
    const driver = new RadarDriver(radarConfig(), bus);
    let seed = 99;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const ids = [0x201, 0x60a, 0x60b, 0x60c, 0x60d, 0x60e, 0x600, 0x701, 0x123, 0x7ff, 0x61b];
    for (let i = 0; i < 10_000; i++) {
      const t = 1_000_000_000n * BigInt(i);
      if (i % 5 === 0) {
        const line = Array.from({ length: Math.floor(rnd() * 40) }, () => "()#.0123456789ABCDEFcanR x"[Math.floor(rnd() * 26)]).join("");
        expect(() => driver.onCandumpLine(line, t)).not.toThrow();
        continue;
      }
      const frame: CanFrame = {
        id: rnd() < 0.8 ? ids[Math.floor(rnd() * ids.length)] : Math.floor(rnd() * 0x800),
        extended: rnd() < 0.05,
        remote: rnd() < 0.05,
        fd: false,
        data: Uint8Array.from({ length: Math.floor(rnd() * 9) }, () => Math.floor(rnd() * 256)),
      };
      expect(() => driver.onFrame(frame, t)).not.toThrow();
    }
    const status = driver.diagnostics();
    expect(Number(diagnosticValue(status, "decode_errors"))).toBeGreaterThan(1000);
    expect(status.level).toBeGreaterThanOrEqual(DiagnosticStatus_Level.ERROR);
    const before = lists(bus).length;
    const src = startCandumpFile(driver, { file: DEMO, rate: "max", loop: false });
    await src.done;
    const after = lists(bus).slice(before);
    // The first list may be the cut-short cycle the garbage left open; the demo's 40 cycles follow intact.
    const good = after.filter((l) => l.frameId === "front_radar" && l.complete && l.objects.length === 2 && l.frames.length === 7);
    expect(good.length).toBeGreaterThanOrEqual(40);
    expect(after[after.length - 1].measCounter).toBe(40);
  });

  it.skipIf(spawnSync("candump", ["-h"]).error !== undefined)("candump failing to open an interface: the error says what candump said", async () => {
    // No such interface (or, on a kernel without CAN, no CAN sockets at all): candump prints why and exits 1.
    const transport = new CanUtilsTransport("nosuch0");
    const err = await transport.done.then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/^candump -L nosuch0 exited \(1\): \S/);
    expect(err?.message).not.toContain("no output");
  });

  it("live SocketCAN through can-utils on a vcan interface", async (ctx) => {
    try {
      execFileSync("ip", ["link", "add", "dev", "vcurb0", "type", "vcan"], { stdio: "pipe" });
      execFileSync("ip", ["link", "set", "up", "vcurb0"], { stdio: "pipe" });
    } catch (e) {
      ctx.skip(`no vcan here (the kernel has no vcan module; \`ip link add … type vcan\` failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()})`);
      return;
    }
    try {
      const bus = new FakeBus();
      const driver = new RadarDriver(radarConfig({ input: { socketcan: { interface: "vcurb0" } } }), bus);
      const src = await startCanTransport(driver, new CanUtilsTransport("vcurb0"));
      await new Promise((r) => setTimeout(r, 300)); // candump is listening
      const sender = new CanUtilsTransport("vcurb0");
      for (const line of radarDemoLines(3)) {
        const r = parseCandumpLine(line);
        if (r.ok) await sender.send(r.value);
      }
      await new Promise((r) => setTimeout(r, 300));
      await sender.close();
      await src.stop();
      expect(lists(bus).length).toBeGreaterThanOrEqual(2);
    } finally {
      execFileSync("ip", ["link", "delete", "vcurb0"]);
    }
  });
});
