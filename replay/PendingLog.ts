// A log that takes its name only once it is worth keeping. It is written beside its path under a
// hidden name and given its name when kept, so a run refused before its first message (a missing
// capture, a bad calibration, no bus) leaves an earlier log of that name untouched instead of
// truncating it. A lock beside it (`.<name>.lock`, held until close) makes it one writer per log:
// a second run, even one started in the same instant, is refused instead of renaming its own file
// over the first one's, which would go on into an unlinked file and be lost.
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { LockHeldError, type LockHolder, ProcessLock } from "../bus/processLock.ts";
import { McapRecorder, type McapRecorderOptions } from "./McapRecorder.ts";
import { makeOutputFolder } from "./outputFolder.ts";

const hiddenPrefix = (path: string) => `.${basename(path)}.partial-`;
const lockPath = (path: string) => join(dirname(path), `.${basename(path)}.lock`);

/** The live process writing the log at `path`, if any. */
export function logWriter(path: string): LockHolder | undefined {
  return ProcessLock.holder(lockPath(path));
}

function refusal(path: string, holder: LockHolder): Error {
  return new Error(`cannot write the log to ${path}: process ${holder.pid} is writing it (${basename(lockPath(path))}); stop that run or give this one another name`);
}

export class PendingLog {
  readonly path: string;
  readonly recorder: McapRecorder;
  readonly #hiddenPath: string;
  readonly #lock: ProcessLock;
  #kept = false;

  private constructor(path: string, hiddenPath: string, lock: ProcessLock, recorder: McapRecorder) {
    this.path = path;
    this.#hiddenPath = hiddenPath;
    this.#lock = lock;
    this.recorder = recorder;
  }

  /** Throws unless `path` can be a log file: not a folder, not being written by a live process, its folder made and writable. */
  static check(path: string): void {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`cannot write the log to ${path}: it is a folder; give a file name such as ${join(path, "run.mcap")}`);
    }
    const holder = logWriter(path);
    if (holder) throw refusal(path, holder);
    makeOutputFolder(dirname(path), "the log");
  }

  /** Checks `path` (see `check`) and takes its lock, clears what killed writers left, then starts writing beside it. */
  static async open(path: string, options: McapRecorderOptions = {}): Promise<PendingLog> {
    PendingLog.check(path);
    let lock: ProcessLock;
    try {
      lock = ProcessLock.acquire(lockPath(path));
    } catch (e) {
      throw e instanceof LockHeldError ? refusal(path, e.holder) : e;
    }
    try {
      // With the lock held, any other hidden file is a killed run's log never kept (it died before
      // its first message or before its driver started): nothing to keep.
      const prefix = hiddenPrefix(path);
      for (const n of readdirSync(dirname(path))) if (n.startsWith(prefix)) rmSync(join(dirname(path), n), { force: true });
      const hiddenPath = join(dirname(path), `${prefix}${process.pid}`);
      return new PendingLog(path, hiddenPath, lock, await McapRecorder.open(hiddenPath, options));
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Gives the log its name now (the file stays open; later messages still go into it). */
  keep(): void {
    if (this.#kept) return;
    renameSync(this.#hiddenPath, this.path); // atomic: the earlier log until here, this one from here
    this.#kept = true;
  }

  /** Completes the file, drops its hidden name if never kept, and its lock. `false`: never kept, nothing was written to `path`. */
  async close(): Promise<boolean> {
    try {
      await this.recorder.close();
    } finally {
      if (!this.#kept) rmSync(this.#hiddenPath, { force: true });
      this.#lock.release();
    }
    return this.#kept;
  }
}
