// One driver as a process: its bus (ZeroMQ, or in-process when it only records), its source, the
// periodic /diagnostics, an optional MCAP log, and a clean stop on abort (SIGINT/SIGTERM).
import { type Bus, fromTimestamp, InProcessBus, ZeroMqBus } from "../../bus/index.ts";
import type { DiagnosticStatus } from "../../bus/gen/curb/diagnostics_pb.ts";
import { LIVE_CHUNK_SIZE, makeOutputFolder, PendingLog } from "../../replay/index.ts";
import { CameraDriver } from "./camera/CameraDriver.ts";
import { Rectifier } from "./camera/Rectifier.ts";
import { startFfmpeg } from "./camera/FfmpegSource.ts";
import { wallClockNs } from "./clock.ts";
import { type DriverConfig, driverEndpoints } from "./config.ts";
import { loadCameraInfo, loadVelodyneCalibration } from "./driverFiles.ts";
import { RadarDriver } from "./radar/RadarDriver.ts";
import { startRadarSource } from "./radar/sources.ts";
import { startVelodyneSource, type Source } from "./velodyne/sources.ts";
import { VelodyneDriver } from "./velodyne/VelodyneDriver.ts";

/** What every driver offers the process loop. */
export interface Driver {
  readonly health: { warn(message: string): void };
  diagnostics(wallNs?: bigint): DiagnosticStatus;
}

export interface RunDriverOptions {
  readonly config: DriverConfig;
  /** Folder of the ipc:// endpoints to bind; omit for no ZeroMQ bus (then give `record`). */
  readonly busDir?: string;
  /** Write every published message (and /diagnostics) to this MCAP file. */
  readonly record?: string;
  readonly log?: (message: string) => void;
  /** Stops the driver (the CLI aborts on SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
}

export interface RunDriverResult {
  readonly status: DiagnosticStatus;
  readonly driver: Driver;
}

/** Process name of a driver: bus node name, endpoint file names. */
export function driverProcessName(config: Pick<DriverConfig, "kind" | "name">): string {
  return `${config.kind}-${config.name}`;
}

/** Builds the driver for a config (reads its calibration files) and starts its source. */
export async function createDriver(config: DriverConfig, bus: Pick<Bus, "publish">, log: (m: string) => void): Promise<{ driver: Driver; source: Source }> {
  switch (config.kind) {
    case "velodyne": {
      const driver = new VelodyneDriver(config, loadVelodyneCalibration(config), bus, { log });
      return { driver, source: await startVelodyneSource(driver, config.input) };
    }
    case "radar": {
      const driver = new RadarDriver(config, bus, { log });
      return { driver, source: await startRadarSource(driver, config.input, log) };
    }
    case "camera": {
      const info = loadCameraInfo(config);
      const rectifier = config.rectify && info ? await Rectifier.create(info) : undefined;
      const driver = new CameraDriver(config, info, bus, { log, rectifier });
      return { driver, source: startFfmpeg(driver, config.input) };
    }
  }
}

/**
 * Runs one driver until its input ends (a replayed file without loop) or `signal` aborts. Rejects
 * when the input fails (socket error, ffmpeg or candump died), after the log is closed: the
 * supervisor then restarts the process.
 */
export async function runDriver(o: RunDriverOptions): Promise<RunDriverResult> {
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const name = driverProcessName(o.config);
  let bus: Bus;
  if (o.busDir !== undefined) {
    makeOutputFolder(o.busDir, "the bus endpoints");
    bus = await ZeroMqBus.open({ name, bind: driverEndpoints(o.busDir, name), losslessLingerMs: 500 });
  } else {
    bus = new InProcessBus();
  }
  // Say once when data flows (the supervisor and tests see it on stderr).
  // A flag, not just the unsubscribe: a burst published in one tick reaches this before the microtask runs.
  let announced = false;
  const first = bus.all().subscribe((e) => {
    if (announced || e.topic === "/diagnostics") return;
    announced = true;
    log(`${name}: publishing (first message on ${e.topic})`);
    queueMicrotask(() => first.unsubscribe());
  });
  let pendingLog: PendingLog | undefined;
  try {
    pendingLog = o.record ? await PendingLog.open(o.record, { metadata: { driver: name, kind: o.config.kind }, chunkSize: LIVE_CHUNK_SIZE }) : undefined;
  } catch (e) {
    await bus.close();
    throw e;
  }
  pendingLog?.recorder.attach(bus);
  let driver: Driver | undefined;
  let source: Source | undefined;
  let timer: NodeJS.Timeout | undefined;
  const publishDiagnostics = (): DiagnosticStatus => {
    const status = driver!.diagnostics(wallClockNs());
    bus.publish("/diagnostics", status, fromTimestamp(status.timestamp));
    return status;
  };
  let failure: unknown;
  try {
    ({ driver, source } = await createDriver(o.config, bus, log));
    pendingLog?.keep(); // the driver runs: from here on the log is worth its name, even if the input fails later
    timer = setInterval(publishDiagnostics, o.config.diagnosticsPeriodMs);
    const aborted = new Promise<void>((resolve) => {
      if (o.signal?.aborted) resolve();
      o.signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    await Promise.race([source.done, aborted]);
    await source.stop();
  } catch (e) {
    failure = e;
    if (driver) driver.health.warn(`input failed: ${e instanceof Error ? e.message : String(e)}`);
    await source?.stop().catch(() => {});
  } finally {
    if (timer) clearInterval(timer);
  }
  const status = driver ? publishDiagnostics() : undefined;
  try {
    await pendingLog?.close();
  } finally {
    await bus.close();
  }
  if (failure !== undefined) throw failure;
  return { status: status!, driver: driver! };
}
