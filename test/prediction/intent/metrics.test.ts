import { describe, expect, it } from "vitest";
import { binaryMetrics, earlyTolerantF1, errorsByTimeToEntry, expectedCalibrationError, f1ByThreshold, reliabilityBins, rocCurve, median, pairedBootstrapF1Difference, pedestrianBootstrapF1, probabilityBeforeEntry, rocAuc, warningLeadTimeS, warningOnsets } from "../../../prediction/index.ts";

describe("intent metrics", () => {
  it("ROC-AUC: perfect, inverted, ties, one class", () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 0, 1], [0.9, 0.1, 0.4])).toBe(1);
    expect(rocAuc([0, 0], [0.1, 0.2])).toBeNaN();
  });

  it("precision, recall, F1 at a threshold; ECE", () => {
    const m = binaryMetrics([1, 1, 0, 0, 1], [0.9, 0.4, 0.6, 0.1, 0.7], 0.5);
    expect(m.precision).toBeCloseTo(2 / 3, 9);
    expect(m.recall).toBeCloseTo(2 / 3, 9);
    expect(m.f1).toBeCloseTo(2 / 3, 9);
    // All predictions 0.75, 3 of 4 positive: calibrated.
    expect(expectedCalibrationError([1, 1, 1, 0], [0.75, 0.75, 0.75, 0.75])).toBeCloseTo(0, 9);
    expect(expectedCalibrationError([0, 0], [0.95, 0.95])).toBeCloseTo(0.95, 9);
  });

  it("lead time counts from the start of the warning that lasts until the curb is left", () => {
    const t = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    // Blip at 0.1, then sustained from 0.3; entry at 0.55.
    expect(warningLeadTimeS(t, [0, 0.9, 0.2, 0.6, 0.7, 0.8, 0.9], 0.55, 0.5)).toBeCloseTo(0.25, 9);
    // Below threshold just before the entry: a miss.
    expect(warningLeadTimeS(t, [0, 0.9, 0.9, 0.9, 0.9, 0.2, 0.9], 0.55, 0.5)).toBeUndefined();
    expect(warningOnsets([0, 0.6, 0.7, 0.1, 0.9, 0.2], 0.5)).toBe(2);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it("bootstrap interval of the frame F1 over pedestrians: collapses when all agree, narrows with more of them, deterministic", () => {
    // Every pedestrian alike (8 TP, 2 FP, 2 FN): every resample has F1 = 16 / 20.
    const alike = pedestrianBootstrapF1(Array.from({ length: 30 }, () => [8, 2, 2]).flat());
    expect(alike.lo).toBeCloseTo(0.8, 12);
    expect(alike.hi).toBeCloseTo(0.8, 12);
    expect(alike.std).toBeCloseTo(0, 12);
    // A mixture: well-timed jaywalkers (10, 0, 0), early ones (10, 5, 0), missed ones (0, 0, 10).
    const mix = (copies: number) => Array.from({ length: copies }, () => [10, 0, 0, 10, 5, 0, 0, 0, 10]).flat();
    const point = (2 * 20) / (2 * 20 + 5 + 10);
    const few = pedestrianBootstrapF1(mix(5)), many = pedestrianBootstrapF1(mix(80));
    for (const b of [few, many]) {
      expect(b.lo).toBeLessThan(point);
      expect(b.hi).toBeGreaterThan(point);
    }
    expect(many.hi - many.lo).toBeLessThan(0.5 * (few.hi - few.lo)); // 16× the pedestrians: about a quarter of the width
    expect(pedestrianBootstrapF1(mix(5))).toEqual(few);
    expect(pedestrianBootstrapF1([]).resamples).toBe(0);
  });

  it("paired F1 difference: zero for the same predictor, beyond the draw when one is better on every pedestrian", () => {
    const mix = Array.from({ length: 40 }, (_, k) => (k % 3 === 0 ? [10, 0, 0] : k % 3 === 1 ? [10, 5, 0] : [0, 0, 10])).flat();
    expect(pairedBootstrapF1Difference(mix, mix)).toMatchObject({ lo: 0, hi: 0, std: 0 });
    // The same pedestrians, each with one FP frame fewer where it had any: a small but consistent gain.
    const better = mix.map((x, i) => (i % 3 === 1 && x > 0 ? x - 1 : x));
    const d = pairedBootstrapF1Difference(better, mix);
    expect(d.lo).toBeGreaterThan(0);
    // Unpaired, the two intervals overlap: the pairing is what resolves it.
    const a = pedestrianBootstrapF1(better), b = pedestrianBootstrapF1(mix);
    expect(a.lo).toBeLessThan(b.hi);
    expect(() => pairedBootstrapF1Difference(mix, mix.slice(3))).toThrow(/not the same pedestrians/);
  });

  it("errors by time to entry: bins (from, to], the rest beyond the last edge, never-jaywalkers apart", () => {
    const tte = [0.2, 0.5, 0.9, 1.2, 4, NaN, NaN];
    const labels = [1, 1, 1, 0, 0, 0, 0];
    const probs = [0.9, 0.2, 0.9, 0.9, 0.1, 0.9, 0.1];
    const bins = errorsByTimeToEntry(tte, labels, probs, 0.5, [0.5, 1, 2]);
    expect(bins.map((b) => [b.toS, b.tp, b.fp, b.fn, b.tn])).toEqual([
      [0.5, 1, 0, 1, 0], [1, 1, 0, 0, 0], [2, 0, 1, 0, 0], [Infinity, 0, 0, 0, 1], [NaN, 0, 1, 0, 1],
    ]);
    expect(bins[bins.length - 1].never).toBe(true);
    // Counts add up to the frames.
    expect(bins.reduce((n, b) => n + b.tp + b.fp + b.fn + b.tn, 0)).toBe(tte.length);
    // Forgiving the warning 1.2 s out (h = 1, tolerance 0.5) leaves the walker's false alarm and the miss: 2 TP, 1 FP, 1 FN.
    expect(earlyTolerantF1(tte, labels, probs, 0.5, 1, 0.5)).toBeCloseTo(4 / 6, 9);
    // Without tolerance it is the plain F1.
    expect(earlyTolerantF1(tte, labels, probs, 0.5, 1, 0)).toBeCloseTo(binaryMetrics(labels, probs, 0.5).f1, 9);
    expect(earlyTolerantF1(tte, labels, probs.map(() => 0), 0.5, 1, 0.5)).toBe(0);
  });

  it("ROC curve, reliability bins and F1 against threshold agree with the scalar metrics", () => {
    const labels = [0, 0, 1, 1, 0, 1, 0, 1];
    const probs = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.8, 0.35];
    const roc = rocCurve(labels, probs);
    expect(roc[0]).toEqual([0, 0]);
    expect(roc[roc.length - 1]).toEqual([1, 1]);
    // The ties at 0.8 (one each) and 0.35 (two positives) move together: 6 distinct probabilities, 7 points.
    expect(roc).toHaveLength(7);
    expect(roc[2]).toEqual([0.25, 0.5]);
    // Trapezoids under the curve give the rank AUC.
    let area = 0;
    for (let k = 1; k < roc.length; k++) area += ((roc[k][0] - roc[k - 1][0]) * (roc[k][1] + roc[k - 1][1])) / 2;
    expect(area).toBeCloseTo(rocAuc(labels, probs), 12);
    expect(rocCurve([1, 1], [0.2, 0.3])).toEqual([]);
    expect(rocCurve(labels.concat(labels, labels), probs.concat(probs.map((p) => p / 2), probs.map((p) => p / 3)), 5).length).toBeLessThanOrEqual(6);

    const bins = reliabilityBins(labels, probs, 10);
    expect(bins.reduce((n, b) => n + b.n, 0)).toBe(labels.length);
    expect(bins.find((b) => b.fromP === 0.8)).toMatchObject({ n: 2, observed: 0.5 });
    expect(bins.find((b) => b.fromP === 0.3)?.meanP).toBeCloseTo(0.35, 9);
    expect(bins.some((b) => b.fromP === 0.5)).toBe(false); // empty bins are left out

    for (const [t, f1] of f1ByThreshold(labels, probs, [0.3, 0.5, 0.85, 0.95])) expect(f1).toBeCloseTo(binaryMetrics(labels, probs, t).f1, 12);
  });

  it("probability before the entry: 10 Hz frames land in their (from, to] bin, quantiles per bin, other frames left out", () => {
    // Two jaywalkers 1.0, 0.9 … 0.1 s before their entry (as float32 times arrive), one ramping up earlier than the other,
    // plus frames after the entry, beyond the span and of someone who never jaywalks.
    const tte: number[] = [], p: number[] = [];
    for (const lateness of [0, 0.2]) {
      for (let k = 10; k >= 1; k--) {
        tte.push(Math.fround(k / 10));
        p.push(Math.max(0, Math.min(1, 1.1 - k / 10 - lateness)));
      }
    }
    tte.push(-0.1, 0, 3.5, NaN);
    p.push(1, 1, 0.9, 0.9);
    const bins = probabilityBeforeEntry(tte, p, 1, 0.1);
    expect(bins.map((b) => [b.fromS, b.toS])).toEqual(Array.from({ length: 10 }, (_, k) => [k / 10, (k + 1) / 10]));
    expect(bins.map((b) => b.frames)).toEqual(Array(10).fill(2));
    // 1.0 s out: 0.1 and 0 (clipped); 0.1 s out: 1.0 and 0.8.
    expect(bins[9]).toMatchObject({ p10: 0, p90: expect.closeTo(0.1, 9), median: expect.closeTo(0.05, 9) });
    expect(bins[0]).toMatchObject({ p10: expect.closeTo(0.8, 9), p90: expect.closeTo(1, 9), median: expect.closeTo(0.9, 9) });
    // An empty bin says so rather than inventing a value.
    const sparse = probabilityBeforeEntry([0.25], [0.7], 0.5, 0.1);
    expect(sparse.map((b) => b.frames)).toEqual([0, 0, 1, 0, 0]);
    expect(sparse[0].median).toBeNaN();
    expect(sparse[2].median).toBe(0.7);
  });
});
