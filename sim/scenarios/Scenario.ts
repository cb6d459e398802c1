// A scenario: the street, the ego's start, parked cars and scripted pedestrians, validated by a
// zod schema so a mistyped or missing field fails loudly with its path (e.g.
// `pedestrians[1].speedMps`). Lengths in m, speeds in m/s, times in s from the sim start.
import { z } from "zod";
import { DEFAULT_STREET_PARAMS } from "../world/street.ts";

export const PEDESTRIAN_BEHAVIOURS = ["walk-along", "cross-at-crosswalk", "jaywalk", "stand", "hesitate", "run"] as const;
export type PedestrianBehaviour = (typeof PEDESTRIAN_BEHAVIOURS)[number];

/** Behaviours that start crossing (or pretend to) after a trigger. */
const TRIGGERED: ReadonlySet<PedestrianBehaviour> = new Set(["cross-at-crosswalk", "jaywalk", "hesitate", "run"]);

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
  /** Hesitate only: how far it steps off the curb onto the road, and how long it pauses there. */
  hesitation: z
    .strictObject({ stepOffM: positive().max(3).default(0.8), pauseS: positive().max(10).default(1) })
    .prefault({}),
  /** How far onto the far sidewalk a crossing pedestrian walks before resuming its walk (or standing). */
  farSidewalkOffsetM: positive().max(4).default(1.5),
  variation: VariationSchema.prefault({}),
});

export const ParkedCarSpecSchema = z.strictObject({
  /** Centre x along the street. */
  xM: z.number(),
  side: z.enum(["south", "north"]).default("south"),
  /** Centre y; defaults to the middle of the parking strip on `side`. */
  yM: z.number().optional(),
  lengthM: positive().max(15).default(4.5),
  widthM: positive().max(3).default(1.8),
  heightM: positive().max(5).default(1.5),
});

export const StreetParamsSchema = z.strictObject({
  lengthM: positive().optional(),
  laneWidthM: positive().optional(),
  parkingWidthM: positive().optional(),
  sidewalkWidthM: positive().optional(),
  buildingSetbackM: positive().optional(),
  buildingDepthM: positive().optional(),
  crosswalkCenterXM: positive().optional(),
  crosswalkWidthM: positive().optional(),
  speedLimitMps: positive().optional(),
});

export const ScenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case (lower-case words joined by '-')"),
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
    street: StreetParamsSchema.prefault({}),
    parkedCars: z.array(ParkedCarSpecSchema).max(100).default([]),
    pedestrians: z.array(PedestrianSpecSchema).max(99).default([]),
  })
  .superRefine((s, ctx) => {
    const p = { ...DEFAULT_STREET_PARAMS, ...s.street };
    const curb = p.laneWidthM + p.parkingWidthM;
    const outer = curb + p.sidewalkWidthM;
    const cw0 = p.crosswalkCenterXM - p.crosswalkWidthM / 2;
    const cw1 = p.crosswalkCenterXM + p.crosswalkWidthM / 2;
    if (s.ego.xM < 0 || s.ego.xM > p.lengthM) {
      ctx.addIssue({ code: "custom", path: ["ego", "xM"], message: `must lie on the street [0, ${p.lengthM}]` });
    }
    s.pedestrians.forEach((ped, i) => {
      const at = (...rest: (string | number)[]) => ["pedestrians", i, ...rest];
      const ay = Math.abs(ped.start.yM);
      if (ay < curb || ay > outer) {
        ctx.addIssue({ code: "custom", path: at("start", "yM"), message: `must be on a sidewalk (|y| in [${curb}, ${outer}])` });
      }
      if (ped.start.xM < 0 || ped.start.xM > p.lengthM) {
        ctx.addIssue({ code: "custom", path: at("start", "xM"), message: `must lie on the street [0, ${p.lengthM}]` });
      }
      const triggered = TRIGGERED.has(ped.behaviour);
      if (triggered && !ped.trigger) {
        ctx.addIssue({ code: "custom", path: at("trigger"), message: `required for behaviour ${ped.behaviour}` });
      }
      if (!triggered && ped.trigger) {
        ctx.addIssue({ code: "custom", path: at("trigger"), message: `not used by behaviour ${ped.behaviour}; remove it` });
      }
      if (ped.behaviour === "walk-along" && ped.walkDirection === 0) {
        ctx.addIssue({ code: "custom", path: at("walkDirection"), message: "walk-along needs walkDirection +1 or -1" });
      }
      if (ped.behaviour === "cross-at-crosswalk" && (ped.start.xM < cw0 - 5 || ped.start.xM > cw1 + 5)) {
        ctx.addIssue({ code: "custom", path: at("start", "xM"), message: `must be within 5 m of the crosswalk [${cw0}, ${cw1}]` });
      }
      if ((ped.behaviour === "jaywalk" || ped.behaviour === "run") && ped.walkDirection === 0) {
        const x = ped.start.xM;
        if (x >= cw0 - 1 - ped.variation.startXM && x <= cw1 + 1 + ped.variation.startXM) {
          ctx.addIssue({ code: "custom", path: at("start", "xM"), message: `a ${ped.behaviour} must start away from the crosswalk [${cw0}, ${cw1}]` });
        }
      }
    });
    s.parkedCars.forEach((car, i) => {
      if (car.xM - car.lengthM / 2 < 0 || car.xM + car.lengthM / 2 > p.lengthM) {
        ctx.addIssue({ code: "custom", path: ["parkedCars", i, "xM"], message: `car must lie on the street [0, ${p.lengthM}]` });
      }
      if (car.xM + car.lengthM / 2 > cw0 && car.xM - car.lengthM / 2 < cw1) {
        ctx.addIssue({ code: "custom", path: ["parkedCars", i, "xM"], message: `car overlaps the crosswalk [${cw0}, ${cw1}]` });
      }
    });
  });

/** A validated scenario, defaults filled in. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** What a scenario author writes (optional fields may be left out). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type PedestrianSpec = Scenario["pedestrians"][number];
export type ParkedCarSpec = Scenario["parkedCars"][number];

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
