// `curb record`: one process that subscribes to every driver of a vehicle (and the supervisor) and
// writes every logged topic to MCAP; on SIGINT/SIGTERM it closes the file so it stays readable.
import { type Envelope, ZeroMqBus } from "../../bus/index.ts";
import { McapRecorder } from "../../replay/index.ts";
import { driverEndpoints, type VehicleConfig } from "./config.ts";
import { driverProcessName } from "./run.ts";

export async function runRecorder(o: { vehicle: VehicleConfig; out: string; busDir: string; signal: AbortSignal; configFile: string }): Promise<number> {
  const connect = [driverEndpoints(o.busDir, "drive"), ...o.vehicle.drivers.map((d) => driverEndpoints(o.busDir, driverProcessName(d)))];
  const bus = await ZeroMqBus.open({ name: "recorder", connect, loopback: false });
  const recorder = await McapRecorder.open(o.out, { metadata: { config: o.configFile } });
  let count = 0;
  bus.all().subscribe((_e: Envelope) => count++);
  recorder.attach(bus);
  process.stderr.write(`recording to ${o.out}\n`); // the supervisor starts the drivers after this line
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await bus.close();
  await recorder.close();
  process.stderr.write(`recorded ${recorder.recordedCount} messages to ${o.out}\n`);
  return count;
}
