// ARS408 frames → radar object lists and radar state. One object-list cycle is a 0x60A status
// (number of objects, measurement counter), then per object a 0x60B general, and optionally
// 0x60C quality / 0x60D extended with the same Obj_ID. Bad frames (wrong DLC, unknown id, object
// not announced) are counted and skipped; decoding continues with the next frame.
//
// Frame: Continental's sensor frame, x = DistLong forward, y = DistLat to the left, metres.

import { ErrorCounter, err, ok, type DecodeError, type Result } from "../result.ts";
import {
  ARS408,
  OBJ_CLASS,
  OBJ_DYN_PROP,
  OBJ_MEAS_STATE,
  OBJ_PROB_OF_EXIST,
  OBJ_SIGNALS,
  SENSOR_ID_STRIDE,
  ars408MessageFor,
} from "./ars408Messages.ts";
import type { CanFrame } from "./candump.ts";
import { checkDlc, decodeSignal, encodeMessage, type MessageDef, type SignalDef } from "./signals.ts";

export interface RadarObject {
  readonly id: number;
  readonly distLongM: number;
  readonly distLatM: number;
  readonly vrelLongMps: number;
  readonly vrelLatMps: number;
  readonly rcsDbm2: number;
  readonly dynProp: (typeof OBJ_DYN_PROP)[number];
  /** From 0x60C when received. */
  quality?: {
    readonly probOfExistRaw: number;
    /** Upper bound of the class, e.g. 0.5 for "< 50 %". */
    readonly probOfExistMax: number;
    readonly measState: (typeof OBJ_MEAS_STATE)[number];
    /** rms codes 0–31 as sent (see the Continental manual for their table). */
    readonly distLongRms: number;
    readonly distLatRms: number;
    readonly vrelLongRms: number;
    readonly vrelLatRms: number;
    readonly arelLongRms: number;
    readonly arelLatRms: number;
    readonly orientationRms: number;
  };
  /** From 0x60D when received. */
  extended?: {
    readonly objClass: (typeof OBJ_CLASS)[number];
    readonly arelLongMps2: number;
    readonly arelLatMps2: number;
    readonly orientationDeg: number;
    readonly lengthM: number;
    readonly widthM: number;
  };
}

export interface RadarObjectList {
  readonly sensorId: number;
  readonly measCounter: number;
  readonly interfaceVersion: number;
  /** Objects announced by 0x60A. */
  readonly announced: number;
  readonly objects: readonly RadarObject[];
  /** All announced objects got their 0x60B (and the expected 0x60C/0x60D). */
  readonly complete: boolean;
  /** Time of the 0x60A frame, when the frames carried one. */
  readonly stampNs: bigint | undefined;
}

export interface RadarState {
  readonly sensorId: number;
  readonly maxDistanceM: number;
  readonly outputType: number;
  readonly sendQuality: boolean;
  readonly sendExtInfo: boolean;
  readonly rcsThreshold: number;
  readonly radarPower: number;
  readonly sortIndex: number;
  readonly motionRxState: number;
  readonly errors: {
    readonly voltage: boolean;
    readonly temporary: boolean;
    readonly temperature: boolean;
    readonly interference: boolean;
    readonly persistent: boolean;
  };
}

export type RadarEvent =
  | { readonly type: "objects"; readonly list: RadarObjectList }
  | { readonly type: "state"; readonly state: RadarState }
  | { readonly type: "other"; readonly message: string; readonly values: Record<string, number> };

export type Ars408ErrorCode = "dlc" | "unknown-id" | "sequence" | "remote";
export type Ars408Error = DecodeError<Ars408ErrorCode>;

export interface Ars408DecoderOptions {
  /** Sensor id 0–7 (ids are offset by 0x10·k). */
  readonly sensorId?: number;
  /** Expect 0x60C / 0x60D per object before a cycle counts as complete. Default: as the last 0x201 says, else false. */
  readonly expectQuality?: boolean;
  readonly expectExtended?: boolean;
}


interface Cycle {
  measCounter: number;
  interfaceVersion: number;
  announced: number;
  stampNs: bigint | undefined;
  objects: RadarObject[];
  byId: Map<number, RadarObject>;
  quality: number;
  extended: number;
}

export class Ars408Decoder {
  readonly sensorId: number;
  readonly errors = new ErrorCounter();
  frames = 0;
  private cycle: Cycle | undefined;
  private expectQuality: boolean;
  private expectExtended: boolean;
  private readonly fixedExpectations: boolean;

  constructor(options: Ars408DecoderOptions = {}) {
    this.sensorId = options.sensorId ?? 0;
    this.expectQuality = options.expectQuality ?? false;
    this.expectExtended = options.expectExtended ?? false;
    this.fixedExpectations = options.expectQuality !== undefined || options.expectExtended !== undefined;
  }

  private fail(error: Ars408Error): Result<never, Ars408Error> {
    this.errors.add(error);
    return err(error);
  }

  /**
   * Feed one frame. Returns the events it completes (usually none or one): a finished object list,
   * a radar state, or the decoded values of another known message. Errors are counted and returned.
   */
  push(frame: CanFrame): Result<RadarEvent[], Ars408Error> {
    this.frames++;
    if (frame.remote) return this.fail({ code: "remote", message: `ARS408: remote frame 0x${frame.id.toString(16)} ignored` });
    const def = frame.extended ? undefined : ars408MessageFor(frame.id, this.sensorId);
    if (!def) return this.fail({ code: "unknown-id", message: `ARS408: unknown CAN id 0x${frame.id.toString(16)} for sensor ${this.sensorId}` });
    const bad = checkDlc(def, frame.data.length);
    if (bad) return this.fail({ code: "dlc", message: bad.message });
    const d = frame.data;
    const events: RadarEvent[] = [];
    switch (def.id) {
      case ARS408.Obj_0_Status.id: {
        if (this.cycle) events.push({ type: "objects", list: this.finish(this.cycle) });
        this.cycle = {
          measCounter: decodeSignal(d, OBJ_SIGNALS.measCounter),
          interfaceVersion: decodeSignal(d, OBJ_SIGNALS.ifVersion),
          announced: decodeSignal(d, OBJ_SIGNALS.nObj),
          stampNs: frame.timestampNs,
          objects: [],
          byId: new Map(),
          quality: 0,
          extended: 0,
        };
        if (this.cycle.announced === 0) {
          events.push({ type: "objects", list: this.finish(this.cycle) });
          this.cycle = undefined;
        }
        return ok(events);
      }
      case ARS408.Obj_1_General.id: {
        const c = this.cycle;
        if (!c) return this.fail({ code: "sequence", message: "ARS408: 0x60B before any 0x60A status" });
        const id = decodeSignal(d, OBJ_SIGNALS.gId);
        if (c.byId.has(id) || c.objects.length >= c.announced) {
          return this.fail({ code: "sequence", message: `ARS408: object ${id} is beyond the ${c.announced} announced or repeated` });
        }
        const obj: RadarObject = {
          id,
          distLongM: decodeSignal(d, OBJ_SIGNALS.distLong),
          distLatM: decodeSignal(d, OBJ_SIGNALS.distLat),
          vrelLongMps: decodeSignal(d, OBJ_SIGNALS.vrelLong),
          vrelLatMps: decodeSignal(d, OBJ_SIGNALS.vrelLat),
          rcsDbm2: decodeSignal(d, OBJ_SIGNALS.rcs),
          dynProp: OBJ_DYN_PROP[decodeSignal(d, OBJ_SIGNALS.dynProp)],
        };
        c.objects.push(obj);
        c.byId.set(id, obj);
        break;
      }
      case ARS408.Obj_2_Quality.id: {
        const c = this.cycle;
        const id = decodeSignal(d, OBJ_SIGNALS.qId);
        const obj = c?.byId.get(id);
        if (!c || !obj) return this.fail({ code: "sequence", message: `ARS408: 0x60C for object ${id} without its 0x60B in this cycle` });
        if (!obj.quality) c.quality++;
        const prob = decodeSignal(d, OBJ_SIGNALS.prob);
        obj.quality = {
          probOfExistRaw: prob,
          probOfExistMax: OBJ_PROB_OF_EXIST[prob],
          measState: OBJ_MEAS_STATE[decodeSignal(d, OBJ_SIGNALS.measState)],
          distLongRms: decodeSignal(d, OBJ_SIGNALS.dLongRms),
          distLatRms: decodeSignal(d, OBJ_SIGNALS.dLatRms),
          vrelLongRms: decodeSignal(d, OBJ_SIGNALS.vLongRms),
          vrelLatRms: decodeSignal(d, OBJ_SIGNALS.vLatRms),
          arelLongRms: decodeSignal(d, OBJ_SIGNALS.aLongRms),
          arelLatRms: decodeSignal(d, OBJ_SIGNALS.aLatRms),
          orientationRms: decodeSignal(d, OBJ_SIGNALS.oriRms),
        };
        break;
      }
      case ARS408.Obj_3_Extended.id: {
        const c = this.cycle;
        const id = decodeSignal(d, OBJ_SIGNALS.xId);
        const obj = c?.byId.get(id);
        if (!c || !obj) return this.fail({ code: "sequence", message: `ARS408: 0x60D for object ${id} without its 0x60B in this cycle` });
        if (!obj.extended) c.extended++;
        obj.extended = {
          objClass: OBJ_CLASS[decodeSignal(d, OBJ_SIGNALS.cls)],
          arelLongMps2: decodeSignal(d, OBJ_SIGNALS.aLong),
          arelLatMps2: decodeSignal(d, OBJ_SIGNALS.aLat),
          orientationDeg: decodeSignal(d, OBJ_SIGNALS.ori),
          lengthM: decodeSignal(d, OBJ_SIGNALS.len),
          widthM: decodeSignal(d, OBJ_SIGNALS.wid),
        };
        break;
      }
      case ARS408.RadarState.id: {
        const v: Record<string, number> = {};
        for (const s of def.signals) v[s.name] = decodeSignal(d, s);
        const state: RadarState = {
          sensorId: v.RadarState_SensorID,
          maxDistanceM: v.RadarState_MaxDistanceCfg,
          outputType: v.RadarState_OutputTypeCfg,
          sendQuality: v.RadarState_SendQualityCfg === 1,
          sendExtInfo: v.RadarState_SendExtInfoCfg === 1,
          rcsThreshold: v.RadarState_RCS_Threshold,
          radarPower: v.RadarState_RadarPowerCfg,
          sortIndex: v.RadarState_SortIndex,
          motionRxState: v.RadarState_MotionRxState,
          errors: {
            voltage: v.RadarState_Voltage_Error === 1,
            temporary: v.RadarState_Temporary_Error === 1,
            temperature: v.RadarState_Temperature_Error === 1,
            interference: v.RadarState_Interference === 1,
            persistent: v.RadarState_Persistent_Error === 1,
          },
        };
        if (!this.fixedExpectations) {
          this.expectQuality = state.sendQuality;
          this.expectExtended = state.sendExtInfo;
        }
        return ok([{ type: "state", state }]);
      }
      default: {
        const values: Record<string, number> = {};
        for (const s of def.signals) values[s.name] = decodeSignal(d, s);
        return ok([{ type: "other", message: def.name, values }]);
      }
    }
    // An object message: emit the cycle as soon as everything announced and expected is in.
    const c = this.cycle;
    if (c && this.isComplete(c)) {
      events.push({ type: "objects", list: this.finish(c) });
      this.cycle = undefined;
    }
    return ok(events);
  }

  /** Emit the cycle in progress, if any (end of log). */
  flush(): RadarObjectList | undefined {
    const c = this.cycle;
    this.cycle = undefined;
    return c ? this.finish(c) : undefined;
  }

  private isComplete(c: Cycle): boolean {
    return (
      c.objects.length === c.announced &&
      (!this.expectQuality || c.quality === c.announced) &&
      (!this.expectExtended || c.extended === c.announced)
    );
  }

  private finish(c: Cycle): RadarObjectList {
    return {
      sensorId: this.sensorId,
      measCounter: c.measCounter,
      interfaceVersion: c.interfaceVersion,
      announced: c.announced,
      objects: c.objects,
      complete: this.isComplete(c),
      stampNs: c.stampNs,
    };
  }
}

/** Settings for 0x200; a field left out is not changed (its _valid bit is 0). */
export interface RadarConfiguration {
  readonly sensorId?: number;
  readonly maxDistanceM?: number;
  readonly outputType?: "none" | "objects" | "clusters";
  readonly radarPower?: 0 | 1 | 2 | 3;
  readonly sendQuality?: boolean;
  readonly sendExtInfo?: boolean;
  readonly sortIndex?: "none" | "range" | "rcs";
  readonly storeInNvm?: boolean;
  readonly ctrlRelay?: boolean;
  readonly rcsThreshold?: "standard" | "high";
}

/**
 * Encode a 0x200 RadarConfiguration frame for the sensor currently at `currentSensorId` (the id
 * offset applies to the address the sensor listens on).
 */
export function encodeRadarConfiguration(cfg: RadarConfiguration, currentSensorId = 0): Result<CanFrame, DecodeError<"range" | "dlc" | "unknown-signal">> {
  const v: Record<string, number> = {};
  const put = (name: string, value: number | undefined) => {
    if (value === undefined) return;
    v[`RadarCfg_${name}`] = value;
    v[`RadarCfg_${name}_valid`] = 1;
  };
  put("MaxDistance", cfg.maxDistanceM);
  put("SensorID", cfg.sensorId);
  put("RadarPower", cfg.radarPower);
  put("OutputType", cfg.outputType === undefined ? undefined : { none: 0, objects: 1, clusters: 2 }[cfg.outputType]);
  put("SendQuality", cfg.sendQuality === undefined ? undefined : +cfg.sendQuality);
  put("SendExtInfo", cfg.sendExtInfo === undefined ? undefined : +cfg.sendExtInfo);
  put("SortIndex", cfg.sortIndex === undefined ? undefined : { none: 0, range: 1, rcs: 2 }[cfg.sortIndex]);
  put("StoreInNVM", cfg.storeInNvm === undefined ? undefined : +cfg.storeInNvm);
  put("CtrlRelay", cfg.ctrlRelay === undefined ? undefined : +cfg.ctrlRelay);
  if (cfg.rcsThreshold !== undefined) {
    v.RadarCfg_RCS_Threshold = cfg.rcsThreshold === "high" ? 1 : 0;
    v.RadarCfg_RCS_Threshold_Valid = 1;
  }
  const data = encodeMessage(ARS408.RadarConfiguration, v);
  if (!data.ok) return data;
  if (!Number.isInteger(currentSensorId) || currentSensorId < 0 || currentSensorId > 7) {
    return err({ code: "range", message: `RadarConfiguration: sensor id ${currentSensorId} outside 0..7` });
  }
  return ok({
    id: ARS408.RadarConfiguration.id + SENSOR_ID_STRIDE * currentSensorId,
    extended: false,
    data: data.value,
    remote: false,
    fd: false,
  });
}
