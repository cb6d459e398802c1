// Inputs of the radar driver: a live SocketCAN interface (through a CanTransport) or a
// `candump -l` log replayed at its recorded pace or as fast as possible.
import { parseCandumpLine } from "../../radar/candump.ts";
import { wallClockNs } from "../clock.ts";
import { type RadarDriverConfig, readConfiguredFile } from "../config.ts";
import { replayPaced } from "../replayPacer.ts";
import type { Source } from "../velodyne/sources.ts";
import { CanUtilsTransport, type CanTransport } from "./can.ts";
import type { RadarDriver } from "./RadarDriver.ts";

type CandumpInput = Extract<RadarDriverConfig["input"], { candump: unknown }>["candump"];

/** Feeds a transport's frames to the driver and sends the 0x200 configuration first, if configured. */
export async function startCanTransport(driver: RadarDriver, transport: CanTransport): Promise<Source> {
  transport.onFrame((f) => driver.onFrame(f, f.timestampNs ?? wallClockNs()));
  transport.onBadInput?.((line) => driver.onCandumpLine(line, wallClockNs()));
  const cfg = driver.configurationFrame();
  if (cfg) await transport.send(cfg);
  return { done: transport.done, stop: () => transport.close() };
}

export function startRadarSource(driver: RadarDriver, input: RadarDriverConfig["input"], log: (m: string) => void): Promise<Source> {
  if ("socketcan" in input) return startCanTransport(driver, new CanUtilsTransport(input.socketcan.interface));
  const cfg = driver.configurationFrame();
  if (cfg) log(`radar/${driver.config.name}: replaying a log, the 0x200 configuration (${cfg.data.length} bytes) is not sent`);
  return Promise.resolve(startCandumpFile(driver, input.candump));
}

/** Replays a candump log; receive time = the log's timestamps (shifted per loop), or with `stamps: now` moved onto the host clock. */
export function startCandumpFile(driver: RadarDriver, cfg: CandumpInput): Source {
  const lines = readConfiguredFile(cfg.file, "candump").toString("utf8").split("\n").filter((l) => l.trim() !== "");
  let prev = 0n;
  const items = lines.map((line) => {
    const r = parseCandumpLine(line);
    if (r.ok && r.value.timestampNs !== undefined) prev = r.value.timestampNs;
    return { line, stampNs: prev };
  });
  const abort = new AbortController();
  const done = replayPaced({
    items,
    stampOf: (i) => i.stampNs,
    rate: cfg.rate,
    loop: cfg.loop,
    startNs: cfg.stamps === "now" ? wallClockNs() : undefined,
    signal: abort.signal,
    handle: (item, t) => {
      const r = parseCandumpLine(item.line);
      if (r.ok) driver.onFrame(r.value, t);
      else driver.onCandumpLine(item.line, t);
    },
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
