// Health of one driver: inputs, outputs, decode errors, drops, latency, time-sync state, warnings.
// Pure state (the caller passes the times); `report()` builds the `/diagnostics` DiagnosticStatus.
import { create } from "@bufbuild/protobuf";
import { DropCounter, toTimestamp } from "../../bus/index.ts";
import {
  type DiagnosticStatus,
  DiagnosticStatus_Level,
  DiagnosticStatusSchema,
  KeyValueSchema,
  TopicStatusSchema,
} from "../../bus/gen/curb/diagnostics_pb.ts";
import type { DecodeError } from "../result.ts";

interface Output {
  readonly counter: DropCounter;
  seq: number;
}

/**
 * Counters a driver keeps while it runs. Levels, per report (counts are cumulative, the level looks
 * at what changed since the previous report, like BusHealth): STALE when no input arrived within
 * `staleAfterNs` of `nowNs` (only once the driver expects input), ERROR on new decode errors, WARN
 * on new drops, new warnings or clock jumps, else OK.
 */
export class DriverHealth {
  inputs = 0;
  /** Inputs lost before they reached the decoder (gaps in the sensor's own counters or timing). */
  dropped = 0;
  decodeErrors = 0;
  readonly errorsByCode = new Map<string, number>();
  lastError = "";
  lastWarning = "";
  lastInputWallNs: bigint | undefined;
  /** Driver-specific state shown as values (PPS status, clock offset, ...). */
  readonly values = new Map<string, string>();
  private readonly outputs = new Map<string, Output>();
  private readonly warnings: string[] = [];
  private latencySumMs = 0;
  private latencyCount = 0;
  private latencyMaxMs = 0;
  private last = { decodeErrors: 0, dropped: 0, warnings: 0 };

  /**
   * @param name `DiagnosticStatus.name`, e.g. "velodyne/top".
   * @param staleAfterNs no input for this long (wall time) makes the report STALE.
   */
  constructor(
    readonly name: string,
    readonly staleAfterNs = 2_000_000_000n,
  ) {}

  input(wallNs: bigint): void {
    this.inputs++;
    this.lastInputWallNs = wallNs;
  }

  decodeError(error: DecodeError): void {
    this.decodeErrors++;
    this.errorsByCode.set(error.code, (this.errorsByCode.get(error.code) ?? 0) + 1);
    this.lastError = `${error.code}: ${error.message}`;
  }

  drop(count = 1): void {
    this.dropped += count;
  }

  /** A condition worth saying once (model override, clock re-anchored); kept for the reports. */
  warn(message: string): void {
    this.warnings.push(message);
    this.lastWarning = message;
  }

  get warningCount(): number {
    return this.warnings.length;
  }

  /** A message published on `topic` with sensor time `stampNs`, `latencyMs` after its input arrived. */
  published(topic: string, stampNs: bigint, latencyMs: number): void {
    let o = this.outputs.get(topic);
    if (!o) this.outputs.set(topic, (o = { counter: new DropCounter(), seq: 0 }));
    o.counter.observe(o.seq++, stampNs);
    this.latencySumMs += latencyMs;
    this.latencyCount++;
    if (latencyMs > this.latencyMaxMs) this.latencyMaxMs = latencyMs;
  }

  /** Messages published on a topic so far. */
  publishedCount(topic: string): number {
    return this.outputs.get(topic)?.seq ?? 0;
  }

  report(stampNs: bigint, wallNs: bigint): DiagnosticStatus {
    let level = DiagnosticStatus_Level.OK;
    const notes: string[] = [];
    const raise = (l: DiagnosticStatus_Level, note: string): void => {
      if (l > level) level = l;
      notes.push(note);
    };
    const stale = this.lastInputWallNs === undefined || wallNs - this.lastInputWallNs > this.staleAfterNs;
    if (stale) raise(DiagnosticStatus_Level.STALE, this.lastInputWallNs === undefined ? "no input yet" : "no input");
    const newErrors = this.decodeErrors - this.last.decodeErrors;
    if (newErrors > 0) raise(DiagnosticStatus_Level.ERROR, `${newErrors} decode errors (last: ${this.lastError})`);
    const newDrops = this.dropped - this.last.dropped;
    if (newDrops > 0) raise(DiagnosticStatus_Level.WARN, `${newDrops} inputs dropped`);
    for (const w of this.warnings.slice(this.last.warnings)) raise(DiagnosticStatus_Level.WARN, w);
    this.last = { decodeErrors: this.decodeErrors, dropped: this.dropped, warnings: this.warnings.length };
    const latencyMs = this.latencyCount > 0 ? this.latencySumMs / this.latencyCount : 0;
    const kv = (key: string, value: string | number) => create(KeyValueSchema, { key, value: String(value) });
    const values = [
      kv("inputs", this.inputs),
      kv("dropped", this.dropped),
      kv("decode_errors", this.decodeErrors),
      ...[...this.errorsByCode].sort().map(([code, n]) => kv(`decode_errors:${code}`, n)),
      kv("latency_max_ms", this.latencyMaxMs.toFixed(3)),
      ...[...this.values].map(([k, v]) => kv(k, v)),
      kv("warnings", this.warnings.length),
    ];
    if (this.lastError) values.push(kv("last_error", this.lastError));
    if (this.lastWarning) values.push(kv("last_warning", this.lastWarning));
    const topics = [...this.outputs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([topic, o]) =>
      create(TopicStatusSchema, { topic, received: BigInt(o.seq), dropped: 0n, rateHz: o.counter.rateHz, stale }),
    );
    this.latencySumMs = 0;
    this.latencyCount = 0;
    this.latencyMaxMs = 0;
    return create(DiagnosticStatusSchema, {
      timestamp: toTimestamp(stampNs),
      name: this.name,
      level,
      message: notes.length > 0 ? notes.join("; ") : "ok",
      latencyMs,
      topics,
      values,
    });
  }
}

/** The value of a key in a DiagnosticStatus (tests and the supervisor read them). */
export function diagnosticValue(status: DiagnosticStatus, key: string): string | undefined {
  return status.values.find((v) => v.key === key)?.value;
}
