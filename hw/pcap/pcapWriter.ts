// Builds a classic libpcap capture (µs, little-endian, Ethernet → IPv4 → UDP) from payloads: for
// turning raw packet dumps into captures the drivers replay, and for tests.
import { PCAP } from "./PcapReader.ts";

export interface PcapWritePacket {
  readonly timestampNs: bigint;
  readonly payload: Uint8Array;
  readonly dstPort: number;
  readonly srcPort?: number;
  /** IPv4 addresses as u32; defaults 192.168.1.201 → 255.255.255.255 (a Velodyne's broadcast). */
  readonly srcIp?: number;
  readonly dstIp?: number;
}

const ETH = 14;
const IP = 20;
const UDP = 8;

export function writePcap(packets: readonly PcapWritePacket[]): Uint8Array {
  const total = PCAP.GLOBAL_HEADER_SIZE + packets.reduce((n, p) => n + PCAP.RECORD_HEADER_SIZE + ETH + IP + UDP + p.payload.length, 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP.MAGIC_US, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, PCAP.LINKTYPE_ETHERNET, true);
  let o: number = PCAP.GLOBAL_HEADER_SIZE;
  for (const p of packets) {
    const len = ETH + IP + UDP + p.payload.length;
    v.setUint32(o, Number(p.timestampNs / 1_000_000_000n), true);
    v.setUint32(o + 4, Number((p.timestampNs % 1_000_000_000n) / 1000n), true);
    v.setUint32(o + 8, len, true);
    v.setUint32(o + 12, len, true);
    o += PCAP.RECORD_HEADER_SIZE;
    out.fill(0xff, o, o + 6); // broadcast destination MAC
    v.setUint16(o + 12, PCAP.ETHERTYPE_IPV4, false);
    const ip = o + ETH;
    out[ip] = 0x45;
    v.setUint16(ip + 2, IP + UDP + p.payload.length, false);
    out[ip + 8] = 64;
    out[ip + 9] = PCAP.IPPROTO_UDP;
    v.setUint32(ip + 12, p.srcIp ?? 0xc0a801c9, false);
    v.setUint32(ip + 16, p.dstIp ?? 0xffffffff, false);
    const u = ip + IP;
    v.setUint16(u, p.srcPort ?? p.dstPort, false);
    v.setUint16(u + 2, p.dstPort, false);
    v.setUint16(u + 4, UDP + p.payload.length, false);
    out.set(p.payload, u + UDP);
    o += len;
  }
  return out;
}
