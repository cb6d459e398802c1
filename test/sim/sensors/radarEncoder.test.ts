// The ARS408 object-list encoder against the oracle vectors in
// ../shared/data/radar/ars408-test-vectors.md (frames from tier4/ars408_driver's unit tests,
// Apache-2.0, checked against Continental's CAN database): encoding the expected values gives the
// given bytes.
import { describe, expect, it } from "vitest";
import {
  ARS408,
  OBJ_SIGNALS as S,
  Ars408Decoder,
  decodeMessage,
  encodeArs408Object,
  encodeObjectList,
  quantiseSignal,
  signalBits,
  type Ars408ObjectInput,
} from "../../../hw/index.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (h) => Number.parseInt(h, 16));
const toHex = (d: Uint8Array) => Array.from(d, (b) => b.toString(16).padStart(2, "0").toUpperCase()).join(" ");

/** Raw 0 of every signal, as a physical value (what the vectors leave unset). */
const RAW0_GENERAL: Ars408ObjectInput = { id: 0, distLongM: -500, distLatM: -204.6, vrelLongMps: -128, vrelLatMps: -64, rcsDbm2: -64, dynProp: 0 };

describe("ARS408 encoder: test vectors", () => {
  it("0x60A NofObjects 2, MeasCounter 1 → 02 00 01 00 00 00 00 00", () => {
    expect(toHex(encodeArs408Object.status(2, 1))).toBe("02 00 01 00 00 00 00 00");
  });

  it("0x60A NofObjects 5, MeasCounter 52, InterfaceVersion 1 → 05 00 34 12 … on every bit the database defines", () => {
    const mine = encodeArs408Object.status(5, 52, 1);
    const vector = hex("05 00 34 12 00 00 00 00");
    // The vector's byte 3 low nibble (0x2) belongs to no signal of Obj_0_Status: compare under the mask.
    const mask = new Uint8Array(8);
    for (const s of ARS408.Obj_0_Status.signals) for (const b of signalBits(s)) mask[b >> 3] |= 1 << (b & 7);
    expect(Array.from(mine, (b, i) => b & mask[i])).toEqual(Array.from(vector, (b, i) => b & mask[i]));
    expect(toHex(mine)).toBe("05 00 34 10 00 00 00 00");
    expect(mask[3]).toBe(0xf0);
  });

  it("0x60B Obj_ID 7, DistLong 10.0 m (raw 2550) → 07 4F B0 00 00 00 00 00", () => {
    expect(toHex(encodeArs408Object.general({ ...RAW0_GENERAL, id: 7, distLongM: 10.0 }))).toBe("07 4F B0 00 00 00 00 00");
  });

  it("0x60C Obj_ID 3, ProbOfExist raw 2 → 03 00 00 00 00 00 40 00", () => {
    expect(toHex(encodeArs408Object.quality({ ...RAW0_GENERAL, id: 3, quality: { probOfExistRaw: 2, measState: 0 } }))).toBe("03 00 00 00 00 00 40 00");
  });
});

describe("ARS408 encoder: quantisation", () => {
  it("rounds to the signal grid and clamps to its range", () => {
    expect(quantiseSignal(S.distLong, 10.09)).toEqual({ raw: 2550, value: 10, clamped: false });
    expect(quantiseSignal(S.distLong, 10.11).raw).toBe(2551);
    expect(quantiseSignal(S.vrelLong, -200)).toMatchObject({ raw: 0, value: -128, clamped: true });
    expect(quantiseSignal(S.rcs, 100)).toMatchObject({ value: 63.5, clamped: true });
    expect(quantiseSignal(S.rcs, -7.3).value).toBe(-7.5);
    expect(quantiseSignal(S.distLat, Number.NaN).clamped).toBe(true);
    // Every signal factor: 0.2 m position, 0.25 m/s velocity, 0.5 dBsm RCS.
    expect([S.distLong.factor, S.distLat.factor, S.vrelLong.factor, S.vrelLat.factor, S.rcs.factor]).toEqual([0.2, 0.2, 0.25, 0.25, 0.5]);
  });

  it("a whole cycle decodes back within half a step, with sensor id 2 and all four messages", () => {
    const objects: Ars408ObjectInput[] = [
      { id: 4, distLongM: 12.34, distLatM: -3.21, vrelLongMps: -11.1, vrelLatMps: 0.37, rcsDbm2: 9.8, dynProp: 1, quality: { probOfExistRaw: 7, measState: 2, distLongRms: 5 }, extended: { objClass: 1, arelLongMps2: 0.12, arelLatMps2: -0.3, orientationDeg: 3.3, lengthM: 4.5, widthM: 1.8 } },
      { id: 0, distLongM: 30.01, distLatM: 4.44, vrelLongMps: -9.9, vrelLatMps: -1.2, rcsDbm2: -4.6, dynProp: 6, quality: { probOfExistRaw: 5, measState: 1 }, extended: { objClass: 3, arelLongMps2: 0, arelLatMps2: 0, orientationDeg: -90.1, lengthM: 0.5, widthM: 0.5 } },
    ];
    const { frames, clamped } = encodeObjectList({ measCounter: 65537, objects }, { sensorId: 2, timestampNs: 1_000_000_000n });
    expect(clamped).toBe(0);
    expect(frames.map((f) => f.id.toString(16))).toEqual(["62a", "62b", "62b", "62c", "62c", "62d", "62d"]);
    expect(frames[1].timestampNs! - frames[0].timestampNs!).toBe(260_000n);
    const dec = new Ars408Decoder({ sensorId: 2, expectQuality: true, expectExtended: true });
    const events = frames.flatMap((f) => {
      const r = dec.push(f);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    });
    expect(events).toHaveLength(1);
    const list = events[0].type === "objects" ? events[0].list : undefined;
    expect(list).toMatchObject({ measCounter: 1, announced: 2, complete: true, stampNs: 1_000_000_000n });
    for (const [i, o] of objects.entries()) {
      const d = list!.objects[i];
      expect(d.id).toBe(o.id);
      expect(Math.abs(d.distLongM - o.distLongM)).toBeLessThanOrEqual(0.1 + 1e-9);
      expect(Math.abs(d.distLatM - o.distLatM)).toBeLessThanOrEqual(0.1 + 1e-9);
      expect(Math.abs(d.vrelLongMps - o.vrelLongMps)).toBeLessThanOrEqual(0.125 + 1e-9);
      expect(Math.abs(d.vrelLatMps - o.vrelLatMps)).toBeLessThanOrEqual(0.125 + 1e-9);
      expect(Math.abs(d.rcsDbm2 - o.rcsDbm2)).toBeLessThanOrEqual(0.25 + 1e-9);
      expect(d.quality?.probOfExistRaw).toBe(o.quality!.probOfExistRaw);
      expect(Math.abs(d.extended!.orientationDeg - o.extended!.orientationDeg)).toBeLessThanOrEqual(0.2 + 1e-9);
    }
    expect(list!.objects[0].extended?.objClass).toBe("car");
    expect(list!.objects[1].extended?.objClass).toBe("pedestrian");
    expect(list!.objects[1].dynProp).toBe("crossing moving");
    // decodeMessage of the same bytes agrees with the decoder.
    const g = decodeMessage(ARS408.Obj_1_General, frames[1].data);
    expect(g.ok && g.value.Obj_ID).toBe(4);
  });

  it("refuses caller bugs: repeated Obj_ID, too many objects, bad sensor id", () => {
    const o = { ...RAW0_GENERAL, id: 1 };
    expect(() => encodeObjectList({ measCounter: 0, objects: [o, o] })).toThrow(/repeated/);
    expect(() => encodeObjectList({ measCounter: 0, objects: [] }, { sensorId: 8 })).toThrow(/sensor id/);
    expect(() => encodeObjectList({ measCounter: 0, objects: Array.from({ length: 256 }, (_, i) => ({ ...o, id: i % 256 })) })).toThrow(/255/);
  });
});
