// The template layer of scenario files: named random variables, inline ranges, references,
// arithmetic and repeated list items, resolved with a seed into plain scenario data that the one
// ScenarioSchema then validates. Format reference: sim/scenarios/README.md.
//
//   vars:                      # drawn in order from the seed; later ones may use earlier ones
//     side: { choice: [{ name: south, sign: -1 }, { name: north, sign: 1 }] }
//     x: { uniform: [40, 100] }
//     n: { int: [0, 4] }
//   pedestrians:
//     - start: { xM: "$x", yM: "= side.sign * 6.5" }   # "$ref" copies a value, "= expr" computes a number
//   parkedCars:
//     - repeat: "$n"                                    # list item repeated n times, k = 0..n-1
//       as: k
//       let: { dx: { uniform: [0, 1] } }                  # per-copy variables
//       each: { xM: "= x + 5.5 * k + dx", side: "$side.name" }
import { type Rng, forkRng } from "../random.ts";
import { formatPath } from "./Scenario.ts";

export type Path = (string | number)[];

/** Random stream of the template layer (independent of the world's per-actor streams). */
const TEMPLATE_STREAM = 0x7e3;
/** Most copies a `repeat` item may make. */
const MAX_REPEAT = 100;
const RANDOM_KEYS = new Set(["uniform", "int", "choice", "weights"]);
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A problem in a template, with the path inside the document where it is. */
export class TemplateError extends Error {
  constructor(
    readonly path: Path,
    readonly problem: string,
  ) {
    super(`${formatPath(path)}: ${problem}`);
    this.name = "TemplateError";
  }
}

export interface ResolvedTemplate {
  /** Plain scenario data (no `vars`), ready for parseScenario. */
  value: Record<string, unknown>;
  /** The drawn variables, by name. */
  vars: Record<string, unknown>;
  /** True when anything was drawn (the document has vars or inline ranges). */
  random: boolean;
  /** Resolved path (formatted) → path in the source document (they differ after `repeat`). */
  origins: Map<string, Path>;
}

/** True when the document draws anything: a `vars` section or an inline range anywhere. */
export function isRandomTemplate(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.some(isRandomTemplate);
  if (!isPlainObject(doc)) return false;
  if (isRandomNode(doc) || "vars" in doc) return true;
  return Object.values(doc).some(isRandomTemplate);
}

/** Resolves a template document with `seed`; throws TemplateError naming the path of a bad node. */
export function resolveTemplate(doc: unknown, seed: number): ResolvedTemplate {
  if (!isPlainObject(doc)) throw new TemplateError([], "a scenario file must be a mapping (key: value) at the top level");
  const r = new Resolver(forkRng(seed, TEMPLATE_STREAM));
  const { vars: varsNode, ...body } = doc;
  if (varsNode !== undefined) {
    if (!isPlainObject(varsNode)) throw new TemplateError(["vars"], "must be a mapping of name: value");
    for (const [name, spec] of Object.entries(varsNode)) {
      if (!VAR_NAME.test(name)) throw new TemplateError(["vars", name], "a variable name is letters, digits and '_', not starting with a digit");
      r.scope.set(name, r.resolve(spec, ["vars", name], ["vars", name], r.scope));
    }
  }
  const value = r.resolve(body, [], [], r.scope) as Record<string, unknown>;
  return { value, vars: Object.fromEntries(r.scope), random: r.drew || varsNode !== undefined, origins: r.origins };
}

type Scope = Map<string, unknown>;

class Resolver {
  readonly scope: Scope = new Map();
  readonly origins = new Map<string, Path>();
  drew = false;

  constructor(private readonly rng: Rng) {}

  resolve(node: unknown, path: Path, src: Path, scope: Scope): unknown {
    this.origins.set(formatPath(path), src);
    if (typeof node === "string") {
      if (node.startsWith("$")) return lookup(node.slice(1), scope, src);
      if (node.startsWith("=")) return evaluate(node.slice(1), scope, src);
      return node;
    }
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      node.forEach((item, i) => {
        if (isPlainObject(item) && "repeat" in item) {
          const itemSrc = [...src, i];
          for (const k of Object.keys(item)) {
            if (k !== "repeat" && k !== "as" && k !== "let" && k !== "each") throw new TemplateError([...itemSrc, k], `unknown key in a repeat item (repeat, as, let, each)`);
          }
          if (!("each" in item)) throw new TemplateError(itemSrc, "a repeat item needs `each`: the item to repeat");
          const count = this.resolve(item.repeat, [...path, out.length], [...itemSrc, "repeat"], scope);
          if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > MAX_REPEAT) {
            throw new TemplateError([...itemSrc, "repeat"], `must be an integer in [0, ${MAX_REPEAT}], got ${JSON.stringify(count)}`);
          }
          const as = item.as ?? "i";
          if (typeof as !== "string" || !VAR_NAME.test(as)) throw new TemplateError([...itemSrc, "as"], "must be a variable name");
          const lets = item.let ?? {};
          if (!isPlainObject(lets)) throw new TemplateError([...itemSrc, "let"], "must be a mapping of name: value");
          for (let k = 0; k < count; k++) {
            const inner = new Map(scope).set(as, k);
            // Per-copy variables, drawn again for every copy.
            for (const [name, spec] of Object.entries(lets)) {
              if (!VAR_NAME.test(name)) throw new TemplateError([...itemSrc, "let", name], "a variable name is letters, digits and '_', not starting with a digit");
              inner.set(name, this.resolve(spec, [...path, out.length, "let", name], [...itemSrc, "let", name], inner));
            }
            out.push(this.resolve(item.each, [...path, out.length], [...itemSrc, "each"], inner));
          }
        } else {
          out.push(this.resolve(item, [...path, out.length], [...src, i], scope));
        }
      });
      return out;
    }
    if (isPlainObject(node)) {
      if (isRandomNode(node)) return this.draw(node, path, src, scope);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = this.resolve(v, [...path, k], [...src, k], scope);
      return out;
    }
    return node;
  }

  private draw(node: Record<string, unknown>, path: Path, src: Path, scope: Scope): unknown {
    this.drew = true;
    const kinds = ["uniform", "int", "choice"].filter((k) => k in node);
    for (const k of Object.keys(node)) if (k === "weights" && !("choice" in node)) throw new TemplateError([...src, k], "weights go with choice");
    if (kinds.length !== 1) throw new TemplateError(src, `a random value is exactly one of uniform, int, choice; got ${kinds.join(", ")}`);
    const kind = kinds[0];
    const arg = this.resolve(node[kind], [...path, kind], [...src, kind], scope);
    if (kind === "choice") {
      if (!Array.isArray(arg) || arg.length === 0) throw new TemplateError([...src, kind], "needs a non-empty list of options");
      let weights = arg.map(() => 1);
      if ("weights" in node) {
        const w = this.resolve(node.weights, [...path, "weights"], [...src, "weights"], scope);
        if (!Array.isArray(w) || w.length !== arg.length || !w.every((x) => typeof x === "number" && x >= 0) || !w.some((x) => x > 0)) {
          throw new TemplateError([...src, "weights"], `needs ${arg.length} non-negative numbers, not all 0`);
        }
        weights = w as number[];
      }
      const total = weights.reduce((a, b) => a + b, 0);
      let u = this.rng() * total;
      for (let i = 0; i < arg.length; i++) {
        u -= weights[i];
        if (u < 0 || i === arg.length - 1) return arg[i];
      }
    }
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "number" || typeof arg[1] !== "number" || !(arg[0] <= arg[1])) {
      throw new TemplateError([...src, kind], `needs [lo, hi], two numbers with lo ≤ hi, got ${JSON.stringify(arg)}`);
    }
    const [lo, hi] = arg as [number, number];
    if (kind === "int") {
      if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new TemplateError([...src, kind], "needs integer bounds");
      return lo + Math.min(hi - lo, Math.floor(this.rng() * (hi - lo + 1)));
    }
    // Millimetre (or milli-unit) resolution keeps resolved scenarios readable.
    return Math.round((lo + (hi - lo) * this.rng()) * 1000) / 1000;
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isRandomNode(x: Record<string, unknown>): boolean {
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => RANDOM_KEYS.has(k));
}

/** `a.b.c` in scope. */
function lookup(ref: string, scope: Scope, src: Path): unknown {
  const [head, ...rest] = ref.split(".");
  if (!scope.has(head)) throw new TemplateError(src, `unknown variable "${head}"${scope.size ? `; defined: ${[...scope.keys()].join(", ")}` : " (no vars defined)"}`);
  let v = scope.get(head);
  for (const key of rest) {
    if (!isPlainObject(v) || !(key in v)) throw new TemplateError(src, `variable "${ref}" has no field "${key}"`);
    v = v[key];
  }
  return v;
}

const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  min: Math.min,
  max: Math.max,
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  sign: Math.sign,
};

/**
 * Arithmetic over numeric variables: numbers, names (with `.field`), + − * / %, unary minus,
 * parentheses and min, max, abs, floor, ceil, round, sign. Nothing else (no code is run).
 */
export function evaluate(text: string, scope: Scope, src: Path): number {
  const tokens = text.match(/\s*(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+|[A-Za-z_][A-Za-z0-9_.]*|[-+*/%(),]|\S)/g) ?? [];
  const toks = tokens.map((t) => t.trim());
  let pos = 0;
  const fail = (msg: string): never => {
    throw new TemplateError(src, `expression "=${text}": ${msg}`);
  };
  const peek = () => toks[pos];
  const expect = (t: string) => {
    if (toks[pos] !== t) fail(`expected "${t}"${toks[pos] ? ` at "${toks[pos]}"` : " at the end"}`);
    pos++;
  };
  const primary = (): number => {
    const t = toks[pos++];
    if (t === undefined) return fail("unexpected end");
    if (/^(\d|\.\d)/.test(t)) return Number(t);
    if (t === "(") {
      const v = add();
      expect(")");
      return v;
    }
    if (t === "-") return -primary();
    if (t === "+") return primary();
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === "(") {
        const f = FUNCTIONS[t];
        if (!f) fail(`unknown function ${t}; known: ${Object.keys(FUNCTIONS).join(", ")}`);
        pos++;
        const args: number[] = [];
        if (peek() !== ")") {
          args.push(add());
          while (peek() === ",") {
            pos++;
            args.push(add());
          }
        }
        expect(")");
        return f(...args);
      }
      const v = lookup(t, scope, src);
      if (typeof v === "boolean") return v ? 1 : 0;
      if (typeof v !== "number") fail(`variable ${t} is ${JSON.stringify(v)}, not a number`);
      return v as number;
    }
    return fail(`unexpected "${t}"`);
  };
  const mul = (): number => {
    let v = primary();
    while (peek() === "*" || peek() === "/" || peek() === "%") {
      const op = toks[pos++];
      const r = primary();
      v = op === "*" ? v * r : op === "/" ? v / r : v % r;
    }
    return v;
  };
  const add = (): number => {
    let v = mul();
    while (peek() === "+" || peek() === "-") {
      const op = toks[pos++];
      const r = mul();
      v = op === "+" ? v + r : v - r;
    }
    return v;
  };
  const v = add();
  if (pos < toks.length) fail(`unexpected "${toks[pos]}"`);
  if (!Number.isFinite(v)) fail(`is ${v}`);
  // Round off binary noise (e.g. 0.1 + 0.2) so resolved numbers print cleanly.
  return Math.round(v * 1e9) / 1e9;
}
