// A short street scene for the sensor tests: the ego drives east at 5 m/s; a pedestrian walks east
// on the south sidewalk 10 m ahead; a car is parked on the north side; a child stands further on.
import { readFileSync } from "node:fs";
import type { ScenarioInput } from "../../../sim/scenarios/Scenario.ts";
import { World } from "../../../sim/world/index.ts";

export const DATA_DIR = new URL("../../../../shared/data/", import.meta.url);
export function dataBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, DATA_DIR)));
}

export const WALKER_ID = 1;
export const CHILD_ID = 2;
export const PARKED_ID = 101;

export const SENSOR_SCENARIO: ScenarioInput = {
  name: "sensor-test-street",
  description: "Ego at 5 m/s, a walker on the south sidewalk ahead, a parked car on the north side, a standing child.",
  durationS: 5,
  ego: { xM: 20, speedMps: 5 },
  parkedCars: [{ xM: 33, side: "north" }],
  pedestrians: [
    { label: "walker", behaviour: "walk-along", start: { xM: 30, yM: -6.4 }, speedMps: 1.4, walkDirection: 1, variation: { startXM: 0, speedFraction: 0, triggerFraction: 0 } },
    { label: "child", behaviour: "stand", start: { xM: 45, yM: -6.2 }, speedMps: 1, isChild: true, variation: { startXM: 0, speedFraction: 0, triggerFraction: 0 } },
  ],
};

export function sensorWorld(seed = 3, sensors?: ScenarioInput["sensors"]): World {
  return new World({ ...SENSOR_SCENARIO, ...(sensors ? { sensors } : {}) }, seed);
}
