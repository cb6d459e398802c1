// Classic libpcap capture files (not pcapng): both byte orders, µs (0xa1b2c3d4) and ns
// (0xa1b23c4d) timestamps, link type Ethernet (optionally 802.1Q-tagged). Frames are unwrapped
// Ethernet → IPv4 → UDP; everything else is skipped and counted. Fragmented IPv4 is not
// reassembled (counted as `fragmented`). The reader works on bytes already in memory, so it runs
// the same on a file, a buffer from a socket or a test fixture.

import { err, lengthMessage, ok, type DecodeError, type Result } from "../result.ts";

export const PCAP = Object.freeze({
  GLOBAL_HEADER_SIZE: 24,
  RECORD_HEADER_SIZE: 16,
  MAGIC_US: 0xa1b2c3d4,
  MAGIC_NS: 0xa1b23c4d,
  LINKTYPE_ETHERNET: 1,
  ETHERTYPE_IPV4: 0x0800,
  ETHERTYPE_VLAN: 0x8100,
  ETHERNET_HEADER_SIZE: 14,
  IPPROTO_UDP: 17,
  UDP_HEADER_SIZE: 8,
  /** Largest record a sane capture holds (snaplen ceiling used by libpcap). */
  MAX_RECORD_SIZE: 262144,
});

export interface PcapHeader {
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linkType: number;
}

export interface UdpPacket {
  /** Capture time, integer ns since the Unix epoch. */
  readonly timestampNs: bigint;
  readonly srcIp: number;
  readonly dstIp: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Zero-copy view into the capture bytes. */
  readonly payload: Uint8Array;
  /** 0-based index of the frame in the file. */
  readonly frame: number;
}

export type PcapErrorCode = "length" | "magic" | "version" | "linktype" | "snaplen";
export type PcapError = DecodeError<PcapErrorCode>;

export interface PcapStats {
  frames: number;
  udp: number;
  /** Frames that are not IPv4 (ARP, IPv6, …). */
  nonIpv4: number;
  /** IPv4 frames that are not UDP. */
  nonUdp: number;
  /** IPv4 fragments (not reassembled). */
  fragmented: number;
  /** Records cut by the snap length or frames too short for their headers. */
  truncated: number;
  /** Headers whose fields contradict each other (bad IHL, UDP length, record length). */
  malformed: number;
  /** Bytes after the last whole record (a capture cut mid-record). */
  trailingBytes: number;
}

export function parsePcapHeader(bytes: Uint8Array): Result<PcapHeader, PcapError> {
  if (bytes.byteLength < PCAP.GLOBAL_HEADER_SIZE) {
    return err({ code: "length", message: lengthMessage("pcap global header", `at least ${PCAP.GLOBAL_HEADER_SIZE}`, bytes.byteLength) });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = view.getUint32(0, true);
  const magicBe = view.getUint32(0, false);
  let littleEndian: boolean;
  let nanosecond: boolean;
  if (magicLe === PCAP.MAGIC_US || magicLe === PCAP.MAGIC_NS) {
    littleEndian = true;
    nanosecond = magicLe === PCAP.MAGIC_NS;
  } else if (magicBe === PCAP.MAGIC_US || magicBe === PCAP.MAGIC_NS) {
    littleEndian = false;
    nanosecond = magicBe === PCAP.MAGIC_NS;
  } else {
    const hint = magicLe === 0x0a0d0d0a ? " (this is pcapng, not classic pcap)" : "";
    return err({
      code: "magic",
      message: `pcap: magic 0x${magicBe.toString(16).padStart(8, "0")}, expected a1b2c3d4 or a1b23c4d in either byte order${hint}`,
    });
  }
  const versionMajor = view.getUint16(4, littleEndian);
  const versionMinor = view.getUint16(6, littleEndian);
  if (versionMajor !== 2) {
    return err({ code: "version", message: `pcap: version ${versionMajor}.${versionMinor}, expected 2.x` });
  }
  const snaplen = view.getUint32(16, littleEndian);
  const linkType = view.getUint32(20, littleEndian) & 0x0fffffff; // upper bits: FCS info
  if (linkType !== PCAP.LINKTYPE_ETHERNET) {
    return err({ code: "linktype", message: `pcap: link type ${linkType}, expected ${PCAP.LINKTYPE_ETHERNET} (Ethernet)` });
  }
  return ok({ littleEndian, nanosecond, versionMajor, versionMinor, snaplen, linkType });
}

/** Reader over a whole capture in memory. Iterate `udpPackets()`; read `stats` afterwards. */
export class PcapReader {
  readonly header: PcapHeader;
  readonly stats: PcapStats = {
    frames: 0,
    udp: 0,
    nonIpv4: 0,
    nonUdp: 0,
    fragmented: 0,
    truncated: 0,
    malformed: 0,
    trailingBytes: 0,
  };
  private readonly bytes: Uint8Array;

  private constructor(bytes: Uint8Array, header: PcapHeader) {
    this.bytes = bytes;
    this.header = header;
  }

  /** Check the global header; a corrupt one is an error result, never an exception. */
  static open(bytes: Uint8Array): Result<PcapReader, PcapError> {
    const h = parsePcapHeader(bytes);
    if (!h.ok) return h;
    return ok(new PcapReader(bytes, h.value));
  }

  *udpPackets(): Generator<UdpPacket, void, undefined> {
    const bytes = this.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = this.header.littleEndian;
    const subsecToNs = this.header.nanosecond ? 1n : 1000n;
    const stats = this.stats;
    let pos: number = PCAP.GLOBAL_HEADER_SIZE;
    let frame = 0;
    while (pos + PCAP.RECORD_HEADER_SIZE <= bytes.byteLength) {
      const sec = view.getUint32(pos, le);
      const sub = view.getUint32(pos + 4, le);
      const inclLen = view.getUint32(pos + 8, le);
      const origLen = view.getUint32(pos + 12, le);
      const start = pos + PCAP.RECORD_HEADER_SIZE;
      if (inclLen > PCAP.MAX_RECORD_SIZE || start + inclLen > bytes.byteLength) {
        // Either a corrupt length or a capture cut mid-record: nothing after it can be trusted.
        stats.malformed += inclLen > PCAP.MAX_RECORD_SIZE ? 1 : 0;
        stats.truncated += inclLen > PCAP.MAX_RECORD_SIZE ? 0 : 1;
        stats.trailingBytes = bytes.byteLength - pos;
        return;
      }
      pos = start + inclLen;
      stats.frames++;
      const index = frame++;
      const packet = this.unwrap(bytes, view, start, inclLen, inclLen < origLen);
      if (packet === undefined) continue;
      stats.udp++;
      yield {
        timestampNs: BigInt(sec) * 1_000_000_000n + BigInt(sub) * subsecToNs,
        srcIp: packet.srcIp,
        dstIp: packet.dstIp,
        srcPort: packet.srcPort,
        dstPort: packet.dstPort,
        payload: bytes.subarray(packet.payloadStart, packet.payloadEnd),
        frame: index,
      };
    }
    stats.trailingBytes = bytes.byteLength - pos;
  }

  /** Ethernet → IPv4 → UDP; undefined (and a counter bumped) for anything else. */
  private unwrap(
    bytes: Uint8Array,
    view: DataView,
    start: number,
    len: number,
    cut: boolean,
  ): { srcIp: number; dstIp: number; srcPort: number; dstPort: number; payloadStart: number; payloadEnd: number } | undefined {
    const stats = this.stats;
    const end = start + len;
    let p = start + 12;
    if (p + 2 > end) {
      stats.truncated++;
      return undefined;
    }
    let etherType = view.getUint16(p, false);
    p += 2;
    while (etherType === PCAP.ETHERTYPE_VLAN) {
      if (p + 4 > end) {
        stats.truncated++;
        return undefined;
      }
      etherType = view.getUint16(p + 2, false);
      p += 4;
    }
    if (etherType !== PCAP.ETHERTYPE_IPV4) {
      stats.nonIpv4++;
      return undefined;
    }
    if (p + 20 > end) {
      stats.truncated++;
      return undefined;
    }
    const verIhl = bytes[p];
    const ihl = (verIhl & 0x0f) * 4;
    if (verIhl >> 4 !== 4 || ihl < 20) {
      stats.malformed++;
      return undefined;
    }
    const totalLen = view.getUint16(p + 2, false);
    const flagsFrag = view.getUint16(p + 6, false);
    const protocol = bytes[p + 9];
    const srcIp = view.getUint32(p + 12, false);
    const dstIp = view.getUint32(p + 16, false);
    if ((flagsFrag & 0x2000) !== 0 || (flagsFrag & 0x1fff) !== 0) {
      stats.fragmented++;
      return undefined;
    }
    if (protocol !== PCAP.IPPROTO_UDP) {
      stats.nonUdp++;
      return undefined;
    }
    if (totalLen < ihl + PCAP.UDP_HEADER_SIZE) {
      stats.malformed++;
      return undefined;
    }
    const ipEnd = p + totalLen;
    const u = p + ihl;
    if (u + PCAP.UDP_HEADER_SIZE > end) {
      stats.truncated++;
      return undefined;
    }
    const srcPort = view.getUint16(u, false);
    const dstPort = view.getUint16(u + 2, false);
    const udpLen = view.getUint16(u + 4, false);
    if (udpLen < PCAP.UDP_HEADER_SIZE || u + udpLen > ipEnd) {
      stats.malformed++;
      return undefined;
    }
    const payloadStart = u + PCAP.UDP_HEADER_SIZE;
    const payloadEnd = u + udpLen;
    if (payloadEnd > end || cut) {
      stats.truncated++;
      return undefined;
    }
    return { srcIp, dstIp, srcPort, dstPort, payloadStart, payloadEnd };
  }
}

/** Dotted-quad form of an IPv4 address held as a u32. */
export function ipv4ToString(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}
