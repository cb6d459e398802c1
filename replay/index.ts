// What replay/ offers: record bus traffic to MCAP, and read MCAP logs back as envelopes.
export {
  McapRecorder,
  type McapRecorderOptions,
  MCAP_ENCODING,
  MCAP_LIBRARY,
  MCAP_METADATA_NAME,
  MCAP_PROFILE,
  LIVE_CHUNK_SIZE,
} from "./McapRecorder.ts";
export {
  LogError,
  type LogErrorKind,
  type LogChannelInfo,
  LogReader,
  type LogReaderOptions,
  type LogInfo,
  checkLog,
  type LogCheck,
  logInfo,
  type ReadMessagesOptions,
  readLog,
  type UndecodablePolicy,
} from "./LogReader.ts";
export { CHUNK_COMPRESSIONS, type ChunkCompression } from "./chunkCompression.ts";
export { comparablePayload, samePayload } from "./comparablePayload.ts";
export { formatLogInfo } from "./formatLogInfo.ts";
export { DEFAULT_MAX_GAP_S, GAP_CAUSE, type LogGap, logGapLine } from "./logGaps.ts";
export { playLog, type PlayOptions, type PlayResult } from "./playLog.ts";
export { overlayParams, recordedStackParams, rerunStack, type RerunOptions, STACK_INPUTS, STACK_OUTPUTS, STACK_PARAMS_METADATA_KEY, type RerunResult, type TopicDiff } from "./rerunStack.ts";
export { makeOutputFolder } from "./outputFolder.ts";
export { logWriter, PendingLog } from "./PendingLog.ts";
export { recoverLog, type RecoveredLog, type RecoverOptions } from "./recoverLog.ts";
