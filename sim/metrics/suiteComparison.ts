// Two runs of the same scenario suite, paired scenario by scenario: is the candidate stack safer than
// the base? Counts of scenarios with an event (exact McNemar test on the scenarios that disagree),
// per-scenario means (paired bootstrap interval), and the scenarios that got worse, worst first.
import { exactMcNemarP, type MeanDifference, pairedMeanDifference } from "./pairedStatistics.ts";
import { templateName } from "../scenarios/scenarioFile.ts";
import { alignColumns, type SuiteRow, type SuiteRun } from "./suiteTable.ts";

/** A difference counts as real below this p, or when the 95 % interval excludes 0. */
export const SIGNIFICANCE = 0.05;
/** "Close call": a minimum TTC to a pedestrian below this, s. */
export const CLOSE_CALL_TTC_S = 1;

export type Change = "better" | "worse" | "same";

/** Scenarios in which something happened, in each run. */
export interface CountComparison {
  label: string;
  /** Whether this count is a safety outcome (it decides the verdict) or progress. */
  safety: boolean;
  base: number;
  candidate: number;
  onlyBase: number;
  onlyCandidate: number;
  p: number;
  /**
   * `p` adjusted for the safety rows being tested together (Holm): five tests at 0.05 would find a
   * "difference" in one of them by chance one time in five. Equal to `p` for the other rows. Decides `change`.
   */
  pAdjusted: number;
  change: Change;
}

export interface MeanComparison extends MeanDifference {
  label: string;
  unit: string;
  /** Which direction of the candidate is an improvement. */
  better: "lower" | "higher";
  change: Change;
}

/** One scenario the candidate made worse (or better): what changed, with a severity to sort by. */
export interface ScenarioChange {
  scenario: string;
  what: string[];
  severity: number;
}

export interface WarningTotals {
  jaywalkers: number;
  warned: number;
}

/** The event counts of one scenario template ("jaywalk-group" of "jaywalk-group#300008"), each run. */
export interface TemplateCounts {
  template: string;
  scenarios: number;
  /** In COUNTS order, as in `counts`. */
  base: number[];
  candidate: number[];
}

export interface StackChange {
  /** Dotted parameter path, e.g. "planning.yieldAtCrosswalks". */
  key: string;
  base: string;
  candidate: string;
}

export interface SuiteComparison {
  scenarios: number;
  counts: CountComparison[];
  means: MeanComparison[];
  warnings: { base: WarningTotals; candidate: WarningTotals };
  /** The counts per template, in name order: where a change came from. */
  templates: TemplateCounts[];
  /** Scenarios the candidate made worse, worst first. */
  regressions: ScenarioChange[];
  /** Scenarios the candidate made better, best first. */
  improvements: ScenarioChange[];
  /** The stack parameters the two runs differ in; null when a run did not record its stack. */
  stackChanges: StackChange[] | null;
  /** Things that make the pairing weaker (different seeds, missing provenance, identical stacks). */
  caveats: string[];
  verdict: "worse" | "safer" | "no significant difference";
  /** The findings behind the verdict, each a short clause. */
  reasons: string[];
}

export interface SuiteRecord {
  rows: readonly SuiteRow[];
  run?: SuiteRun;
}

/** Two runs that cannot be paired. */
export class ComparisonError extends Error {
  override name = "ComparisonError";
}

type Outcome = (r: SuiteRow) => boolean;

const ttcOf = (r: SuiteRow): number => (r.minTtcInfinite ? Infinity : (r.minTtcS ?? Infinity));
const unwarned = (r: SuiteRow): number => r.jaywalkers - r.jaywalkersWarned;

/** Per-scenario events, lower is better except where said. */
const COUNTS: readonly { label: string; short: string; safety: boolean; happened: Outcome; higherIsBetter?: true }[] = [
  { label: "a pedestrian collision", short: "ped coll", safety: true, happened: (r) => r.pedestrianCollisions > 0 },
  { label: "any collision", short: "any coll", safety: true, happened: (r) => r.pedestrianCollisions + r.otherCollisions > 0 },
  { label: `a min TTC under ${CLOSE_CALL_TTC_S} s`, short: `TTC < ${CLOSE_CALL_TTC_S} s`, safety: true, happened: (r) => ttcOf(r) < CLOSE_CALL_TTC_S },
  { label: "a hard brake", short: "hard brake", safety: true, happened: (r) => r.hardBrakes > 0 },
  { label: "a jaywalker unwarned", short: "unwarned", safety: true, happened: (r) => unwarned(r) > 0 },
  { label: "the route completed", short: "completed", safety: false, happened: (r) => r.completionTimeS !== null, higherIsBetter: true },
];

/** `safety`: a safety measure, never "a cost" of a safer stack (the others are progress and comfort). */
const MEANS: readonly { label: string; unit: string; better: "lower" | "higher"; safety?: true; value: (r: SuiteRow) => number | null }[] = [
  { label: "hard brakes", unit: "", better: "lower", safety: true, value: (r) => r.hardBrakes },
  { label: "min distance to a pedestrian", unit: "m", better: "higher", value: (r) => r.minDistanceM },
  { label: "progress", unit: "m", better: "higher", value: (r) => r.progressM },
  { label: "completion time", unit: "s", better: "lower", value: (r) => r.completionTimeS },
  { label: "max |jerk|", unit: "m/s³", better: "lower", value: (r) => r.maxAbsJerkMps3 },
];

/** Pairs the two runs' rows by scenario name; refuses runs of different scenarios. */
function pairRows(base: SuiteRecord, candidate: SuiteRecord): [SuiteRow, SuiteRow][] {
  const byName = (rec: SuiteRecord, which: string) => {
    const m = new Map<string, SuiteRow>();
    for (const r of rec.rows) {
      if (m.has(r.scenario)) throw new ComparisonError(`the ${which} run lists scenario ${r.scenario} twice`);
      m.set(r.scenario, r);
    }
    return m;
  };
  const a = byName(base, "base");
  const b = byName(candidate, "candidate");
  const onlyA = [...a.keys()].filter((k) => !b.has(k));
  const onlyB = [...b.keys()].filter((k) => !a.has(k));
  if (onlyA.length || onlyB.length) {
    const some = (xs: string[]) => `${xs.slice(0, 5).join(", ")}${xs.length > 5 ? `, … ${xs.length - 5} more` : ""}`;
    const parts = [onlyA.length ? `${onlyA.length} only in the base (${some(onlyA)})` : "", onlyB.length ? `${onlyB.length} only in the candidate (${some(onlyB)})` : ""];
    throw new ComparisonError(`the runs are not of the same scenarios: ${parts.filter(Boolean).join("; ")}; run both with the same --suite (or --scenario) and --seed`);
  }
  if (a.size === 0) throw new ComparisonError("the runs have no scenarios");
  return [...a.values()].map((r) => [r, b.get(r.scenario) as SuiteRow]);
}

function changeOf(diffSign: number, significant: boolean, higherIsBetter: boolean): Change {
  if (!significant || diffSign === 0) return "same";
  return diffSign > 0 === higherIsBetter ? "better" : "worse";
}

function compareCounts(pairs: [SuiteRow, SuiteRow][]): CountComparison[] {
  const tallies = COUNTS.map(({ happened }) => {
    let base = 0, candidate = 0, onlyBase = 0, onlyCandidate = 0;
    for (const [a, b] of pairs) {
      const x = happened(a), y = happened(b);
      base += +x;
      candidate += +y;
      if (x && !y) onlyBase++;
      if (y && !x) onlyCandidate++;
    }
    return { base, candidate, onlyBase, onlyCandidate, p: exactMcNemarP(onlyBase, onlyCandidate) };
  });
  const safetyRows = COUNTS.flatMap((c, i) => (c.safety ? [i] : []));
  const adjusted = holm(safetyRows.map((i) => tallies[i].p));
  return COUNTS.map(({ label, safety, higherIsBetter }, i) => {
    const t = tallies[i];
    const pAdjusted = safety ? adjusted[safetyRows.indexOf(i)] : t.p;
    return { label, safety, ...t, pAdjusted, change: changeOf(t.onlyCandidate - t.onlyBase, pAdjusted < SIGNIFICANCE, higherIsBetter === true) };
  });
}

/** Holm's step-down adjustment of p-values tested together (controls the chance of any false finding). */
export function holm(ps: readonly number[]): number[] {
  const order = ps.map((_, i) => i).sort((a, b) => ps[a] - ps[b]);
  const out = new Array<number>(ps.length);
  let running = 0;
  order.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * ps[i]));
    out[i] = running;
  });
  return out;
}

function countsByTemplate(pairs: [SuiteRow, SuiteRow][]): TemplateCounts[] {
  const byTemplate = new Map<string, TemplateCounts>();
  for (const [a, b] of pairs) {
    const template = templateName(a.scenario);
    let t = byTemplate.get(template);
    if (!t) byTemplate.set(template, (t = { template, scenarios: 0, base: COUNTS.map(() => 0), candidate: COUNTS.map(() => 0) }));
    t.scenarios++;
    COUNTS.forEach(({ happened }, i) => ((t.base[i] += +happened(a)), (t.candidate[i] += +happened(b))));
  }
  return [...byTemplate.values()].sort((p, q) => (p.template < q.template ? -1 : 1));
}

function compareMeans(pairs: [SuiteRow, SuiteRow][], resamples: number): MeanComparison[] {
  return MEANS.map(({ label, unit, better, value }) => {
    const xs: number[] = [], ys: number[] = [];
    for (const [a, b] of pairs) {
      const x = value(a), y = value(b);
      if (x !== null && y !== null) (xs.push(x), ys.push(y));
    }
    const d = pairedMeanDifference(xs, ys, resamples);
    const significant = d.n > 0 && (d.lo > 0 || d.hi < 0);
    return { label, unit, better, ...d, change: changeOf(Math.sign(d.diff), significant, better === "higher") };
  });
}

const ttcText = (t: number) => (t === Infinity ? "inf" : `${t.toFixed(2)} s`);

/**
 * What got worse (or better) from the base to the candidate in one scenario, each as "base → candidate",
 * with a severity: a pedestrian collision outweighs anything else, then other collisions, a close call,
 * a jaywalker unwarned, a hard brake, the route.
 */
function scenarioChange(base: SuiteRow, candidate: SuiteRow, direction: "worse" | "better"): ScenarioChange {
  const what: string[] = [];
  let severity = 0;
  const more = (label: string, x: number, y: number, weight: number) => {
    const d = direction === "worse" ? y - x : x - y;
    if (d > 0) (what.push(`${label} ${x} → ${y}`), (severity += weight * d));
  };
  more("pedestrian collisions", base.pedestrianCollisions, candidate.pedestrianCollisions, 10_000);
  more("other collisions", base.otherCollisions, candidate.otherCollisions, 1_000);
  const [tb, tc] = [ttcOf(base), ttcOf(candidate)];
  const [closeBefore, closeAfter] = [tb < CLOSE_CALL_TTC_S, tc < CLOSE_CALL_TTC_S];
  if (closeBefore !== closeAfter && closeAfter === (direction === "worse")) (what.push(`min TTC ${ttcText(tb)} → ${ttcText(tc)}`), (severity += 100));
  more("jaywalkers unwarned", unwarned(base), unwarned(candidate), 50);
  more("hard brakes", base.hardBrakes, candidate.hardBrakes, 10);
  const [doneBefore, doneAfter] = [base.completionTimeS !== null, candidate.completionTimeS !== null];
  if (doneBefore !== doneAfter && doneBefore === (direction === "worse")) {
    what.push(`route ${doneAfter ? "" : "not "}completed (progress ${base.progressM.toFixed(1)} → ${candidate.progressM.toFixed(1)} m)`);
    severity += 1;
  }
  return { scenario: candidate.scenario, what, severity };
}

function bySeverity(xs: ScenarioChange[]): ScenarioChange[] {
  return xs.filter((c) => c.what.length > 0).sort((p, q) => q.severity - p.severity || (p.scenario < q.scenario ? -1 : 1));
}

/** Every leaf of a parameter object as "a.b.c" → JSON text (arrays are leaves). */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

function stackChanges(base?: SuiteRun, candidate?: SuiteRun): StackChange[] | null {
  if (!base || !candidate) return null;
  const a = flatten(base.stack, "", new Map()), b = flatten(candidate.stack, "", new Map());
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((key) => ({ key, base: a.get(key) ?? "default", candidate: b.get(key) ?? "default" }));
}

function caveatsOf(base: SuiteRecord, candidate: SuiteRecord, changes: StackChange[] | null): string[] {
  const out: string[] = [];
  const missing = [!base.run && "the base run", !candidate.run && "the candidate run"].filter(Boolean);
  if (missing.length) {
    const who = missing.length === 2 ? "neither run recorded" : `${missing[0]} did not record`;
    out.push(`${who} its seed and stack (a suite.json from before curb recorded them): the pairing is by scenario name only`);
  }
  if (base.run && candidate.run && base.run.seed !== candidate.run.seed) {
    out.push(`the runs have different seeds (${base.run.seed} and ${candidate.run.seed}): perception noise and random scenarios differ too, not only the stack`);
  }
  if (changes && changes.length === 0) out.push("the two runs have the same stack parameters: a run is deterministic, so any difference is in the code or the models");
  return out;
}

const signed = (x: number, digits: number) => `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x).toFixed(digits)}`;
const pText = (p: number) => (p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`);

/**
 * Pairs two runs of the same scenarios and compares them. The verdict: "worse" when the candidate
 * hits a pedestrian the base did not, or has significantly more scenarios with a safety event;
 * "safer" when it has significantly fewer of some and more of none; otherwise no significant difference.
 * The means and progress are reported beside it (a safer stack may cost progress) but do not decide it.
 */
export function compareSuites(base: SuiteRecord, candidate: SuiteRecord, options: { resamples?: number } = {}): SuiteComparison {
  const pairs = pairRows(base, candidate);
  const counts = compareCounts(pairs);
  const means = compareMeans(pairs, options.resamples ?? 2000);
  const regressions = bySeverity(pairs.map(([a, b]) => scenarioChange(a, b, "worse")));
  const improvements = bySeverity(pairs.map(([a, b]) => scenarioChange(a, b, "better")));
  const changes = stackChanges(base.run, candidate.run);
  const totals = (i: 0 | 1): WarningTotals => ({
    jaywalkers: pairs.reduce((s, p) => s + p[i].jaywalkers, 0),
    warned: pairs.reduce((s, p) => s + p[i].jaywalkersWarned, 0),
  });

  const newHits = pairs.filter(([a, b]) => b.pedestrianCollisions > a.pedestrianCollisions).map(([, b]) => b.scenario);
  const safety = counts.filter((c) => c.safety);
  const worse = safety.filter((c) => c.change === "worse");
  const better = safety.filter((c) => c.change === "better");
  const clause = (c: CountComparison) => `${c.change === "worse" ? "more" : "fewer"} scenarios with ${c.label} (${c.base} → ${c.candidate}, Holm ${pText(c.pAdjusted)})`;
  const reasons: string[] = [];
  if (newHits.length) reasons.push(`it hits a pedestrian the base did not in ${newHits.length} scenario(s) (${newHits.slice(0, 3).join(", ")}${newHits.length > 3 ? ", …" : ""})`);
  reasons.push(...worse.map(clause));
  const verdict = newHits.length || worse.length ? "worse" : better.length ? "safer" : "no significant difference";
  if (verdict === "safer") reasons.push(...better.map(clause));
  for (const m of means.filter((x, i) => x.change === "worse" && !MEANS[i].safety)) {
    reasons.push(`at a cost: ${m.label} ${signed(m.diff, 2)}${m.unit ? ` ${m.unit}` : ""} per scenario`);
  }
  return {
    scenarios: pairs.length,
    counts,
    means,
    warnings: { base: totals(0), candidate: totals(1) },
    templates: countsByTemplate(pairs),
    regressions,
    improvements,
    stackChanges: changes,
    caveats: caveatsOf(base, candidate, changes),
    verdict,
    reasons,
  };
}

function runLine(run: SuiteRun | undefined): string {
  if (!run) return "seed and stack not recorded";
  return `${run.kind} ${run.name}, seed ${run.seed}, ${run.config ? `--config ${run.config}` : "default stack (no --config)"}`;
}


/**
 * The comparison as terminal text: the two runs, the parameters that differ, the event counts, the
 * means, the warnings, the `top` worst scenarios (with `reportPath(scenario)` beside each when given)
 * and the verdict.
 */
export function formatSuiteComparison(
  c: SuiteComparison,
  labels: { base: string; candidate: string; baseRun?: SuiteRun; candidateRun?: SuiteRun },
  options: { top?: number; reportPath?: (scenario: string) => string } = {},
): string {
  const lines: string[] = [];
  lines.push(`${c.scenarios} scenario(s), paired by name`);
  lines.push(`  base       ${labels.base}: ${runLine(labels.baseRun)}`);
  lines.push(`  candidate  ${labels.candidate}: ${runLine(labels.candidateRun)}`);
  if (c.stackChanges?.length) {
    lines.push("stack parameters that differ (base → candidate):");
    for (const s of c.stackChanges) lines.push(`  ${s.key}: ${s.base} → ${s.candidate}`);
  }
  for (const caveat of c.caveats) lines.push(`note: ${caveat}`);
  lines.push("");
  lines.push(
    ...alignColumns(
      [
        ["scenarios with", "base", "candidate", "base only", "candidate only", "exact McNemar", "Holm", ""],
        ...c.counts.map((k) => [k.label, String(k.base), String(k.candidate), String(k.onlyBase), String(k.onlyCandidate), pText(k.p), k.safety ? pText(k.pAdjusted) : "", k.change === "same" ? "" : k.change]),
      ],
      ["left", "right", "right", "right", "right", "left", "left", "left"],
    ).lines,
  );
  lines.push("");
  lines.push(
    ...alignColumns(
      [
        ["per scenario (mean)", "base", "candidate", "difference (95 % interval)", "", "scenarios"],
        ...c.means.map((m) => [
          `${m.label}${m.unit ? `, ${m.unit}` : ""}`,
          m.n ? m.meanA.toFixed(2) : "-",
          m.n ? m.meanB.toFixed(2) : "-",
          m.n ? `${signed(m.diff, 2)} (${signed(m.lo, 2)} … ${signed(m.hi, 2)})` : "-",
          m.change === "same" ? "" : m.change,
          String(m.n),
        ]),
      ],
      ["left", "right", "right", "left", "left", "right"],
    ).lines,
  );
  const w = c.warnings;
  lines.push("");
  lines.push(`jaywalkers warned at their step-off: base ${w.base.warned}/${w.base.jaywalkers}, candidate ${w.candidate.warned}/${w.candidate.jaywalkers}`);
  // Per template only where there are templates: a suite of variants (`name#seed`), not the default suite.
  if (c.templates.length > 1 && c.templates.length < c.scenarios) {
    lines.push("");
    lines.push(
      ...alignColumns(
        [
          ["per template (base → candidate)", "scenarios", ...COUNTS.map((k) => k.short)],
          ...c.templates.map((t) => [t.template, String(t.scenarios), ...t.base.map((x, i) => (x === t.candidate[i] ? String(x) : `${x} → ${t.candidate[i]}`))]),
        ],
        ["left", "right", ...COUNTS.map(() => "right" as const)],
      ).lines,
    );
  }
  const top = options.top ?? 10;
  lines.push("");
  lines.push(`worse in ${c.regressions.length} scenario(s), better in ${c.improvements.length}${c.regressions.length && top > 0 ? `; the worst ${Math.min(top, c.regressions.length)}:` : ""}`);
  for (const r of c.regressions.slice(0, top)) {
    lines.push(`  ${r.scenario}: ${r.what.join(", ")}${options.reportPath ? `  ${options.reportPath(r.scenario)}` : ""}`);
  }
  lines.push("");
  lines.push(`verdict: ${c.verdict}${c.reasons.length ? `: ${c.reasons.join("; ")}` : ""}`);
  return lines.join("\n") + "\n";
}
