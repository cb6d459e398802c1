// Driver and vehicle configuration: YAML files validated by zod at start-up. Unknown keys are
// refused, every error names the field ("input.pcap.rate: ..."), relative paths resolve against
// the config file's folder. Units are in the field names.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { MODEL_SPECS, type VelodyneModel } from "../velodyne/constants.ts";
import { sensorNameProblem, type SensorKind } from "./sensorTopics.ts";

/** Accepts "VLP-16", "vlp16", "VLP16" … and gives the decoder's model name. */
export const velodyneModelSchema = z
  .string()
  .transform((s) => s.toUpperCase().replace(/[-_ ]/g, ""))
  .pipe(z.enum(Object.keys(MODEL_SPECS) as [VelodyneModel, ...VelodyneModel[]]));

/** Replay pace: 1 = as recorded, 2 = twice as fast, "max" = as fast as possible. */
const rateSchema = z.union([z.literal("max"), z.number().positive()]).default(1);

/**
 * The times a replayed capture is stamped with. "recorded": the capture's own (a replay gives the
 * same stamps every time). "now": moved so its first item is stamped with the host time the replay
 * starts, keeping the capture's spacing, as a live sensor would be stamped (at rate 1). Unset: "now"
 * in a vehicle (`curb drive`, whose status and other sensors are on the host clock, and one log
 * should hold one clock), "recorded" for a driver on its own.
 */
const stampsSchema = z.enum(["recorded", "now"]).optional();
export type ReplayStamps = z.output<typeof stampsSchema>;

function sensorName(kind: SensorKind) {
  return z
    .string()
    .regex(/^[a-z0-9_]+$/, "lower-case letters, digits and _ only")
    .superRefine((name, ctx) => {
      const problem = sensorNameProblem(kind, name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

const common = {
  /** How often the driver publishes its DiagnosticStatus, ms (wall time). */
  diagnosticsPeriodMs: z.number().int().positive().default(1000),
  /** No input for this long (wall time) makes the driver's status STALE, ms. */
  staleAfterMs: z.number().int().positive().default(2000),
};

export const VelodyneConfigSchema = z
  .object({
    kind: z.literal("velodyne"),
    /** Sensor name: topics /sensors/lidar/<name>/{packets,points} and frame_id. */
    name: sensorName("lidar"),
    /** Wins over the packet's product id byte; a disagreement is reported once. */
    model: velodyneModelSchema,
    /** Wins over the packet's return mode byte; default: the packet's. */
    returnMode: z.enum(["strongest", "last", "dual"]).optional(),
    /** ros-drivers calibration YAML. */
    calibration: z.string(),
    cutAngleDeg: z.number().min(0).lt(360).default(0),
    minRangeM: z.number().nonnegative().optional(),
    maxRangeM: z.number().positive().optional(),
    minAngleDeg: z.number().min(0).max(360).optional(),
    maxAngleDeg: z.number().min(0).max(360).optional(),
    interpolation: z.enum(["timing", "none", "nebula"]).default("timing"),
    /** Publish the raw packets of each scan on /sensors/lidar/<name>/packets. */
    publishPackets: z.boolean().default(true),
    time: z
      .object({
        /** "device": the sensor's µs-past-the-hour clock (see hw/README.md); "host": receive time. */
        source: z.enum(["device", "host"]).default("device"),
        /** Device time drifting from host time by more than this re-anchors the clock, ms. */
        jumpThresholdMs: z.number().positive().default(100),
      })
      .strict()
      .default({ source: "device", jumpThresholdMs: 100 }),
    input: z.union([
      z
        .object({
          udp: z
            .object({
              /** Address to bind: 0.0.0.0 or the interface address for a real sensor; 127.0.0.1 in tests. */
              address: z.string(),
              dataPort: z.number().int().min(0).max(65535).default(2368),
              /** 0 disables the position socket. */
              positionPort: z.number().int().min(0).max(65535).default(8308),
              /** Join this multicast group (sensor configured to send multicast). */
              multicastGroup: z.string().optional(),
              multicastInterface: z.string().optional(),
              /** Only accept datagrams from this sensor address. */
              sensorAddress: z.string().optional(),
              /**
               * Let another program bind the same ports (SO_REUSEADDR), to read a broadcast sensor
               * twice; always on with multicastGroup. Off, a second driver on the port is refused:
               * for a unicast stream only one of the two would get the packets.
               */
              sharePorts: z.boolean().default(false),
            })
            .strict(),
        })
        .strict(),
      z
        .object({
          pcap: z
            .object({
              file: z.string(),
              rate: rateSchema,
              loop: z.boolean().default(false),
              stamps: stampsSchema,
              dataPort: z.number().int().default(2368),
              positionPort: z.number().int().default(8308),
            })
            .strict(),
        })
        .strict(),
    ]),
    ...common,
  })
  .strict();
export type VelodyneConfig = z.output<typeof VelodyneConfigSchema>;

export const RadarConfigSchema = z
  .object({
    kind: z.literal("radar"),
    name: sensorName("radar"),
    /** ARS408 sensor id 0–7 (CAN ids offset by 0x10·id). */
    sensorId: z.number().int().min(0).max(7).default(0),
    expectQuality: z.boolean().optional(),
    expectExtended: z.boolean().optional(),
    /** Include the cycle's CAN frames in each RadarObjectList. */
    rawFrames: z.boolean().default(true),
    input: z.union([
      z.object({ socketcan: z.object({ interface: z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, "a network interface name") }).strict() }).strict(),
      z
        .object({
          candump: z.object({ file: z.string(), rate: rateSchema, loop: z.boolean().default(false), stamps: stampsSchema }).strict(),
        })
        .strict(),
    ]),
    /** 0x200 RadarConfiguration sent once at start-up; fields left out are not changed. */
    configure: z
      .object({
        sensorId: z.number().int().min(0).max(7).optional(),
        maxDistanceM: z.number().min(196).max(1200).optional(),
        outputType: z.enum(["none", "objects", "clusters"]).optional(),
        radarPower: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
        sendQuality: z.boolean().optional(),
        sendExtInfo: z.boolean().optional(),
        sortIndex: z.enum(["none", "range", "rcs"]).optional(),
        storeInNvm: z.boolean().optional(),
        ctrlRelay: z.boolean().optional(),
        rcsThreshold: z.enum(["standard", "high"]).optional(),
      })
      .strict()
      .optional(),
    ...common,
  })
  .strict();
export type RadarDriverConfig = z.output<typeof RadarConfigSchema>;

export const CameraConfigSchema = z
  .object({
    kind: z.literal("camera"),
    name: sensorName("camera"),
    input: z
      .object({
        /** Anything ffmpeg reads: /dev/video0, rtsp://…, a video file, a lavfi graph. */
        url: z.string(),
        /** ffmpeg input format (-f): v4l2, lavfi, rtsp, …; default: ffmpeg guesses. */
        format: z.string().optional(),
        /** Read a file at its frame rate (-re); live sources pace themselves. */
        realtime: z.boolean().default(false),
        loop: z.boolean().default(false),
        /**
         * "stream": first frame at the host time it arrived, later frames by their stream pts;
         * "wallclock": ffmpeg stamps each frame with the host clock on receipt (live sources).
         */
        timestamps: z.enum(["stream", "wallclock"]).default("stream"),
        /** ffmpeg -q:v for the JPEG encoder, 2 (best) … 31. */
        jpegQuality: z.number().int().min(2).max(31).default(5),
        /** Extra ffmpeg arguments placed before -i (e.g. ["-video_size", "1280x720"]). */
        inputArgs: z.array(z.string()).default([]),
        ffmpeg: z.string().default("ffmpeg"),
      })
      .strict(),
    /** ROS camera_info YAML; without it no calibration is published. */
    calibration: z.string().optional(),
    /** Also publish each frame undistorted by OpenCV on /sensors/camera/<name>/image_rect (needs `calibration`). */
    rectify: z.boolean().default(false),
    ...common,
  })
  .strict()
  .refine((c) => !c.rectify || c.calibration !== undefined, { message: "rectify needs a calibration file", path: ["rectify"] });
export type CameraDriverConfig = z.output<typeof CameraConfigSchema>;

export const DriverConfigSchema = z.discriminatedUnion("kind", [VelodyneConfigSchema, RadarConfigSchema, CameraConfigSchema]);
export type DriverConfig = z.output<typeof DriverConfigSchema>;
export type DriverKind = DriverConfig["kind"];

export const VehicleConfigSchema = z
  .object({
    /** Folder of the ipc:// endpoints of the driver processes. */
    busDir: z.string().default("/tmp/curb"),
    /** MCAP log written by a recorder process; omit to run without one. */
    record: z.string().optional(),
    diagnosticsPeriodMs: z.number().int().positive().default(1000),
    /** How often `curb drive` prints its one-line status on stderr, ms; a change of level prints at once. 0: only changes. */
    statusLinePeriodMs: z.number().int().nonnegative().default(30_000),
    restart: z
      .object({
        /** Above 0: from 0 the backoff stays 0 and a driver that keeps failing restarts in a tight loop. */
        initialDelayMs: z.number().int().positive().default(250),
        maxDelayMs: z.number().int().positive().default(10_000),
        factor: z.number().min(1).default(2),
        /** A driver that ran this long without crashing starts again from initialDelayMs. */
        stableAfterMs: z.number().int().positive().default(10_000),
        /** SIGTERM → SIGKILL grace at shutdown, ms. */
        stopTimeoutMs: z.number().int().positive().default(5000),
      })
      .strict()
      .refine((r) => r.maxDelayMs >= r.initialDelayMs, { message: "maxDelayMs must be at least initialDelayMs", path: ["maxDelayMs"] })
      .default({ initialDelayMs: 250, maxDelayMs: 10_000, factor: 2, stableAfterMs: 10_000, stopTimeoutMs: 5000 }),
    drivers: z.array(DriverConfigSchema).min(1),
  })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.drivers.forEach((d, i) => {
      const key = `${d.kind}/${d.name}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["drivers", i, "name"], message: `duplicate driver ${key}` });
      seen.add(key);
    });
  });
export type VehicleConfig = z.output<typeof VehicleConfigSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads a file a config names (calibration, capture, candump log); a failure says which field and file. */
export function readConfiguredFile(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    // The same words as curb drive's pre-check (driverFiles.ts), not Node's "EISDIR: illegal operation on a directory, read".
    const why = (e as NodeJS.ErrnoException).code === "EISDIR" ? "a folder, not a file" : (e as Error).message;
    throw new ConfigError(`${field}: cannot read ${path} (${why})`);
  }
}

/** "input.pcap.rate: Expected number" lines for each zod issue. */
export function formatIssues(file: string, error: z.ZodError): string {
  const lines = error.issues.flatMap((i) => issueLines(i, []));
  return `${file}: invalid configuration\n${lines.map((l) => `  ${l}`).join("\n")}`;
}

type Issue = z.core.$ZodIssue;

/**
 * One line per issue. An input that is one of several shapes (`input: {udp} | {pcap}`) fails as a
 * union: the branch whose key was given is the one meant, so its issues are the ones to name
 * ("input.candump.stamps: …", not "input: Invalid input"); with no branch's key, the keys it takes.
 */
function issueLines(issue: Issue, prefix: PropertyKey[]): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const matched = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 0 || (i.path.length === 1 && i.code === "invalid_type")));
    if (matched.length === 1) return matched[0].flatMap((i) => issueLines(i, path));
    const keys = issue.errors.flatMap((branch) => branch.filter((i) => i.path.length === 1 && i.code === "invalid_type").map((i) => String(i.path[0])));
    const given = issue.errors[0].flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : []));
    if (keys.length === issue.errors.length) return [`${path.join(".") || "(top level)"}: expected one of ${keys.join(", ")}${given.length > 0 ? ` (got ${given.join(", ")})` : ""}`];
  }
  return [`${path.length > 0 ? path.join(".") : "(top level)"}: ${issue.message}`];
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`${file}: cannot read (${(e as Error).message})`);
  }
  try {
    return parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML (${(e as Error).message})`);
  }
}

/** Paths made absolute, and a replayed capture's unset `stamps` given the default of where it runs. */
function resolvePaths<T extends DriverConfig>(cfg: T, base: string, stamps: NonNullable<ReplayStamps>): T {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  switch (cfg.kind) {
    case "velodyne":
      return {
        ...cfg,
        calibration: abs(cfg.calibration),
        input: "pcap" in cfg.input ? { pcap: { ...cfg.input.pcap, file: abs(cfg.input.pcap.file), stamps: cfg.input.pcap.stamps ?? stamps } } : cfg.input,
      };
    case "radar":
      return {
        ...cfg,
        input: "candump" in cfg.input ? { candump: { ...cfg.input.candump, file: abs(cfg.input.candump.file), stamps: cfg.input.candump.stamps ?? stamps } } : cfg.input,
      };
    case "camera": {
      const url = cfg.input.url;
      // A relative path to an existing-looking file (not a device, URL or lavfi graph) is relative to the config.
      const local = !cfg.input.format && !/^[a-z]+:\/\//.test(url) && !url.startsWith("/") ? abs(url) : url;
      return { ...cfg, input: { ...cfg.input, url: local }, calibration: cfg.calibration && abs(cfg.calibration) };
    }
  }
}

/** Validates a driver config object (already parsed); `file` and `base` for messages and paths. */
export function parseDriverConfig(raw: unknown, file: string, base = dirname(file)): DriverConfig {
  const r = DriverConfigSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(formatIssues(file, r.error));
  return resolvePaths(r.data, base, "recorded") as DriverConfig;
}

export function parseVehicleConfig(raw: unknown, file: string, base = dirname(file)): VehicleConfig {
  const r = VehicleConfigSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(formatIssues(file, r.error));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...r.data,
    busDir: abs(r.data.busDir),
    record: r.data.record && abs(r.data.record),
    drivers: r.data.drivers.map((d) => resolvePaths(d, base, "now")),
  };
}

export function loadVehicleConfig(file: string): VehicleConfig {
  return parseVehicleConfig(readYaml(file), file);
}

/**
 * A driver's config from a file that is either one driver (`kind: velodyne …`) or a whole vehicle
 * (`drivers: […]`, then `name` picks the driver of that kind).
 */
export function loadDriverConfig(file: string, kind: DriverKind, name?: string): DriverConfig {
  const raw = readYaml(file);
  let cfg: DriverConfig;
  if (raw && typeof raw === "object" && "drivers" in raw) {
    const vehicle = parseVehicleConfig(raw, file);
    const matches = vehicle.drivers.filter((d) => d.kind === kind && (name === undefined || d.name === name));
    if (matches.length !== 1) {
      const have = vehicle.drivers.filter((d) => d.kind === kind).map((d) => d.name);
      throw new ConfigError(
        `${file}: ${matches.length === 0 ? "no" : "more than one"} ${kind} driver${name ? ` named "${name}"` : ""} (have: ${have.join(", ") || "none"}${matches.length > 1 ? "; pass --name" : ""})`,
      );
    }
    cfg = matches[0];
  } else {
    cfg = parseDriverConfig(raw, file);
  }
  if (cfg.kind !== kind) throw new ConfigError(`${file}: kind: expected "${kind}", got "${cfg.kind}"`);
  return cfg;
}

/** The ipc:// endpoints a driver binds (and the supervisor and recorder connect to). */
export function driverEndpoints(busDir: string, process: string): { latest: string; lossless: string } {
  return { latest: `ipc://${busDir}/${process}.latest`, lossless: `ipc://${busDir}/${process}.lossless` };
}
