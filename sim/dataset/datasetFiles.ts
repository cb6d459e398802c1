// The on-disk intent dataset: a few little-endian binary arrays plus header.json describing them
// (see README.md). Written incrementally (one run at a time), read back whole.
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { diffRasterSpec, RASTER_SPEC, type RasterSpec } from "../../prediction/index.ts";
import { META_COLUMNS, type RunSamples, type SequenceInfo, TRACK_COLUMNS } from "./collectRun.ts";

export const DATASET_FORMAT = "curb-intent-dataset";
export const DATASET_FORMAT_VERSION = 1;

export interface ArrayFile {
  file: string;
  dtype: "uint8" | "float32";
  shape: number[];
  columns?: readonly string[];
}

export interface DatasetHeader {
  format: typeof DATASET_FORMAT;
  formatVersion: number;
  littleEndian: true;
  spec: RasterSpec;
  n: number;
  arrays: { rasters: ArrayFile; features: ArrayFile; labels: ArrayFile; meta: ArrayFile; tracks: ArrayFile };
  sequences: SequenceInfo[];
  manifest: unknown;
}

type ArrayName = keyof DatasetHeader["arrays"];
const NAMES: ArrayName[] = ["rasters", "features", "labels", "meta", "tracks"];

export class DatasetWriter {
  private readonly fds: Record<ArrayName, number>;
  n = 0;
  readonly sequences: SequenceInfo[] = [];

  constructor(readonly dir: string, readonly spec: RasterSpec = RASTER_SPEC) {
    // A rebuild in place: the old header must not describe the new, still growing arrays.
    for (const f of ["header.json", "manifest.json"]) rmSync(join(dir, f), { force: true });
    this.fds = Object.fromEntries(NAMES.map((k) => [k, openSync(join(dir, `${k}.bin`), "w")])) as Record<ArrayName, number>;
  }

  append(run: RunSamples): void {
    const bytes = (a: Uint8Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    writeSync(this.fds.rasters, bytes(run.rasters));
    writeSync(this.fds.features, bytes(run.features));
    writeSync(this.fds.labels, bytes(run.labels));
    writeSync(this.fds.meta, bytes(run.meta));
    writeSync(this.fds.tracks, bytes(run.tracks));
    for (const s of run.sequences) this.sequences.push({ ...s, start: s.start + this.n });
    this.n += run.n;
  }

  close(manifest: unknown): DatasetHeader {
    for (const k of NAMES) closeSync(this.fds[k]);
    const s = this.spec;
    const header: DatasetHeader = {
      format: DATASET_FORMAT,
      formatVersion: DATASET_FORMAT_VERSION,
      littleEndian: true,
      spec: s,
      n: this.n,
      arrays: {
        rasters: { file: "rasters.bin", dtype: "uint8", shape: [this.n, s.channels.length, s.sizePx, s.sizePx], columns: s.channels },
        features: { file: "features.bin", dtype: "float32", shape: [this.n, s.features.length], columns: s.features },
        labels: { file: "labels.bin", dtype: "uint8", shape: [this.n, s.horizonsS.length], columns: s.horizonsS.map((h) => `jaywalk_within_${h}s`) },
        meta: { file: "meta.bin", dtype: "float32", shape: [this.n, META_COLUMNS.length], columns: META_COLUMNS },
        tracks: { file: "tracks.bin", dtype: "float32", shape: [this.n, TRACK_COLUMNS.length], columns: TRACK_COLUMNS },
      },
      sequences: this.sequences,
      manifest,
    };
    writeFileSync(join(this.dir, "header.json"), JSON.stringify(header, null, 1));
    writeFileSync(join(this.dir, "manifest.json"), JSON.stringify(manifest, null, 2));
    return header;
  }
}

export interface LoadedDataset extends RunSamples {
  header: DatasetHeader;
}

const REBUILD = "build one with `curb dataset --suite NAME --out DIR`";

function arrayBytes(a: ArrayFile): number {
  return a.shape.reduce((x, y) => x * y, 1) * (a.dtype === "uint8" ? 1 : 4);
}

/** Why `dir`'s array file is unusable, or undefined when its size is the header's. */
function arrayProblem(dir: string, a: ArrayFile): string | undefined {
  const expected = arrayBytes(a);
  let size: number;
  try {
    size = statSync(join(dir, a.file)).size;
  } catch {
    return `${join(dir, a.file)} is missing`;
  }
  return size === expected ? undefined : `${join(dir, a.file)}: expected ${expected} bytes, got ${size}`;
}

/**
 * Reads and checks a dataset folder's header.json and the sizes of its array files, without reading
 * them: what `curb train intent` checks before handing the folder to Python. Throws naming the folder.
 */
export function readDatasetHeader(dir: string): DatasetHeader {
  let text: string;
  try {
    text = readFileSync(join(dir, "header.json"), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new Error(`${dir} is not an intent dataset (no header.json; the header is written last, so an interrupted \`curb dataset\` leaves none): ${REBUILD}`);
    }
    throw new Error(`cannot read ${join(dir, "header.json")}: ${(error as Error).message}`);
  }
  let header: DatasetHeader;
  try {
    header = JSON.parse(text) as DatasetHeader;
  } catch (error) {
    throw new Error(`${join(dir, "header.json")} is not JSON (${(error as Error).message}): ${REBUILD}`);
  }
  if (header?.format !== DATASET_FORMAT) throw new Error(`${dir}: not a ${DATASET_FORMAT} (format ${JSON.stringify(header?.format)})`);
  const problems = NAMES.map((name) => (header.arrays?.[name] ? arrayProblem(dir, header.arrays[name]) : `header.json has no ${name} array`)).filter((p) => p !== undefined);
  if (problems.length) throw new Error(`${dir}: ${problems.join("; ")}: ${REBUILD}`);
  const sequences = Array.isArray(header.sequences) ? header.sequences : [];
  // An empty dataset would train on nothing and score 0/0 as a result, so it is refused here.
  if (!(header.n > 0) || sequences.length === 0) throw new Error(`${dir} holds no pedestrian frames (${header.n} frames, ${sequences.length} sequences): ${REBUILD} with more variants or scenarios with pedestrians`);
  const bad = sequences.findIndex((q) => !(Number.isInteger(q?.start) && Number.isInteger(q?.length) && q.start >= 0 && q.length >= 1 && q.start + q.length <= header.n));
  if (bad >= 0) throw new Error(`${join(dir, "header.json")}: sequence ${bad} (${JSON.stringify({ start: sequences[bad]?.start, length: sequences[bad]?.length })}) lies outside the ${header.n} frames: ${REBUILD}`);
  return header;
}

/** Throws unless every label of `labels` is 0 or 1 (a corrupt labels.bin of the right size would otherwise train and score silently). */
export function checkDatasetLabels(dir: string, labels: Uint8Array): void {
  const i = labels.findIndex((v) => v > 1);
  if (i >= 0) throw new Error(`${join(dir, "labels.bin")}: label ${i} is ${labels[i]}, labels are 0 or 1: ${REBUILD}`);
}

/** The randomised suite only the final evaluation may see (sim/scenarios/randomSuites.ts). */
export const HELD_OUT_SUITE = "test";

/**
 * Refuses data drawn from the held-out test suite for `use` (training, validation, choosing a
 * threshold): what is chosen on it would be scored on it, and the test figures would mean nothing.
 */
export function refuseHeldOut(dir: string, header: DatasetHeader, use: string): void {
  const suite = (header.manifest as { suite?: unknown } | undefined)?.suite;
  if (suite === HELD_OUT_SUITE) {
    throw new Error(`${dir} holds the held-out "${HELD_OUT_SUITE}" suite, which must not be used to ${use} (build the val suite: curb dataset --suite val --variants 1 --seed-base 1 --out DIR)`);
  }
}

/** The most one typed array holds here (V8 on 64 bits: 2^32 bytes). */
export const MAX_ARRAY_BYTES = 2 ** 32;
/** readFileSync refuses files over 2 GiB, so an array file is read in pieces of this size. */
const READ_PIECE_BYTES = 1 << 30;

/** An array file (or `byteLength` bytes of it from `offset`) read into one buffer of its own (aligned for a Float32Array view): no second copy. */
export function readArrayFile(path: string, byteLength: number, offset = 0): Uint8Array {
  if (byteLength > MAX_ARRAY_BYTES) {
    throw new Error(`${path}: ${(byteLength / 2 ** 30).toFixed(1)} GiB, more than one array can hold here (${MAX_ARRAY_BYTES / 2 ** 30} GiB): build the dataset with fewer --variants or scenarios`);
  }
  const bytes = new Uint8Array(byteLength);
  const fd = openSync(path, "r");
  try {
    for (let at = 0; at < byteLength; ) {
      const read = readSync(fd, bytes, at, Math.min(READ_PIECE_BYTES, byteLength - at), offset + at);
      if (read === 0) throw new Error(`${path}: ends at byte ${offset + at} of ${offset + byteLength} (cut short while being read): ${REBUILD}`);
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Reads a dataset folder whole; checks the format and array sizes. */
export function readDataset(dir: string): LoadedDataset {
  const header = readDatasetHeader(dir);
  const load = <T extends Uint8Array | Float32Array>(name: ArrayName): T => {
    const a = header.arrays[name];
    const bytes = readArrayFile(join(dir, a.file), arrayBytes(a));
    return (a.dtype === "uint8" ? bytes : new Float32Array(bytes.buffer)) as T;
  };
  const labels = load<Uint8Array>("labels");
  checkDatasetLabels(dir, labels);
  return {
    header,
    n: header.n,
    rasters: load<Uint8Array>("rasters"),
    features: load<Float32Array>("features"),
    labels,
    meta: load<Float32Array>("meta"),
    tracks: load<Float32Array>("tracks"),
    sequences: header.sequences,
  };
}

/** `readDataset`, refusing data drawn by another raster spec than this checkout's (a model would be fed inputs it was not built for). */
export function readCurrentDataset(dir: string): LoadedDataset {
  const ds = readDataset(dir);
  refuseStaleSpec(dir, ds.header);
  return ds;
}

function refuseStaleSpec(dir: string, header: DatasetHeader): void {
  const stale = diffRasterSpec(header.spec, RASTER_SPEC, "data");
  if (stale.length) throw new Error(`${dir} was rasterised by another raster spec than this checkout's (${stale.join("; ")}): rebuild it with curb dataset`);
}

/**
 * `readCurrentDataset` of frames [start, start + count) only, each array read at its offset: one
 * pedestrian of a 3.7 GB suite without reading the rest. The sequences wholly inside are kept, rebased.
 * `header`: the folder's, when the caller has read it already.
 */
export function readCurrentDatasetFrames(dir: string, start: number, count: number, header = readDatasetHeader(dir)): LoadedDataset {
  refuseStaleSpec(dir, header);
  if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= header.n)) {
    throw new Error(`${dir}: frames ${start}…${start + count - 1} are not within its ${header.n} frames`);
  }
  const load = <T extends Uint8Array | Float32Array>(name: ArrayName): T => {
    const a = header.arrays[name];
    const rowBytes = arrayBytes(a) / header.n;
    const bytes = readArrayFile(join(dir, a.file), rowBytes * count, rowBytes * start);
    return (a.dtype === "uint8" ? bytes : new Float32Array(bytes.buffer)) as T;
  };
  const labels = load<Uint8Array>("labels");
  checkDatasetLabels(dir, labels);
  return {
    header,
    n: count,
    rasters: load<Uint8Array>("rasters"),
    features: load<Float32Array>("features"),
    labels,
    meta: load<Float32Array>("meta"),
    tracks: load<Float32Array>("tracks"),
    sequences: header.sequences.filter((q) => q.start >= start && q.start + q.length <= start + count).map((q) => ({ ...q, start: q.start - start })),
  };
}
