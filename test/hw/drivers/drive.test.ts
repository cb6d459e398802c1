// `curb drive`: drivers as child processes on the ZeroMQ bus with a recorder; a driver killed
// mid-stream is restarted, the others keep running, and the log stays readable (replay's LogReader).
// Data: the real capture of ../shared/data/velodyne/pcap (rust-lidar-utils, MIT), the ARS408 demo
// log built from the test vectors, ffmpeg's test pattern.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import type { DiagnosticStatus } from "../../../bus/gen/curb/diagnostics_pb.ts";
import { DiagnosticStatus_Level } from "../../../bus/gen/curb/diagnostics_pb.ts";
import { diagnosticValue, loadVehicleConfig, parseVehicleConfig, Supervisor } from "../../../hw/drivers/index.ts";
import { LogReader, logInfo, readLog, recoverLog } from "../../../replay/index.ts";
import { DATA_DIR } from "../data.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;
const CONFIG_DIR = new URL("../../../hw/drivers/config/", import.meta.url).pathname;
const data = (p: string) => new URL(p, DATA_DIR).pathname;

/** `curb drive --config` as a child process: its stderr lines, a wait for a line, its exit code. */
function startDrive(config: string) {
  const sup = spawn(process.execPath, [join(ROOT, "scripts/curb.mjs"), "drive", "--config", config], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  createInterface({ input: sup.stderr! }).on("line", (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      const m = w.re.exec(line);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const exited = new Promise<number | null>((r) => sup.on("exit", (code) => r(code)));
  const waitFor = (re: RegExp, ms = 20_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const already = lines.map((l) => re.exec(l)).find((m) => m);
      if (already) return resolve(already);
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stderr:\n${lines.join("\n")}`)), ms);
      waiters.push({ re, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  return { sup, lines, waitFor, exited };
}

/** The YAML driver list of one radar replaying the ARS408 demo log in a loop. */
const LOOPING_RADAR = `  - kind: radar
    name: front_radar
    input: { candump: { file: ${CONFIG_DIR}ars408-demo.log, rate: 1, loop: true } }
`;

/** A vehicle file in a new folder, recording to drive.mcap there; `drivers` is the YAML list. */
function recordedVehicle(extra: string, drivers: string) {
  const dir = mkdtempSync(join(tmpdir(), "curb-drive-"));
  const config = join(dir, "vehicle.yaml");
  const log = join(dir, "drive.mcap");
  writeFileSync(
    config,
    `busDir: ${dir}/bus\nrecord: ${log}\n${extra}restart: { initialDelayMs: 200, maxDelayMs: 2000, factor: 2, stableAfterMs: 10000, stopTimeoutMs: 4000 }\ndrivers:\n${drivers}`,
  );
  return { dir, config, log };
}

describe("curb drive", () => {
  it("restarts a killed driver while the others keep running, and closes a readable log on SIGTERM", async () => {
    const { dir, config, log } = recordedVehicle("diagnosticsPeriodMs: 250\n", `  - kind: velodyne
    name: top
    model: VLP-16
    calibration: ${data("velodyne/calibration/VLP16db.yaml")}
    diagnosticsPeriodMs: 250
    input: { pcap: { file: ${data("velodyne/pcap/real-capture-vlp16-cadence.pcap")}, rate: 1, loop: true } }
  - kind: radar
    name: front_radar
    diagnosticsPeriodMs: 250
    input: { candump: { file: ${CONFIG_DIR}ars408-demo.log, rate: 1, loop: true } }
  - kind: camera
    name: front_camera
    diagnosticsPeriodMs: 250
    input: { url: "testsrc=size=160x120:rate=10", format: lavfi, realtime: true }
    calibration: ${CONFIG_DIR}camera_info.example.yaml
`);
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    const { sup, lines, waitFor, exited } = startDrive(config);
    try {
      const recorderPid = (await waitFor(/\[drive\] started recorder pid=(\d+)/))[1];
      const first = await waitFor(/\[drive\] started velodyne\/top pid=(\d+)/);
      await waitFor(/\[drive\] started camera\/front_camera pid=\d+/);
      // Every driver publishing (each announces its first message on stderr, once), then a little more.
      for (const d of ["velodyne-top", "radar-front_radar", "camera-front_camera"]) await waitFor(new RegExp(`${d}: publishing`), 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      process.kill(Number(first[1]), "SIGKILL");
      await waitFor(/velodyne\/top exited \(signal SIGKILL\).*restarting in 200 ms/);
      const second = await waitFor(new RegExp(`\\[drive\\] started velodyne/top pid=(?!${first[1]}\\b)(\\d+)`));
      expect(second[1]).not.toBe(first[1]);
      // The new process publishes again: a "publishing" line after its start (lines before the restart
      // are the first process's).
      const restartedAt = lines.findIndex((l) => l.includes(`started velodyne/top pid=${second[1]}`));
      for (let i = 0; !lines.slice(restartedAt).some((l) => l.includes("velodyne-top: publishing")); i++) {
        if (i === 300) throw new Error(`the restarted velodyne/top did not publish within 30 s; stderr:\n${lines.join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // A second drive is refused, whether it shares the bus folder (libzmq alone would take over the
      // endpoints) or the log (its rename would take the name; this run's log would be lost).
      const vehicleText = readFileSync(config, "utf8");
      for (const [name, text, refusal] of [
        ["same-bus.yaml", vehicleText.replace(`record: ${log}`, `record: ${dir}/other.mcap`), `ZeroMqBus "drive": another process (pid ${sup.pid}) is bound to ipc://${dir}/bus/drive.latest (a second run on the same bus folder?): stop it or give this run another folder`],
        ["same-log.yaml", vehicleText.replace(`busDir: ${dir}/bus`, `busDir: ${dir}/bus2`), `cannot write the log to ${log}: process ${recorderPid} is writing it (.drive.mcap.lock); stop that run or give this one another name`],
      ]) {
        writeFileSync(join(dir, name), text);
        const rival = spawn(process.execPath, [join(ROOT, "scripts/curb.mjs"), "drive", "--config", join(dir, name)], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let rivalErr = "";
        rival.stderr!.on("data", (d: Buffer) => (rivalErr += d.toString()));
        const rivalCode = await new Promise<number | null>((r) => rival.on("exit", (code) => r(code)));
        expect(rivalCode, rivalErr).toBe(2);
        expect(rivalErr.trim().split("\n")).toEqual([`curb: ${refusal}`]);
      }
      expect(readdirSync(dir).filter((f) => f.includes("other") || f.startsWith("bus2"))).toEqual([]);
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      sup.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    const stoppedNs = BigInt(Date.now()) * 1_000_000n;
    // The status line: OK with every sensor's rate.
    expect(lines.join("\n")).toMatch(/^\[drive\] status OK · velodyne\/top running \(packets \d+\.\d Hz, points \d+\.\d Hz\) · radar\/front_radar running \(objects 1[34]\.\d Hz\) · camera\/front_camera running \(/m);

    const reader = await LogReader.open(log);
    const points: number[] = [];
    let radar = 0;
    let images = 0;
    const driveStatus: DiagnosticStatus[] = [];
    const driverNames = new Set<string>();
    const pointStamps: bigint[] = [];
    const offClock: string[] = [];
    for await (const e of reader.messages()) {
      // One clock: the captures (from 2014 and 2023) replayed onto the host's, as curb drive's default.
      if (e.stampNs < startedNs || e.stampNs > stoppedNs) offClock.push(`${e.topic} at ${e.stampNs}`);
      if (e.topic === "/sensors/lidar/top/points") (points.push(e.seq), pointStamps.push(e.stampNs));
      if (e.topic === "/sensors/radar/front_radar/objects") radar++;
      if (e.topic === "/sensors/camera/front_camera/image") images++;
      if (e.topic === "/diagnostics") {
        const s = e.message as DiagnosticStatus;
        driverNames.add(s.name);
        if (s.name === "drive") driveStatus.push(s);
      }
    }
    await reader.close();
    expect(offClock.slice(0, 5)).toEqual([]);
    // Two velodyne processes published, before and after the kill: their sequence numbers each start
    // at 0, so there are more messages than the highest sequence number accounts for. The restarted
    // replay starts its capture over, but from a later host time: no stamp repeats.
    expect(points.length, JSON.stringify(points)).toBeGreaterThan(Math.max(...points) + 1);
    expect(new Set(pointStamps).size).toBe(pointStamps.length);
    expect(points.length).toBeGreaterThan(10);
    expect(radar).toBeGreaterThan(30); // 13.9 Hz, uninterrupted by the lidar's crash
    expect(images).toBeGreaterThan(20);
    expect([...driverNames].sort()).toEqual(["camera/front_camera", "drive", "radar/front_radar", "velodyne/top"]);
    const last = driveStatus[driveStatus.length - 1];
    expect(diagnosticValue(last, "velodyne/top:restarts")).toBe("1");
    expect(diagnosticValue(last, "velodyne/top:last_exit")).toMatch(/SIGTERM|code 0/);
    expect(diagnosticValue(last, "radar/front_radar:restarts")).toBe("0");
    expect(driveStatus.some((s) => diagnosticValue(s, "velodyne/top:state") === "backoff" || diagnosticValue(s, "velodyne/top:last_exit") === "signal SIGKILL")).toBe(true);
    expect(Number(diagnosticValue(last, "radar/front_radar:rate_hz:/sensors/radar/front_radar/objects"))).toBeGreaterThan(10);
  }, 60_000);
});

describe("curb drive, its recorder killed", () => {
  it("restarts the recorder into a new log, leaving the cut one to curb log recover", async () => {
    const { dir, config, log } = recordedVehicle("", LOOPING_RADAR);
    writeFileSync(join(dir, "drive-2.mcap"), "an earlier drive's second log"); // not this drive's to replace
    const { sup, lines, waitFor, exited } = startDrive(config);
    try {
      const recorder = await waitFor(/\[drive\] started recorder pid=(\d+)/);
      await waitFor(/radar-front_radar: publishing/, 30_000);
      await new Promise((r) => setTimeout(r, 3000)); // ~40 radar cycles: more than one 16 KiB chunk
      process.kill(Number(recorder[1]), "SIGKILL");
      // Restarted under a new name: the same one would replace the log of the drive so far.
      await waitFor(new RegExp(`recorder restarted: the log goes on in ${dir}/drive-3.mcap \\(${log} holds what came before\\)`));
      await waitFor(new RegExp(`\\[recorder\\] recording to ${dir}/drive-3.mcap`));
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      sup.kill("SIGTERM");
    }
    expect(await exited, lines.join("\n")).toBe(0);
    await expect(logInfo(log)).rejects.toThrow(/truncated MCAP file/);
    const recovered = await recoverLog(log, join(dir, "recovered.mcap"));
    expect(recovered.complete).toBe(false);
    expect(recovered.topics["/sensors/radar/front_radar/objects"]).toBeGreaterThan(10);
    const cycles: bigint[] = [];
    for await (const e of readLog(join(dir, "recovered.mcap"))) if (e.topic === "/sensors/radar/front_radar/objects") cycles.push(e.stampNs);
    expect(cycles.every((t, i) => i === 0 || t > cycles[i - 1])).toBe(true);
    expect(readFileSync(join(dir, "drive-2.mcap"), "utf8")).toBe("an earlier drive's second log");
    const after = await logInfo(join(dir, "drive-3.mcap")); // the restarted recorder's log is complete
    expect(after.channels.find((c) => c.topic === "/sensors/radar/front_radar/objects")?.messageCount).toBeGreaterThan(5n);
  }, 60_000);
});

describe("curb drive, its log taken after the check", () => {
  it("stops with the recorder's refusal instead of driving without a log or restarting into another name", async () => {
    // Another run taking the log between curb drive's check and its recorder's start (two drives
    // started in the same instant): the recorder's lock is what refuses, and the drive must say so.
    const { dir, config, log } = recordedVehicle("", LOOPING_RADAR);
    const holder = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/replay/fixtures/holdLog.ts"), log, "keep"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise((resolve) => holder.stdout!.once("data", resolve));
      const logged: string[] = [];
      const sup = new Supervisor(loadVehicleConfig(config), config, { log: (m) => logged.push(m) });
      await expect(sup.start()).rejects.toThrow(
        `the drive's log cannot be written (recorder code 2): cannot write the log to ${log}: process ${holder.pid} is writing it (.drive.mcap.lock)`,
      );
      expect(logged.filter((m) => m.startsWith("started ")), logged.join("\n")).toEqual([expect.stringMatching(/^started recorder pid=/)]); // no driver started
      expect(logged.some((m) => m.includes("restart"))).toBe(false);
      expect(readdirSync(dir).filter((n) => n.startsWith("drive-"))).toEqual([]);
    } finally {
      holder.kill("SIGKILL");
    }
  }, 30_000);
});

describe("curb drive, refusing", () => {
  it("a vehicle whose record: is a folder, at once with exit 2, before any driver starts", () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-drive-"));
    const config = join(dir, "vehicle.yaml");
    writeFileSync(config, `busDir: ${dir}/bus\nrecord: ${dir}\ndrivers:\n  - kind: radar\n    name: front_radar\n    input: { candump: { file: ${CONFIG_DIR}ars408-demo.log, rate: 1, loop: true } }\n`);
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/curb.mjs"), "drive", "--config", config], { cwd: ROOT, encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL" });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([`curb: cannot write the log to ${dir}: it is a folder; give a file name such as ${join(dir, "run.mcap")}`]);
  });
});

describe("curb drive, a driver's files", () => {
  it("are all checked before any process starts: every wrong one named, exit 2, no log", () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-drive-"));
    const config = join(dir, "vehicle.yaml");
    const log = join(dir, "drive.mcap");
    writeFileSync(
      config,
      `busDir: ${dir}/bus
record: ${log}
drivers:
  - kind: velodyne
    name: top
    model: VLP-16
    calibration: ${data("velodyne/calibration/32db.yaml")}
    input: { pcap: { file: ${data("velodyne/pcap/real-capture-vlp16-cadence.pcap")} } }
  - kind: radar
    name: front_radar
    input: { candump: { file: ${dir} } }
  - kind: camera
    name: front_camera
    input: { url: "testsrc=size=160x120:rate=10", format: lavfi }
    calibration: ${dir}/missing.yaml
`,
    );
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/curb.mjs"), "drive", "--config", config], { cwd: ROOT, encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL" });
    expect(r.status, r.stderr).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(4); // nothing was started: no "[drive] started" line, no child's output
    expect(lines[0]).toBe(`curb: ${config}: not starting, drivers' files are wrong`);
    expect(lines[1]).toBe(`  velodyne/top: calibration: ${data("velodyne/calibration/32db.yaml")} has 32 lasers, the VLP16 has 16: is it the calibration of another sensor?`);
    expect(lines[2]).toBe(`  radar/front_radar: candump: cannot read ${dir} (a folder, not a file)`);
    expect(lines[3]).toMatch(new RegExp(`^  camera/front_camera: calibration: cannot read ${dir}/missing.yaml \\(ENOENT`));
    expect(readdirSync(dir).sort()).toEqual(["vehicle.yaml"]); // no bus folder, no log, no hidden partial
  });

  it("that goes missing after the start: the supervisor restarts the driver and its status says why it is down", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-drive-"));
    const vehicle = parseVehicleConfig(
      {
        busDir: `${dir}/bus`,
        diagnosticsPeriodMs: 100,
        restart: { initialDelayMs: 300, maxDelayMs: 300, stopTimeoutMs: 2000 },
        drivers: [{ kind: "radar", name: "front_radar", input: { candump: { file: `${dir}/gone.log` } } }],
      },
      join(dir, "vehicle.yaml"),
    );
    writeFileSync(join(dir, "vehicle.yaml"), JSON.stringify(vehicle)); // what the children read (YAML reads JSON)
    const log: string[] = [];
    const supervisor = new Supervisor(vehicle, join(dir, "vehicle.yaml"), { log: (m) => log.push(m) });
    await supervisor.start();
    try {
      const [radar] = supervisor.drivers;
      for (let i = 0; radar.restarts < 1; i++) {
        if (i === 300) throw new Error(`no restart within 30 s: ${log.join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (let i = 0; radar.state !== "backoff"; i++) {
        if (i === 300) throw new Error(`not down again within 30 s: ${log.join("\n")}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const status = supervisor.status();
      expect(status.level).toBe(DiagnosticStatus_Level.ERROR);
      expect(status.message).toContain(`radar/front_radar down (code 2: candump: cannot read ${dir}/gone.log (ENOENT: no such file or directory, open '${dir}/gone.log')), restart in 300 ms`);
      expect(diagnosticValue(status, "radar/front_radar:last_error")).toBe(`candump: cannot read ${dir}/gone.log (ENOENT: no such file or directory, open '${dir}/gone.log')`);
      expect(log.filter((l) => l.startsWith("radar/front_radar exited (code 2)")).length).toBeGreaterThanOrEqual(2);
    } finally {
      await supervisor.stop();
    }
    expect(supervisor.drivers[0].state).toBe("stopped");
  }, 60_000);
});

describe("curb record", () => {
  const vehicle = (dir: string): string => {
    const config = join(dir, "vehicle.yaml");
    writeFileSync(
      config,
      `busDir: ${dir}/bus
drivers:
  - kind: radar
    name: front_radar
    input: { candump: { file: ${CONFIG_DIR}ars408-demo.log, rate: 1, loop: true } }
`,
    );
    return config;
  };

  it("refuses a folder or an unwritable --out at once with exit 2 (it used to hang, its bus already open)", () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-record-"));
    for (const [out, message] of [
      [dir, `cannot write the log to ${dir}: it is a folder`],
      ["/proc/curb-nope/drive.mcap", "cannot write the log to /proc/curb-nope"],
    ]) {
      const r = spawnSync(process.execPath, [join(ROOT, "scripts/curb.mjs"), "record", "--config", vehicle(dir), "--out", out], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 20_000,
        killSignal: "SIGKILL",
      });
      expect(r.status, `${out}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining(`curb: ${message}`)]);
    }
  });

  it("stopped before any message arrives, writes nothing and leaves an earlier log of that name as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-record-"));
    const out = join(dir, "drive.mcap");
    writeFileSync(out, "an earlier drive");
    const rec = spawn(process.execPath, [join(ROOT, "scripts/curb.mjs"), "record", "--config", vehicle(dir), "--out", out], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    rec.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    await new Promise<void>((resolve) => rec.stderr!.on("data", () => stderr.includes("recording to") && resolve()));
    const code = new Promise<number | null>((resolve) => rec.on("exit", (c) => resolve(c)));
    rec.kill("SIGINT");
    expect(await code, stderr).toBe(0);
    expect(stderr).toContain(`no message arrived: nothing written to ${out}`);
    expect(readFileSync(out, "utf8")).toBe("an earlier drive");
    expect(readdirSync(dir).filter((f) => f.startsWith(".drive.mcap"))).toEqual([]);
  }, 30_000);
});
