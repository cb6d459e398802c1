// `curb dataset`: every scenario of a suite × N seeds through the closed loop (oracle perception),
// each pedestrian track rasterised per frame, written as one dataset folder with a manifest.
import { resolve } from "node:path";
import { RASTER_SPEC } from "../../prediction/index.ts";
import { progressBar } from "../../scripts/progressBar.ts";
import { findSuite, parseScenario, type Scenario } from "../scenarios/index.ts";
import type { StackParamsInput } from "../../planning/index.ts";
import { readStackParamsFile } from "../simConfig.ts";
import { COLLECTION_STACK, COLLECTION_STACK_DESCRIPTION, driveDescription } from "./collectionStack.ts";
import { collectRun, META_COLUMNS } from "./collectRun.ts";
import { DatasetWriter, type DatasetHeader } from "./datasetFiles.ts";
import { makeOutputFolder } from "../../replay/outputFolder.ts";

export interface DatasetOptions {
  suite: string;
  /** Seeds per scenario: seedBase, seedBase + 1, …, seedBase + variants − 1. */
  variants: number;
  seedBase: number;
  out: string;
  /** "suite": the scenarios' own per-seed variation; "wide": widened (see README) for more diverse training data. */
  variation: "suite" | "wide";
  /** Only these scenarios of the suite (default: all with pedestrians). */
  scenarios?: string[];
  /**
   * A stack parameter file (what `curb sim --config` takes) that drives the ego instead of the pinned
   * collection drive: data from the drive a model is deployed in (e.g. the intent stack, which yields to
   * its own warnings), to evaluate it there. Never the data `make models` trains on.
   */
  drive?: string;
  quiet?: boolean;
}

/** Widened per-seed variation: start ±2.5 m, speed ±25 %, trigger ±25 % (kept where the scenario already allows more). */
export function widenVariation(s: Scenario): Scenario {
  const input = structuredClone(s) as Scenario;
  for (const p of input.pedestrians) {
    p.variation = {
      startXM: Math.max(p.variation.startXM, 2.5),
      speedFraction: Math.max(p.variation.speedFraction, 0.25),
      triggerFraction: Math.max(p.variation.triggerFraction, 0.25),
    };
  }
  try {
    return parseScenario(input);
  } catch {
    return s; // a widened start would break the scenario's own rules (e.g. near the crosswalk): keep it as it is
  }
}

export function datasetScenarios(opts: Pick<DatasetOptions, "suite" | "variation" | "scenarios">): Scenario[] {
  let list = findSuite(opts.suite).filter((s) => s.pedestrians.length > 0);
  if (opts.scenarios) {
    const want = new Set(opts.scenarios);
    list = list.filter((s) => want.has(s.name));
    for (const name of want) if (!list.some((s) => s.name === name)) throw new Error(`scenario "${name}" is not in suite ${opts.suite} (or has no pedestrians)`);
  }
  return opts.variation === "wide" ? list.map(widenVariation) : list;
}

/** The seeds each scenario runs with: `variants` of them from `seedBase`; throws unless variants is a whole number ≥ 1. */
export function datasetSeeds(opts: Pick<DatasetOptions, "variants" | "seedBase">): number[] {
  if (!(Number.isInteger(opts.variants) && opts.variants >= 1)) throw new Error(`variants must be a whole number ≥ 1, not ${opts.variants}`);
  return Array.from({ length: opts.variants }, (_, i) => opts.seedBase + i);
}

export async function buildDataset(opts: DatasetOptions): Promise<DatasetHeader> {
  const out = resolve(opts.out);
  // Both before the folder exists: a wrong name or count leaves nothing behind.
  const seeds = datasetSeeds(opts);
  const scenarios = datasetScenarios(opts);
  const stack: StackParamsInput = opts.drive ? readStackParamsFile(opts.drive) : COLLECTION_STACK;
  makeOutputFolder(out, "the dataset");
  const writer = new DatasetWriter(out, RASTER_SPEC);
  const bar = opts.quiet ? undefined : progressBar(scenarios.length * seeds.length, `dataset ${opts.suite}`);
  const H = RASTER_SPEC.horizonsS.length;
  const positives = new Array<number>(H).fill(0);
  let preEntry = 0;
  const preEntryPositives = new Array<number>(H).fill(0);
  const perScenario: Record<string, { frames: number; sequences: number }> = {};
  const behaviours: Record<string, number> = {};
  const M = META_COLUMNS.length;
  for (const seed of seeds) {
    for (const scenario of scenarios) {
      const run = await collectRun(scenario, seed, stack);
      writer.append(run);
      for (let i = 0; i < run.n; i++) {
        const pre = run.meta[i * M + 2] === 1;
        if (pre) preEntry++;
        for (let h = 0; h < H; h++) {
          positives[h] += run.labels[i * H + h];
          if (pre) preEntryPositives[h] += run.labels[i * H + h];
        }
      }
      const s = (perScenario[scenario.name] ??= { frames: 0, sequences: 0 });
      s.frames += run.n;
      s.sequences += run.sequences.length;
      for (const q of run.sequences) behaviours[String(q.behaviour)] = (behaviours[String(q.behaviour)] ?? 0) + 1;
      bar?.tick(`${scenario.name} seed ${seed}`);
    }
  }
  bar?.done();
  const n = writer.n;
  const manifest = {
    suite: opts.suite,
    variation: opts.variation,
    variants: opts.variants,
    seeds: { first: seeds[0], last: seeds[seeds.length - 1], count: seeds.length },
    scenarios: scenarios.map((s) => s.name),
    stack: opts.drive ? driveDescription(opts.drive, stack) : COLLECTION_STACK_DESCRIPTION,
    command: `curb dataset --suite ${opts.suite} --variants ${opts.variants} --seed-base ${opts.seedBase} --variation ${opts.variation}` +
      (opts.scenarios ? ` --scenarios ${opts.scenarios.join(",")}` : "") + (opts.drive ? ` --drive ${opts.drive}` : "") + ` --out ${opts.out}`,
    specVersion: RASTER_SPEC.version,
    counts: { frames: n, sequences: writer.sequences.length, preEntryFrames: preEntry, perScenario, sequencesPerBehaviour: behaviours },
    classBalance: Object.fromEntries(RASTER_SPEC.horizonsS.map((h, k) => [`${h}s`, {
      positives: positives[k], fraction: n ? positives[k] / n : 0,
      preEntryPositives: preEntryPositives[k], preEntryFraction: preEntry ? preEntryPositives[k] / preEntry : 0,
    }])),
  };
  return writer.close(manifest);
}
