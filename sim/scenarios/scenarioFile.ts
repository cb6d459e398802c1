// Scenario files (YAML, or JSON): read, resolve the template layer with a seed, validate with the
// one ScenarioSchema. Every problem is reported as `file:line:col: path: message`, the path inside
// the file (e.g. `pedestrians[3].speedMps`). Format reference: sim/scenarios/README.md.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, resolve as resolvePath } from "node:path";
import { type Document, LineCounter, isNode, parseDocument } from "yaml";
import { type Scenario, ScenarioSchema, formatPath } from "./Scenario.ts";
import { type Path, TemplateError, isRandomTemplate, resolveTemplate } from "./template.ts";

export interface FileProblem {
  /** Path inside the file, e.g. `pedestrians[3].speedMps` ("(root)" for the whole file). */
  path: string;
  /** 1-based line and column in the file, when known. */
  line?: number;
  col?: number;
  message: string;
}

/** An invalid scenario file; `message` lists every problem as `file:line:col: path: message`. */
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: FileProblem[],
    readonly seed?: number,
  ) {
    const where = (p: FileProblem) => `${file}${p.line !== undefined ? `:${p.line}:${p.col ?? 1}` : ""}${p.path === "(root)" ? "" : `: ${p.path}`}`;
    const variant = seed !== undefined ? ` (variant seed ${seed})` : "";
    super(
      problems.length === 1
        ? `invalid scenario file${variant}: ${where(problems[0])}: ${problems[0].message}`
        : `invalid scenario file${variant}, ${problems.length} problems:\n${problems.map((p) => `  ${where(p)}: ${p.message}`).join("\n")}`,
    );
    this.name = "ScenarioFileError";
  }
}

/** A parsed scenario file: its data (template layer unresolved) and where each node sits. */
export interface ScenarioTemplate {
  /** File name as given (used in messages). */
  file: string;
  /** The scenario name in the file (before any `#seed` suffix). */
  name: string;
  /** True when the file draws random values (vars or inline ranges): each seed gives a variant. */
  random: boolean;
  data: unknown;
  doc: Document;
  lines: LineCounter;
}

/** Parses YAML or JSON text (by extension; YAML otherwise). Malformed text → ScenarioFileError with the line. */
export function parseScenarioTemplate(text: string, file: string): ScenarioTemplate {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const kind = extname(file).toLowerCase() === ".json" ? "JSON" : "YAML";
  if (doc.errors.length > 0) {
    throw new ScenarioFileError(
      file,
      doc.errors.map((e) => {
        const lp = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { path: "(root)", line: lp.line, col: lp.col, message: `malformed ${kind}: ${e.message.split("\n")[0]}` };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const name = typeof data === "object" && data !== null && typeof (data as { name?: unknown }).name === "string" ? (data as { name: string }).name : basename(file, extname(file));
  return { file, name, random: isRandomTemplate(data), data, doc, lines };
}

/** Reads a scenario file. */
export function loadScenarioTemplate(file: string): ScenarioTemplate {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ScenarioFileError(file, [{ path: "(root)", message: `cannot read: ${(error as Error).message}` }]);
  }
  return parseScenarioTemplate(text, file);
}

export interface InstantiateOptions {
  /** Name the result `name#seed` (default: when the template is random). */
  suffixSeed?: boolean;
  /** Check that files named in the scenario (camera calibrations) exist, relative to this folder. */
  baseDir?: string;
}

/** The template a scenario variant was drawn from: "jaywalk-group#300008" → "jaywalk-group" (see instantiateScenario). */
export function templateName(scenario: string): string {
  return scenario.split("#")[0];
}

/** Resolves the template with `seed` and validates it; errors name the file, line and path. */
export function instantiateScenario(t: ScenarioTemplate, seed: number, options: InstantiateOptions = {}): Scenario {
  const seedNote = t.random ? seed : undefined;
  let resolved;
  try {
    resolved = resolveTemplate(t.data, seed);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new ScenarioFileError(t.file, [problemAt(t, error.path, error.problem)], seedNote);
  }
  const value = resolved.value;
  if ((options.suffixSeed ?? t.random) && typeof value.name === "string") value.name = `${value.name}#${seed}`;
  const r = ScenarioSchema.safeParse(value);
  if (!r.success) {
    throw new ScenarioFileError(
      t.file,
      r.error.issues.map((issue) => {
        const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
        const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
        // Point at the unknown key itself when there is one.
        const located = keys.length === 1 ? [...path, keys[0]] : path;
        const src = sourcePath(resolved.origins, located);
        return { ...problemAt(t, src, issue.message), path: formatPath(located) };
      }),
      seedNote,
    );
  }
  const scenario = r.data;
  if (options.baseDir !== undefined) {
    const problems: FileProblem[] = [];
    scenario.sensors.forEach((s, i) => {
      if (s.calibrationFile && !existsSync(resolvePath(options.baseDir!, s.calibrationFile))) {
        const path: Path = ["sensors", i, "calibrationFile"];
        problems.push(problemAt(t, sourcePath(resolved.origins, path), `no such file: ${resolvePath(options.baseDir!, s.calibrationFile)}`));
      }
    });
    if (problems.length > 0) throw new ScenarioFileError(t.file, problems, seedNote);
  }
  return scenario;
}

/** Reads, resolves (with `seed`) and validates a scenario file in one go. */
export function loadScenarioFile(file: string, seed = 0): Scenario {
  return instantiateScenario(loadScenarioTemplate(file), seed, { baseDir: dirname(resolvePath(file)) });
}

/** The same from text (tests, stdin); `file` is only used in messages and to pick YAML or JSON. */
export function parseScenarioFileText(text: string, file: string, seed = 0): Scenario {
  return instantiateScenario(parseScenarioTemplate(text, file), seed);
}

/** The source path of a resolved path: the longest prefix with a known origin, plus the rest. */
function sourcePath(origins: Map<string, Path>, path: Path): Path {
  for (let n = path.length; n >= 0; n--) {
    const src = origins.get(formatPath(path.slice(0, n)));
    if (src) return [...src, ...path.slice(n)];
  }
  return path;
}

function problemAt(t: ScenarioTemplate, src: Path, message: string): FileProblem {
  let line: number | undefined;
  let col: number | undefined;
  // The deepest node that exists on the path (an unknown key's own node, or its parent).
  for (let n = src.length; n >= 0; n--) {
    const node = n === 0 ? t.doc.contents : t.doc.getIn(src.slice(0, n), true);
    if (isNode(node) && node.range) {
      const lp = t.lines.linePos(node.range[0]);
      line = lp.line;
      col = lp.col;
      break;
    }
  }
  return { path: formatPath(src), line, col, message };
}
