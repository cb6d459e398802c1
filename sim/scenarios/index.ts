// Scenarios: the type and schema, scenario files, and the named suites the simulator runs.
import type { Scenario } from "./Scenario.ts";
import { DEFAULT_SUITE } from "./defaultSuite.ts";
import { RANDOM_SUITES, type RandomSuiteName, buildRandomSuite, isSuiteTemplate, templateVariant } from "./randomSuites.ts";

export * from "./Scenario.ts";
export { DEFAULT_SUITE } from "./defaultSuite.ts";
export * from "./scenarioFile.ts";
export * from "./randomSuites.ts";
export { TemplateError, resolveTemplate, isRandomTemplate } from "./template.ts";

const built = new Map<RandomSuiteName, readonly Scenario[]>();
function randomSuite(name: RandomSuiteName): readonly Scenario[] {
  let s = built.get(name);
  if (!s) {
    s = Object.freeze(buildRandomSuite(name));
    built.set(name, s);
  }
  return s;
}

/**
 * Every suite by name: `default` (eight hand-made scenarios) and the randomised `train`, `val`,
 * `test` (built on first access, then cached).
 */
export const SUITES: Readonly<Record<string, readonly Scenario[]>> = Object.freeze(
  Object.defineProperties({ default: DEFAULT_SUITE } as Record<string, readonly Scenario[]>, {
    train: { enumerable: true, get: () => randomSuite("train") },
    val: { enumerable: true, get: () => randomSuite("val") },
    test: { enumerable: true, get: () => randomSuite("test") },
  }),
);

/** The suite called `name`; throws listing the valid names otherwise. */
export function findSuite(name: string): readonly Scenario[] {
  const suite = Object.hasOwn(SUITES, name) ? SUITES[name] : undefined;
  if (!suite) throw new Error(`unknown suite "${name}"; valid suites: ${Object.keys(SUITES).join(", ")}`);
  return suite;
}

/**
 * The scenario called `name`: a default-suite scenario, or a template variant `template#seed`
 * (any seed, not only those in a suite); throws listing the valid names otherwise.
 */
export function findScenario(name: string): Scenario {
  const s = DEFAULT_SUITE.find((x) => x.name === name);
  if (s) return s;
  const m = /^([a-z0-9-]+)#(\d+)$/.exec(name);
  if (m && isSuiteTemplate(m[1]) && Number(m[2]) <= 0xffffffff) return templateVariant(m[1], Number(m[2]));
  const names = DEFAULT_SUITE.map((x) => x.name);
  throw new Error(
    `unknown scenario "${name}"; valid scenarios: ${names.join(", ")}, or TEMPLATE#SEED for a template of ${Object.keys(RANDOM_SUITES).join("/")} (see \`curb scenarios\`)`,
  );
}
