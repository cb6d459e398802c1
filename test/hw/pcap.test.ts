// Oracle: ../shared/data/velodyne/pcap/real-capture-vlp16-cadence.pcap, from jerry73204/rust-lidar-utils
// test files (MIT); facts from ../shared/data/README.md.
import { describe, expect, it } from "vitest";
import { PcapReader, parsePcapHeader, type UdpPacket } from "../../hw/pcap/PcapReader.ts";
import { parseCalibrationYaml } from "../../hw/velodyne/calibration.ts";
import { parseDataPacketHeader, parseGprmc, parsePositionPacket } from "../../hw/velodyne/packet.ts";
import { PointBuffer } from "../../hw/velodyne/PointBuffer.ts";
import { VelodyneDecoder } from "../../hw/velodyne/VelodyneDecoder.ts";
import { dataBytes, dataText } from "./data.ts";

const capture = dataBytes("velodyne/pcap/real-capture-vlp16-cadence.pcap");

function readAll(bytes: Uint8Array): { reader: PcapReader; packets: UdpPacket[] } {
  const r = PcapReader.open(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return { reader: r.value, packets: [...r.value.udpPackets()] };
}

/** Same capture rewritten big-endian and/or with ns timestamps. */
function rewrite(bytes: Uint8Array, bigEndian: boolean, ns: boolean): Uint8Array {
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = bytes.slice();
  const dst = new DataView(out.buffer);
  const le = !bigEndian;
  dst.setUint32(0, ns ? 0xa1b23c4d : 0xa1b2c3d4, le);
  dst.setUint16(4, src.getUint16(4, true), le);
  dst.setUint16(6, src.getUint16(6, true), le);
  for (const o of [8, 12, 16, 20]) dst.setUint32(o, src.getUint32(o, true), le);
  let pos = 24;
  while (pos + 16 <= bytes.length) {
    const incl = src.getUint32(pos + 8, true);
    dst.setUint32(pos, src.getUint32(pos, true), le);
    dst.setUint32(pos + 4, src.getUint32(pos + 4, true) * (ns ? 1000 : 1), le);
    dst.setUint32(pos + 8, incl, le);
    dst.setUint32(pos + 12, src.getUint32(pos + 12, true), le);
    pos += 16 + incl;
  }
  return out;
}

describe("pcap reader on a real VLP-16-cadence capture", () => {
  it("reads 100 frames: 84 data packets to 2368 and 16 position packets to 8308", () => {
    const { reader, packets } = readAll(capture);
    expect(reader.header).toMatchObject({ littleEndian: true, nanosecond: false, linkType: 1, versionMajor: 2 });
    expect(reader.stats).toMatchObject({ frames: 100, udp: 100, nonUdp: 0, nonIpv4: 0, fragmented: 0, truncated: 0, trailingBytes: 0 });
    const data = packets.filter((p) => p.dstPort === 2368);
    const position = packets.filter((p) => p.dstPort === 8308);
    expect(data).toHaveLength(84);
    expect(position).toHaveLength(16);
    expect(data.every((p) => p.payload.length === 1206)).toBe(true);
    expect(position.every((p) => p.payload.length === 512)).toBe(true);
    // capture times are ns bigints, non-decreasing
    for (let i = 1; i < packets.length; i++) expect(packets[i].timestampNs >= packets[i - 1].timestampNs).toBe(true);
    expect(packets[0].timestampNs).toBe(1415644617383637000n);
  });

  it("GPS µs of the data packets run 332917037 → 333027186, strictly increasing (~1327 µs apart)", () => {
    const { packets } = readAll(capture);
    const us = packets
      .filter((p) => p.dstPort === 2368)
      .map((p) => {
        const h = parseDataPacketHeader(p.payload);
        if (!h.ok) throw new Error(h.error.message);
        expect(h.value).toMatchObject({ returnModeByte: 0x37, productId: 0x21 });
        return h.value.gpsTimestampUs;
      });
    expect(us[0]).toBe(332917037);
    expect(us[us.length - 1]).toBe(333027186);
    for (let i = 1; i < us.length; i++) {
      expect(us[i]).toBeGreaterThan(us[i - 1]);
      expect(us[i] - us[i - 1]).toBeGreaterThan(1200);
      expect(us[i] - us[i - 1]).toBeLessThan(1450);
    }
  });

  it("position packets: sensor time between the neighbouring data packets, no GPS attached", () => {
    const { packets } = readAll(capture);
    let lastDataUs = 0;
    let seen = 0;
    for (const p of packets) {
      if (p.dstPort === 2368) {
        const h = parseDataPacketHeader(p.payload);
        if (h.ok) lastDataUs = h.value.gpsTimestampUs;
        continue;
      }
      const pos = parsePositionPacket(p.payload);
      expect(pos.ok).toBe(true);
      if (!pos.ok) continue;
      seen++;
      expect(pos.value.gpsTimestampUs).toBeGreaterThanOrEqual(lastDataUs);
      expect(pos.value.gpsTimestampUs - lastDataUs).toBeLessThan(2 * 1327); // within two data-packet periods
      expect(pos.value.ppsStatus).toBe("absent");
      expect(pos.value.nmea).toBe("");
    }
    expect(seen).toBe(16);
  });

  it("a position packet with an NMEA sentence decodes (sentence, checksum, PPS)", () => {
    const p = new Uint8Array(512);
    const sentence = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";
    new DataView(p.buffer).setUint32(198, 2_000_123, true);
    p[202] = 2;
    for (let i = 0; i < sentence.length; i++) p[206 + i] = sentence.charCodeAt(i);
    p[206 + sentence.length] = 0x0d;
    p[207 + sentence.length] = 0x0a;
    const r = parsePositionPacket(p);
    expect(r.ok && r.value).toMatchObject({ gpsTimestampUs: 2_000_123, ppsStatus: "locked", nmea: sentence, nmeaChecksumOk: true });
    const fix = parseGprmc(sentence)!;
    expect(fix.valid).toBe(true);
    expect(fix.latitudeDeg).toBeCloseTo(48 + 7.038 / 60, 9);
    expect(fix.longitudeDeg).toBeCloseTo(11 + 31 / 60, 9);
    p[206 + 10] = "9".charCodeAt(0);
    const corrupt = parsePositionPacket(p);
    expect(corrupt.ok && corrupt.value.nmeaChecksumOk).toBe(false);
    expect(parsePositionPacket(new Uint8Array(511)).ok).toBe(false);
  });

  it("decodes the capture's packets with the configured model overriding the HDL-32E id, reported once", () => {
    const { packets } = readAll(capture);
    const c = parseCalibrationYaml(dataText("velodyne/calibration/VLP16db.yaml"));
    if (!c.ok) throw new Error(c.error.message);
    const warnings: string[] = [];
    const dec = new VelodyneDecoder({ calibration: c.value, model: "VLP16", onWarning: (w) => warnings.push(w) });
    const out = new PointBuffer(84 * 384);
    for (const p of packets) if (p.dstPort === 2368) expect(dec.decodePacket(p.payload, out).ok).toBe(true);
    expect(out.length).toBeGreaterThan(1000);
    expect(warnings).toEqual(["Velodyne: configuration says VLP16, packet product id 0x21 says HDL32E; decoding as VLP16"]);
  });

  it("both byte orders and ns timestamps give the same packets", () => {
    const base = readAll(capture).packets;
    for (const [be, ns] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const { reader, packets } = readAll(rewrite(capture, be, ns));
      expect(reader.header.littleEndian).toBe(!be);
      expect(reader.header.nanosecond).toBe(ns);
      expect(packets.map((p) => [p.timestampNs, p.dstPort, p.payload.length])).toEqual(base.map((p) => [p.timestampNs, p.dstPort, p.payload.length]));
    }
  });

  it("corrupt global headers give clear errors", () => {
    expect(parsePcapHeader(new Uint8Array(10))).toMatchObject({ ok: false, error: { code: "length", message: "pcap global header: expected at least 24 bytes, got 10" } });
    const badMagic = capture.slice(0, 24);
    badMagic[0] = 0;
    const m = parsePcapHeader(badMagic);
    expect(!m.ok && m.error.message).toMatch(/magic 0x.*expected a1b2c3d4 or a1b23c4d/);
    const ng = capture.slice(0, 24);
    new DataView(ng.buffer).setUint32(0, 0x0a0d0d0a, true);
    expect(!parsePcapHeader(ng).ok && (parsePcapHeader(ng) as { error: { message: string } }).error.message).toMatch(/pcapng/);
    const version = capture.slice(0, 24);
    version[4] = 9;
    expect(parsePcapHeader(version)).toMatchObject({ ok: false, error: { code: "version" } });
    const link = capture.slice(0, 24);
    link[20] = 113;
    expect(parsePcapHeader(link)).toMatchObject({ ok: false, error: { code: "linktype" } });
  });

  it("counts non-UDP, fragmented and truncated frames and keeps going", () => {
    const { packets } = readAll(capture);
    const first = packets[0];
    const frameStart = first.payload.byteOffset - capture.byteOffset - 42; // Ethernet 14 + IPv4 20 + UDP 8
    const recordLen = 42 + first.payload.length;
    const record = capture.slice(frameStart - 16, frameStart + recordLen);
    const variant = (edit: (r: Uint8Array) => void) => {
      const r = record.slice();
      edit(r);
      return r;
    };
    const tcp = variant((r) => (r[16 + 14 + 9] = 6));
    const frag = variant((r) => (r[16 + 14 + 6] = 0x20));
    const arp = variant((r) => ((r[16 + 12] = 0x08), (r[16 + 13] = 0x06)));
    const badUdpLen = variant((r) => ((r[16 + 34 + 4] = 0xff), (r[16 + 34 + 5] = 0xff)));
    const cutTail = capture.slice(0, 24 + 16 + 20); // a record header promising more bytes than remain
    const parts = [capture.slice(0, 24), tcp, frag, arp, badUdpLen, record, cutTail.slice(24)];
    const file = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      file.set(p, o);
      o += p.length;
    }
    const { reader, packets: got } = readAll(file);
    expect(got).toHaveLength(1);
    expect(got[0].payload).toEqual(first.payload);
    expect(reader.stats).toMatchObject({ frames: 5, udp: 1, nonUdp: 1, fragmented: 1, nonIpv4: 1, malformed: 1, truncated: 1 });
    expect(reader.stats.trailingBytes).toBe(36);
  });
});
