// A small reader for PCL's PCD format (v0.7, DATA ascii or binary; not binary_compressed), enough to
// load reference clouds in tests and tools. Fields come back as typed arrays keyed by name.

import { err, ok, type DecodeError, type Result } from "../result.ts";

export interface PcdField {
  readonly name: string;
  readonly size: number;
  readonly type: "F" | "U" | "I";
  readonly count: number;
}

export interface PcdCloud {
  readonly fields: readonly PcdField[];
  readonly points: number;
  readonly width: number;
  readonly height: number;
  /** One array per field (first element of each field; counts > 1 are not expanded). */
  readonly data: Readonly<Record<string, Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array>>;
}

export type PcdError = DecodeError<"header" | "length" | "unsupported">;

function arrayFor(f: PcdField, n: number): PcdCloud["data"][string] | undefined {
  if (f.type === "F") return f.size === 4 ? new Float32Array(n) : f.size === 8 ? new Float64Array(n) : undefined;
  if (f.type === "U") return f.size === 1 ? new Uint8Array(n) : f.size === 2 ? new Uint16Array(n) : f.size === 4 ? new Uint32Array(n) : undefined;
  return f.size === 1 ? new Int8Array(n) : f.size === 2 ? new Int16Array(n) : f.size === 4 ? new Int32Array(n) : undefined;
}

export function parsePcd(bytes: Uint8Array): Result<PcdCloud, PcdError> {
  const header: Record<string, string[]> = {};
  let pos = 0;
  let dataKind = "";
  while (pos < bytes.length) {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    const line = new TextDecoder().decode(bytes.subarray(pos, end)).trim();
    pos = end + 1;
    if (line === "" || line.startsWith("#")) continue;
    const [key, ...rest] = line.split(/\s+/);
    header[key.toUpperCase()] = rest;
    if (key.toUpperCase() === "DATA") {
      dataKind = rest[0] ?? "";
      break;
    }
  }
  const names = header.FIELDS;
  const sizes = header.SIZE;
  const types = header.TYPE;
  if (!names || !sizes || !types || !dataKind) {
    return err({ code: "header", message: "PCD: header needs FIELDS, SIZE, TYPE and DATA" });
  }
  const counts = header.COUNT ?? names.map(() => "1");
  const width = Number(header.WIDTH?.[0] ?? NaN);
  const height = Number(header.HEIGHT?.[0] ?? 1);
  const points = Number(header.POINTS?.[0] ?? width * height);
  if (!Number.isInteger(points) || points < 0 || sizes.length !== names.length || types.length !== names.length) {
    return err({ code: "header", message: "PCD: inconsistent FIELDS/SIZE/TYPE/POINTS" });
  }
  const fields: PcdField[] = names.map((name, i) => ({
    name,
    size: Number(sizes[i]),
    type: types[i] as PcdField["type"],
    count: Number(counts[i] ?? 1),
  }));
  const data: Record<string, PcdCloud["data"][string]> = {};
  for (const f of fields) {
    const a = arrayFor(f, points);
    if (!a) return err({ code: "unsupported", message: `PCD: field ${f.name} type ${f.type}${f.size} unsupported` });
    data[f.name] = a;
  }
  if (dataKind === "binary") {
    const step = fields.reduce((s, f) => s + f.size * f.count, 0);
    const need = step * points;
    if (bytes.length - pos < need) {
      return err({ code: "length", message: `PCD binary data: expected ${need} bytes, got ${bytes.length - pos}` });
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset + pos, need);
    let off = 0;
    for (let p = 0; p < points; p++) {
      for (const f of fields) {
        const a = data[f.name];
        let v: number;
        if (f.type === "F") v = f.size === 4 ? view.getFloat32(off, true) : view.getFloat64(off, true);
        else if (f.type === "U") v = f.size === 1 ? view.getUint8(off) : f.size === 2 ? view.getUint16(off, true) : view.getUint32(off, true);
        else v = f.size === 1 ? view.getInt8(off) : f.size === 2 ? view.getInt16(off, true) : view.getInt32(off, true);
        a[p] = v;
        off += f.size * f.count;
      }
    }
  } else if (dataKind === "ascii") {
    const lines = new TextDecoder().decode(bytes.subarray(pos)).split("\n").filter((l) => l.trim() !== "");
    if (lines.length < points) return err({ code: "length", message: `PCD ascii data: expected ${points} rows, got ${lines.length}` });
    for (let p = 0; p < points; p++) {
      const cols = lines[p].trim().split(/\s+/);
      let c = 0;
      for (const f of fields) {
        data[f.name][p] = Number(cols[c]);
        c += f.count;
      }
    }
  } else {
    return err({ code: "unsupported", message: `PCD: DATA ${dataKind} unsupported (ascii or binary only)` });
  }
  return ok({ fields, points, width, height, data });
}
