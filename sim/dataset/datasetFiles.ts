// The on-disk intent dataset: a few little-endian binary arrays plus header.json describing them
// (see README.md). Written incrementally (one run at a time), read back whole.
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
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

/** Reads a dataset folder whole; checks the format and array sizes. */
export function readDataset(dir: string): LoadedDataset {
  const header = JSON.parse(readFileSync(join(dir, "header.json"), "utf8")) as DatasetHeader;
  if (header.format !== DATASET_FORMAT) throw new Error(`${dir}: not a ${DATASET_FORMAT} (format ${JSON.stringify(header.format)})`);
  const load = <T extends Uint8Array | Float32Array>(name: ArrayName): T => {
    const a = header.arrays[name];
    const buf = readFileSync(join(dir, a.file));
    const count = a.shape.reduce((x, y) => x * y, 1);
    const size = a.dtype === "uint8" ? 1 : 4;
    if (buf.byteLength !== count * size) throw new Error(`${dir}/${a.file}: expected ${count * size} bytes, got ${buf.byteLength}`);
    const copy = new Uint8Array(buf.byteLength);
    copy.set(buf);
    return (a.dtype === "uint8" ? copy : new Float32Array(copy.buffer)) as T;
  };
  return {
    header,
    n: header.n,
    rasters: load<Uint8Array>("rasters"),
    features: load<Float32Array>("features"),
    labels: load<Uint8Array>("labels"),
    meta: load<Float32Array>("meta"),
    tracks: load<Float32Array>("tracks"),
    sequences: header.sequences,
  };
}

/** `readDataset`, refusing data drawn by another raster spec than this checkout's (a model would be fed inputs it was not built for). */
export function readCurrentDataset(dir: string): LoadedDataset {
  const ds = readDataset(dir);
  const stale = diffRasterSpec(ds.header.spec, RASTER_SPEC, "data");
  if (stale.length) throw new Error(`${dir} was rasterised by another raster spec than this checkout's (${stale.join("; ")}): rebuild it with curb dataset`);
  return ds;
}
