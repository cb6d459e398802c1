// The one place the report touches the file system.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Writes `html` to `path` (UTF-8), creating the parent directory if needed. */
export function writeReport(path: string, html: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html, "utf8");
}
