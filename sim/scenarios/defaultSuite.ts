// The `default` suite: eight short drives down the standard street (x ∈ [0, 200], crosswalk at
// x ∈ [118, 122], ego lane y ∈ [−3.5, 0]). The ego starts at x = 10 (footprint centre) at 11 m/s
// (40 km/h). Crossing triggers are ego distances (front bumper to pedestrian, along the street),
// so each conflict happens whatever speed the stack chose on the way.
//
// Conflict timing with an ego that keeps 11 m/s is noted per scenario ("conflict"): the
// pedestrian would be inside the ego's swept lane when the ego arrives.
import { type Scenario, type ScenarioInput, parseScenario } from "./Scenario.ts";

const EGO = { xM: 10, speedMps: 11 } as const;
const DURATION_S = 20;
/** A group decides together: little trigger spread. */
const GROUP_VARIATION = { startXM: 0.2, speedFraction: 0.05, triggerFraction: 0.01 } as const;

/** Parked cars (south strip, 4.5 m long) with 1 m gaps: centres every 5.5 m from x0, n cars. */
function parkedRow(x0: number, n: number, side: "south" | "north" = "south"): { xM: number; side: "south" | "north" }[] {
  return Array.from({ length: n }, (_, i) => ({ xM: x0 + 5.5 * i, side }));
}

const inputs: ScenarioInput[] = [
  {
    name: "empty-street",
    description: "No pedestrians, no parked cars: the stack should drive at the speed limit without braking.",
    durationS: DURATION_S,
    ego: EGO,
  },
  {
    name: "crosswalk-crossing",
    description:
      "A pedestrian waits at the south end of the crosswalk and crosses when the ego is about 38 m away; " +
      "conflict: mid ego lane as a constant-speed ego arrives. A second pedestrian stands at the north end and never crosses.",
    durationS: DURATION_S,
    ego: EGO,
    parkedCars: [...parkedRow(60, 4, "north"), ...parkedRow(140, 3, "north")],
    pedestrians: [
      {
        label: "crosser",
        behaviour: "cross-at-crosswalk",
        start: { xM: 119.5, yM: -6.6 },
        speedMps: 1.4,
        trigger: { egoDistanceM: 38 },
      },
      { label: "bystander", behaviour: "stand", start: { xM: 121.5, yM: 7.5 }, speedMps: 1.4 },
    ],
  },
  {
    name: "jaywalk-clear-view",
    description:
      "A pedestrian walking east on the south sidewalk turns and crosses mid-block (no parked cars on that side) " +
      "when the ego is about 38 m away; visible throughout.",
    durationS: DURATION_S,
    ego: EGO,
    parkedCars: parkedRow(70, 5, "north"),
    pedestrians: [
      {
        label: "jaywalker",
        behaviour: "jaywalk",
        start: { xM: 86, yM: -6.5 },
        speedMps: 1.4,
        walkDirection: 1,
        trigger: { egoDistanceM: 38 },
      },
    ],
  },
  {
    name: "jaywalk-occluded",
    description:
      "A pedestrian waits on the south sidewalk behind a row of parked cars and steps off the curb into a 1 m gap " +
      "between them when the ego is about 36 m away (front bumper); it stays hidden behind the car west of the gap " +
      "until it reaches the lane edge (ego about 17 m away). A stack that brakes as soon as it sees the pedestrian " +
      "heading into its path can still stop, but only just.",
    durationS: DURATION_S,
    ego: EGO,
    parkedCars: [...parkedRow(44.5, 7), ...parkedRow(83, 3)],
    pedestrians: [
      {
        label: "occluded-jaywalker",
        behaviour: "jaywalk",
        start: { xM: 80.25, yM: -6.3 },
        speedMps: 1.2,
        trigger: { egoDistanceM: 45 },
        variation: { startXM: 0, speedFraction: 0.05, triggerFraction: 0.03 },
      },
    ],
  },
  {
    name: "walk-along-curb",
    description:
      "Pedestrians walk along the sidewalks close to the curb, one on each side, and never cross: the stack should not brake.",
    durationS: DURATION_S,
    ego: EGO,
    parkedCars: parkedRow(140, 3),
    pedestrians: [
      { label: "south-walker", behaviour: "walk-along", start: { xM: 70, yM: -5.9 }, speedMps: 1.4, walkDirection: 1 },
      { label: "north-walker", behaviour: "walk-along", start: { xM: 130, yM: 6.0 }, speedMps: 1.3, walkDirection: -1 },
    ],
  },
  {
    name: "group-crossing",
    description:
      "Four pedestrians (one a child) cross together from the north end of the crosswalk when the ego is about 60 m away; " +
      "they reach the ego lane about as a constant-speed ego arrives.",
    durationS: DURATION_S,
    ego: EGO,
    parkedCars: [...parkedRow(80, 4), ...parkedRow(150, 3, "north")],
    pedestrians: [
      { label: "group-1", behaviour: "cross-at-crosswalk", start: { xM: 118.8, yM: 6.3 }, speedMps: 1.3, trigger: { egoDistanceM: 60 }, variation: GROUP_VARIATION },
      { label: "group-2", behaviour: "cross-at-crosswalk", start: { xM: 119.7, yM: 6.6 }, speedMps: 1.3, trigger: { egoDistanceM: 60 }, variation: GROUP_VARIATION },
      { label: "group-3", behaviour: "cross-at-crosswalk", start: { xM: 120.6, yM: 6.4 }, speedMps: 1.3, trigger: { egoDistanceM: 60 }, variation: GROUP_VARIATION },
      {
        label: "group-child",
        behaviour: "cross-at-crosswalk",
        start: { xM: 121.3, yM: 6.9 },
        speedMps: 1.3,
        isChild: true,
        trigger: { egoDistanceM: 60 },
        variation: GROUP_VARIATION,
      },
    ],
  },
  {
    name: "hesitating-pedestrian",
    description:
      "A pedestrian mid-block walks to the curb when the ego is about 35 m away, steps 0.8 m onto the road, pauses " +
      "and steps back onto the sidewalk: it never enters the ego lane.",
    durationS: DURATION_S,
    ego: EGO,
    parkedCars: parkedRow(60, 3, "north"),
    pedestrians: [
      {
        label: "hesitator",
        behaviour: "hesitate",
        start: { xM: 100, yM: -6.5 },
        speedMps: 1.2,
        trigger: { egoDistanceM: 35 },
        hesitation: { stepOffM: 0.8, pauseS: 1.2 },
      },
    ],
  },
  {
    name: "running-child",
    description:
      "A child runs east along the south sidewalk and darts across the road at 3 m/s when the ego is about 20 m away (about 14 m when it leaves the curb); " +
      "conflict: in the ego lane as a constant-speed ego arrives.",
    durationS: DURATION_S,
    ego: EGO,
    parkedCars: [...parkedRow(50, 3), ...parkedRow(130, 3, "north")],
    pedestrians: [
      {
        label: "child",
        behaviour: "run",
        start: { xM: 75, yM: -7 },
        speedMps: 3,
        walkDirection: 1,
        isChild: true,
        trigger: { egoDistanceM: 20 },
      },
    ],
  },
];

/** The default suite, validated at load time (an invalid entry fails the import with its field path). */
export const DEFAULT_SUITE: readonly Scenario[] = Object.freeze(inputs.map((s) => parseScenario(s)));
