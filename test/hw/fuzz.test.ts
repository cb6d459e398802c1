// Fuzz: every decoder takes ≥ 10,000 random and mutated inputs from a seeded generator without
// throwing; errors come back as values (and are counted), and the next good input still decodes.
// Seeds: real bytes from ../shared/data (velodyne/hdl32e/packet.bin: foxglove/velodyne-cloud, MIT;
// velodyne/vlp16/packets.bin: tier4/nebula, Apache-2.0; velodyne/pcap/…: rust-lidar-utils, MIT).
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../sim/random.ts";
import { PcapReader } from "../../hw/pcap/PcapReader.ts";
import { Ars408Decoder } from "../../hw/radar/Ars408Decoder.ts";
import { parseCandumpLine, type CanFrame } from "../../hw/radar/candump.ts";
import { parseCalibrationYaml } from "../../hw/velodyne/calibration.ts";
import { parseDataPacketHeader, parsePositionPacket } from "../../hw/velodyne/packet.ts";
import { PointBuffer } from "../../hw/velodyne/PointBuffer.ts";
import { ScanAssembler } from "../../hw/velodyne/ScanAssembler.ts";
import { VelodyneDecoder, type AzimuthInterpolation } from "../../hw/velodyne/VelodyneDecoder.ts";
import { ErrorCounter } from "../../hw/result.ts";
import { dataBytes, dataText } from "./data.ts";

const N = 10_000;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** Mutations of a good input: truncate, extend, flip bytes, overwrite header fields, random bytes. */
function mutate(rng: Rng, good: Uint8Array, hotspots: number[]): Uint8Array {
  switch (int(rng, 7)) {
    case 0:
      return good.slice(0, int(rng, good.length));
    case 1: {
      const out = new Uint8Array(good.length + 1 + int(rng, 16));
      out.set(good);
      return out;
    }
    case 2: {
      const out = good.slice();
      for (let k = 0, n = 1 + int(rng, 8); k < n; k++) out[int(rng, out.length)] = int(rng, 256);
      return out;
    }
    case 3: {
      const out = good.slice();
      const at = hotspots[int(rng, hotspots.length)];
      if (at < out.length) out[at] = int(rng, 256);
      return out;
    }
    case 4:
      return Uint8Array.from({ length: int(rng, good.length * 2) }, () => int(rng, 256));
    case 5:
      return Uint8Array.from({ length: good.length }, () => int(rng, 256));
    default: {
      const out = good.slice();
      for (let i = 0; i < out.length; i++) if (rng() < 0.01) out[i] ^= 1 << int(rng, 8);
      return out;
    }
  }
}

describe("fuzz", () => {
  it("Velodyne packet decoder and scan assembler", () => {
    const rng = createRng(0x5eed01);
    const c16 = parseCalibrationYaml(dataText("velodyne/vlp16/calibration-VLP16.yaml"));
    const c32 = parseCalibrationYaml(dataText("velodyne/calibration/32db.yaml"));
    if (!c16.ok || !c32.ok) throw new Error("calibration");
    const vlpPackets = dataBytes("velodyne/vlp16/packets.bin");
    const seeds = [dataBytes("velodyne/hdl32e/packet.bin"), vlpPackets.slice(0, 1206), vlpPackets.slice(1206 * 300, 1206 * 301)];
    // block flags, azimuths and the factory bytes are where corruption matters most
    const hotspots = [...Array.from({ length: 12 }, (_, b) => [b * 100, b * 100 + 1, b * 100 + 2, b * 100 + 3]).flat(), 1204, 1205];
    const modes: AzimuthInterpolation[] = ["timing", "none", "nebula"];
    const decoders = [
      new VelodyneDecoder({ calibration: c32.value }),
      ...modes.map((interpolation) => new VelodyneDecoder({ calibration: c16.value, model: "VLP16", interpolation, minAngleDeg: 350, maxAngleDeg: 10 })),
      new VelodyneDecoder({ calibration: c16.value, model: "VLS128" }), // calibration too small: typed error
    ];
    const asm = new ScanAssembler(new VelodyneDecoder({ calibration: c16.value }), { maxPointsPerScan: 5000 });
    const errors = new ErrorCounter();
    const out = new PointBuffer(400);
    let decodedPoints = 0;
    for (let i = 0; i < N; i++) {
      const seed = seeds[i % seeds.length];
      const bad = mutate(rng, seed, hotspots);
      for (const dec of decoders) {
        const r = dec.decodePacket(bad, out.clear());
        if (!r.ok) errors.add(r.error);
        else {
          decodedPoints += r.value.points;
          for (let k = 0; k < out.length; k++) {
            if (!Number.isFinite(out.x[k] + out.y[k] + out.z[k] + out.timeOffsetS[k])) throw new Error("non-finite point");
          }
        }
      }
      const h = parseDataPacketHeader(bad);
      if (!h.ok) errors.add(h.error);
      const pos = parsePositionPacket(bad.subarray(0, 512));
      if (!pos.ok) errors.add(pos.error);
      const pushed = asm.push(bad, BigInt(i) * 1_000_000n);
      if (!pushed.ok) errors.add(pushed.error);
      // the next good packet still decodes
      const good = decoders[1].decodePacket(seeds[1], out.clear());
      expect(good.ok).toBe(true);
    }
    expect(errors.total).toBeGreaterThan(N);
    for (const code of ["length", "block-flag", "return-mode", "calibration"]) expect(errors.get(code), code).toBeGreaterThan(0);
    expect(decodedPoints).toBeGreaterThan(0);
  });

  it("pcap reader", () => {
    const rng = createRng(0x5eed02);
    const capture = dataBytes("velodyne/pcap/real-capture-vlp16-cadence.pcap");
    const head = capture.slice(0, 24 + 16 + 42 + 1206 + 16 + 42 + 512 + 200);
    const hotspots = [0, 1, 2, 3, 4, 5, 16, 20, 24 + 8, 24 + 9, 24 + 10, 24 + 12, 24 + 16 + 12, 24 + 16 + 13, 24 + 16 + 14, 24 + 16 + 20, 24 + 16 + 23, 24 + 16 + 38, 24 + 16 + 39];
    const errors = new ErrorCounter();
    let packets = 0;
    for (let i = 0; i < N; i++) {
      const bad = mutate(rng, head, hotspots);
      const r = PcapReader.open(bad);
      if (!r.ok) {
        errors.add(r.error);
      } else {
        for (const p of r.value.udpPackets()) {
          packets++;
          if (p.payload.byteOffset + p.payload.length > bad.byteOffset + bad.length) throw new Error("payload past the end");
        }
      }
      if (i % 1000 === 0) {
        const good = PcapReader.open(capture);
        expect(good.ok && [...good.value.udpPackets()].length).toBe(100);
      }
    }
    expect(errors.total).toBeGreaterThan(1000);
    expect(packets).toBeGreaterThan(1000);
    for (const code of ["length", "magic", "version", "linktype"]) expect(errors.get(code), code).toBeGreaterThan(0);
  });

  it("CAN frames and candump lines through the ARS408 decoder", () => {
    const rng = createRng(0x5eed03);
    const dec = new Ars408Decoder();
    const ids = [0x60a, 0x60b, 0x60c, 0x60d, 0x201, 0x200, 0x300, 0x301, 0x600, 0x701, 0x702, 0x61b, 0x7ff, 0x0, int(rng, 0x800)];
    let events = 0;
    let lineErrors = 0;
    for (let i = 0; i < N; i++) {
      const dlc = rng() < 0.8 ? 8 : int(rng, 12);
      const frame: CanFrame = {
        id: ids[int(rng, ids.length)],
        extended: rng() < 0.05,
        data: Uint8Array.from({ length: dlc }, () => int(rng, 256)),
        remote: rng() < 0.02,
        fd: false,
      };
      const r = dec.push(frame);
      if (r.ok) events += r.value.length;
      // candump: random text, and mutated good lines
      const good = "(1436509052.249713) can0 60A#0102030405060708";
      const chars = good.split("");
      for (let k = 0, n = int(rng, 4); k < n; k++) chars[int(rng, chars.length)] = String.fromCharCode(32 + int(rng, 95));
      const line = rng() < 0.2 ? chars.slice(0, int(rng, chars.length)).join("") : chars.join("");
      const parsed = parseCandumpLine(line);
      if (!parsed.ok) lineErrors++;
      else dec.push(parsed.value);
      const random = String.fromCharCode(...Array.from({ length: int(rng, 60) }, () => int(rng, 128)));
      if (!parseCandumpLine(random).ok) lineErrors++;
    }
    expect(dec.frames).toBeGreaterThanOrEqual(N);
    expect(dec.errors.total).toBeGreaterThan(100);
    for (const code of ["dlc", "unknown-id", "sequence", "remote"]) expect(dec.errors.get(code), code).toBeGreaterThan(0);
    expect(lineErrors).toBeGreaterThan(N / 2);
    expect(events).toBeGreaterThan(0);
    // decoding continues: a clean cycle after the storm
    dec.flush();
    expect(dec.push({ id: 0x60a, extended: false, data: Uint8Array.from([1, 0, 1, 0, 0, 0, 0, 0]), remote: false, fd: false }).ok).toBe(true);
    const last = dec.push({ id: 0x60b, extended: false, data: Uint8Array.from([7, 0x4f, 0xb0, 0, 0, 0, 0, 0]), remote: false, fd: false });
    expect(last.ok && last.value.some((e) => e.type === "objects")).toBe(true);
  });
});
