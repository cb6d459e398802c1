// Parameters of the simulated Continental ARS408-21, with units in the names, validated by zod so a
// mistyped key fails loudly. Defaults: ARS408-21 datasheet figures as commonly quoted (not checked
// against a source available here; see sim/sensors/README.md, "Radar"), plus modelling choices.
import { z } from "zod";

const deg = (d: number) => (d * Math.PI) / 180;

/** One field-of-view sector: |azimuth| ≤ halfAngleRad and range ≤ maxRangeM (for a 10 dBsm target). */
const SectorSchema = z.strictObject({ halfAngleRad: z.number().positive().max(Math.PI), maxRangeM: z.number().positive() });

export const Ars408ParamsSchema = z.strictObject({
  /** Cycle rate, Hz (datasheet: 72 ms cycle ≈ 13.9 Hz). */
  rateHz: z.number().positive().max(100).default(1000 / 72),
  /** Sensor id 0–7 (CAN ids + 0x10·k). */
  sensorId: z.number().int().min(0).max(7).default(0),
  /** Near scan: ±60° to 20 m, ±45° to 70 m; far scan: ±9° to 250 m (10 dBsm target). */
  sectors: z.array(SectorSchema).min(1).default([
    { halfAngleRad: deg(9), maxRangeM: 250 },
    { halfAngleRad: deg(45), maxRangeM: 70 },
    { halfAngleRad: deg(60), maxRangeM: 20 },
  ]),
  minRangeM: z.number().min(0).default(0.2),
  /** Max range scales with RCS^(1/4) (radar equation) relative to this RCS, clamped to the factor range below. */
  referenceRcsDbm2: z.number().default(10),
  rangeScaleMin: z.number().positive().default(0.4),
  rangeScaleMax: z.number().positive().default(1.2),
  /** Range noise σ, m: near sectors (≤ 70 m) and far. */
  rangeSigmaNearM: z.number().min(0).default(0.1),
  rangeSigmaFarM: z.number().min(0).default(0.4),
  /** Azimuth noise σ, rad, interpolated over |azimuth|: (0°, 0.3°), (45°, 1°), (60°, 5°); far scan 0.1°. */
  azimuthSigmaNearRad: z.array(z.tuple([z.number().min(0), z.number().min(0)])).min(1).default([
    [0, deg(0.3)],
    [deg(45), deg(1)],
    [deg(60), deg(5)],
  ]),
  azimuthSigmaFarRad: z.number().min(0).default(deg(0.1)),
  /** Relative velocity noise σ, m/s: longitudinal (Doppler) and lateral (tracked). */
  vrelLongSigmaMps: z.number().min(0).default(0.1),
  vrelLatSigmaMps: z.number().min(0).default(0.25),
  /** Mean RCS by ground-truth class, dBsm, the per-object spread (drawn once per object) and per-cycle fluctuation σ. */
  rcsMeanDbm2: z
    .strictObject({ pedestrian: z.number(), car: z.number(), bus: z.number(), cyclist: z.number(), unknown: z.number() })
    .default({ pedestrian: -5, car: 10, bus: 20, cyclist: 2, unknown: 5 }),
  rcsObjectSigmaDb: z.number().min(0).default(2.5),
  rcsCycleSigmaDb: z.number().min(0).default(1),
  /** Pedestrian RCS kept within this range, dBsm. */
  pedestrianRcsRangeDbm2: z.tuple([z.number(), z.number()]).default([-10, 0]),
  /** Objects whose ground-truth visibility is below this are not detected. */
  minVisibility: z.number().min(0).max(1).default(0.25),
  /** Detection probability per cycle at full visibility (scaled by min(1, visibility / 0.5)). */
  detectProbPedestrian: z.number().min(0).max(1).default(0.9),
  detectProbVehicle: z.number().min(0).max(1).default(0.98),
  /** A track missing detections is predicted (MeasState "predicted") for this many cycles, then deleted. */
  maxCoastCycles: z.number().int().min(0).default(3),
  /** Obj_Class is "point" until a track has been measured this many cycles. */
  classAfterCycles: z.number().int().min(1).default(3),
  /** Below this over-ground speed an object is stationary (or "stopped" once it has moved), m/s. */
  stationarySpeedMps: z.number().min(0).default(0.5),
  /** False targets: chance per cycle that a new one appears, its life in cycles, where it appears. */
  falseTargetProbPerCycle: z.number().min(0).max(1).default(0.15),
  falseTargetLifeCycles: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([1, 6]),
  falseTargetRangeM: z.tuple([z.number().min(0), z.number().positive()]).default([3, 60]),
  falseTargetHalfAngleRad: z.number().positive().default(deg(40)),
  maxFalseTargets: z.number().int().min(0).default(4),
  /** Most objects per cycle (the ARS408 sends at most 100). */
  maxObjects: z.number().int().min(0).max(255).default(100),
  /** Send 0x60C quality and 0x60D extended per object. */
  sendQuality: z.boolean().default(true),
  sendExtended: z.boolean().default(true),
  /** 0x201 RadarState is sent before the first cycle and then at this interval, s (the sensor sends it at 1 Hz). */
  stateIntervalS: z.number().positive().default(1),
  /** Reported point: the point of the box nearest the sensor ("nearest", like the reflection), or the box centre. */
  referencePoint: z.enum(["nearest", "center"]).default("nearest"),
});

export type Ars408Params = z.output<typeof Ars408ParamsSchema>;
export type Ars408ParamsInput = z.input<typeof Ars408ParamsSchema>;

/** Validated parameters; an error names the field (`sectors[1].maxRangeM: ...`). */
export function parseArs408Params(input: unknown = {}): Ars408Params {
  const r = Ars408ParamsSchema.safeParse(input ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.map((p, k) => (typeof p === "number" ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`)).join("") || "(top level)"}: ${i.message}`);
    throw new Error(`invalid ARS408 parameters: ${issues.join("; ")}`);
  }
  return r.data;
}
