// Sensor topic names, `/sensors/<kind>/<name>/<what>`, checked against the one topic table.
import { TOPICS, type TopicName } from "../../bus/index.ts";

export type SensorKind = "lidar" | "radar" | "camera";

/** What each kind of driver publishes besides /diagnostics. */
export const SENSOR_OUTPUTS = Object.freeze({
  lidar: ["packets", "points"],
  radar: ["objects"],
  camera: ["image", "calibration"],
} as const satisfies Record<SensorKind, readonly string[]>);

export type LidarPacketsTopic = Extract<TopicName, `/sensors/lidar/${string}/packets`>;
export type LidarPointsTopic = Extract<TopicName, `/sensors/lidar/${string}/points`>;
export type RadarObjectsTopic = Extract<TopicName, `/sensors/radar/${string}/objects`>;
export type CameraImageTopic = Extract<TopicName, `/sensors/camera/${string}/image`>;
export type CameraCalibrationTopic = Extract<TopicName, `/sensors/camera/${string}/calibration`>;
export type CameraRectifiedTopic = Extract<TopicName, `/sensors/camera/${string}/image_rect`>;

/** Sensor names of a kind that have every output row in bus/topics.ts. */
export function sensorNames(kind: SensorKind): string[] {
  const names = new Set<string>();
  const re = new RegExp(`^/sensors/${kind}/([^/]+)/`);
  for (const t of Object.keys(TOPICS)) {
    const m = re.exec(t);
    if (m) names.add(m[1]);
  }
  return [...names].filter((n) => SENSOR_OUTPUTS[kind].every((w) => `/sensors/${kind}/${n}/${w}` in TOPICS)).sort();
}

/** Why a sensor name cannot be used, or undefined when bus/topics.ts declares all its topics. */
export function sensorNameProblem(kind: SensorKind, name: string): string | undefined {
  const missing = SENSOR_OUTPUTS[kind].map((w) => `/sensors/${kind}/${name}/${w}`).filter((t) => !(t in TOPICS));
  if (missing.length === 0) return undefined;
  return `bus/topics.ts has no ${missing.join(", ")}; declared ${kind} sensors: ${sensorNames(kind).join(", ") || "none"} (a new sensor needs its rows in the topic table)`;
}

/** The topic of one output of a sensor; throws (a configuration error) if it is not declared. */
export function sensorTopic<W extends string>(kind: SensorKind, name: string, what: W): TopicName {
  const topic = `/sensors/${kind}/${name}/${what}`;
  if (!(topic in TOPICS)) throw new Error(`topic ${topic} is not in bus/topics.ts; ${sensorNameProblem(kind, name) ?? ""}`);
  return topic as TopicName;
}
