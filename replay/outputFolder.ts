// Output folders named by the user: created and proved writable before the work that fills them, so a
// wrong path costs a second, not a simulation suite or a training.
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Creates `dir` and its missing parents, then writes and removes a probe file there; throws saying
 * where `what` cannot go. Folder by folder, since Node's recursive mkdir spins forever under /proc;
 * by writing, since root passes every access() check.
 */
export function makeOutputFolder(dir: string, what = "the output"): void {
  try {
    const missing: string[] = [];
    for (let d = dir; !statSync(d, { throwIfNoEntry: false }); d = dirname(d)) missing.unshift(d);
    for (const d of missing) mkdirSync(d);
    const probe = join(dir, `.curb-write-test-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    throw new Error(`cannot write ${what} to ${dir}: ${(error as Error).message}`);
  }
}
