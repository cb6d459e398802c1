// `curb bench`: how fast the object-level closed loop runs (as a multiple of real time) and what
// each stack stage costs per frame (wall clock, percentiles). Prints JSON; tests check correctness.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { runClosedLoop } from "./closedLoop.ts";
import { findSuite } from "./scenarios/index.ts";

export interface LatencySummary {
  frames: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function summariseLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return { frames: sorted.length, p50Ms: r(percentile(sorted, 50)), p90Ms: r(percentile(sorted, 90)), p99Ms: r(percentile(sorted, 99)), maxMs: r(sorted[sorted.length - 1] ?? Number.NaN) };
}

export async function runBenchmark(opts: { suite: string; seed: number }) {
  const scenarios = findSuite(opts.suite);
  const dir = mkdtempSync(join(tmpdir(), "curb-bench-"));
  const result = { suite: opts.suite, seed: opts.seed, node: process.version, withoutLog: {} as Record<string, unknown>, withLog: {} as Record<string, unknown>, stageLatencyMs: {} as Record<string, LatencySummary> };
  try {
    // Warm-up so JIT compilation is not billed to the first scenario.
    await runClosedLoop(scenarios[0], { seed: opts.seed });
    for (const withLog of [false, true]) {
      let simS = 0;
      let wallS = 0;
      let frames = 0;
      const latencies = new Map<string, number[]>();
      for (const scenario of scenarios) {
        const run = await runClosedLoop(scenario, { seed: opts.seed, logPath: withLog ? join(dir, `${scenario.name}.mcap`) : undefined });
        simS += run.simDurationS;
        wallS += run.wallS;
        frames += run.frames.length;
        for (const [stage, values] of run.stageLatencies) latencies.set(stage, [...(latencies.get(stage) ?? []), ...values]);
      }
      const summary = { scenarios: scenarios.length, frames, simSeconds: Math.round(simS * 1000) / 1000, wallSeconds: Math.round(wallS * 1000) / 1000, realTimeFactor: Math.round((simS / wallS) * 10) / 10 };
      if (withLog) result.withLog = summary;
      else {
        result.withoutLog = summary;
        for (const [stage, values] of latencies) result.stageLatencyMs[stage] = summariseLatencies(values);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
