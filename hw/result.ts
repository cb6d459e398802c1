// Result type shared by the hw decoders: parse functions return a value or a typed error and never
// throw out of a driver loop (corrupt input is data, not an exception).

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** A decode error: a stable machine-readable code and a message that says what was expected. */
export interface DecodeError<C extends string = string> {
  readonly code: C;
  readonly message: string;
}

/** "expected N, got M" — the wording every length check uses. */
export function lengthMessage(what: string, expected: number | string, got: number): string {
  return `${what}: expected ${expected} bytes, got ${got}`;
}

/** Counts of errors by code, for drivers that keep going after bad input. */
export class ErrorCounter {
  readonly counts = new Map<string, number>();
  total = 0;
  last: DecodeError | undefined;

  add(error: DecodeError): void {
    this.counts.set(error.code, (this.counts.get(error.code) ?? 0) + 1);
    this.total++;
    this.last = error;
  }

  get(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
