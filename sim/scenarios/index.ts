// Scenarios: the type and schema, and the named suites the simulator runs.
import type { Scenario } from "./Scenario.ts";
import { DEFAULT_SUITE } from "./defaultSuite.ts";

export * from "./Scenario.ts";
export { DEFAULT_SUITE } from "./defaultSuite.ts";

/** Every suite by name. */
export const SUITES: Readonly<Record<string, readonly Scenario[]>> = Object.freeze({
  default: DEFAULT_SUITE,
});

/** The suite called `name`; throws listing the valid names otherwise. */
export function findSuite(name: string): readonly Scenario[] {
  const suite = Object.hasOwn(SUITES, name) ? SUITES[name] : undefined;
  if (!suite) throw new Error(`unknown suite "${name}"; valid suites: ${Object.keys(SUITES).join(", ")}`);
  return suite;
}

/** The scenario called `name` from any suite (first match); throws listing the valid names otherwise. */
export function findScenario(name: string): Scenario {
  for (const suite of Object.values(SUITES)) {
    const s = suite.find((x) => x.name === name);
    if (s) return s;
  }
  const names = [...new Set(Object.values(SUITES).flatMap((s) => s.map((x) => x.name)))];
  throw new Error(`unknown scenario "${name}"; valid scenarios: ${names.join(", ")}`);
}
