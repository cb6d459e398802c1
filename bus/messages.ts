// Every generated message type and schema under one name: `import { msg } from "../bus/index.ts"`.
export * from "./gen/curb/common_pb.ts";
export * from "./gen/curb/diagnostics_pb.ts";
export * from "./gen/curb/ground_truth_pb.ts";
export * from "./gen/curb/map_pb.ts";
export * from "./gen/curb/perception_pb.ts";
export * from "./gen/curb/planning_pb.ts";
export * from "./gen/curb/prediction_pb.ts";
export * from "./gen/curb/vehicle_pb.ts";
export { FrameTransformsSchema, type FrameTransforms } from "./gen/foxglove/FrameTransforms_pb.ts";
export { FrameTransformSchema, type FrameTransform } from "./gen/foxglove/FrameTransform_pb.ts";
export { SceneUpdateSchema, type SceneUpdate } from "./gen/foxglove/SceneUpdate_pb.ts";
export { SceneEntitySchema, type SceneEntity } from "./gen/foxglove/SceneEntity_pb.ts";
export { CubePrimitiveSchema, type CubePrimitive } from "./gen/foxglove/CubePrimitive_pb.ts";
export { PointCloudSchema, type PointCloud } from "./gen/foxglove/PointCloud_pb.ts";
export { PackedElementFieldSchema, type PackedElementField } from "./gen/foxglove/PackedElementField_pb.ts";
export { CompressedImageSchema, type CompressedImage } from "./gen/foxglove/CompressedImage_pb.ts";
export { CameraCalibrationSchema, type CameraCalibration } from "./gen/foxglove/CameraCalibration_pb.ts";
export { create, toBinary, fromBinary, equals, clone } from "@bufbuild/protobuf";
