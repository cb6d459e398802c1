// The Velodyne driver on real captures (../shared/data/velodyne, see its README):
//  - vlp16/: tier4/nebula decoder ground truth (Apache-2.0), packets put into a pcap here;
//  - pcap/real-capture-vlp16-cadence.pcap: rust-lidar-utils test capture (MIT);
//  - calibration/: ros-drivers/velodyne (BSD).
import { spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PointCloud } from "../../../bus/gen/foxglove/PointCloud_pb.ts";
import { DiagnosticStatus_Level, type DiagnosticStatus } from "../../../bus/gen/curb/diagnostics_pb.ts";
import type { VelodyneScan } from "../../../bus/gen/curb/sensors_pb.ts";
import {
  diagnosticValue,
  parseDriverConfig,
  runDriver,
  startUdp,
  unpackField,
  VelodyneDriver,
  type VelodyneConfig,
} from "../../../hw/drivers/index.ts";
import { PcapReader } from "../../../hw/pcap/PcapReader.ts";
import { writePcap } from "../../../hw/pcap/pcapWriter.ts";
import { parseCalibrationYaml } from "../../../hw/velodyne/calibration.ts";
import { parsePcd } from "../../../hw/velodyne/pcd.ts";
import { readLog } from "../../../replay/index.ts";
import { DATA_DIR, dataBytes, dataText, vlp16Recording } from "../data.ts";
import { FakeBus } from "./fakeBus.ts";

const tmp = mkdtempSync(join(tmpdir(), "curb-velodyne-"));
const ROOT = new URL("../../../", import.meta.url).pathname;
const data = (p: string) => new URL(p, DATA_DIR).pathname;
const PCAP_FILE = data("velodyne/pcap/real-capture-vlp16-cadence.pcap");
const VLP16DB = data("velodyne/calibration/VLP16db.yaml");

function velodyneConfig(extra: Record<string, unknown>): VelodyneConfig {
  return parseDriverConfig({ kind: "velodyne", name: "top", model: "VLP-16", calibration: VLP16DB, ...extra }, "test", "/") as VelodyneConfig;
}

function calibration(path: string) {
  const r = parseCalibrationYaml(dataText(path));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The real capture's data payloads with their capture times. */
function capturePackets(): { payload: Uint8Array; t: bigint }[] {
  const r = PcapReader.open(dataBytes("velodyne/pcap/real-capture-vlp16-cadence.pcap"));
  if (!r.ok) throw new Error(r.error.message);
  return [...r.value.udpPackets()].filter((p) => p.dstPort === 2368).map((p) => ({ payload: p.payload, t: p.timestampNs }));
}

describe("Velodyne driver", () => {
  it("decodes the VLP-16 recording through pcap → driver → MCAP to nebula's 14,831-point scan", async () => {
    const vlp16 = vlp16Recording();
    const packetIds = Array.from({ length: vlp16.count }, (_, i) => i);
    const pcapFile = join(tmp, "vlp16.pcap");
    writeFileSync(pcapFile, writePcap(packetIds.map((i) => ({ timestampNs: vlp16.receivedNs(i), payload: vlp16.payload(i), dstPort: 2368 }))));
    // nebula's settings (../shared/data/README.md): dual return, 0.3–300 m, cut 0°, cloud angles 0–359°.
    const config = velodyneConfig({
      calibration: data("velodyne/vlp16/calibration-VLP16.yaml"),
      interpolation: "nebula",
      minRangeM: 0.3,
      maxRangeM: 300,
      minAngleDeg: 0,
      maxAngleDeg: 359,
      input: { pcap: { file: pcapFile, rate: "max" } },
    });
    const out = join(tmp, "vlp16.mcap");
    const logLines: string[] = [];
    await runDriver({ config, record: out, log: (m) => logLines.push(m) });
    // Data flow is announced once, though a scan and its packets are published in the same tick.
    expect(logLines.filter((l) => l.includes("publishing"))).toEqual(["velodyne-top: publishing (first message on /sensors/lidar/top/points)"]);
    const clouds: { stampNs: bigint; cloud: PointCloud }[] = [];
    const scans: VelodyneScan[] = [];
    for await (const e of readLog(out)) {
      if (e.topic === "/sensors/lidar/top/points") clouds.push({ stampNs: e.stampNs, cloud: e.message as PointCloud });
      if (e.topic === "/sensors/lidar/top/packets") scans.push(e.message as VelodyneScan);
    }
    // Scans complete in packets 150, 301, 452, 602 (the last one is nebula's); at the end of the
    // capture the points of packet 602 past the cut are flushed as a partial scan (its packet was
    // already sent with the scan it completed).
    const sizes = clouds.map((c) => c.cloud.data.byteLength / c.cloud.pointStride);
    expect(sizes).toHaveLength(5);
    expect(sizes[3]).toBe(14831);
    expect(sizes[4]).toBeLessThan(400);
    expect(scans.map((s) => s.packets.length)).toEqual([151, 151, 151, 150]);
    const pcd = parsePcd(dataBytes("velodyne/vlp16/expected-cloud.pcd"));
    if (!pcd.ok) throw new Error(pcd.error.message);
    const E = pcd.value.data;
    const c = clouds[3].cloud;
    const [x, y, z, ring] = ["x", "y", "z", "ring"].map((f) => unpackField(c, f));
    let maxErr = 0;
    for (let i = 0; i < 14831; i++) {
      maxErr = Math.max(maxErr, Math.abs(x[i] - E.x[i]), Math.abs(y[i] - E.y[i]), Math.abs(z[i] - E.z[i]));
      if (ring[i] !== E.channel[i]) throw new Error(`ring of point ${i}: ${ring[i]} vs ${E.channel[i]}`);
    }
    expect(maxErr).toBeLessThan(1e-5);
    expect(c.frameId).toBe("top");
    expect(c.fields.map((f) => `${f.name}@${f.offset}`)).toEqual(["x@0", "y@4", "z@8", "intensity@12", "time_offset_s@16", "ring@20", "return_type@22"]);
    // Time: no position packets, so the sensor clock is anchored to the first packet's receive time
    // and the scan is stamped at its first packet (452) by the sensor's own µs.
    const received0 = (vlp16.receivedNs(0) / 1000n) * 1000n; // the pcap keeps µs
    expect(clouds[3].stampNs).toBe(received0 + BigInt(vlp16.gpsUs(452) - vlp16.gpsUs(0)) * 1000n);
    const t = unpackField(c, "time_offset_s");
    expect(Math.min(...t)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t)).toBeLessThan(0.11);
  });

  it("a PPS-locked capture replayed with stamps: now keeps its GPS times' place among its receive times, moved onto the host clock", async () => {
    const vlp16 = vlp16Recording();
    const packetIds = Array.from({ length: vlp16.count }, (_, i) => i);
    const received = (i: number) => (vlp16.receivedNs(i) / 1000n) * 1000n; // the pcap keeps µs
    const gpsUs = vlp16.gpsUs;
    // A position packet saying PPS locked just before the data, as a GPS-disciplined sensor sends them.
    const position = new Uint8Array(512);
    new DataView(position.buffer).setUint32(198, gpsUs(0) - 1000, true);
    position[202] = 2;
    const pcapFile = join(tmp, "vlp16-pps.pcap");
    writeFileSync(
      pcapFile,
      writePcap([
        { timestampNs: received(0) - 1_000_000n, payload: position, dstPort: 8308 },
        ...packetIds.map((i) => ({ timestampNs: received(i), payload: vlp16.payload(i), dstPort: 2368 })),
      ]),
    );
    const cloudStamps = async (stamps: "recorded" | "now") => {
      const out = join(tmp, `vlp16-pps-${stamps}.mcap`);
      await runDriver({ config: velodyneConfig({ calibration: data("velodyne/vlp16/calibration-VLP16.yaml"), input: { pcap: { file: pcapFile, rate: "max", stamps } } }), record: out, log: () => {} });
      const found: bigint[] = [];
      for await (const e of readLog(out, { topics: ["/sensors/lidar/top/points"] })) found.push(e.stampNs);
      return found;
    };
    const recorded = await cloudStamps("recorded");
    const beforeNs = BigInt(Date.now()) * 1_000_000n;
    const now = await cloudStamps("now");
    const afterNs = BigInt(Date.now()) * 1_000_000n;
    // Recorded: GPS time, each scan at the µs of one of its packets in the hour of its receive time
    // (which here runs 0.18 s ahead of the GPS: a stamp from the receive time would be no packet's).
    expect(recorded).toHaveLength(5);
    const hourNs = 3_600_000_000_000n;
    const gpsNs = new Set(packetIds.map((i) => (received(i) / hourNs) * hourNs + BigInt(gpsUs(i)) * 1000n));
    for (const t of recorded) expect(gpsNs.has(t), `${t}`).toBe(true);
    // Now: every scan moved by one amount, the move of the capture's first packet onto the host clock.
    const moves = now.map((t, i) => t - recorded[i]);
    expect(new Set(moves).size).toBe(1);
    const first = received(0) - 1_000_000n;
    expect(moves[0]).toBeGreaterThanOrEqual(beforeNs - first);
    expect(moves[0]).toBeLessThanOrEqual(afterNs - first);
  });

  it("`curb driver velodyne --pcap … --record` writes point clouds and reports the model override once", () => {
    const out = join(tmp, "X.mcap");
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "scripts/curb.mjs"), "driver", "velodyne", "--pcap", PCAP_FILE, "--model", "VLP-16", "--calibration", VLP16DB, "--record", out],
      { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    // Said once on stderr (the summary line repeats it as last_warning).
    expect(r.stderr.split("\n").filter((l) => l.startsWith("Velodyne: configuration says VLP16, packet product id 0x21 says HDL32E"))).toHaveLength(1);
    const info = spawnSync(process.execPath, [join(ROOT, "scripts/curb.mjs"), "log", "info", "--json", out], { cwd: ROOT, encoding: "utf8" });
    const channels = JSON.parse(info.stdout).channels as { topic: string; schemaName: string; messageCount: string }[];
    const points = channels.find((ch) => ch.topic === "/sensors/lidar/top/points");
    expect(points?.schemaName).toBe("foxglove.PointCloud");
    expect(Number(points?.messageCount)).toBe(2); // one scan crossing the cut, then the flushed tail
    expect(channels.map((ch) => ch.topic)).toContain("/diagnostics");
  });

  it("`curb driver` refuses bad input with exit 2 and one line, leaving an earlier log of the --record name as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-driver-refusals-"));
    const log = join(dir, "drive.mcap");
    writeFileSync(log, "an earlier drive");
    const pcap = ["--pcap", PCAP_FILE, "--model", "VLP-16", "--calibration", VLP16DB];
    const cases: [string[], string][] = [
      [["velodyne", "--pcap", join(dir, "missing.pcap"), "--model", "VLP-16", "--calibration", VLP16DB], `pcap: cannot read ${join(dir, "missing.pcap")}`],
      [["velodyne", "--pcap", dir, "--model", "VLP-16", "--calibration", VLP16DB], `pcap: cannot read ${dir} (a folder, not a file)`],
      [["velodyne", "--pcap", PCAP_FILE, "--model", "HDL-32E", "--calibration", VLP16DB], "has 16 lasers, the HDL32E has 32"],
      [["velodyne", "--pcap", PCAP_FILE, "--model", "VLP-16", "--calibration", data("velodyne/calibration/32db.yaml")], "has 32 lasers, the VLP16 has 16"],
      [["velodyne", ...pcap, "--rate", "abc"], '--rate: a pace above 0 (1 = as recorded) or max, got "abc"'],
      [["velodyne", ...pcap, "--config", join(ROOT, "hw/drivers/config/velodyne.example.yaml")], "--pcap, --model, --calibration and --config: give one or the other"],
      [["radar", "--pcap", PCAP_FILE, "--config", join(ROOT, "hw/drivers/config/radar.example.yaml")], "--pcap: only for the velodyne driver"],
      [["velodyne", "--model", "VLP-16", "--config", join(ROOT, "hw/drivers/config/velodyne.example.yaml")], "--model and --config: give one or the other"],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(process.execPath, [join(ROOT, "scripts/curb.mjs"), "driver", ...args, "--record", log], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toEqual([expect.stringContaining(message)]);
      expect(readFileSync(log, "utf8"), args.join(" ")).toBe("an earlier drive");
      expect(readdirSync(dir), args.join(" ")).toEqual(["drive.mcap"]);
    }
    // A folder as the log, and a bus folder that cannot be made (Node's recursive mkdir spun forever under /proc).
    for (const [args, message] of [
      [[...pcap, "--record", dir], `cannot write the log to ${dir}: it is a folder`],
      [[...pcap, "--bus-dir", "/proc/curb-bus"], "cannot write the bus endpoints to /proc/curb-bus"],
    ] as [string[], string][]) {
      const r = spawnSync(process.execPath, [join(ROOT, "scripts/curb.mjs"), "driver", "velodyne", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL" });
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it("receives live UDP datagrams (127.0.0.1) and stamps them", async () => {
    const bus = new FakeBus();
    const config = velodyneConfig({ input: { udp: { address: "127.0.0.1", dataPort: 0, positionPort: 0 } } });
    const driver = new VelodyneDriver(config, calibration("velodyne/calibration/VLP16db.yaml"), bus);
    const src = await startUdp(driver, (config.input as { udp: Parameters<typeof startUdp>[1] }).udp);
    const sender = createSocket("udp4");
    for (const p of capturePackets()) await new Promise<void>((r) => sender.send(p.payload, src.ports.data, "127.0.0.1", () => r()));
    for (let i = 0; i < 50 && driver.health.inputs < 84; i++) await new Promise((r) => setTimeout(r, 20));
    sender.close();
    await src.stop();
    expect(driver.health.inputs).toBe(84);
    expect(bus.on("/sensors/lidar/top/points").length).toBe(1);
    const s = bus.on("/sensors/lidar/top/points")[0].stampNs;
    expect(Math.abs(Number(s - BigInt(Date.now()) * 1_000_000n))).toBeLessThan(5e9); // host-anchored, now-ish
  });

  it("refuses a UDP port another driver holds, unless both share it", async () => {
    const udp = (dataPort: number, sharePorts: boolean) => {
      const config = velodyneConfig({ input: { udp: { address: "127.0.0.1", dataPort, positionPort: 0, sharePorts } } });
      return startUdp(new VelodyneDriver(config, calibration("velodyne/calibration/VLP16db.yaml"), new FakeBus()), (config.input as { udp: Parameters<typeof startUdp>[1] }).udp);
    };
    const first = await udp(0, false);
    const port = first.ports.data;
    // Before, both bound (SO_REUSEADDR) and the unicast packets went to only one of them, silently.
    await expect(udp(port, false)).rejects.toThrow(`UDP port ${port} on 127.0.0.1 is in use (another driver for this sensor?)`);
    await first.stop();
    const shared = [await udp(0, true)];
    shared.push(await udp(shared[0].ports.data, true)); // a broadcast sensor read twice
    expect(shared[1].ports.data).toBe(shared[0].ports.data);
    for (const s of shared) await s.stop();
  });

  it("joins a multicast group when configured", async (ctx) => {
    const config = velodyneConfig({ input: { udp: { address: "0.0.0.0", dataPort: 0, positionPort: 0, multicastGroup: "239.255.76.67", multicastInterface: "127.0.0.1" } } });
    const driver = new VelodyneDriver(config, calibration("velodyne/calibration/VLP16db.yaml"), new FakeBus());
    let src;
    try {
      src = await startUdp(driver, (config.input as { udp: Parameters<typeof startUdp>[1] }).udp);
    } catch (e) {
      ctx.skip(`this host cannot join multicast on loopback: ${(e as Error).message}`);
      return;
    }
    await src.stop();
  });

  it("survives 10,000 garbage and mutated datagrams: counted on /diagnostics, the next good packets decode", () => {
    const bus = new FakeBus();
    const logs: string[] = [];
    const driver = new VelodyneDriver(velodyneConfig({ input: { pcap: { file: "unused" } } }), calibration("velodyne/calibration/VLP16db.yaml"), bus, { log: (m) => logs.push(m), now: () => 0n }); // a still clock: the report reflects errors, not how long the checks below take
    const good = capturePackets();
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let host = good[0].t;
    for (let i = 0; i < 10_000; i++) {
      host += 1_000_000n;
      const kind = i % 4;
      let bytes: Uint8Array;
      if (kind === 0) bytes = Uint8Array.from({ length: Math.floor(rnd() * 1400) }, () => Math.floor(rnd() * 256));
      else if (kind === 1) bytes = good[Math.floor(rnd() * good.length)].payload.subarray(0, Math.floor(rnd() * 1206));
      else {
        bytes = good[Math.floor(rnd() * good.length)].payload.slice();
        for (let k = 0; k < 1 + rnd() * 20; k++) bytes[Math.floor(rnd() * 1206)] = Math.floor(rnd() * 256);
      }
      expect(() => driver.onData(bytes, host)).not.toThrow();
      if (i % 100 === 0) driver.onPosition(bytes.subarray(0, Math.floor(rnd() * 600)), host);
    }
    const status: DiagnosticStatus = driver.diagnostics();
    expect(status.level).toBeGreaterThanOrEqual(DiagnosticStatus_Level.ERROR);
    const errors = Number(diagnosticValue(status, "decode_errors"));
    expect(errors).toBeGreaterThan(5000);
    expect(Number(diagnosticValue(status, "decode_errors:length"))).toBeGreaterThan(4000);
    // Good input after the garbage: the same capture decodes as on a fresh driver.
    const fresh = new FakeBus();
    const ref = new VelodyneDriver(velodyneConfig({ input: { pcap: { file: "unused" } } }), calibration("velodyne/calibration/VLP16db.yaml"), fresh);
    driver.restartInput();
    const before = bus.on("/sensors/lidar/top/points").length;
    for (const p of good) {
      driver.onData(p.payload, p.t);
      ref.onData(p.payload, p.t);
    }
    const after = bus.on("/sensors/lidar/top/points").slice(before);
    const expected = fresh.on("/sensors/lidar/top/points");
    expect(after.length).toBe(expected.length);
    expect((after[after.length - 1].message as PointCloud).data).toEqual((expected[expected.length - 1].message as PointCloud).data);
    expect(driver.diagnostics().level).toBeLessThan(DiagnosticStatus_Level.ERROR); // no new errors since the last report
  });
});
