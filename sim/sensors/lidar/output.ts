// Getting simulated packets out of the process: a classic pcap (Ethernet/IPv4/UDP, what
// Wireshark, VeloView and hw's PcapReader open) or a live UDP stream (what the Velodyne driver in
// hw/drivers listens to).
import { createSocket, type Socket } from "node:dgram";
import { VELODYNE_PORTS, writePcap } from "../../../hw/index.ts";
import type { LidarPacket } from "./LidarModel.ts";

/**
 * A pcap of data packets to UDP `port` [2368] from 192.168.1.201 (a Velodyne's factory address) to
 * broadcast, record times = packet sensor times (+ `originNs`, e.g. a wall-clock epoch).
 */
export function lidarPcap(packets: readonly LidarPacket[], options: { port?: number; originNs?: bigint } = {}): Uint8Array {
  const port = options.port ?? VELODYNE_PORTS.DATA;
  const origin = options.originNs ?? 0n;
  return writePcap(packets.map((p) => ({ timestampNs: origin + p.stampNs, payload: p.data, dstPort: port, srcPort: port })));
}

/** Sends packets as UDP datagrams (default 127.0.0.1:2368) on `socket` (or a new one, closed after). */
export async function sendLidarPackets(
  packets: readonly LidarPacket[],
  options: { host?: string; port?: number; socket?: Socket } = {},
): Promise<void> {
  const socket = options.socket ?? createSocket("udp4");
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? VELODYNE_PORTS.DATA;
  try {
    for (const p of packets) {
      await new Promise<void>((resolve, reject) => socket.send(p.data, port, host, (e) => (e ? reject(e) : resolve())));
    }
  } finally {
    if (!options.socket) socket.close();
  }
}
