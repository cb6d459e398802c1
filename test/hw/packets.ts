// Synthetic Velodyne packets for unit and fuzz tests (layout per hw/velodyne/constants.ts).
import { BLOCK_FLAG, VELODYNE_PACKET } from "../../hw/velodyne/constants.ts";

export interface PacketSpec {
  rotations: number[]; // 12 azimuths, 0.01°
  flags?: number[]; // 12 block flags
  distance?: (block: number, channel: number) => number; // raw units
  intensity?: (block: number, channel: number) => number;
  returnMode?: number;
  productId?: number;
  timestampUs?: number;
}

export function makePacket(spec: PacketSpec): Uint8Array {
  const p = new Uint8Array(VELODYNE_PACKET.SIZE);
  const v = new DataView(p.buffer);
  for (let b = 0; b < 12; b++) {
    const o = b * 100;
    v.setUint16(o, spec.flags?.[b] ?? BLOCK_FLAG.BANK_0, true);
    v.setUint16(o + 2, spec.rotations[b], true);
    for (let j = 0; j < 32; j++) {
      v.setUint16(o + 4 + 3 * j, spec.distance?.(b, j) ?? 1000, true);
      p[o + 6 + 3 * j] = spec.intensity?.(b, j) ?? 50;
    }
  }
  v.setUint32(1200, spec.timestampUs ?? 123456, true);
  p[1204] = spec.returnMode ?? 0x37;
  p[1205] = spec.productId ?? 0x22;
  return p;
}
