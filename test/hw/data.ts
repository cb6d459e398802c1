// Reference data lives in ../shared/data (see its README for sources and licences); never copied here.
import { readFileSync } from "node:fs";

export const DATA_DIR = new URL("../../../shared/data/", import.meta.url);

export function dataBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, DATA_DIR)));
}

export function dataText(path: string): string {
  return readFileSync(new URL(path, DATA_DIR), "utf8");
}

/** nebula's VLP-16 recording (velodyne/vlp16): its 1206-byte data packets with their packets_index.csv row. */
export function vlp16Recording() {
  const packets = dataBytes("velodyne/vlp16/packets.bin");
  const rows = dataText("velodyne/vlp16/packets_index.csv").trim().split("\n").slice(1).map((l) => l.split(","));
  return {
    count: rows.length,
    payload: (i: number) => packets.subarray(i * 1206, (i + 1) * 1206),
    /** pkt_stamp_sec / pkt_stamp_nanosec: when the driver received it. */
    receivedNs: (i: number) => BigInt(rows[i][5]) * 1_000_000_000n + BigInt(rows[i][6]),
    /** gps_timestamp_us: the packet's own time, µs past the hour. */
    gpsUs: (i: number) => Number(rows[i][7]),
    /** first_azimuth_0.01deg */
    firstAzimuth: (i: number) => Number(rows[i][10]),
  };
}
