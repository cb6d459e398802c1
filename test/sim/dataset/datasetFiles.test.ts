// Reading a dataset's array files: past readFileSync's 2 GiB, a clear error past what one array holds,
// and a file cut short while being read.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_ARRAY_BYTES, readArrayFile } from "../../../sim/dataset/datasetFiles.ts";

const dir = mkdtempSync(join(tmpdir(), "curb-arrays-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readArrayFile", () => {
  it("reads a file over 2 GiB (readFileSync's limit) whole, every byte where it was written", () => {
    // Sparse: 2.25 GiB of zeros costs no disk, with a marker at each end and across a 1 GiB read piece.
    const path = join(dir, "rasters.bin");
    const size = 2 ** 31 + 2 ** 28;
    const fd = openSync(path, "w");
    const marks: [number, number][] = [[0, 17], [2 ** 30 - 1, 42], [2 ** 30, 43], [2 ** 31 + 5, 99], [size - 1, 255]];
    for (const [at, v] of marks) writeSync(fd, Uint8Array.of(v), 0, 1, at);
    closeSync(fd);
    const bytes = readArrayFile(path, size);
    expect(bytes.length).toBe(size);
    for (const [at, v] of marks) expect(bytes[at], `byte ${at}`).toBe(v);
    expect(bytes[2 ** 31]).toBe(0);
    expect(new Float32Array(bytes.buffer, 0, 1).length).toBe(1); // its own buffer from byte 0: a float32 view fits
    rmSync(path);
  });

  it("refuses an array larger than one typed array holds, before allocating, and a file shorter than its header says", () => {
    const path = join(dir, "small.bin");
    writeFileSync(path, new Uint8Array(10));
    expect(() => readArrayFile(path, MAX_ARRAY_BYTES + 4)).toThrow(/small\.bin: 4\.0 GiB, more than one array can hold here \(4 GiB\): build the dataset with fewer --variants/);
    expect(() => readArrayFile(path, 16)).toThrow(/small\.bin: ends at byte 10 of 16 \(cut short while being read\)/);
    expect(Array.from(readArrayFile(path, 10))).toEqual(new Array(10).fill(0));
  });
});
