import { describe, expect, it } from "vitest";
import { binaryMetrics, expectedCalibrationError, median, rocAuc, warningLeadTimeS, warningOnsets } from "../../../prediction/index.ts";

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
});
