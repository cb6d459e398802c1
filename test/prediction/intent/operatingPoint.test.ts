// The operating point a model card carries: per-head thresholds and the warning head, old cards with
// one threshold, and cards whose point does not fit the raster spec's heads.
import { describe, expect, it } from "vitest";
import { checkOperatingPoint, describeOperatingPoint, operatingPointOf, thresholdAt, uniformOperatingPoint } from "../../../prediction/index.ts";

describe("operating point", () => {
  const point = { thresholds: { "0.5s": 0.4, "1s": 0.45, "1.5s": 0.5, "2s": 0.45 }, warningHorizonS: 1.5 };

  it("reads a card's point, an old card's single threshold for every head, and 0.5 without either", () => {
    expect(operatingPointOf({ operatingPoint: point })).toEqual(point);
    expect(operatingPointOf({ operatingThreshold: { value: 0.35 } })).toEqual({ thresholds: { "0.5s": 0.35, "1s": 0.35, "1.5s": 0.35, "2s": 0.35 }, warningHorizonS: 1 });
    expect(operatingPointOf({})).toEqual(uniformOperatingPoint(0.5));
    expect(thresholdAt(point, 1)).toBe(0.45);
    expect(describeOperatingPoint(point)).toBe("thresholds 0.5s 0.4, 1s 0.45, 1.5s 0.5, 2s 0.45; warning P(1.5 s) ≥ 0.5");
  });

  it("refuses a point that misses a head, holds a non-probability or warns on a head the model does not have", () => {
    const { "2s": _, ...noTwo } = point.thresholds;
    expect(() => operatingPointOf({ operatingPoint: { ...point, thresholds: noTwo } }, "m.card.json")).toThrow(/m.card.json operatingPoint: threshold for 2s is undefined, not a probability/);
    expect(() => checkOperatingPoint({ ...point, thresholds: { ...point.thresholds, "1s": 1.2 } })).toThrow(/threshold for 1s is 1.2/);
    expect(() => checkOperatingPoint({ ...point, warningHorizonS: 3 })).toThrow(/warning head 3 s is not one of 0.5, 1, 1.5, 2 s/);
    expect(() => thresholdAt({ thresholds: { "1s": 0.5 }, warningHorizonS: 1 }, 2)).toThrow(/no threshold for the 2 s head/);
  });
});
