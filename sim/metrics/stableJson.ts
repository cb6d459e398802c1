// Deterministic JSON for metrics: keys in the order the objects were built (the metric builders
// build them in one fixed order), numbers rounded to 1e-6, and no silent Infinity/NaN → null.
import { roundMetric } from "./round.ts";

/**
 * JSON text of `value` that is identical for identical inputs. Numbers are rounded to 1e-6; a
 * non-finite number throws (metric types carry `null` plus an explicit flag instead), as do
 * bigint, functions and undefined inside arrays.
 *
 * @example stableJson({ a: 1 / 3 }) // '{"a":0.333333}'
 */
export function stableJson(value: unknown, indent = 2): string {
  return JSON.stringify(normalise(value, "$"), null, indent);
}

function normalise(value: unknown, path: string): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) {
        throw new Error(`stableJson: non-finite number at ${path} (${value}); use null plus a flag`);
      }
      return roundMetric(value);
    case "string":
    case "boolean":
      return value;
    case "object": {
      if (Array.isArray(value)) return value.map((v, i) => normalise(v, `${path}[${i}]`));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        out[k] = normalise(v, `${path}.${k}`);
      }
      return out;
    }
    default:
      throw new Error(`stableJson: cannot serialise ${typeof value} at ${path}`);
  }
}
