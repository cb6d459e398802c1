// A log that takes its name only once it is worth keeping. It is written beside its path under a
// hidden name and renamed when kept, so a run refused before its first message (a missing capture, a
// bad calibration, no bus) leaves an earlier log of that name untouched instead of truncating it.
import { renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { McapRecorder, type McapRecorderOptions } from "./McapRecorder.ts";
import { makeOutputFolder } from "./outputFolder.ts";

export class PendingLog {
  readonly path: string;
  readonly recorder: McapRecorder;
  readonly #hiddenPath: string;
  #kept = false;

  private constructor(path: string, hiddenPath: string, recorder: McapRecorder) {
    this.path = path;
    this.#hiddenPath = hiddenPath;
    this.recorder = recorder;
  }

  /** Throws unless `path` can be a log file: not a folder, its folder made and writable. */
  static check(path: string): void {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`cannot write the log to ${path}: it is a folder; give a file name such as ${join(path, "run.mcap")}`);
    }
    makeOutputFolder(dirname(path), "the log");
  }

  /** Checks `path` (see `check`), then starts writing beside it. */
  static async open(path: string, options: McapRecorderOptions = {}): Promise<PendingLog> {
    PendingLog.check(path);
    const hiddenPath = join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
    return new PendingLog(path, hiddenPath, await McapRecorder.open(hiddenPath, options));
  }

  /** Gives the log its name now (the file stays open; later messages still go into it). */
  keep(): void {
    if (this.#kept) return;
    renameSync(this.#hiddenPath, this.path);
    this.#kept = true;
  }

  /** Completes the file. A log never kept is removed, and `false` says that nothing was written to `path`. */
  async close(): Promise<boolean> {
    try {
      await this.recorder.close();
    } finally {
      if (!this.#kept) rmSync(this.#hiddenPath, { force: true });
    }
    return this.#kept;
  }
}
