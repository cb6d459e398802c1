// The `curb driver`, `curb drive` and `curb record` commands (registered in scripts/cli.ts).
import { resolve } from "node:path";
import { PendingLog } from "../../replay/index.ts";
import { ConfigError, loadDriverConfig, loadVehicleConfig, parseDriverConfig, type DriverKind } from "./config.ts";
import { checkDriverFiles } from "./driverFiles.ts";
import { recordOnSignals } from "./signals.ts";
import { runRecorder } from "./recordProcess.ts";
import { runDriver } from "./run.ts";
import { Supervisor } from "./Supervisor.ts";

export interface DriverCommandOptions {
  config?: string;
  name?: string;
  busDir?: string;
  record?: string;
  pcap?: string;
  model?: string;
  calibration?: string;
  rate?: string;
}

const DEFAULT_BUS_DIR = "/tmp/curb";

/** `curb driver <kind>`: one driver in this process until its input ends or SIGINT/SIGTERM. */
export async function driverCommand(kind: string, o: DriverCommandOptions): Promise<number> {
  if (!["velodyne", "radar", "camera"].includes(kind)) throw new Error(`driver kind must be velodyne, radar or camera, got "${kind}"`);
  const pcapOptions = (["pcap", "model", "calibration"] as const).filter((k) => o[k] !== undefined).map((k) => `--${k}`);
  if (o.rate !== undefined && o.rate !== "max") pcapOptions.push("--rate");
  if (pcapOptions.length > 0 && kind !== "velodyne") throw new Error(`${pcapOptions.join(", ")}: only for the velodyne driver; a ${kind} driver reads its input from --config`);
  if (pcapOptions.length > 0 && o.config) throw new Error(`${pcapOptions.join(", ")} and --config: give one or the other (a config file names its own input, model and calibration)`);
  if (pcapOptions.length > 0 && !o.pcap) throw new Error(`${pcapOptions.join(", ")}: only with --pcap FILE`);
  let config;
  if (o.config) {
    config = loadDriverConfig(resolve(o.config), kind as DriverKind, o.name);
  } else if (kind === "velodyne" && o.pcap) {
    const rate = o.rate === undefined || o.rate === "max" ? "max" : Number(o.rate);
    if (rate !== "max" && !(Number.isFinite(rate) && rate > 0)) throw new Error(`--rate: a pace above 0 (1 = as recorded) or max, got "${o.rate}"`);
    config = parseDriverConfig(
      { kind, name: o.name ?? "top", model: o.model, calibration: o.calibration, input: { pcap: { file: resolve(o.pcap), rate } } },
      "command line (--pcap/--model/--calibration)",
      process.cwd(),
    );
  } else {
    throw new Error(kind === "velodyne" ? "give --config FILE, or --pcap FILE --model M --calibration FILE" : "give --config FILE");
  }
  // With --record and no --bus-dir the driver writes the log directly, without a ZeroMQ bus.
  const busDir = o.busDir ?? (o.record ? undefined : DEFAULT_BUS_DIR);
  const signal = recordOnSignals();
  const { status } = await runDriver({ config, busDir: busDir && resolve(busDir), record: o.record && resolve(o.record), signal });
  process.stderr.write(`${status.name}: ${status.message}; ${status.values.map((v) => `${v.key}=${v.value}`).join(" ")}\n`);
  return 0;
}

/** `curb drive --config vehicle.yaml`. */
export async function driveCommand(o: { config: string }): Promise<number> {
  const file = resolve(o.config);
  const vehicle = loadVehicleConfig(file);
  // Checked here: a child would only fail after start, and fail again at every restart.
  if (vehicle.record) PendingLog.check(vehicle.record);
  const problems = vehicle.drivers.flatMap((d) => {
    try {
      checkDriverFiles(d);
      return [];
    } catch (e) {
      return [`  ${d.kind}/${d.name}: ${(e as Error).message}`];
    }
  });
  if (problems.length > 0) throw new ConfigError(`${file}: not starting, ${problems.length === 1 ? "a driver's file is" : "drivers' files are"} wrong\n${problems.join("\n")}`);
  const supervisor = new Supervisor(vehicle, file);
  const signal = recordOnSignals();
  await supervisor.start();
  await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener("abort", () => r(), { once: true })));
  await supervisor.stop();
  return 0;
}

/** `curb record --config vehicle.yaml --out FILE`. */
export async function recordCommand(o: { config: string; out: string; busDir?: string }): Promise<number> {
  const file = resolve(o.config);
  const vehicle = loadVehicleConfig(file);
  await runRecorder({ vehicle, out: resolve(o.out), busDir: o.busDir ? resolve(o.busDir) : vehicle.busDir, signal: recordOnSignals(), configFile: file });
  return 0;
}
