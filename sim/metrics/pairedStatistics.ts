// Tests for two runs of the same scenarios (paired): is a difference between stacks more than the
// scenarios' own spread? Pure functions, deterministic.
import { quantile, resampleIndex } from "../../prediction/intent/metrics.ts";

/**
 * Exact two-sided McNemar test: `onlyA` scenarios have the event in run A only, `onlyB` in run B
 * only (the concordant ones carry no information about the difference). Under "no difference" each
 * discordant scenario is a fair coin, so p = P(a binomial(n, ½) is at least as far from n/2), capped
 * at 1. Computed in log space: 2^-n underflows past n = 1074.
 *
 * @example exactMcNemarP(10, 2) // 0.0386 (= 2 · 79 / 4096)
 */
export function exactMcNemarP(onlyA: number, onlyB: number): number {
  if (!Number.isInteger(onlyA) || !Number.isInteger(onlyB) || onlyA < 0 || onlyB < 0) {
    throw new Error(`exactMcNemarP: counts must be whole numbers ≥ 0 (got ${onlyA}, ${onlyB})`);
  }
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  // log P(X = i) for i = 0..k, X ~ binomial(n, ½); summed stably around the largest term (i = k).
  const logTerms: number[] = [];
  let logChoose = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    logTerms.push(logChoose - n * Math.LN2);
  }
  const top = logTerms[k];
  let tail = 0;
  for (const t of logTerms) tail += Math.exp(t - top);
  return Math.min(1, 2 * Math.exp(top) * tail);
}

/** A paired difference of means: B − A over the scenarios both have, with a bootstrap 95 % interval. */
export interface MeanDifference {
  n: number;
  meanA: number;
  meanB: number;
  /** mean(B − A). */
  diff: number;
  lo: number;
  hi: number;
}

/**
 * mean(b − a) over pairs, and its 95 % interval from resampling the pairs (with replacement,
 * `resamples` times, fixed seed). NaN everywhere for no pairs.
 */
export function pairedMeanDifference(a: ArrayLike<number>, b: ArrayLike<number>, resamples = 2000, seed = 1): MeanDifference {
  if (a.length !== b.length) throw new Error(`pairedMeanDifference: ${a.length} values against ${b.length}: not the same scenarios`);
  const n = a.length;
  if (n === 0) return { n: 0, meanA: NaN, meanB: NaN, diff: NaN, lo: NaN, hi: NaN };
  const d = new Float64Array(n);
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < n; i++) {
    sumA += a[i];
    sumB += b[i];
    d[i] = b[i] - a[i];
  }
  const draw = resampleIndex(seed);
  const means: number[] = new Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += d[draw(n)];
    means[r] = s / n;
  }
  return { n, meanA: sumA / n, meanB: sumB / n, diff: (sumB - sumA) / n, lo: quantile(means, 0.025), hi: quantile(means, 0.975) };
}
