// Loading the intent model: its JSON card, checked against the rasteriser's spec and against the
// ONNX graph's own input/output names and shapes. Any mismatch is refused with a message naming it.
// onnxruntime-node is imported lazily, so code that never runs the model does not load the native addon.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { InferenceSession } from "onnxruntime-node";
import { diffRasterSpec, RASTER_SPEC, type RasterSpec } from "./rasterSpec.ts";
import type { OperatingPoint } from "./operatingPoint.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface CardTensor {
  name: string;
  dtype: string;
  shape: (number | string)[];
}

export interface CardGraph {
  file: string;
  /** Of the graph file as exported; a file that differs belongs to another training than this card describes. */
  sha256?: string;
  inputs: CardTensor[];
  outputs: CardTensor[];
}

export interface IntentModelCard {
  format: "curb-model-card";
  model: string;
  usesRaster: boolean;
  hiddenSize: number;
  graphs: { full: CardGraph; step: CardGraph };
  rasterSpec: unknown;
  training?: { mirror?: boolean } & Record<string, unknown>;
  /** Per-head thresholds and the warning head, chosen on validation data (operatingPoint.ts; the stack's decisionHorizonS and decisionThreshold). */
  operatingPoint?: OperatingPoint & { chosenOn: string };
  /** Cards from before per-head thresholds: one threshold, for the 1 s head. */
  operatingThreshold?: { value: number; horizonS: number; chosenOn: string };
  quality?: unknown;
}

export type GraphKind = keyof IntentModelCard["graphs"];

export class IntentModelError extends Error {
  constructor(readonly cardPath: string, readonly problems: string[]) {
    super(`intent model ${cardPath} refused: ${problems.join("; ")}`);
    this.name = "IntentModelError";
  }
}

/** A path from params (relative = from the project root). */
export function resolveModelPath(path: string): string {
  return isAbsolute(path) ? path : join(PROJECT_ROOT, path);
}

/** Reads a card and checks it against the spec; throws IntentModelError listing every mismatch. */
export function readIntentCard(cardPath: string, spec: RasterSpec = RASTER_SPEC): IntentModelCard {
  if (!existsSync(cardPath)) throw new IntentModelError(cardPath, ["card file not found (train one: curb train intent --data DIR --out models/intent.onnx)"]);
  let card: IntentModelCard;
  try {
    card = JSON.parse(readFileSync(cardPath, "utf8")) as IntentModelCard;
  } catch (e) {
    throw new IntentModelError(cardPath, [`card is not JSON: ${(e as Error).message}`]);
  }
  const problems = checkCard(card, spec);
  if (problems.length) throw new IntentModelError(cardPath, problems);
  return card;
}

/** Everything wrong with a card relative to the rasteriser's spec (empty = fine). */
export function checkCard(card: IntentModelCard, spec: RasterSpec = RASTER_SPEC): string[] {
  if (card?.format !== "curb-model-card") return [`format: expected "curb-model-card", got ${JSON.stringify(card?.format)}`];
  const problems = diffRasterSpec(card.rasterSpec, spec).map((d) => `raster spec ${d}`);
  const C = spec.channels.length, S = spec.sizePx, F = spec.features.length, H = spec.horizonsS.length, G = card.hiddenSize;
  const want: Record<GraphKind, { inputs: [string, (number | string)[]][]; outputs: [string, (number | string)[]][] }> = {
    full: {
      inputs: [...(card.usesRaster ? [["rasters", ["B", "T", C, S, S]] as [string, (number | string)[]]] : []), ["features", ["B", "T", F]]],
      outputs: [["probabilities", ["B", "T", H]]],
    },
    step: {
      inputs: [...(card.usesRaster ? [["raster", ["B", C, S, S]] as [string, (number | string)[]]] : []), ["features", ["B", F]], ["hidden", ["B", G]]],
      outputs: [["probabilities", ["B", H]], ["hidden_out", ["B", G]]],
    },
  };
  for (const kind of ["full", "step"] as GraphKind[]) {
    const g = card.graphs?.[kind];
    if (!g) { problems.push(`graphs.${kind} missing`); continue; }
    for (const side of ["inputs", "outputs"] as const) {
      const names = (g[side] ?? []).map((t) => t.name);
      const wantNames = want[kind][side].map(([n]) => n);
      if (JSON.stringify(names) !== JSON.stringify(wantNames)) {
        problems.push(`graphs.${kind}.${side}: card [${names.join(", ")}], rasteriser expects [${wantNames.join(", ")}]`);
        continue;
      }
      want[kind][side].forEach(([name, shape], i) => {
        const t = g[side][i];
        if (JSON.stringify(t.shape) !== JSON.stringify(shape)) problems.push(`graphs.${kind} ${name} shape: card ${JSON.stringify(t.shape)}, rasteriser expects ${JSON.stringify(shape)}`);
        if (t.dtype !== "float32") problems.push(`graphs.${kind} ${name} dtype: card ${t.dtype}, expected float32`);
      });
    }
  }
  return problems;
}

/** Differences between the card's tensors and what the ONNX session declares (names, fixed dims, dtypes). */
export function checkSession(session: InferenceSession, graph: CardGraph, kind: GraphKind): string[] {
  const problems: string[] = [];
  const sides = [["inputs", session.inputMetadata] as const, ["outputs", session.outputMetadata] as const];
  for (const [side, meta] of sides) {
    const onnxNames = meta.map((m) => m.name);
    const cardNames = graph[side].map((t) => t.name);
    if (JSON.stringify(onnxNames) !== JSON.stringify(cardNames)) {
      problems.push(`${kind} graph ${side}: ONNX [${onnxNames.join(", ")}], card [${cardNames.join(", ")}]`);
      continue;
    }
    meta.forEach((m, i) => {
      const c = graph[side][i];
      if (!m.isTensor) { problems.push(`${kind} graph ${m.name}: not a tensor`); return; }
      if (m.type !== c.dtype) problems.push(`${kind} graph ${m.name} dtype: ONNX ${m.type}, card ${c.dtype}`);
      const fixed = (d: number | string) => (typeof d === "number" ? d : "?");
      const a = m.shape.map(fixed), b = c.shape.map(fixed);
      if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${kind} graph ${m.name} shape: ONNX ${JSON.stringify(m.shape)}, card ${JSON.stringify(c.shape)}`);
    });
  }
  return problems;
}

export interface LoadedGraph {
  card: IntentModelCard;
  cardPath: string;
  session: InferenceSession;
}

/**
 * Both graph files a card names: present and, where the card records one, with its sha256. Both, even
 * when one is loaded: a card's quality figures and operating point describe the pair, and the stack
 * streams the step graph that `curb eval` never runs.
 */
export function checkGraphFiles(cardPath: string, card: IntentModelCard): string[] {
  const problems: string[] = [];
  for (const kind of ["full", "step"] as GraphKind[]) {
    const file = join(dirname(cardPath), card.graphs[kind].file);
    if (!existsSync(file)) { problems.push(`${kind} graph file ${file} not found`); continue; }
    const want = card.graphs[kind].sha256;
    if (want === undefined) continue;
    const got = createHash("sha256").update(readFileSync(file)).digest("hex");
    if (got !== want) problems.push(`${kind} graph ${file} is not the one this card describes (sha256 ${got.slice(0, 12)}…, card ${String(want).slice(0, 12)}…): keep each card with the graphs its training wrote, or rebuild with make models`);
  }
  return problems;
}

/** Reads and checks the card and its graph files, opens one graph and checks the session against the card. */
export async function loadIntentGraph(cardPath: string, kind: GraphKind, threads = 1, spec: RasterSpec = RASTER_SPEC): Promise<LoadedGraph> {
  const card = readIntentCard(cardPath, spec);
  const file = join(dirname(cardPath), card.graphs[kind].file);
  if (!existsSync(file)) throw new IntentModelError(cardPath, [`${kind} graph file ${file} not found`]);
  const ort = await import("onnxruntime-node");
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
  } catch (error) {
    throw new IntentModelError(cardPath, [`${kind} graph ${file} is not a loadable ONNX graph (${(error as Error).message}); rebuild it with make models`]);
  }
  // The shapes first (they say what is wrong in the card's own terms), then whether both files are the card's.
  const problems = checkSession(session, card.graphs[kind], kind);
  if (!problems.length) problems.push(...checkGraphFiles(cardPath, card));
  if (problems.length) {
    await session.release();
    throw new IntentModelError(cardPath, problems);
  }
  return { card, cardPath, session };
}
