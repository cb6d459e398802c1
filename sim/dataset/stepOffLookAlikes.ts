// The picture behind the standing look-alike: one head's probability against time to the step-off for
// the mid-block jaywalkers standing when first tracked, those walking, and the hesitaters (who step off
// and back). A standing mid-block jaywalker and a hesitater walk to the curb the same way (a solo
// pedestrian, standing until triggered, over the same approach time); if their curves stay together
// until the step-off, the model cannot tell them apart. The walking ones show an approach with a turn.
import { msg } from "../../bus/index.ts";
import { type ProbabilityBin, probabilityBeforeEntry, RASTER_SPEC } from "../../prediction/index.ts";
import { templateName } from "../scenarios/index.ts";
import { META_COLUMNS } from "./collectRun.ts";
import type { LoadedDataset } from "./datasetFiles.ts";
import type { FirstSight } from "./firstSight.ts";

export const LOOK_ALIKES = Object.freeze(["standingJaywalkers", "walkingJaywalkers", "hesitaters"] as const);
/** The template whose standing jaywalkers walk as the hesitaters do (sim/scenarios/templates). */
export const LOOK_ALIKE_TEMPLATE = "jaywalk-mid-block";
export type LookAlike = (typeof LOOK_ALIKES)[number];

/** One group's curve: how many pedestrians (sequences) it holds, and the binned probability. */
export interface StepOffCurve {
  pedestrians: number;
  bins: ProbabilityBin[];
}

const M = META_COLUMNS.length;
const col = (name: (typeof META_COLUMNS)[number]) => META_COLUMNS.indexOf(name);

/**
 * Head `head`'s probability (`probs` [n × heads], dataset order) over each group's pre-entry frames up
 * to `spanS` before its step-off, binned as `probabilityBeforeEntry`. The step-off is the first frame
 * out of the pre-entry set (a jaywalker's entry, a hesitater's step into the road), the same frame-based
 * definition for every group; a sequence that never leaves the pre-entry set is left out.
 * `sights[k]` is how sequence k moved when first tracked; jaywalkers count from scenarios of
 * `template` only ("jaywalk-mid-block#200013" → "jaywalk-mid-block"), hesitaters by their behaviour.
 */
export function stepOffLookAlikes(ds: Pick<LoadedDataset, "meta" | "sequences">, probs: ArrayLike<number>, head: number, sights: readonly FirstSight[], template = LOOK_ALIKE_TEMPLATE, spanS = 3): Record<LookAlike, StepOffCurve> {
  const H = RASTER_SPEC.horizonsS.length;
  const groups = Object.fromEntries(LOOK_ALIKES.map((g) => [g, { pedestrians: 0, times: [] as number[], ps: [] as number[] }])) as Record<LookAlike, { pedestrians: number; times: number[]; ps: number[] }>;
  const pre = (i: number) => ds.meta[i * M + col("pre_entry")] === 1;
  const t = (i: number) => ds.meta[i * M + col("t_s")];
  ds.sequences.forEach((s, k) => {
    const group: LookAlike | undefined = s.willJaywalk
      ? templateName(s.scenario) !== template ? undefined : sights[k] === "standing" ? "standingJaywalkers" : "walkingJaywalkers"
      : s.behaviour === msg.PedestrianTruth_Behaviour.HESITATE ? "hesitaters" : undefined;
    if (!group) return;
    let off = -1, seenPre = false;
    for (let i = s.start; i < s.start + s.length && off < 0; i++) {
      if (pre(i)) seenPre = true;
      else if (seenPre) off = i;
    }
    if (off < 0) return;
    const g = groups[group];
    g.pedestrians++;
    for (let i = s.start; i < off; i++) {
      if (!pre(i)) continue;
      g.times.push(t(off) - t(i));
      g.ps.push(probs[i * H + head]);
    }
  });
  return Object.fromEntries(LOOK_ALIKES.map((k) => [k, { pedestrians: groups[k].pedestrians, bins: probabilityBeforeEntry(groups[k].times, groups[k].ps, spanS) }])) as Record<LookAlike, StepOffCurve>;
}
