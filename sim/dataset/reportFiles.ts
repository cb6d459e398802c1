// Shared by `curb eval intent` and `curb tune intent`: numbers in their tables and JSON, and edits of
// a model card. JSON has no NaN or Infinity (an unmeasured lead time, say), so those are written null.
import { readFileSync, writeFileSync } from "node:fs";

/** A number to three decimals for a table, "-" when not finite. */
export const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : "  -  ");

/** JSON.stringify replacer: non-finite numbers become null. */
export const finiteOrNull = (_key: string, v: unknown): unknown => (typeof v === "number" && !Number.isFinite(v) ? null : v);

/** Reads the card JSON at `cardPath`, lets `edit` change it in place, writes it back (one-space indent, as the training script writes it). */
export function editCardFile<T extends object = Record<string, unknown>>(cardPath: string, edit: (card: T) => void): void {
  const card = JSON.parse(readFileSync(cardPath, "utf8")) as T;
  edit(card);
  writeFileSync(cardPath, JSON.stringify(card, finiteOrNull, 1));
}
