// A log takes its name only when kept: a run refused before its first message must leave an earlier
// log of that name as it was, and no hidden file behind.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InProcessBus, msg } from "../../bus/index.ts";
import { PendingLog, readLog } from "../../replay/index.ts";

const HOLD_LOG = new URL("./fixtures/holdLog.ts", import.meta.url).pathname;

/** A real second process writing `path`; resolves once its log is open. */
async function writerProcess(path: string, mode: "keep" | "pending") {
  const child = spawn(process.execPath, ["--import", "tsx", HOLD_LOG, path, mode], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    child.stdout!.once("data", resolve);
    child.once("exit", (code) => reject(new Error(`holdLog exited ${code}`)));
  });
  return {
    pid: child.pid!,
    kill: () => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGKILL"))),
  };
}

describe("PendingLog", () => {
  it("leaves an earlier file untouched when never kept, and removes its hidden file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-pending-"));
    const path = join(dir, "drive.mcap");
    writeFileSync(path, "an earlier drive");
    const log = await PendingLog.open(path);
    expect(readdirSync(dir).sort()).toEqual([`.drive.mcap.lock`, `.drive.mcap.partial-${process.pid}`, "drive.mcap"]);
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

  it("refuses a log another live process is writing, kept or not, and clears what a killed writer left", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-pending-"));
    const path = join(dir, "drive.mcap");
    const kept = await writerProcess(path, "keep");
    // Without the lock both would write: the second rename would take the name, the first run's log
    // would go on into an unlinked file and be lost.
    const refusal = `cannot write the log to ${path}: process ${kept.pid} is writing it (.drive.mcap.lock); stop that run or give this one another name`;
    expect(() => PendingLog.check(path)).toThrow(refusal);
    await expect(PendingLog.open(path)).rejects.toThrow(refusal);
    expect(readdirSync(dir).sort()).toEqual([".drive.mcap.lock", "drive.mcap"]);
    await kept.kill();
    expect(() => PendingLog.check(path)).not.toThrow(); // the killed writer's lock is stale
    const pending = await writerProcess(path, "pending"); // takes over the stale lock
    expect(readdirSync(dir).sort()).toEqual([".drive.mcap.lock", `.drive.mcap.partial-${pending.pid}`, "drive.mcap"]);
    await expect(PendingLog.open(path)).rejects.toThrow(`process ${pending.pid} is writing it`);
    await pending.kill();
    const before = readFileSync(path);
    const log = await PendingLog.open(path); // the never-kept leftover of a dead writer goes
    expect(readdirSync(dir).sort()).toEqual([".drive.mcap.lock", `.drive.mcap.partial-${process.pid}`, "drive.mcap"]);
    expect(await log.close()).toBe(false);
    expect(readFileSync(path).equals(before)).toBe(true); // the killed run's kept log is left as it was
    expect(readdirSync(dir)).toEqual(["drive.mcap"]);
  });

  it("refuses the second of two opens started together, which a look for writers before writing let through", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-pending-"));
    const path = join(dir, "drive.mcap");
    const [first, second] = await Promise.allSettled([PendingLog.open(path), PendingLog.open(path)]);
    expect(first.status).toBe("fulfilled");
    expect(second.status === "rejected" && String(second.reason)).toContain(`process ${process.pid} is writing it (.drive.mcap.lock)`);
    if (first.status === "fulfilled") expect(await first.value.close()).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("lets one of several writers started in the same instant write the log, and refuses the others", { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-pending-"));
    const path = join(dir, "drive.mcap");
    // Every process is started and waits for "go" on stdin; the writer holds the log until all four
    // have answered, so each rival tries while it is held.
    const writers = [0, 1, 2, 3].map((i) => {
      const child = spawn(process.execPath, ["--import", "tsx", HOLD_LOG, path, "keep", "go", `writer ${i}`], { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      const ready = new Promise<void>((resolve) => child.stdout!.once("data", () => resolve())); // "ready"
      const answered = ready.then(
        () =>
          new Promise<string>((resolve) => {
            const done = () => resolve(out.trim());
            child.stdout!.on("data", (d) => ((out += d), done()));
            child.stderr!.on("data", (d) => ((out += d), done()));
            child.once("exit", done);
          }),
      );
      const exited = new Promise((resolve) => child.once("exit", resolve));
      return { child, ready, answered, exited };
    });
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.child.stdin!.end("go\n");
    const results = await Promise.all(writers.map((w) => w.answered));
    for (const w of writers) w.child.kill("SIGTERM");
    await Promise.all(writers.map((w) => w.exited));
    expect(results.filter((r) => r === "writing"), results.join(" | ")).toHaveLength(1);
    expect(results.filter((r) => /process \d+ is writing it/.test(r)), results.join(" | ")).toHaveLength(3);
    const names: string[] = [];
    for await (const e of readLog(path)) names.push((e.message as { name: string }).name);
    expect(names).toHaveLength(1); // the winner's message, in a complete log
    expect(readdirSync(dir)).toEqual(["drive.mcap"]);
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
