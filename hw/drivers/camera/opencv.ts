// OpenCV (Debian's libopencv through @u4/opencv4nodejs) for the camera path: undistortion and
// colour conversion. Loaded lazily: drivers that do not rectify never pay for the native module.
import type * as OpenCv from "@u4/opencv4nodejs";

export type Cv = typeof OpenCv;

let cvPromise: Promise<Cv> | undefined;

/** The OpenCV module, with its build helper's start-up chatter silenced. */
export function loadOpenCv(): Promise<Cv> {
  cvPromise ??= (async () => {
    const { Log } = await import("@u4/opencv-build");
    Log.silence = true;
    const m = (await import("@u4/opencv4nodejs")) as unknown as { default?: Cv } & Cv;
    return m.default ?? m;
  })();
  return cvPromise;
}
