// The one topic table (openpilot's services.py): every topic's message type, rate and delivery
// is declared here once; ZeroMQ endpoints, MCAP channels and health checks are derived from it.
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { FrameTransformsSchema } from "./gen/foxglove/FrameTransforms_pb.ts";
import { SceneUpdateSchema } from "./gen/foxglove/SceneUpdate_pb.ts";
import { DiagnosticStatusSchema } from "./gen/curb/diagnostics_pb.ts";
import { GroundTruthSchema } from "./gen/curb/ground_truth_pb.ts";
import { SensorTruthSchema } from "./gen/curb/sensor_truth_pb.ts";
import { StreetMapSchema } from "./gen/curb/map_pb.ts";
import { DetectionListSchema, TrackListSchema } from "./gen/curb/perception_pb.ts";
import { ControlCommandSchema, TrajectorySchema } from "./gen/curb/planning_pb.ts";
import { AgentPredictionsSchema } from "./gen/curb/prediction_pb.ts";
import { VehicleStateSchema } from "./gen/curb/vehicle_pb.ts";
import { RadarObjectListSchema, VelodyneScanSchema } from "./gen/curb/sensors_pb.ts";
import { PointCloudSchema } from "./gen/foxglove/PointCloud_pb.ts";
import { CompressedImageSchema } from "./gen/foxglove/CompressedImage_pb.ts";
import { CameraCalibrationSchema } from "./gen/foxglove/CameraCalibration_pb.ts";

/**
 * `latest`: sensor-like streams; a slow subscriber sees the newest message and the skipped ones are
 * counted as dropped, never queued, so a publisher is never held up.
 * `lossless`: control and state; every message is delivered in order.
 */
export type Delivery = "latest" | "lossless";

export interface TopicSpec<D extends DescMessage = DescMessage> {
  readonly name: string;
  readonly schema: D;
  /** Expected publish rate; 0 for latched or event topics. Health checks compare against it. */
  readonly rateHz: number;
  readonly delivery: Delivery;
  /** Written to the MCAP log by the recorder. */
  readonly logged: boolean;
  readonly description: string;
}

function topic<D extends DescMessage>(spec: TopicSpec<D>): TopicSpec<D> {
  return Object.freeze(spec);
}

export const TOPICS = {
  "/map": topic({ name: "/map", schema: StreetMapSchema, rateHz: 0, delivery: "lossless", logged: true, description: "static street map, published once" }),
  "/sim/ground_truth": topic({ name: "/sim/ground_truth", schema: GroundTruthSchema, rateHz: 10, delivery: "latest", logged: true, description: "simulator ground truth: every object, ego, pedestrian intent labels" }),
  "/sim/sensor_truth": topic({ name: "/sim/sensor_truth", schema: SensorTruthSchema, rateHz: 0, delivery: "latest", logged: true, description: "simulator per-sensor truth: per LiDAR scan, radar cycle and camera frame, each object's visibility from that sensor, LiDAR points, camera box" }),
  "/vehicle/state": topic({ name: "/vehicle/state", schema: VehicleStateSchema, rateHz: 10, delivery: "lossless", logged: true, description: "ego odometry in the map frame" }),
  "/perception/detections": topic({ name: "/perception/detections", schema: DetectionListSchema, rateHz: 10, delivery: "latest", logged: true, description: "per-frame object detections, map frame" }),
  "/perception/tracks": topic({ name: "/perception/tracks", schema: TrackListSchema, rateHz: 10, delivery: "latest", logged: true, description: "tracked objects with velocity, map frame" }),
  "/prediction/agents": topic({ name: "/prediction/agents", schema: AgentPredictionsSchema, rateHz: 10, delivery: "latest", logged: true, description: "per-agent crossing probability and predicted paths" }),
  "/planning/trajectory": topic({ name: "/planning/trajectory", schema: TrajectorySchema, rateHz: 10, delivery: "lossless", logged: true, description: "ego speed plan and its decision" }),
  "/control/command": topic({ name: "/control/command", schema: ControlCommandSchema, rateHz: 10, delivery: "lossless", logged: true, description: "acceleration and steering command to the vehicle" }),
  "/diagnostics": topic({ name: "/diagnostics", schema: DiagnosticStatusSchema, rateHz: 0, delivery: "lossless", logged: true, description: "per-node health: latency, topic rates, drops, errors" }),
  "/tf": topic({ name: "/tf", schema: FrameTransformsSchema, rateHz: 10, delivery: "lossless", logged: true, description: "map→base_link and sensor poses" }),
  "/viz/scene": topic({ name: "/viz/scene", schema: SceneUpdateSchema, rateHz: 10, delivery: "latest", logged: true, description: "3D boxes of ground truth and tracks, predicted paths and jaywalking probabilities for Foxglove" }),
  // Hardware drivers (hw/drivers): one row per sensor of the vehicle, `/sensors/<kind>/<name>/<what>`.
  // A new sensor is a new row here; a driver's config names its sensor and is refused if the rows are missing.
  "/sensors/lidar/top/packets": topic({ name: "/sensors/lidar/top/packets", schema: VelodyneScanSchema, rateHz: 10, delivery: "latest", logged: true, description: "Velodyne data packets of one scan, as received" }),
  "/sensors/lidar/top/points": topic({ name: "/sensors/lidar/top/points", schema: PointCloudSchema, rateHz: 10, delivery: "latest", logged: true, description: "one Velodyne scan: x y z intensity ring time, sensor frame" }),
  "/sensors/radar/front_radar/objects": topic({ name: "/sensors/radar/front_radar/objects", schema: RadarObjectListSchema, rateHz: 13, delivery: "latest", logged: true, description: "ARS408 object list per cycle (about 72 ms), sensor frame" }),
  "/sensors/camera/front_camera/image": topic({ name: "/sensors/camera/front_camera/image", schema: CompressedImageSchema, rateHz: 10, delivery: "latest", logged: true, description: "camera frames, JPEG, capture time" }),
  "/sensors/camera/front_camera/calibration": topic({ name: "/sensors/camera/front_camera/calibration", schema: CameraCalibrationSchema, rateHz: 10, delivery: "latest", logged: true, description: "camera intrinsics from camera_info YAML, with every frame" }),
  "/sensors/camera/front_camera/image_rect": topic({ name: "/sensors/camera/front_camera/image_rect", schema: CompressedImageSchema, rateHz: 10, delivery: "latest", logged: true, description: "camera frames undistorted by OpenCV (driver option rectify), JPEG" }),
} as const;

export type TopicName = keyof typeof TOPICS;
export type SchemaOf<T extends TopicName> = (typeof TOPICS)[T]["schema"];
export type MessageOf<T extends TopicName> = MessageShape<SchemaOf<T>>;

export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

export function topicSpec(name: string): TopicSpec {
  const spec = (TOPICS as Record<string, TopicSpec>)[name];
  if (!spec) throw new Error(`unknown topic "${name}"; known topics: ${TOPIC_NAMES.join(", ")}`);
  return spec;
}
