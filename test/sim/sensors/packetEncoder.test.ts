// hw/velodyne/packetEncoder.ts against real bytes: re-encoding the fields of the real HDL-32E packet
// (../shared/data/velodyne/hdl32e/packet.bin, foxglove/velodyne-cloud fixture, MIT) gives the same
// 1206 bytes, and `firingAzimuths` predicts the decoder's azimuth of every return.
import { describe, expect, it } from "vitest";
import { PointBuffer, VELODYNE_PACKET, VelodyneDecoder, encodeDataPacket, firingAzimuths, firingLayout, parseCalibrationYaml } from "../../../hw/index.ts";
import { dataBytes } from "./fixture.ts";

function fields(pkt: Uint8Array) {
  const azimuths = new Uint16Array(12);
  const distances = new Uint16Array(384);
  const intensities = new Uint8Array(384);
  for (let b = 0; b < 12; b++) {
    const o = b * 100;
    azimuths[b] = pkt[o + 2] | (pkt[o + 3] << 8);
    for (let j = 0; j < 32; j++) {
      distances[b * 32 + j] = pkt[o + 4 + j * 3] | (pkt[o + 5 + j * 3] << 8);
      intensities[b * 32 + j] = pkt[o + 6 + j * 3];
    }
  }
  const gps = (pkt[1200] | (pkt[1201] << 8) | (pkt[1202] << 16)) + pkt[1203] * 16777216;
  return { azimuths, distances, intensities, gpsTimestampUs: gps, productId: pkt[1205], returnMode: pkt[1204] };
}

describe("Velodyne packet encoder", () => {
  const real = dataBytes("velodyne/hdl32e/packet.bin");

  it("re-encodes the real HDL-32E packet byte for byte", () => {
    const f = fields(real);
    expect(f.gpsTimestampUs).toBe(757034951);
    expect(f.azimuths[0]).toBe(22288);
    const out = encodeDataPacket(f);
    expect(out.byteLength).toBe(VELODYNE_PACKET.SIZE);
    expect(Buffer.compare(out, real)).toBe(0);
  });

  it("firingAzimuths gives the decoder's azimuth for every return of the real packet", () => {
    const cal = parseCalibrationYaml(new TextDecoder().decode(dataBytes("velodyne/calibration/32db.yaml")));
    if (!cal.ok) throw new Error(cal.error.message);
    const dec = new VelodyneDecoder({ calibration: cal.value, minRangeM: 0, maxRangeM: 1000 });
    const buf = new PointBuffer(384);
    expect(dec.decodePacket(real, buf).ok).toBe(true);
    const f = fields(real);
    const az = firingAzimuths(firingLayout("HDL32E"), f.azimuths, new Int32Array(384));
    let k = 0;
    for (let slot = 0; slot < 384; slot++) {
      if (f.distances[slot] === 0) continue;
      expect(buf.azimuthRad[k]).toBe(Math.fround((az[slot] * Math.PI) / 18000));
      k++;
    }
    expect(k).toBe(buf.length);
  });

  it("timing per model comes from MODEL_SPECS: block and packet durations", () => {
    expect(firingLayout("VLP16").blockNs).toBe(110_592);
    expect(firingLayout("VLP32C").blockNs).toBe(55_296);
    expect(firingLayout("HDL32E").blockNs).toBe(46_080);
    expect(firingLayout("VLP32C").packetNs).toBe(663_552);
    expect(Array.from(firingLayout("VLP16").laserOfChannel.subarray(14, 18))).toEqual([14, 15, 0, 1]);
  });

  it("refuses bad fields", () => {
    const f = fields(real);
    expect(() => encodeDataPacket({ ...f, gpsTimestampUs: 3_600_000_000 })).toThrow(/past the hour/);
    const az = Uint16Array.from(f.azimuths);
    az[3] = 36000;
    expect(() => encodeDataPacket({ ...f, azimuths: az })).toThrow(/azimuth 36000/);
    expect(() => encodeDataPacket(f, new Uint8Array(1205))).toThrow(/expected 1206 bytes, got 1205/);
  });
});
