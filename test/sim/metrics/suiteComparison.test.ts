import { describe, expect, it } from "vitest";
import { ComparisonError, compareSuites, exactMcNemarP, formatSuiteComparison, holm, type SuiteRow, type SuiteRun } from "../../../sim/metrics/index.ts";

function row(scenario: string, over: Partial<SuiteRow> = {}): SuiteRow {
  return {
    scenario,
    pedestrianCollisions: 0,
    otherCollisions: 0,
    minDistanceM: 4,
    minTtcS: 3,
    minTtcInfinite: false,
    hardBrakes: 0,
    jaywalkers: 1,
    jaywalkersWarned: 1,
    medianWarningLeadS: 1.2,
    progressM: 150,
    completionTimeS: 14,
    maxAbsJerkMps3: 3,
    ...over,
  };
}

const names = Array.from({ length: 30 }, (_, i) => `jaywalk-mid-block#${300000 + i}`);
const run = (over: Partial<SuiteRun> = {}): SuiteRun => ({ kind: "suite", name: "test", seed: 1, config: null, stack: {}, ...over });

describe("suite comparison", () => {
  it("fewer scenarios with a hard brake, beyond the draw: safer, and the cost in progress is said", () => {
    const base = names.map((n, i) => row(n, { hardBrakes: i < 20 ? 2 : 0 }));
    const candidate = names.map((n, i) => row(n, { hardBrakes: i < 5 ? 1 : 0, progressM: 145 }));
    const c = compareSuites(
      { rows: base, run: run() },
      { rows: candidate, run: run({ config: "stack.yaml", stack: { planning: { yieldAtCrosswalks: false } } }) },
    );
    const brakes = c.counts.find((k) => k.label === "a hard brake")!;
    expect(brakes).toMatchObject({ base: 20, candidate: 5, onlyBase: 15, onlyCandidate: 0, change: "better" });
    expect(brakes.p).toBeCloseTo(2 / 2 ** 15, 12);
    expect(c.verdict).toBe("safer");
    expect(brakes.pAdjusted).toBeCloseTo((5 * 2) / 2 ** 15, 12); // Holm over the five safety rows: the smallest p times 5
    expect(c.reasons[0]).toBe("fewer scenarios with a hard brake (20 → 5, Holm p < 0.001)");
    const progress = c.means.find((m) => m.label === "progress")!;
    expect(progress).toMatchObject({ n: 30, diff: -5, lo: -5, hi: -5, change: "worse" });
    expect(c.reasons).toContain("at a cost: progress −5.00 m per scenario");
    const meanBrakes = c.means.find((m) => m.label === "hard brakes")!;
    expect(meanBrakes.diff).toBeCloseTo(5 / 30 - 40 / 30, 12);
    expect(meanBrakes.change).toBe("better");
    expect(c.stackChanges).toEqual([{ key: "planning.yieldAtCrosswalks", base: "default", candidate: "false" }]);
    expect(c.regressions).toEqual([]);
    expect(c.improvements).toHaveLength(20);
    expect(c.improvements[0].what).toEqual(["hard brakes 2 → 0"]); // 2 → 0 before 2 → 1
    expect(c.improvements.at(-1)!.what).toEqual(["hard brakes 2 → 1"]);
    expect(c.caveats).toEqual([]);
    expect(c.templates).toEqual([{ template: "jaywalk-mid-block", scenarios: 30, base: [0, 0, 0, 20, 0, 30], candidate: [0, 0, 0, 5, 0, 30] }]);
  });

  it("counts per template show where a change came from", () => {
    const rows = (brakes: (t: string, i: number) => number) =>
      ["crosswalk-crossing", "jaywalk-group"].flatMap((t) => [0, 1, 2].map((i) => row(`${t}#${300000 + i}`, { hardBrakes: brakes(t, i) })));
    const c = compareSuites({ rows: rows(() => 1) }, { rows: rows((t) => (t === "jaywalk-group" ? 1 : 0)) });
    expect(c.templates.map((t) => [t.template, t.scenarios, t.base[3], t.candidate[3]])).toEqual([
      ["crosswalk-crossing", 3, 3, 0],
      ["jaywalk-group", 3, 3, 3],
    ]);
    const text = formatSuiteComparison(c, { base: "a", candidate: "b" });
    expect(text).toMatch(/^crosswalk-crossing\s+3\s+0\s+0\s+0\s+3 → 0\s+0\s+3$/m);
    expect(text).toMatch(/^jaywalk-group\s+3\s+0\s+0\s+0\s+3\s+0\s+3$/m);
  });

  it("one new pedestrian collision makes it worse whatever the counts say, and it heads the regressions", () => {
    const base = names.map((n) => row(n));
    const candidate = names.map((n, i) =>
      i === 3
        ? row(n, { hardBrakes: 1 })
        : i === 7
          ? row(n, { pedestrianCollisions: 1, minTtcS: 0, minDistanceM: 0, hardBrakes: 1, jaywalkersWarned: 0 })
          : i === 9
            ? row(n, { minTtcS: 0.6 })
            : row(n),
    );
    const c = compareSuites({ rows: base, run: run() }, { rows: candidate, run: run() });
    expect(c.counts.find((k) => k.label === "a pedestrian collision")!).toMatchObject({ base: 0, candidate: 1, p: 1, change: "same" });
    expect(c.verdict).toBe("worse");
    expect(c.reasons[0]).toBe(`it hits a pedestrian the base did not in 1 scenario(s) (${names[7]})`);
    expect(c.regressions.map((r) => r.scenario)).toEqual([names[7], names[9], names[3]]);
    expect(c.regressions[0].what).toEqual(["pedestrian collisions 0 → 1", "min TTC 3.00 s → 0.00 s", "jaywalkers unwarned 0 → 1", "hard brakes 0 → 1"]);
    expect(c.regressions[1].what).toEqual(["min TTC 3.00 s → 0.60 s"]);
    expect(c.caveats).toEqual(["the two runs have the same stack parameters: a run is deterministic, so any difference is in the code or the models"]);
    const text = formatSuiteComparison(c, { base: "out/a/suite.json", candidate: "out/b/suite.json", baseRun: run(), candidateRun: run() }, { top: 2, reportPath: (s) => `out/b/${s}/report.html` });
    expect(text).toContain("30 scenario(s), paired by name");
    expect(text).toContain("worse in 3 scenario(s), better in 0; the worst 2:");
    expect(text).toContain(`  ${names[7]}: pedestrian collisions 0 → 1, min TTC 3.00 s → 0.00 s, jaywalkers unwarned 0 → 1, hard brakes 0 → 1  out/b/${names[7]}/report.html`);
    expect(text).not.toContain(names[3] + ":");
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^verdict: worse: it hits a pedestrian/);
    // The table lines up: every count row has its numbers in the same columns as the header.
    const header = text.split("\n").find((l) => l.startsWith("scenarios with"))!;
    const collisionLine = text.split("\n").find((l) => l.startsWith("a pedestrian collision"))!;
    expect(collisionLine.indexOf("1  ") + 1).toBe(header.indexOf("candidate") + "candidate".length);
  });

  it("a never-converging TTC counts as no close call; a jaywalker unwarned and a route not completed are worse", () => {
    const base = [row("a", { minTtcS: null, minTtcInfinite: true }), row("b"), row("c")];
    const candidate = [row("a", { minTtcS: 0.9 }), row("b", { jaywalkersWarned: 0 }), row("c", { completionTimeS: null, progressM: 90 })];
    const c = compareSuites({ rows: base }, { rows: candidate });
    expect(c.regressions.map((r) => [r.scenario, r.what])).toEqual([
      ["a", ["min TTC inf → 0.90 s"]],
      ["b", ["jaywalkers unwarned 0 → 1"]],
      ["c", ["route not completed (progress 150.0 → 90.0 m)"]],
    ]);
    expect(c.means.find((m) => m.label === "completion time")!.n).toBe(2); // only where both completed
    expect(c.verdict).toBe("no significant difference"); // 3 scenarios cannot show one
    expect(c.stackChanges).toBeNull();
    expect(c.caveats[0]).toMatch(/^neither run recorded its seed and stack/);
    expect(c.warnings).toEqual({ base: { jaywalkers: 3, warned: 3 }, candidate: { jaywalkers: 3, warned: 2 } });
  });

  it("runs with different seeds are compared with a caveat", () => {
    const c = compareSuites({ rows: [row("a")], run: run() }, { rows: [row("a")], run: run({ seed: 2, config: "x.yaml", stack: { perception: { seed: 3 } } }) });
    expect(c.caveats).toEqual(["the runs have different seeds (1 and 2): perception noise and random scenarios differ too, not only the stack"]);
  });

  it("Holm's adjustment: the k-th smallest p times (m − k + 1), never below an earlier one, capped at 1", () => {
    expect(holm([0.01, 0.04, 0.03, 0.2])).toEqual([0.04, 0.09, 0.09, 0.2]);
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });

  it("a difference that is significant alone but not among the five safety tests is no finding", () => {
    // 9 against 1 discordant scenarios: p = 0.021 alone, 0.107 after Holm over five rows.
    const base = names.map((n, i) => row(n, { hardBrakes: i < 9 ? 1 : 0 }));
    const candidate = names.map((n, i) => row(n, { hardBrakes: i === 29 ? 1 : 0 }));
    const c = compareSuites({ rows: base }, { rows: candidate });
    const brakes = c.counts.find((k) => k.label === "a hard brake")!;
    expect(brakes.p).toBeCloseTo(exactMcNemarP(9, 1), 12);
    expect(brakes.p).toBeLessThan(0.05);
    expect(brakes.pAdjusted).toBeCloseTo(5 * brakes.p, 12);
    expect(brakes.change).toBe("same");
    expect(c.verdict).toBe("no significant difference");
  });

  it("refuses runs of different scenarios, naming them, and a run that lists one twice", () => {
    const a = { rows: names.map((n) => row(n)) };
    const b = { rows: [...names.slice(0, 28).map((n) => row(n)), row("extra")] };
    expect(() => compareSuites(a, b)).toThrow(ComparisonError);
    expect(() => compareSuites(a, b)).toThrow(
      `the runs are not of the same scenarios: 2 only in the base (${names[28]}, ${names[29]}); 1 only in the candidate (extra); run both with the same --suite (or --scenario) and --seed`,
    );
    expect(() => compareSuites({ rows: [row("a"), row("a")] }, { rows: [row("a")] })).toThrow("the base run lists scenario a twice");
    expect(() => compareSuites({ rows: [] }, { rows: [] })).toThrow("the runs have no scenarios");
  });
});
