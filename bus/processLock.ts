// A lock file held by a live process: what makes "one writer per log" and "one process per bus
// endpoint" hold when two runs start in the same instant (a look for a holder, then acting on it,
// lets both through). The file is made atomically, a hard link of a filled temporary file, so it is
// there whole or not at all. It names the holder: pid, its start time and the host. A lock is stale
// once that process is gone, or the pid now belongs to a later process (another start time). A taker
// killed mid-take leaves its temporary file; the next one to take the lock clears it.
import { hostname } from "node:os";
import { linkSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface LockHolder {
  pid: number;
  /** Clock ticks after boot (`/proc/<pid>/stat` field 22); "" where /proc is not there. */
  startTime: string;
  host: string;
}

/** Start time of a process, "" where it cannot be read (no /proc, the process is gone). */
function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (the name) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** Whether the holder still runs. One on another host cannot be looked at: taken as live. */
function holderAlive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  if (!processAlive(h.pid)) return false;
  const now = startTimeOf(h.pid);
  return h.startTime === "" || now === "" || now === h.startTime;
}

/** The holder a lock file names; `undefined` if there is no file; pid NaN for one that does not parse. */
function readHolder(path: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const [pid, startTime = "", host = ""] = text.trim().split(" ");
  return { pid: /^\d+$/.test(pid ?? "") ? Number(pid) : NaN, startTime, host };
}

/** Whether the lock at `path` naming `h` is held. One that does not parse is being written (the exclusive-create path) for an instant, then it is debris. */
function isHeld(path: string, h: LockHolder): boolean {
  if (!Number.isNaN(h.pid)) return holderAlive(h);
  const ageMs = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return ageMs < 2000;
}

const me = (): LockHolder => ({ pid: process.pid, startTime: startTimeOf(process.pid), host: hostname() });
const line = (h: LockHolder) => `${h.pid} ${h.startTime} ${h.host}\n`;
const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Thrown when a live process holds the lock. */
export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    super(
      Number.isNaN(holder.pid)
        ? `${basename(path)} is being taken by another process`
        : `${basename(path)} is held by process ${holder.pid}${holder.host === hostname() ? "" : ` on ${holder.host}`}`,
    );
  }
}

/** Creates `path` naming this process; false if it is there already. */
function create(path: string): boolean {
  const mine = line(me());
  const filled = `${path}.${process.pid}.tmp`;
  writeFileSync(filled, mine);
  try {
    linkSync(filled, path);
    return true;
  } catch (e) {
    if (errno(e) === "EEXIST") return false;
    // No hard links here (FAT, some network shares): an exclusive create, visible half-written for an instant.
    try {
      writeFileSync(path, mine, { flag: "wx" });
      return true;
    } catch (e2) {
      if (errno(e2) === "EEXIST") return false;
      throw e2;
    }
  } finally {
    rmSync(filled, { force: true });
  }
}

const held = new Set<string>();
let exitHookSet = false;

export class ProcessLock {
  private constructor(readonly path: string) {}

  /** The live process holding `path`, if any (a stale lock has none). */
  static holder(path: string): LockHolder | undefined {
    const h = readHolder(path);
    return h && isHeld(path, h) ? h : undefined;
  }

  /** Takes the lock, taking over a stale one. Throws {@link LockHeldError} while a live process holds it. */
  static acquire(path: string): ProcessLock {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (create(path)) return ProcessLock.#held(path);
      const stale = readHolder(path);
      if (!stale) continue; // released in between
      if (isHeld(path, stale)) throw new LockHeldError(path, stale);
      // Moved aside before it is removed: a second taker that judged the same stale lock may have
      // replaced it meanwhile, and that one must not be removed.
      const aside = `${path}.${process.pid}.stale`;
      try {
        renameSync(path, aside);
      } catch (e) {
        if (errno(e) === "ENOENT") continue;
        throw e;
      }
      const moved = readHolder(aside);
      if (moved && line(moved) !== line(stale)) {
        try {
          linkSync(aside, path); // put the live one back
        } catch {
          /* a third has taken it: it is held either way */
        }
        rmSync(aside, { force: true });
        throw new LockHeldError(path, moved);
      }
      rmSync(aside, { force: true });
    }
    throw new Error(`cannot take the lock ${path}: it changed hands five times in a row`);
  }

  static #held(path: string): ProcessLock {
    clearKilledTakers(path);
    held.add(path);
    if (!exitHookSet) {
      exitHookSet = true;
      // An exit without release (an uncaught error, process.exit) leaves no lock behind; a SIGKILL does, and it reads stale.
      process.once("exit", () => {
        for (const p of held) releaseIfMine(p);
      });
    }
    return new ProcessLock(path);
  }

  release(): void {
    if (held.delete(this.path)) releaseIfMine(this.path);
  }
}

const DEBRIS_AGE_MS = 60_000;

/**
 * Removes `<lock>.<pid>.tmp` and `<lock>.<pid>.stale` files of takers that are gone: a taker killed in
 * the instant between making one and removing it leaves it behind, and nothing else ever would. A
 * taker's own lives for microseconds, so one a minute old is debris; the pid is not proof alone, as a
 * taker on another host sharing the folder has a pid this host does not run. One whose pid runs here
 * is left: a few bytes, where a live taker's would be a loss.
 */
function clearKilledTakers(path: string): void {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return; // a folder that cannot be listed: nothing to clear from here
  }
  for (const name of names) {
    const [pidText, kind, ...rest] = name.startsWith(prefix) ? name.slice(prefix.length).split(".") : [];
    if (rest.length > 0 || (kind !== "tmp" && kind !== "stale") || !/^\d+$/.test(pidText ?? "")) continue;
    const pid = Number(pidText);
    const file = join(dirname(path), name);
    const ageMs = Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (ageMs > DEBRIS_AGE_MS && pid !== process.pid && !processAlive(pid)) rmSync(file, { force: true });
  }
}

function releaseIfMine(path: string): void {
  const h = readHolder(path);
  if (h && h.pid === process.pid && h.host === hostname()) rmSync(path, { force: true });
}
