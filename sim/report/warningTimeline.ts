// Was the warning in time? Per pedestrian track: the predictor's crossing probability over the run,
// the frames it raised `crossing_predicted` (what planning reacts to), and when the pedestrian
// decided and stepped off. Inline SVG, like the other plots.
import { msg, nsToSeconds } from "../../bus/index.ts";
import type { PedestrianMetrics, SimFrame } from "../metrics/index.ts";
import { escapeHtml } from "./escapeHtml.ts";
import { niceTicks, svgNumber, tickLabel } from "./svgPlot.ts";

export interface PedestrianIntentTrace {
  trackId: number;
  /** Frame times, s after the run's origin. */
  tS: number[];
  /** P(enters the road outside a crosswalk within `horizonS`) at each frame (NaN: that horizon not published). */
  probability: number[];
  /** The predictor's decision at each frame. */
  warned: boolean[];
}

export interface IntentTraces {
  /** The predictor that published them ("intent_cnn_gru"); "" when nothing was published. */
  predictor: string;
  horizonS: number;
  /** Pedestrian tracks in id order. */
  traces: PedestrianIntentTrace[];
}

/** The pedestrians' predictions of every frame that carries `/prediction/agents`, per track. */
export function pedestrianIntentTraces(frames: readonly SimFrame[], originNs: bigint, horizonS = 1): IntentTraces {
  const byTrack = new Map<number, PedestrianIntentTrace>();
  let predictor = "";
  for (const f of frames) {
    if (!f.predictions) continue;
    predictor ||= f.predictions.predictor;
    const t = nsToSeconds(f.tNs - originNs);
    for (const a of f.predictions.agents) {
      if (a.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
      let trace = byTrack.get(a.trackId);
      if (!trace) byTrack.set(a.trackId, (trace = { trackId: a.trackId, tS: [], probability: [], warned: [] }));
      trace.tS.push(t);
      trace.probability.push(a.crossing.find((c) => Math.abs(c.horizonS - horizonS) < 1e-9)?.probability ?? NaN);
      trace.warned.push(a.crossingPredicted);
    }
  }
  return { predictor, horizonS, traces: [...byTrack.values()].sort((a, b) => a.trackId - b.trackId) };
}

/** [from, to) time spans of consecutive warned frames; a frame lasts until the next one of its track (the last one: `frameS`). */
export function warnedSpans(trace: PedestrianIntentTrace, frameS: number): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = 0; i < trace.tS.length; i++) {
    if (!trace.warned[i]) continue;
    const end = i + 1 < trace.tS.length && trace.tS[i + 1] - trace.tS[i] <= 1.5 * frameS ? trace.tS[i + 1] : trace.tS[i] + frameS;
    const last = spans[spans.length - 1];
    if (last && Math.abs(last[1] - trace.tS[i]) < 1e-9) last[1] = end;
    else spans.push([trace.tS[i], end]);
  }
  return spans;
}

export interface WarningTimelineOptions {
  id: string;
  traces: readonly PedestrianIntentTrace[];
  /** The run's pedestrians (ids as the oracle tracker keeps them): decision and curb-leave times. */
  pedestrians: readonly PedestrianMetrics[];
  xRange: readonly [number, number];
  frameS: number;
  widthPx?: number;
}

const f = svgNumber;

/** One row per pedestrian track: warned spans as bars, the decision as a tick, the step-off as a triangle. */
export function renderWarningTimeline(o: WarningTimelineOptions): string {
  // The time axis lines up with renderTimePlot's (same width and margins), so the rows read against the speed plot.
  const W = o.widthPx ?? 900, rowH = 20, left = 58, right = 16, top = 24, bottom = 40;
  const H = top + bottom + rowH * Math.max(1, o.traces.length);
  const [x0, x1] = o.xRange[1] > o.xRange[0] ? o.xRange : [o.xRange[0], o.xRange[0] + 1];
  const X = (t: number) => left + ((Math.min(x1, Math.max(x0, t)) - x0) / (x1 - x0)) * (W - left - right);
  const parts = [
    `<svg id="${escapeHtml(o.id)}" class="plot warning-timeline" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="warnings per pedestrian">`,
    `<text x="${left}" y="16" class="plot-title">Warnings (crossing_predicted) per pedestrian</text>`,
    `<rect x="${left}" y="${top}" width="${W - left - right}" height="${rowH * Math.max(1, o.traces.length)}" fill="#fff" stroke="#999"/>`,
    `<text x="${W - right}" y="16" class="tick" text-anchor="end">▮ warned  | decides  ▼ steps off</text>`,
  ];
  const byId = new Map(o.pedestrians.map((p) => [p.id, p]));
  o.traces.forEach((tr, k) => {
    const y = top + k * rowH;
    const p = byId.get(tr.trackId);
    const label = `P${tr.trackId}${p ? ` ${p.behaviour.toLowerCase()}${p.isChild ? " (child)" : ""}` : ""}`;
    parts.push(`<g class="row" data-track="${tr.trackId}"><line x1="${left}" y1="${y + rowH / 2}" x2="${W - right}" y2="${y + rowH / 2}" stroke="#eee"/>`);
    for (const [a, b] of warnedSpans(tr, o.frameS)) {
      parts.push(`<rect class="warned" x="${f(X(a))}" y="${y + 4}" width="${f(Math.max(1, X(b) - X(a)))}" height="${rowH - 8}" fill="#e67e22"><title>${escapeHtml(`P${tr.trackId} warned ${a.toFixed(1)}–${b.toFixed(1)} s`)}</title></rect>`);
    }
    if (p?.decisionTimeS != null) {
      const x = f(X(p.decisionTimeS));
      parts.push(`<line class="decides" x1="${x}" y1="${y + 2}" x2="${x}" y2="${y + rowH - 2}" stroke="#b8860b" stroke-width="2"/>`);
    }
    if (p?.curbLeaveTimeS != null) {
      const x = X(p.curbLeaveTimeS);
      parts.push(`<path class="steps-off" d="M${f(x - 5)} ${y + 3} L${f(x + 5)} ${y + 3} L${f(x)} ${y + rowH - 3} Z" fill="#c0392b"><title>${escapeHtml(`P${tr.trackId} steps off at ${p.curbLeaveTimeS.toFixed(2)} s`)}</title></path>`);
    }
    parts.push(`<text x="${left + 4}" y="${y + rowH / 2}" class="tick" dominant-baseline="middle" paint-order="stroke" stroke="#fff" stroke-width="3">${escapeHtml(label)}</text></g>`);
  });
  const axisY = top + rowH * Math.max(1, o.traces.length);
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${W - right}" y2="${axisY}" stroke="#333"/>`);
  const ticks = niceTicks(x0, x1, 10);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  for (const v of ticks) {
    parts.push(`<line x1="${f(X(v))}" y1="${axisY}" x2="${f(X(v))}" y2="${axisY + 5}" stroke="#333"/><text x="${f(X(v))}" y="${axisY + 18}" class="tick" text-anchor="middle">${tickLabel(v, step)}</text>`);
  }
  parts.push(`<text x="${left + (W - left - right) / 2}" y="${H - 6}" class="axis-label" text-anchor="middle">time [s]</text></svg>`);
  return parts.join("\n");
}
