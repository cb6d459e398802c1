// `curb record`: one process that subscribes to every driver of a vehicle (and the supervisor) and
// writes every logged topic to MCAP; on SIGINT/SIGTERM it closes the file so it stays readable.
import { type Envelope, ZeroMqBus } from "../../bus/index.ts";
import { LIVE_CHUNK_SIZE, PendingLog } from "../../replay/index.ts";
import { driverEndpoints, type VehicleConfig } from "./config.ts";
import { driverProcessName } from "./run.ts";

export async function runRecorder(o: { vehicle: VehicleConfig; out: string; busDir: string; signal: AbortSignal; configFile: string }): Promise<number> {
  const connect = [driverEndpoints(o.busDir, "drive"), ...o.vehicle.drivers.map((d) => driverEndpoints(o.busDir, driverProcessName(d)))];
  // The log first: a bad --out is refused before any socket could keep the process alive.
  const log = await PendingLog.open(o.out, { metadata: { config: o.configFile }, chunkSize: LIVE_CHUNK_SIZE });
  let bus: ZeroMqBus;
  try {
    bus = await ZeroMqBus.open({ name: "recorder", connect, loopback: false });
  } catch (e) {
    await log.close();
    throw e;
  }
  let count = 0;
  bus.all().subscribe((_e: Envelope) => {
    if (count++ === 0) log.keep(); // until then an earlier log of that name stays as it was
  });
  log.recorder.attach(bus);
  process.stderr.write(`recording to ${o.out}\n`); // the supervisor starts the drivers after this line
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await bus.close();
  const written = await log.close();
  process.stderr.write(written ? `recorded ${log.recorder.recordedCount} messages to ${o.out}\n` : `no message arrived: nothing written to ${o.out}\n`);
  return count;
}
