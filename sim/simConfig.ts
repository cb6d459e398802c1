// Stack parameters for a simulation run, read from a YAML or JSON file and validated by schema:
// a wrong or unknown key fails loudly, naming its path in the file.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { StackParamsSchema, type StackParamsInput } from "../planning/index.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), "");
}

/** Validates stack parameters given as plain data; errors name the field, e.g. `perception.position_noise_m`. */
export function parseStackParams(input: unknown, source = "config"): StackParamsInput {
  const result = StackParamsSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${formatIssuePath(i.path) || "(top level)"}: ${i.message}`);
    throw new ConfigError(`invalid ${source}:\n${lines.join("\n")}`);
  }
  return result.data as StackParamsInput;
}

/** Validated stack parameters from a YAML or JSON file, defaults filled in. */
export function loadStackParams(path: string): StackParamsInput {
  return parseStackParams(readStackParamsFile(path), `config ${path}`);
}

/**
 * A stack parameter file's own content (validated, so a typo names its field, but without the defaults
 * filled in): what it changes, for laying over other parameters (`curb replay --rerun --config`).
 */
export function readStackParamsFile(path: string): StackParamsInput {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config ${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
  parseStackParams(data, `config ${path}`);
  return (data ?? {}) as StackParamsInput;
}
