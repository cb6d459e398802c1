// hw/: pure decoders for the sensor wire formats (no sockets, no bus). Drivers wrap these.
export { ErrorCounter, err, ok, lengthMessage, type DecodeError, type Result } from "./result.ts";

// Velodyne
export {
  AZIMUTH_UNITS,
  BLOCK_FLAG,
  MODEL_SPECS,
  PRODUCT_ID,
  RETURN_MODE,
  RETURN_TYPE,
  VELODYNE_PACKET,
  VELODYNE_PORTS,
  VELODYNE_POSITION_PACKET,
  modelForProductId,
  returnModeName,
  type ModelSpec,
  type ReturnModeName,
  type VelodyneModel,
} from "./velodyne/constants.ts";
export {
  parseCalibrationYaml,
  type CalibrationError,
  type LaserCalibration,
  type VelodyneCalibration,
} from "./velodyne/calibration.ts";
export {
  PPS_STATUS,
  parseDataPacketHeader,
  parseGprmc,
  parsePositionPacket,
  productName,
  type DataPacketHeader,
  type GprmcFix,
  type PositionPacket,
  type PpsStatus,
} from "./velodyne/packet.ts";
export { POINT_FIELDS, PointBuffer, type PointCloudView } from "./velodyne/PointBuffer.ts";
export {
  MAX_POINTS_PER_PACKET,
  VelodyneDecoder,
  type AzimuthInterpolation,
  type DecodedPacketInfo,
  type VelodyneDecodeError,
  type VelodyneDecoderOptions,
  type VelodyneErrorCode,
} from "./velodyne/VelodyneDecoder.ts";
export { ScanAssembler, type CompletedScan, type PushResult, type ScanAssemblerOptions } from "./velodyne/ScanAssembler.ts";
export { topOfHourToNs } from "./velodyne/time.ts";
export {
  encodeDataPacket,
  firingAzimuths,
  firingLayout,
  isEncodableModel,
  type DataPacketFields,
  type EncodableModel,
  type FiringLayout,
} from "./velodyne/packetEncoder.ts";
export { parsePcd, type PcdCloud, type PcdField } from "./velodyne/pcd.ts";

// pcap
export { writePcap, type PcapWritePacket } from "./pcap/pcapWriter.ts";
export { PCAP, PcapReader, ipv4ToString, parsePcapHeader, type PcapError, type PcapHeader, type PcapStats, type UdpPacket } from "./pcap/PcapReader.ts";

// CAN / ARS408
export {
  bytesNeeded,
  checkDlc,
  decodeMessage,
  decodeSignal,
  defineMessage,
  encodeMessage,
  extractRaw,
  insertRaw,
  signalBits,
  type ByteOrder,
  type MessageDef,
  type SignalDef,
  type SignalError,
} from "./radar/signals.ts";
export { ARS408, OBJ_CLASS, OBJ_DYN_PROP, OBJ_MEAS_STATE, OBJ_PROB_OF_EXIST, OBJ_SIGNALS, SENSOR_ID_STRIDE, ars408MessageFor } from "./radar/ars408Messages.ts";
export { formatCandumpLine, parseCandumpLine, type CanFrame, type CandumpError } from "./radar/candump.ts";
export {
  Ars408Decoder,
  encodeRadarConfiguration,
  type Ars408DecoderOptions,
  type Ars408Error,
  type RadarConfiguration,
  type RadarEvent,
  type RadarObject,
  type RadarObjectList,
  type RadarState,
} from "./radar/Ars408Decoder.ts";
export { DEFAULT_FRAME_SPACING_NS, encodeArs408Object, encodeObjectList, quantiseSignal, quantisedValue, type Ars408EncodedCycle, type Ars408EncodeOptions, type Ars408ObjectInput, type Ars408ObjectListInput, type Quantised } from "./radar/Ars408Encoder.ts";
