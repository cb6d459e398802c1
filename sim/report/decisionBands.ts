// The planner's decision over time as shaded intervals: one per run of frames with the same decision other
// than GO, titled with the reason of its first frame, so a report says at a glance when and why the ego
// slowed (following, yielding at a crosswalk, passing a parked car).
import { msg } from "../../bus/index.ts";
import type { PlotBand } from "./svgPlot.ts";

const D = msg.Trajectory_Decision;

/** Name (in the band's class, `decision-NAME`) and colour of each decision that is shaded. */
export const DECISION_BAND_STYLE: ReadonlyMap<msg.Trajectory_Decision, { name: string; color: string }> = new Map([
  [D.FOLLOW, { name: "follow", color: "#2980b9" }],
  [D.SLOW, { name: "slow", color: "#d4ac0d" }],
  [D.YIELD, { name: "yield", color: "#e67e22" }],
  [D.STOP, { name: "stop", color: "#c0392b" }],
]);

/**
 * Bands for `trajectories[i]` planned at `timesS[i]` (undefined: no plan that frame, which ends a band).
 * A band runs from its first frame to one frame period after its last.
 */
export function decisionBands(timesS: readonly number[], trajectories: readonly (msg.Trajectory | undefined)[], frameS: number): PlotBand[] {
  const bands: PlotBand[] = [];
  let open: { decision: msg.Trajectory_Decision; t0: number; last: number; reason: string } | undefined;
  const close = () => {
    if (!open) return;
    const style = DECISION_BAND_STYLE.get(open.decision)!;
    bands.push({ t0: open.t0, t1: open.last + frameS, kind: `decision-${style.name}`, color: style.color, label: `${style.name.toUpperCase()} from ${open.t0.toFixed(1)} s: ${open.reason}` });
    open = undefined;
  };
  for (let i = 0; i < timesS.length; i++) {
    const tr = trajectories[i];
    const shaded = tr !== undefined && DECISION_BAND_STYLE.has(tr.decision);
    if (open && (!shaded || tr!.decision !== open.decision)) close();
    if (!shaded) continue;
    if (open) open.last = timesS[i];
    else open = { decision: tr!.decision, t0: timesS[i], last: timesS[i], reason: tr!.reason };
  }
  close();
  return bands;
}
