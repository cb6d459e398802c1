// What `curb log info` prints for a person: the log's span, then a row per topic (count, rate, when it
// starts and stops relative to the log's start, schema) and what cannot be decoded. `--json` keeps
// logInfo's data as it is, for scripts.
import type { LogCheck, LogInfo } from "./LogReader.ts";
import { DEFAULT_MAX_GAP_S, GAP_CAUSE, logGapLine } from "./logGaps.ts";
import { logTimeText } from "./logTime.ts";

/** " (zstd, 1.6 of 5.5 MiB)" or " (uncompressed, 5.5 MiB)"; nothing without chunks. */
function chunkStorage(info: LogInfo): string {
  if (info.chunkCount === 0) return "";
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const { stored, uncompressed } = info.chunkBytes;
  const kinds = info.chunkCompressions.map((c) => c || "uncompressed").join(" and ");
  return stored === uncompressed ? ` (${kinds}, ${mib(stored)} MiB)` : ` (${kinds}, ${mib(stored)} of ${mib(uncompressed)} MiB)`;
}

export function formatLogInfo(info: LogInfo, checked?: LogCheck): string {
  const spanS = seconds(info.endNs - info.startNs);
  const lines = [
    `log       ${info.path}`,
    `written   ${info.library || "(no library named)"}, profile ${info.profile || "(none)"}`,
    `messages  ${grouped(info.messageCount)} in ${info.chunkCount} chunk${info.chunkCount === 1 ? "" : "s"}${chunkStorage(info)}, ${info.channels.length} topic${info.channels.length === 1 ? "" : "s"}`,
  ];
  if (info.messageCount > 0n) {
    lines.push(`start     ${logTimeText(info.startNs)}  (${info.startNs} ns)`, `end       ${logTimeText(info.endNs)}  (${info.endNs} ns)`, `duration  ${spanS.toFixed(3)} s`);
  }
  lines.push("", ...channelTable(info));
  const problems = info.channels.filter((c) => c.problem);
  if (problems.length > 0) lines.push("", `not decodable (${problems.length}):`, ...problems.map((c) => `  ${c.problem!.message}`));
  for (const [name, record] of Object.entries(info.metadata)) {
    lines.push("", `metadata "${name}":`);
    const keys = Object.keys(record).sort();
    const width = Math.max(...keys.map((k) => k.length));
    // A value may be a whole JSON document (the stack's parameters): one line, cut, is enough to see it is there.
    for (const key of keys) lines.push(`  ${key.padEnd(width)}  ${oneLine(record[key]!, 100)}`);
  }
  if (checked) {
    const agree = BigInt(checked.messages) === info.messageCount;
    lines.push(
      "",
      `checked   every message read and decoded: ${grouped(BigInt(checked.messages))}${agree ? ", as the summary says" : `, but the summary says ${grouped(info.messageCount)}`}`,
      `silences  ${checked.gaps.length === 0 ? `none over ${DEFAULT_MAX_GAP_S} s` : checked.gaps.map(logGapLine).join("\n          ")}`,
    );
    if (checked.gaps.length > 0) lines.push(`          likely ${GAP_CAUSE}`);
  }
  return lines.join("\n");
}

function channelTable(info: LogInfo): string[] {
  if (info.channels.length === 0) return ["(no topics)"];
  const rows = [...info.channels]
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.id - b.id))
    .map((c) => {
      const span = c.startNs !== undefined && c.endNs !== undefined ? seconds(c.endNs - c.startNs) : undefined;
      // A rate from the count over the span: (n − 1) intervals, so 11 messages 1 s apart read 10 Hz.
      const rate = span !== undefined && span > 0 && c.messageCount > 1n ? Number(c.messageCount - 1n) / span : undefined;
      return [
        c.topic,
        grouped(c.messageCount),
        rate === undefined ? "–" : rate.toFixed(rate < 10 ? 2 : 1),
        c.startNs === undefined ? "–" : `+${seconds(c.startNs - info.startNs).toFixed(3)}`,
        c.endNs === undefined ? "–" : `+${seconds(c.endNs - info.startNs).toFixed(3)}`,
        c.schemaName + (c.problem ? "  !" : ""),
      ];
    });
  const header = ["topic", "messages", "Hz", "first s", "last s", "schema"];
  const right = [false, true, true, true, true, false];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (row: string[]) => row.map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  return [format(header), ...rows.map(format)];
}

/** ns as float seconds: exact enough for a span printed to the millisecond. */
function seconds(ns: bigint): number {
  return Number(ns) / 1e9;
}

/** 1234567 → "1 234 567", grouped as the READMEs write counts. */
function grouped(n: bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
