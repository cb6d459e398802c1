// Writes ars408-demo.log, a `candump -l` log for the radar driver examples and tests:
// `npx tsx hw/drivers/config/makeRadarLog.ts`. The first cycle is built from the ARS408 test
// vectors in ../shared/data/radar/ars408-test-vectors.md (tier4/ars408_driver, Apache-2.0) verbatim
// (0x60A 02 00 01…, 0x60B 07 4F B0…, 0x60C 03 00 00 00 00 00 40 00); the rest is synthetic: a
// car (id 7) approaching at 5 m/s and a pedestrian (id 3) crossing at 1.4 m/s, one cycle per 72 ms,
// a 0x201 RadarState every 14 cycles (about 1 s). Not a real capture.
import { writeFileSync } from "node:fs";
import { ARS408 } from "../../radar/ars408Messages.ts";
import { formatCandumpLine } from "../../radar/candump.ts";
import { encodeMessage, type MessageDef } from "../../radar/signals.ts";

/** Rounds to the signal's grid (factor steps from its offset). */
const grid = (v: number, factor: number, offset: number) => Math.round((v - offset) / factor) * factor + offset;

const hex = (s: string) => Uint8Array.from(s.split(" ").map((b) => Number.parseInt(b, 16)));

function enc(def: MessageDef, v: Record<string, number>): Uint8Array {
  const r = encodeMessage(def, v);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export function radarDemoLines(cycles = 40, startNs = 1_700_000_000_000_000_000n, cycleNs = 72_000_000n): string[] {
  const lines: string[] = [];
  const frame = (t: bigint, id: number, data: Uint8Array) =>
    lines.push(formatCandumpLine({ id, extended: false, data, remote: false, fd: false, timestampNs: t }, "can0"));
  for (let c = 0; c < cycles; c++) {
    let t = startNs + BigInt(c) * cycleNs;
    const dt = c * 0.072;
    if (c % 14 === 0) {
      frame(t, 0x201, enc(ARS408.RadarState, {
        RadarState_MaxDistanceCfg: 196, RadarState_OutputTypeCfg: 1, RadarState_SendQualityCfg: 1, RadarState_SendExtInfoCfg: 1,
        RadarState_RCS_Threshold: 0, RadarState_SortIndex: 0, RadarState_MotionRxState: 0,
      }));
      t += 100_000n;
    }
    const step = () => (t += 250_000n);
    if (c === 0) {
      frame(t, 0x60a, hex("02 00 01 00 00 00 00 00")); // vector: 2 objects, MeasCounter 1
      step();
      frame(t, 0x60b, hex("07 4F B0 00 00 00 00 00")); // vector: object 7 at DistLong 10.0 m
      step();
    } else {
      frame(t, 0x60a, enc(ARS408.Obj_0_Status, { Obj_NofObjects: 2, Obj_MeasCounter: c + 1, Obj_InterfaceVersion: 1 }));
      step();
      frame(t, 0x60b, enc(ARS408.Obj_1_General, { Obj_ID: 7, Obj_DistLong: grid(40 - 5 * dt, 0.2, -500), Obj_DistLat: 0, Obj_VrelLong: -5, Obj_VrelLat: 0, Obj_DynProp: 2, Obj_RCS: 10 }));
      step();
    }
    frame(t, 0x60b, enc(ARS408.Obj_1_General, { Obj_ID: 3, Obj_DistLong: 15, Obj_DistLat: grid(-4 + 1.4 * dt, 0.2, -204.6), Obj_VrelLong: 0, Obj_VrelLat: 1.5, Obj_DynProp: 6, Obj_RCS: -5 }));
    step();
    if (c === 0) frame(t, 0x60c, hex("03 00 00 00 00 00 40 00")); // vector: object 3, ProbOfExist raw 2
    else frame(t, 0x60c, enc(ARS408.Obj_2_Quality, { Obj_ID: 3, Obj_ProbOfExist: 5, Obj_MeasState: 2 }));
    step();
    frame(t, 0x60c, enc(ARS408.Obj_2_Quality, { Obj_ID: 7, Obj_ProbOfExist: 6, Obj_MeasState: 2 }));
    step();
    frame(t, 0x60d, enc(ARS408.Obj_3_Extended, { Obj_ID: 3, Obj_Class: 3, Obj_Length: grid(0.6, 0.2, 0), Obj_Width: grid(0.6, 0.2, 0), Obj_OrientationAngle: grid(90, 0.4, -180), Obj_ArelLong: 0, Obj_ArelLat: 0 }));
    step();
    frame(t, 0x60d, enc(ARS408.Obj_3_Extended, { Obj_ID: 7, Obj_Class: 1, Obj_Length: grid(4.6, 0.2, 0), Obj_Width: grid(1.8, 0.2, 0), Obj_OrientationAngle: grid(180, 0.4, -180), Obj_ArelLong: 0, Obj_ArelLat: 0 }));
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = new URL("./ars408-demo.log", import.meta.url);
  writeFileSync(out, `${radarDemoLines().join("\n")}\n`);
  console.log(`wrote ${out.pathname}`);
}
