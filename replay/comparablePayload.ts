// What "the same message" means when two runs are compared (openpilot's process_replay ignore
// list): the payload bytes with wall-clock fields zeroed. The only such field is
// DiagnosticStatus.latency_ms.
import { clone } from "@bufbuild/protobuf";
import { type Envelope, encodeMessage, msg } from "../bus/index.ts";

export function comparablePayload(envelope: Envelope): Uint8Array {
  if (envelope.topic === "/diagnostics") {
    const copy = clone(msg.DiagnosticStatusSchema, envelope.message as msg.DiagnosticStatus);
    copy.latencyMs = 0;
    return encodeMessage("/diagnostics", copy);
  }
  return encodeMessage(envelope.topic, envelope.message as never);
}

export function samePayload(a: Envelope, b: Envelope): boolean {
  if (a.topic !== b.topic) return false;
  const x = comparablePayload(a);
  const y = comparablePayload(b);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}
