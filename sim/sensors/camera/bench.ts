// Camera benchmark: `npx tsx sim/sensors/camera/bench.ts [frames]` → JSON on stdout.
// Renders the default suite's crosswalk-crossing scenario (front camera, 640 × 384, the scenario
// example's calibration) frame after frame while the world steps at 10 Hz, without and with lens
// distortion; reports frames per second (render + JPEG + transfer, as the closed loop would see it),
// per-frame latency percentiles, and the full-suite radar cycle cost for comparison.
import { performance } from "node:perf_hooks";
import { findScenario } from "../../scenarios/index.ts";
import { World } from "../../world/index.ts";
import { Ars408Radar } from "../radar/index.ts";
import { CameraSensor } from "./CameraSensor.ts";
import { type CameraIntrinsics, loadCameraCalibration } from "./cameraCalibration.ts";

const FRAMES = Number(process.argv[2] ?? 100);
const COAST = { accelerationMps2: 0, steeringAngleRad: 0 };
const POSE = { xM: 1.9, yM: 0, zM: 1.4, pitchRad: 0.05 };

function pct(sorted: number[], p: number): number {
  return +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
}

async function cameraRun(label: string, intrinsics: CameraIntrinsics) {
  const world = new World(findScenario("crosswalk-crossing")!, 1);
  const t0 = performance.now();
  const camera = await CameraSensor.create({ name: "front_camera", pose: POSE, intrinsics });
  await camera.render(world, world.timeNs); // scene upload + shader compile
  const startupMs = performance.now() - t0;
  const perFrame: number[] = [];
  let bytes = 0;
  const t1 = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    for (let k = 0; k < 5; k++) world.step(0.02, COAST);
    const f0 = performance.now();
    const f = await camera.render(world, world.timeNs);
    perFrame.push(performance.now() - f0);
    bytes += f.image.data.length;
  }
  const totalS = (performance.now() - t1) / 1000;
  await camera.close();
  perFrame.sort((a, b) => a - b);
  return {
    label,
    width: intrinsics.width,
    height: intrinsics.height,
    warp: camera.plan.warp,
    renderSize: [camera.plan.rW, camera.plan.rH],
    frames: FRAMES,
    fps: +(FRAMES / totalS).toFixed(1),
    msPerFrame: { p50: pct(perFrame, 0.5), p90: pct(perFrame, 0.9), p99: pct(perFrame, 0.99) },
    jpegKiB: +(bytes / FRAMES / 1024).toFixed(1),
    startupMs: +startupMs.toFixed(0),
    parts: camera.pageInfo?.parts,
    gl: camera.pageInfo?.renderer,
  };
}

function radarRun() {
  const world = new World(findScenario("crosswalk-crossing")!, 1);
  const radar = new Ars408Radar({ seed: 1 });
  let cycles = 0;
  let frames = 0;
  let ms = 0;
  while (!world.done) {
    if (radar.isDue(world.timeNs)) {
      const gt = world.groundTruth();
      const t = performance.now();
      frames += radar.cycle(world, world.timeNs, gt).frames.length;
      ms += performance.now() - t;
      cycles++;
    }
    world.step(0.02, COAST);
  }
  return { cycles, framesPerCycle: +(frames / cycles).toFixed(1), usPerCycle: +((ms * 1000) / cycles).toFixed(1) };
}

const flat = loadCameraCalibration(new URL("../../scenarios/files/calibration/front_camera.yaml", import.meta.url).pathname);
const distorted: CameraIntrinsics = { ...flat, D: [-0.22, 0.05, 0.0015, -0.001, 0] };
const result = {
  camera: [await cameraRun("pinhole (D = 0)", flat), await cameraRun("plumb_bob barrel (k1 = -0.22)", distorted)],
  radar: radarRun(),
};
console.log(JSON.stringify(result, null, 2));
