// `curb tune intent`: the operating threshold of an intent model, chosen on validation data. The stack
// warns when P(jaywalk within 1 s) ≥ threshold; the threshold trades frame F1 against warning lead
// time (a lower one warns earlier and more often). The rule: the best pre-entry F1 at the 1 s head
// among the thresholds whose median lead time meets the planner's need (`minLeadS`), ties to the one
// nearest 0.5. The probabilities are computed once; each threshold is only rescored.
import { resolve } from "node:path";
import { loadIntentGraph, resolveModelPath } from "../../prediction/index.ts";
import { readCurrentDataset } from "./datasetFiles.ts";
import { runFullGraph, scorePredictor } from "./evaluateIntent.ts";
import { editCardFile, f3 } from "./reportFiles.ts";

/** Thresholds tried: 0.2, 0.25, …, 0.6. */
export const CANDIDATE_THRESHOLDS = Object.freeze(Array.from({ length: 9 }, (_, k) => Math.round((0.2 + 0.05 * k) * 100) / 100));

export interface ThresholdRow {
  threshold: number;
  /** Pre-entry frames at the 1 s head. */
  f1: number;
  precision: number;
  recall: number;
  /** Median warning lead time before the curb is left, s, over the warned jaywalkers. */
  medianLeadS: number;
  warned: number;
  jaywalkers: number;
  falseWarningsPerHour: number;
}

export interface ThresholdChoice {
  value: number;
  horizonS: number;
  chosenOn: string;
  rule: string;
  minLeadS: number;
  /** False when no candidate met the lead: the best F1 was taken and the lead is short. */
  leadMet: boolean;
  /** The data command the rows were measured on. */
  data?: string;
  rows: ThresholdRow[];
}

/** Picks from measured rows: best F1 among those with median lead ≥ minLeadS (ties: nearest 0.5); none ⇒ best F1 overall. */
export function pickThreshold(rows: readonly ThresholdRow[], minLeadS: number): { row: ThresholdRow; leadMet: boolean } {
  if (rows.length === 0) throw new Error("no thresholds to choose from");
  const better = (a: ThresholdRow, b: ThresholdRow) => a.f1 > b.f1 || (a.f1 === b.f1 && Math.abs(a.threshold - 0.5) < Math.abs(b.threshold - 0.5));
  const best = (rs: readonly ThresholdRow[]) => rs.reduce((b, r) => (better(r, b) ? r : b));
  const meeting = rows.filter((r) => r.medianLeadS >= minLeadS);
  return meeting.length > 0 ? { row: best(meeting), leadMet: true } : { row: best(rows), leadMet: false };
}

export interface TuneOptions {
  data: string;
  model: string;
  /** The planner's need: median warning lead time at the 1 s head, s. */
  minLeadS: number;
  /** The name of the data recorded in the card ("val"). */
  chosenOn: string;
  updateCard?: boolean;
}

export async function chooseThreshold(opts: TuneOptions): Promise<ThresholdChoice> {
  const dir = resolve(opts.data);
  const ds = readCurrentDataset(dir);
  const cardPath = resolveModelPath(opts.model);
  const model = await loadIntentGraph(cardPath, "full", 2);
  const probs = await runFullGraph(model.session, model.card.usesRaster, ds);
  await model.session.release();
  const rows = CANDIDATE_THRESHOLDS.map((threshold): ThresholdRow => {
    const r = scorePredictor(model.card.model, ds, probs, threshold);
    const m = r.horizons["1s"].preEntry;
    return {
      threshold, f1: m.f1, precision: m.precision, recall: m.recall, medianLeadS: r.leadTime.medianS,
      warned: r.leadTime.warned, jaywalkers: r.leadTime.jaywalkers, falseWarningsPerHour: r.falseWarnings.perHour,
    };
  });
  const { row, leadMet } = pickThreshold(rows, opts.minLeadS);
  const choice: ThresholdChoice = {
    value: row.threshold, horizonS: 1, chosenOn: opts.chosenOn,
    rule: `best pre-entry F1 at the 1 s head among ${CANDIDATE_THRESHOLDS.join(", ")} whose median warning lead is at least ${opts.minLeadS} s (ties: nearest 0.5; none: best F1)`,
    minLeadS: opts.minLeadS, leadMet, data: (ds.header.manifest as { command?: string } | undefined)?.command, rows,
  };
  if (opts.updateCard) {
    editCardFile(cardPath, (card) => (card.operatingThreshold = choice));
  }
  return choice;
}

export function formatThresholdTable(c: ThresholdChoice): string {
  const lines = [`threshold | F1@1s pre |     P |     R | median lead |  warned | false warnings/h`];
  for (const r of c.rows) {
    lines.push(`${(r.threshold === c.value ? "▶ " : "  ") + r.threshold.toFixed(2)}    |     ${f3(r.f1)} | ${f3(r.precision)} | ${f3(r.recall)} |     ${f3(r.medianLeadS)} s | ${`${r.warned}/${r.jaywalkers}`.padStart(7)} | ${f3(r.falseWarningsPerHour)}`);
  }
  lines.push(`operating threshold ${c.value} (${c.rule})` + (c.leadMet ? "" : `: no threshold gives a median lead of ${c.minLeadS} s, so the lead is short`));
  return lines.join("\n") + "\n";
}
