// The line a person watching `curb drive` reads on stderr: the drive's level and what is wrong, then
// each process with its state, its restarts and the rates its topics arrive at (from the drive status
// the supervisor publishes on /diagnostics, so the two never disagree).
import { type DiagnosticStatus, DiagnosticStatus_Level } from "../../bus/gen/curb/diagnostics_pb.ts";
import { diagnosticValue } from "./DriverHealth.ts";

export interface SummarisedProcess {
  readonly key: string;
  /** The topics the process publishes (their last path segment names them in the line). */
  readonly topics: readonly string[];
}

export function driveSummary(status: DiagnosticStatus, processes: readonly SummarisedProcess[]): string {
  const rates = new Map(status.topics.map((t) => [t.topic, t]));
  const parts = processes.map((p) => {
    const state = diagnosticValue(status, `${p.key}:state`) ?? "?";
    const restarts = Number(diagnosticValue(status, `${p.key}:restarts`) ?? 0);
    const topics = p.topics.map((topic) => {
      const t = rates.get(topic);
      const what = topic.slice(topic.lastIndexOf("/") + 1);
      return t === undefined ? undefined : t.stale ? `${what} stale` : `${what} ${t.rateHz.toFixed(1)} Hz`;
    });
    const log = p.key === "recorder" ? diagnosticValue(status, "recorder:log") : undefined;
    const details = [...topics.filter((t) => t !== undefined), ...(restarts > 0 ? [`${restarts} restart${restarts === 1 ? "" : "s"}`] : []), ...(log ? [`→ ${log}`] : [])];
    return `${p.key} ${state}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
  });
  const level = DiagnosticStatus_Level[status.level];
  return [`${level}${status.message && status.message !== "ok" ? `: ${status.message}` : ""}`, ...parts].join(" · ");
}
