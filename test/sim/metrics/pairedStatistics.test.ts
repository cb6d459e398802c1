import { describe, expect, it } from "vitest";
import { exactMcNemarP, pairedMeanDifference } from "../../../sim/metrics/index.ts";

describe("exact McNemar test", () => {
  it("is the two-sided binomial tail of the discordant scenarios", () => {
    // n = 12, k = 2: 2 · (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 · 79 / 4096.
    expect(exactMcNemarP(10, 2)).toBeCloseTo((2 * 79) / 4096, 12);
    expect(exactMcNemarP(2, 10)).toBe(exactMcNemarP(10, 2));
    expect(exactMcNemarP(0, 6)).toBeCloseTo(2 / 64, 12);
    // A balanced split is no evidence; no discordant scenario neither.
    expect(exactMcNemarP(5, 5)).toBe(1);
    expect(exactMcNemarP(0, 0)).toBe(1);
    // One scenario cannot show anything.
    expect(exactMcNemarP(1, 0)).toBe(1);
  });

  it("stays finite where 2^-n underflows", () => {
    expect(exactMcNemarP(1500, 1500)).toBe(1);
    // 600 against 400: z ≈ 6.3, the normal tail ≈ 3e-10.
    const p = exactMcNemarP(600, 400);
    expect(p).toBeGreaterThan(1e-10);
    expect(p).toBeLessThan(1e-9);
    expect(exactMcNemarP(2000, 0)).toBe(0);
  });

  it("refuses counts that are not whole numbers", () => {
    expect(() => exactMcNemarP(-1, 2)).toThrow(/whole numbers/);
    expect(() => exactMcNemarP(1.5, 2)).toThrow(/whole numbers/);
  });
});

describe("paired mean difference", () => {
  it("a constant shift has no spread", () => {
    const d = pairedMeanDifference([0, 2, 4, 6], [1, 3, 5, 7]);
    expect(d).toMatchObject({ n: 4, meanA: 3, meanB: 4, diff: 1, lo: 1, hi: 1 });
  });

  it("its interval holds the difference, and is the same on every run", () => {
    const a = Array.from({ length: 200 }, (_, i) => (i * 7919) % 13);
    const b = a.map((x, i) => x + ((i * 104729) % 5) - 1); // mean shift +1, spread 0–4
    const d = pairedMeanDifference(a, b);
    expect(d.diff).toBeCloseTo(1, 10);
    expect(d.lo).toBeLessThan(d.diff);
    expect(d.hi).toBeGreaterThan(d.diff);
    expect(d.lo).toBeGreaterThan(0.7); // SD of the shift ≈ 1.4, so its SE over 200 ≈ 0.1
    expect(d.hi).toBeLessThan(1.3);
    expect(pairedMeanDifference(a, b)).toEqual(d);
  });

  it("refuses unpaired inputs; none gives NaN", () => {
    expect(() => pairedMeanDifference([1, 2], [1])).toThrow(/not the same scenarios/);
    expect(pairedMeanDifference([], []).diff).toBeNaN();
  });
});
