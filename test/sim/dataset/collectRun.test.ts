import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RASTER_SPEC } from "../../../prediction/index.ts";
import { buildDataset, COLLECTION_STACK, collectRun, DatasetWriter, datasetScenarios, datasetSeeds, META_COLUMNS, readDataset, readDatasetHeader, widenVariation } from "../../../sim/dataset/index.ts";
import { findScenario } from "../../../sim/scenarios/index.ts";

const H = RASTER_SPEC.horizonsS.length;
const M = META_COLUMNS.length;
const meta = (run: { meta: Float32Array }, i: number, c: (typeof META_COLUMNS)[number]) => run.meta[i * M + META_COLUMNS.indexOf(c)];

describe("collectRun", () => {
  it("labels a jaywalker from ground truth: positive within h of its road entry and while on the road", async () => {
    const run = await collectRun(findScenario("jaywalk-clear-view"), 3);
    expect(run.n).toBeGreaterThan(50);
    const seq = run.sequences.find((s) => s.willJaywalk)!;
    expect(seq).toBeDefined();
    let preEntryPositives = 0;
    for (let i = seq.start; i < seq.start + seq.length; i++) {
      const tte = meta(run, i, "time_to_entry_s");
      expect(Number.isFinite(tte)).toBe(true);
      RASTER_SPEC.horizonsS.forEach((h, k) => {
        const y = run.labels[i * H + k];
        if (tte >= 0 && tte <= h - 1e-6) expect(y).toBe(1); // the entry lies inside the horizon
        if (tte > h + 1e-6) expect(y).toBe(0); // entry later than the horizon, still on the sidewalk
        if (k === 1 && tte > 0) preEntryPositives += y;
      });
      expect(meta(run, i, "pre_entry")).toBe(tte > 0 ? 1 : 0);
    }
    // About 1 s of 10 Hz frames before the entry are positive at h = 1 s.
    expect(preEntryPositives).toBeGreaterThanOrEqual(9);
    expect(preEntryPositives).toBeLessThanOrEqual(11);
    // Sequences are contiguous and ordered; the first frame of a sequence is marked padded.
    expect(meta(run, seq.start, "history_padded")).toBe(1);
    for (let i = seq.start + 1; i < seq.start + seq.length; i++) expect(meta(run, i, "t_s")).toBeGreaterThan(meta(run, i - 1, "t_s"));
  });

  it("never labels pedestrians who do not jaywalk (walkers, crosswalk crossers, hesitators)", async () => {
    for (const name of ["walk-along-curb", "crosswalk-crossing", "hesitating-pedestrian"]) {
      const run = await collectRun(findScenario(name), 1);
      expect(run.n).toBeGreaterThan(0);
      expect(run.labels.every((v) => v === 0)).toBe(true);
    }
  });

  it("ends the anticipation (pre-entry) frames of any pedestrian when it first steps onto the road", async () => {
    for (const name of ["hesitating-pedestrian", "crosswalk-crossing"]) {
      const run = await collectRun(findScenario(name), 1);
      const seq = run.sequences.find((s) => s.behaviour !== 0 && (s.willCross || name === "hesitating-pedestrian"))!;
      let seenRoad = false;
      let pre = 0;
      for (let i = seq.start; i < seq.start + seq.length; i++) {
        seenRoad ||= meta(run, i, "on_road") === 1;
        if (seenRoad) expect(meta(run, i, "pre_entry"), `${name} frame ${i}`).toBe(0);
        pre += meta(run, i, "pre_entry");
      }
      expect(seenRoad, name).toBe(true);
      expect(pre, name).toBeGreaterThan(10);
    }
  });

  it("is deterministic and round-trips through the files", async () => {
    const s = findScenario("running-child");
    const a = await collectRun(s, 5);
    const b = await collectRun(s, 5);
    expect(Buffer.from(a.rasters).equals(Buffer.from(b.rasters))).toBe(true);
    expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "curb-ds-"));
    try {
      const w = new DatasetWriter(dir);
      w.append(a);
      w.append(b);
      w.close({ test: true });
      const ds = readDataset(dir);
      expect(ds.n).toBe(2 * a.n);
      expect(ds.sequences[a.sequences.length].start).toBe(a.n);
      expect(Buffer.from(ds.rasters.subarray(a.rasters.length)).equals(Buffer.from(a.rasters))).toBe(true);
      expect([...ds.features.subarray(0, RASTER_SPEC.features.length)]).toEqual([...a.features.subarray(0, RASTER_SPEC.features.length)]);
      expect(ds.header.spec).toEqual(JSON.parse(JSON.stringify(RASTER_SPEC)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records with the pinned collection drive, not with today's planner (occlusion slowing would change the data)", async () => {
    const s = findScenario("jaywalk-occluded");
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    const pinned = await collectRun(s, 1);
    expect(same(pinned.rasters, (await collectRun(s, 1, COLLECTION_STACK)).rasters)).toBe(true);
    const today = await collectRun(s, 1, {});
    expect(today.n === pinned.n && same(today.rasters, pinned.rasters)).toBe(false);
  });

  it("--drive records with a stack file's drive instead, says so in the manifest, and refuses a bad file before writing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-ds-drive-"));
    try {
      const drive = join(dir, "today.yaml");
      writeFileSync(drive, "planning:\n  slowForOcclusions: true\n");
      const out = join(dir, "data");
      const opts = { suite: "default", variants: 1, seedBase: 1, variation: "suite" as const, scenarios: ["jaywalk-occluded"], quiet: true };
      const header = await buildDataset({ ...opts, out, drive });
      const m = header.manifest as { stack: string; command: string };
      expect(m.stack).toContain(`drive ${drive}, as \`curb sim --config ${drive}\` runs it (default parameters but planning.slowForOcclusions = true)`);
      expect(m.command).toContain(`--drive ${drive}`);
      const s = findScenario("jaywalk-occluded");
      const today = await collectRun(s, 1, { planning: { slowForOcclusions: true } });
      const recorded = readDataset(out);
      expect(recorded.n).toBe(today.n);
      expect(Buffer.from(recorded.rasters).equals(Buffer.from(today.rasters))).toBe(true);
      expect(Buffer.from(today.rasters).equals(Buffer.from((await collectRun(s, 1)).rasters))).toBe(false);

      // A noise-free drive file: the manifest says what the run's seed still draws.
      const quiet = join(dir, "noise-free.yaml");
      writeFileSync(quiet, "perception:\n  positionNoiseSdM: 0\n  velocityNoiseSdMps: 0\n");
      const quietHeader = await buildDataset({ ...opts, out: join(dir, "quiet"), drive: quiet });
      const quietStack = (quietHeader.manifest as { stack: string }).stack;
      expect(quietStack).toContain("oracle perception without noise; the seed draws its misses");
      expect(quietStack).not.toContain("with noise");
      expect(m.stack).toContain("(oracle perception with noise)");

      const typo = join(dir, "typo.yaml");
      writeFileSync(typo, "planning:\n  slowForOcclusion: true\n");
      const never = join(dir, "never");
      await expect(buildDataset({ ...opts, out: never, drive: typo })).rejects.toThrow(/invalid config .*typo\.yaml/s);
      expect(existsSync(never)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a folder that is not a whole dataset is refused, naming what is wrong", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-ds-"));
    try {
      expect(() => readDataset(dir)).toThrow(`${dir} is not an intent dataset (no header.json`);
      const w = new DatasetWriter(dir);
      w.append(await collectRun(findScenario("running-child"), 5));
      w.close({ test: true });
      const header = readDatasetHeader(dir);
      expect(readDataset(dir).n).toBe(header.n);
      // Rebuilt in place and interrupted (never closed): no header describes the new arrays.
      new DatasetWriter(dir).append(await collectRun(findScenario("running-child"), 6));
      expect(() => readDataset(dir)).toThrow(`${dir} is not an intent dataset (no header.json`);
      const w2 = new DatasetWriter(dir);
      w2.append(await collectRun(findScenario("running-child"), 5));
      w2.close({ test: true });
      expect(readDatasetHeader(dir)).toEqual(header);
      const labels = join(dir, "labels.bin");
      const whole = readFileSync(labels);
      writeFileSync(labels, whole.subarray(0, whole.length - 3));
      expect(() => readDatasetHeader(dir)).toThrow(`${labels}: expected ${whole.length} bytes, got ${whole.length - 3}`);
      rmSync(join(dir, "meta.bin"));
      expect(() => readDataset(dir)).toThrow(/labels\.bin: expected .*; .*meta\.bin is missing: build one with `curb dataset/);
      writeFileSync(join(dir, "header.json"), "{\"format\": \"curb-intent-dat");
      expect(() => readDataset(dir)).toThrow(/header\.json is not JSON/);
      writeFileSync(join(dir, "header.json"), JSON.stringify({ format: "something-else" }));
      expect(() => readDataset(dir)).toThrow(/not a curb-intent-dataset \(format "something-else"\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an empty dataset, a sequence outside the frames or a label that is not 0/1 is refused, not scored as 0/0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-ds-"));
    try {
      new DatasetWriter(dir).close({ suite: "default" }); // a valid header over no frames (a suite without pedestrians, say)
      expect(() => readDatasetHeader(dir)).toThrow(`${dir} holds no pedestrian frames (0 frames, 0 sequences)`);
      const w = new DatasetWriter(dir);
      w.append(await collectRun(findScenario("running-child"), 5));
      const header = w.close({ suite: "default" });
      expect(readDataset(dir).n).toBe(header.n);
      const headerFile = join(dir, "header.json");
      writeFileSync(headerFile, JSON.stringify({ ...header, sequences: [{ ...header.sequences[0], length: header.n + 1 }] }));
      expect(() => readDatasetHeader(dir)).toThrow(`sequence 0 ({"start":0,"length":${header.n + 1}}) lies outside the ${header.n} frames`);
      writeFileSync(headerFile, JSON.stringify(header));
      const labels = readFileSync(join(dir, "labels.bin"));
      labels[7] = 200; // the right size, the wrong contents
      writeFileSync(join(dir, "labels.bin"), labels);
      expect(() => readDataset(dir)).toThrow(`${join(dir, "labels.bin")}: label 7 is 200, labels are 0 or 1`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the suite by name and widens variation only where the scenario stays valid", () => {
    expect(() => datasetScenarios({ suite: "no-such-suite", variation: "suite" })).toThrow(/unknown suite/);
    expect(datasetSeeds({ variants: 3, seedBase: 5 })).toEqual([5, 6, 7]);
    for (const variants of [0, -1, 1.5, Number.NaN]) expect(() => datasetSeeds({ variants, seedBase: 1 })).toThrow(`variants must be a whole number ≥ 1, not ${variants}`);
    const list = datasetScenarios({ suite: "default", variation: "wide" });
    expect(list.some((s) => s.name === "empty-street")).toBe(false);
    const jay = widenVariation(findScenario("jaywalk-clear-view"));
    expect(jay.pedestrians[0].variation.startXM).toBe(2.5);
  });
});
