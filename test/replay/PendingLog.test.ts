// A log takes its name only when kept: a run refused before its first message must leave an earlier
// log of that name as it was, and no hidden file behind.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InProcessBus, msg } from "../../bus/index.ts";
import { PendingLog, readLog } from "../../replay/index.ts";

describe("PendingLog", () => {
  it("leaves an earlier file untouched when never kept, and removes its hidden file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-pending-"));
    const path = join(dir, "drive.mcap");
    writeFileSync(path, "an earlier drive");
    const log = await PendingLog.open(path);
    expect(readdirSync(dir).sort()).toEqual([`.drive.mcap.partial-${process.pid}`, "drive.mcap"]);
    expect(await log.close()).toBe(false);
    expect(readFileSync(path, "utf8")).toBe("an earlier drive");
    expect(readdirSync(dir)).toEqual(["drive.mcap"]);
  });

  it("once kept, replaces the earlier file with a complete log holding messages recorded before and after", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-pending-"));
    const path = join(dir, "drive.mcap");
    writeFileSync(path, "an earlier drive");
    const log = await PendingLog.open(path);
    const bus = new InProcessBus();
    log.recorder.attach(bus);
    const diag = (name: string) => msg.create(msg.DiagnosticStatusSchema, { name, message: "ok" });
    bus.publish("/diagnostics", diag("before"), 1n);
    log.keep();
    bus.publish("/diagnostics", diag("after"), 2n);
    expect(await log.close()).toBe(true);
    expect(readdirSync(dir)).toEqual(["drive.mcap"]);
    const names: string[] = [];
    for await (const e of readLog(path)) names.push((e.message as { name: string }).name);
    expect(names).toEqual(["before", "after"]);
  });

  it("refuses a folder as the log's path, and creates missing parent folders", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-pending-"));
    await expect(PendingLog.open(dir)).rejects.toThrow(`cannot write the log to ${dir}: it is a folder`);
    const log = await PendingLog.open(join(dir, "a", "b", "run.mcap"));
    log.keep();
    expect(await log.close()).toBe(true);
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["run.mcap"]);
  });
});
