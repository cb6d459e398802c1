// A scenario suite at a glance: one row per scenario plus totals, as a terminal table or JSON.
import { median } from "../../prediction/intent/metrics.ts";
import { roundMetric } from "./round.ts";
import type { ScenarioMetrics } from "./scenarioMetrics.ts";
import { stableJson } from "./stableJson.ts";

export interface SuiteRow {
  scenario: string;
  pedestrianCollisions: number;
  otherCollisions: number;
  /** Smallest distance to any pedestrian, m; null when the scenario had none. */
  minDistanceM: number | null;
  /** Smallest TTC to any pedestrian, s; null with minTtcInfinite when never converging. */
  minTtcS: number | null;
  minTtcInfinite: boolean;
  hardBrakes: number;
  /** Jaywalkers judged (left the curb in a run with predictions) and those warned when they stepped off. */
  jaywalkers: number;
  jaywalkersWarned: number;
  /** Median lead of those warnings before the step-off, s; null when none was warned. */
  medianWarningLeadS: number | null;
  progressM: number;
  completionTimeS: number | null;
  maxAbsJerkMps3: number;
}

export interface SuiteTotals {
  scenarios: number;
  pedestrianCollisions: number;
  otherCollisions: number;
  /** Scenarios with at least one collision of any kind. */
  scenariosWithCollision: number;
  worstMinDistanceM: number | null;
  worstMinDistanceScenario: string | null;
  worstMinTtcS: number | null;
  worstMinTtcInfinite: boolean;
  worstMinTtcScenario: string | null;
  hardBrakes: number;
  jaywalkers: number;
  jaywalkersWarned: number;
  /** Over every warned jaywalker of the suite. */
  medianWarningLeadS: number | null;
  completed: number;
  maxAbsJerkMps3: number;
}

/** What was run, so two suite tables can be paired and their stacks told apart (`curb compare`). */
export interface SuiteRun {
  kind: "suite" | "scenario" | "scenario file";
  name: string;
  seed: number;
  /** The --config file as given, or null for the default stack. */
  config: string | null;
  /** The stack parameters that file set (validated, without the defaults filled in). */
  stack: Record<string, unknown>;
}

export interface SuiteTable {
  rows: SuiteRow[];
  totals: SuiteTotals;
  run?: SuiteRun;
}

/** Rows in the order given; totals over all of them; `run` says what was run. */
export function buildSuiteTable(metrics: readonly ScenarioMetrics[], run?: SuiteRun): SuiteTable {
  const medianOrNull = (xs: number[]) => (xs.length ? roundMetric(median(xs)) : null);
  const judged = metrics.map((m) => m.pedestrians.table.filter((p) => p.warnedAtCurbLeave !== null));
  const leads = judged.map((ps) => ps.flatMap((p) => (p.warningLeadS === null ? [] : [p.warningLeadS])));
  const rows: SuiteRow[] = metrics.map((m, i) => ({
    scenario: m.scenario,
    pedestrianCollisions: m.collisions.pedestrian,
    otherCollisions: m.collisions.other,
    minDistanceM: m.pedestrians.minDistanceM,
    minTtcS: m.pedestrians.minTtcS,
    minTtcInfinite: m.pedestrians.count > 0 && m.pedestrians.minTtcInfinite,
    hardBrakes: m.comfort.hardBrakeCount,
    jaywalkers: judged[i].length,
    jaywalkersWarned: leads[i].length,
    medianWarningLeadS: medianOrNull(leads[i]),
    progressM: m.progress.progressM,
    completionTimeS: m.progress.completionTimeS,
    maxAbsJerkMps3: m.comfort.maxAbsJerkMps3,
  }));
  let worstDist: SuiteRow | null = null;
  let worstTtc: SuiteRow | null = null;
  for (const r of rows) {
    if (r.minDistanceM !== null && (worstDist === null || r.minDistanceM < (worstDist.minDistanceM as number))) worstDist = r;
    if (r.minTtcS !== null && (worstTtc === null || r.minTtcS < (worstTtc.minTtcS as number))) worstTtc = r;
  }
  const anyPedestrians = rows.some((r) => r.minDistanceM !== null);
  const totals: SuiteTotals = {
    scenarios: rows.length,
    pedestrianCollisions: sum(rows.map((r) => r.pedestrianCollisions)),
    otherCollisions: sum(rows.map((r) => r.otherCollisions)),
    scenariosWithCollision: rows.filter((r) => r.pedestrianCollisions + r.otherCollisions > 0).length,
    worstMinDistanceM: worstDist ? worstDist.minDistanceM : null,
    worstMinDistanceScenario: worstDist ? worstDist.scenario : null,
    worstMinTtcS: worstTtc ? worstTtc.minTtcS : null,
    worstMinTtcInfinite: worstTtc === null && anyPedestrians,
    worstMinTtcScenario: worstTtc ? worstTtc.scenario : null,
    hardBrakes: sum(rows.map((r) => r.hardBrakes)),
    jaywalkers: sum(rows.map((r) => r.jaywalkers)),
    jaywalkersWarned: sum(rows.map((r) => r.jaywalkersWarned)),
    medianWarningLeadS: medianOrNull(leads.flat()),
    completed: rows.filter((r) => r.completionTimeS !== null).length,
    maxAbsJerkMps3: rows.reduce((a, r) => Math.max(a, r.maxAbsJerkMps3), 0),
  };
  return run ? { rows, totals, run } : { rows, totals };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Deterministic JSON of the suite table. */
export function suiteTableToJson(table: SuiteTable): string {
  return stableJson(table);
}

/**
 * Text rows padded into columns two spaces apart, each as wide as its widest cell, trailing spaces
 * trimmed; with the widths (for a rule line).
 */
export function alignColumns(rows: readonly string[][], align: readonly ("left" | "right")[]): { lines: string[]; widths: number[] } {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((c, i) => (align[i] === "left" ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd());
  return { lines, widths };
}

interface Column {
  header: string;
  align: "left" | "right";
  cell: (r: SuiteRow) => string;
}

function num(x: number | null, digits: number): string {
  return x === null ? "-" : x.toFixed(digits);
}

function ttc(x: number | null, infinite: boolean): string {
  return infinite ? "inf" : num(x, 2);
}

/** Jaywalkers warned at their step-off out of those judged; "-" without any. */
function warned(r: { jaywalkers: number; jaywalkersWarned: number }): string {
  return r.jaywalkers === 0 ? "-" : `${r.jaywalkersWarned}/${r.jaywalkers}`;
}

const COLUMNS: Column[] = [
  { header: "scenario", align: "left", cell: (r) => r.scenario },
  { header: "ped coll", align: "right", cell: (r) => String(r.pedestrianCollisions) },
  { header: "other coll", align: "right", cell: (r) => String(r.otherCollisions) },
  { header: "min dist m", align: "right", cell: (r) => num(r.minDistanceM, 2) },
  { header: "min TTC s", align: "right", cell: (r) => ttc(r.minTtcS, r.minTtcInfinite) },
  { header: "hard brakes", align: "right", cell: (r) => String(r.hardBrakes) },
  { header: "warned", align: "right", cell: (r) => warned(r) },
  { header: "lead s", align: "right", cell: (r) => num(r.medianWarningLeadS, 2) },
  { header: "progress m", align: "right", cell: (r) => num(r.progressM, 1) },
  { header: "done at s", align: "right", cell: (r) => num(r.completionTimeS, 1) },
  { header: "max jerk m/s3", align: "right", cell: (r) => num(r.maxAbsJerkMps3, 1) },
];

/**
 * Fixed-width text table: header, one line per scenario, and a TOTAL line (collision and brake
 * sums, worst min distance and TTC, jaywalkers warned at their step-off and the median lead of those
 * warnings, completed count, largest jerk). "-" = not applicable, "inf" =
 * never converging.
 *
 * @example console.log(formatSuiteTable(buildSuiteTable(results)))
 */
export function formatSuiteTable(input: SuiteTable | readonly ScenarioMetrics[]): string {
  const table = Array.isArray(input) ? buildSuiteTable(input as readonly ScenarioMetrics[]) : (input as SuiteTable);
  const t = table.totals;
  const totalCells = [
    `TOTAL (${t.scenarios})`,
    String(t.pedestrianCollisions),
    String(t.otherCollisions),
    num(t.worstMinDistanceM, 2),
    ttc(t.worstMinTtcS, t.worstMinTtcInfinite),
    String(t.hardBrakes),
    warned(t),
    num(t.medianWarningLeadS, 2),
    "",
    `${t.completed}/${t.scenarios}`,
    num(t.maxAbsJerkMps3, 1),
  ];
  const body = table.rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  const all = [COLUMNS.map((c) => c.header), ...body, totalCells];
  const { lines: [header, ...rest], widths } = alignColumns(all, COLUMNS.map((c) => c.align));
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const lines = [header, rule, ...rest.slice(0, -1), rule, rest[rest.length - 1]];
  const notes: string[] = [];
  if (t.worstMinDistanceScenario !== null) notes.push(`worst min distance: ${t.worstMinDistanceScenario}`);
  if (t.worstMinTtcScenario !== null) notes.push(`worst min TTC: ${t.worstMinTtcScenario}`);
  if (notes.length > 0) lines.push(notes.join("; "));
  return lines.join("\n") + "\n";
}
