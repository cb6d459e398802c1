// A log that takes its name only once it is worth keeping. It is written beside its path under a
// hidden name and given its name when kept, so a run refused before its first message (a missing
// capture, a bad calibration, no bus) leaves an earlier log of that name untouched instead of
// truncating it. The hidden name (with the writer's pid) stays until the log is closed: it tells a
// second run that the log is being written, and a killed run's leftover from a live writer.
import { linkSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { McapRecorder, type McapRecorderOptions } from "./McapRecorder.ts";
import { makeOutputFolder } from "./outputFolder.ts";

const hiddenPrefix = (path: string) => `.${basename(path)}.partial-`;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** The hidden files of earlier writers of `path`, by pid. */
function writersOf(path: string): { file: string; pid: number }[] {
  const prefix = hiddenPrefix(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .map((n) => ({ file: join(dirname(path), n), pid: Number(n.slice(prefix.length)) }))
    .filter((w) => w.pid !== process.pid);
}

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

  /** Throws unless `path` can be a log file: not a folder, not being written by a live process, its folder made and writable. */
  static check(path: string): void {
    PendingLog.#check(path);
  }

  /** `check`, giving the hidden files earlier writers (all dead, then) left beside `path`. */
  static #check(path: string): { file: string; pid: number }[] {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`cannot write the log to ${path}: it is a folder; give a file name such as ${join(path, "run.mcap")}`);
    }
    const writers = writersOf(path);
    const live = writers.find((w) => processAlive(w.pid));
    if (live) throw new Error(`cannot write the log to ${path}: process ${live.pid} is writing it (${basename(live.file)}); stop that run or give this one another name`);
    makeOutputFolder(dirname(path), "the log");
    return writers;
  }

  /** Checks `path` (see `check`), clears what killed writers left, then starts writing beside it. */
  static async open(path: string, options: McapRecorderOptions = {}): Promise<PendingLog> {
    // A killed run's hidden file is either a second name of the log it kept, or a log never kept
    // (it died before its first message or before its driver started): nothing to keep either way.
    for (const w of PendingLog.#check(path)) rmSync(w.file, { force: true });
    const hiddenPath = join(dirname(path), `${hiddenPrefix(path)}${process.pid}`);
    return new PendingLog(path, hiddenPath, await McapRecorder.open(hiddenPath, options));
  }

  /** Gives the log its name now (the file stays open; later messages still go into it). */
  keep(): void {
    if (this.#kept) return;
    // A second link, renamed over the earlier file (atomic); the hidden name stays until close.
    const link = `${this.#hiddenPath}.keep`;
    let linked = true;
    try {
      linkSync(this.#hiddenPath, link);
    } catch {
      linked = false; // no hard links here (FAT, some network shares): the hidden name goes, no marker then
    }
    renameSync(linked ? link : this.#hiddenPath, this.path);
    this.#kept = true;
  }

  /** Completes the file and drops its hidden name. `false`: never kept, nothing was written to `path`. */
  async close(): Promise<boolean> {
    try {
      await this.recorder.close();
    } finally {
      rmSync(this.#hiddenPath, { force: true });
    }
    return this.#kept;
  }
}
