// Packets → full rotations. A scan ends where the point azimuth crosses the cut angle; points of
// the packet after the crossing start the next scan. Two preallocated buffers are swapped, so a
// completed scan's views stay valid until the next scan completes.

import { ok, type Result } from "../result.ts";
import { MAX_POINTS_PER_PACKET, type DecodedPacketInfo, type VelodyneDecodeError, type VelodyneDecoder } from "./VelodyneDecoder.ts";
import { PointBuffer, type PointCloudView } from "./PointBuffer.ts";

export interface ScanAssemblerOptions {
  /** Azimuth where one scan ends and the next begins, degrees (0 = straight ahead). */
  readonly cutAngleDeg?: number;
  /** Capacity of each scan buffer (points). Default 250,000 (a VLS-128 rotation at 10 Hz). */
  readonly maxPointsPerScan?: number;
}

export interface CompletedScan {
  readonly points: PointCloudView;
  /** Sensor time of the first packet of the scan; point `timeOffsetS` is relative to it. */
  readonly stampNs: bigint;
  readonly packets: number;
  /**
   * True when the scan began at a cut crossing and ended at the next one; false for the first
   * (partial) scan after a reset and for a scan cut short because its buffer filled up.
   */
  readonly complete: boolean;
}

export interface PushResult {
  readonly packet: DecodedPacketInfo;
  /** Set when this packet completed a scan. */
  readonly scan: CompletedScan | undefined;
}

const TWO_PI = 2 * Math.PI;

export class ScanAssembler {
  readonly decoder: VelodyneDecoder;
  private readonly cutRad: number;
  private readonly scratch = new PointBuffer(MAX_POINTS_PER_PACKET);
  private current: PointBuffer;
  private done: PointBuffer;
  private stampNs: bigint | undefined;
  private packets = 0;
  private started = false; // current scan began at a crossing
  private lastRel = -1;

  constructor(decoder: VelodyneDecoder, options: ScanAssemblerOptions = {}) {
    this.decoder = decoder;
    const cut = ((((options.cutAngleDeg ?? 0) % 360) + 360) % 360) * (Math.PI / 180);
    this.cutRad = cut;
    const cap = options.maxPointsPerScan ?? 250_000;
    this.current = new PointBuffer(cap);
    this.done = new PointBuffer(cap);
  }

  /** Drop the scan in progress (e.g. after a gap in the packet stream). */
  reset(): void {
    this.current.clear();
    this.stampNs = undefined;
    this.packets = 0;
    this.started = false;
    this.lastRel = -1;
  }

  /** Decode one packet received (or measured) at `stampNs` and add it to the scan in progress. */
  push(packet: Uint8Array, stampNs: bigint): Result<PushResult, VelodyneDecodeError> {
    const scratch = this.scratch.clear();
    const decoded = this.decoder.decodePacket(packet, scratch, 0);
    if (!decoded.ok) return decoded;
    let completed: CompletedScan | undefined;
    if (this.stampNs === undefined) this.stampNs = stampNs;
    if (this.current.remaining < scratch.length) {
      completed = this.finish(false, stampNs);
    }
    let dt = Number(stampNs - this.stampNs) * 1e-9;
    let counted = false;
    for (let i = 0; i < scratch.length; i++) {
      let rel = scratch.azimuthRad[i] - this.cutRad;
      if (rel < 0) rel += TWO_PI;
      if (this.lastRel >= 0 && this.lastRel - rel > Math.PI) {
        // Crossed the cut: this point opens the next scan.
        if (i > 0) this.packets++;
        completed = this.finish(this.started, stampNs);
        this.started = true;
        dt = 0;
        counted = false;
      }
      this.lastRel = rel;
      this.current.copyPointFrom(scratch, i, dt);
    }
    if (!counted) this.packets++;
    return ok({ packet: decoded.value, scan: completed });
  }

  /** Completes the scan in progress as a partial scan (end of input); undefined when it holds no points. */
  flush(): CompletedScan | undefined {
    if (this.current.length === 0) {
      this.reset();
      return undefined;
    }
    const scan = this.finish(false, this.stampNs ?? 0n);
    this.reset();
    return scan;
  }

  private finish(complete: boolean, nextStampNs: bigint): CompletedScan {
    const finished = this.current;
    this.current = this.done;
    this.done = finished;
    this.current.clear();
    const scan: CompletedScan = {
      points: finished.view(),
      stampNs: this.stampNs ?? nextStampNs,
      packets: this.packets,
      complete,
    };
    this.stampNs = nextStampNs;
    this.packets = 0;
    return scan;
  }
}
