import { describe, expect, it } from "vitest";
import { msg } from "../../../bus/index.ts";
import { RASTER_SPEC } from "../../../prediction/index.ts";
import { type LoadedDataset, LOOK_ALIKE_TEMPLATE, META_COLUMNS, stepOffLookAlikes } from "../../../sim/dataset/index.ts";

// 10 Hz sequences of 30 frames; each steps off at frame `off` (pre-entry before it) unless off is -1.
// The 1 s head reads `p(k)` at frame k.
function dataset(peds: { scenario: string; willJaywalk: boolean; behaviour: number; off: number; p: (k: number) => number }[]) {
  const H = RASTER_SPEC.horizonsS.length, M = META_COLUMNS.length, L = 30;
  const n = peds.length * L;
  const meta = new Float32Array(n * M);
  const probs = new Float32Array(n * H);
  const head = RASTER_SPEC.horizonsS.indexOf(1);
  peds.forEach((q, s) => {
    for (let k = 0; k < L; k++) {
      const i = s * L + k;
      meta[i * M + META_COLUMNS.indexOf("t_s")] = 5 + k / 10;
      meta[i * M + META_COLUMNS.indexOf("pre_entry")] = q.off < 0 || k < q.off ? 1 : 0;
      probs[i * H + head] = q.p(k);
    }
  });
  const sequences = peds.map((q, s) => ({ scenario: `${q.scenario}#1`, seed: 1, trackId: s, start: s * L, length: L, behaviour: q.behaviour, willJaywalk: q.willJaywalk, willCross: q.willJaywalk }));
  return { ds: { n, meta, sequences } as unknown as LoadedDataset, probs, head };
}

describe("stepOffLookAlikes", () => {
  it("bins each look-alike's probability by time to its step-off; other templates and pedestrians who never step off are left out", () => {
    const jay = msg.PedestrianTruth_Behaviour.JAYWALK, hes = msg.PedestrianTruth_Behaviour.HESITATE;
    const { ds, probs, head } = dataset([
      { scenario: LOOK_ALIKE_TEMPLATE, willJaywalk: true, behaviour: jay, off: 20, p: (k) => (k >= 15 ? 0.9 : 0.1) }, // standing
      { scenario: LOOK_ALIKE_TEMPLATE, willJaywalk: true, behaviour: jay, off: 25, p: (k) => (k >= 18 ? 0.8 : 0.2) }, // walking
      { scenario: "hesitate-at-curb", willJaywalk: false, behaviour: hes, off: 10, p: () => 0.3 },
      { scenario: "hesitate-at-curb", willJaywalk: false, behaviour: hes, off: -1, p: () => 0.7 }, // tracked only before it steps off
      { scenario: "jaywalk-group", willJaywalk: true, behaviour: jay, off: 12, p: () => 0.99 }, // another template
    ]);
    const r = stepOffLookAlikes(ds, probs, head, ["standing", "walking", "standing", "standing", "standing"]);
    expect(r.standingJaywalkers.pedestrians).toBe(1);
    expect(r.walkingJaywalkers.pedestrians).toBe(1);
    expect(r.hesitaters.pedestrians).toBe(1);
    // The standing jaywalker steps off at frame 20: frame 15 is 0.5 s before it, in the (0.4, 0.5] bin.
    const bin = (c: typeof r.standingJaywalkers, toS: number) => c.bins.find((b) => Math.abs(b.toS - toS) < 1e-9)!;
    expect(bin(r.standingJaywalkers, 0.5)).toMatchObject({ frames: 1, median: expect.closeTo(0.9, 6) });
    expect(bin(r.standingJaywalkers, 0.6)).toMatchObject({ frames: 1, median: expect.closeTo(0.1, 6) });
    expect(bin(r.walkingJaywalkers, 0.7)).toMatchObject({ frames: 1, median: expect.closeTo(0.8, 6) });
    // The hesitater's 10 pre-entry frames fill 0.1 … 1.0 s; nothing from the one that never stepped off (0.7).
    expect(r.hesitaters.bins.reduce((n, b) => n + b.frames, 0)).toBe(10);
    expect(r.hesitaters.bins.filter((b) => b.frames > 0).every((b) => Math.abs(b.median - 0.3) < 1e-6)).toBe(true);
    // The group jaywalker (0.99) is in no curve.
    for (const c of Object.values(r)) for (const b of c.bins) if (b.frames) expect(b.p90).toBeLessThan(0.95);
  });
});
