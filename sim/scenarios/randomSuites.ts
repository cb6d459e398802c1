// The randomised suites `train`, `val` and `test`: variants of the template files in
// sim/scenarios/templates/, each a (template, seed) pair whose random parameters the seed draws
// from the file's ranges. Seed ranges are disjoint, so no variant appears in two suites; variants
// alternate between jaywalk and no-jaywalk templates, so each suite is balanced 50/50.
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { Scenario } from "./Scenario.ts";
import { type ScenarioTemplate, instantiateScenario, loadScenarioTemplate } from "./scenarioFile.ts";

export const TEMPLATE_DIR = fileURLToPath(new URL("./templates/", import.meta.url));

/** Templates in which someone will jaywalk (will_jaywalk true for at least one pedestrian). */
export const JAYWALK_TEMPLATES = Object.freeze([
  "jaywalk-mid-block",
  "jaywalk-parked-cars",
  "jaywalk-behind-bus",
  "running-child",
  "jaywalk-group",
  "jaywalk-after-wait",
] as const);

/** Templates in which nobody jaywalks (crosswalk crossers, walkers, waiters, hesitators, runners). */
export const NON_JAYWALK_TEMPLATES = Object.freeze([
  "crosswalk-crossing",
  "walk-along",
  "wait-at-curb",
  "hesitate-at-curb",
  "runner-along",
  "group-at-crosswalk",
] as const);

export interface RandomSuiteSpec {
  /** Seeds firstSeed … firstSeed + size − 1, one per variant. */
  firstSeed: number;
  size: number;
}

/** Disjoint seed ranges: train [100000, 100800), val [200000, 200400), test [300000, 302000). */
export const RANDOM_SUITES: Readonly<Record<"train" | "val" | "test", RandomSuiteSpec>> = Object.freeze({
  train: { firstSeed: 100_000, size: 800 },
  val: { firstSeed: 200_000, size: 400 },
  test: { firstSeed: 300_000, size: 2000 },
});
export type RandomSuiteName = keyof typeof RANDOM_SUITES;

export interface Variant {
  template: string;
  seed: number;
  jaywalk: boolean;
}

/** Variant k of a suite: even k from the jaywalk templates, odd k from the others, round robin. */
export function suiteVariants(name: RandomSuiteName): Variant[] {
  const spec = RANDOM_SUITES[name];
  return Array.from({ length: spec.size }, (_, k) => {
    const jaywalk = k % 2 === 0;
    const pool = jaywalk ? JAYWALK_TEMPLATES : NON_JAYWALK_TEMPLATES;
    return { template: pool[Math.floor(k / 2) % pool.length], seed: spec.firstSeed + k, jaywalk };
  });
}

const templates = new Map<string, ScenarioTemplate>();

/** The template file `name` (from TEMPLATE_DIR), parsed once. */
export function suiteTemplate(name: string): ScenarioTemplate {
  let t = templates.get(name);
  if (!t) {
    t = loadScenarioTemplate(join(TEMPLATE_DIR, `${name}.yaml`));
    templates.set(name, t);
  }
  return t;
}

/** One variant: the template resolved with `seed`, named `template#seed`. */
export function templateVariant(template: string, seed: number): Scenario {
  return instantiateScenario(suiteTemplate(template), seed, { suffixSeed: true });
}

/** Every variant of a randomised suite, in order. */
export function buildRandomSuite(name: RandomSuiteName): Scenario[] {
  return suiteVariants(name).map((v) => templateVariant(v.template, v.seed));
}

/** True when `name` is one of the suite templates. */
export function isSuiteTemplate(name: string): boolean {
  return (JAYWALK_TEMPLATES as readonly string[]).includes(name) || (NON_JAYWALK_TEMPLATES as readonly string[]).includes(name);
}
