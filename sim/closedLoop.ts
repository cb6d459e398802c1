// The closed loop: world → bus → stack → command → world, on the sim clock. The stack runs
// synchronously on an in-process bus, so a scenario and a seed give the same run bit for bit.
import { msg, type Bus, InProcessBus, secondsToNs, toTimestamp } from "../bus/index.ts";
import { StackParamsSchema, startStack, type StackParamsInput } from "../planning/index.ts";
import { settleAsyncWork } from "../prediction/index.ts";
import { McapRecorder, STACK_PARAMS_METADATA_KEY } from "../replay/index.ts";
import type { SimFrame } from "./metrics/index.ts";
import type { Scenario } from "./scenarios/index.ts";
import { type SensorKind, SensorRig } from "./sensorRig.ts";
import { vizScene } from "./vizScene.ts";
import { type EgoCommand, World } from "./world/index.ts";

export interface ClosedLoopOptions {
  seed: number;
  stackParams?: StackParamsInput;
  /** Write every logged topic here (MCAP). */
  logPath?: string;
  /** Physics step, s. The stack runs every `framePeriodS`. */
  physicsStepS?: number;
  framePeriodS?: number;
  /** Simulate these kinds of the scenario's sensor rig (wire bytes through the drivers); none by default. */
  sensors?: readonly SensorKind[];
  /** Folder for relative camera calibration paths (the scenario file's); default the working directory. */
  scenarioDir?: string;
  /** Called once per stack frame with the sim time, for progress bars. */
  onFrame?: (tNs: bigint, durationNs: bigint) => void;
  /** Called with the run's bus before the stack starts, e.g. to collect topics (sim/dataset). */
  onBus?: (bus: Bus) => void;
}

export interface StageLatency {
  stage: string;
  latenciesMs: number[];
}

export interface ClosedLoopResult {
  world: World;
  frames: SimFrame[];
  streetMap: msg.StreetMap;
  /** Wall-clock processing time of each stack stage per frame, from /diagnostics. */
  stageLatencies: Map<string, number[]>;
  simDurationS: number;
  wallS: number;
}

const IDENTITY_ROTATION = { x: 0, y: 0, z: 0, w: 1 };

/** map → base_link for the ego pose (yaw about z). */
export function egoTransform(state: msg.VehicleState, stampNs: bigint, sensorTransforms: msg.FrameTransform[] = []): msg.FrameTransforms {
  const half = state.yawRad / 2;
  return msg.create(msg.FrameTransformsSchema, {
    transforms: [
      ...sensorTransforms,
      {
        timestamp: toTimestamp(stampNs),
        parentFrameId: "map",
        childFrameId: "base_link",
        translation: { x: state.xM, y: state.yM, z: 0 },
        rotation: { ...IDENTITY_ROTATION, z: Math.sin(half), w: Math.cos(half) },
      },
    ],
  });
}

export async function runClosedLoop(scenario: Scenario, options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const physicsStepNs = secondsToNs(options.physicsStepS ?? 0.02);
  const framePeriodNs = secondsToNs(options.framePeriodS ?? 0.1);
  if (framePeriodNs % physicsStepNs !== 0n) throw new Error("framePeriodS must be a whole number of physics steps");

  const wallStart = performance.now();
  const bus: Bus = new InProcessBus();
  const world = new World(scenario, options.seed);
  // Sensors before the log: a bad rig (unknown sensor name, missing calibration) leaves no half-written file.
  const rig = options.sensors?.length ? await SensorRig.create(world, bus, { seed: options.seed, kinds: options.sensors, baseDir: options.scenarioDir ?? process.cwd() }) : undefined;
  const stackParams = StackParamsSchema.parse(options.stackParams ?? {});
  // The log says what the stack ran with, so `curb replay --rerun` can run the same stack again.
  const metadata = { scenario: scenario.name, seed: String(options.seed), [STACK_PARAMS_METADATA_KEY]: JSON.stringify(stackParams) };
  const recorder = options.logPath ? await McapRecorder.open(options.logPath, { metadata }) : undefined;
  recorder?.attach(bus);
  options.onBus?.(bus);

  const frames: SimFrame[] = [];
  const stageLatencies = new Map<string, number[]>();
  let command: EgoCommand = { accelerationMps2: 0, steeringAngleRad: 0 };
  let lastTrajectory: msg.Trajectory | undefined;
  let lastTracks: msg.TrackList | undefined;
  let lastPredictions: msg.AgentPredictions | undefined;

  const subscriptions = [
    bus.topic("/control/command").subscribe((e) => {
      command = { accelerationMps2: e.message.accelerationMps2, steeringAngleRad: e.message.steeringAngleRad };
    }),
    bus.topic("/planning/trajectory").subscribe((e) => {
      lastTrajectory = e.message;
    }),
    bus.topic("/perception/tracks").subscribe((e) => {
      lastTracks = e.message;
    }),
    bus.topic("/prediction/agents").subscribe((e) => {
      lastPredictions = e.message;
    }),
    bus.topic("/diagnostics").subscribe((e) => {
      const list = stageLatencies.get(e.message.name) ?? [];
      list.push(e.message.latencyMs);
      stageLatencies.set(e.message.name, list);
    }),
  ];
  const stack = startStack(bus, stackParams);

  const streetMap = world.streetMap();
  bus.publish("/map", streetMap, world.timeNs);

  try {
    for (;;) {
      const tNs = world.timeNs;
      const vehicleState = world.vehicleState();
      const groundTruth = world.groundTruth();
      lastTrajectory = undefined;
      lastTracks = undefined;
      lastPredictions = undefined;
      bus.publish("/tf", egoTransform(vehicleState, tNs, rig?.transforms(tNs)), tNs);
      bus.publish("/vehicle/state", vehicleState, tNs);
      bus.publish("/sim/ground_truth", groundTruth, tNs);
      // Stages with asynchronous work (ONNX intent inference) finish the frame before the world steps.
      await settleAsyncWork(bus);
      // The stack has run for this frame (synchronous bus): draw what it saw and predicted.
      bus.publish("/viz/scene", vizScene(tNs, groundTruth, lastTracks, lastPredictions), tNs);
      frames.push({ tNs, groundTruth, vehicleState, trajectory: lastTrajectory, predictions: lastPredictions });
      options.onFrame?.(tNs, world.durationNs);
      if (world.done) break;
      for (let t = 0n; t < framePeriodNs && !world.done; t += physicsStepNs) {
        world.stepNs(physicsStepNs, command);
        await rig?.afterStep(world);
      }
      await rig?.endOfFrame();
    }
  } finally {
    await rig?.close();
    stack.stop();
    for (const s of subscriptions) s.unsubscribe();
    await recorder?.close();
    await bus.close();
  }
  return {
    world,
    frames,
    streetMap,
    stageLatencies,
    simDurationS: Number(world.timeNs) / 1e9,
    wallS: (performance.now() - wallStart) / 1000,
  };
}
