// Undistortion and colour conversion of camera frames with OpenCV, from a ROS camera_info:
// JPEG in, rectified JPEG (same K, distortion removed) or an RGB tensor for a detector out.
import type { Mat } from "@u4/opencv4nodejs";
import type { CameraInfo } from "./cameraInfo.ts";
import { type Cv, loadOpenCv } from "./opencv.ts";

export class Rectifier {
  private constructor(
    private readonly cv: Cv,
    readonly info: CameraInfo,
    private readonly cameraMatrix: Mat,
    private readonly distortion: Mat,
  ) {}

  static async create(info: CameraInfo): Promise<Rectifier> {
    if (info.distortionModel !== "plumb_bob" && info.distortionModel !== "rational_polynomial") {
      throw new Error(`camera ${info.cameraName}: cannot undistort the "${info.distortionModel}" model (plumb_bob or rational_polynomial)`);
    }
    const cv = await loadOpenCv();
    const k = info.K;
    const cameraMatrix = new cv.Mat([[k[0], k[1], k[2]], [k[3], k[4], k[5]], [k[6], k[7], k[8]]], cv.CV_64F);
    const distortion = new cv.Mat([[...info.D]], cv.CV_64F);
    return new Rectifier(cv, info, cameraMatrix, distortion);
  }

  private decode(jpeg: Uint8Array): Mat {
    const image = this.cv.imdecode(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
    if (image.empty) throw new Error(`camera ${this.info.cameraName}: frame is not a decodable image`);
    if (image.cols !== this.info.width || image.rows !== this.info.height) {
      throw new Error(`camera ${this.info.cameraName}: frame is ${image.cols}×${image.rows}, calibration is for ${this.info.width}×${this.info.height}`);
    }
    return image;
  }

  /** The frame with lens distortion removed (same intrinsics K), as JPEG. */
  rectifyJpeg(jpeg: Uint8Array, quality = 90): Uint8Array {
    const rectified = this.decode(jpeg).undistort(this.cameraMatrix, this.distortion);
    return new Uint8Array(this.cv.imencode(".jpg", rectified, [this.cv.IMWRITE_JPEG_QUALITY, quality]));
  }

  /**
   * The rectified frame as a detector input: RGB, resized to width × height, float32 in [0, 1],
   * planar (CHW) — the layout ONNX image models take.
   */
  rgbTensor(jpeg: Uint8Array, width: number, height: number): Float32Array {
    const cv = this.cv;
    const rgb = this.decode(jpeg).undistort(this.cameraMatrix, this.distortion).cvtColor(cv.COLOR_BGR2RGB).resize(height, width);
    const data = rgb.getData();
    const plane = width * height;
    const out = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      out[i] = data[3 * i] / 255;
      out[plane + i] = data[3 * i + 1] / 255;
      out[2 * plane + i] = data[3 * i + 2] / 255;
    }
    return out;
  }
}
