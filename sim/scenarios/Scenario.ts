// A scenario: the street (parametric, with optional explicit crosswalks and buildings), the ego's
// start and route, the sensor rig, parked vehicles (cars, buses), moving traffic, and scripted
// pedestrians, validated by ONE zod schema so a mistyped or missing field fails loudly with its
// path (e.g. `pedestrians[1].speedMps`). Scenario files (sim/scenarios/README.md) are this schema
// plus a thin template layer (variables, ranges, repeats) resolved before validation.
// Lengths in m, speeds in m/s, times in s from the sim start.
import { z } from "zod";
import { DEFAULT_STREET_PARAMS, buildStreet, isInBuilding } from "../world/street.ts";

export const PEDESTRIAN_BEHAVIOURS = ["walk-along", "cross-at-crosswalk", "jaywalk", "stand", "hesitate", "run"] as const;
export type PedestrianBehaviour = (typeof PEDESTRIAN_BEHAVIOURS)[number];

/** Behaviours that start crossing (or pretend to) after a trigger. */
const TRIGGERED: ReadonlySet<PedestrianBehaviour> = new Set(["cross-at-crosswalk", "jaywalk", "hesitate", "run"]);
/** Behaviours that cross the road. */
const CROSSING: ReadonlySet<PedestrianBehaviour> = new Set(["cross-at-crosswalk", "jaywalk", "run"]);

const positive = () => z.number().positive();

/**
 * When a pedestrian decides to cross: the first step at which the ego's front bumper is at most
 * `egoDistanceM` behind the pedestrian (along the street, ego not yet past it), or sim time
 * reaches `atS`, whichever comes first.
 */
export const TriggerSchema = z
  .strictObject({
    egoDistanceM: positive().optional(),
    atS: positive().optional(),
  })
  .refine((t) => t.egoDistanceM !== undefined || t.atS !== undefined, { message: "needs egoDistanceM or atS" });

/** Per-seed variation of a pedestrian, drawn once at the start from the seed. */
export const VariationSchema = z.strictObject({
  /** Start x drawn uniformly in ±startXM. */
  startXM: z.number().min(0).max(5).default(0.3),
  /** Speed scaled by a factor uniform in 1 ± speedFraction. */
  speedFraction: z.number().min(0).max(0.5).default(0.08),
  /** Trigger distance and time scaled by a factor uniform in 1 ± triggerFraction. */
  triggerFraction: z.number().min(0).max(0.5).default(0.05),
});

export const PedestrianSpecSchema = z.strictObject({
  /** Free-form label for logs and tests. */
  label: z.string().optional(),
  behaviour: z.enum(PEDESTRIAN_BEHAVIOURS),
  /** Start position on a sidewalk, map frame. */
  start: z.strictObject({ xM: z.number(), yM: z.number() }),
  /** Walking (or running) speed, m/s. */
  speedMps: positive().max(8),
  /** Walking direction along the street before the decision (and after crossing): +1 east, −1 west, 0 standing. */
  walkDirection: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(0),
  trigger: TriggerSchema.optional(),
  isChild: z.boolean().default(false),
  /** Waits at the curb while the ego is close and moving (default: never reacts to the ego). */
  yieldsToEgo: z.boolean().default(false),
  /**
   * With `yieldsToEgo`: the smallest gap to the approaching ego, in seconds of its travel, this
   * pedestrian accepts to cross in front of it (gap acceptance; people differ, commonly 2–7 s).
   * Default 4.
   */
  criticalGapS: positive().max(15).optional(),
  /** Hesitate only: how far it steps off the curb onto the road, and how long it pauses there. */
  hesitation: z
    .strictObject({ stepOffM: positive().max(3).default(0.8), pauseS: positive().max(10).default(1) })
    .prefault({}),
  /**
   * Crossers only: how long it stands at the curb after the approach before stepping onto the road
   * (a waiting pedestrian; the decision is already made, so `decision_time_ns` comes first), s.
   */
  curbWaitS: z.number().min(0).max(30).default(0),
  /**
   * Crossers and hesitaters: the least time the approach to the curb takes, s. A deciding pedestrian
   * angles its path along its walking direction (a standing one: away from the nearest crosswalk) so
   * that it drifts toward the curb for about this long instead of turning on the spot; 0 = straight
   * to the curb half a metre ahead.
   */
  approachS: z.number().min(0).max(10).default(0),
  /** How far onto the far sidewalk a crossing pedestrian walks before resuming its walk (or standing). */
  farSidewalkOffsetM: positive().max(4).default(1.5),
  variation: VariationSchema.prefault({}),
});

/** Vehicle kinds and their default footprints, m (the BUS kind is ground truth OBJECT_CLASS_BUS). */
export const VEHICLE_KINDS = ["car", "van", "bus"] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];
export const VEHICLE_SIZES: Readonly<Record<VehicleKind, { lengthM: number; widthM: number; heightM: number }>> = Object.freeze({
  car: { lengthM: 4.5, widthM: 1.8, heightM: 1.5 },
  van: { lengthM: 5.2, widthM: 2.0, heightM: 2.2 },
  bus: { lengthM: 12, widthM: 2.55, heightM: 3.2 },
});

const vehicleSize = {
  lengthM: positive().max(20).optional(),
  widthM: positive().max(3).optional(),
  heightM: positive().max(5).optional(),
};

function withKindSize<T extends { kind: VehicleKind; lengthM?: number; widthM?: number; heightM?: number }>(v: T) {
  const d = VEHICLE_SIZES[v.kind];
  return { ...v, lengthM: v.lengthM ?? d.lengthM, widthM: v.widthM ?? d.widthM, heightM: v.heightM ?? d.heightM };
}

/**
 * A parked (or stopped) vehicle: a static box in a parking strip that occludes. A bus wider than
 * the strip hugs the curb and sticks out into the outer lane (a bus at its stop).
 */
export const ParkedCarSpecSchema = z
  .strictObject({
    label: z.string().optional(),
    kind: z.enum(VEHICLE_KINDS).default("car"),
    /** Centre x along the street. */
    xM: z.number(),
    side: z.enum(["south", "north"]).default("south"),
    /** Centre y; defaults to the middle of the parking strip on `side` (against the curb if wider than the strip). */
    yM: z.number().optional(),
    ...vehicleSize,
  })
  .transform(withKindSize);

/** Intelligent Driver Model parameters of a traffic vehicle. */
export const IdmSchema = z.strictObject({
  timeHeadwayS: positive().max(5).default(1.5),
  minGapM: positive().max(10).default(2),
  maxAccelMps2: positive().max(5).default(1.5),
  comfortDecelMps2: positive().max(8).default(2),
  delta: positive().max(8).default(4),
});

/**
 * A moving vehicle that follows its lane with IDM: westbound traffic, or a lead vehicle in the
 * ego's (eastbound) lane. It brakes for the vehicle ahead, the ego, pedestrians on the road in its
 * lane and parked vehicles sticking into its lane; it leaves the world at the street end.
 */
export const VehicleSpecSchema = z
  .strictObject({
    label: z.string().optional(),
    kind: z.enum(VEHICLE_KINDS).default("car"),
    lane: z.enum(["eastbound", "westbound"]),
    /** Centre x along the street at the start. */
    xM: z.number(),
    speedMps: z.number().min(0).max(40),
    /** Desired (free-road) speed; defaults to the street's speed limit. */
    desiredSpeedMps: positive().max(40).optional(),
    idm: IdmSchema.prefault({}),
    ...vehicleSize,
  })
  .transform(withKindSize);

/** Known sensor models (the sensor models of issue 3 emit their wire formats) and their kind. */
export const SENSOR_MODELS = Object.freeze({
  "VLP-16": "lidar",
  "VLP-32C": "lidar",
  "HDL-32E": "lidar",
  ARS408: "radar",
  camera: "camera",
} as const);
export type SensorModel = keyof typeof SENSOR_MODELS;
export type SensorKind = (typeof SENSOR_MODELS)[SensorModel];
export const SENSOR_KINDS: readonly SensorKind[] = Object.freeze([...new Set(Object.values(SENSOR_MODELS))]);
const SENSOR_MODEL_NAMES = Object.keys(SENSOR_MODELS) as [SensorModel, ...SensorModel[]];

/** A sensor on the ego: its model and mounting pose in `base_link` (footprint centre, ground level, x forward, z up). */
export const SensorSpecSchema = z.strictObject({
  /** Topic-safe name: `/sensors/<kind>/<name>/...`. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be lower-case letters, digits and '_' (it becomes part of a topic name)"),
  model: z.enum(SENSOR_MODEL_NAMES, {
    error: (iss) => `unknown sensor model ${JSON.stringify(iss.input)}; known models: ${SENSOR_MODEL_NAMES.join(", ")}`,
  }),
  pose: z.strictObject({
    xM: z.number().min(-5).max(5),
    yM: z.number().min(-2).max(2),
    zM: z.number().min(0).max(4),
    rollRad: z.number().min(-Math.PI).max(Math.PI).default(0),
    pitchRad: z.number().min(-Math.PI).max(Math.PI).default(0),
    yawRad: z.number().min(-Math.PI).max(Math.PI).default(0),
  }),
  /** Cameras only: intrinsics file (YAML/JSON), relative to the scenario file. */
  calibrationFile: z.string().min(1).optional(),
  /** Frame or scan rate; defaults to the model's usual rate. */
  rateHz: positive().max(100).optional(),
});

/** The rig when a scenario names none: a roof VLP-32C and a front ARS408. */
export const DEFAULT_SENSOR_RIG = Object.freeze([
  { name: "top", model: "VLP-32C", pose: { xM: 1.5, yM: 0, zM: 1.9 } },
  { name: "front_radar", model: "ARS408", pose: { xM: 2.3, yM: 0, zM: 0.5 } },
] as const);

export const StreetParamsSchema = z.strictObject({
  lengthM: positive().optional(),
  /** At least the ego's width with room to steer, at most a wide urban lane. */
  laneWidthM: positive().min(2.5).max(6).optional(),
  parkingWidthM: positive().optional(),
  sidewalkWidthM: positive().optional(),
  buildingSetbackM: positive().optional(),
  buildingDepthM: positive().optional(),
  crosswalkCenterXM: positive().optional(),
  crosswalkWidthM: positive().optional(),
  speedLimitMps: positive().optional(),
  /** Explicit crosswalks, replacing the one at crosswalkCenterXM (do not give both). */
  crosswalks: z.array(z.strictObject({ centerXM: z.number(), widthM: positive().max(20) })).min(1).max(20).optional(),
  /** Explicit building blocks, replacing the three per side. */
  buildings: z
    .array(
      z.strictObject({
        side: z.enum(["south", "north"]),
        x0M: z.number(),
        x1M: z.number(),
        setbackM: z.number().min(0).optional(),
        depthM: positive().optional(),
      }),
    )
    .max(100)
    .optional(),
});

export const ScenarioSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*(#[0-9]+)?$/, "must be kebab-case (lower-case words joined by '-'), optionally with a variant suffix '#123'"),
    description: z.string().min(1),
    durationS: positive().max(3600),
    ego: z.strictObject({
      /** Footprint centre x, m. */
      xM: z.number(),
      /** Footprint centre y; defaults to the eastbound lane centre. */
      yM: z.number().optional(),
      yawRad: z.number().default(0),
      speedMps: z.number().min(0).max(40),
    }),
    /** The ego's route: today always the eastbound lane centreline, the whole street. */
    route: z.strictObject({ lane: z.literal("eastbound").default("eastbound") }).prefault({}),
    sensors: z.array(SensorSpecSchema).max(16).default(() => DEFAULT_SENSOR_RIG.map((s) => ({ ...s, pose: { ...s.pose, rollRad: 0, pitchRad: 0, yawRad: 0 } }))),
    street: StreetParamsSchema.prefault({}),
    parkedCars: z.array(ParkedCarSpecSchema).max(100).default([]),
    vehicles: z.array(VehicleSpecSchema).max(99).default([]),
    pedestrians: z.array(PedestrianSpecSchema).max(99).default([]),
  })
  .superRefine((s, ctx) => {
    const { crosswalks: crosswalkList, buildings: buildingList, ...streetParams } = s.street;
    const p = { ...DEFAULT_STREET_PARAMS, ...streetParams };
    const curb = p.laneWidthM + p.parkingWidthM;
    const outer = curb + p.sidewalkWidthM;
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

    // Crosswalks: explicit list or the parametric one; each must lie on the road.
    if (crosswalkList && (streetParams.crosswalkCenterXM !== undefined || streetParams.crosswalkWidthM !== undefined)) {
      issue(["street", "crosswalks"], "give either crosswalks or crosswalkCenterXM/crosswalkWidthM, not both");
    }
    const spans: Array<[number, number]> = [];
    (crosswalkList ?? [{ centerXM: p.crosswalkCenterXM, widthM: p.crosswalkWidthM }]).forEach((c, i) => {
      const x0 = c.centerXM - c.widthM / 2;
      const x1 = c.centerXM + c.widthM / 2;
      if (x0 < 0 || x1 > p.lengthM) {
        issue(crosswalkList ? ["street", "crosswalks", i, "centerXM"] : ["street", "crosswalkCenterXM"], `crosswalk x ∈ [${x0}, ${x1}] lies outside the road x ∈ [0, ${p.lengthM}]`);
      } else {
        spans.push([x0, x1]);
      }
    });
    spans.sort((a, b) => a[0] - b[0]);
    const describeSpans = () => spans.map(([a, b]) => `[${a}, ${b}]`).join(", ");
    const nearestSpan = (x: number) =>
      spans.reduce<[number, number] | undefined>((best, c) => (!best || Math.abs(x - (c[0] + c[1]) / 2) < Math.abs(x - (best[0] + best[1]) / 2) ? c : best), undefined);
    buildingList?.forEach((b, i) => {
      if (b.x1M <= b.x0M) issue(["street", "buildings", i, "x1M"], `must be greater than x0M (${b.x0M})`);
    });
    // Buildings as the world will build them (a safe crosswalk stands in for invalid ones here).
    let street: ReturnType<typeof buildStreet>;
    try {
      street = buildStreet(streetParams, "validation", {
        buildings: buildingList?.filter((b) => b.x1M > b.x0M),
        crosswalks: [{ centerXM: p.lengthM / 2, widthM: 1 }],
      });
    } catch (error) {
      // Refinements run even after a field failed its own check (lengthM: -5): report it where it is, and stop.
      issue(["street"], (error as Error).message);
      return;
    }

    if (s.ego.xM < 0 || s.ego.xM > p.lengthM) {
      issue(["ego", "xM"], `must lie on the street [0, ${p.lengthM}]`);
    }
    // The route is the eastbound lane: an ego on the sidewalk or facing west would score a drive that never was.
    if (s.ego.yM !== undefined && (s.ego.yM <= -curb || s.ego.yM >= curb)) {
      issue(["ego", "yM"], `must be on the road (|y| < ${curb}; default: the eastbound lane centre, ${-p.laneWidthM / 2})`);
    }
    if (!(Math.abs(s.ego.yawRad) < Math.PI / 2)) {
      issue(["ego", "yawRad"], "must face along the eastbound route (|yawRad| < π/2)");
    }
    s.sensors.forEach((sensor, i) => {
      if (s.sensors.findIndex((o) => o.name === sensor.name) !== i) issue(["sensors", i, "name"], `duplicate sensor name ${JSON.stringify(sensor.name)}`);
      const isCamera = SENSOR_MODELS[sensor.model] === "camera";
      if (isCamera && !sensor.calibrationFile) issue(["sensors", i, "calibrationFile"], "a camera needs a calibration file");
      if (!isCamera && sensor.calibrationFile) issue(["sensors", i, "calibrationFile"], `only cameras take a calibration file, not ${sensor.model}`);
    });
    s.pedestrians.forEach((ped, i) => {
      const at = (...rest: (string | number)[]) => ["pedestrians", i, ...rest];
      const ay = Math.abs(ped.start.yM);
      if (isInBuilding(street, ped.start.xM, ped.start.yM)) {
        issue(at("start"), `(${ped.start.xM}, ${ped.start.yM}) is inside a building; pedestrians start on a sidewalk (|y| in [${curb}, ${outer}])`);
      } else if (ay < curb || ay > outer) {
        issue(at("start", "yM"), `must be on a sidewalk (|y| in [${curb}, ${outer}])`);
      }
      if (ped.start.xM < 0 || ped.start.xM > p.lengthM) {
        issue(at("start", "xM"), `must lie on the street [0, ${p.lengthM}]`);
      }
      const triggered = TRIGGERED.has(ped.behaviour);
      if (triggered && !ped.trigger) {
        issue(at("trigger"), `required for behaviour ${ped.behaviour}`);
      }
      if (!triggered && ped.trigger) {
        issue(at("trigger"), `not used by behaviour ${ped.behaviour}; remove it`);
      }
      if (ped.curbWaitS > 0 && !CROSSING.has(ped.behaviour)) {
        issue(at("curbWaitS"), `only crossing behaviours wait at the curb, not ${ped.behaviour}`);
      }
      if (ped.criticalGapS !== undefined && !ped.yieldsToEgo) {
        issue(at("criticalGapS"), "only a pedestrian that yields to the ego (yieldsToEgo: true) judges gaps");
      }
      if (ped.approachS > 0 && !triggered) {
        issue(at("approachS"), `only crossing and hesitating pedestrians approach the curb, not ${ped.behaviour}`);
      }
      if (ped.behaviour === "walk-along" && ped.walkDirection === 0) {
        issue(at("walkDirection"), "walk-along needs walkDirection +1 or -1");
      }
      const near = nearestSpan(ped.start.xM);
      if (ped.behaviour === "cross-at-crosswalk" && near && (ped.start.xM < near[0] - 5 || ped.start.xM > near[1] + 5)) {
        issue(at("start", "xM"), `must be within 5 m of a crosswalk ${describeSpans()}`);
      }
      if ((ped.behaviour === "jaywalk" || ped.behaviour === "run") && ped.walkDirection === 0) {
        const x = ped.start.xM;
        const m = 1 + ped.variation.startXM;
        if (spans.some(([a, b]) => x >= a - m && x <= b + m)) {
          issue(at("start", "xM"), `a ${ped.behaviour} must start away from the crosswalks ${describeSpans()}`);
        }
      }
    });
    const parkedBoxes = s.parkedCars.map((car) => {
      const sign = car.side === "south" ? -1 : 1;
      const yM = car.yM ?? sign * parkedCenterAbsY(p.laneWidthM, p.parkingWidthM, car.widthM);
      return { x0: car.xM - car.lengthM / 2, x1: car.xM + car.lengthM / 2, y0: yM - car.widthM / 2, y1: yM + car.widthM / 2 };
    });
    s.parkedCars.forEach((car, i) => {
      const b = parkedBoxes[i];
      if (b.x0 < 0 || b.x1 > p.lengthM) {
        issue(["parkedCars", i, "xM"], `car must lie on the street [0, ${p.lengthM}]`);
      }
      const hit = spans.find(([a, c]) => b.x1 > a && b.x0 < c);
      if (hit) {
        issue(["parkedCars", i, "xM"], `${car.kind} overlaps the crosswalk [${hit[0]}, ${hit[1]}]`);
      }
      if (b.y0 < -curb || b.y1 > curb) {
        issue(["parkedCars", i, "yM"], `${car.kind} must stay on the road (|y| ≤ ${curb}), it spans y ∈ [${b.y0}, ${b.y1}]`);
      }
      for (let j = 0; j < i; j++) {
        const o = parkedBoxes[j];
        if (b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1) {
          issue(["parkedCars", i, "xM"], `overlaps parkedCars[${j}]`);
          break;
        }
      }
    });
    const egoFront = s.ego.xM + 2.3;
    s.vehicles.forEach((v, i) => {
      const x0 = v.xM - v.lengthM / 2;
      const x1 = v.xM + v.lengthM / 2;
      if (x0 < 0 || x1 > p.lengthM) issue(["vehicles", i, "xM"], `must lie on the street [0, ${p.lengthM}]`);
      if (v.lane === "eastbound" && x0 < egoFront + 2) {
        issue(["vehicles", i, "xM"], `an eastbound vehicle must start ahead of the ego (rear ≥ ego front + 2 m = ${egoFront + 2})`);
      }
      for (let j = 0; j < i; j++) {
        const o = s.vehicles[j];
        if (o.lane === v.lane && x0 < o.xM + o.lengthM / 2 && o.xM - o.lengthM / 2 < x1) {
          issue(["vehicles", i, "xM"], `overlaps vehicles[${j}] in the ${v.lane} lane`);
          break;
        }
      }
    });
  });

/**
 * |y| of a parked vehicle's centre: the middle of the parking strip, or against the curb (5 cm
 * off it) when the vehicle is wider than the strip, e.g. a bus at its stop.
 */
export function parkedCenterAbsY(laneWidthM: number, parkingWidthM: number, widthM: number): number {
  const curb = laneWidthM + parkingWidthM;
  return widthM <= parkingWidthM ? laneWidthM + parkingWidthM / 2 : curb - widthM / 2 - 0.05;
}

/** A validated scenario, defaults filled in. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** What a scenario author writes (optional fields may be left out). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type PedestrianSpec = Scenario["pedestrians"][number];
export type ParkedCarSpec = Scenario["parkedCars"][number];
export type VehicleSpec = Scenario["vehicles"][number];
export type SensorSpec = Scenario["sensors"][number];

/** Thrown for an invalid scenario; the message lists every problem with its field path. */
export class ScenarioError extends Error {
  constructor(
    readonly scenarioName: string,
    readonly problems: string[],
  ) {
    super(`invalid scenario ${scenarioName}: ${problems.join("; ")}`);
    this.name = "ScenarioError";
  }
}

/** `pedestrians[2].start.xM` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out || "(root)";
}

/** Validates and fills defaults; throws ScenarioError naming each bad field. */
export function parseScenario(input: unknown): Scenario {
  const r = ScenarioSchema.safeParse(input);
  if (r.success) return r.data;
  const name =
    typeof input === "object" && input !== null && typeof (input as { name?: unknown }).name === "string"
      ? JSON.stringify((input as { name: string }).name)
      : "(unnamed)";
  throw new ScenarioError(
    name,
    r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
  );
}
