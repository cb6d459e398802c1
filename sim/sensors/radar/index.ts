// The simulated ARS408 radar: ground truth → object list → the CAN frames the radar driver reads.
export { Ars408Radar, DYN_PROP, MEAS_STATE, RADAR_CLASS, rmsCode, toCandumpLines, type Ars408RadarOptions, type RadarCycle, type RadarPose, type SimRadarObject } from "./Ars408Radar.ts";
export { Ars408ParamsSchema, parseArs408Params, type Ars408Params, type Ars408ParamsInput } from "./ars408Params.ts";
