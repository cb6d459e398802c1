// `curb drive`: every driver of a vehicle config as its own child process (and a recorder process
// when the config names a log), restarted with capped exponential backoff when it crashes, their
// health collected from /diagnostics and the bus and reported as one "drive" DiagnosticStatus, and
// a clean stop on SIGINT/SIGTERM: drivers first (their last messages still reach the recorder),
// then the recorder, which closes the MCAP file.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { toTimestamp, TOPICS, type TopicName, ZeroMqBus } from "../../bus/index.ts";
import { logWriter, makeOutputFolder } from "../../replay/index.ts";
import {
  type DiagnosticStatus,
  DiagnosticStatus_Level,
  DiagnosticStatusSchema,
  KeyValueSchema,
} from "../../bus/gen/curb/diagnostics_pb.ts";
import { wallClockNs } from "./clock.ts";
import { ConfigError, type DriverConfig, driverEndpoints, type VehicleConfig } from "./config.ts";
import { driveSummary } from "./driveSummary.ts";
import { driverProcessName } from "./run.ts";
import { SENSOR_OUTPUTS } from "./sensorTopics.ts";

const CURB = fileURLToPath(new URL("../../scripts/curb.mjs", import.meta.url));

export type ChildState = "starting" | "running" | "backoff" | "stopped";

export interface SupervisedProcess {
  readonly key: string;
  readonly args: readonly string[];
  state: ChildState;
  child?: ChildProcess;
  pid?: number;
  starts: number;
  restarts: number;
  consecutiveFailures: number;
  startedAtMs: number;
  lastExit: string;
  /** The "curb: …" failure the current (or last) run printed, if any. */
  lastError: string;
  nextDelayMs: number;
  timer?: NodeJS.Timeout;
  exited?: Promise<void>;
  status?: DiagnosticStatus;
}

/** Delay before restart number `failures` (1-based): initial · factor^(failures−1), capped. */
export function backoffMs(restart: VehicleConfig["restart"], failures: number): number {
  return Math.min(restart.maxDelayMs, restart.initialDelayMs * restart.factor ** Math.max(0, failures - 1));
}

function sensorKind(d: DriverConfig): keyof typeof SENSOR_OUTPUTS {
  return d.kind === "velodyne" ? "lidar" : d.kind;
}

/** A driver's output topics that the topic table declares. */
function driverTopics(d: DriverConfig): TopicName[] {
  return SENSOR_OUTPUTS[sensorKind(d)].map((w) => `/sensors/${sensorKind(d)}/${d.name}/${w}` as TopicName).filter((t) => t in TOPICS);
}

/**
 * Drivers of a recorded drive whose replayed capture keeps its own stamps (`stamps: recorded`): the
 * log then holds that capture's clock beside the host clock of the drive's status, and a replay of
 * it plays one clock after the other.
 */
export function recordedClockNotes(vehicle: VehicleConfig): string[] {
  if (!vehicle.record) return [];
  return vehicle.drivers.flatMap((d) => {
    const input = d.kind === "velodyne" && "pcap" in d.input ? ["pcap", d.input.pcap] as const : d.kind === "radar" && "candump" in d.input ? ["candump", d.input.candump] as const : undefined;
    if (input?.[1].stamps !== "recorded") return [];
    return [`${d.kind}/${d.name} replays its capture with the capture's own stamps (input.${input[0]}.stamps: recorded): the log will hold that clock beside the host clock of the drive's status`];
  });
}

export class Supervisor {
  readonly drivers: SupervisedProcess[];
  readonly recorder: SupervisedProcess | undefined;
  bus: ZeroMqBus | undefined;
  private stopping = false;
  /** While the recorder's first run has not said "recording to": how to end start()'s wait. */
  private recorderStarting: { ready: () => void; refused: (e: Error) => void } | undefined;
  /** The log of each recorder run, in order. */
  private readonly recorderLogs: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastLineLevel: DiagnosticStatus_Level | undefined;
  private lastLineAtMs = 0;
  private readonly log: (m: string) => void;

  constructor(
    readonly vehicle: VehicleConfig,
    readonly configFile: string,
    options: { log?: (m: string) => void } = {},
  ) {
    this.log = options.log ?? ((m) => process.stderr.write(`[drive] ${m}\n`));
    const proc = (key: string, args: string[]): SupervisedProcess => ({
      key,
      args,
      state: "stopped",
      starts: 0,
      restarts: 0,
      consecutiveFailures: 0,
      startedAtMs: 0,
      lastExit: "",
      lastError: "",
      nextDelayMs: 0,
    });
    this.drivers = vehicle.drivers.map((d) =>
      proc(`${d.kind}/${d.name}`, ["driver", d.kind, "--config", configFile, "--name", d.name, "--bus-dir", vehicle.busDir]),
    );
    // Its --out is added per start (nextRecorderLog).
    this.recorder = vehicle.record ? proc("recorder", ["record", "--config", configFile, "--bus-dir", vehicle.busDir]) : undefined;
  }

  /** The log the recorder's next run writes: `record` first, then the first free of drive-2.mcap, drive-3.mcap … */
  private nextRecorderLog(): string {
    const record = this.vehicle.record!;
    if (this.recorderLogs.length === 0) return record;
    // A new name per restart: the same one would replace the log of the drive so far, and one an
    // earlier drive left (or another run writes) is not this drive's to replace.
    const ext = extname(record);
    const stem = record.slice(0, record.length - ext.length);
    for (let n = this.recorderLogs.length + 1; ; n++) {
      const out = `${stem}-${n}${ext}`;
      if (!existsSync(out) && !logWriter(out)) return out;
    }
  }

  /** Topics the supervisor watches: every driver's outputs (rates, drops, staleness via bus health). */
  sensorTopics(): TopicName[] {
    return this.vehicle.drivers.flatMap((d) => driverTopics(d));
  }

  async start(): Promise<void> {
    makeOutputFolder(this.vehicle.busDir, "the bus endpoints");
    this.bus = await ZeroMqBus.open({
      name: "drive",
      bind: driverEndpoints(this.vehicle.busDir, "drive"),
      connect: this.vehicle.drivers.map((d) => driverEndpoints(this.vehicle.busDir, driverProcessName(d))),
      subscribe: ["/diagnostics", ...this.sensorTopics()],
      losslessLingerMs: 500,
      arrivalClock: wallClockNs, // status() reports on the wall clock; a replay with `stamps: recorded` keeps its capture's
    });
    for (const note of recordedClockNotes(this.vehicle)) this.log(note);
    this.bus.topic("/diagnostics").subscribe((e) => {
      const p = this.drivers.find((d) => e.message.name === d.key);
      if (p) p.status = e.message;
    });
    if (this.recorder) {
      // The recorder is connected before the drivers publish (ZeroMQ's slow joiner would lose the
      // start): wait for its "recording to" line (at most 15 s), then give the connections 300 ms.
      const ready = new Promise<void>((resolve, reject) => {
        this.recorderStarting = { ready: resolve, refused: reject };
        // Slow, not refused: from here on it is restarted like any process.
        setTimeout(() => this.recorderStarted(), 15_000).unref();
      });
      this.spawn(this.recorder);
      try {
        await ready;
      } catch (e) {
        await this.stop();
        throw e;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    for (const d of this.drivers) this.spawn(d);
    this.timer = setInterval(() => this.publishStatus(), this.vehicle.diagnosticsPeriodMs);
  }

  private recorderStarted(): void {
    this.recorderStarting?.ready();
    this.recorderStarting = undefined;
  }

  private spawn(p: SupervisedProcess): void {
    p.state = "starting";
    p.starts++;
    p.startedAtMs = Date.now();
    p.lastError = "";
    let args = p.args;
    if (p === this.recorder) {
      const out = this.nextRecorderLog();
      args = [...args, "--out", out];
      if (this.recorderLogs.length > 0) this.log(`recorder restarted: the log goes on in ${out} (${this.recorderLogs.at(-1)} holds what came before)`);
      this.recorderLogs.push(out);
    }
    const child = spawn(process.execPath, [CURB, ...args], { stdio: ["ignore", "inherit", "pipe"], detached: true, env: { ...process.env, CURB_SUPERVISED: "1" } });
    p.child = child;
    p.pid = child.pid;
    p.state = "running";
    this.log(`started ${p.key} pid=${child.pid}`);
    createInterface({ input: child.stderr! }).on("line", (line) => {
      process.stderr.write(`[${p.key}] ${line}\n`);
      // The CLI prints a failure as "curb: <message>"; other lines (warnings, the exit summary) are not errors.
      if (line.startsWith("curb: ")) p.lastError = line.slice("curb: ".length, 300);
      if (p === this.recorder && line.startsWith("recording to ")) this.recorderStarted();
    });
    p.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        p.lastExit = signal ? `signal ${signal}` : `code ${code}`;
        p.child = undefined;
        resolve();
        if (this.stopping) {
          p.state = "stopped";
          return;
        }
        if (p === this.recorder && this.recorderStarting) {
          // Its log was refused at the start (another run writes it, no room): the drive would
          // run without the log it was asked for, so it stops instead of restarting into a new name.
          p.state = "stopped";
          this.recorderStarting.refused(new ConfigError(`the drive's log cannot be written (recorder ${p.lastExit}): ${p.lastError || "see its output above"}`));
          this.recorderStarting = undefined;
          return;
        }
        const ranMs = Date.now() - p.startedAtMs;
        p.consecutiveFailures = ranMs >= this.vehicle.restart.stableAfterMs ? 1 : p.consecutiveFailures + 1;
        p.nextDelayMs = backoffMs(this.vehicle.restart, p.consecutiveFailures);
        p.state = "backoff";
        this.log(`${p.key} exited (${p.lastExit}) after ${ranMs} ms; restarting in ${p.nextDelayMs} ms`);
        p.timer = setTimeout(() => {
          p.timer = undefined;
          if (this.stopping) return;
          p.restarts++;
          this.spawn(p);
        }, p.nextDelayMs);
      });
    });
  }

  /** The "drive" status: each process's state, restarts, last exit and error, its own level, and the sensor topics' health. */
  status(nowNs = wallClockNs()): DiagnosticStatus {
    const base = this.bus?.health.report(nowNs) ?? create(DiagnosticStatusSchema, {});
    let level = base.level;
    const notes = base.message === "ok" ? [] : [base.message];
    const values = [...base.values];
    const kv = (key: string, value: string | number) => values.push(create(KeyValueSchema, { key, value: String(value) }));
    for (const p of [...this.drivers, ...(this.recorder ? [this.recorder] : [])]) {
      kv(`${p.key}:state`, p.state);
      kv(`${p.key}:pid`, p.pid ?? "");
      kv(`${p.key}:restarts`, p.restarts);
      kv(`${p.key}:last_exit`, p.lastExit);
      if (p === this.recorder) kv("recorder:log", this.recorderLogs.at(-1) ?? "");
      if (p.lastError) kv(`${p.key}:last_error`, p.lastError);
      if (p.status) {
        kv(`${p.key}:level`, DiagnosticStatus_Level[p.status.level]);
        kv(`${p.key}:message`, p.status.message);
        for (const v of p.status.values) if (["inputs", "dropped", "decode_errors"].includes(v.key)) kv(`${p.key}:${v.key}`, v.value);
        for (const t of p.status.topics) kv(`${p.key}:rate_hz:${t.topic}`, t.rateHz.toFixed(2));
        kv(`${p.key}:latency_ms`, p.status.latencyMs.toFixed(3));
        if (p.status.level !== DiagnosticStatus_Level.STALE && p.status.level !== DiagnosticStatus_Level.OK) {
          if (p.status.level > level) level = p.status.level;
          notes.push(`${p.key}: ${p.status.message}`); // the drive's level says there is a problem; this says which
        }
      }
      if (p.state === "backoff") {
        level = DiagnosticStatus_Level.ERROR; // also over STALE: its topics are silent because it is down
        notes.push(`${p.key} down (${p.lastExit}${p.lastError ? `: ${p.lastError}` : ""}), restart in ${p.nextDelayMs} ms`);
      }
    }
    return create(DiagnosticStatusSchema, { ...base, timestamp: toTimestamp(nowNs), name: "drive", level, message: notes.join("; ") || "ok", values });
  }

  publishStatus(): DiagnosticStatus | undefined {
    if (!this.bus) return undefined;
    const nowNs = wallClockNs();
    const s = this.status(nowNs);
    this.bus.publish("/diagnostics", s, nowNs);
    this.printStatusLine(s);
    return s;
  }

  /** The status as one line on the log: when the level changes, and every statusLinePeriodMs. */
  private printStatusLine(s: DiagnosticStatus): void {
    const now = Date.now();
    const period = this.vehicle.statusLinePeriodMs;
    if (s.level === this.lastLineLevel && (period === 0 || now - this.lastLineAtMs < period)) return;
    this.lastLineLevel = s.level;
    this.lastLineAtMs = now;
    const processes = [
      ...this.vehicle.drivers.map((d, i) => ({ key: this.drivers[i].key, topics: driverTopics(d) })),
      ...(this.recorder ? [{ key: "recorder", topics: [] }] : []),
    ];
    this.log(`status ${driveSummary(s, processes)}`);
  }

  /** Drivers get SIGTERM (SIGKILL after stopTimeoutMs), then the recorder; then the bus closes. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const stopAll = async (ps: SupervisedProcess[]) => {
      for (const p of ps) if (p.timer) clearTimeout(p.timer);
      await Promise.all(
        ps.map(async (p) => {
          if (!p.child) {
            p.state = "stopped";
            return;
          }
          p.child.kill("SIGTERM");
          const killer = setTimeout(() => p.child?.kill("SIGKILL"), this.vehicle.restart.stopTimeoutMs);
          await p.exited;
          clearTimeout(killer);
        }),
      );
    };
    await stopAll(this.drivers);
    this.publishStatus();
    // Let the last /diagnostics reach the recorder before it stops.
    if (this.recorder) {
      await new Promise((r) => setTimeout(r, 200));
      await stopAll([this.recorder]);
    }
    await this.bus?.close();
    this.log(`stopped`);
  }
}
