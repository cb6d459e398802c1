// A small synthetic street scene for report tests: the ego approaches a jaywalker, brakes hard and
// stops; a second pedestrian waits at the crosswalk; parked cars line the south strip.
import { msg } from "../../../bus/index.ts";
import type { SimFrame } from "../../../sim/metrics/index.ts";
import { buildFrames, parkedCar, pedestrianObject, stopAt45, twoLaneMap } from "../metrics/syntheticDrive.ts";

const S = 1_000_000_000n;

/** 9 s at 10 Hz: jaywalker P4 decides at 2.5 s, leaves the curb at 3.0 s, walks north across x = 52. */
export function jaywalkFrames(): SimFrame[] {
  return buildFrames(90, stopAt45, (_k, t) => {
    const walking = t >= 3;
    const y = walking ? Math.min(-6 + 1.4 * (t - 3), 6) : -6;
    return [
      parkedCar(101, 20, -4.6),
      parkedCar(102, 30, -4.6),
      parkedCar(103, 65, -4.6),
      pedestrianObject({
        id: 4,
        x: 52,
        y,
        vy: walking && y < 6 ? 1.4 : 0,
        behaviour: msg.PedestrianTruth_Behaviour.JAYWALK,
        willCross: true,
        willJaywalk: true,
        decisionTimeNs: t >= 2.5 ? (5n * S) / 2n : 0n,
        curbLeaveTimeNs: walking ? 3n * S : 0n,
        onRoad: Math.abs(y) < 5.5,
      }),
      pedestrianObject({ id: 9, x: 117, y: 6.5, behaviour: msg.PedestrianTruth_Behaviour.CROSS_AT_CROSSWALK }),
    ];
  });
}

export { twoLaneMap };
