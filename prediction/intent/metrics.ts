// Quality measures for P(jaywalk within h): pure functions on parallel arrays of labels (0/1) and
// probabilities.

export interface BinaryMetrics {
  n: number;
  positives: number;
  precision: number;
  recall: number;
  f1: number;
  /** ROC-AUC (ties averaged); NaN when one class is absent. */
  rocAuc: number;
  /** Expected calibration error over `bins` equal-width probability bins. */
  ece: number;
}

export function rocAuc(labels: ArrayLike<number>, probs: ArrayLike<number>): number {
  const n = labels.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[a] - probs[b]);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i] ? 1 : 0;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && probs[idx[j + 1]] === probs[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]]) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** One bin of a reliability diagram: frames whose probability falls in [fromP, toP). */
export interface ReliabilityBin {
  fromP: number;
  toP: number;
  n: number;
  meanP: number;
  /** Fraction of the bin's frames that are positive. */
  observed: number;
}

/** Reliability diagram over `bins` equal-width probability bins (empty bins omitted). */
export function reliabilityBins(labels: ArrayLike<number>, probs: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const count = new Float64Array(bins), sumP = new Float64Array(bins), sumY = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const b = Math.min(bins - 1, Math.floor(probs[i] * bins));
    count[b]++;
    sumP[b] += probs[i];
    sumY[b] += labels[i] ? 1 : 0;
  }
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) if (count[b] > 0) out.push({ fromP: b / bins, toP: (b + 1) / bins, n: count[b], meanP: sumP[b] / count[b], observed: sumY[b] / count[b] });
  return out;
}

export function expectedCalibrationError(labels: ArrayLike<number>, probs: ArrayLike<number>, bins = 10): number {
  let ece = 0;
  for (const b of reliabilityBins(labels, probs, bins)) ece += (b.n / labels.length) * Math.abs(b.meanP - b.observed);
  return ece;
}

/** TP, FP, FN of p ≥ threshold against the labels. */
function confusion(labels: ArrayLike<number>, probs: ArrayLike<number>, threshold: number): { tp: number; fp: number; fn: number } {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] ? 1 : 0, yhat = probs[i] >= threshold ? 1 : 0;
    if (y && yhat) tp++;
    else if (yhat) fp++;
    else if (y) fn++;
  }
  return { tp, fp, fn };
}

/** [threshold, F1] at each threshold. */
export function f1ByThreshold(labels: ArrayLike<number>, probs: ArrayLike<number>, thresholds: readonly number[]): [number, number][] {
  return thresholds.map((t) => {
    const { tp, fp, fn } = confusion(labels, probs, t);
    return [t, f1FromCounts(tp, fp, fn)];
  });
}

/**
 * ROC curve as [false-positive rate, true-positive rate] from (0, 0) to (1, 1), one point per distinct
 * probability (tied frames move together), thinned to about `maxPoints`; empty when one class is absent.
 */
export function rocCurve(labels: ArrayLike<number>, probs: ArrayLike<number>, maxPoints = 200): [number, number][] {
  const n = labels.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i] ? 1 : 0;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return [];
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b] - probs[a]);
  const all: [number, number][] = [[0, 0]];
  let tp = 0, fp = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && probs[idx[j]] === probs[idx[i]]) {
      if (labels[idx[j]]) tp++;
      else fp++;
      j++;
    }
    all.push([fp / neg, tp / pos]);
    i = j;
  }
  const step = Math.max(1, Math.ceil(all.length / maxPoints));
  return all.filter((_, k) => k % step === 0 || k === all.length - 1);
}

export function binaryMetrics(labels: ArrayLike<number>, probs: ArrayLike<number>, threshold = 0.5): BinaryMetrics {
  const { tp, fp, fn } = confusion(labels, probs, threshold);
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { n: labels.length, positives: tp + fn, precision, recall, f1: f1Score(precision, recall), rocAuc: rocAuc(labels, probs), ece: expectedCalibrationError(labels, probs) };
}

/** F1 from frame counts (2TP / (2TP + FP + FN)); 0 without a true positive. */
export function f1FromCounts(tp: number, fp: number, fn: number): number {
  return tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
}

/** Harmonic mean of precision and recall; 0 when both are 0. */
export function f1Score(precision: number, recall: number): number {
  return precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1) + 0.5)))];
}

/**
 * Warning lead time of one jaywalker: frames (times tS, probabilities p) before its road entry at
 * entryS. The warning starts at the earliest frame from which p stays ≥ threshold up to the last frame
 * before the entry; lead = entryS − that time. Undefined (a miss) when the last pre-entry frame is below
 * the threshold or there is no pre-entry frame.
 */
export function warningLeadTimeS(tS: ArrayLike<number>, p: ArrayLike<number>, entryS: number, threshold: number): number | undefined {
  let last = -1;
  for (let i = 0; i < tS.length; i++) if (tS[i] < entryS) last = i;
  if (last < 0 || p[last] < threshold) return undefined;
  let k = last;
  while (k > 0 && tS[k - 1] < entryS && p[k - 1] >= threshold) k--;
  return entryS - tS[k];
}

/** Rising edges of p ≥ threshold (a warning raised) in one sequence. */
export function warningOnsets(p: ArrayLike<number>, threshold: number): number {
  let n = 0;
  let on = false;
  for (let i = 0; i < p.length; i++) {
    const now = p[i] >= threshold;
    if (now && !on) n++;
    on = now;
  }
  return n;
}

/** A bootstrap interval of a statistic: its 2.5 % and 97.5 % quantiles and standard deviation over resamples. */
export interface BootstrapInterval {
  lo: number;
  hi: number;
  std: number;
  resamples: number;
}

/**
 * Draws of an index in [0, n) for bootstrap resampling: a fixed-seed xorshift32, so an interval is
 * identical on every machine (Math.random would make every report differ).
 */
export function resampleIndex(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state % n;
  };
}

/**
 * Frame-level F1 of each count set under the same resamples of the pedestrians (with replacement).
 * Frames of one pedestrian are not independent (one early warning is ten FP frames), so the
 * pedestrian is the unit. Each set holds TP, FP, FN per pedestrian (3 × n, the same pedestrians in the
 * same order). Deterministic (resampleIndex).
 */
function resampledF1s(sets: readonly ArrayLike<number>[], resamples: number, seed: number): Float64Array[] {
  const n = sets[0].length / 3;
  for (const c of sets) if (c.length !== 3 * n) throw new Error(`bootstrap: count sets differ in length (${c.length} vs ${3 * n}): not the same pedestrians`);
  const draw = resampleIndex(seed);
  const out = sets.map(() => new Float64Array(resamples));
  const picks = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < n; k++) picks[k] = 3 * draw(n);
    sets.forEach((c, m) => {
      let tp = 0, fp = 0, fn = 0;
      for (const j of picks) { tp += c[j]; fp += c[j + 1]; fn += c[j + 2]; }
      out[m][r] = f1FromCounts(tp, fp, fn);
    });
  }
  return out;
}

function interval(xs: Float64Array): BootstrapInterval {
  let mean = 0;
  for (const x of xs) mean += x / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const values = Array.from(xs);
  return { lo: quantile(values, 0.025), hi: quantile(values, 0.975), std: Math.sqrt(ss / Math.max(1, xs.length - 1)), resamples: xs.length };
}

const EMPTY: BootstrapInterval = Object.freeze({ lo: NaN, hi: NaN, std: NaN, resamples: 0 });

/** 95 % interval of the frame-level F1, pedestrians resampled; `counts` is TP, FP, FN per pedestrian. */
export function pedestrianBootstrapF1(counts: ArrayLike<number>, resamples = 2000, seed = 1): BootstrapInterval {
  return counts.length === 0 ? EMPTY : interval(resampledF1s([counts], resamples, seed)[0]);
}

/**
 * 95 % interval of F1(a) − F1(b) for two predictors on the same pedestrians, both scored on each
 * resample (paired): much tighter than comparing two separate intervals, since most of the spread is
 * which pedestrians were drawn, shared by both.
 */
export function pairedBootstrapF1Difference(a: ArrayLike<number>, b: ArrayLike<number>, resamples = 2000, seed = 1): BootstrapInterval {
  if (a.length === 0) return EMPTY;
  const [fa, fb] = resampledF1s([a, b], resamples, seed);
  return interval(fa.map((x, i) => x - fb[i]));
}

/** Upper edges (s) of the time-to-entry bins of `errorsByTimeToEntry`; one more bin holds what lies beyond. */
export const TIME_TO_ENTRY_EDGES_S = Object.freeze([0.5, 1, 1.5, 2, 3]);

/** Warned/labelled frame counts of one time-to-entry bin, (fromS, toS]; `never`: pedestrians who never jaywalk. */
export interface TimingBin {
  fromS: number;
  toS: number;
  never: boolean;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/**
 * Frame outcomes at one horizon by how long before its road entry each frame is (NaN time: the
 * pedestrian never jaywalks): tells timing errors (a jaywalker warned a little early or late) from
 * identity errors (someone who never crosses warned, a jaywalker never warned).
 */
export function errorsByTimeToEntry(
  timeToEntryS: ArrayLike<number>, labels: ArrayLike<number>, probs: ArrayLike<number>, threshold: number,
  edgesS: readonly number[] = TIME_TO_ENTRY_EDGES_S,
): TimingBin[] {
  const bins: TimingBin[] = [...edgesS, Infinity].map((toS, b) => ({ fromS: b === 0 ? -Infinity : edgesS[b - 1], toS, never: false, tp: 0, fp: 0, fn: 0, tn: 0 }));
  bins.push({ fromS: NaN, toS: NaN, never: true, tp: 0, fp: 0, fn: 0, tn: 0 });
  for (let i = 0; i < labels.length; i++) {
    const t = timeToEntryS[i];
    const bin = Number.isNaN(t) ? bins[bins.length - 1] : bins.find((b) => t <= b.toS)!;
    const y = labels[i] ? 1 : 0, warn = probs[i] >= threshold;
    if (y && warn) bin.tp++;
    else if (warn) bin.fp++;
    else if (y) bin.fn++;
    else bin.tn++;
  }
  return bins;
}

/**
 * F1 at horizon h with early warnings forgiven: a warned frame of a jaywalker whose entry is between h
 * and h + toleranceS away (the right pedestrian, a little early) counts neither way. A diagnostic of how
 * much of the F1 lost is timing rather than who; never the headline.
 */
export function earlyTolerantF1(
  timeToEntryS: ArrayLike<number>, labels: ArrayLike<number>, probs: ArrayLike<number>, threshold: number, horizonS: number, toleranceS: number,
): number {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] ? 1 : 0, warn = probs[i] >= threshold;
    if (y && warn) tp++;
    else if (warn) {
      const t = timeToEntryS[i];
      if (!(t > horizonS && t <= horizonS + toleranceS)) fp++;
    } else if (y) fn++;
  }
  return f1FromCounts(tp, fp, fn);
}

/** The spread of one head's probability over the frames a given time before the road entry: (fromS, toS]. */
export interface ProbabilityBin {
  fromS: number;
  toS: number;
  frames: number;
  p10: number;
  median: number;
  p90: number;
}

/**
 * One head's probability against time to road entry, over the jaywalkers' frames up to `spanS` before
 * their entry, in bins of `binS` (nearest first). Where the median crosses the threshold is when a
 * typical jaywalker is warned; how far apart p10 and p90 cross is how blurred that timing is.
 * Frames of pedestrians who never jaywalk (NaN) and after the entry are left out.
 */
export function probabilityBeforeEntry(timeToEntryS: ArrayLike<number>, probs: ArrayLike<number>, spanS = 3, binS = 0.1): ProbabilityBin[] {
  const nBins = Math.round(spanS / binS);
  const byBin: number[][] = Array.from({ length: nBins }, () => []);
  for (let i = 0; i < timeToEntryS.length; i++) {
    const t = timeToEntryS[i];
    if (!(t > 0 && t <= spanS + 1e-9)) continue;
    // Bin k holds (k·binS, (k+1)·binS]; the tolerance keeps 10 Hz frames 1.0 s out in the 0.9–1.0 bin.
    byBin[Math.min(nBins - 1, Math.max(0, Math.ceil(t / binS - 1e-6) - 1))].push(probs[i]);
  }
  const edge = (k: number) => Math.round(k * binS * 1e6) / 1e6;
  return byBin.map((ps, k) => ({
    fromS: edge(k), toS: edge(k + 1), frames: ps.length, p10: quantile(ps, 0.1), median: median(ps), p90: quantile(ps, 0.9),
  }));
}
