// Sensor time of Velodyne packets. A packet carries µs past the top of the hour from the sensor's
// clock; the hour must come from the host. Two regimes (see hw/README.md, "Time handling"):
//
// - PPS locked (position packets say so): the sensor clock is GPS time. stamp = the sensor's µs
//   past the hour in the hour nearest the host receive time (topOfHourToNs). Absolute.
// - PPS not locked (absent, synchronizing, error, or no position packets): the sensor clock runs
//   free and is not related to any wall clock. The first packet anchors it to its host receive
//   time; later packets get anchor + (sensor time − sensor time at the anchor), so intervals are
//   the sensor's, not the host's jittery receive times.
//
// Either way the µs counter is unwrapped across the top of the hour (a drop of more than half an
// hour is a rollover), so a scan over the hour boundary has continuous times. If (stamp − host
// receive time) moves by more than `jumpThresholdNs` from its value at the anchor, the device or
// the host clock jumped (PPS lost or gained, sensor reset, NTP step, or a free-running clock's
// drift accumulated): the clock re-anchors on that packet and reports it.

import type { PpsStatus } from "../../velodyne/packet.ts";
import { topOfHourToNs } from "../../velodyne/time.ts";

const US_PER_HOUR = 3_600_000_000;
const HALF_HOUR_US = US_PER_HOUR / 2;
const NS_PER_US = 1000n;
const NS_PER_HOUR = 3_600_000_000_000n;

export interface VelodyneClockOptions {
  /** "device": sensor clock as above; "host": every packet gets its receive time. */
  readonly source: "device" | "host";
  /** Allowed change of (stamp − receive time) before re-anchoring, ns. */
  readonly jumpThresholdNs: bigint;
  /** Called once per re-anchor or PPS change with a sentence for /diagnostics and stderr. */
  readonly onEvent?: (message: string) => void;
}

export class VelodyneClock {
  /** Re-anchors caused by a jump (not counting the first anchor or PPS changes). */
  jumps = 0;
  /** Size of the last jump, ns (signed: positive = device ahead of where it should be). */
  lastJumpNs = 0n;
  /** stamp − host receive time of the last packet, ns (what the sensor clock says vs the host). */
  offsetNs = 0n;
  /**
   * Receive times are a capture's moved by this much (a replay with `stamps: now`). A GPS time is
   * then placed in the hour of the capture's own receive time and moved the same way, so it keeps
   * its place beside the capture's other times; in the hour of the moved time it would sit up to
   * half an hour off them.
   */
  receiveMoveNs = 0n;
  private pps: PpsStatus | undefined;
  private hours = 0n;
  private prevUs: number | undefined;
  private anchorDeviceNs: bigint | undefined;
  private anchorStampNs = 0n;
  private anchorOffsetNs = 0n;
  private absolute = false;

  constructor(readonly options: VelodyneClockOptions) {}

  get ppsLocked(): boolean {
    return this.pps === "locked";
  }

  /** "absolute" (GPS, PPS locked), "relative" (free-running, anchored to host) or "host". */
  get mode(): "absolute" | "relative" | "host" {
    return this.options.source === "host" ? "host" : this.absolute ? "absolute" : "relative";
  }

  /** PPS status from a position packet; a change of lock re-anchors at the next data packet. */
  setPps(status: PpsStatus): void {
    const wasLocked = this.ppsLocked;
    this.pps = status;
    if (this.ppsLocked !== wasLocked && this.anchorDeviceNs !== undefined && this.options.source === "device") {
      this.anchorDeviceNs = undefined;
      this.options.onEvent?.(
        this.ppsLocked ? "Velodyne PPS locked: time re-anchored to the sensor's GPS time" : `Velodyne PPS ${status}: time re-anchored to host receive time, sensor clock free-running`,
      );
    }
  }

  /** Forget the anchor and the hour count (input restarted, e.g. a pcap loop). */
  reset(): void {
    this.anchorDeviceNs = undefined;
    this.prevUs = undefined;
    this.hours = 0n;
  }

  /** Sensor time (ns since the epoch) of a packet with µs past the hour `usPastHour`, received at `hostNs`. */
  stamp(usPastHour: number, hostNs: bigint): bigint {
    if (this.options.source === "host") {
      this.offsetNs = 0n;
      return hostNs;
    }
    if (this.prevUs !== undefined) {
      if (usPastHour < this.prevUs - HALF_HOUR_US) this.hours++;
      else if (usPastHour > this.prevUs + HALF_HOUR_US) this.hours--;
    }
    this.prevUs = usPastHour;
    const deviceNs = this.hours * NS_PER_HOUR + BigInt(Math.trunc(usPastHour)) * NS_PER_US;
    if (this.anchorDeviceNs === undefined) {
      this.anchor(usPastHour, deviceNs, hostNs);
    }
    let stampNs = this.anchorStampNs + (deviceNs - (this.anchorDeviceNs as bigint));
    const drift = stampNs - hostNs - this.anchorOffsetNs;
    if (drift > this.options.jumpThresholdNs || -drift > this.options.jumpThresholdNs) {
      this.jumps++;
      this.lastJumpNs = drift;
      this.anchor(usPastHour, deviceNs, hostNs);
      stampNs = this.anchorStampNs;
      this.options.onEvent?.(
        `Velodyne clock jumped ${(Number(drift) / 1e6).toFixed(3)} ms against the host clock (threshold ${Number(this.options.jumpThresholdNs) / 1e6} ms); re-anchored (${this.mode})`,
      );
    }
    this.offsetNs = stampNs - hostNs;
    return stampNs;
  }

  private anchor(usPastHour: number, deviceNs: bigint, hostNs: bigint): void {
    this.absolute = this.ppsLocked;
    this.anchorDeviceNs = deviceNs;
    this.anchorStampNs = this.absolute ? topOfHourToNs(usPastHour, hostNs - this.receiveMoveNs) + this.receiveMoveNs : hostNs;
    this.anchorOffsetNs = this.anchorStampNs - hostNs;
  }
}
