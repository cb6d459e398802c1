// The Velodyne driver's state and its one entry point per input: data and position datagrams in,
// PointCloud + VelodyneScan per scan and DiagnosticStatus out. No sockets or files here (sources.ts
// feeds it), so tests drive it directly, and nothing thrown by a decoder can escape it.
import { create } from "@bufbuild/protobuf";
import { type Bus, toTimestamp } from "../../../bus/index.ts";
import type { DiagnosticStatus } from "../../../bus/gen/curb/diagnostics_pb.ts";
import { VelodynePacketSchema, VelodyneScanSchema, type VelodynePacket } from "../../../bus/gen/curb/sensors_pb.ts";
import type { VelodyneCalibration } from "../../velodyne/calibration.ts";
import { parseDataPacketHeader, parsePositionPacket } from "../../velodyne/packet.ts";
import { ScanAssembler, type CompletedScan } from "../../velodyne/ScanAssembler.ts";
import { VelodyneDecoder } from "../../velodyne/VelodyneDecoder.ts";
import { msBetween, wallClockNs } from "../clock.ts";
import type { VelodyneConfig } from "../config.ts";
import { DriverHealth } from "../DriverHealth.ts";
import { type LidarPacketsTopic, type LidarPointsTopic, sensorTopic } from "../sensorTopics.ts";
import { toPointCloud } from "./pointCloud.ts";
import { VelodyneClock } from "./VelodyneClock.ts";

export interface VelodyneDriverOptions {
  /** Where warnings go besides /diagnostics (stderr in the process). */
  readonly log?: (message: string) => void;
  /** Wall clock, injectable for tests. */
  readonly now?: () => bigint;
}

/** A gap between packets larger than this many typical intervals counts the missing packets as dropped. */
const GAP_INTERVALS = 2.5;

export class VelodyneDriver {
  readonly health: DriverHealth;
  readonly clock: VelodyneClock;
  readonly assembler: ScanAssembler;
  readonly pointsTopic: LidarPointsTopic;
  readonly packetsTopic: LidarPacketsTopic;
  scans = 0;
  points = 0;
  private pending: VelodynePacket[] = [];
  private prevUs: number | undefined;
  private intervalUs = 0;
  private lastStampNs: bigint | undefined;
  private readonly log: (message: string) => void;
  private readonly now: () => bigint;

  constructor(
    readonly config: VelodyneConfig,
    calibration: VelodyneCalibration,
    private readonly bus: Pick<Bus, "publish">,
    options: VelodyneDriverOptions = {},
  ) {
    this.log = options.log ?? (() => {});
    this.now = options.now ?? wallClockNs;
    this.health = new DriverHealth(`velodyne/${config.name}`, BigInt(config.staleAfterMs) * 1_000_000n);
    this.pointsTopic = sensorTopic("lidar", config.name, "points") as LidarPointsTopic;
    this.packetsTopic = sensorTopic("lidar", config.name, "packets") as LidarPacketsTopic;
    const warn = (message: string): void => {
      this.health.warn(message);
      this.log(message);
    };
    this.clock = new VelodyneClock({
      source: config.time.source,
      jumpThresholdNs: BigInt(Math.round(config.time.jumpThresholdMs * 1e6)),
      onEvent: warn,
    });
    const decoder = new VelodyneDecoder({
      calibration,
      model: config.model,
      returnMode: config.returnMode,
      minRangeM: config.minRangeM,
      maxRangeM: config.maxRangeM,
      minAngleDeg: config.minAngleDeg,
      maxAngleDeg: config.maxAngleDeg,
      interpolation: config.interpolation,
      onWarning: warn, // model/return-mode override: once, on /diagnostics and stderr
    });
    this.assembler = new ScanAssembler(decoder, { cutAngleDeg: config.cutAngleDeg });
    this.health.values.set("time_mode", this.clock.mode);
    this.health.values.set("pps", "unknown");
  }

  /** One data datagram (UDP 2368) received at host time `hostNs`. Never throws. */
  onData(bytes: Uint8Array, hostNs: bigint): void {
    const wallNs = this.now();
    this.health.input(wallNs);
    try {
      const header = parseDataPacketHeader(bytes);
      if (!header.ok) {
        this.health.decodeError(header.error);
        return;
      }
      const us = header.value.gpsTimestampUs;
      this.countGap(us);
      const stampNs = this.clock.stamp(us, hostNs);
      const r = this.assembler.push(bytes, stampNs);
      if (!r.ok) {
        this.health.decodeError(r.error);
        return;
      }
      this.pending.push(create(VelodynePacketSchema, { timestamp: toTimestamp(stampNs), data: bytes }));
      if (r.value.scan) this.publishScan(r.value.scan, wallNs);
    } catch (e) {
      // A decoder bug must not take the driver down: count it like bad input.
      this.health.decodeError({ code: "exception", message: e instanceof Error ? e.message : String(e) });
    }
  }

  /** One position datagram (UDP 8308): PPS status for the clock, NMEA for diagnostics. Never throws. */
  onPosition(bytes: Uint8Array, _hostNs: bigint): void {
    const r = parsePositionPacket(bytes);
    if (!r.ok) {
      this.health.decodeError(r.error);
      return;
    }
    this.clock.setPps(r.value.ppsStatus);
    this.health.values.set("pps", r.value.ppsStatus);
    this.health.values.set("nmea", r.value.nmea === "" ? "none" : r.value.nmeaChecksumOk ? "ok" : "bad checksum");
  }

  /** Publishes the scan in progress (end of input). */
  flush(): void {
    const scan = this.assembler.flush();
    if (scan) this.publishScan(scan, this.now());
    this.pending = [];
  }

  /** The input starts over (pcap loop, socket reopened): forget the clock anchor and the scan in progress. */
  restartInput(): void {
    this.flush();
    this.clock.reset();
    this.prevUs = undefined;
  }

  diagnostics(wallNs = this.now()): DiagnosticStatus {
    this.health.values.set("time_mode", this.clock.mode);
    this.health.values.set("clock_jumps", String(this.clock.jumps));
    this.health.values.set("clock_offset_ms", (Number(this.clock.offsetNs) / 1e6).toFixed(3));
    this.health.values.set("scans", String(this.scans));
    this.health.values.set("points", String(this.points));
    return this.health.report(this.lastStampNs ?? wallNs, wallNs);
  }

  private countGap(us: number): void {
    const prev = this.prevUs;
    this.prevUs = us;
    if (prev === undefined) return;
    let d = us - prev;
    if (d < -1_800_000_000) d += 3_600_000_000; // hour rollover
    if (d <= 0 || d > 1_000_000) return; // reordered, duplicate or a jump: the clock reports those
    if (this.intervalUs > 0 && d > GAP_INTERVALS * this.intervalUs) {
      this.health.drop(Math.round(d / this.intervalUs) - 1);
      return;
    }
    this.intervalUs = this.intervalUs === 0 ? d : this.intervalUs + (d - this.intervalUs) / 16;
  }

  private publishScan(scan: CompletedScan, inputWallNs: bigint): void {
    const frameId = this.config.name;
    const cloud = toPointCloud(scan.points, scan.stampNs, frameId);
    this.bus.publish(this.pointsTopic, cloud, scan.stampNs);
    this.scans++;
    this.points += scan.points.length;
    this.lastStampNs = scan.stampNs;
    this.health.published(this.pointsTopic, scan.stampNs, msBetween(inputWallNs, this.now()));
    if (this.config.publishPackets && this.pending.length > 0) {
      const msg = create(VelodyneScanSchema, {
        timestamp: toTimestamp(scan.stampNs),
        frameId,
        model: this.config.model,
        returnMode: this.config.returnMode ?? "",
        packets: this.pending,
      });
      this.bus.publish(this.packetsTopic, msg, scan.stampNs);
      this.health.published(this.packetsTopic, scan.stampNs, msBetween(inputWallNs, this.now()));
    }
    this.pending = [];
  }
}
