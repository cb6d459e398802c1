// `curb compare BASE CANDIDATE`: two `curb sim` output folders (or their suite.json) of the same
// scenarios, paired, to decide whether the candidate stack is safer. Reads only suite.json.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { z } from "zod";
import { compareSuites, formatSuiteComparison, type SuiteComparison, type SuiteRecord, type SuiteRow, type SuiteRun } from "./metrics/index.ts";

const nullableNumber = z.number().nullable();
const suiteRow = z.object({
  scenario: z.string().min(1),
  pedestrianCollisions: z.number().int().nonnegative(),
  otherCollisions: z.number().int().nonnegative(),
  minDistanceM: nullableNumber,
  minTtcS: nullableNumber,
  minTtcInfinite: z.boolean(),
  hardBrakes: z.number().int().nonnegative(),
  jaywalkers: z.number().int().nonnegative(),
  jaywalkersWarned: z.number().int().nonnegative(),
  medianWarningLeadS: nullableNumber,
  progressM: z.number(),
  completionTimeS: nullableNumber,
  maxAbsJerkMps3: z.number(),
}) satisfies z.ZodType<SuiteRow>; // a field added to SuiteRow and not here fails the typecheck
const suiteRun = z.object({
  kind: z.enum(["suite", "scenario", "scenario file"]),
  name: z.string(),
  seed: z.number().int(),
  config: z.string().nullable(),
  stack: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<SuiteRun>;
const suiteFile = z.object({ rows: z.array(suiteRow), run: suiteRun.optional() });

/** A `curb sim --out` folder or a suite.json in one: its table, and the folder its scenarios are in. */
export function readSuiteRecord(path: string): { record: SuiteRecord; file: string; dir: string } {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "suite.json") : path;
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: give the --out folder of a finished \`curb sim\` run (it writes suite.json at the end) or a suite.json`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = suiteFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a curb suite table: ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
  }
  return { record: parsed.data, file, dir: dirname(file) };
}

export interface CompareCommandOptions {
  json?: boolean;
  top?: number;
}

/** Prints the comparison; returns it (the caller's exit status says "worse"). */
export function runCompareCommand(basePath: string, candidatePath: string, opts: CompareCommandOptions = {}): SuiteComparison {
  const base = readSuiteRecord(basePath);
  const candidate = readSuiteRecord(candidatePath);
  const comparison = compareSuites(base.record, candidate.record);
  if (opts.json) {
    // NaN (a mean over no scenarios, e.g. completion time when neither run completed any) → null.
    const finite = (_k: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v);
    console.log(JSON.stringify({ base: base.file, candidate: candidate.file, ...comparison }, finite, 2));
    return comparison;
  }
  const report = (scenario: string) => {
    const path = join(candidate.dir, scenario, "report.html");
    if (!existsSync(path)) return "";
    const near = relative(process.cwd(), path);
    return near.startsWith("..") ? path : near;
  };
  console.log(
    formatSuiteComparison(
      comparison,
      { base: base.file, candidate: candidate.file, baseRun: base.record.run, candidateRun: candidate.record.run },
      { top: opts.top, reportPath: report },
    ),
  );
  return comparison;
}
