// The simulated camera: three.js in headless Chromium through the calibrated lens → JPEG
// (foxglove.CompressedImage), foxglove.CameraCalibration and ground-truth 2D boxes.
export { CameraSensor, type CameraFrame, type CameraSensorOptions } from "./CameraSensor.ts";
export { CHROMIUM_ARGS, CHROMIUM_PATH, CameraPage, RendererBrowser, chromiumAvailable, type BrowserOptions, type PageInfo, type PageLook } from "./BrowserCameraRenderer.ts";
export { SUPPORTED_DISTORTION_MODELS, loadCameraCalibration, parseCameraCalibration, type CameraIntrinsics } from "./cameraCalibration.ts";
export {
  CameraProjection,
  baseFromBody,
  borderPixels,
  distortNormalized,
  distortionCoefficients,
  glProjectionFromIntrinsics,
  mapFromBase,
  opticalFromMap,
  renderPlan,
  threeCameraMatrixWorld,
  transformPoint,
  undistortNormalized,
  type CameraPose,
  type EgoPose2,
  type RenderPlan,
  type Rigid,
} from "./cameraModel.ts";
export { groundTruthBoxes, type BoxOptions, type GroundTruthBox2D } from "./groundTruthBoxes.ts";
export { jpegInfo, type JpegInfo } from "./jpeg.ts";
