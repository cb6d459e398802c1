// LiDAR benchmark: `npx tsx sim/sensors/lidar/bench.ts [--frames N] [--model VLP-32C]` → JSON.
// Drives the ego down the street (constant speed, 50 Hz physics) and scans every 0.1 s frame with
// one LiDAR (default VLP-32C at 10 Hz, roof pose), on the default suite's busiest scenario and on a
// crowded street (30 pedestrians, 20 vehicles). Reports rays per second and frames per wall-second
// of the LiDAR alone (scene update + ray casting + packet encoding), world stepping excluded.
import { performance } from "node:perf_hooks";
import type { ScenarioInput } from "../../scenarios/Scenario.ts";
import { DEFAULT_SUITE } from "../../scenarios/defaultSuite.ts";
import { World } from "../../world/index.ts";
import { createSensorScene } from "../scene/SensorScene.ts";
import { LidarModel } from "./LidarModel.ts";
import type { LidarModelName } from "./lidarModels.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const FRAMES = Number(arg("frames", "60"));
const MODEL = arg("model", "VLP-32C") as LidarModelName;

/** 30 pedestrians on both sidewalks and 20 vehicles (12 parked, 8 westbound traffic). */
function crowdedStreet(): ScenarioInput {
  const pedestrians: NonNullable<ScenarioInput["pedestrians"]> = [];
  for (let i = 0; i < 30; i++) {
    const side = i % 2 === 0 ? -1 : 1;
    pedestrians.push({
      behaviour: i % 3 === 0 ? "stand" : "walk-along",
      start: { xM: 25 + i * 5, yM: side * (6.2 + (i % 4) * 0.8) },
      speedMps: 1.2 + (i % 5) * 0.1,
      walkDirection: i % 3 === 0 ? 0 : i % 2 === 0 ? 1 : -1,
      isChild: i % 7 === 3,
    });
  }
  const parkedCars: NonNullable<ScenarioInput["parkedCars"]> = [];
  for (let i = 0; i < 12; i++) parkedCars.push({ xM: 30 + i * 12, side: i % 2 === 0 ? "south" : "north", kind: i % 5 === 4 ? "van" : "car" });
  const vehicles: NonNullable<ScenarioInput["vehicles"]> = [];
  for (let i = 0; i < 8; i++) vehicles.push({ lane: "westbound", xM: 60 + i * 17, speedMps: 8, kind: "car" });
  return { name: "bench-crowded", description: "30 pedestrians and 20 vehicles", durationS: 30, ego: { xM: 10, speedMps: 8 }, pedestrians, parkedCars, vehicles };
}

function bench(label: string, scenario: ScenarioInput) {
  const world = new World(scenario, 1);
  const t0 = performance.now();
  const scene = createSensorScene(world);
  const lidar = new LidarModel(scene, { model: MODEL, pose: { xM: 1.5, yM: 0, zM: 1.9 }, seed: 1 });
  const buildMs = performance.now() - t0;
  const frameMs: number[] = [];
  let packets = 0;
  let bytes = 0;
  const rays0 = lidar.raysCast;
  const ret0 = lidar.returns;
  for (let f = 0; f < FRAMES; f++) {
    const from = world.timeNs;
    for (let s = 0; s < 5; s++) world.stepNs(20_000_000n, { accelerationMps2: 0, steeringAngleRad: 0 });
    const t = performance.now();
    const out = lidar.scan(world, from, world.timeNs);
    frameMs.push(performance.now() - t);
    packets += out.length;
    for (const p of out) bytes += p.data.byteLength;
  }
  // Skip the first frames (JIT warm-up) for the steady-state figures.
  const steady = frameMs.slice(Math.min(5, FRAMES - 1));
  const totalS = steady.reduce((a, b) => a + b, 0) / 1000;
  const sorted = [...steady].sort((a, b) => a - b);
  const rays = lidar.raysCast - rays0;
  const raysPerFrame = rays / FRAMES;
  return {
    scenario: label,
    objects: scene.objects.length,
    staticTriangles: lidar.raycaster.staticTriangles,
    buildMs: Math.round(buildMs),
    frames: FRAMES,
    raysPerFrame: Math.round(raysPerFrame),
    returnsPerFrame: Math.round((lidar.returns - ret0) / FRAMES),
    packetsPerFrame: packets / FRAMES,
    raysPerSecond: Math.round((raysPerFrame * steady.length) / totalS),
    framesPerWallSecond: +(steady.length / totalS).toFixed(1),
    realTimeFactor: +((steady.length / totalS) / lidar.rateHz).toFixed(2),
    frameMsSeries: process.env.SERIES ? frameMs.map((x) => Math.round(x)) : undefined,
    frameMsP50: +sorted[Math.floor(sorted.length * 0.5)].toFixed(1),
    frameMsP99: +sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))].toFixed(1),
    mbPerSecondOfSimTime: +((bytes / (FRAMES * 0.1)) / 1e6).toFixed(2),
  };
}

const busiest = DEFAULT_SUITE.find((s) => s.name === "group-crossing") ?? DEFAULT_SUITE[0];
const results = [bench(`default/${busiest.name}`, busiest), bench("crowded-30-ped-20-veh", crowdedStreet())];
console.log(JSON.stringify({ model: MODEL, rateHz: 10, node: process.version, results }, null, 2));
