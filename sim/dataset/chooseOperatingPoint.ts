// `curb tune intent`: an intent model's operating point, chosen on validation data. Each horizon head
// gets the threshold with its best pre-entry F1 (ties: the one nearest 0.5); the warning the planner
// gets is the shortest head whose median warning lead at that threshold meets the planner's need
// (`minLeadS`). A shorter head warns later and more precisely, so the shortest one early enough is the
// most precise warning that is still in time. The probabilities are computed once; each threshold
// and head is only rescored.
import { resolve } from "node:path";
import { describeOperatingPoint, horizonKey, loadIntentGraph, type OperatingPoint, RASTER_SPEC, resolveModelPath, uniformOperatingPoint } from "../../prediction/index.ts";
import { readCurrentDataset, refuseHeldOut } from "./datasetFiles.ts";
import { runFullGraph, scorePredictor } from "./evaluateIntent.ts";
import { progressBar } from "../../scripts/progressBar.ts";
import { editCardFile, f3 } from "./reportFiles.ts";

/** Thresholds tried: 0.2, 0.25, …, 0.6. */
export const CANDIDATE_THRESHOLDS = Object.freeze(Array.from({ length: 9 }, (_, k) => Math.round((0.2 + 0.05 * k) * 100) / 100));

/** One head at one threshold, pre-entry frames; the lead and false warnings as if that head were the warning. */
export interface ThresholdRow {
  horizonS: number;
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  /** Median warning lead time before the curb is left, s, over the warned jaywalkers. */
  medianLeadS: number;
  warned: number;
  jaywalkers: number;
  falseWarningsPerHour: number;
}

export interface OperatingPointChoice extends OperatingPoint {
  chosenOn: string;
  rule: string;
  minLeadS: number;
  /** False when no head met the lead at its threshold: the warning is the head with the longest lead, and it is short. */
  leadMet: boolean;
  /** The data command the rows were measured on. */
  data?: string;
  rows: ThresholdRow[];
}

const better = (a: ThresholdRow, b: ThresholdRow) => a.f1 > b.f1 || (a.f1 === b.f1 && Math.abs(a.threshold - 0.5) < Math.abs(b.threshold - 0.5));

/** Picks from measured rows: per head the best F1 (ties: nearest 0.5); the warning, the shortest head whose lead there is ≥ minLeadS (none ⇒ the longest lead). */
export function pickOperatingPoint(rows: readonly ThresholdRow[], minLeadS: number): OperatingPoint & { leadMet: boolean } {
  const heads = [...new Set(rows.map((r) => r.horizonS))].sort((a, b) => a - b);
  if (heads.length === 0) throw new Error("no thresholds to choose from");
  const chosen = heads.map((h) => rows.filter((r) => r.horizonS === h).reduce((b, r) => (better(r, b) ? r : b)));
  const inTime = chosen.find((r) => r.medianLeadS >= minLeadS);
  const longest = chosen.reduce((b, r) => (Number.isFinite(r.medianLeadS) && !(r.medianLeadS <= b.medianLeadS) ? r : b));
  return {
    thresholds: Object.fromEntries(chosen.map((r) => [horizonKey(r.horizonS), r.threshold])),
    warningHorizonS: (inTime ?? longest).horizonS,
    leadMet: inTime !== undefined,
  };
}

export interface TuneOptions {
  data: string;
  model: string;
  /** The planner's need: the warning's median lead time, s. */
  minLeadS: number;
  /** The name of the data recorded in the card ("val"). */
  chosenOn: string;
  updateCard?: boolean;
  /** No progress bar on stderr. */
  quiet?: boolean;
}

export async function chooseOperatingPoint(opts: TuneOptions): Promise<OperatingPointChoice> {
  const dir = resolve(opts.data);
  const ds = readCurrentDataset(dir);
  refuseHeldOut(dir, ds.header, "choose an operating point");
  const cardPath = resolveModelPath(opts.model);
  const model = await loadIntentGraph(cardPath, "full", 2);
  const bar = opts.quiet ? undefined : progressBar(1 + RASTER_SPEC.horizonsS.length, `tune ${ds.sequences.length} track sequences`);
  const probs = await runFullGraph(model.session, model.card.usesRaster, ds);
  await model.session.release();
  bar?.tick(model.card.model);
  const rows: ThresholdRow[] = [];
  for (const horizonS of RASTER_SPEC.horizonsS) {
    for (const threshold of CANDIDATE_THRESHOLDS) {
      const r = scorePredictor(model.card.model, ds, probs, uniformOperatingPoint(threshold, horizonS));
      const m = r.horizons[horizonKey(horizonS)].preEntry;
      rows.push({
        horizonS, threshold, f1: m.f1, precision: m.precision, recall: m.recall, medianLeadS: r.leadTime.medianS,
        warned: r.leadTime.warned, jaywalkers: r.leadTime.jaywalkers, falseWarningsPerHour: r.falseWarnings.perHour,
      });
    }
    bar?.tick(`the ${horizonS} s head at ${CANDIDATE_THRESHOLDS.length} thresholds`);
  }
  bar?.done();
  const { thresholds, warningHorizonS, leadMet } = pickOperatingPoint(rows, opts.minLeadS);
  const choice: OperatingPointChoice = {
    thresholds, warningHorizonS, chosenOn: opts.chosenOn,
    rule: `per head the best pre-entry F1 among ${CANDIDATE_THRESHOLDS.join(", ")} (ties: nearest 0.5); the warning is the shortest head whose median lead at its threshold is at least ${opts.minLeadS} s (none: the longest lead)`,
    minLeadS: opts.minLeadS, leadMet, data: (ds.header.manifest as { command?: string } | undefined)?.command, rows,
  };
  const warning = rows.find((r) => r.horizonS === warningHorizonS && r.threshold === thresholds[horizonKey(warningHorizonS)])!;
  if (opts.updateCard && warning.warned === 0) {
    // A card whose warning never fires would drive the stack as if it had no prediction.
    throw new Error(`${dir}: the chosen warning (P(${warningHorizonS} s) ≥ ${warning.threshold}) warns none of its ${warning.jaywalkers} jaywalkers, so ${cardPath} is left unchanged (tune on the val suite: curb dataset --suite val --variants 1 --seed-base 1 --out DIR)`);
  }
  if (opts.updateCard) {
    editCardFile<{ operatingPoint?: OperatingPointChoice; operatingThreshold?: unknown }>(cardPath, (card) => {
      card.operatingPoint = choice;
      delete card.operatingThreshold; // a card from before per-head thresholds
    });
  }
  return choice;
}

export function formatOperatingPointTable(c: OperatingPointChoice): string {
  const lines = [`head | threshold | F1 pre |     P |     R | median lead |  warned | false warnings/h`];
  for (const r of c.rows) {
    const mark = c.thresholds[horizonKey(r.horizonS)] === r.threshold ? (r.horizonS === c.warningHorizonS ? "▶ " : "· ") : "  ";
    lines.push(`${`${r.horizonS}s`.padStart(4)} | ${mark}${r.threshold.toFixed(2)}    | ${f3(r.f1)}  | ${f3(r.precision)} | ${f3(r.recall)} |     ${f3(r.medianLeadS)} s | ${`${r.warned}/${r.jaywalkers}`.padStart(7)} | ${f3(r.falseWarningsPerHour)}`);
  }
  lines.push(`${describeOperatingPoint(c)} (·: each head's threshold, ▶: the warning)`);
  lines.push(`(${c.rule})` + (c.leadMet ? "" : `: no head gives a median lead of ${c.minLeadS} s at its threshold, so the lead is short`));
  return lines.join("\n") + "\n";
}
