// Continental ARS408-21 CAN message table: the one place where the bit layout lives.
// Transcribed from the facts in ../shared/data/radar/ars408-signals.tsv (Continental's CAN
// database: DBC start bit = MSB, Motorola, unsigned); test/hw/radar.test.ts checks every row of that
// file against this table. 0x200 RadarConfiguration is not in the file; its layout is the same
// database's (valid flags in byte 0, MaxDistance 15|10, SensorID 34|3, OutputType 36|2,
// RadarPower 39|3, CtrlRelay_valid 40, CtrlRelay 41, SendQuality 42, SendExtInfo 43, SortIndex 46|3,
// StoreInNVM 47, RCS_Threshold_Valid 48, RCS_Threshold 51|3).

import { defineMessage, type MessageDef, type SignalDef } from "./signals.ts";

function m(name: string, startBit: number, length: number, factor = 1, offset = 0, min = 0, max = 2 ** length - 1, unit = ""): SignalDef {
  return { name, startBit, length, byteOrder: "motorola", signed: false, factor, offset, min, max, unit };
}

export const ARS408 = Object.freeze({
  RadarConfiguration: defineMessage(0x200, "RadarConfiguration", [
    m("RadarCfg_MaxDistance_valid", 0, 1),
    m("RadarCfg_SensorID_valid", 1, 1),
    m("RadarCfg_RadarPower_valid", 2, 1),
    m("RadarCfg_OutputType_valid", 3, 1),
    m("RadarCfg_SendQuality_valid", 4, 1),
    m("RadarCfg_SendExtInfo_valid", 5, 1),
    m("RadarCfg_SortIndex_valid", 6, 1),
    m("RadarCfg_StoreInNVM_valid", 7, 1),
    m("RadarCfg_MaxDistance", 15, 10, 2, 0, 0, 2046, "m"),
    m("RadarCfg_SensorID", 34, 3, 1, 0, 0, 7),
    m("RadarCfg_OutputType", 36, 2, 1, 0, 0, 3),
    m("RadarCfg_RadarPower", 39, 3, 1, 0, 0, 7),
    m("RadarCfg_CtrlRelay_valid", 40, 1),
    m("RadarCfg_CtrlRelay", 41, 1),
    m("RadarCfg_SendQuality", 42, 1),
    m("RadarCfg_SendExtInfo", 43, 1),
    m("RadarCfg_SortIndex", 46, 3, 1, 0, 0, 7),
    m("RadarCfg_StoreInNVM", 47, 1),
    m("RadarCfg_RCS_Threshold_Valid", 48, 1),
    m("RadarCfg_RCS_Threshold", 51, 3, 1, 0, 0, 7),
  ]),
  RadarState: defineMessage(0x201, "RadarState", [
    m("RadarState_NVMReadStatus", 6, 1, 1, 0, 0, 1),
    m("RadarState_NVMwriteStatus", 7, 1, 1, 0, 0, 1),
    m("RadarState_MaxDistanceCfg", 15, 10, 2, 0, 0, 2046),
    m("RadarState_Voltage_Error", 17, 1, 1, 0, 0, 0),
    m("RadarState_Temporary_Error", 18, 1, 1, 0, 0, 0),
    m("RadarState_Temperature_Error", 19, 1, 1, 0, 0, 0),
    m("RadarState_Interference", 20, 1, 1, 0, 0, 0),
    m("RadarState_Persistent_Error", 21, 1, 1, 0, 0, 0),
    m("RadarState_RadarPowerCfg", 25, 3, 1, 0, 0, 7),
    m("RadarState_SensorID", 34, 3, 1, 0, 0, 7),
    m("RadarState_SortIndex", 38, 3, 1, 0, 0, 0),
    m("RadarState_CtrlRelayCfg", 41, 1, 1, 0, 0, 1),
    m("RadarState_OutputTypeCfg", 43, 2, 1, 0, 0, 3),
    m("RadarState_SendQualityCfg", 44, 1, 1, 0, 0, 1),
    m("RadarState_SendExtInfoCfg", 45, 1, 1, 0, 0, 1),
    m("RadarState_MotionRxState", 47, 2, 1, 0, 0, 3),
    m("RadarState_RCS_Threshold", 60, 3, 1, 0, 0, 7),
  ]),
  SpeedInformation: defineMessage(0x300, "SpeedInformation", [
    m("RadarDevice_SpeedDirection", 7, 2, 1, 0, 0, 2),
    m("RadarDevice_Speed", 4, 13, 0.02, 0, 0, 163.8, "m/s"),
  ]),
  YawRateInformation: defineMessage(0x301, "YawRateInformation", [
    m("RadarDevice_YawRate", 7, 16, 0.01, -327.68, -327.68, 327.66, "deg/s"),
  ]),
  Cluster_0_Status: defineMessage(0x600, "Cluster_0_Status", [
    m("Cluster_NofClustersNear", 7, 8, 1, 0, 0, 255),
    m("Cluster_NofClustersFar", 15, 8, 1, 0, 0, 255),
    m("Cluster_MeasCounter", 23, 16, 1, 0, 0, 65535),
    m("Cluster_InterfaceVersion", 39, 4, 1, 0, 0, 15),
  ]),
  Obj_0_Status: defineMessage(0x60a, "Obj_0_Status", [
    m("Obj_NofObjects", 7, 8, 1, 0, 0, 255),
    m("Obj_MeasCounter", 15, 16, 1, 0, 0, 65535),
    m("Obj_InterfaceVersion", 31, 4, 1, 0, 0, 16),
  ]),
  Obj_1_General: defineMessage(0x60b, "Obj_1_General", [
    m("Obj_ID", 7, 8, 1, 0, 0, 255),
    m("Obj_DistLong", 15, 13, 0.2, -500, -500, 1138.2, "m"),
    m("Obj_DistLat", 18, 11, 0.2, -204.6, -204.6, 204.8, "m"),
    m("Obj_VrelLong", 39, 10, 0.25, -128, -128, 127.75, "m/s"),
    m("Obj_VrelLat", 45, 9, 0.25, -64, -64, 63.75, "m/s"),
    m("Obj_DynProp", 50, 3, 1, 0, 0, 7),
    m("Obj_RCS", 63, 8, 0.5, -64, -64, 63.5, "dBm^2"),
  ]),
  Obj_2_Quality: defineMessage(0x60c, "Obj_2_Quality", [
    m("Obj_ID", 7, 8, 1, 0, 0, 255),
    m("Obj_DistLong_rms", 15, 5, 1, 0, 0, 31),
    m("Obj_DistLat_rms", 10, 5, 1, 0, 0, 31),
    m("Obj_VrelLong_rms", 21, 5, 1, 0, 0, 31),
    m("Obj_VrelLat_rms", 16, 5, 1, 0, 0, 31),
    m("Obj_ArelLong_rms", 27, 5, 1, 0, 0, 31),
    m("Obj_ArelLat_rms", 38, 5, 1, 0, 0, 31),
    m("Obj_Orientation_rms", 33, 5, 1, 0, 0, 31),
    m("Obj_MeasState", 52, 3, 1, 0, 0, 7),
    m("Obj_ProbOfExist", 55, 3, 1, 0, 0, 7),
  ]),
  Obj_3_Extended: defineMessage(0x60d, "Obj_3_Extended", [
    m("Obj_ID", 7, 8, 1, 0, 0, 255),
    m("Obj_ArelLong", 15, 11, 0.01, -10, -10, 10.47, "m/s^2"),
    m("Obj_ArelLat", 20, 9, 0.01, -2.5, -2.5, 2.61, "m/s^2"),
    m("Obj_Class", 26, 3, 1, 0, 0, 7),
    m("Obj_OrientationAngle", 39, 10, 0.4, -180, -180, 229.2, "deg"),
    m("Obj_Length", 55, 8, 0.2, 0, 0, 51, "m"),
    m("Obj_Width", 63, 8, 0.2, 0, 0, 51, "m"),
  ]),
  Cluster_1_General: defineMessage(0x701, "Cluster_1_General", [
    m("Cluster_ID", 7, 8, 1, 0, 0, 255),
    m("Cluster_DistLong", 15, 13, 0.2, -500, -500, 1138.2, "m"),
    m("Cluster_DistLat", 17, 10, 0.2, -102.3, -102.3, 102.3, "m"),
    m("Cluster_VrelLong", 39, 10, 0.25, -128, -128, 127.75, "m/s"),
    m("Cluster_VrelLat", 45, 9, 0.25, -64, -64, 63.75, "m/s"),
    m("Cluster_DynProp", 50, 3, 1, 0, 0, 7),
    m("Cluster_RCS", 63, 8, 0.5, -64, -64, 63.5, "dBm^2"),
  ]),
  Cluster_2_Quality: defineMessage(0x702, "Cluster_2_Quality", [
    m("Cluster_ID", 7, 8, 1, 0, 0, 255),
    m("Cluster_DistLong_rms", 15, 5, 1, 0, 0, 31),
    m("Cluster_DistLat_rms", 10, 5, 1, 0, 0, 31),
    m("Cluster_VrelLong_rms", 21, 5, 1, 0, 0, 31),
    m("Cluster_VrelLat_rms", 16, 5, 1, 0, 0, 31),
    m("Cluster_PdH0", 26, 3, 1, 0, 0, 7),
    m("Cluster_AmbigState", 34, 3, 1, 0, 0, 7),
    m("Cluster_InvalidState", 39, 5, 1, 0, 0, 31),
  ]),
} satisfies Record<string, MessageDef>);

export type Ars408MessageName = keyof typeof ARS408;

/** Sensor k (0–7) adds 0x10·k to every id. */
export const SENSOR_ID_STRIDE = 0x10;

const BY_BASE_ID = new Map<number, MessageDef>(Object.values(ARS408).map((d) => [d.id, d]));

/** Message definition for an id as sent by sensor `sensorId`, or undefined. */
export function ars408MessageFor(id: number, sensorId = 0): MessageDef | undefined {
  return BY_BASE_ID.get(id - SENSOR_ID_STRIDE * sensorId);
}

export const OBJ_CLASS = Object.freeze(["point", "car", "truck", "pedestrian", "motorcycle", "bicycle", "wide", "reserved"] as const);
export const OBJ_DYN_PROP = Object.freeze([
  "moving",
  "stationary",
  "oncoming",
  "stationary candidate",
  "unknown",
  "crossing stationary",
  "crossing moving",
  "stopped",
] as const);
/** Upper bound of the existence probability class (0 = invalid). */
export const OBJ_PROB_OF_EXIST = Object.freeze([0, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1] as const);
export const OBJ_MEAS_STATE = Object.freeze(["deleted", "new", "measured", "predicted", "deleted for merge", "new from merge", "reserved", "reserved"] as const);

function sig(def: MessageDef, name: string): SignalDef {
  const s = def.signals.find((x) => x.name === name);
  if (!s) throw new Error(`ARS408 table: ${def.name} has no ${name}`); // table bug, at load time
  return s;
}

/** The object-list signals, resolved once from the table (no per-frame lookups by name). */
export const OBJ_SIGNALS = Object.freeze({
  nObj: sig(ARS408.Obj_0_Status, "Obj_NofObjects"),
  measCounter: sig(ARS408.Obj_0_Status, "Obj_MeasCounter"),
  ifVersion: sig(ARS408.Obj_0_Status, "Obj_InterfaceVersion"),
  gId: sig(ARS408.Obj_1_General, "Obj_ID"),
  distLong: sig(ARS408.Obj_1_General, "Obj_DistLong"),
  distLat: sig(ARS408.Obj_1_General, "Obj_DistLat"),
  vrelLong: sig(ARS408.Obj_1_General, "Obj_VrelLong"),
  vrelLat: sig(ARS408.Obj_1_General, "Obj_VrelLat"),
  dynProp: sig(ARS408.Obj_1_General, "Obj_DynProp"),
  rcs: sig(ARS408.Obj_1_General, "Obj_RCS"),
  qId: sig(ARS408.Obj_2_Quality, "Obj_ID"),
  prob: sig(ARS408.Obj_2_Quality, "Obj_ProbOfExist"),
  measState: sig(ARS408.Obj_2_Quality, "Obj_MeasState"),
  dLongRms: sig(ARS408.Obj_2_Quality, "Obj_DistLong_rms"),
  dLatRms: sig(ARS408.Obj_2_Quality, "Obj_DistLat_rms"),
  vLongRms: sig(ARS408.Obj_2_Quality, "Obj_VrelLong_rms"),
  vLatRms: sig(ARS408.Obj_2_Quality, "Obj_VrelLat_rms"),
  aLongRms: sig(ARS408.Obj_2_Quality, "Obj_ArelLong_rms"),
  aLatRms: sig(ARS408.Obj_2_Quality, "Obj_ArelLat_rms"),
  oriRms: sig(ARS408.Obj_2_Quality, "Obj_Orientation_rms"),
  xId: sig(ARS408.Obj_3_Extended, "Obj_ID"),
  cls: sig(ARS408.Obj_3_Extended, "Obj_Class"),
  aLong: sig(ARS408.Obj_3_Extended, "Obj_ArelLong"),
  aLat: sig(ARS408.Obj_3_Extended, "Obj_ArelLat"),
  ori: sig(ARS408.Obj_3_Extended, "Obj_OrientationAngle"),
  len: sig(ARS408.Obj_3_Extended, "Obj_Length"),
  wid: sig(ARS408.Obj_3_Extended, "Obj_Width"),
});
