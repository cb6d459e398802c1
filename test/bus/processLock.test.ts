// A lock is stale only when its holder is really gone: a pid now used by a later process, or
// debris that never became a lock. Anything that may still be alive keeps it held.
import { mkdtempSync, readFileSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LockHeldError, ProcessLock } from "../../bus/processLock.ts";

const lockIn = () => join(mkdtempSync(join(tmpdir(), "curb-lock-")), "run.lock");
const myStartTime = () => {
  const stat = readFileSync(`/proc/${process.pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
};

describe("ProcessLock", () => {
  it("names its holder, refuses a second taker while held, and goes on release", () => {
    const path = lockIn();
    const lock = ProcessLock.acquire(path);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid} ${myStartTime()} ${hostname()}\n`);
    expect(ProcessLock.holder(path)?.pid).toBe(process.pid);
    expect(() => ProcessLock.acquire(path)).toThrow(new LockHeldError(path, { pid: process.pid, startTime: myStartTime(), host: hostname() }));
    lock.release();
    expect(existsSync(path)).toBe(false);
    expect(ProcessLock.holder(path)).toBeUndefined();
  });

  it("takes over the lock of a pid that now belongs to a later process (another start time)", () => {
    const path = lockIn();
    // Our own pid, as if an earlier process of that pid had held it before a reboot or pid wrap.
    writeFileSync(path, `${process.pid} ${Number(myStartTime()) - 1} ${hostname()}\n`);
    expect(ProcessLock.holder(path)).toBeUndefined();
    const lock = ProcessLock.acquire(path);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid} ${myStartTime()} ${hostname()}\n`);
    lock.release();
  });

  it("takes over the lock of a process that is gone", () => {
    const path = lockIn();
    writeFileSync(path, `2147483646 12345 ${hostname()}\n`); // above any pid_max
    ProcessLock.acquire(path).release();
    expect(existsSync(path)).toBe(false);
  });

  it("keeps a lock held by another host, and one being written, and clears old debris", () => {
    const path = lockIn();
    writeFileSync(path, `1 1 some-other-vehicle\n`);
    expect(() => ProcessLock.acquire(path)).toThrow(`run.lock is held by process 1 on some-other-vehicle`);
    writeFileSync(path, ""); // an exclusive create not yet filled (file systems without hard links)
    expect(() => ProcessLock.acquire(path)).toThrow("run.lock is being taken by another process");
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(path, old, old); // still empty 10 s on: debris of a crash
    expect(ProcessLock.holder(path)).toBeUndefined();
    ProcessLock.acquire(path).release();
  });

  it("clears the temporary files of a taker killed mid-take, and keeps a live or a recent taker's", () => {
    const path = lockIn();
    const gone = 2147483646; // above any pid_max
    const old = (Date.now() - 120_000) / 1000;
    const file = (pid: number, kind: string) => `${path}.${pid}.${kind}`;
    const debris = [file(gone, "tmp"), file(gone, "stale")];
    const kept = [file(process.ppid, "tmp"), file(gone + 1, "stale.keep"), join(path, "..", "other.lock.7.tmp")];
    for (const f of [...debris, ...kept]) {
      writeFileSync(f, "");
      utimesSync(f, old, old);
    }
    const recent = file(gone - 1, "tmp"); // a taker on another host sharing the folder, mid-take
    writeFileSync(recent, "");
    ProcessLock.acquire(path).release();
    for (const f of debris) expect(existsSync(f), f).toBe(false);
    for (const f of [...kept, recent]) expect(existsSync(f), f).toBe(true);
  });
});
