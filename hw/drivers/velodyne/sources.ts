// Inputs of the Velodyne driver: a live UDP socket pair (data 2368, position 8308; unicast,
// broadcast or multicast) or a pcap capture replayed at recorded pace or as fast as possible.
import { createSocket, type Socket } from "node:dgram";
import { PcapReader, ipv4ToString, type UdpPacket } from "../../pcap/PcapReader.ts";
import { wallClockNs } from "../clock.ts";
import { readConfiguredFile, type VelodyneConfig } from "../config.ts";
import { replayPaced } from "../replayPacer.ts";
import type { VelodyneDriver } from "./VelodyneDriver.ts";

export interface Source {
  /** Resolves when the input ends (a pcap without loop) or after stop(). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

type UdpInput = Extract<VelodyneConfig["input"], { udp: unknown }>["udp"];
type PcapInput = Extract<VelodyneConfig["input"], { pcap: unknown }>["pcap"];

export function startVelodyneSource(driver: VelodyneDriver, input: VelodyneConfig["input"]): Promise<Source & { ports?: { data: number; position: number } }> {
  return "udp" in input ? startUdp(driver, input.udp) : Promise.resolve(startPcap(driver, input.pcap));
}

/** Binds the data (and position) sockets; resolves once they listen. Receive time = host wall clock. */
export async function startUdp(driver: VelodyneDriver, cfg: UdpInput): Promise<Source & { ports: { data: number; position: number } }> {
  const sockets: Socket[] = [];
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => (finish = r));
  const open = (port: number, onMessage: (b: Uint8Array, host: bigint) => void): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = createSocket({ type: "udp4", reuseAddr: cfg.sharePorts || cfg.multicastGroup !== undefined });
      s.once("error", (e: NodeJS.ErrnoException) =>
        reject(
          e.code === "EADDRINUSE"
            ? new Error(`UDP port ${port} on ${cfg.address} is in use (another driver for this sensor?); stop it, or set input.udp.sharePorts to read a broadcast sensor twice`)
            : e,
        ),
      );
      s.on("message", (msg, rinfo) => {
        if (cfg.sensorAddress !== undefined && rinfo.address !== cfg.sensorAddress) return;
        onMessage(msg, wallClockNs());
      });
      s.bind(port, cfg.address, () => {
        s.off("error", reject);
        s.on("error", (e) => driver.health.warn(`UDP socket error on ${cfg.address}:${port}: ${e.message}`));
        try {
          if (cfg.multicastGroup) s.addMembership(cfg.multicastGroup, cfg.multicastInterface);
        } catch (e) {
          s.close();
          reject(new Error(`cannot join multicast group ${cfg.multicastGroup}: ${(e as Error).message}`));
          return;
        }
        resolve(s);
      });
    });
  const data = await open(cfg.dataPort, (b, t) => driver.onData(b, t));
  sockets.push(data);
  if (cfg.positionPort !== 0) {
    try {
      sockets.push(await open(cfg.positionPort, (b, t) => driver.onPosition(b, t)));
    } catch (e) {
      data.close();
      throw e;
    }
  }
  return {
    done,
    ports: { data: data.address().port, position: sockets[1]?.address().port ?? 0 },
    stop: async () => {
      await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
      finish();
    },
  };
}

/** Replays a capture; receive time = the capture's timestamp (shifted per loop; deterministic), or with `stamps: now` moved onto the host clock. */
export function startPcap(driver: VelodyneDriver, cfg: PcapInput): Source {
  const bytes = new Uint8Array(readConfiguredFile(cfg.file, "pcap"));
  const reader = PcapReader.open(bytes);
  if (!reader.ok) throw new Error(`${cfg.file}: ${reader.error.message}`);
  const packets: UdpPacket[] = [];
  for (const p of reader.value.udpPackets()) if (p.dstPort === cfg.dataPort || p.dstPort === cfg.positionPort) packets.push(p);
  const stats = reader.value.stats;
  driver.health.values.set("pcap", `${packets.length} packets to ports ${cfg.dataPort}/${cfg.positionPort}; frames ${stats.frames}, skipped ${stats.frames - stats.udp}`);
  if (packets.length === 0) {
    const ports = [...new Set([...reader.value.udpPackets()].map((p) => `${ipv4ToString(p.dstIp)}:${p.dstPort}`))].slice(0, 5);
    driver.health.warn(`${cfg.file}: no UDP packets to ports ${cfg.dataPort}/${cfg.positionPort} (found: ${ports.join(", ") || "none"})`);
  }
  const abort = new AbortController();
  const startNs = cfg.stamps === "now" ? wallClockNs() : undefined;
  const done = replayPaced({
    items: packets,
    stampOf: (p) => p.timestampNs,
    rate: cfg.rate,
    loop: cfg.loop,
    startNs,
    signal: abort.signal,
    // A PPS-locked clock places GPS time in the recorded receive time's hour, then moves it the same.
    onStart: (moveNs) => (driver.clock.receiveMoveNs = moveNs),
    onLoop: () => driver.restartInput(),
    handle: (p, t) => (p.dstPort === cfg.dataPort ? driver.onData(p.payload, t) : driver.onPosition(p.payload, t)),
  }).then(() => {
    if (!abort.signal.aborted) driver.flush();
  });
  return {
    done,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}
