// Decoded points → foxglove.PointCloud: packed little-endian, 24 bytes per point.
import { create } from "@bufbuild/protobuf";
import { toTimestamp } from "../../../bus/index.ts";
import { type PointCloud, PointCloudSchema } from "../../../bus/gen/foxglove/PointCloud_pb.ts";
import { PackedElementField_NumericType as T, PackedElementFieldSchema } from "../../../bus/gen/foxglove/PackedElementField_pb.ts";
import type { PointCloudView } from "../../velodyne/PointBuffer.ts";

/**
 * Layout of one point. x, y, z metres in the sensor frame (x forward, y left, z up); intensity
 * 0–255; time_offset_s seconds after the cloud's timestamp (the first packet of the scan);
 * ring = laser ordered by elevation (0 lowest); return_type = RETURN_TYPE code.
 */
export const POINT_CLOUD_LAYOUT = Object.freeze([
  { name: "x", offset: 0, type: T.FLOAT32 },
  { name: "y", offset: 4, type: T.FLOAT32 },
  { name: "z", offset: 8, type: T.FLOAT32 },
  { name: "intensity", offset: 12, type: T.FLOAT32 },
  { name: "time_offset_s", offset: 16, type: T.FLOAT32 },
  { name: "ring", offset: 20, type: T.UINT16 },
  { name: "return_type", offset: 22, type: T.UINT8 },
] as const);
export const POINT_STRIDE = 24;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Packs the points into a new byte array (the message owns it). */
export function packPoints(points: PointCloudView): Uint8Array {
  const n = points.length;
  const bytes = new Uint8Array(n * POINT_STRIDE);
  if (LITTLE_ENDIAN_HOST) {
    const f = new Float32Array(bytes.buffer);
    const u16 = new Uint16Array(bytes.buffer);
    for (let i = 0, o = 0; i < n; i++, o += 6) {
      f[o] = points.x[i];
      f[o + 1] = points.y[i];
      f[o + 2] = points.z[i];
      f[o + 3] = points.intensity[i];
      f[o + 4] = points.timeOffsetS[i];
      u16[2 * o + 10] = points.ring[i];
      bytes[4 * o + 22] = points.returnType[i];
    }
  } else {
    const v = new DataView(bytes.buffer);
    for (let i = 0, o = 0; i < n; i++, o += POINT_STRIDE) {
      v.setFloat32(o, points.x[i], true);
      v.setFloat32(o + 4, points.y[i], true);
      v.setFloat32(o + 8, points.z[i], true);
      v.setFloat32(o + 12, points.intensity[i], true);
      v.setFloat32(o + 16, points.timeOffsetS[i], true);
      v.setUint16(o + 20, points.ring[i], true);
      bytes[o + 22] = points.returnType[i];
    }
  }
  return bytes;
}

export function toPointCloud(points: PointCloudView, stampNs: bigint, frameId: string): PointCloud {
  return create(PointCloudSchema, {
    timestamp: toTimestamp(stampNs),
    frameId,
    pointStride: POINT_STRIDE,
    fields: POINT_CLOUD_LAYOUT.map((f) => create(PackedElementFieldSchema, f)),
    data: packPoints(points),
  });
}

/** Reads one float32/uint field of every point back (tests, tools). */
export function unpackField(cloud: PointCloud, name: string): Float64Array {
  const field = cloud.fields.find((f) => f.name === name);
  if (!field) throw new Error(`PointCloud has no field "${name}" (has ${cloud.fields.map((f) => f.name).join(", ")})`);
  const n = Math.floor(cloud.data.byteLength / cloud.pointStride);
  const v = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
  const out = new Float64Array(n);
  for (let i = 0, o = field.offset; i < n; i++, o += cloud.pointStride) {
    out[i] =
      field.type === T.FLOAT32 ? v.getFloat32(o, true) : field.type === T.UINT16 ? v.getUint16(o, true) : field.type === T.UINT8 ? v.getUint8(o) : NaN;
  }
  return out;
}
