// What replay/ offers: record bus traffic to MCAP, and read MCAP logs back as envelopes.
export {
  McapRecorder,
  type McapRecorderOptions,
  MCAP_ENCODING,
  MCAP_LIBRARY,
  MCAP_METADATA_NAME,
  MCAP_PROFILE,
} from "./McapRecorder.ts";
export {
  LogError,
  type LogErrorKind,
  type LogChannelInfo,
  LogReader,
  type LogReaderOptions,
  type LogInfo,
  logInfo,
  type ReadMessagesOptions,
  readLog,
  type UndecodablePolicy,
} from "./LogReader.ts";
