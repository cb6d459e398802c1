// Reference data lives in ../shared/data (see its README for sources and licences); never copied here.
import { readFileSync } from "node:fs";

export const DATA_DIR = new URL("../../../shared/data/", import.meta.url);

export function dataBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, DATA_DIR)));
}

export function dataText(path: string): string {
  return readFileSync(new URL(path, DATA_DIR), "utf8");
}
