// Shared helpers for the intent model tests: the shipped model's card, and a check that the streaming
// graph reproduces the full-sequence graph on real sequences.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { loadIntentGraph, PROJECT_ROOT, RASTER_SPEC } from "../../../prediction/index.ts";
import type { RunSamples } from "../../../sim/dataset/index.ts";

export const SHIPPED_CARD = join(PROJECT_ROOT, "models/intent.card.json");
export const hasShippedModel = existsSync(SHIPPED_CARD);

/** Largest |full − streaming| over the first `maxSequences` sequences of `run`. */
export async function maxStreamVsFullDiff(cardPath: string, run: RunSamples, maxSequences = 3): Promise<number> {
  const full = await loadIntentGraph(cardPath, "full");
  const step = await loadIntentGraph(cardPath, "step");
  const R = RASTER_SPEC.channels.length * RASTER_SPEC.sizePx * RASTER_SPEC.sizePx;
  const F = RASTER_SPEC.features.length;
  const H = RASTER_SPEC.horizonsS.length;
  const G = full.card.hiddenSize;
  const S = RASTER_SPEC.sizePx;
  const C = RASTER_SPEC.channels.length;
  let worst = 0;
  for (const s of run.sequences.slice(0, maxSequences)) {
    const T = s.length;
    const r = new Float32Array(T * R);
    for (let i = 0; i < T * R; i++) r[i] = run.rasters[s.start * R + i] / 255;
    const f = run.features.slice(s.start * F, (s.start + T) * F);
    const out = await full.session.run({ rasters: new ort.Tensor("float32", r, [1, T, C, S, S]), features: new ort.Tensor("float32", f, [1, T, F]) });
    const pFull = out.probabilities.data as Float32Array;
    let h = new Float32Array(G);
    for (let t = 0; t < T; t++) {
      const o = await step.session.run({
        raster: new ort.Tensor("float32", r.slice(t * R, (t + 1) * R), [1, C, S, S]),
        features: new ort.Tensor("float32", f.slice(t * F, (t + 1) * F), [1, F]),
        hidden: new ort.Tensor("float32", h, [1, G]),
      });
      const p = o.probabilities.data as Float32Array;
      for (let k = 0; k < H; k++) worst = Math.max(worst, Math.abs(p[k] - pFull[t * H + k]));
      h = new Float32Array(o.hidden_out.data as Float32Array);
    }
  }
  await full.session.release();
  await step.session.release();
  return worst;
}

/** Copies a model (card + both graphs) to `dir`, applying `edit` to the card; returns the new card path. */
export function tamperedCopy(cardPath: string, dir: string, edit: (card: Record<string, any>) => void): string {
  mkdirSync(dir, { recursive: true });
  const card = JSON.parse(readFileSync(cardPath, "utf8"));
  for (const g of ["full", "step"]) copyFileSync(join(dirname(cardPath), card.graphs[g].file), join(dir, card.graphs[g].file));
  edit(card);
  const out = join(dir, "intent.card.json");
  writeFileSync(out, JSON.stringify(card));
  return out;
}
