// Ride comfort from the ego's own measured longitudinal acceleration (VehicleState).
import { nsToSeconds } from "../../bus/index.ts";
import { type SimFrame, relativeSeconds } from "./frame.ts";

/** Default hard-braking threshold, m/s²: acceleration strictly below it is hard braking. */
export const DEFAULT_HARD_BRAKE_THRESHOLD_MPS2 = -4;

/** A run of consecutive frames with acceleration below the threshold. Times in s from the origin. */
export interface HardBrakeEvent {
  startTimeS: number;
  /** Time of the last frame of the run. */
  endTimeS: number;
  /** Most negative acceleration in the run, m/s². */
  minAccelerationMps2: number;
}

/** Hard-braking events: consecutive frames below `thresholdMps2` form one event. */
export function hardBrakeEvents(
  frames: readonly SimFrame[],
  originNs: bigint,
  thresholdMps2: number = DEFAULT_HARD_BRAKE_THRESHOLD_MPS2,
): HardBrakeEvent[] {
  const events: HardBrakeEvent[] = [];
  let current: HardBrakeEvent | null = null;
  for (const f of frames) {
    const a = f.vehicleState.accelerationMps2;
    const t = relativeSeconds(f.tNs, originNs);
    if (a < thresholdMps2) {
      if (current) {
        current.endTimeS = t;
        current.minAccelerationMps2 = Math.min(current.minAccelerationMps2, a);
      } else {
        current = { startTimeS: t, endTimeS: t, minAccelerationMps2: a };
        events.push(current);
      }
    } else {
      current = null;
    }
  }
  return events;
}

/** Jerk samples, m/s³: backward differences of the acceleration series; [time of the later frame, jerk]. */
export function jerkSeries(frames: readonly SimFrame[], originNs: bigint): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 1; i < frames.length; i++) {
    const dt = nsToSeconds(frames[i].tNs - frames[i - 1].tNs);
    if (dt <= 0) continue;
    const j = (frames[i].vehicleState.accelerationMps2 - frames[i - 1].vehicleState.accelerationMps2) / dt;
    out.push([relativeSeconds(frames[i].tNs, originNs), j]);
  }
  return out;
}

/** Largest |jerk| over the run, m/s³ (0 with fewer than two frames). */
export function maxAbsJerk(frames: readonly SimFrame[]): number {
  let best = 0;
  for (const [, j] of jerkSeries(frames, 0n)) best = Math.max(best, Math.abs(j));
  return best;
}
