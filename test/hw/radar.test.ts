// Oracles: ../shared/data/radar/ars408-test-vectors.md (frames from tier4/ars408_driver unit tests,
// Apache-2.0) and ars408-signals.tsv (signal layout facts from Continental's CAN database).
import { describe, expect, it } from "vitest";
import { Ars408Decoder, encodeRadarConfiguration, type RadarEvent } from "../../hw/radar/Ars408Decoder.ts";
import { ARS408, ars408MessageFor } from "../../hw/radar/ars408Messages.ts";
import { formatCandumpLine, parseCandumpLine, type CanFrame } from "../../hw/radar/candump.ts";
import { decodeMessage, decodeSignal, encodeMessage, extractRaw, type SignalDef } from "../../hw/radar/signals.ts";
import { dataText } from "./data.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (h) => Number.parseInt(h, 16));
const frame = (id: number, data: Uint8Array | string, timestampNs?: bigint): CanFrame => ({
  id,
  extended: false,
  data: typeof data === "string" ? hex(data) : data,
  remote: false,
  fd: false,
  timestampNs,
});
const decode = (id: number, data: string) => {
  const def = ars408MessageFor(id)!;
  const r = decodeMessage(def, hex(data));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe("ARS408 signal table against the Continental database facts (ars408-signals.tsv)", () => {
  it("every row of the .tsv is in the table with the same layout", () => {
    const rows = dataText("radar/ars408-signals.tsv").trim().split("\n").slice(1).map((l) => l.split("\t"));
    expect(rows.length).toBeGreaterThan(60);
    for (const [id, message, signal, start, length, order, signed, factor, offset] of rows) {
      const def = ars408MessageFor(Number.parseInt(id, 16));
      expect(def?.name, `${id} ${message}`).toBe(message);
      const s = def!.signals.find((x) => x.name === signal);
      expect(s, `${message}.${signal}`).toBeDefined();
      expect([s!.startBit, s!.length, s!.byteOrder, s!.signed, s!.factor, s!.offset]).toEqual([
        Number(start),
        Number(length),
        order,
        signed === "yes",
        Number(factor),
        Number(offset),
      ]);
    }
  });
});

describe("ARS408 test vectors (ars408-test-vectors.md)", () => {
  it("0x60A 02 00 01 00 …: NofObjects 2, MeasCounter 1", () => {
    expect(decode(0x60a, "02 00 01 00 00 00 00 00")).toMatchObject({ Obj_NofObjects: 2, Obj_MeasCounter: 1 });
  });
  it("0x60A 05 00 34 12 …: NofObjects 5, MeasCounter 52, InterfaceVersion 1 (by the database)", () => {
    expect(decode(0x60a, "05 00 34 12 00 00 00 00")).toMatchObject({ Obj_NofObjects: 5, Obj_MeasCounter: 52, Obj_InterfaceVersion: 1 });
  });
  it("0x60B 07 4F B0 …: Obj_ID 7, DistLong 10.0 m (raw 2550)", () => {
    const v = decode(0x60b, "07 4F B0 00 00 00 00 00");
    expect(v.Obj_ID).toBe(7);
    expect(v.Obj_DistLong).toBeCloseTo(10.0, 9);
    const s = ARS408.Obj_1_General.signals.find((x) => x.name === "Obj_DistLong")!;
    expect(extractRaw(hex("07 4F B0 00 00 00 00 00"), s)).toBe(2550);
  });
  it("0x60C 03 … 40 00: Obj_ID 3, ProbOfExist raw 2 (<50 %)", () => {
    expect(decode(0x60c, "03 00 00 00 00 00 40 00")).toMatchObject({ Obj_ID: 3, Obj_ProbOfExist: 2 });
  });
  it("0x201 byte 5 = 0x04, byte 7 = 0x00: OutputTypeCfg 1, RCS_Threshold 0", () => {
    expect(decode(0x201, "00 00 00 00 00 04 00 00")).toMatchObject({ RadarState_OutputTypeCfg: 1, RadarState_RCS_Threshold: 0 });
  });
  it("0x201 byte 7 = 0x08: RCS_Threshold raw 2", () => {
    expect(decode(0x201, "00 00 00 00 00 00 00 08")).toMatchObject({ RadarState_RCS_Threshold: 2 });
  });
});

describe("generic signal extraction", () => {
  const sig = (startBit: number, length: number, byteOrder: "motorola" | "intel", signed = false): SignalDef => ({
    name: "s",
    startBit,
    length,
    byteOrder,
    signed,
    factor: 1,
    offset: 0,
    min: -1e9,
    max: 1e9,
    unit: "",
  });
  it("Intel and Motorola, signed, across byte boundaries; encode is the inverse", () => {
    const d = hex("34 12 00 00 00 00 00 80");
    expect(extractRaw(d, sig(0, 16, "intel"))).toBe(0x1234);
    expect(extractRaw(d, sig(7, 16, "motorola"))).toBe(0x3412);
    expect(extractRaw(d, sig(63, 1, "intel"))).toBe(1);
    expect(extractRaw(hex("FF FF"), sig(0, 12, "intel", true))).toBe(-1);
    expect(extractRaw(hex("80 00"), sig(7, 8, "motorola", true))).toBe(-128);
    const def = { id: 1, name: "T", minDlc: 8, signals: [sig(3, 9, "intel", true), sig(20, 13, "motorola"), sig(50, 7, "intel")] };
    for (const vals of [
      [-200, 5000, 99],
      [255, 0, 127],
      [-256, 8191, 0],
    ]) {
      const data = new Uint8Array(8);
      const r = encodeMessage({ ...def, signals: def.signals.map((s, i) => ({ ...s, name: `s${i}` })) }, { s0: vals[0], s1: vals[1], s2: vals[2] });
      expect(r.ok).toBe(true);
      if (r.ok) data.set(r.value);
      expect(def.signals.map((s) => decodeSignal(data, s))).toEqual(vals);
    }
  });
});

describe("ARS408 object-list cycles", () => {
  const general = (id: number, distLong: number, distLat: number, vLong: number, vLat: number, dyn: number, rcs: number) => {
    const r = encodeMessage(ARS408.Obj_1_General, {
      Obj_ID: id,
      Obj_DistLong: distLong,
      Obj_DistLat: distLat,
      Obj_VrelLong: vLong,
      Obj_VrelLat: vLat,
      Obj_DynProp: dyn,
      Obj_RCS: rcs,
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const enc = (def: (typeof ARS408)[keyof typeof ARS408], v: Record<string, number>) => {
    const r = encodeMessage(def, v);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it("0x60A then 0x60B/0x60C/0x60D per object → one object list", () => {
    const dec = new Ars408Decoder({ expectQuality: true, expectExtended: true });
    const frames: CanFrame[] = [
      frame(0x60a, "02 00 01 00 00 00 00 00", 1_000n),
      frame(0x60b, general(7, 10, -1.2, -3.5, 0.25, 2, 12.5)),
      frame(0x60b, general(9, 25.4, 3, 0, 0, 1, -5)),
      frame(0x60c, enc(ARS408.Obj_2_Quality, { Obj_ID: 7, Obj_ProbOfExist: 7, Obj_MeasState: 2 })),
      frame(0x60c, enc(ARS408.Obj_2_Quality, { Obj_ID: 9, Obj_ProbOfExist: 2, Obj_MeasState: 1 })),
      frame(0x60d, enc(ARS408.Obj_3_Extended, { Obj_ID: 7, Obj_Class: 3, Obj_Length: 0.6, Obj_Width: 0.6, Obj_OrientationAngle: 90 })),
    ];
    const events: RadarEvent[] = [];
    for (const f of frames) {
      const r = dec.push(f);
      expect(r.ok).toBe(true);
      if (r.ok) events.push(...r.value);
    }
    expect(events).toHaveLength(0); // object 9 still lacks 0x60D
    const last = dec.push(frame(0x60d, enc(ARS408.Obj_3_Extended, { Obj_ID: 9, Obj_Class: 1, Obj_Length: 4.4, Obj_Width: 1.8 })));
    expect(last.ok && last.value).toHaveLength(1);
    const ev = last.ok ? last.value[0] : undefined;
    expect(ev?.type).toBe("objects");
    if (ev?.type !== "objects") return;
    const l = ev.list;
    expect(l).toMatchObject({ measCounter: 1, announced: 2, complete: true, stampNs: 1_000n });
    const [a, b] = l.objects;
    expect(a.id).toBe(7);
    expect(a.distLongM).toBeCloseTo(10, 9);
    expect(a.distLatM).toBeCloseTo(-1.2, 9);
    expect(a.vrelLongMps).toBeCloseTo(-3.5, 9);
    expect(a.vrelLatMps).toBeCloseTo(0.25, 9);
    expect(a.rcsDbm2).toBeCloseTo(12.5, 9);
    expect(a.dynProp).toBe("oncoming");
    expect(a.quality).toMatchObject({ probOfExistRaw: 7, probOfExistMax: 1, measState: "measured" });
    expect(a.extended?.objClass).toBe("pedestrian");
    expect(a.extended?.orientationDeg).toBeCloseTo(90, 9);
    expect(b.dynProp).toBe("stationary");
    expect(b.quality?.probOfExistMax).toBe(0.5);
    expect(b.extended?.objClass).toBe("car");
    expect(b.extended?.lengthM).toBeCloseTo(4.4, 9);
  });

  it("without expectations the next 0x60A closes a cycle; RadarState sets expectations", () => {
    const dec = new Ars408Decoder();
    const state = dec.push(frame(0x201, "00 00 00 00 00 04 00 00"));
    expect(state.ok && state.value[0]).toMatchObject({ type: "state", state: { outputType: 1, sendQuality: false, sendExtInfo: false } });
    const r1 = dec.push(frame(0x60a, "01 00 05 00 00 00 00 00"));
    expect(r1.ok && r1.value).toEqual([]);
    const r2 = dec.push(frame(0x60b, general(1, 5, 0, 0, 0, 0, 0)));
    expect(r2.ok && r2.value[0]?.type).toBe("objects");
    const empty = dec.push(frame(0x60a, "00 00 06 00 00 00 00 00"));
    expect(empty.ok && empty.value[0]).toMatchObject({ type: "objects", list: { announced: 0, objects: [], complete: true } });
    // an interrupted cycle is emitted incomplete by the next status
    dec.push(frame(0x60a, "03 00 07 00 00 00 00 00"));
    dec.push(frame(0x60b, general(4, 5, 0, 0, 0, 0, 0)));
    const next = dec.push(frame(0x60a, "00 00 08 00 00 00 00 00"));
    expect(next.ok && next.value[0]).toMatchObject({ type: "objects", list: { measCounter: 7, announced: 3, complete: false } });
  });

  it("wrong DLC, unknown ids, orphans: counted errors, decoding continues", () => {
    const dec = new Ars408Decoder({ expectQuality: false, expectExtended: false });
    const bad = [
      frame(0x60b, general(1, 5, 0, 0, 0, 0, 0)), // before any 0x60A
      frame(0x60a, "02 00"), // DLC 2 < 4
      frame(0x123, "00"),
      frame(0x60b, new Uint8Array(9)),
      { ...frame(0x60a, ""), remote: true },
    ];
    for (const f of bad) expect(dec.push(f).ok).toBe(false);
    expect(dec.errors.toJSON()).toEqual({ sequence: 1, dlc: 2, "unknown-id": 1, remote: 1 });
    expect(dec.errors.last?.message).toMatch(/remote/);
    const dlc = new Ars408Decoder().push(frame(0x60a, "02 00"));
    expect(!dlc.ok && dlc.error.message).toBe("CAN 0x60a Obj_0_Status: expected DLC 4..8, got 2");
    dec.push(frame(0x60a, "01 00 09 00 00 00 00 00"));
    const ok = dec.push(frame(0x60b, general(1, 5, 0, 0, 0, 0, 0)));
    expect(ok.ok && ok.value[0]?.type).toBe("objects");
  });

  it("sensor id k offsets every id by 0x10·k", () => {
    const dec = new Ars408Decoder({ sensorId: 1 });
    expect(dec.push(frame(0x60a, "00 00 01 00 00 00 00 00")).ok).toBe(false);
    expect(dec.push(frame(0x61a, "00 00 01 00 00 00 00 00")).ok).toBe(true);
  });
});

describe("0x200 RadarConfiguration encoding", () => {
  it("sets values and their valid bits; unset fields stay invalid", () => {
    const r = encodeRadarConfiguration({
      maxDistanceM: 250,
      outputType: "objects",
      sendQuality: true,
      sendExtInfo: true,
      sortIndex: "range",
      storeInNvm: true,
      rcsThreshold: "high",
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.id).toBe(0x200);
    const v = decodeMessage(ARS408.RadarConfiguration, r.value.data);
    expect(v.ok && v.value).toMatchObject({
      RadarCfg_MaxDistance_valid: 1,
      RadarCfg_MaxDistance: 250,
      RadarCfg_OutputType_valid: 1,
      RadarCfg_OutputType: 1,
      RadarCfg_SendQuality: 1,
      RadarCfg_SendExtInfo: 1,
      RadarCfg_SortIndex: 1,
      RadarCfg_StoreInNVM: 1,
      RadarCfg_RCS_Threshold_Valid: 1,
      RadarCfg_RCS_Threshold: 1,
      RadarCfg_SensorID_valid: 0,
      RadarCfg_RadarPower_valid: 0,
    });
    // byte-level: byte 0 valid flags (MaxDistance, OutputType, SendQuality, SendExtInfo, SortIndex, StoreInNVM)
    expect(r.value.data[0]).toBe(0b11111001);
    // MaxDistance 250 m = raw 125: byte 1 = 125 >> 2, byte 2 bits 7..6 = 125 & 3
    expect([r.value.data[1], r.value.data[2]]).toEqual([125 >> 2, (125 & 3) << 6]);
    expect(r.value.data[4]).toBe(1 << 3); // OutputType 1 at bits 4..3
    expect(r.value.data[6]).toBe(0b0011); // RCS valid + threshold 1
  });
  it("rejects out-of-range values and off-grid distances", () => {
    expect(encodeRadarConfiguration({ maxDistanceM: 3000 }).ok).toBe(false);
    expect(encodeRadarConfiguration({ maxDistanceM: 251 }).ok).toBe(false);
    expect(encodeRadarConfiguration({ sensorId: 9 }).ok).toBe(false);
    const moved = encodeRadarConfiguration({ sensorId: 3 }, 2);
    expect(moved.ok && moved.value.id).toBe(0x220);
  });
});

describe("candump -l lines", () => {
  it("parses the documented example and round-trips", () => {
    const r = parseCandumpLine("(1436509052.249713) can0 60A#0102030405060708");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ id: 0x60a, extended: false, channel: "can0", remote: false, timestampNs: 1436509052249713000n });
    expect(Array.from(r.value.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(formatCandumpLine(r.value)).toBe("(1436509052.249713) can0 60A#0102030405060708");
    expect(parseCandumpLine("(1.5) vcan1 12345678#").ok && parseCandumpLine("(1.5) vcan1 12345678#")).toMatchObject({
      value: { id: 0x12345678, extended: true, timestampNs: 1_500_000_000n },
    });
    expect(parseCandumpLine("(1.000001) can0 123#R")).toMatchObject({ ok: true, value: { remote: true } });
    expect(parseCandumpLine("(1.000001) can0 123##1AABB")).toMatchObject({ ok: true, value: { fd: true } });
  });
  it("bad lines are typed errors", () => {
    for (const [line, code] of [
      ["garbage", "syntax"],
      ["(1.0) can0 60A#010", "data"],
      ["(1.0) can0 60A#010203040506070809", "data"],
      ["(1.0) can0 6A#01", "id"],
      ["(1.0) can0 FFF#01", "id"],
      ["(1.0) can0 60A#0G", "data"],
    ] as const) {
      const r = parseCandumpLine(line);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code, line).toBe(code);
    }
  });
  it("a candump log through the decoder", () => {
    const log = [
      "(1436509052.100000) can0 201#0000000000040000",
      "(1436509052.249713) can0 60A#0200010000000000",
      "(1436509052.249800) can0 60B#074FB00000000000",
      "this line is broken",
      "(1436509052.249900) can0 60B#094FB00000000000",
    ];
    const dec = new Ars408Decoder();
    const lists = [];
    let lineErrors = 0;
    for (const line of log) {
      const f = parseCandumpLine(line);
      if (!f.ok) {
        lineErrors++;
        continue;
      }
      const r = dec.push(f.value);
      if (r.ok) for (const e of r.value) if (e.type === "objects") lists.push(e.list);
    }
    expect(lineErrors).toBe(1);
    expect(lists).toHaveLength(1);
    expect(lists[0].objects.map((o) => [o.id, Math.round(o.distLongM * 10) / 10])).toEqual([
      [7, 10],
      [9, 10],
    ]);
    expect(lists[0].stampNs).toBe(1436509052249713000n);
  });
});
