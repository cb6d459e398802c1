// Sensor models of the simulator: the shared three.js sensor scene and the Velodyne LiDAR model.
export { createSensorScene, SensorScene, SCENE_PARAMS, BODY, legSwingAmplitude, type SceneObject, type SceneDescription, type ScenePartDescription, type DynamicKind } from "./scene/SensorScene.ts";
export { SURFACE_MATERIALS, DEFAULT_REFLECTIVITY, DEFAULT_COLOR, materialCode, type SurfaceMaterial, type SurfaceUserData } from "./scene/surfaceMaterials.ts";
export { unitShapes, shapeOf, type ShapeKind, type UnitShapes } from "./scene/shapes.ts";
export { SceneRaycaster, createRayHit, type RayHit } from "./scene/SceneRaycaster.ts";
export { BvhRaycast } from "./scene/BvhRaycast.ts";
export { LidarModel, type LidarOptions, type LidarNoiseParams, type LidarPacket, type SensorPose } from "./lidar/LidarModel.ts";
export { LIDAR_MODELS, isLidarModel, loadLidarCalibration, calibrationDir, type LidarModelName, type LidarModelInfo } from "./lidar/lidarModels.ts";
export { LidarRayLog, type LidarReturn } from "./lidar/LidarRayLog.ts";
export { LidarHitBuffer } from "./lidar/LidarHitBuffer.ts";
export { lidarPcap, sendLidarPackets } from "./lidar/output.ts";
// Radar (ARS408 object list → CAN frames) and camera (three.js in headless Chromium → JPEG).
export * from "./radar/index.ts";
export * from "./camera/index.ts";
